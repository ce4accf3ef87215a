"""The end-to-end benchmark's parts: corpus cache, process-tree memory, stage rates.

The benchmark itself runs the flow and is not run here (see benchmarks/RESULTS.md).
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def bench():
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "benchmarks" / "run.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_corpus_is_generated_once_and_then_reused(bench, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "OUT_ROOT", tmp_path)
    folder = bench.ensure_corpus(6, seed=3)
    files = bench.corpus_files(folder)
    assert len(files) == 6 and (folder / "planted.jsonl").stat().st_size > 0
    stamp = {p: p.stat().st_mtime_ns for p in files}
    assert bench.ensure_corpus(6, seed=3) == folder
    assert {p: p.stat().st_mtime_ns for p in files} == stamp


def test_tree_memory_counts_the_children(bench):
    own = bench.tree_rss_bytes(os.getpid())
    child = subprocess.Popen([sys.executable, "-c",
                              "import sys, time; b = bytearray(80 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
                              "print('ready', flush=True); time.sleep(30)"], stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert bench.tree_rss_bytes(child.pid) >= 80 * 2**20
        assert bench.tree_rss_bytes(os.getpid()) >= own + 80 * 2**20
    finally:
        child.kill()
        child.wait()


def test_the_sampler_keeps_the_peak(bench):
    child = subprocess.Popen([sys.executable, "-c",
                              "import time; b = bytearray(60 * 2**20); b[::4096] = b'x' * len(b[::4096]); "
                              "time.sleep(0.5); del b; time.sleep(0.5)"])
    sampler = bench.PeakSampler(child.pid, interval=0.01)
    sampler.start()
    child.wait()
    assert sampler.stop() >= 60 * 2**20


def test_stage_rates_compare_regex_and_extract_on_the_same_files(bench, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "OUT_ROOT", tmp_path)
    files = bench.corpus_files(bench.ensure_corpus(8, seed=1))
    rates = bench.stage_rates(files, batch_size=3)
    assert rates["stage_sample_docs"] == 8
    assert rates["regex_MB_per_s"] > 0 and rates["extract_MB_per_s"] > 0
    expected = rates["regex_MB_per_s"] / rates["extract_MB_per_s"]
    assert rates["regex_over_extract"] == pytest.approx(expected, rel=0.05)


@pytest.mark.parametrize("docs, cores, seconds, ms_per_doc, bound", [
    # 100k documents, 124 s of stage work over the workers: 1.24 ms each, 2 cores at most 1,612.9 a second
    (100_000, 2, {"ingest": 11.6, "clean": 31.7, "extract": 80.7}, 1.24, 1612.9),
    (1_000, 4, {"ingest": 0.5, "clean": 0.5, "extract": 1.0}, 2.0, 2000.0),
    (10, 2, {}, None, None),  # no stage seconds reported (all documents unchanged): no bound
    (0, 2, {"extract": 1.0}, None, None),
])
def test_the_stage_bound_is_the_cores_doing_only_the_stage_work(bench, docs, cores, seconds, ms_per_doc, bound):
    assert bench.stage_bound(docs, cores, seconds) == {"stage_ms_per_doc": ms_per_doc,
                                                       "stage_bound_docs_per_s": bound}
