"""Faults for real: `tradeclaims run` killed with SIGKILL at bad moments, and
two runs started at once on one output folder.

The output first holds the tables of half the corpus (the old snapshot); runs
on the whole corpus (the new one) are killed during extraction, after
staging, and between the publish's file moves. After each kill the published
tables are the old ones, consistent; a rerun then gives the same data as an
uninterrupted run (run ids aside). The whole process group is killed, as a
scheduler or the OOM killer would: worker processes and Prefect's temporary
server with it.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from stages import write
from tests.reliability.conftest import (ROOT, assert_consistent, comparable, kill_group, read_snapshot,
                                        wait_for)

pytestmark = pytest.mark.slow

N_DOCS = 120
FAULT_DELAY = {write.FAULT_DELAY_ENV: "3"}  # seconds before each publish step: room to kill between two


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    """`full/`: 120 generated news texts (no manifest); `half/`: the first 60."""
    base = tmp_path_factory.mktemp("kill-corpus")
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--docs", str(N_DOCS),
                    "--out", str(base / "gen"), "--seed", "8"], check=True, capture_output=True)
    full = base / "full"
    shutil.copytree(base / "gen" / "docs", full)
    (full / "manifest.csv").unlink()  # and no manifest at all: reported, the run goes on
    half = base / "half"
    shutil.copytree(full, half)
    for path in sorted(half.rglob("*.txt"))[N_DOCS // 2:]:
        path.unlink()
    return full, half


def _run_args(input_dir: Path, out: Path, *extra: str) -> list[str]:
    return ["run", "--input", str(input_dir), "--out", str(out), "--runner", "threads", "--batch-size", "10",
            "--json", *extra]


def _staged(out: Path) -> list[Path]:
    root = out / write.STAGING
    return sorted(p for p in root.iterdir() if p.is_dir()) if root.is_dir() else []


def _assert_old_snapshot_published(out: Path, old: dict) -> None:
    tables = read_snapshot(out)
    assert_consistent(tables)
    for name, df in comparable(tables).items():
        pd.testing.assert_frame_equal(df, old[name], obj=name)


def test_a_run_killed_at_any_moment_leaves_the_old_tables_and_a_rerun_gives_the_uninterrupted_result(
        corpus, tmp_path, run_cli, start_cli):
    full, half = corpus
    reference = tmp_path / "reference"
    run_cli(*_run_args(full, reference))  # uninterrupted
    new = comparable(read_snapshot(reference))
    out = tmp_path / "out"
    run_cli(*_run_args(half, out))
    old = comparable(read_snapshot(out))
    assert len(old["documents"]) == N_DOCS // 2 and len(new["documents"]) == N_DOCS

    # 1. during extraction: once the first batch is done
    run = start_cli(*_run_args(full, out, "--progress"), log=tmp_path / "kill-extract")
    wait_for(lambda: "tradeclaims documents" in run.stderr, run)
    kill_group(run.proc)
    _assert_old_snapshot_published(out, old)

    # 2. after staging, before the READY marker: the staged run is discarded
    run = start_cli(*_run_args(full, out), log=tmp_path / "kill-staged", extra_env=FAULT_DELAY)
    stage = wait_for(lambda: [s for s in _staged(out) if (s / "runs" / f"{s.name}.parquet").exists()], run)[0]
    assert not (stage / write.READY).exists()
    kill_group(run.proc)
    _assert_old_snapshot_published(out, old)

    # 3. between the publish's moves: READY written, the run's per-run files
    #    moved, the snapshot not yet switched
    run = start_cli(*_run_args(full, out), log=tmp_path / "kill-publish", extra_env=FAULT_DELAY)
    stage = wait_for(lambda: [s for s in _staged(out) if (out / "runs" / f"{s.name}.parquet").exists()], run)[0]
    kill_group(run.proc)
    assert (stage / write.READY).exists() and (stage / write.STAGED_SNAPSHOT).is_dir()
    _assert_old_snapshot_published(out, old)

    # the rerun finishes what the killed publish had committed, and ends where
    # an uninterrupted run ends
    rerun = run_cli(*_run_args(full, out))
    assert f"rolled forward {stage.name}" in rerun.stderr
    summary = json.loads(rerun.stdout)
    assert summary["documents_new"] == 0 and summary["documents_skipped"] == N_DOCS
    tables = read_snapshot(out)
    assert_consistent(tables)
    for name, df in comparable(tables).items():
        pd.testing.assert_frame_equal(df, new[name], obj=name)
    assert _staged(out) == []
    assert {p.name for p in (out / write.SNAPSHOTS).iterdir()} == {write.CURRENT, stage.name}
    runs = pd.read_parquet(out / "runs")
    assert len(runs) == 3  # the half run, the committed killed run, the rerun: the others left nothing
    assert (runs["files_seen"] == runs["files_documents"] + runs["files_quarantined"] + runs["duplicates"]
            + runs["files_skipped"]).all()
    quarantine = pd.read_parquet(out / "quarantine")
    assert (quarantine.groupby("run_id")["reason"].apply(set) == {"manifest_absent"}).all()
    assert run_cli("validate", str(out)).returncode == 0


def test_two_runs_started_at_once_on_one_output_never_both_write(corpus, tmp_path, run_cli, start_cli):
    _, half = corpus
    out = tmp_path / "out"
    first = start_cli(*_run_args(half, out), log=tmp_path / "a")
    second = start_cli(*_run_args(half, out), log=tmp_path / "b")
    waiting = start_cli(*_run_args(half, out, "--wait"), log=tmp_path / "c")
    codes = [first.wait(), second.wait(), waiting.wait()]
    assert codes[2] == 0, waiting.stderr[-3000:]  # --wait: waits its turn, then runs
    assert sorted(codes[:2]) in ([0, 3], [3, 3]), codes  # whoever comes second refuses
    for run, code in zip((first, second), codes):
        if code == 3:
            assert "is being written by run pid" in run.stderr and "--wait" in run.stderr
            assert run.stdout == ""
    summaries = sorted((json.loads(r.stdout) for r, c in zip((first, second, waiting), codes) if c == 0),
                       key=lambda s: s["started_at"])
    # one after the other: the first did the work, a later one (the waiting run,
    # unless it came first) found it done
    assert [s["documents_new"] for s in summaries] == [N_DOCS // 2] + [0] * (len(summaries) - 1)
    runs = pd.read_parquet(out / "runs")
    assert sorted(runs["run_id"]) == sorted(s["run_id"] for s in summaries)
    assert_consistent(read_snapshot(out))
    assert run_cli("validate", str(out)).returncode == 0
