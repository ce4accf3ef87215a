"""Validate output tables against their GX suites.

``validate_table(table, df)`` runs the committed suite ``expectations/suites/<table>.json``
on a DataFrame (as made by ``pa.Table.to_pandas()`` from ``stages.schemas``) and says
which rows failed which row-level expectation, so the caller can quarantine those rows
and publish the rest, and which table-level expectations failed, which should stop
publishing the table.

``validate_directory(out_dir)`` validates every published table of an output directory
(the ``validate`` command / quality gate).

great_expectations is imported lazily on the first validation (it takes seconds); one
ephemeral context is kept per process (nothing is written to a gx/ folder) and its
progress bars are off.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from expectations.build_suites import (
    COMPARED_VERDICTS,
    CURRENT_YEAR_PARAMETER,
    LEVELS,
    ROW,
    STATUSES,
    SUITE_TABLES,
    SUITES_DIR,
    TODAY_PARAMETER,
    import_gx,
)
from stages.reference_tables import reference_check_columns
from stages.schemas import TABLES

TOO_MANY_BAD_ROWS = "too_many_bad_rows"

# The result format that maps failures back to rows: with no index columns named, GX
# returns values of the frame's index, and the frame we validate has a RangeIndex, so
# those are positions. The index query string is not needed (and is long on big failures).
_RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 5,
    "return_unexpected_index_query": False,
}


@dataclass
class ExpectationOutcome:
    name: str
    level: str
    success: bool
    unexpected_count: int
    detail: str


@dataclass
class TableValidation:
    table: str
    suite_version: str
    outcomes: list[ExpectationOutcome]
    bad_rows: dict[int, list[str]]  # positional row index -> names of failed row-level expectations
    table_failures: list[str]  # failed table-level expectations (+ "too_many_bad_rows")
    n_rows: int = 0
    failed_rows_unknown: list[str] = field(default_factory=list)  # row-level failures with no row list

    @property
    def passed(self) -> bool:
        """No table-level failure: the table (minus its bad rows) may be published."""
        return not self.table_failures

    @property
    def n_passed(self) -> int:
        return sum(o.success for o in self.outcomes)

    @property
    def n_failed(self) -> int:
        return sum(not o.success for o in self.outcomes)

    @property
    def failed(self) -> list[ExpectationOutcome]:
        return [o for o in self.outcomes if not o.success]


# ---------------------------------------------------------------------------
# Suites
# ---------------------------------------------------------------------------

_LOCK = threading.RLock()  # GX contexts are not thread-safe; validations run one at a time
_STATE: dict[str, Any] = {}


def load_suite_json(table: str, suites_dir: Path = SUITES_DIR) -> dict[str, Any]:
    if table not in SUITE_TABLES:
        raise ValueError(f"unknown table {table!r}; expected one of {sorted(SUITE_TABLES)}")
    return json.loads((Path(suites_dir) / f"{table}.json").read_text(encoding="utf-8"))


def load_suite(table: str, suites_dir: Path = SUITES_DIR) -> Any:
    """Load a suite from its JSON and check that GX kept every expectation.

    GX silently drops an expectation whose type it does not know (a typo in the JSON), so
    the count is compared with the file's; names and levels are checked too.
    """
    import_gx()
    from great_expectations.core.expectation_suite import ExpectationSuite

    raw = load_suite_json(table, suites_dir)
    suite = ExpectationSuite(**raw)
    if len(suite.expectations) != len(raw.get("expectations", [])):
        raise ValueError(
            f"suite {table}: the JSON has {len(raw.get('expectations', []))} expectations but GX "
            f"loaded {len(suite.expectations)} (misspelled expectation type?)"
        )
    names = []
    for exp in suite.expectations:
        meta = exp.meta or {}
        if not meta.get("name") or meta.get("level") not in LEVELS:
            raise ValueError(f"suite {table}: expectation {type(exp).__name__} lacks meta name/level")
        names.append(meta["name"])
    if len(set(names)) != len(names):
        raise ValueError(f"suite {table}: duplicate expectation names")
    return suite


def _suite(table: str) -> Any:
    suites = _STATE.setdefault("suites", {})
    if table not in suites:
        suites[table] = load_suite(table)
    return suites[table]


def _batch_definition() -> Any:
    if "batch_definition" not in _STATE:
        gx = import_gx()
        from great_expectations.data_context.types.base import (
            DataContextConfig,
            InMemoryStoreBackendDefaults,
            ProgressBarsConfig,
        )

        # In memory only: no Data Docs site (the default ephemeral config makes a temp dir
        # for one), and no progress bars on stderr.
        config = DataContextConfig(
            store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
            progress_bars=ProgressBarsConfig(globally=False),
        )
        context = gx.get_context(mode="ephemeral", project_config=config)
        context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = context.data_sources.add_pandas("tradeclaims").add_dataframe_asset("table")
        _STATE["context"] = context
        _STATE["batch_definition"] = asset.add_batch_definition_whole_dataframe("whole_table")
    return _STATE["batch_definition"]


def prepare() -> None:
    """Import GX and set up its context now (about 2 s on this machine), so that
    a caller waiting on something else can have it done meanwhile."""
    with _LOCK:
        _batch_definition()


# ---------------------------------------------------------------------------
# Derived helper columns (pure)
# ---------------------------------------------------------------------------


def _is_sequence(value: Any) -> bool:
    return isinstance(value, (list, tuple, np.ndarray))


def _statuses_check(status: pd.Series, statuses: pd.Series) -> tuple[np.ndarray, pd.Series]:
    """(`_statuses_ok`, statuses joined with "|"), vectorised through Arrow.

    A Python loop over 100k lists took 0.2-0.3 s; this takes a few milliseconds.
    """
    import pyarrow as pa
    import pyarrow.compute as pc

    values = statuses.tolist()
    list_type = pa.list_(pa.string())
    try:
        arr = pa.array(values, type=list_type, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError):  # odd items (numbers, scalars): compare as text
        arr = pa.array(
            [[str(x) for x in v] if _is_sequence(v) else None for v in values], type=list_type
        )
    n = len(arr)
    offsets = arr.offsets.to_numpy()
    lengths = np.diff(offsets)
    flat = arr.values.to_numpy(zero_copy_only=False)
    item_bad = ~np.isin(flat, np.array(STATUSES, dtype=object))
    n_bad = np.bincount(np.repeat(np.arange(n), lengths), weights=item_bad, minlength=n)
    has_items = lengths > 0
    first = np.full(n, None, dtype=object)
    first[has_items] = flat[offsets[:-1][has_items]]
    status_values = status.to_numpy(dtype=object, na_value=None)
    not_null = ~arr.is_null().to_numpy(zero_copy_only=False)
    ok = not_null & has_items & (n_bad == 0) & (first == status_values)
    joined = pd.Series(
        pc.binary_join(arr, "|").to_numpy(zero_copy_only=False), index=statuses.index, dtype="str"
    )
    return ok.astype(bool), joined


def _derive_metrics(out: pd.DataFrame) -> None:
    cols = set(out.columns)
    if "measure" in cols:
        measure = out["measure"]
        masks = {
            "amount": measure.isin(["value", "volume"]),
            "share": measure == "share",
            "growth": measure == "growth",
            "rate": measure.isin(["growth", "share"]),
            "value": measure == "value",
            "volume": measure == "volume",
        }
        if "value" in cols:
            for key in ("amount", "share", "growth"):
                out[f"_value_if_{key}"] = out["value"].where(masks[key])
        if "unit" in cols:
            for key in ("rate", "value", "volume"):
                out[f"_unit_if_{key}"] = out["unit"].where(masks[key])
    if {"statuses", "status"} <= cols:
        out["_statuses_ok"], out["statuses"] = _statuses_check(out["status"], out["statuses"])
    if "period" in cols:
        period = out["period"].astype("str")
        span = period.str.contains("/", regex=False).fillna(False).astype(bool)
        ordered = (period.str.slice(0, 7) <= period.str.slice(8, 15)).fillna(False).astype(bool)
        out["_period_span_ordered"] = ~span | ordered
    if {"reporter", "partner"} <= cols:
        reporter, partner = out["reporter"], out["partner"]
        missing = (reporter.isna() | partner.isna()).to_numpy(dtype=bool)
        out["_pair_distinct"] = missing | (reporter != partner).to_numpy(dtype=bool)
        if {"flow", "measure"} <= cols:
            applies = (
                (out["flow"] == "total") & (out["measure"] != "share") & (partner != "WLD")
            ).to_numpy(dtype=bool)
            ordered = (reporter < partner).to_numpy(dtype=bool)
            out["_pair_ordered"] = missing | ~applies | ordered


def _derive_reconciliation(out: pd.DataFrame) -> None:
    cols = set(out.columns)
    if "verdict" not in cols:
        return
    compared = out["verdict"].isin(COMPARED_VERDICTS).to_numpy(dtype=bool)
    needed = ["year", "reference_value", "ratio", "source"]
    if set(needed) <= cols:
        has_all = out[needed].notna().all(axis=1).to_numpy(dtype=bool)
        out["_compared_has_reference"] = ~compared | has_all
    if {"other_year", "other_value", "year"} <= cols:
        matches = (out["verdict"] == "matches_other_year").to_numpy(dtype=bool)
        has_other = out[["other_year", "other_value"]].notna().all(axis=1).to_numpy(dtype=bool)
        has_none = out[["other_year", "other_value"]].isna().all(axis=1).to_numpy(dtype=bool)
        differs = (out["other_year"] != out["year"]).fillna(True).to_numpy(dtype=bool)
        out["_other_year_iff_matches"] = np.where(matches, has_other & differs, has_none)


def add_derived_columns(table: str, df: pd.DataFrame) -> pd.DataFrame:
    """Return the frame GX validates: a copy of `df` with a RangeIndex and helper columns.

    Cross-column rules of the metrics suite are expected on helper columns whose names
    start with "_" (masked copies such as `_value_if_share`, and booleans such as
    `_pair_ordered`); `build_suites.DERIVED_COLUMNS` says what each one holds and why GX
    does not compute them itself. Also:

    * `metrics.statuses` (a list column) is replaced by its items joined with "|": GX
      fingerprints every batch with a hash, which falls back to pickling the whole frame
      when a column holds arrays (about 0.8 s per 100k rows).
    * `documents.published` is turned into `datetime.date` objects if it arrives as a
      datetime64 column, so the comparison with the date bounds works.
    * tz-aware timestamp columns (`runs.started_at`, ...) become naive UTC: GX's column-pair
      metric reads `Series.values`, which pandas deprecates for tz-aware data (a warning on
      every run); comparisons are unchanged because every value is UTC.

    The caller's frame is not modified. Helpers whose input columns are missing are not
    added; the columns_present expectation reports the missing input.
    """
    out = df.reset_index(drop=True)  # a new frame (copy-on-write): positions == index
    for name in out.columns:
        if isinstance(out[name].dtype, pd.DatetimeTZDtype):
            out[name] = out[name].dt.tz_convert("UTC").dt.tz_localize(None)
    if table == "metrics":
        _derive_metrics(out)
    elif table == "reconciliation":
        _derive_reconciliation(out)
    elif table == "runs" and "files_documents" in out.columns:
        parts = out[["files_documents", "files_quarantined", "duplicates", "files_skipped"]].sum(axis=1)
        out["_files_accounted"] = out["files_documents"].isna() | (out["files_seen"] == parts)
    elif table == "reference":
        for name, column in reference_check_columns(out).items():
            out[name] = column
    elif table == "documents" and "published" in out.columns:
        if pd.api.types.is_datetime64_any_dtype(out["published"]):
            out["published"] = pd.Series(
                [None if pd.isna(v) else v.date() for v in out["published"]], index=out.index, dtype=object
            )
    return out


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------


def _today() -> str:
    # The later of the local and the UTC date, so a document published "today" anywhere passes.
    return max(dt.date.today(), dt.datetime.now(dt.timezone.utc).date()).isoformat()


def _exception_message(info: Any) -> str | None:
    if not info:
        return None
    if isinstance(info, dict) and "raised_exception" in info:
        return info.get("exception_message") if info.get("raised_exception") else None
    if isinstance(info, dict):
        messages = [
            v.get("exception_message") or "exception"
            for v in info.values()
            if isinstance(v, dict) and v.get("raised_exception")
        ]
        return "; ".join(dict.fromkeys(messages)) or None
    return str(info)


def _plain(value: Any) -> str:
    """A short readable form of an unexpected value (numpy scalars and dates unwrapped)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_plain(v)}" for k, v in value.items()) + "}"
    if isinstance(value, (tuple, list)):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    if isinstance(value, np.datetime64):
        return str(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return repr(value)


def _short(value: Any, limit: int = 60) -> str:
    text = _plain(value)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _detail(result: dict[str, Any], success: bool) -> str:
    if "unexpected_count" in result:
        count = int(result.get("unexpected_count") or 0)
        total = result.get("element_count")
        if total is not None and result.get("missing_count"):  # nulls are not checked
            total -= int(result["missing_count"])
        if success:
            return f"0 unexpected of {total}" if total is not None else "ok"
        examples = ", ".join(_short(v) for v in (result.get("partial_unexpected_list") or [])[:3])
        return f"{count} unexpected of {total}" + (f"; e.g. {examples}" if examples else "")
    observed = result.get("observed_value")
    mismatched = (result.get("details") or {}).get("mismatched") or {}
    if not success and mismatched.get("missing"):
        return "missing columns: " + ", ".join(map(str, mismatched["missing"]))
    if observed is not None and not isinstance(observed, list):
        return f"observed {observed}"
    return "ok" if success else "failed"


def _forget_batch(batch: Any) -> None:
    """Drop GX's cached copy of a validated batch.

    The execution engine keeps the last batch's data (the frame with helper
    columns, about the size of the table) until the next batch replaces it:
    after a run's last validation it stayed alive through the write, and
    during each validation the previous table's frame was held too.
    """
    engine = getattr(getattr(batch, "data", None), "execution_engine", None)
    manager = getattr(engine, "batch_manager", None)
    if manager is None:  # pragma: no cover - another GX layout: nothing to drop
        return
    manager.batch_data_cache.clear()
    manager.reset_batch_cache()


# Rows per validation of the row-level expectations of a big table. GX copies the
# validated frame (less its nulls) for every column check on a column with nulls:
# in chunks, that copy is bounded by the chunk, not the table (the table-level
# expectations still see every row, of the columns they read). Each validation
# also costs GX about 0.3 s whatever its rows: a 213,942-row metrics table took
# 3.3 s in chunks of 25k and 1.7 s in chunks of 100k (`benchmarks/validation_cost.py
# --sizes 213942 --chunk-rows N`); a 100k-document run's four tables (760k rows)
# 7.2 s and 4.3 s, with a peak 53 and 119 MB above the tables (whole tables:
# 3.3 s, 185 MB, growing with them).
ROW_CHUNK = 100_000


@dataclass
class _Result:
    """One expectation's result, over the whole table or merged over its chunks."""

    success: bool
    result: dict[str, Any]
    error: str | None


def _validate_frame(suite: Any, frame: pd.DataFrame) -> dict[str, _Result]:
    """Each expectation of `suite` on `frame` (positions in `frame` are its index)."""
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": frame})
    result = batch.validate(
        suite,
        result_format=_RESULT_FORMAT,
        expectation_parameters={TODAY_PARAMETER: _today(), CURRENT_YEAR_PARAMETER: int(_today()[:4])},
    )
    _forget_batch(batch)
    return {r.expectation_config.meta["name"]: _Result(bool(r.success), dict(r.result or {}),
                                                        _exception_message(r.exception_info))
            for r in result.results}


_COLUMN_SET = "expect_table_columns_to_match_set"


def _part_of(expectation: dict[str, Any]) -> str:
    """Which frame an expectation needs: the column names only, some whole
    columns (the table-level ones), or each row (the row-level ones)."""
    if expectation["meta"]["level"] == ROW:
        return "rows"
    return "names" if expectation["type"] == _COLUMN_SET else "columns"


def _split_suite(table: str) -> dict[str, tuple[Any, list[str]]]:
    """The table's suite in three parts, each with the columns it reads (see _part_of)."""
    split = _STATE.setdefault("split_suites", {})
    if table not in split:
        from great_expectations.core.expectation_suite import ExpectationSuite

        raw = load_suite_json(table)
        raw.pop("id", None)
        parts = {}
        for part in ("names", "columns", "rows"):
            exps = [e for e in raw["expectations"] if _part_of(e) == part]
            columns = [c for e in exps for c in ([e["kwargs"]["column"]] if "column" in e["kwargs"] else [])
                       + list(e["kwargs"].get("column_list") or [])]
            suite = ExpectationSuite(**{**raw, "name": f"{raw['name']}-{part}", "expectations": exps})
            parts[part] = (suite, list(dict.fromkeys(columns)))
        split[table] = parts
    return split[table]


def _merge_chunk(into: _Result | None, part: _Result, offset: int) -> _Result:
    """`part` (a chunk starting at row `offset`) added to the merged result so far."""
    res = dict(part.result)
    indices = res.get("unexpected_index_list")
    if indices is not None:
        res["unexpected_index_list"] = [
            offset + int(i["index"] if isinstance(i, dict) else i) for i in indices
        ]
    if into is None:
        return _Result(part.success, res, part.error)
    merged = dict(into.result)
    for key in ("element_count", "missing_count", "unexpected_count"):
        if key in res or key in merged:
            merged[key] = int(merged.get(key) or 0) + int(res.get(key) or 0)
    for key in ("partial_unexpected_list", "unexpected_index_list"):
        if res.get(key) is not None:
            merged[key] = list(merged.get(key) or []) + res[key]
    merged["partial_unexpected_list"] = (merged.get("partial_unexpected_list") or [])[:20]
    return _Result(into.success and part.success, merged, into.error or part.error)


def _validate_in_chunks(table: str, df: pd.DataFrame, chunk_rows: int) -> dict[str, _Result]:
    """The table's suite on `df`: table-level expectations on the whole table (on the
    columns they read), row-level ones chunk by chunk (each reads its own row only)."""
    parts = _split_suite(table)
    whole = df.reset_index(drop=True)  # no copy (copy-on-write)
    # the column names on a frame without rows; the table-level rules (row count,
    # uniqueness) on the columns they read: GX copies the frame it checks
    by_name = _validate_frame(parts["names"][0], whole.iloc[0:0])
    suite, columns = parts["columns"]
    by_name.update(_validate_frame(suite, whole[[c for c in columns if c in whole.columns]]))
    del whole
    row_suite = parts["rows"][0]
    merged: dict[str, _Result] = {}
    for start in range(0, len(df.index), chunk_rows):
        chunk = add_derived_columns(table, df.iloc[start:start + chunk_rows])
        for name, part in _validate_frame(row_suite, chunk).items():
            merged[name] = _merge_chunk(merged.get(name), part, start)
        del chunk
    return {**by_name, **merged}


def validate_table(table: str, df: pd.DataFrame, *, max_bad_row_share: float = 0.5,
                   chunk_rows: int = ROW_CHUNK) -> TableValidation:
    """Validate one table with its suite.

    Returns the outcome of every expectation (in suite order), the failing rows of
    row-level expectations keyed by position in `df`, and the table-level failures:
    failed table-level expectations, row-level expectations that failed without a row list
    (they could not be evaluated, e.g. a missing column), and "too_many_bad_rows" when more
    than `max_bad_row_share` of the rows failed some row-level expectation.
    """
    with _LOCK:
        suite = _suite(table)
        if len(df.index) > chunk_rows:
            by_name = _validate_in_chunks(table, df, chunk_rows)
        else:
            by_name = _validate_frame(suite, add_derived_columns(table, df))

    outcomes: list[ExpectationOutcome] = []
    bad_rows: dict[int, list[str]] = {}
    table_failures: list[str] = []
    unknown_rows: list[str] = []
    for exp in suite.expectations:
        name, level = exp.meta["name"], exp.meta["level"]
        r = by_name.get(name)
        if r is None:  # pragma: no cover - GX returns one result per expectation
            outcomes.append(ExpectationOutcome(name, level, False, 0, "no result from GX"))
            table_failures.append(name)
            continue
        res, error = r.result, r.error
        success = r.success and not error
        count = int(res.get("unexpected_count") or 0)
        detail = f"could not evaluate: {error}" if error else _detail(res, success)
        outcomes.append(ExpectationOutcome(name, level, success, count, detail))
        if success:
            continue
        indices = res.get("unexpected_index_list")
        if level == ROW and indices is not None and not error:
            for idx in indices:
                position = int(idx["index"] if isinstance(idx, dict) else idx)
                bad_rows.setdefault(position, []).append(name)
        elif level == ROW:
            unknown_rows.append(name)
            table_failures.append(name)
        else:
            table_failures.append(name)

    n_rows = len(df.index)
    if n_rows and len(bad_rows) / n_rows > max_bad_row_share:
        table_failures.append(TOO_MANY_BAD_ROWS)
    meta = suite.meta or {}
    return TableValidation(
        table=table,
        suite_version=str(meta.get("suite_version", "")),
        outcomes=outcomes,
        bad_rows=dict(sorted(bad_rows.items())),
        table_failures=table_failures,
        n_rows=n_rows,
        failed_rows_unknown=unknown_rows,
    )


# ---------------------------------------------------------------------------
# Output directories
# ---------------------------------------------------------------------------


def table_path(out_dir: str | Path, table: str) -> Path | None:
    """OUT/<table>.parquet, else the folder OUT/<table>/, else None."""
    out_dir = Path(out_dir)
    single = out_dir / f"{table}.parquet"
    if single.is_file():
        return single
    folder = out_dir / table
    if folder.is_dir():
        return folder
    return None


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a Parquet file or folder (hive partitions allowed) into pandas.

    The files of a folder may differ by columns added later (additive schema
    changes): every column of every file is read, null where a file lacks it.
    """
    import pyarrow as pa
    import pyarrow.dataset as ds
    import pyarrow.parquet as pq

    if Path(path).is_dir():
        dataset = ds.dataset(path, format="parquet", partitioning="hive")
        schema = pa.unify_schemas([dataset.schema] + [pq.read_schema(f) for f in dataset.files],
                                  promote_options="permissive")
        data = ds.dataset(path, schema=schema, format="parquet", partitioning="hive").to_table()
    else:
        data = pq.read_table(path)
    for i, fld in enumerate(data.schema):  # hive partition keys come back dictionary-encoded
        if pa.types.is_dictionary(fld.type):
            data = data.set_column(i, fld.name, data.column(i).cast(fld.type.value_type))
    return data.to_pandas()


def failure_lines(validation: TableValidation) -> list[str]:
    """One readable line per failed expectation (and for too_many_bad_rows)."""
    lines = []
    for o in validation.failed:
        if o.unexpected_count:
            what = f"{o.unexpected_count} row{'' if o.unexpected_count == 1 else 's'}"
        else:
            what = o.detail
        lines.append(f"{validation.table}: {o.name} failed ({what})")
    if TOO_MANY_BAD_ROWS in validation.table_failures:
        n_bad, n_rows = len(validation.bad_rows), validation.n_rows
        lines.append(f"{validation.table}: {TOO_MANY_BAD_ROWS} ({n_bad} of {n_rows} rows)")
    return lines


def validate_directory_detailed(
    out_dir: str | Path, *, tables: Iterable[str] | None = None
) -> tuple[list[TableValidation], list[str]]:
    """Validate each published table in `out_dir`; returns the validations and failure lines."""
    validations: list[TableValidation] = []
    lines: list[str] = []
    for table in tables if tables is not None else TABLES:
        path = table_path(out_dir, table)
        if path is None:
            lines.append(f"{table}: missing (no {table}.parquet or {table}/ in {out_dir})")
            continue
        try:
            df = read_table(path)
        except Exception as exc:  # noqa: BLE001 - any read error is a failing line
            lines.append(f"{table}: unreadable {path} ({type(exc).__name__}: {exc})")
            continue
        validation = validate_table(table, df)
        validations.append(validation)
        lines.extend(failure_lines(validation))
    return validations, lines


def validate_directory(out_dir: str | Path, *, tables: Iterable[str] | None = None) -> tuple[int, list[str]]:
    """Validate every published table of `out_dir` (all five unless `tables` is given).

    A published table must pass every expectation, row-level ones included (bad rows
    should have been quarantined before publishing). Returns (0 if all pass else 1, one
    line per failure such as "metrics: metrics.share_in_0_100 failed (1 row)"); a missing
    or unreadable table is a failing line too.
    """
    _, lines = validate_directory_detailed(out_dir, tables=tables)
    return (1 if lines else 0), lines
