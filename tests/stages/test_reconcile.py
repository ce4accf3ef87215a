"""The reconcile stage on small tables built here: every verdict, the tolerances, the reasons."""

from __future__ import annotations

import itertools
import math

import pandas as pd
import pytest

from stages.reconcile import (
    BOUND_HEADROOM,
    GROWTH_SLACK_PP,
    VALUE_APPROX,
    VERDICTS,
    calendar_year,
    reconcile,
    stated_half_unit,
)
from stages.reference_tables import read_reference
from stages.schemas import RECONCILIATION

SOURCE = "Customs, annual trade in US dollars"
# (reporter, partner, flow, year, value): made-up levels with easy ratios
LEVELS = [
    ("AAA", "BBB", "total", 2018, 100.0e9),
    ("AAA", "BBB", "total", 2019, 110.0e9),
    ("AAA", "BBB", "total", 2020, 88.0e9),
    ("AAA", "BBB", "total", 2021, 132.0e9),
    ("AAA", "BBB", "export", 2021, 50.0e9),
    ("AAA", "BBB", "import", 2021, 82.0e9),
]


def reference_table(rows=LEVELS, unit="USD") -> pd.DataFrame:
    return pd.DataFrame([{"reporter": r, "partner": p, "flow": f, "year": y, "value": v, "unit": unit,
                          "source": SOURCE} for r, p, f, y, v in rows])


def ref_value(year: int, flow: str = "total") -> float:
    return next(v for _, _, f, y, v in LEVELS if y == year and f == flow)


def ref_growth(year: int) -> float:
    return (ref_value(year) / ref_value(year - 1) - 1) * 100


_FACT_IDS = itertools.count()


def metric(value: float, period: str | None, quote: str, **overrides) -> dict:
    row = {"fact_id": f"f-{next(_FACT_IDS)}", "doc_id": "d" * 16,
           "measure": "value", "status": "actual", "statuses": ["actual"], "flow": "total", "value": value,
           "unit": "USD", "qualifier": "exact", "period": period, "reporter": "AAA", "partner": "BBB",
           "commodity": None, "quote": quote, "n_mentions": 1, "run_id": "r1"}
    row.update(overrides)
    return row


def one(row: dict, reference: pd.DataFrame | None = None) -> pd.Series:
    result = reconcile(pd.DataFrame([row]), reference_table() if reference is None else reference)
    assert len(result.kept) == 1
    return result.kept.iloc[0]


def billions(x: float) -> str:
    return f"${x / 1e9:g} billion"


# --- consistent -------------------------------------------------------------------------------


def test_exact_claim_within_the_rounding_of_the_stated_figure_is_consistent():
    claimed = round(ref_value(2019) / 1e9) * 1e9
    rec = one(metric(claimed, "2019", f"trade reached {billions(claimed)}"))
    assert rec.verdict == "consistent"
    assert rec.year == 2019 and rec.reference_value == ref_value(2019)
    assert rec.ratio == pytest.approx(claimed / ref_value(2019))
    assert rec.source == SOURCE and pd.isna(rec.other_year)


def test_over_claim_is_consistent_when_the_figure_is_above_it_within_the_headroom():
    floor = ref_value(2019) / (1 + BOUND_HEADROOM / 2)
    assert one(metric(floor, "2019", "more than", qualifier="over")).verdict == "consistent"
    # a floor far below the figure is not what "more than X" says
    low = ref_value(2019) / (1 + 2 * BOUND_HEADROOM)
    assert one(metric(low, "2019", "more than", qualifier="over")).verdict != "consistent"
    # nor is a floor above the figure
    high = ref_value(2019) * 1.05
    assert one(metric(high, "2019", "more than", qualifier="over")).verdict != "consistent"


def test_under_claim_is_the_mirror_of_over():
    ceiling = ref_value(2019) * (1 + BOUND_HEADROOM / 2)
    assert one(metric(ceiling, "2019", "less than", qualifier="under")).verdict == "consistent"
    assert one(metric(ref_value(2019) * 0.9, "2019", "less than", qualifier="under")).verdict != "consistent"


def test_approx_claim_is_consistent_within_a_few_percent_and_not_beyond():
    near = ref_value(2019) * (1 + VALUE_APPROX * 0.8)
    far = ref_value(2019) * (1 + VALUE_APPROX * 1.5)
    assert one(metric(near, "2019", "about", qualifier="approx")).verdict == "consistent"
    assert one(metric(far, "2019", "about", qualifier="approx")).verdict == "inconsistent"


def test_growth_is_compared_with_the_change_computed_from_the_reference_levels():
    stated = round(ref_growth(2021), 1)
    rec = one(metric(stated, "2021", f"a {stated} percent rise", measure="growth", unit="percent"))
    assert rec.verdict == "consistent"
    assert rec.reference_value == pytest.approx(ref_growth(2021))
    assert rec.ratio == pytest.approx((1 + stated / 100) / (1 + ref_growth(2021) / 100))


def test_a_fall_is_signed_and_over_bounds_its_size():
    fall = ref_growth(2020)  # -20 %
    assert fall < 0
    smaller = math.ceil(fall) + 3  # "fell more than 17 %": the fall of 20 % is bigger
    quote = f"fell more than {abs(smaller)} percent"
    assert one(metric(smaller, "2020", quote, measure="growth", unit="percent", qualifier="over")).verdict \
        == "consistent"
    bigger = math.floor(fall) - 3  # "fell more than 23 %": it did not
    quote = f"fell more than {abs(bigger)} percent"
    assert one(metric(bigger, "2020", quote, measure="growth", unit="percent", qualifier="over")).verdict \
        != "consistent"


def test_a_total_pair_is_unordered_and_a_full_calendar_year_span_is_a_year():
    rec = one(metric(ref_value(2021), "2021-01/2021-12", billions(ref_value(2021)), reporter="BBB",
                     partner="AAA"))
    assert (rec.verdict, rec.year) == ("consistent", 2021)


def test_export_is_looked_up_by_reporter_and_partner():
    exports = ref_value(2021, "export")
    rec = one(metric(exports, "2021", billions(exports), flow="export"))
    assert (rec.verdict, rec.reference_value) == ("consistent", exports)
    # the partner's imports are another statistic: no mirror lookup
    mirror = one(metric(exports, "2021", billions(exports), flow="export", reporter="BBB", partner="AAA"))
    assert mirror.verdict == "no_reference"


# --- matches_other_year / inconsistent ---------------------------------------------------------


def test_a_claim_that_fits_another_year_names_that_year():
    claimed = ref_value(2021)
    rec = one(metric(claimed, "2020", billions(claimed)))
    assert rec.verdict == "matches_other_year"
    assert (rec.year, rec.reference_value) == (2020, ref_value(2020))
    assert (rec.other_year, rec.other_value) == (2021, ref_value(2021))
    assert "2021" in rec.reason


def test_growth_of_another_year_is_named_too():
    stated = round(ref_growth(2021), 1)
    rec = one(metric(stated, "2020", f"a {stated} percent rise", measure="growth", unit="percent"))
    assert (rec.verdict, rec.other_year) == ("matches_other_year", 2021)
    assert rec.other_value == pytest.approx(ref_growth(2021))


def test_the_closest_of_several_matching_years_is_named():
    levels = [("AAA", "BBB", "total", y, v) for y, v in ((2010, 100e9), (2011, 50e9), (2012, 101e9),
                                                          (2013, 104e9))]
    rec = one(metric(100e9, "2011", "more than $100 billion", qualifier="over"), reference_table(levels))
    assert (rec.verdict, rec.other_year) == ("matches_other_year", 2010)


def test_a_claim_no_year_supports_is_inconsistent():
    claimed = max(v for *_, v in LEVELS) * 3
    rec = one(metric(claimed, "2019", billions(claimed)))
    assert rec.verdict == "inconsistent"
    assert rec.reference_value == ref_value(2019) and pd.isna(rec.other_year)


# --- no_reference / not_comparable -------------------------------------------------------------


@pytest.mark.parametrize("overrides", [
    {"period": "2030"},  # no such year
    {"unit": "EUR"},  # no figure in that currency
    {"reporter": "AAA", "partner": "CCC"},  # no such pair
    {"flow": "import", "period": "2019"},  # imports only for 2021
], ids=["year", "currency", "pair", "flow-year"])
def test_comparable_claims_without_a_figure_have_no_reference(overrides):
    row = metric(ref_value(2019), "2019", billions(ref_value(2019)))
    row.update(overrides)
    rec = one(row)
    assert rec.verdict == "no_reference"
    assert not pd.isna(rec.year) and pd.isna(rec.reference_value) and rec.reason.startswith("no reference")


def test_growth_needs_the_previous_year():
    first = min(y for *_, y, _ in LEVELS)
    rec = one(metric(5.0, str(first), "5 percent", measure="growth", unit="percent"))
    assert rec.verdict == "no_reference" and str(first - 1) in rec.reason


@pytest.mark.parametrize("overrides, reason", [
    ({"status": "target", "statuses": ["target"]}, "target"),
    ({"status": "forecast", "statuses": ["forecast", "target"]}, "forecast"),
    ({"measure": "share", "unit": "percent", "value": 16.0}, "measure share"),
    ({"measure": "volume", "unit": "t", "value": 1e6}, "measure volume"),
    ({"commodity": "crude oil"}, "commodity crude oil"),
    ({"period": None}, "no period"),
    ({"period": "2021-11"}, "one month"),
    ({"period": "2021-01/2021-09"}, "part of a year"),
    ({"period": "2022-04/2023-03"}, "span across years"),
], ids=lambda x: x if isinstance(x, str) else None)
def test_not_comparable_says_why(overrides, reason):
    row = metric(ref_value(2021), "2021", billions(ref_value(2021)))
    row.update(overrides)
    rec = one(row)
    assert (rec.verdict, rec.reason) == ("not_comparable", reason)
    assert pd.isna(rec.year) and pd.isna(rec.reference_value)


# --- the table ----------------------------------------------------------------------------------


def test_one_row_per_fact_in_schema_order_with_counts_per_verdict():
    rows = [
        metric(ref_value(2019), "2019", billions(ref_value(2019))),  # consistent
        metric(ref_value(2021), "2020", billions(ref_value(2021))),  # matches_other_year
        metric(ref_value(2019) * 3, "2019", "x"),  # inconsistent
        metric(ref_value(2019), "2031", "x"),  # no_reference
        metric(ref_value(2019), None, "x"),  # not_comparable
    ]
    result = reconcile(pd.DataFrame(rows), reference_table())
    kept = result.kept
    assert list(kept.columns) == RECONCILIATION.names
    assert list(kept.fact_id) == [r["fact_id"] for r in rows]
    assert list(kept.verdict) == ["consistent", "matches_other_year", "inconsistent", "no_reference",
                                  "not_comparable"]
    assert {k: v for k, v in result.counts.items()} == {f"reconcile_{v}": 1 for v in VERDICTS}
    assert list(kept.quote) == [r["quote"] for r in rows]


def test_empty_metrics_give_an_empty_table():
    result = reconcile(pd.DataFrame(columns=list(metric(1.0, None, "x"))), reference_table())
    assert len(result.kept) == 0 and list(result.kept.columns) == RECONCILIATION.names


def test_stated_rounding_is_read_from_the_quote():
    assert stated_half_unit(146e9, "more than $146 billion by the end of 2020", "value") \
        == pytest.approx(0.5e9)
    assert stated_half_unit(35.8, "more than $146 billion by 2020, a 35.8 percent rise", "growth") \
        == pytest.approx(0.05)
    assert stated_half_unit(1.5e12, "$1.5 trillion", "value") == pytest.approx(0.05e12)
    assert stated_half_unit(-5.7, "a decrease of 5.7%", "growth") == pytest.approx(0.05)
    assert stated_half_unit(1234.5e6, "1,234.5 million", "value") == pytest.approx(0.05e6)
    # no number in the quote: half a unit of the value's last non-zero digit
    assert stated_half_unit(146e9, "one hundred forty-six billion", "value") == pytest.approx(0.5e9)


def test_calendar_year():
    assert calendar_year("2021") == (2021, None)
    assert calendar_year("2021-01/2021-12") == (2021, None)
    assert calendar_year(None) == (None, "no period")


# --- the embedded reference and the seed claims ---------------------------------------------------


@pytest.fixture(scope="module")
def customs() -> pd.DataFrame:
    return read_reference()


def _customs(customs, year):
    row = customs[(customs.flow == "total") & (customs.year == year)]
    return float(row.value.item())


def test_seed_claims_against_the_embedded_reference(customs):
    pair = {"reporter": "CHN", "partner": "RUS"}
    rows = [
        metric(146e9, "2020", "totaled more than $146 billion by the end of 2020", qualifier="over", **pair),
        metric(35.8, "2020", "a 35.8 percent rise compared to previous year", measure="growth",
               unit="percent", **pair),
        metric(240e9, "2023", "Trade exchanges between the two countries reached $240 billion last year",
               **pair),
        metric(100e9, "2018", "The $100 billion mark was reached in 2018", qualifier="over", **pair),
        metric(200e9, "2024", "bring bilateral trade to $200 billion by 2024", status="target",
               statuses=["target"], **pair),
    ]
    kept = reconcile(pd.DataFrame(rows), customs).kept
    assert list(kept.verdict) == ["matches_other_year", "matches_other_year", "consistent", "consistent",
                                  "not_comparable"]
    assert list(kept.other_year.iloc[:2]) == [2021, 2021]
    assert kept.other_value.iloc[0] == _customs(customs, 2021)
    assert kept.reference_value.iloc[0] == _customs(customs, 2020)
    assert list(kept.year.iloc[2:4]) == [2023, 2018]
    assert kept.reason.iloc[4] == "target"
    # the growth rate customs published for 2021 is within the slack of the one its levels give
    assert abs((_customs(customs, 2021) / _customs(customs, 2020) - 1) * 100 - 35.8) < GROWTH_SLACK_PP


# --- the table, chunk by chunk -------------------------------------------------------------------


def _every_verdict_rows() -> list[dict]:
    """Claims of every verdict and reason, nulls included (a null period, no run id on some)."""
    claimed = round(ref_value(2019) / 1e9) * 1e9
    stated = round(ref_growth(2021), 1)
    rows = [
        metric(claimed, "2019", f"trade reached {billions(claimed)}"),  # consistent
        metric(ref_value(2021), "2020", billions(ref_value(2021))),  # matches_other_year
        metric(stated, "2020", f"a {stated} percent rise", measure="growth", unit="percent"),  # other year
        metric(ref_value(2019) * 3, "2019", "x", qualifier="approx"),  # inconsistent
        metric(ref_value(2019), "2031", "x"),  # no_reference
        metric(5.0, "2018", "5 percent", measure="growth", unit="percent"),  # no_reference (no 2017)
        metric(ref_value(2019), None, "x"),  # not_comparable: no period
        metric(ref_value(2021), "2021-11", "x", qualifier="over"),  # one month
        metric(ref_value(2021), "2022-04/2023-03", "x"),  # span across years
        metric(16.0, "2021", "16 percent", measure="share", unit="percent", commodity=None),
        metric(1e6, "2021", "1 million tonnes", measure="volume", unit="t", commodity="coal"),
        metric(2e11, "2024", "to $200 billion", status="target", statuses=["target"]),
        metric(ref_value(2019), "2019", billions(ref_value(2019)), qualifier="roughly"),  # unknown qualifier
        metric(ref_value(2021, "export"), "2021", "x", flow="export", run_id=None),
    ]
    return rows


def _reference_reconcile(metrics: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """The straightforward version: a dict per fact, one DataFrame, through the writer's Arrow
    conversion (as the flow made the table before reconciling went chunk by chunk)."""
    from stages.reconcile import _index_reference, reconcile_fact
    from stages.write import to_arrow

    index = _index_reference(reference)
    rows = []
    for row in metrics.itertuples(index=False):
        rows.append({"fact_id": row.fact_id, "doc_id": row.doc_id, "measure": row.measure,
                     "qualifier": row.qualifier, "period": None if pd.isna(row.period) else row.period,
                     "claimed_value": float(row.value), "unit": row.unit, **reconcile_fact(row, index),
                     "quote": row.quote, "run_id": getattr(row, "run_id", None)})
    return to_arrow("reconciliation", pd.DataFrame(rows, columns=RECONCILIATION.names)).to_pandas()


@pytest.mark.parametrize("chunk_rows", [1, 2, 5, 20_000])
@pytest.mark.parametrize("with_run_id", [True, False], ids=["run_id", "no-run_id"])
def test_chunked_table_equals_the_row_by_row_one(chunk_rows, with_run_id):
    metrics = pd.DataFrame(_every_verdict_rows())
    if not with_run_id:
        metrics = metrics.drop(columns="run_id")
    kept = reconcile(metrics, reference_table(), chunk_rows=chunk_rows).kept
    assert set(kept.verdict) == set(VERDICTS)
    pd.testing.assert_frame_equal(kept, _reference_reconcile(metrics, reference_table()), check_exact=True)


def test_chunked_table_on_the_published_dtypes(customs):
    """Metrics as the flow holds them (read back through Arrow: `str` columns, NaN for nulls)."""
    import pyarrow as pa

    from stages.schemas import METRICS

    rows = [{**r, "commodity": r.get("commodity")} for r in _every_verdict_rows()] * 3
    metrics = pa.Table.from_pylist([{k: r[k] for k in METRICS.names} for r in rows],
                                   schema=METRICS).to_pandas()
    for chunk_rows in (4, 1000):
        pd.testing.assert_frame_equal(reconcile(metrics, customs, chunk_rows=chunk_rows).kept,
                                      _reference_reconcile(metrics, customs), check_exact=True)


def test_reconcile_table_is_arrow_in_the_published_schema():
    from stages.reconcile import reconcile_table

    metrics = pd.DataFrame(_every_verdict_rows())
    table = reconcile_table(metrics, reference_table(), chunk_rows=4)
    assert table.schema.equals(RECONCILIATION) and table.num_rows == len(metrics)
    assert reconcile_table(metrics.iloc[0:0], reference_table()).schema.equals(RECONCILIATION)
