"""A big table's row-level expectations run chunk by chunk: the outcome is the
one validating the whole table at once gives (same failures, counts and rows)."""

from __future__ import annotations

import pytest

from expectations.runner import validate_table
from tests.expectations.test_gx_metrics import ROW_CORRUPTIONS


def _metrics_rows(valid_rows, copies: int, corrupt: bool) -> list[dict]:
    """`copies` copies of the valid facts, each copy its own document (so fact
    keys stay unique); with `corrupt`, every corruption of the metrics suite's
    cases applied to a row of its own, spread over the table."""
    rows = []
    for k in range(copies):
        for row in valid_rows("metrics"):
            rows.append({**row, "fact_id": f"{row['fact_id']}-{k}", "doc_id": f"{k:016x}"})
    if corrupt:
        base = len(valid_rows("metrics"))
        for i, (_, row_index, overrides, _) in enumerate(ROW_CORRUPTIONS):
            rows[i * base + row_index].update(overrides)
        rows.append({**rows[5], "fact_id": "a-duplicated-fact"})  # a table-level failure
    return rows


def _summary(v):
    return ([(o.name, o.level, o.success, o.unexpected_count) for o in v.outcomes],
            v.bad_rows, v.table_failures, v.n_rows, v.failed_rows_unknown)


@pytest.mark.parametrize("corrupt", [False, True])
@pytest.mark.parametrize("chunk_rows", [40, 100])  # (GX takes about half a second a validation)
def test_chunked_validation_gives_the_whole_table_outcome(valid_rows, frame, chunk_rows, corrupt):
    df = frame("metrics", _metrics_rows(valid_rows, copies=len(ROW_CORRUPTIONS), corrupt=corrupt))
    whole = validate_table("metrics", df, chunk_rows=len(df) + 1)
    chunked = validate_table("metrics", df, chunk_rows=chunk_rows)
    assert _summary(chunked) == _summary(whole)
    assert chunked.passed == (not corrupt)
    if corrupt:  # every corruption was seen, in the right row
        assert len(chunked.bad_rows) == len(ROW_CORRUPTIONS)
        assert {n for names in chunked.bad_rows.values() for n in names} >= {c[3] for c in ROW_CORRUPTIONS}


def test_the_detail_of_a_chunked_failure_counts_every_chunk(valid_rows, frame):
    rows = _metrics_rows(valid_rows, copies=10, corrupt=False)  # 60 rows
    for i in range(0, len(rows), 6):
        rows[i]["unit"] = "XXX"  # the first fact of every copy: a value in USD
    df = frame("metrics", rows)
    outcome = next(o for o in validate_table("metrics", df, chunk_rows=25).outcomes
                   if o.name == "metrics.unit_iso4217_for_value")
    assert outcome.unexpected_count == 10
    assert outcome.detail.startswith("10 unexpected of ")
