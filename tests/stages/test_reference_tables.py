"""Reference statistics: reading a folder, the `reference` suite, and what a corrupted table reports."""

from __future__ import annotations

import datetime as dt
import shutil

import pandas as pd
import pytest

from expectations.build_suites import SUITES_DIR, render_suite_json, suite_dict
from expectations.runner import failure_lines, load_suite, validate_table
from stages.reconcile import reconcile
from stages.reference_tables import (
    DEFAULT_REFERENCE_DIR,
    TOTAL_PARTS_TOLERANCE,
    ReferenceUnreadable,
    read_reference,
    reference_check_columns,
    type_reference,
)
from stages.schemas import REFERENCE

CSV = DEFAULT_REFERENCE_DIR / "trade-statistics.csv"


@pytest.fixture
def ref_dir(tmp_path):
    """A writable copy of the embedded reference folder."""
    folder = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, folder)
    return folder


def _raw(folder) -> pd.DataFrame:
    return pd.read_csv(folder / "trade-statistics.csv", dtype=str, keep_default_na=False)


def _write(folder, raw: pd.DataFrame) -> None:
    raw.to_csv(folder / "trade-statistics.csv", index=False)


def _row(raw: pd.DataFrame, flow: str, year: int) -> int:
    return raw.index[(raw.flow == flow) & (raw.year == str(year))].item()


def test_embedded_reference_is_packaged_and_passes_its_suite():
    assert CSV.is_file() and (DEFAULT_REFERENCE_DIR / "README.md").is_file()
    df = read_reference()
    assert list(df.columns) == REFERENCE.names
    assert len(df) == len(pd.read_csv(CSV))
    v = validate_table("reference", df)
    assert v.passed and failure_lines(v) == []


def test_reference_suite_json_equals_the_builder_and_loads():
    committed = (SUITES_DIR / "reference.json").read_text(encoding="utf-8")
    assert committed == render_suite_json(suite_dict("reference"))
    names = [e.meta["name"] for e in load_suite("reference").expectations]
    assert all(n.startswith("reference.") for n in names) and len(names) == len(set(names))


def _set(raw, flow, year, column, value):
    raw.loc[_row(raw, flow, year), column] = value


def _append_copy_of_first(raw):
    raw.loc[len(raw)] = raw.loc[0]


# (case id, change to the raw CSV, expectation expected to fail)
CORRUPTIONS = [
    ("code_not_iso", lambda r: _set(r, "total", 2019, "partner", "RUX"), "reference.partner_iso3"),
    ("reporter_lower_case", lambda r: _set(r, "total", 2019, "reporter", "chn"), "reference.reporter_iso3"),
    ("flow_unknown", lambda r: _set(r, "total", 2019, "flow", "turnover"), "reference.flow_in_set"),
    ("year_too_early", lambda r: _set(r, "total", 2019, "year", "1850"), "reference.year_plausible"),
    ("year_in_future", lambda r: _set(r, "total", 2019, "year", str(dt.date.today().year + 1)),
     "reference.year_plausible"),
    ("year_not_a_number", lambda r: _set(r, "total", 2019, "year", "twenty"), "reference.year_not_null"),
    ("value_negative", lambda r: _set(r, "total", 2019, "value", "-110790000000"),
     "reference.value_positive"),
    ("value_zero", lambda r: _set(r, "total", 2019, "value", "0"), "reference.value_positive"),
    ("value_not_a_number", lambda r: _set(r, "total", 2019, "value", "110.79 bn"),
     "reference.value_not_null"),
    ("unit_not_iso4217", lambda r: _set(r, "total", 2019, "unit", "dollars"), "reference.unit_iso4217"),
    ("source_blank", lambda r: _set(r, "total", 2019, "source", " "), "reference.source_not_null"),
    ("total_pair_reversed", lambda r: (_set(r, "total", 2019, "reporter", "RUS"),
                                       _set(r, "total", 2019, "partner", "CHN")),
     "reference.total_pair_ordered"),
    ("same_country", lambda r: _set(r, "total", 2019, "partner", "CHN"), "reference.reporter_ne_partner"),
    ("parts_do_not_add_up", lambda r: _set(r, "export", 2022, "value", "86120000000"),
     "reference.total_equals_parts"),
    ("duplicate_figure", lambda r: _append_copy_of_first(r), "reference.key_unique"),
]


@pytest.mark.parametrize("case, corrupt, expected", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_a_corrupted_reference_fails_with_the_expectation_name(ref_dir, case, corrupt, expected):
    raw = _raw(ref_dir)
    corrupt(raw)
    _write(ref_dir, raw)
    v = validate_table("reference", read_reference(ref_dir))
    failed = {o.name for o in v.failed}
    assert expected in failed, (case, failed)
    assert any(line.startswith(f"reference: {expected} failed") for line in failure_lines(v))


def test_a_missing_column_is_named(ref_dir):
    _write(ref_dir, _raw(ref_dir).drop(columns=["unit"]))
    v = validate_table("reference", read_reference(ref_dir))
    assert not v.passed
    assert "reference: reference.columns_present failed (missing columns: unit)" in failure_lines(v)


def test_total_check_allows_rounding_and_applies_only_where_all_three_exist(ref_dir):
    raw = _raw(ref_dir)
    i = _row(raw, "export", 2022)
    exports = float(raw.loc[i, "value"])
    total = float(raw.loc[_row(raw, "total", 2022), "value"])
    raw.loc[i, "value"] = str(exports + total * TOTAL_PARTS_TOLERANCE * 0.5)  # within rounding
    checks = reference_check_columns(type_reference(raw))
    assert checks["_total_matches_parts"].all()
    raw.loc[i, "value"] = str(exports + total * TOTAL_PARTS_TOLERANCE * 2)
    checks = reference_check_columns(type_reference(raw))
    assert list(raw.loc[~checks["_total_matches_parts"], ["flow", "year"]].itertuples(index=False)) == [
        ("total", "2022")]
    # without imports there is nothing to add up
    raw = raw.drop(index=_row(raw, "import", 2022))
    assert reference_check_columns(type_reference(raw))["_total_matches_parts"].all()


def test_more_pairs_by_adding_rows_or_files(ref_dir):
    extra = pd.DataFrame([{"reporter": "IND", "partner": "RUS", "flow": "total", "year": 2022,
                           "value": 45.0e9, "unit": "USD", "source": "test ministry"}])
    extra.to_csv(ref_dir / "india.csv", index=False)
    reference = read_reference(ref_dir)
    assert validate_table("reference", reference).passed
    claim = {"fact_id": "f1", "doc_id": "d" * 16, "measure": "value", "status": "actual", "flow": "total",
             "value": 45e9, "unit": "USD", "qualifier": "approx", "period": "2022", "reporter": "IND",
             "partner": "RUS", "commodity": None, "quote": "about $45 billion", "run_id": "r"}
    rec = reconcile(pd.DataFrame([claim]), reference).kept.iloc[0]
    assert (rec.verdict, rec.reference_value, rec.source) == ("consistent", 45.0e9, "test ministry")


def test_unreadable_reference_folders_raise(tmp_path):
    with pytest.raises(ReferenceUnreadable, match="does not exist"):
        read_reference(tmp_path / "nowhere")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ReferenceUnreadable, match="no .csv"):
        read_reference(tmp_path / "empty")
