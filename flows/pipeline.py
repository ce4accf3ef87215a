"""The main flow: input folder → published, validated Parquet tables.

Tasks are coarse (one per batch of documents) and only wire stages together;
the work is in stages/. The flow raises when a quality gate fails, so a run
whose validation failed ends Failed, not Completed.
"""

from __future__ import annotations

import json
import os
import resource
import secrets
import shutil
import threading
import time
from collections import Counter, deque
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from flows import env

env.apply()

import pandas as pd  # noqa: E402
import pyarrow as pa  # noqa: E402
from prefect import flow, get_run_logger, task  # noqa: E402
from prefect.cache_policies import NO_CACHE  # noqa: E402
from prefect.context import FlowRunContext  # noqa: E402
from prefect.task_runners import ProcessPoolTaskRunner, TaskRunner, ThreadPoolTaskRunner  # noqa: E402

from flows import temporary_api  # noqa: E402
from flows.locking import output_lock  # noqa: E402
from flows.progress import BatchProgress  # noqa: E402
from flows.run_summary import publish_summary_artifacts  # noqa: E402
from stages import write  # noqa: E402
from stages.accounting import file_fates  # noqa: E402
from stages.base import quarantine_frame, quarantine_row  # noqa: E402
from stages.batch import (CHUNK_SIZE, BatchOutput, concat, drop_duplicate_rows, give_back_freed_memory, glibc, is_in,  # noqa: E402
                          merge_snapshot, process_batch)
from stages.ingest import list_input_files, read_manifest  # noqa: E402
from stages.reconcile import VERDICTS, reconcile  # noqa: E402
from stages.reference_tables import DEFAULT_REFERENCE_DIR, describe_rows, read_reference  # noqa: E402

# Documents per task when the caller gives no batch size: enough batches for
# BATCHES_PER_WORKER each per worker (the last ones keep every worker busy to
# the end), each at least a chunk (stages.batch.CHUNK_SIZE) and at most
# MAX_BATCH_SIZE. Every task costs orchestration in the worker, the flow and
# the API (about 75 ms of CPU in all): at 100k documents, batches of 2,000
# instead of 500 took the run from 96.7 to 86.0 s.
MAX_BATCH_SIZE = 2000
BATCHES_PER_WORKER = 4
RUNNERS = ("default", "threads", "dask")


def _return_freed_memory_to_os() -> None:
    """Keep large allocations (a batch's pickled result, ~1 MB) in mmap.

    glibc raises its mmap threshold after the first large free, so later
    results land in the heap and freed ones are not given back: the flow
    process kept about 40 % of every result it unpickled (120 results of
    4 MB left 151 MB behind). A fixed threshold turns that off.
    Linux/glibc only; elsewhere a no-op.
    """
    mallopt = getattr(glibc(), "mallopt", None)
    if mallopt is not None:
        mallopt(-3, 128 * 1024)  # M_MMAP_THRESHOLD


_return_freed_memory_to_os()


def _arrow_buffers_from_malloc() -> None:
    """Arrow's buffers from malloc (with the threshold above), in the flow's process.

    Arrow's own allocator (mimalloc) keeps pages it was given back for reuse:
    the flow's process builds the whole snapshot from many batches' small
    buffers and then from large ones, so at the end of a 100k-document run
    it peaked about 150 MB higher than with malloc (benchmarks/merge_memory.py).
    An ARROW_DEFAULT_MEMORY_POOL set by the user wins. Workers keep Arrow's
    default: their memory does not grow with the corpus.
    """
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pa.set_memory_pool(pa.system_memory_pool())


def task_runner_for(runner: str = "default", dask_address: str | None = None) -> TaskRunner:
    """The task runner a run's batches go to, by name.

    `default`: one worker process per core (extraction is CPU-bound, and
    threads share one core under the GIL); `threads`: one process, for
    debugging; `dask`: a local Dask cluster of single-threaded processes, one
    per core, or the existing scheduler at `dask_address`.
    """
    workers = max(1, os.cpu_count() or 1)
    if runner == "default":
        return ProcessPoolTaskRunner(max_workers=workers)
    if runner == "threads":
        return ThreadPoolTaskRunner(max_workers=workers)
    if runner == "dask":
        from prefect_dask import DaskTaskRunner

        if dask_address:
            return DaskTaskRunner(address=dask_address)
        return DaskTaskRunner(cluster_kwargs={"n_workers": workers, "threads_per_worker": 1, "processes": True,
                                              "dashboard_address": None})
    raise ValueError(f"unknown runner {runner!r}: choose one of {', '.join(RUNNERS)}")


def run_with_runner(runner: str = "default", dask_address: str | None = None, **params) -> dict:
    """Run the flow with its batches on the named task runner (see task_runner_for)."""
    flow_on_runner = run_pipeline.with_options(task_runner=task_runner_for(runner, dask_address))
    with _one_temporary_api(local_workers=not (runner == "dask" and dask_address)):
        return flow_on_runner(runner=runner, dask_address=dask_address, **params)


@contextmanager
def _one_temporary_api(local_workers: bool):
    """The flow and the worker processes on this machine report to the run's own temporary API.

    Without an API URL every worker process would start a temporary server of
    its own (about 200 MB and seconds of start-up each). Started here (or
    earlier by the command line, flows.temporary_api), its URL (on 127.0.0.1)
    goes to the workers in the settings Prefect hands them. Workers of a
    remote Dask scheduler could not reach it: they need a real Prefect server
    (PREFECT_API_URL).
    """
    from prefect.settings import (PREFECT_API_URL, PREFECT_SERVER_EPHEMERAL_ENABLED,
                                  PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS, temporary_settings)

    from expectations.runner import prepare

    timeout = PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS.value()
    started = temporary_api.started_url()
    if started and started == PREFECT_API_URL.value():
        # started by the command line before Prefect was imported (flows.temporary_api)
        while_running(lambda: temporary_api.wait_for(timeout), prepare)
        yield
        return
    if not local_workers or PREFECT_API_URL.value() or not PREFECT_SERVER_EPHEMERAL_ENABLED.value():
        yield
        return
    from prefect.server.api.server import SubprocessASGIServer

    server = SubprocessASGIServer()
    # once per process; stopped at exit, as Prefect's own
    while_running(lambda: server.start(timeout), prepare)
    with temporary_settings(updates={PREFECT_API_URL: server.api_url}):
        yield


def while_running(wait, work) -> None:
    """Call `wait` in a thread of its own and `work` in this one; return when both are done.

    The temporary API's start is mostly waiting for its process (about 3 s):
    GX's import and context (about 2 s), which the run needs first, are made
    meanwhile on the other core. An error of either is raised here.
    """
    errors: list[BaseException] = []

    def call() -> None:
        try:
            wait()
        except BaseException as exc:  # raised below, in the caller's thread
            errors.append(exc)

    waiting = threading.Thread(target=call, name="tradeclaims-while-running", daemon=True)
    waiting.start()
    try:
        work()
    finally:
        waiting.join()
    if errors:
        raise errors[0]


def _runner_name(task_runner: TaskRunner) -> str:
    if type(task_runner).__name__ == "DaskTaskRunner":
        return "dask"
    return "threads" if isinstance(task_runner, ThreadPoolTaskRunner) else "default"


class QualityGateFailed(RuntimeError):
    """A table failed a table-level expectation: nothing was published."""


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ") + "-" + secrets.token_hex(3)


@task(cache_policy=NO_CACHE)
def plan_inputs(input_dir: str):
    """List the input files and read the manifest."""
    listing = list_input_files(input_dir)
    manifest = read_manifest(input_dir, listed=set(listing.kept["source"]))
    return listing, manifest


@task(cache_policy=NO_CACHE, retries=1, retry_delay_seconds=2)
def process_batch_task(files: pd.DataFrame, manifest: pd.DataFrame, known: dict[str, str]) -> BatchOutput:
    """Ingest, clean and extract one batch of documents."""
    return process_batch(files, manifest, known)


@task(cache_policy=NO_CACHE)
def validate_task(tables: dict[str, pd.DataFrame], max_bad_row_share: float):
    """Run the expectation suites on every table about to be published."""
    from expectations.runner import validate_table

    return {name: validate_table(name, df, max_bad_row_share=max_bad_row_share) for name, df in tables.items()}


@task(cache_policy=NO_CACHE)
def load_reference_task(reference_dir: str | None):
    """Read the reference statistics and run their suite; returns them, the
    validation and one line per failed expectation (any failure stops the run)."""
    from expectations.runner import validate_table

    reference = read_reference(reference_dir)
    validation = validate_table("reference", reference, max_bad_row_share=1.0)
    lines = []
    for o in validation.failed:
        rows = sorted(pos for pos, names in validation.bad_rows.items() if o.name in names)
        where = f"; {describe_rows(reference, rows)}" if rows else ""
        lines.append(f"{o.name} failed ({o.detail}{where})")
    return reference, validation, lines


@task(cache_policy=NO_CACHE)
def publish_task(out_dir: str, run_id: str, tables: dict[str, pd.DataFrame | None]) -> list[str]:
    """Stage every table, then publish them all (write–audit–publish)."""
    write.stage_tables(Path(out_dir), run_id, tables)
    return write.publish(Path(out_dir), run_id)


def write_validation_report(out: Path, run_id: str, validations: dict) -> Path:
    """The run's validation page (offline HTML), beside the tables."""
    from expectations.report import render_report

    path = out / "reports" / f"validation-{run_id}.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    return render_report(list(validations.values()), path, title=f"tradeclaims validation, run {run_id}",
                         run_id=run_id)


def batch_inputs(files: pd.DataFrame, manifest: pd.DataFrame, published: dict[str, str], size: int):
    """Yield (files, manifest rows, known contents) per batch of `size` files.

    Each batch gets only its own manifest rows and the published content
    hashes of its own sources (sha256 → source), so what is sent to a task
    does not grow with the corpus. `published` maps source → sha256.
    """
    position = pd.Series(range(len(files)), index=files["source"], dtype="int64")
    batch_of = manifest["doc"].map(position) // size  # NaN: no listed file
    manifest_of = {int(b): rows.reset_index(drop=True) for b, rows in manifest.groupby(batch_of)}
    for b, start in enumerate(range(0, len(files), size)):
        batch = files.iloc[start:start + size].reset_index(drop=True)
        known = {published[s]: s for s in batch["source"] if s in published}
        yield batch, manifest_of.get(b, manifest.iloc[0:0]), known


def results_in_order(submit, batches, in_flight: int):
    """`submit(*args)` each batch's arguments, at most `in_flight` at a time;
    yield the results in batch order (`.result()` re-raises a failed batch).

    Submitting everything at once would keep every batch's input and output
    queued at once; a bounded window keeps memory flat whatever the corpus size.
    """
    pending: deque = deque()
    for args in batches:
        if len(pending) >= in_flight:
            yield pending.popleft().result()
        pending.append(submit(*args))
    while pending:
        yield pending.popleft().result()


class BatchRows:
    """The rows of every finished batch, spilled to `folder` as Arrow files
    until the run merges them: while the batches run, the flow's memory does
    not grow with the corpus (held in memory, a 100k-document run's rows took
    about 200 MB there). Arrow IPC, uncompressed: written and read back at
    disk speed, about a second per 100k documents."""

    TABLES = ("documents", "metrics", "mentions", "quarantine")

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self.files: dict[str, list[Path]] = {name: [] for name in self.TABLES}
        self.counts: Counter = Counter()
        self.seconds: Counter = Counter()

    def add(self, output: BatchOutput) -> None:
        self.counts.update(output.counts)
        self.seconds.update(output.seconds)
        for name, files in self.files.items():
            rows = getattr(output, name)
            if len(rows):
                path = self.folder / name / f"{len(files):06d}.arrow"
                path.parent.mkdir(parents=True, exist_ok=True)
                table = pa.Table.from_pandas(rows, preserve_index=False)
                with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
                    writer.write_table(table)
                files.append(path)

    def take(self, name: str, columns: list[str]) -> pd.DataFrame:
        """One table's rows of all batches, in batch order, as a DataFrame; its files are removed."""
        files, self.files[name] = self.files[name], []
        if not files:
            return pd.DataFrame(columns=columns)
        parts = []
        for path in files:
            with pa.OSFile(str(path), "rb") as source:  # read into memory, not mapped
                parts.append(pa.ipc.open_file(source).read_all())
            path.unlink()
        # a column all null in one batch is typed null there: promoted to the others' type
        table = pa.concat_tables(parts, promote_options="permissive")
        del parts
        return table.to_pandas()


@contextmanager
def workers_for_batches(task_runner: TaskRunner):
    """The task runner the batches go to, its worker processes stopped when they are done.

    The flow's own process pool would keep its workers (about 240 MB each)
    until the flow ends, idle through the merge, validation and publish,
    where the flow's process peaks: a pool of the batches' own lets them go
    first. Threads have nothing to let go; a Dask cluster is the flow's (or
    someone else's): both are used as they are.
    """
    if isinstance(task_runner, ProcessPoolTaskRunner):
        with task_runner.duplicate() as pool:
            yield pool
    else:
        yield task_runner


def _stopwatch():
    """`lap(phase)` adds the seconds since the previous lap to `phase`; returns all laps.
    `lap.peak_rss_mb`: [phase, this process's peak RSS so far] at the end of each lap,
    in order (the peak rises in the phase that needs the most memory)."""
    laps: Counter = Counter()
    last = [time.perf_counter()]

    def lap(phase: str) -> dict[str, float]:
        # what a phase freed goes back to the OS: the next phase's large buffers
        # (mmap, see _return_freed_memory_to_os) cannot reuse a heap of small freed objects
        give_back_freed_memory()
        now = time.perf_counter()
        laps[phase] += now - last[0]
        last[0] = now
        lap.peak_rss_mb.append([phase, round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)])  # KiB
        return {k: round(v, 3) for k, v in laps.items()}
    lap.peak_rss_mb = []
    return lap


def _worker_count(runner: str) -> int:
    """How many batches run at once: the machine's cores, or the Dask cluster's threads."""
    workers = os.cpu_count() or 1
    if runner == "dask":
        task_runner = FlowRunContext.get().task_runner
        workers = sum(task_runner.client.nthreads().values()) or workers
    return workers


def batch_size_for(n_files: int, workers: int, asked: int | None = None) -> int:
    """Documents per task: `asked` when given, else BATCHES_PER_WORKER batches per
    worker, within [CHUNK_SIZE, MAX_BATCH_SIZE]."""
    if asked is not None:
        return max(1, asked)
    wanted = -(-n_files // (BATCHES_PER_WORKER * max(1, workers)))  # ceiling
    return min(MAX_BATCH_SIZE, max(CHUNK_SIZE, wanted))


def _split_cross_batch_duplicates(documents: pd.DataFrame, metrics: pd.DataFrame, mentions: pd.DataFrame,
                                  published: dict[str, str] | None = None):
    """Two new files with one content: the first (by source) is the document.

    A new file whose content is published under another source (`published`:
    sha256 → source) is a duplicate of that one: a batch only knows the
    published contents of its own sources, so this is checked here.
    """
    rows = []
    if published and len(documents):
        again = documents["sha256"].isin(published.keys())
        rows = [quarantine_row("ingest", "duplicate", f"same content as {published[h]}", source=s, doc_id=d)
                for s, d, h in zip(documents.loc[again, "source"], documents.loc[again, "doc_id"],
                                   documents.loc[again, "sha256"])]
        gone = set(documents.loc[again, "doc_id"])
        documents = documents.loc[~again]
        metrics = metrics.loc[~metrics["doc_id"].isin(gone)]
        mentions = mentions.loc[~mentions["doc_id"].isin(gone)]
    documents = documents.sort_values("source", kind="stable", ignore_index=True)
    dup = documents.duplicated("doc_id", keep="first")
    first_source = documents.drop_duplicates("doc_id").set_index("doc_id")["source"]
    rows += [quarantine_row("ingest", "duplicate", f"same content as {first_source[d]}", source=s, doc_id=d)
             for s, d in zip(documents.loc[dup, "source"], documents.loc[dup, "doc_id"])]
    metrics = drop_duplicate_rows(metrics, ["doc_id", "fact_id"])  # no copy when there is none
    mentions = drop_duplicate_rows(mentions, ["doc_id", "fact_id", "char_start", "char_end"])
    documents = documents.loc[~dup] if dup.any() else documents
    return documents.reset_index(drop=True), metrics, mentions, quarantine_frame(rows)


def drop_failed_rows(snapshot: dict[str, pd.DataFrame], validations: dict) -> list[dict]:
    """Take the rows that failed a row-level expectation out of the snapshot's
    tables (in place), and the rows left without their parent; return the
    quarantine rows of the failed ones."""
    q_rows: list[dict] = []
    for name in ("documents", "metrics", "mentions", "reconciliation"):
        snapshot[name], rows = _row_failures_to_quarantine(name, snapshot[name], validations[name])
        q_rows.extend(rows)
    # keep the tables consistent: no metrics of a dropped document, no orphan mentions
    for name, key, parent in (("metrics", "doc_id", "documents"), ("mentions", "fact_id", "metrics"),
                              ("reconciliation", "fact_id", "metrics")):
        df = snapshot[name]
        keep = is_in(df[key], snapshot[parent][key])
        if not keep.all():  # a copy only when rows go
            snapshot[name] = df[keep]
        del df, keep
    return q_rows


def _row_failures_to_quarantine(name: str, df: pd.DataFrame, validation) -> tuple[pd.DataFrame, list[dict]]:
    """Drop rows that failed row-level expectations; one quarantine row each."""
    if not validation.bad_rows:
        return df, []
    bad = sorted(validation.bad_rows)
    rows = []
    for pos in bad:
        rec = df.iloc[pos]
        # pandas' own JSON writer: nulls as null, lists as lists, numbers as numbers
        record = df.iloc[[pos]].to_json(orient="records", date_format="iso", default_handler=str)[1:-1]
        rows.append(quarantine_row("validate", ";".join(validation.bad_rows[pos]),
                                   f"{name} row failed: {', '.join(validation.bad_rows[pos])}", source=name,
                                   doc_id=rec.get("doc_id") if "doc_id" in rec else None, record=record))
    keep = [i for i in range(len(df)) if i not in validation.bad_rows]
    return df.iloc[keep].reset_index(drop=True), rows


@flow(name="tradeclaims-run", flow_run_name="tradeclaims {input_dir} -> {out_dir}",
      task_runner=task_runner_for("default"), timeout_seconds=6 * 3600)
def run_pipeline(input_dir: str = "seeds", out_dir: str = "data/out", full_refresh: bool = False,
                 batch_size: int | None = None, max_bad_row_share: float = 0.5,
                 progress: bool = False, wait_for_lock: bool = False, runner: str = "default",
                 dask_address: str | None = None, reference_dir: str | None = None) -> dict:
    """Process the `.txt` files under `input_dir` into the tables in `out_dir`.

    Incremental: documents whose content is already published in `out_dir`
    are skipped unless `full_refresh`. One run at a time per output folder:
    a second one refuses (or waits, with `wait_for_lock`). Batches of
    `batch_size` documents (default: by the corpus's size, see batch_size_for)
    run on `runner` (`default`, `threads` or `dask`, see task_runner_for). Claims
    are reconciled with the reference statistics in `reference_dir` (default:
    the copy in stages/reference/). Returns the run summary.
    """
    if _runner_name(FlowRunContext.get().task_runner) != runner:
        # called by name (a deployment, a script) with another runner than
        # the flow's own: run again as a subflow on the one asked for
        return run_with_runner(runner, dask_address, input_dir=input_dir, out_dir=out_dir,
                               full_refresh=full_refresh, batch_size=batch_size,
                               max_bad_row_share=max_bad_row_share, progress=progress,
                               wait_for_lock=wait_for_lock, reference_dir=reference_dir)
    out = Path(out_dir)
    with output_lock(out, wait=wait_for_lock):
        summary = _run(input_dir, out, full_refresh, batch_size, max_bad_row_share, progress, runner,
                       reference_dir)
    publish_summary_artifacts(summary)
    return summary


def _run(input_dir: str, out: Path, full_refresh: bool, batch_size: int | None, max_bad_row_share: float,
         progress: bool, runner: str = "default", reference_dir: str | None = None) -> dict:
    logger = get_run_logger()
    _arrow_buffers_from_malloc()
    lap = _stopwatch()
    started = datetime.now(timezone.utc)
    run_id = new_run_id(started)
    out_dir = str(out)
    for line in write.recover(out):
        logger.warning("recovered staging: %s", line)
    reference_dir = str(reference_dir or DEFAULT_REFERENCE_DIR)
    reference, reference_check, reference_failures = load_reference_task(reference_dir)
    if reference_failures:  # an input: no row of it is dropped, the run stops
        raise QualityGateFailed(f"run {run_id}: reference statistics in {reference_dir} failed their suite, "
                                "nothing published: " + "; ".join(reference_failures))

    listing, manifest = plan_inputs(input_dir)
    previous = {name: write.read_table(out, name) for name in write.SNAPSHOT_TABLES}
    prev_docs = previous["documents"]
    published = {} if full_refresh else dict(zip(prev_docs["source"], prev_docs["sha256"]))

    workers = _worker_count(runner)
    size = batch_size_for(len(listing.kept), workers, batch_size)
    rows = BatchRows(write.spill_dir(out, run_id))
    try:
        batches = batch_inputs(listing.kept, manifest.kept, published, size)
        with workers_for_batches(FlowRunContext.get().task_runner) as pool:
            if len(listing.kept) <= size:  # one batch: not worth starting worker processes for
                results = (process_batch_task(*args) for args in batches)
            else:
                def submit(files, manifest_rows, known):
                    return pool.submit(process_batch_task,
                                       parameters={"files": files, "manifest": manifest_rows, "known": known})
                # two batches per worker: one running, one queued, so no worker waits
                results = results_in_order(submit, batches, 2 * workers)
            lap("plan")
            with BatchProgress(progress, len(listing.kept), size) as bar:
                for output in results:
                    rows.add(output)
                    bar.batch_done()
        lap("batches")  # the workers stopped
        # what is left to do needs only the listed sources: the paths and manifest rows go
        listing.kept, manifest.kept = listing.kept[["source"]], manifest.kept.iloc[0:0]
        del batches, results

        counts, stage_seconds = rows.counts, rows.seconds
        new_docs, new_metrics, new_mentions, dup_q = _split_cross_batch_duplicates(
            rows.take("documents", ["doc_id", "source"]), rows.take("metrics", ["doc_id", "fact_id"]),
            rows.take("mentions", ["doc_id", "fact_id", "char_start", "char_end"]),
            {sha: source for source, sha in published.items()})
        batch_quarantine = rows.take("quarantine", [])
    finally:
        shutil.rmtree(rows.folder, ignore_errors=True)
    quarantine = concat([listing.quarantine, manifest.quarantine, batch_quarantine, dup_q],
                        list(listing.quarantine.columns))
    del batch_quarantine

    new_ids = set(new_docs["doc_id"])
    facts_new = int(new_metrics["fact_id"].nunique()) if len(new_metrics) else 0
    mentions_new = len(new_mentions)
    new = {"documents": new_docs, "metrics": new_metrics, "mentions": new_mentions}
    del new_docs, new_metrics, new_mentions  # from here on only in the snapshot: memory holds them once
    snapshot = merge_snapshot(previous, new, full_refresh)
    del new
    # recomputed from the whole metrics snapshot; in the published table's dtypes
    # (nullable ints read back as floats), so it equals that table when nothing changed
    snapshot["reconciliation"] = reconcile(snapshot["metrics"], reference).kept
    give_back_freed_memory()

    for name in write.SNAPSHOT_TABLES:
        snapshot[name] = write.conform(name, snapshot[name])
        snapshot[name]["run_id"] = previous_run_ids(previous[name], snapshot[name], run_id, new_ids)

    # audit: validate what would be published; bad rows go to quarantine
    lap("merge")
    validations = validate_task(snapshot, max_bad_row_share)
    lap("validate")
    failed_tables = {n: v.table_failures for n, v in validations.items() if not v.passed}
    if failed_tables:
        write.discard(out, run_id)
        raise QualityGateFailed(f"run {run_id}: table-level expectations failed, nothing published: "
                                + "; ".join(f"{n}: {', '.join(f)}" for n, f in failed_tables.items()))
    q_rows = drop_failed_rows(snapshot, validations)
    quarantine = concat([quarantine, quarantine_frame(q_rows)], list(quarantine.columns))
    # every input file is a document, quarantined, a duplicate or skipped; one
    # found nowhere gets a row of its own rather than vanish
    fates = file_fates(listing.kept["source"], quarantine, snapshot["documents"])
    if len(fates.unaccounted):
        logger.error("%d input files were neither documents nor quarantined: %s", len(fates.unaccounted),
                     ", ".join(fates.unaccounted["source"][:10]))
        quarantine = concat([quarantine, fates.unaccounted], list(quarantine.columns))
    quarantine["run_id"] = run_id

    changed = {name: not (write.table_path(out, name).exists() and _same_rows(previous[name], snapshot[name]))
               for name in write.SNAPSHOT_TABLES}

    finished = datetime.now(timezone.utc)
    stage_counts = {k: int(v) for k, v in sorted(counts.items())}
    stage_counts.update({"files_seen": int(listing.counts["files_seen"]),
                         "manifest_rows": int(manifest.counts["manifest_rows"])})
    verdicts = snapshot["reconciliation"]["verdict"].value_counts()
    verdict_counts = {v: int(verdicts.get(v, 0)) for v in VERDICTS}
    stage_counts.update({f"reconcile_{v}": n for v, n in verdict_counts.items()})
    summary = {
        "run_id": run_id, "started_at": started, "finished_at": finished, "input": str(input_dir),
        "output": str(out_dir), "files_seen": int(listing.counts["files_seen"]),
        "documents_new": len(new_ids), "documents_skipped": int(counts["documents_skipped"]),
        "duplicates": fates.duplicates, "files_documents": fates.files_documents,
        "files_quarantined": fates.files_quarantined,
        "files_skipped": int(listing.counts["skipped"]), "quarantined": int(len(quarantine)),
        "sentences": int(counts["clean_sentences"]), "facts_written": facts_new,
        "mentions_written": mentions_new, "validation": "passed",
        "counts_json": json.dumps(stage_counts, sort_keys=True),
    }
    tables: dict[str, pd.DataFrame | None] = {
        name: (snapshot[name] if changed[name] else None) for name in write.SNAPSHOT_TABLES}
    tables["quarantine"] = quarantine
    tables["runs"] = pd.DataFrame([summary])
    # the run's own records are audited too: a bad one cannot be quarantined, so it stops the run
    records = validate_task({name: write.conform(name, tables[name]) for name in write.PER_RUN_TABLES},
                            max_bad_row_share)
    broken = {n: v.table_failures + sorted({e for names in v.bad_rows.values() for e in names})
              for n, v in records.items() if not v.passed or v.bad_rows}
    if broken:
        write.discard(out, run_id)
        raise QualityGateFailed(f"run {run_id}: the run's records failed validation, nothing published: "
                                + "; ".join(f"{n}: {', '.join(f)}" for n, f in broken.items()))
    validations.update(records)
    lap("merge")
    publish_task(str(out), run_id, tables)
    lap("publish")
    validations["reference"] = reference_check  # in the report too
    summary["report"] = str(write_validation_report(out, run_id, validations))
    summary["seconds_by_phase"] = lap("report")  # in this process; stages below: summed over the workers
    summary["peak_rss_mb_by_phase"] = lap.peak_rss_mb
    summary["batch_size"] = size
    summary["seconds_in_batches"] = {k: round(v, 3) for k, v in stage_seconds.items()}
    logger.info("run %s: %s", run_id, {k: summary[k] for k in ("documents_new", "facts_written", "quarantined")})
    summary["published"] = [n for n, t in tables.items() if t is not None]
    summary["quarantine_reasons"] = quarantine["reason"].value_counts().to_dict()
    summary["facts_by_measure"] = snapshot["metrics"]["measure"].value_counts().to_dict()
    summary["reference"] = reference_dir
    summary["reconciliation"] = verdict_counts
    return summary


def previous_run_ids(prev: pd.DataFrame, df: pd.DataFrame, run_id: str, new_ids: set[str]):
    """Rows keep the run id that first published them; new rows get this run's."""
    if "run_id" in prev.columns and len(prev):
        key = "doc_id"
        old = dict(zip(prev[key], prev["run_id"]))
        return [run_id if d in new_ids else old.get(d, run_id) for d in df[key]]
    return [run_id] * len(df)


def _same_rows(a: pd.DataFrame, b: pd.DataFrame) -> bool:
    """Same published content (run ids aside)?"""
    cols = [c for c in a.columns if c != "run_id" and c in b.columns]
    if len(a) != len(b) or set(cols) != {c for c in b.columns if c != "run_id"}:
        return False
    left = a[cols].reset_index(drop=True).astype(str)
    right = b[cols].reset_index(drop=True).astype(str)
    return left.equals(right)
