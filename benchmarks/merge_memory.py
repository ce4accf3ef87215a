#!/usr/bin/env python3
"""Peak memory of the end of a run: the snapshot merged, reconciled, validated, written.

    python benchmarks/merge_memory.py [--source benchmarks/out/run-default-10000] [--times 10]
                                      [--batch-docs 500] [--steps take,merge,...]

The flow's process peaks after the batches, when it builds, checks and writes
the whole snapshot. This replays that part without running the batches: the
documents, metrics and mentions of a published run (`--source`, e.g. the 10k
benchmark run's output) are copied `--times` times (every copy with its own
doc_id, fact_id, sha256 and source, so all stay unique), cut into batches of
`--batch-docs` documents, pickled and unpickled (as a worker's result is) and
spilled as the flow spills finished batches (`flows.pipeline.BatchRows`). Then the
steps of `flows.pipeline._run` after the batches, in its order and with its own
functions:

- `take`: the batches' rows as DataFrames, cross-batch duplicates split off;
- `merge`: `merge_snapshot` (concatenated with the previous snapshot, sorted);
- `reconcile`: the reconciliation table of the whole metrics snapshot;
- `conform`: columns in schema order, run ids;
- `validate`: the four snapshot tables' suites (GX);
- `filter`: failed rows to quarantine, tables kept consistent;
- `write`: every table staged as Parquet (`write.stage_tables`) and published.

Each step runs in a fresh process, which first runs the steps before it, then
collects garbage, trims the heaps and resets the kernel's peak-RSS mark
(/proc/self/clear_refs) before the step. `peak_mb` is the step's peak RSS above
the RSS it started with; `held_mb` what the process held more after it. A last
process runs all steps from the batches' rows on, as the flow does
(`total`: the peak above the start, the absolute peak, and the peak so far
after each step). GX is imported and
its context set up first, in every process (the flow validated the reference
statistics before its batches). Prints one JSON line. Linux only.

Keep the steps in step with `flows.pipeline._run` when that changes.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import hashlib
import json
import pickle
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

DEFAULT_SOURCE = ROOT / "benchmarks" / "out" / "run-default-10000"
STEPS = ("take", "merge", "reconcile", "conform", "validate", "filter", "write")


def _status_mb(key: str) -> float:
    text = Path("/proc/self/status").read_text()
    return int(re.search(rf"^{key}:\s+(\d+) kB", text, re.M).group(1)) / 1024


def _settle() -> float:
    """Collect garbage, give freed heap (Arrow's and malloc's) back to the OS, reset the peak
    mark; the RSS now."""
    import pyarrow as pa

    gc.collect()
    pa.default_memory_pool().release_unused()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):
        pass
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    return _status_mb("VmRSS")


def _renamed(values, copy: int, length: int) -> list:
    """Ids of the copy `copy`: the original ones for copy 0, else new ones of the same form."""
    if copy == 0:
        return list(values)
    return [hashlib.blake2b(f"{copy}:{v}".encode(), digest_size=length // 2).hexdigest() for v in values]


def build_batches(source: Path, times: int, batch_docs: int, spill: Path):
    """The published tables at `source` copied `times` times, as the flow's BatchRows (spilled to `spill`)."""
    import pandas as pd

    from flows.pipeline import BatchRows
    from stages.batch import BatchOutput
    from stages.base import quarantine_frame
    from stages.write import read_table

    tables = {name: read_table(source, name).drop(columns="run_id")
              for name in ("documents", "metrics", "mentions")}
    rows = BatchRows(spill)
    for copy in range(times):
        docs = tables["documents"].copy()
        doc_ids = dict(zip(docs["doc_id"], _renamed(docs["doc_id"], copy, 16)))
        docs["doc_id"] = docs["doc_id"].map(doc_ids)
        docs["sha256"] = _renamed(docs["sha256"], copy, 64)
        docs["source"] = docs["source"] if copy == 0 else f"copy{copy:02d}/" + docs["source"]
        docs = docs.sort_values("source", ignore_index=True)  # batches go in source order
        position = pd.Series(range(len(docs)), index=docs["doc_id"])
        parts = {}
        for name in ("metrics", "mentions"):
            df = tables[name].copy()
            df["doc_id"] = df["doc_id"].map(doc_ids)
            df["fact_id"] = _renamed(df["fact_id"], copy, 16)
            df["_pos"] = df["doc_id"].map(position)
            parts[name] = df.sort_values("_pos", kind="stable", ignore_index=True)
        for start in range(0, len(docs), batch_docs):
            batch = {name: df[(df["_pos"] >= start) & (df["_pos"] < start + batch_docs)].drop(columns="_pos")
                     .reset_index(drop=True) for name, df in parts.items()}
            output = BatchOutput(docs.iloc[start:start + batch_docs].reset_index(drop=True), batch["metrics"],
                                 batch["mentions"], quarantine_frame([]))
            rows.add(pickle.loads(pickle.dumps(output)))  # as a worker's result arrives
    return rows


class State:
    """What the flow's process holds between the steps (and nothing else)."""

    def __init__(self, rows, out: Path, reference):
        from stages import write

        self.rows = rows
        self.out = out
        self.reference = reference
        self.run_id = "20000101T000000Z-bench0"
        self.previous = {name: write.read_table(out, name) for name in write.SNAPSHOT_TABLES}


def step_take(s: State) -> None:
    from flows.pipeline import _split_cross_batch_duplicates
    from stages.base import quarantine_frame
    from stages.batch import concat

    rows = s.rows
    new_docs, new_metrics, new_mentions, dup_q = _split_cross_batch_duplicates(
        rows.take("documents", ["doc_id", "source"]), rows.take("metrics", ["doc_id", "fact_id"]),
        rows.take("mentions", ["doc_id", "fact_id", "char_start", "char_end"]), {})
    s.quarantine = concat([rows.take("quarantine", []), dup_q, quarantine_frame([])], list(dup_q.columns))
    s.new_ids = set(new_docs["doc_id"])
    s.new = {"documents": new_docs, "metrics": new_metrics, "mentions": new_mentions}


def step_merge(s: State) -> None:
    from stages.batch import merge_snapshot

    s.snapshot = merge_snapshot(s.previous, s.new, False)
    del s.new


def step_reconcile(s: State) -> None:
    from stages.reconcile import reconcile

    s.snapshot["reconciliation"] = reconcile(s.snapshot["metrics"], s.reference).kept


def step_conform(s: State) -> None:
    from flows.pipeline import previous_run_ids
    from stages import write

    for name in write.SNAPSHOT_TABLES:
        s.snapshot[name] = write.conform(name, s.snapshot[name])
        s.snapshot[name]["run_id"] = previous_run_ids(s.previous[name], s.snapshot[name], s.run_id, s.new_ids)


def step_validate(s: State) -> None:
    from expectations.runner import validate_table

    s.validations = {name: validate_table(name, df, max_bad_row_share=0.5) for name, df in s.snapshot.items()}
    failed = {n: v.table_failures for n, v in s.validations.items() if not v.passed}
    if failed:
        raise SystemExit(f"table-level expectations failed: {failed}")


def step_filter(s: State) -> None:
    from flows.pipeline import drop_failed_rows
    from stages.base import quarantine_frame
    from stages.batch import concat

    q_rows = drop_failed_rows(s.snapshot, s.validations)
    s.quarantine = concat([s.quarantine, quarantine_frame(q_rows)], list(s.quarantine.columns))
    s.quarantine["run_id"] = s.run_id


def step_write(s: State) -> None:
    from stages import write

    tables = {name: s.snapshot[name] for name in write.SNAPSHOT_TABLES}
    tables["quarantine"] = s.quarantine
    write.stage_tables(s.out, s.run_id, tables)
    write.publish(s.out, s.run_id)


STEP_FUNCTIONS = {"take": step_take, "merge": step_merge, "reconcile": step_reconcile,
                  "conform": step_conform, "validate": step_validate, "filter": step_filter, "write": step_write}


def measure(step: str, source: Path, times: int, batch_docs: int) -> dict:
    """In this process: the steps before `step` unmeasured, then `step` (or all, for "total")."""
    from flows.pipeline import _arrow_buffers_from_malloc  # (and the flow's malloc settings)

    _arrow_buffers_from_malloc()  # as the flow's run does before its batches
    from expectations.runner import validate_table
    from stages.reference_tables import read_reference

    reference = read_reference()
    validate_table("reference", reference, max_bad_row_share=1.0)  # GX imported and set up, as in the flow
    with tempfile.TemporaryDirectory(prefix="merge-memory-") as tmp:
        rows = build_batches(source, times, batch_docs, Path(tmp) / "batches")
        state = State(rows, Path(tmp), reference)
        del rows
        todo = list(STEPS) if step == "total" else list(STEPS[:STEPS.index(step) + 1])
        measured = todo if step == "total" else todo[-1:]
        for name in todo[:len(todo) - len(measured)]:
            STEP_FUNCTIONS[name](state)
        start = _settle()
        t0 = time.perf_counter()
        peak_after = {}  # the process's peak so far, after each step: where it was reached
        for name in measured:
            STEP_FUNCTIONS[name](state)
            peak_after[name] = round(_status_mb("VmHWM") - start, 1)
        seconds = time.perf_counter() - t0
        peak, after = _status_mb("VmHWM"), _status_mb("VmRSS")
    out = {"peak_mb": round(peak - start, 1), "held_mb": round(after - start, 1),
           "start_mb": round(start, 1), "peak_rss_mb": round(peak, 1), "seconds": round(seconds, 2)}
    if len(measured) > 1:
        out["peak_mb_after"] = peak_after
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="a published output folder")
    parser.add_argument("--times", type=int, default=10, help="copies of the source's rows")
    parser.add_argument("--batch-docs", type=int, default=500)
    parser.add_argument("--steps", default=",".join(STEPS + ("total",)),
                        help="comma-separated steps to measure (and/or total)")
    parser.add_argument("--step", help=argparse.SUPPRESS)  # a child process: measure this one
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(measure(args.step, args.source, args.times, args.batch_docs)))
        return 0
    if not (args.source / "metrics.parquet").exists():
        parser.error(f"{args.source} holds no published tables (run benchmarks/run.py --docs 10000 first)")
    results = {}
    for step in args.steps.split(","):
        out = subprocess.run([sys.executable, __file__, "--step", step, "--source", str(args.source),
                              "--times", str(args.times), "--batch-docs", str(args.batch_docs)],
                             capture_output=True, text=True)
        if out.returncode:
            sys.stderr.write(out.stderr)
            raise SystemExit(f"step {step} failed")
        results[step] = json.loads(out.stdout.strip().splitlines()[-1])
    from stages.write import read_table

    facts = len(read_table(args.source, "metrics")) * args.times
    steps = {k: v["peak_mb"] for k, v in results.items() if k != "total"}
    print(json.dumps({"source": str(args.source), "times": args.times, "facts": facts, "peak_mb": steps,
                      "total": results.get("total"), "detail": results}))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
