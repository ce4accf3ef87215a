"""The reconciliation suite: the fields each verdict needs."""

from __future__ import annotations

import pytest

from expectations.runner import validate_table


# (case id, row of the valid rows to corrupt, overrides, expectation expected to fail)
CORRUPTIONS = [
    ("verdict_unknown", 0, {"verdict": "dubious"}, "reconciliation.verdict_in_set"),
    ("consistent_without_reference", 0, {"reference_value": None}, "reconciliation.compared_has_reference"),
    ("inconsistent_without_year", 2, {"year": None}, "reconciliation.compared_has_reference"),
    ("matches_without_other_year", 1, {"other_year": None}, "reconciliation.other_year_iff_matches"),
    ("matches_the_same_year", 1, {"other_year": 2020}, "reconciliation.other_year_iff_matches"),
    ("other_year_on_consistent", 0, {"other_year": 2019, "other_value": 1e9},
     "reconciliation.other_year_iff_matches"),
    ("ratio_negative", 2, {"ratio": -1.0}, "reconciliation.ratio_positive"),
    ("reason_blank", 4, {"reason": "  "}, "reconciliation.reason_not_empty"),
    ("period_malformed", 4, {"period": "2021/2022"}, "reconciliation.period_format"),
]


@pytest.mark.parametrize("case, index, overrides, expected", CORRUPTIONS, ids=[c[0] for c in CORRUPTIONS])
def test_corrupted_row_fails_its_expectation_only(case, index, overrides, expected, valid_rows, frame):
    rows = valid_rows("reconciliation")
    rows[index].update(overrides)
    v = validate_table("reconciliation", frame("reconciliation", rows))
    assert {o.name for o in v.failed} == {expected}, case
    assert v.bad_rows == {index: [expected]}


def test_duplicate_fact_is_a_table_failure(valid_rows, frame):
    rows = valid_rows("reconciliation")
    rows.append(dict(rows[0]))
    v = validate_table("reconciliation", frame("reconciliation", rows))
    assert "reconciliation.fact_id_unique" in v.table_failures
