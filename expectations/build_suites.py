"""Defines the Great Expectations suites of the output tables (and of the reference input) as JSON.

Every expectation is written here, in code; ``expectations/suites/<table>.json`` is the
generated, committed form (GX's own ``suite.to_json_dict()``), and a test checks that the
two agree. Regenerate after a change::

    python -m expectations.build_suites          # rewrite the JSON files
    python -m expectations.build_suites --check  # exit 1 if a JSON file is stale

Each expectation carries, in its ``meta``:

* ``name``: a stable reason code such as ``metrics.share_in_0_100``. It is what a failure
  reports and what the quarantine table stores as ``reason``; never rename one lightly.
* ``level``: ``row`` when a failing row can be dropped (quarantined) and the rest published
  (value ranges, allowed sets, formats, a not-null field), or ``table`` when the table as a
  whole is wrong (columns missing, duplicate ids or fact keys, row-count sanity).

Bump a table's entry in ``SUITE_VERSIONS`` whenever its expectations change.

This module does not import great_expectations at import time (the import takes seconds);
only the functions that build suites do.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from stages.reconcile import COMPARED as COMPARED_VERDICTS
from stages.reconcile import VERDICTS
from stages.reference_tables import TOTAL_PARTS_TOLERANCE
from stages.schemas import INPUT_TABLES, SCHEMA_VERSION, TABLES

if TYPE_CHECKING:
    from great_expectations.core.expectation_suite import ExpectationSuite

SUITES_DIR = Path(__file__).resolve().parent / "suites"

SUITE_VERSIONS: dict[str, str] = {
    "documents": "1.0.0",
    "metrics": "1.0.0",
    "mentions": "1.0.0",
    "quarantine": "1.0.0",
    "runs": "1.1.0",
    "reconciliation": "1.0.0",
    "reference": "1.0.0",
}

# Every table with a suite: the output tables, and inputs such as the reference statistics.
SUITE_TABLES = {**TABLES, **INPUT_TABLES}

ROW = "row"
TABLE = "table"
LEVELS = (ROW, TABLE)

# A table-level failure stops publishing; a row-level failure quarantines rows.
_SEVERITY = {TABLE: "critical", ROW: "warning"}

# ---------------------------------------------------------------------------
# Allowed values (the spec, shared/spec/trade-metrics.md)
# ---------------------------------------------------------------------------

MEASURES = ("value", "growth", "share", "volume")
STATUSES = ("actual", "target", "forecast")
FLOWS = ("total", "export", "import")
QUALIFIERS = ("exact", "approx", "over", "under")
PERCENT_UNIT = "percent"
VOLUME_UNITS = ("t", "m3", "bbl")
PUBLISHED_FROM = ("manifest", "text", "none")
QUARANTINE_STAGES = ("manifest", "ingest", "clean", "extract", "validate", "publish")
VALIDATION_RESULTS = ("passed", "failed")
EXTRA_AREA_CODES = ("WLD", "EUU")  # World Bank codes for the world and the European Union

# YYYY, YYYY-MM or YYYY-MM/YYYY-MM (a span). Months are 01-12. This is a subset of
# ^\d{4}(-\d{2})?(/\d{4}-\d{2})?$: it rejects month 13 and the undocumented "YYYY/YYYY-MM".
_MONTH = r"(?:0[1-9]|1[0-2])"
PERIOD_REGEX = rf"^\d{{4}}(?:-{_MONTH}(?:/\d{{4}}-{_MONTH})?)?$"
SHA256_REGEX = r"^[0-9a-f]{64}$"
DOC_ID_REGEX = r"^[0-9a-f]{16}$"
NOT_BLANK_REGEX = r"\S"
# lower-case: at least one lower-case letter and no ASCII capital.
COMMODITY_REGEX = r"^[^A-Z]*[a-z][^A-Z]*$"

PUBLISHED_MIN = "1900-01-01"
# The upper bound of `published` is "today", supplied at validation time as this suite
# parameter, so the committed JSON does not change from day to day.
TODAY_PARAMETER = "today"
# Likewise the upper bound of a reference year: the current calendar year.
CURRENT_YEAR_PARAMETER = "current_year"
REFERENCE_YEAR_MIN = 1900

MAX_ROWS = 50_000_000  # row-count sanity bound for any one table

# ISO 4217 codes that are not money a trade figure can be stated in.
_NON_MONEY_CODES = frozenset({"XXX", "XTS", "XAU", "XAG", "XPD", "XPT", "XBA", "XBB", "XBC", "XBD"})

# A small fallback in case pycountry is missing (it is a declared dependency).
_FALLBACK_CURRENCIES = (
    "AED AUD BRL CAD CHF CNY CZK DKK EUR GBP HKD HUF IDR ILS INR JPY KRW KZT MXN MYR NOK NZD "
    "PHP PKR PLN RUB SAR SEK SGD THB TRY TWD UAH USD VND ZAR"
).split()


def import_gx() -> Any:
    """Import great_expectations with analytics off (unless the caller set GX_ANALYTICS_ENABLED)."""
    import os

    os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")
    import great_expectations

    return great_expectations


def currency_codes() -> list[str]:
    """ISO 4217 money codes (pycountry's list, minus test, no-currency, metal and bond units)."""
    try:
        import pycountry
    except ImportError:  # pragma: no cover - pycountry is a declared dependency
        return sorted(_FALLBACK_CURRENCIES)
    return sorted({c.alpha_3 for c in pycountry.currencies} - _NON_MONEY_CODES)


def area_codes() -> list[str]:
    """ISO 3166 alpha-3 country codes plus WLD and EUU."""
    import pycountry

    return sorted({c.alpha_3 for c in pycountry.countries} | set(EXTRA_AREA_CODES))


# ---------------------------------------------------------------------------
# Derived helper columns
# ---------------------------------------------------------------------------
# Cross-column rules on the metrics table are expected on helper columns that the pure
# function `expectations.runner.add_derived_columns` adds before validation. Two kinds:
#
# * masked copies ("_value_if_share" is `value` where measure == share, else null): a
#   conditional rule ("a share is in (0, 100]") becomes a plain expectation on the masked
#   column, since column-map expectations skip nulls, and a failure still reports the
#   offending value (140.0, "XXX").
# * booleans (True when the rule holds or does not apply; null inputs are left to the
#   not-null expectations), expected to be in {True}.
#
# Why not GX's own cross-column tools? `row_condition` works on the pandas engine (the
# documents suite uses it), but it runs DataFrame.query and copies the whole frame about
# six times per expectation, which made the metrics suite ~0.5 s slower per 100k rows;
# ExpectSelectColumnValuesToBeUniqueWithinRecord (reporter != partner) runs a row-wise
# DataFrame.nunique(axis=1), 3.8 s per 100k rows; a list column (`statuses`) cannot be
# checked against a scalar column at all; and a span's start vs end needs string slicing.
# The descriptions below are copied into the suite's meta so the JSON explains itself.
DERIVED_COLUMNS: dict[str, dict[str, str]] = {
    "metrics": {
        "_value_if_amount": "value where measure is value or volume, else null",
        "_value_if_share": "value where measure is share, else null",
        "_value_if_growth": "value where measure is growth, else null",
        "_unit_if_rate": "unit where measure is growth or share, else null",
        "_unit_if_value": "unit where measure is value, else null",
        "_unit_if_volume": "unit where measure is volume, else null",
        "_statuses_ok": "statuses is a non-empty list of allowed statuses whose first item equals status",
        "_period_span_ordered": "a YYYY-MM/YYYY-MM period does not end before it starts",
        "_pair_distinct": "reporter differs from partner",
        "_pair_ordered": (
            "for flow total, reporter < partner alphabetically; a share (whose reporter is the "
            "country whose trade is divided) and partner WLD (trade with the whole world) are exempt"
        ),
    },
    "reconciliation": {
        "_compared_has_reference": (
            "year, reference_value, ratio and source are set where the verdict is consistent, "
            "inconsistent or matches_other_year"
        ),
        "_other_year_iff_matches": (
            "other_year and other_value are set exactly where the verdict is matches_other_year, "
            "and other_year differs from year"
        ),
    },
    "runs": {
        "_files_accounted": (
            "files_seen = files_documents + files_quarantined + duplicates + files_skipped "
            "(true for runs recorded before files_documents existed)"
        ),
    },
    # Computed by stages.reference_tables.reference_check_columns.
    "reference": {
        "_pair_distinct": "reporter differs from partner",
        "_pair_ordered": "for flow total, reporter < partner alphabetically (partner WLD is exempt)",
        "_total_matches_parts": (
            "a total equals export + import of the same pair, year, unit and source within "
            f"{TOTAL_PARTS_TOLERANCE:.1%} (true where one of the three is missing)"
        ),
    },
}


# ---------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------


def _expectation(cls: Any, name: str, level: str, description: str, **kwargs: Any) -> Any:
    if level not in LEVELS:
        raise ValueError(f"{name}: level must be one of {LEVELS}, not {level!r}")
    return cls(
        meta={"name": name, "level": level},
        description=description,
        severity=_SEVERITY[level],
        **kwargs,
    )


def _fact_field_rule(table: str, column: str) -> Any:
    """The row-level rule on a fact's field that the metrics and the
    reconciliation tables share (measure, qualifier, period, quote)."""
    import great_expectations.expectations as gxe

    cls, rule, description, kwargs = {
        "measure": (gxe.ExpectColumnValuesToBeInSet, "measure_in_set", "measure is value, growth, share or volume",
                    {"value_set": list(MEASURES)}),
        "qualifier": (gxe.ExpectColumnValuesToBeInSet, "qualifier_in_set", "qualifier is exact, approx, over or under",
                      {"value_set": list(QUALIFIERS)}),
        "period": (gxe.ExpectColumnValuesToMatchRegex, "period_format",
                   "period is null, YYYY, YYYY-MM or YYYY-MM/YYYY-MM", {"regex": PERIOD_REGEX}),
        "quote": (gxe.ExpectColumnValuesToMatchRegex, "quote_not_empty", "quote has a non-blank character",
                  {"regex": NOT_BLANK_REGEX}),
    }[column]
    return _expectation(cls, f"{table}.{rule}", ROW, description, column=column, **kwargs)


def _common(table: str) -> list[Any]:
    """Columns present, row-count sanity and not-null for every non-nullable field of the schema."""
    import_gx()
    import great_expectations.expectations as gxe

    schema = SUITE_TABLES[table]
    out = [
        _expectation(
            gxe.ExpectTableColumnsToMatchSet,
            f"{table}.columns_present",
            TABLE,
            f"every column of the {table} schema is present",
            column_set=list(schema.names),
            exact_match=False,
        ),
        _expectation(
            gxe.ExpectTableRowCountToBeBetween,
            f"{table}.row_count_sane",
            TABLE,
            f"between 0 and {MAX_ROWS:,} rows",
            min_value=0,
            max_value=MAX_ROWS,
        ),
    ]
    for field in schema:
        if not field.nullable:
            out.append(
                _expectation(
                    gxe.ExpectColumnValuesToNotBeNull,
                    f"{table}.{field.name}_not_null",
                    ROW,
                    f"{field.name} is set",
                    column=field.name,
                )
            )
    return out


def _metrics() -> list[Any]:
    import_gx()
    import great_expectations.expectations as gxe

    areas = area_codes()
    return [
        *_common("metrics"),
        _expectation(
            gxe.ExpectColumnValuesToBeUnique, "metrics.fact_id_unique", TABLE, "fact_id is unique",
            column="fact_id",
        ),
        _expectation(
            gxe.ExpectCompoundColumnsToBeUnique,
            "metrics.fact_key_unique",
            TABLE,
            "one row per fact: (doc_id, measure, status, flow, value, unit, commodity) is unique",
            column_list=["doc_id", "measure", "status", "flow", "value", "unit", "commodity"],
            ignore_row_if="never",  # a null commodity is part of the key, not a reason to skip
        ),
        _fact_field_rule("metrics", "measure"),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.status_in_set", ROW,
            "status is actual, target or forecast", column="status", value_set=list(STATUSES),
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.statuses_consistent", ROW,
            DERIVED_COLUMNS["metrics"]["_statuses_ok"], column="_statuses_ok", value_set=[True],
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.flow_in_set", ROW,
            "flow is total, export or import", column="flow", value_set=list(FLOWS),
        ),
        _fact_field_rule("metrics", "qualifier"),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "metrics.value_positive", ROW,
            "value > 0 where measure is value or volume",
            column="_value_if_amount", min_value=0, strict_min=True,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "metrics.share_in_0_100", ROW,
            "a share is in (0, 100]",
            column="_value_if_share", min_value=0, max_value=100, strict_min=True,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "metrics.growth_in_range", ROW,
            "a growth rate is in (-100, 1000]",
            column="_value_if_growth", min_value=-100, max_value=1000, strict_min=True,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.unit_percent_for_rates", ROW,
            "unit is percent where measure is growth or share",
            column="_unit_if_rate", value_set=[PERCENT_UNIT],
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.unit_iso4217_for_value", ROW,
            "unit is an ISO 4217 currency code where measure is value",
            column="_unit_if_value", value_set=currency_codes(),
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.unit_volume_for_volume", ROW,
            "unit is t, m3 or bbl where measure is volume",
            column="_unit_if_volume", value_set=list(VOLUME_UNITS),
        ),
        _fact_field_rule("metrics", "period"),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.period_span_ordered", ROW,
            DERIVED_COLUMNS["metrics"]["_period_span_ordered"], column="_period_span_ordered",
            value_set=[True],
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.reporter_iso3", ROW,
            "reporter is an ISO 3166 alpha-3 code, WLD or EUU", column="reporter", value_set=areas,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.partner_iso3", ROW,
            "partner is an ISO 3166 alpha-3 code, WLD or EUU", column="partner", value_set=areas,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.reporter_ne_partner", ROW,
            DERIVED_COLUMNS["metrics"]["_pair_distinct"], column="_pair_distinct", value_set=[True],
        ),
        # The spec orders the pair of a two-way total alphabetically, except that a share's
        # reporter is the country whose trade is divided (gold: share, total, RUS/CHN) and
        # trade with the whole world always has partner WLD. Those rows are exempt.
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "metrics.total_pair_ordered", ROW,
            DERIVED_COLUMNS["metrics"]["_pair_ordered"], column="_pair_ordered", value_set=[True],
        ),
        _fact_field_rule("metrics", "quote"),
        _expectation(
            gxe.ExpectColumnValuesToMatchRegex, "metrics.commodity_lowercase", ROW,
            "commodity is null or a lower-case name", column="commodity", regex=COMMODITY_REGEX,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "metrics.n_mentions_positive", ROW,
            "a fact has at least one mention", column="n_mentions", min_value=1,
        ),
    ]


def _documents() -> list[Any]:
    import_gx()
    import great_expectations.expectations as gxe
    from great_expectations.expectations.row_conditions import Column

    published_from = Column("published_from")
    return [
        *_common("documents"),
        _expectation(
            gxe.ExpectColumnValuesToBeUnique, "documents.doc_id_unique", TABLE, "doc_id is unique",
            column="doc_id",
        ),
        _expectation(
            gxe.ExpectColumnValuesToMatchRegex, "documents.doc_id_format", ROW,
            "doc_id is 16 lower-case hex digits", column="doc_id", regex=DOC_ID_REGEX,
        ),
        _expectation(
            gxe.ExpectColumnValuesToMatchRegex, "documents.sha256_format", ROW,
            "sha256 is 64 lower-case hex digits", column="sha256", regex=SHA256_REGEX,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "documents.published_in_range", ROW,
            f"published is null or between {PUBLISHED_MIN} and today",
            column="published", min_value=PUBLISHED_MIN, max_value={"$PARAMETER": TODAY_PARAMETER},
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "documents.published_from_in_set", ROW,
            "published_from is manifest, text or none", column="published_from",
            value_set=list(PUBLISHED_FROM),
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeNull, "documents.published_null_when_from_none", ROW,
            "published is null where published_from is none",
            column="published", row_condition=published_from == "none",
        ),
        _expectation(
            gxe.ExpectColumnValuesToNotBeNull, "documents.published_set_when_dated", ROW,
            "published is set where published_from is manifest or text",
            column="published", row_condition=published_from.is_in(["manifest", "text"]),
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "documents.n_chars_non_negative", ROW,
            "n_chars >= 0", column="n_chars", min_value=0,
        ),
    ]


def _mentions() -> list[Any]:
    import_gx()
    import great_expectations.expectations as gxe

    return [
        *_common("mentions"),
        _expectation(
            gxe.ExpectCompoundColumnsToBeUnique, "mentions.mention_unique", TABLE,
            "a mention (fact_id, doc_id, char_start, char_end) is recorded once",
            column_list=["fact_id", "doc_id", "char_start", "char_end"], ignore_row_if="never",
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "mentions.char_start_non_negative", ROW,
            "char_start >= 0", column="char_start", min_value=0,
        ),
        _expectation(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB, "mentions.char_end_after_start", ROW,
            "char_end > char_start", column_A="char_end", column_B="char_start", or_equal=False,
            ignore_row_if="either_value_is_missing",
        ),
        _expectation(
            gxe.ExpectColumnValuesToMatchRegex, "mentions.sentence_not_empty", ROW,
            "sentence has a non-blank character", column="sentence", regex=NOT_BLANK_REGEX,
        ),
    ]


def _quarantine() -> list[Any]:
    import_gx()
    import great_expectations.expectations as gxe

    return [
        *_common("quarantine"),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "quarantine.stage_in_set", ROW,
            "stage is " + ", ".join(QUARANTINE_STAGES), column="stage", value_set=list(QUARANTINE_STAGES),
        ),
        _expectation(
            gxe.ExpectColumnValuesToMatchRegex, "quarantine.reason_not_empty", ROW,
            "reason has a non-blank character", column="reason", regex=NOT_BLANK_REGEX,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeJsonParseable, "quarantine.record_json", ROW,
            "record is null or JSON", column="record",
        ),
    ]


RUN_COUNT_COLUMNS = (
    "files_seen",
    "documents_new",
    "documents_skipped",
    "duplicates",
    "files_skipped",
    "quarantined",
    "sentences",
    "facts_written",
    "mentions_written",
    "files_documents",
    "files_quarantined",
)


def _runs() -> list[Any]:
    import_gx()
    import great_expectations.expectations as gxe

    return [
        *_common("runs"),
        _expectation(
            gxe.ExpectColumnValuesToBeUnique, "runs.run_id_unique", TABLE, "run_id is unique",
            column="run_id",
        ),
        *(
            _expectation(
                gxe.ExpectColumnValuesToBeBetween, f"runs.{col}_non_negative", ROW, f"{col} >= 0",
                column=col, min_value=0,
            )
            for col in RUN_COUNT_COLUMNS
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "runs.validation_in_set", ROW,
            "validation is passed or failed", column="validation", value_set=list(VALIDATION_RESULTS),
        ),
        _expectation(
            gxe.ExpectColumnPairValuesAToBeGreaterThanB, "runs.finished_after_started", ROW,
            "finished_at >= started_at", column_A="finished_at", column_B="started_at", or_equal=True,
            ignore_row_if="either_value_is_missing",
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeJsonParseable, "runs.counts_json", ROW,
            "counts_json is JSON", column="counts_json",
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "runs.files_accounted", ROW,
            DERIVED_COLUMNS["runs"]["_files_accounted"], column="_files_accounted", value_set=[True],
        ),
    ]


def _reconciliation() -> list[Any]:
    import_gx()
    import great_expectations.expectations as gxe

    derived = DERIVED_COLUMNS["reconciliation"]
    return [
        *_common("reconciliation"),
        _expectation(
            gxe.ExpectColumnValuesToBeUnique, "reconciliation.fact_id_unique", TABLE,
            "one row per fact: fact_id is unique", column="fact_id",
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reconciliation.verdict_in_set", ROW,
            "verdict is " + ", ".join(VERDICTS), column="verdict", value_set=list(VERDICTS),
        ),
        _fact_field_rule("reconciliation", "measure"),
        _fact_field_rule("reconciliation", "qualifier"),
        _fact_field_rule("reconciliation", "period"),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "reconciliation.ratio_positive", ROW,
            "ratio is null or > 0", column="ratio", min_value=0, strict_min=True,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reconciliation.compared_has_reference", ROW,
            derived["_compared_has_reference"], column="_compared_has_reference", value_set=[True],
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reconciliation.other_year_iff_matches", ROW,
            derived["_other_year_iff_matches"], column="_other_year_iff_matches", value_set=[True],
        ),
        _expectation(
            gxe.ExpectColumnValuesToMatchRegex, "reconciliation.reason_not_empty", ROW,
            "reason has a non-blank character", column="reason", regex=NOT_BLANK_REGEX,
        ),
        _fact_field_rule("reconciliation", "quote"),
    ]


def _reference() -> list[Any]:
    """The reference statistics (an input): any failure stops the run, whatever its level."""
    import_gx()
    import great_expectations.expectations as gxe

    areas = area_codes()
    derived = DERIVED_COLUMNS["reference"]
    return [
        *_common("reference"),
        _expectation(
            gxe.ExpectCompoundColumnsToBeUnique, "reference.key_unique", TABLE,
            "one figure per (reporter, partner, flow, year, unit)",
            column_list=["reporter", "partner", "flow", "year", "unit"], ignore_row_if="never",
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reference.reporter_iso3", ROW,
            "reporter is an ISO 3166 alpha-3 code, WLD or EUU", column="reporter", value_set=areas,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reference.partner_iso3", ROW,
            "partner is an ISO 3166 alpha-3 code, WLD or EUU", column="partner", value_set=areas,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reference.reporter_ne_partner", ROW,
            derived["_pair_distinct"], column="_pair_distinct", value_set=[True],
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reference.total_pair_ordered", ROW,
            derived["_pair_ordered"], column="_pair_ordered", value_set=[True],
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reference.flow_in_set", ROW,
            "flow is total, export or import", column="flow", value_set=list(FLOWS),
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "reference.year_plausible", ROW,
            f"year is a whole number between {REFERENCE_YEAR_MIN} and the current year",
            column="year", min_value=REFERENCE_YEAR_MIN, max_value={"$PARAMETER": CURRENT_YEAR_PARAMETER},
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeBetween, "reference.value_positive", ROW,
            "value is a number > 0", column="value", min_value=0, strict_min=True,
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reference.unit_iso4217", ROW,
            "unit is an ISO 4217 currency code", column="unit", value_set=currency_codes(),
        ),
        _expectation(
            gxe.ExpectColumnValuesToBeInSet, "reference.total_equals_parts", ROW,
            derived["_total_matches_parts"], column="_total_matches_parts", value_set=[True],
        ),
        _expectation(
            gxe.ExpectColumnValuesToMatchRegex, "reference.source_not_empty", ROW,
            "source has a non-blank character", column="source", regex=NOT_BLANK_REGEX,
        ),
    ]


_BUILDERS = {
    "documents": _documents,
    "metrics": _metrics,
    "mentions": _mentions,
    "quarantine": _quarantine,
    "runs": _runs,
    "reconciliation": _reconciliation,
    "reference": _reference,
}


def build_suite(table: str) -> ExpectationSuite:
    """Build the GX suite of one table (not registered with any context)."""
    gx = import_gx()
    expectations = _BUILDERS[table]()
    names = [e.meta["name"] for e in expectations]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValueError(f"{table}: duplicate expectation names {duplicates}")
    meta: dict[str, Any] = {
        "suite_version": SUITE_VERSIONS[table],
        "table": table,
        "schema_version": SCHEMA_VERSION,
    }
    if table in DERIVED_COLUMNS:
        meta["derived_columns"] = DERIVED_COLUMNS[table]
    return gx.ExpectationSuite(name=table, expectations=expectations, meta=meta)


def suite_dict(table: str) -> dict[str, Any]:
    """The suite of `table` in GX's JSON form (what is committed under suites/)."""
    return build_suite(table).to_json_dict()


def render_suite_json(suite_json: dict[str, Any]) -> str:
    """The exact text written to suites/<table>.json."""
    return json.dumps(suite_json, indent=2, ensure_ascii=False) + "\n"


def suite_path(table: str, suites_dir: Path = SUITES_DIR) -> Path:
    return Path(suites_dir) / f"{table}.json"


def write_suites(suites_dir: Path = SUITES_DIR) -> list[Path]:
    """Write every suite as JSON; returns the paths written."""
    suites_dir = Path(suites_dir)
    suites_dir.mkdir(parents=True, exist_ok=True)
    paths = []
    for table in SUITE_TABLES:
        path = suite_path(table, suites_dir)
        path.write_text(render_suite_json(suite_dict(table)), encoding="utf-8")
        paths.append(path)
    return paths


def stale_suites(suites_dir: Path = SUITES_DIR) -> list[str]:
    """Tables whose committed JSON differs from what the builder produces."""
    stale = []
    for table in SUITE_TABLES:
        path = suite_path(table, suites_dir)
        expected = render_suite_json(suite_dict(table))
        if not path.is_file() or path.read_text(encoding="utf-8") != expected:
            stale.append(table)
    return stale


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m expectations.build_suites", description=(__doc__ or "").split("\n")[0]
    )
    parser.add_argument("--check", action="store_true", help="do not write; exit 1 if a JSON file is stale")
    parser.add_argument(
        "--dir", type=Path, default=SUITES_DIR, help="suites directory (default: %(default)s)"
    )
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_suites(args.dir)
        for table in stale:
            print(f"stale: {suite_path(table, args.dir)}", file=sys.stderr)
        return 1 if stale else 0
    for path in write_suites(args.dir):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
