#!/usr/bin/env python3
"""End-to-end benchmark of the real flow on a generated corpus.

    python benchmarks/run.py --docs N [--runner default|threads|dask] [--dask-address ADDR]
                             [--seed 0] [--batch-size N] [--small 10] [--sample 5000]

1. Generates the corpus with benchmarks/corpus.py, or reuses the one cached
   under benchmarks/out/corpus-N-seedS/.
2. Runs `tradeclaims run` (ingest → validated, published Parquet) as a child
   process into a fresh output folder, twice: on a 10-document corpus and on
   the N-document one (after a discarded warm-up run; the 10 documents go in
   two batches, so that run starts the worker processes too), so the fixed
   start-up cost and the cost per document can be told apart:
   per_doc_ms = (t_N - t_10) / (N - 10), startup_s = t_10 - 10 * per_doc.
3. Scores the N run against the planted facts (shared/eval/score.py).
4. Measures, in this process and on the same documents (the first --sample
   files of the corpus), the MB/s of a bare regex scan for money amounts
   (benchmarks/regex_baseline.py), of the extract stage alone (extract_metrics
   on the clean stage's sentences) and of clean + extract (both on batches,
   texts already read), and the ratios of the regex's rate to each.
5. From the run's own stage seconds (ingest, clean, extract, summed over the
   workers): `stage_ms_per_doc`, and `stage_bound_docs_per_s`, the rate the
   machine's cores would reach doing that work and nothing else: a ceiling
   for any run of this code here, start-up and orchestration aside.

Prints one JSON line. Memory: `peak_rss_mb` is the peak of the summed RSS of
the run's whole process tree (the flow, Prefect's temporary server, the
worker processes), sampled from /proc every 50 ms; `max_process_rss_mb` is
the largest single process (getrusage of the waited-for children). With
`--dask-address` the remote workers' memory is not seen.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT_ROOT = ROOT / "benchmarks" / "out"
SCORE = ROOT.parent / "shared" / "eval" / "score.py"
COMPLETE = ".complete"  # written after the generator succeeded: the cached corpus is whole

if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def ensure_corpus(n_docs: int, seed: int) -> Path:
    """The cached corpus of `n_docs` documents for `seed`, generated if missing."""
    folder = OUT_ROOT / f"corpus-{n_docs}-seed{seed}"
    if (folder / COMPLETE).exists():
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--docs", str(n_docs),
                    "--out", str(folder), "--seed", str(seed)], check=True, capture_output=True)
    (folder / COMPLETE).write_text("")
    return folder


def corpus_files(folder: Path) -> list[Path]:
    return sorted((folder / "docs").rglob("*.txt"))


def _children_map() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as fh:
                stat = fh.read()
        except OSError:
            continue
        # the command name may hold spaces: fields resume after the last ')'
        ppid = int(stat[stat.rindex(b")") + 2:].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    return children


def _rss_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as fh:
            return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        return 0


def tree_rss_bytes(pid: int) -> int:
    """Summed RSS of `pid` and all its descendants (Linux /proc)."""
    children = _children_map()
    total, stack = 0, [pid]
    while stack:
        p = stack.pop()
        total += _rss_bytes(p)
        stack.extend(children.get(p, ()))
    return total


class PeakSampler(threading.Thread):
    """Samples the process tree's summed RSS until stopped; keeps the peak."""

    def __init__(self, pid: int, interval: float = 0.05):
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak = max(self.peak, tree_rss_bytes(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> int:
        self._stop_event.set()
        self.join()
        return self.peak


def flow_env() -> dict[str, str]:
    """The flow's environment: a Prefect home of its own, unless one is set."""
    env = dict(os.environ)
    if "PREFECT_HOME" not in env and "PREFECT_API_URL" not in env:
        env["PREFECT_HOME"] = str(OUT_ROOT / ".prefect-home")
    return env


def run_flow(input_dir: Path, out_dir: Path, runner: str, dask_address: str | None, batch_size: int | None) -> dict:
    """`tradeclaims run` into a fresh `out_dir`: wall seconds, peak tree RSS, the run summary."""
    shutil.rmtree(out_dir, ignore_errors=True)
    cmd = [sys.executable, "-m", "flows.cli", "run", "--input", str(input_dir), "--out", str(out_dir),
           "--json", "--runner", runner]
    if batch_size:
        cmd += ["--batch-size", str(batch_size)]
    if dask_address:
        cmd += ["--dask-address", dask_address]
    log = out_dir.parent / f"{out_dir.name}.stderr.log"
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=ROOT, env=flow_env(), stdout=subprocess.PIPE, stderr=err, text=True)
        sampler = PeakSampler(proc.pid)
        sampler.start()
        stdout, _ = proc.communicate()
        seconds = time.perf_counter() - t0
        peak = sampler.stop()
    if proc.returncode != 0:
        raise SystemExit(f"benchmark: the flow exited {proc.returncode}; see {log}")
    summary = json.loads(stdout.strip().splitlines()[-1])
    return {"seconds": seconds, "peak_rss_bytes": peak, "summary": summary}


def score(gold: Path, out_dir: Path) -> dict:
    """score.py's figures, plus the missed and spurious facts counted by kind."""
    proc = subprocess.run([sys.executable, str(SCORE), str(gold), str(out_dir), "--json", "-v"],
                          capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout)
    missed, spurious = Counter(), Counter()
    for line in proc.stderr.splitlines():
        parts = line.split()
        if line.startswith("missed") and len(parts) >= 3:
            missed[parts[-2]] += 1  # (doc, quote..., measure, value)
        elif line.startswith("spurious") and len(parts) >= 5:
            spurious[f"{parts[2]}/{parts[3]}"] += 1  # (doc, measure, status, value, unit)
    result["missed_by_measure"] = dict(missed.most_common())
    result["spurious_by_measure_status"] = dict(spurious.most_common())
    return result


def stage_rates(files: list[Path], batch_size: int) -> dict:
    """MB/s of the bare regex scan, of the extract stage alone and of clean + extract, on the same files,
    in this process (texts already read; one core)."""
    from benchmarks.regex_baseline import scan_corpus
    from stages.clean import clean_documents
    from stages.extract import extract_metrics
    from stages.ingest import read_documents

    import pandas as pd

    n_bytes, _, regex_s = scan_corpus(str(p) for p in files)
    clean_s, extract_s, text_bytes = 0.0, 0.0, 0
    no_manifest = pd.DataFrame(columns=["doc", "published", "source_url", "title"])
    for start in range(0, len(files), batch_size):
        chunk = files[start:start + batch_size]
        listed = pd.DataFrame({"source": [p.name for p in chunk], "path": [str(p) for p in chunk],
                               "size": [p.stat().st_size for p in chunk]})
        docs = read_documents(listed, no_manifest).kept  # I/O: not timed
        text_bytes += sum(p.stat().st_size for p in chunk)
        t0 = time.perf_counter()
        sentences = clean_documents(docs).kept
        t1 = time.perf_counter()
        extract_metrics(docs, sentences)
        clean_s += t1 - t0
        extract_s += time.perf_counter() - t1
    regex_rate = n_bytes / 1e6 / regex_s
    extract_rate = text_bytes / 1e6 / extract_s  # the extract stage alone, on the clean stage's sentences
    both_rate = text_bytes / 1e6 / (clean_s + extract_s)
    return {"stage_sample_docs": len(files), "regex_MB_per_s": round(regex_rate, 1),
            "extract_MB_per_s": round(extract_rate, 2), "extract_docs_per_s": round(len(files) / extract_s, 1),
            "regex_over_extract": round(regex_rate / extract_rate, 1),
            "clean_extract_MB_per_s": round(both_rate, 2), "regex_over_clean_extract": round(regex_rate / both_rate, 1)}


def stage_bound(docs: int, cores: int, stage_seconds: dict[str, float] | None) -> dict:
    """What the run's stage work alone allows on this machine: its seconds per
    document (ingest, clean and extract, summed over the workers) and the
    docs/s that `cores` would reach if they did nothing else, with no start-up,
    orchestration, merge, validation or publishing. No run can be faster."""
    busy = sum((stage_seconds or {}).values())
    if not docs or busy <= 0:
        return {"stage_ms_per_doc": None, "stage_bound_docs_per_s": None}
    return {"stage_ms_per_doc": round(busy / docs * 1000, 3), "stage_bound_docs_per_s": round(docs * cores / busy, 1)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--docs", type=int, required=True, help="documents in the corpus")
    ap.add_argument("--runner", choices=("default", "threads", "dask"), default="default")
    ap.add_argument("--dask-address", help="existing Dask scheduler (with --runner dask)")
    ap.add_argument("--seed", type=int, default=0, help="corpus seed")
    ap.add_argument("--batch-size", type=int, default=None, help="documents per task (default: the flow's)")
    ap.add_argument("--small", type=int, default=10, help="documents of the start-up run")
    ap.add_argument("--sample", type=int, default=5000,
                    help="documents for the regex and extract-stage rates (same files for both)")
    ap.add_argument("--no-warmup", action="store_true", help="skip the discarded warm-up run")
    args = ap.parse_args(argv)
    if args.docs <= args.small:
        ap.error(f"--docs must be more than --small ({args.small})")

    load_before = os.getloadavg()[0]  # other work on the machine skews every figure: reported
    big, small = ensure_corpus(args.docs, args.seed), ensure_corpus(args.small, args.seed)
    files = corpus_files(big)
    mb = sum(p.stat().st_size for p in files) / 1e6
    tag = f"{args.runner}-{args.docs}"
    flow = dict(runner=args.runner, dask_address=args.dask_address, batch_size=args.batch_size)
    # the small run in two batches, so it starts the workers too (one batch runs in the flow's process)
    small_flow = {**flow, "batch_size": max(1, args.small // 2)}
    if not args.no_warmup:  # Prefect's database, page cache, byte code: not the run's cost
        run_flow(small / "docs", OUT_ROOT / f"run-{tag}-warmup", **small_flow)
    tiny = run_flow(small / "docs", OUT_ROOT / f"run-{tag}-small", **small_flow)
    full = run_flow(big / "docs", OUT_ROOT / f"run-{tag}", **flow)
    max_process = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss * 1024  # before score.py runs
    per_doc = (full["seconds"] - tiny["seconds"]) / (args.docs - args.small)
    quality = score(big / "planted.jsonl", OUT_ROOT / f"run-{tag}")
    from stages.batch import CHUNK_SIZE

    rates = stage_rates(files[:args.sample], CHUNK_SIZE)  # the stages' own unit of work
    summary = full["summary"]
    result = {
        "docs": args.docs, "runner": args.runner, "batch_size": summary.get("batch_size"), "cpus": os.cpu_count(),
        "MB": round(mb, 1), "seconds": round(full["seconds"], 2),
        "docs_per_s": round(args.docs / full["seconds"], 1), "MB_per_s": round(mb / full["seconds"], 2),
        "peak_rss_mb": round(full["peak_rss_bytes"] / 2**20), "max_process_rss_mb": round(max_process / 2**20),
        "startup_s": round(tiny["seconds"] - args.small * per_doc, 2), "per_doc_ms": round(per_doc * 1000, 3),
        "small_run_s": round(tiny["seconds"], 2), "small_peak_rss_mb": round(tiny["peak_rss_bytes"] / 2**20),
        "f1": quality["f1"], "precision": quality["precision"], "recall": quality["recall"],
        "gold_facts": quality["gold_facts"], "predicted_facts": quality["predicted_facts"],
        **rates,
        "loadavg_1min": [round(load_before, 2), round(os.getloadavg()[0], 2)],
        "seconds_by_phase": summary.get("seconds_by_phase"),
        "flow_peak_rss_mb_by_phase": summary.get("peak_rss_mb_by_phase"),
        "seconds_in_batches": summary.get("seconds_in_batches"),
        **stage_bound(args.docs, os.cpu_count() or 1, summary.get("seconds_in_batches")),
        "missed_by_measure": quality["missed_by_measure"],
        "spurious_by_measure_status": quality["spurious_by_measure_status"],
    }
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    sys.exit(main())
