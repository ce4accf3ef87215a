"""The metrics suite: valid facts pass; each corruption fails the expectation named for it."""

from __future__ import annotations

import time

import pandas as pd
import pytest

from expectations.runner import TOO_MANY_BAD_ROWS, validate_table


def _failed(validation) -> set[str]:
    return {o.name for o in validation.outcomes if not o.success}


def test_valid_metrics_pass(valid_rows, frame) -> None:
    v = validate_table("metrics", frame("metrics", valid_rows("metrics")))
    assert v.passed
    assert _failed(v) == set()
    assert v.bad_rows == {}
    assert v.suite_version
    assert v.n_rows == 6


# (case id, row to corrupt, overrides, expectation expected to fail)
ROW_CORRUPTIONS = [
    ("share_140", 2, {"value": 140.0}, "metrics.share_in_0_100"),
    ("unit_XXX_on_value", 0, {"unit": "XXX"}, "metrics.unit_iso4217_for_value"),
    ("reporter_equals_partner", 1, {"partner": "CHN"}, "metrics.reporter_ne_partner"),
    ("null_measure", 1, {"measure": None}, "metrics.measure_not_null"),
    ("total_pair_out_of_order", 3, {"reporter": "RUS", "partner": "CHN"}, "metrics.total_pair_ordered"),
    ("bad_period_format", 4, {"period": "2021-9"}, "metrics.period_format"),
    ("period_month_13", 4, {"period": "2021-13"}, "metrics.period_format"),
    ("span_ends_before_start", 3, {"period": "2021-09/2021-01"}, "metrics.period_span_ordered"),
    ("growth_over_1000", 1, {"value": 1500.0}, "metrics.growth_in_range"),
    ("growth_minus_100", 5, {"value": -100.0}, "metrics.growth_in_range"),
    ("share_zero", 2, {"value": 0.0}, "metrics.share_in_0_100"),
    ("negative_value", 0, {"value": -5.0}, "metrics.value_positive"),
    ("volume_in_kg", 4, {"unit": "kg"}, "metrics.unit_volume_for_volume"),
    ("growth_in_usd", 1, {"unit": "USD"}, "metrics.unit_percent_for_rates"),
    ("unknown_measure", 1, {"measure": "ratio"}, "metrics.measure_in_set"),
    ("unknown_status", 1, {"status": "rumour", "statuses": ["rumour"]}, "metrics.status_in_set"),
    ("status_not_first_reading", 0, {"statuses": ["forecast", "target"]}, "metrics.statuses_consistent"),
    ("empty_statuses", 0, {"statuses": []}, "metrics.statuses_consistent"),
    ("unknown_flow", 4, {"flow": "transit"}, "metrics.flow_in_set"),
    ("unknown_qualifier", 0, {"qualifier": "roughly"}, "metrics.qualifier_in_set"),
    ("reporter_not_iso3", 4, {"reporter": "RU"}, "metrics.reporter_iso3"),
    ("partner_not_iso3", 4, {"partner": "XYZ"}, "metrics.partner_iso3"),
    ("blank_quote", 0, {"quote": "   "}, "metrics.quote_not_empty"),
    ("null_quote", 0, {"quote": None}, "metrics.quote_not_null"),
    ("capitalised_commodity", 4, {"commodity": "Crude Oil"}, "metrics.commodity_lowercase"),
    ("no_mentions", 4, {"n_mentions": 0}, "metrics.n_mentions_positive"),
    ("null_value", 0, {"value": None}, "metrics.value_not_null"),
]


@pytest.mark.parametrize(("row_index", "overrides", "expected"),
                         [c[1:] for c in ROW_CORRUPTIONS], ids=[c[0] for c in ROW_CORRUPTIONS])
def test_row_corruption_fails_named_expectation(valid_rows, frame, row_index, overrides, expected) -> None:
    rows = valid_rows("metrics")
    rows[row_index].update(overrides)
    v = validate_table("metrics", frame("metrics", rows))
    assert expected in _failed(v)
    outcome = next(o for o in v.outcomes if o.name == expected)
    assert outcome.level == "row"
    assert outcome.unexpected_count == 1
    assert set(v.bad_rows) == {row_index}, v.bad_rows
    assert expected in v.bad_rows[row_index]
    assert v.passed  # row failures alone do not fail the table (1 bad row of 6)


def test_duplicated_fact_row_is_a_table_failure(valid_rows, frame) -> None:
    rows = valid_rows("metrics")
    rows.append({**rows[3], "fact_id": "f-003-copy"})
    v = validate_table("metrics", frame("metrics", rows))
    assert "metrics.fact_key_unique" in v.table_failures
    assert not v.passed
    outcome = next(o for o in v.outcomes if o.name == "metrics.fact_key_unique")
    assert (outcome.level, outcome.unexpected_count) == ("table", 2)
    assert v.bad_rows == {}


def test_duplicated_fact_with_null_commodity_is_caught(valid_rows, frame) -> None:
    rows = valid_rows("metrics")
    assert rows[0]["commodity"] is None
    rows.append({**rows[0], "fact_id": "f-000-copy", "quote": "another mention"})
    v = validate_table("metrics", frame("metrics", rows))
    assert "metrics.fact_key_unique" in v.table_failures


def test_duplicated_fact_id_is_a_table_failure(valid_rows, frame) -> None:
    rows = valid_rows("metrics")
    rows[5]["fact_id"] = rows[4]["fact_id"]
    v = validate_table("metrics", frame("metrics", rows))
    assert v.table_failures == ["metrics.fact_id_unique"]


def test_same_figure_in_another_document_is_not_a_duplicate(valid_rows, frame) -> None:
    rows = valid_rows("metrics")
    rows.append({**rows[0], "fact_id": "f-100", "doc_id": "1111111111111111"})
    assert validate_table("metrics", frame("metrics", rows)).passed


def test_missing_column_fails_the_table(valid_rows, frame) -> None:
    df = frame("metrics", valid_rows("metrics")).drop(columns=["unit"])
    v = validate_table("metrics", df)
    assert not v.passed
    assert "metrics.columns_present" in v.table_failures
    outcome = next(o for o in v.outcomes if o.name == "metrics.columns_present")
    assert "unit" in outcome.detail
    # expectations on the missing column cannot be evaluated: they fail the table, with no rows
    assert "metrics.unit_not_null" in v.table_failures
    assert v.bad_rows == {}


def test_bad_rows_are_positions_whatever_the_index(valid_rows, frame) -> None:
    rows = valid_rows("metrics")
    rows[2]["value"] = 140.0
    df = frame("metrics", rows)
    df.index = pd.Index([50, 40, 30, 20, 10, 0])
    before = df.copy()
    v = validate_table("metrics", df)
    assert v.bad_rows == {2: ["metrics.share_in_0_100"]}
    pd.testing.assert_frame_equal(df, before)  # the caller's frame is untouched


def test_too_many_bad_rows(valid_rows, frame) -> None:
    rows = valid_rows("metrics")
    for r in rows[:4]:
        r["qualifier"] = "roughly"
    df = frame("metrics", rows)
    v = validate_table("metrics", df)
    assert TOO_MANY_BAD_ROWS in v.table_failures
    assert sorted(v.bad_rows) == [0, 1, 2, 3]
    assert validate_table("metrics", df, max_bad_row_share=0.9).passed


def test_empty_metrics_pass(valid_rows, frame) -> None:
    v = validate_table("metrics", frame("metrics", []))
    assert v.passed and v.bad_rows == {} and v.n_rows == 0
    assert all(o.success for o in v.outcomes)


def test_100k_rows_validate_quickly(valid_rows, frame) -> None:
    base = valid_rows("metrics")
    rows = []
    for i in range(100_000):
        r = dict(base[i % len(base)])
        r["fact_id"] = f"f-{i}"
        r["doc_id"] = f"{i // len(base):016x}"
        rows.append(r)
    df = frame("metrics", rows)
    validate_table("metrics", df.iloc[:10])  # warm up (GX import, context)
    start = time.perf_counter()
    v = validate_table("metrics", df)
    elapsed = time.perf_counter() - start
    assert v.passed and not v.bad_rows
    assert elapsed < 5.0, f"100k metric rows took {elapsed:.2f} s"  # ~0.7-0.9 s on 2 cores
