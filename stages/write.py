"""Write: Parquet tables with one explicit schema each, published atomically.

Layout of an output folder OUT:

- `documents.parquet`, `metrics.parquet`, `mentions.parquet`,
  `reconciliation.parquet`: the current snapshot, rewritten only when its
  content changes;
- `quarantine/<run_id>.parquet`, `runs/<run_id>.parquet`: one file per run,
  never rewritten (a folder of Parquet files is one table to every reader);
- `.staging/<run_id>/`: where a run writes before publishing (write, audit,
  publish). A staged run is published after a `READY` marker is written; a
  crash mid-publish is rolled forward by the next run (`recover`), and a
  staging folder without `READY` is discarded.

The snapshot tables change together or not at all: no rename moves several
files at once, so each snapshot is a generation folder
`.snapshots/<run_id>/` (tables the run did not change are hard links to the
previous generation's files, not rewrites), `.snapshots/current` is a link to
the live generation, and `OUT/<table>.parquet` are fixed links through it.
Publishing is one atomic rename of `current`: every reader that opens the
tables sees the old snapshot or the new one, never a mix, even after a
SIGKILL at any point. (An output folder written before generations existed
holds plain files; its first publish replaces them by the links.)

`TRADECLAIMS_FAULT_PUBLISH_DELAY_S`: for fault-injection tests only, a pause
before each step of a publish, so a test can kill the process between steps.
"""

from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from .schemas import SCHEMA_VERSION, TABLES

SNAPSHOT_TABLES = ("documents", "metrics", "mentions", "reconciliation")
PER_RUN_TABLES = ("quarantine", "runs")
STAGING = ".staging"
READY = "READY"
SNAPSHOTS = ".snapshots"
CURRENT = "current"
STAGED_SNAPSHOT = "snapshot"  # the generation being staged, in .staging/<run_id>/
SPILL = "batches"  # finished batches' rows, in .staging/<run_id>/ until the run merges them
FAULT_DELAY_ENV = "TRADECLAIMS_FAULT_PUBLISH_DELAY_S"
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
        column = df[f.name] if f.name in df.columns else None
        array = _fast_array(column, f) if column is not None else None
        cols[f.name] = array if array is not None else _array_of_values(column, f, len(df))
    table = pa.Table.from_pydict(cols, schema=schema)
    return table.replace_schema_metadata({b"tradeclaims.schema_version": SCHEMA_VERSION.encode(),
                                          b"tradeclaims.table": name.encode()})


def _fast_array(column: pd.Series, f: pa.Field) -> pa.Array | None:
    """The column as `_array_of_values` makes it, converted as a whole (no Python object per
    cell) for the dtypes of the big tables: strings, floats and ints; None for other dtypes."""
    dtype = column.dtype
    if pa.types.is_string(f.type) and isinstance(dtype, pd.StringDtype) and isinstance(dtype.na_value, float):
        array = pa.array(column, type=f.type, from_pandas=True)  # NaN is null, as None
    elif pa.types.is_floating(f.type) and dtype == np.float64:
        array = pa.array(column.to_numpy(), type=f.type)  # from numpy: NaN stays NaN, as in a list
    elif pa.types.is_integer(f.type) and isinstance(dtype, np.dtype) and dtype.kind in "iu":
        array = pa.array(column.to_numpy(), type=f.type)
    elif pa.types.is_integer(f.type) and f.nullable and dtype == np.float64:
        values = column.to_numpy()
        missing = np.isnan(values)
        whole = values[~missing]
        if not (np.all(whole == np.trunc(whole)) and np.all(np.abs(whole) < 2.0 ** 63)):
            return None
        array = pa.array(np.where(missing, 0, values).astype(np.int64), type=f.type, mask=missing)
    else:
        return None
    # one contiguous array, as from a list: a chunked column could be laid out otherwise in Parquet
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _array_of_values(column: pd.Series | None, f: pa.Field, n_rows: int) -> pa.Array:
    """The column converted cell by cell (None for a missing column)."""
    values = column.tolist() if column is not None else [None] * n_rows
    if pa.types.is_timestamp(f.type):
        values = [None if v is None or (isinstance(v, float) and v != v) else pd.Timestamp(v).to_pydatetime()
                  for v in values]
    elif pa.types.is_date(f.type):
        values = [None if v is None or v is pd.NaT or (isinstance(v, float) and v != v) else v
                  for v in values]
    elif pa.types.is_string(f.type):
        values = [text_cell(v) for v in values]
    elif pa.types.is_integer(f.type) and f.nullable:
        # a nullable int column reads back from Parquet as floats with NaN
        values = [None if v is None or v is pd.NA or (isinstance(v, float) and v != v) else int(v)
                  for v in values]
    return pa.array(values, type=f.type)


def text_cell(value) -> str | None:
    """A string cell as a published table has it (a null, None or NaN, is None; anything else its str)."""
    if value is None or (isinstance(value, float) and value != value):
        return None
    return str(value)


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

    A snapshot table given as None is left as published. Snapshot tables go
    to the staged generation (`snapshot/`), per-run tables to `<table>/`.
    """
    stage = Path(out_dir) / STAGING / run_id
    if stage.exists():
        shutil.rmtree(stage)
    for name, df in tables.items():
        if df is None:
            continue
        folder = stage / STAGED_SNAPSHOT if name in SNAPSHOT_TABLES else stage
        write_parquet(to_arrow(name, df), table_path(folder, name, run_id))
    return stage


def spill_dir(out_dir: str | Path, run_id: str) -> Path:
    """Where a run keeps its finished batches' rows until it merges them: in its
    staging folder, so that what a killed run left is discarded by `recover`."""
    return Path(out_dir) / STAGING / run_id / SPILL


def _fault_pause() -> None:
    """The fault-injection pause (see the module's docstring); none unless set."""
    delay = float(os.environ.get(FAULT_DELAY_ENV) or 0)
    if delay > 0:
        time.sleep(delay)


def publish(out_dir: Path, run_id: str) -> list[str]:
    """Publish a staged run: complete its generation, mark it READY, roll forward.

    Returns the published files (relative to OUT).
    """
    out_dir = Path(out_dir)
    stage = out_dir / STAGING / run_id
    generation = stage / STAGED_SNAPSHOT
    has_generation = generation.is_dir()
    if has_generation:
        for name in SNAPSHOT_TABLES:  # unchanged tables: the live files, linked not copied
            live, staged = out_dir / f"{name}.parquet", generation / f"{name}.parquet"
            if not staged.exists() and live.exists():
                _link_or_copy(live.resolve(), staged)
    per_run = sorted(p.relative_to(stage).as_posix() for name in PER_RUN_TABLES
                     for p in (stage / name).glob("*.parquet"))
    _fault_pause()
    marker = stage / READY
    marker.write_text(json.dumps({"files": per_run, "snapshot": has_generation}))
    with open(marker, "rb") as fh:
        os.fsync(fh.fileno())
    _fsync_dir(stage)
    _roll_forward(out_dir, stage)
    return per_run + ([f"{name}.parquet" for name in SNAPSHOT_TABLES] if has_generation else [])


def _link_or_copy(src: Path, dst: Path) -> None:
    try:
        os.link(src, dst)
    except OSError:  # a filesystem without hard links
        shutil.copy2(src, dst)
        with open(dst, "rb") as fh:
            os.fsync(fh.fileno())


def _roll_forward(out_dir: Path, stage: Path) -> None:
    """Finish publishing a READY stage; safe to repeat after a crash at any step."""
    marker = json.loads((stage / READY).read_text())
    if isinstance(marker, list):  # a stage from before generations: plain files
        marker = {"files": marker, "snapshot": False}
    # per-run files first: each is a new file, visible as extra rows of its table
    for rel in marker["files"]:
        src, dst = stage / rel, out_dir / rel
        if src.exists():
            _fault_pause()
            dst.parent.mkdir(parents=True, exist_ok=True)
            os.replace(src, dst)
    if marker["snapshot"]:
        snapshots = out_dir / SNAPSHOTS
        generation = snapshots / stage.name
        if (stage / STAGED_SNAPSHOT).is_dir():
            _fault_pause()
            snapshots.mkdir(exist_ok=True)
            os.replace(stage / STAGED_SNAPSHOT, generation)
            _fsync_dir(snapshots)
        if generation.is_dir():
            _fault_pause()
            _point_current_at(snapshots, generation.name)  # the commit
            _fault_pause()
            _link_tables(out_dir)
            _drop_old_generations(snapshots)
    _fsync_dir(out_dir)
    shutil.rmtree(stage, ignore_errors=True)


def _set_link(path: Path, target: str, tmp: Path) -> bool:
    """Point the link `path` at `target` with one atomic rename (a plain file
    there is replaced too); False when it already pointed there."""
    if path.is_symlink() and os.readlink(path) == target:
        return False
    if tmp.is_symlink() or tmp.exists():
        tmp.unlink()
    os.symlink(target, tmp)
    os.replace(tmp, path)
    return True


def _point_current_at(snapshots: Path, name: str) -> None:
    """Make `.snapshots/current` a link to `name`."""
    if _set_link(snapshots / CURRENT, name, snapshots / f".{CURRENT}-{name}"):
        _fsync_dir(snapshots)


def _link_tables(out_dir: Path) -> None:
    """OUT/<table>.parquet → .snapshots/current/<table>.parquet, for every snapshot table."""
    for name in SNAPSHOT_TABLES:
        _set_link(out_dir / f"{name}.parquet", f"{SNAPSHOTS}/{CURRENT}/{name}.parquet",
                  out_dir / f".{name}.parquet.link")


def _drop_old_generations(snapshots: Path) -> None:
    """Remove every generation but the live one (readers that opened an old
    file keep reading it: an unlinked file lives while it is open)."""
    live = os.readlink(snapshots / CURRENT) if (snapshots / CURRENT).is_symlink() else None
    for entry in snapshots.iterdir():
        if entry.name in (CURRENT, live) or entry.is_symlink():
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)


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
    snapshots = out_dir / SNAPSHOTS
    if (snapshots / CURRENT).is_symlink():  # a generation moved in but never made live
        _drop_old_generations(snapshots)
    return done


def discard(out_dir: str | Path, run_id: str) -> None:
    shutil.rmtree(Path(out_dir) / STAGING / run_id, ignore_errors=True)
