"""`write.to_arrow` converts whole columns where it can; the table and the Parquet bytes are the
ones the cell-by-cell conversion gives."""

from __future__ import annotations

import datetime as dt
import io

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stages import write
from stages.schemas import TABLES


def _cell_by_cell(name: str, df: pd.DataFrame) -> pa.Table:
    """Every column through Python values, as the writer did before it had whole-column paths."""
    schema = TABLES[name]
    cols = {f.name: write._array_of_values(df[f.name] if f.name in df.columns else None, f, len(df))
            for f in schema}
    return pa.Table.from_pydict(cols, schema=schema).replace_schema_metadata(
        write.to_arrow(name, df.iloc[0:0]).schema.metadata)


def _parquet_bytes(table: pa.Table) -> bytes:
    buf = io.BytesIO()
    pq.write_table(table, buf, compression=write.COMPRESSION, coerce_timestamps="us")
    return buf.getvalue()


def _same(a: pa.Table, b: pa.Table) -> None:
    assert a.schema.equals(b.schema, check_metadata=True)
    for name in a.column_names:
        x, y = a[name].combine_chunks(), b[name].combine_chunks()
        assert x.type == y.type and x.null_count == y.null_count, name
        if pa.types.is_floating(x.type):  # NaN is a value here, and equal to itself
            assert np.array_equal(x.to_numpy(zero_copy_only=False), y.to_numpy(zero_copy_only=False),
                                  equal_nan=True), name
            assert np.array_equal(x.is_null().to_numpy(zero_copy_only=False),
                                  y.is_null().to_numpy(zero_copy_only=False)), name
        else:
            assert x.equals(y), name
    assert a.column(0).num_chunks <= 1 or a.num_rows == 0


def _reconciliation(n: int) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    year = rng.integers(2000, 2025, n).astype(float)
    year[::3] = np.nan
    ref = rng.random(n) * 1e9
    ref[::4] = np.nan
    rows = pd.DataFrame({
        "fact_id": [f"f{i:05d}" for i in range(n)], "doc_id": ["d" * 16] * n,
        "measure": rng.choice(["value", "growth"], n), "qualifier": "exact",
        "period": pd.Series([None if i % 5 == 0 else "2021" for i in range(n)], dtype="str"),
        "claimed_value": rng.random(n), "unit": "USD", "year": year, "reference_value": ref, "ratio": ref / 3,
        "verdict": "consistent", "other_year": np.nan, "other_value": np.nan,
        "source": pd.Series([None if i % 2 else "customs" for i in range(n)], dtype="str"),
        "reason": ["ré ß 中 😀"] * n, "quote": [f"q{i}" for i in range(n)], "run_id": "r1",
    })
    return pa.Table.from_pandas(rows, preserve_index=False).to_pandas()  # `str` columns, as read back


CASES = {
    "reconciliation": lambda: ("reconciliation", _reconciliation(3000)),
    "ints_without_nulls": lambda: ("reconciliation", _reconciliation(50).assign(year=2019, other_year=2018)),
    "all_null_columns": lambda: ("reconciliation", _reconciliation(40).assign(
        source=pd.Series([None] * 40, dtype=object), year=np.nan,
        run_id=pd.Series([np.nan] * 40, dtype="str"))),
    "missing_columns": lambda: ("reconciliation", _reconciliation(30).drop(columns=["ratio", "quote"])),
    "nullable_int_as_Int64": lambda: ("reconciliation", _reconciliation(30).assign(
        other_year=pd.array([None, 2020] * 15, dtype="Int64"))),
    "python_strings": lambda: ("reconciliation", _reconciliation(30).astype(
        {"reason": pd.StringDtype("python", na_value=np.nan), "quote": object})),
    "na_strings": lambda: ("reconciliation", _reconciliation(30).astype({"source": pd.StringDtype()})),
    "empty": lambda: ("metrics", pd.DataFrame(columns=TABLES["metrics"].names)),
    "metrics": lambda: ("metrics", pa.Table.from_pylist([
        {"fact_id": f"f{i}", "doc_id": "d" * 16, "measure": "value", "status": "actual",
         "statuses": ["actual", "target"][: 1 + i % 2], "flow": "total", "value": 1.5e9 * i, "unit": "USD",
         "qualifier": "over", "period": None, "reporter": "CHN", "partner": "RUS",
         "commodity": "coal" if i % 2 else None, "quote": "q", "n_mentions": 1 + i, "run_id": "r"}
        for i in range(500)], schema=TABLES["metrics"]).to_pandas()),
    "documents": lambda: ("documents", pa.Table.from_pylist([
        {"doc_id": f"{i:016x}", "source": f"{i}.txt",
         "published": dt.date(2020, 1, 1 + i % 28) if i % 3 else None, "published_from": "text", "source_url": None, "title": "t", "sha256": "0" * 64, "n_chars": i,
         "encoding": "utf-8", "run_id": "r"} for i in range(300)], schema=TABLES["documents"]).to_pandas()),
    "runs_timestamps": lambda: ("runs", pd.DataFrame([{
        "run_id": "r", "started_at": pd.Timestamp("2026-11-01T06:00:00Z"),
        "finished_at": dt.datetime(2026, 11, 1, 7, tzinfo=dt.timezone.utc), "input": "in", "output": "out",
        "files_seen": 3, "documents_new": 2, "documents_skipped": 0, "duplicates": 0, "files_skipped": 1,
        "quarantined": 0, "sentences": 9, "facts_written": 4, "mentions_written": 5, "validation": "passed",
        "counts_json": "{}", "files_documents": 2, "files_quarantined": None}])),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_to_arrow_equals_the_cell_by_cell_conversion(case):
    name, df = CASES[case]()
    fast, slow = write.to_arrow(name, df), _cell_by_cell(name, df)
    _same(fast, slow)
    try:
        expected = _parquet_bytes(slow)
    except pa.ArrowInvalid:  # e.g. a null in a required column: the writer refuses both
        with pytest.raises(pa.ArrowInvalid):
            _parquet_bytes(fast)
        return
    assert _parquet_bytes(fast) == expected


def test_a_float_nan_stays_a_value_and_a_float_year_becomes_an_int():
    table = write.to_arrow("reconciliation", _reconciliation(12))
    assert table["reference_value"].null_count == 0 and table["year"].null_count == 4
    assert table.schema.field("year").type == pa.int64()
