"""Write: Parquet tables with one explicit schema each, published atomically.

Layout of an output folder OUT:

- `documents.parquet`, `metrics.parquet`, `mentions.parquet`,
  `reconciliation.parquet`: the current snapshot, rewritten only when its
  content changes;
- `quarantine/<run_id>.parquet`, `runs/<run_id>.parquet`: one file per run,
  never rewritten (a folder of Parquet files is one table to every reader);
- `.staging/<run_id>/`: where a run writes before publishing (write, audit,
  publish). A staged run is published by `os.replace`, file by file, after a
  `READY` marker is written; a crash mid-publish is rolled forward by the next
  run (`recover`), and a staging folder without `READY` is discarded.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .schemas import SCHEMA_VERSION, TABLES

SNAPSHOT_TABLES = ("documents", "metrics", "mentions", "reconciliation")
PER_RUN_TABLES = ("quarantine", "runs")
STAGING = ".staging"
READY = "READY"
COMPRESSION = "zstd"


def conform(name: str, df: pd.DataFrame) -> pd.DataFrame:
    """The table's columns in schema order (missing ones as nulls), as an empty
    table has them too."""
    return df.reindex(columns=TABLES[name].names)


def to_arrow(name: str, df: pd.DataFrame) -> pa.Table:
    """A DataFrame as an Arrow table of the table's schema (columns in order, types enforced)."""
    schema = TABLES[name]
    cols = {}
    for f in schema:
        values = df[f.name].tolist() if f.name in df.columns else [None] * len(df)
        if pa.types.is_timestamp(f.type):
            values = [None if v is None or (isinstance(v, float) and v != v) else pd.Timestamp(v).to_pydatetime()
                      for v in values]
        elif pa.types.is_date(f.type):
            values = [None if v is None or v is pd.NaT or (isinstance(v, float) and v != v) else v for v in values]
        elif pa.types.is_string(f.type):
            values = [None if v is None or (isinstance(v, float) and v != v) else str(v) for v in values]
        elif pa.types.is_integer(f.type) and f.nullable:
            # a nullable int column reads back from Parquet as floats with NaN
            values = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)
                      for v in values]
        cols[f.name] = pa.array(values, type=f.type)
    table = pa.Table.from_pydict(cols, schema=schema)
    return table.replace_schema_metadata({b"tradeclaims.schema_version": SCHEMA_VERSION.encode(),
                                          b"tradeclaims.table": name.encode()})


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write, flush and fsync one Parquet file (so a publish never exposes a torn file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pq.write_table(table, path, compression=COMPRESSION, coerce_timestamps="us")
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def table_path(out_dir: Path, name: str, run_id: str | None = None) -> Path:
    if name in PER_RUN_TABLES:
        return out_dir / name / f"{run_id}.parquet"
    return out_dir / f"{name}.parquet"


def read_table(out_dir: str | Path, name: str) -> pd.DataFrame:
    """A published table as a DataFrame of its schema (empty when absent)."""
    out_dir = Path(out_dir)
    schema = TABLES[name]
    if name in PER_RUN_TABLES:
        folder = out_dir / name
        files = sorted(folder.glob("*.parquet")) if folder.is_dir() else []
        tables = [pq.read_table(f, schema=schema) for f in files]
        table = pa.concat_tables(tables) if tables else schema.empty_table()
    else:
        path = out_dir / f"{name}.parquet"
        table = pq.read_table(path, schema=schema) if path.exists() else schema.empty_table()
    return table.to_pandas(types_mapper=None)


def stage_tables(out_dir: Path, run_id: str, tables: dict[str, pd.DataFrame | None]) -> Path:
    """Write the run's tables into OUT/.staging/<run_id>/ (not yet visible).

    A snapshot table given as None is left as published.
    """
    stage = Path(out_dir) / STAGING / run_id
    if stage.exists():
        shutil.rmtree(stage)
    for name, df in tables.items():
        if df is None:
            continue
        write_parquet(to_arrow(name, df), table_path(stage, name, run_id))
    return stage


def publish(out_dir: Path, run_id: str) -> list[str]:
    """Publish a staged run: mark it READY, then move each file into place."""
    out_dir = Path(out_dir)
    stage = out_dir / STAGING / run_id
    files = sorted(p.relative_to(stage).as_posix() for p in stage.rglob("*.parquet"))
    marker = stage / READY
    marker.write_text(json.dumps(files))
    with open(marker, "rb") as fh:
        os.fsync(fh.fileno())
    _roll_forward(out_dir, stage)
    return files


def _roll_forward(out_dir: Path, stage: Path) -> None:
    files = json.loads((stage / READY).read_text())
    for rel in files:
        src, dst = stage / rel, out_dir / rel
        if src.exists():
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    _fsync_dir(out_dir)
    shutil.rmtree(stage, ignore_errors=True)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def recover(out_dir: str | Path) -> list[str]:
    """Finish or discard what a killed run left in staging; return what was done."""
    out_dir = Path(out_dir)
    root = out_dir / STAGING
    done = []
    if not root.is_dir():
        return done
    for stage in sorted(p for p in root.iterdir() if p.is_dir()):
        if (stage / READY).exists():
            _roll_forward(out_dir, stage)
            done.append(f"rolled forward {stage.name}")
        else:
            shutil.rmtree(stage, ignore_errors=True)
            done.append(f"discarded {stage.name}")
    return done


def discard(out_dir: str | Path, run_id: str) -> None:
    shutil.rmtree(Path(out_dir) / STAGING / run_id, ignore_errors=True)
