"""validate_directory on output folders written with pyarrow and the contract schemas."""

from __future__ import annotations

import pyarrow.dataset as ds

from expectations.runner import validate_directory
from stages.schemas import TABLES


def _all_valid(valid_rows) -> dict[str, list[dict]]:
    return {table: valid_rows(table) for table in TABLES}


def test_clean_directory_passes(tmp_path, valid_rows, write_out_dir) -> None:
    out = write_out_dir(tmp_path / "out", _all_valid(valid_rows))
    assert validate_directory(out) == (0, [])


def test_empty_tables_pass(tmp_path, write_out_dir) -> None:
    out = write_out_dir(tmp_path / "out", {table: [] for table in TABLES})
    assert validate_directory(str(out)) == (0, [])


def test_corrupted_metrics_fail_with_the_expectation_name(tmp_path, valid_rows, write_out_dir) -> None:
    tables = _all_valid(valid_rows)
    tables["metrics"][2]["value"] = 140.0
    out = write_out_dir(tmp_path / "out", tables)
    code, lines = validate_directory(out)
    assert code == 1
    assert lines == ["metrics: metrics.share_in_0_100 failed (1 row)"]


def test_table_level_failure_is_reported(tmp_path, valid_rows, write_out_dir) -> None:
    tables = _all_valid(valid_rows)
    tables["runs"].append(dict(tables["runs"][0]))
    out = write_out_dir(tmp_path / "out", tables)
    code, lines = validate_directory(out)
    assert code == 1
    assert "runs: runs.run_id_unique failed (2 rows)" in lines


def test_missing_and_unreadable_tables_fail(tmp_path, valid_rows, write_out_dir) -> None:
    tables = _all_valid(valid_rows)
    del tables["quarantine"]
    out = write_out_dir(tmp_path / "out", tables)
    (out / "runs.parquet").write_bytes(b"not parquet")
    code, lines = validate_directory(out)
    assert code == 1
    assert len(lines) == 2
    assert lines[0].startswith("quarantine: missing")
    assert lines[1].startswith("runs: unreadable")


def test_partitioned_folder_is_read(tmp_path, valid_rows, write_out_dir) -> None:
    import pyarrow as pa

    tables = _all_valid(valid_rows)
    metrics = tables.pop("metrics")
    out = write_out_dir(tmp_path / "out", tables)
    data = pa.Table.from_pylist(metrics, schema=TABLES["metrics"])
    data = data.append_column("run_date", pa.array(["2026-11-01"] * 3 + ["2026-11-02"] * 3))
    ds.write_dataset(data, out / "metrics", format="parquet", partitioning=["run_date"],
                     partitioning_flavor="hive", basename_template="part-{i}.parquet")
    assert validate_directory(out) == (0, [])
    # a dot-folder left by an interrupted write is ignored
    (out / "metrics" / ".tmp-run").mkdir()
    (out / "metrics" / ".tmp-run" / "part-0.parquet").write_bytes(b"partial")
    assert validate_directory(out) == (0, [])
