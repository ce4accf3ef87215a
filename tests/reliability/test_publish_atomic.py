"""Publishing is all or nothing, whatever step a crash interrupts.

A crash is simulated by raising from the fault-injection pause that
stages/write.py takes before every step of a publish (nothing of a publish
runs in a `finally`, so the files are left exactly as a SIGKILL would leave
them); test_kill_and_concurrency.py does it for real with SIGKILL.
"""

from __future__ import annotations

import json
import os

import pandas as pd
import pytest

from stages import write
from stages.batch import process_batch
from stages.ingest import list_input_files, read_manifest
from tests.reliability.hostile import SEEDS


class Crash(BaseException):
    """Stands for SIGKILL: not an Exception, so nothing catches it."""


@pytest.fixture(scope="module")
def seed_tables():
    """Snapshot tables of the first three seeds (old) and of all five (new)."""
    listing, manifest = list_input_files(SEEDS), read_manifest(SEEDS)

    def tables(n: int, run_id: str) -> dict[str, pd.DataFrame]:
        batch = process_batch(listing.kept.iloc[:n].reset_index(drop=True), manifest.kept)
        out = {"documents": batch.documents, "metrics": batch.metrics, "mentions": batch.mentions}
        out = {name: write.conform(name, out.get(name, pd.DataFrame())) for name in write.SNAPSHOT_TABLES}
        for df in out.values():
            df["run_id"] = run_id
        return out

    return tables(3, "run-old"), tables(5, "run-new")


def _with_runs(tables: dict, run_id: str) -> dict:
    from stages.schemas import RUNS

    counts = {f.name: 0 for f in RUNS if f.type == "int64"}
    runs = pd.DataFrame([{**counts, "run_id": run_id, "started_at": pd.Timestamp("2026-01-01", tz="UTC"),
                          "finished_at": pd.Timestamp("2026-01-01", tz="UTC"), "input": "in", "output": "out",
                          "validation": "passed", "counts_json": "{}"}])
    quarantine = pd.DataFrame([{"run_id": run_id, "stage": "manifest", "source": "manifest.csv",
                                "reason": "manifest_absent", "detail": "none"}])
    return {**tables, "quarantine": quarantine, "runs": runs}


def _publish(out, run_id, tables):
    write.stage_tables(out, run_id, _with_runs(tables, run_id))
    return write.publish(out, run_id)


def _published_run(out) -> str:
    """The single run all published snapshot tables come from (fails on a mix)."""
    runs = {name: set(pd.read_parquet(out / f"{name}.parquet")["run_id"]) for name in ("documents", "metrics",
                                                                                          "mentions")}
    assert len(set.union(*runs.values())) == 1, runs
    docs = pd.read_parquet(out / "documents.parquet")
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert set(metrics["doc_id"]) <= set(docs["doc_id"])
    return set.union(*runs.values()).pop()


def test_publish_flips_every_snapshot_table_at_once_and_links_unchanged_ones(tmp_path, seed_tables):
    old, new = seed_tables
    _publish(tmp_path, "run-old", old)
    assert _published_run(tmp_path) == "run-old"
    old_docs_inode = os.stat(tmp_path / "documents.parquet").st_ino
    # the documents did not change: not rewritten, the new generation links the file
    _publish(tmp_path, "run-new", {**new, "documents": None})
    assert os.stat(tmp_path / "documents.parquet").st_ino == old_docs_inode
    assert os.readlink(tmp_path / write.SNAPSHOTS / write.CURRENT) == "run-new"
    assert sorted(p.name for p in (tmp_path / write.SNAPSHOTS).iterdir()) == [write.CURRENT, "run-new"]
    assert len(pd.read_parquet(tmp_path / "metrics.parquet")) == len(new["metrics"])
    assert sorted(p.name for p in (tmp_path / "runs").iterdir()) == ["run-new.parquet", "run-old.parquet"]
    assert not any((tmp_path / write.STAGING).iterdir())


def test_a_publish_with_no_snapshot_change_makes_no_new_generation(tmp_path, seed_tables):
    old, _ = seed_tables
    _publish(tmp_path, "run-old", old)
    files = _publish(tmp_path, "run-again", dict.fromkeys(old))
    assert files == ["quarantine/run-again.parquet", "runs/run-again.parquet"]
    assert os.readlink(tmp_path / write.SNAPSHOTS / write.CURRENT) == "run-old"


def _count_pauses(tmp_path, seed_tables, monkeypatch) -> int:
    old, new = seed_tables
    calls = []
    monkeypatch.setattr(write, "_fault_pause", lambda: calls.append(1))
    _publish(tmp_path / "count", "run-old", old)
    calls.clear()
    _publish(tmp_path / "count", "run-new", new)
    return len(calls)


def test_a_crash_before_any_step_of_a_publish_leaves_old_or_new_and_recovery_finishes(
        tmp_path, seed_tables, monkeypatch):
    old, new = seed_tables
    steps = _count_pauses(tmp_path, seed_tables, monkeypatch)
    assert steps >= 5  # before READY, per-run files, generation, flip, links
    for crash_at in range(1, steps + 1):
        out = tmp_path / f"crash-{crash_at}"
        monkeypatch.setattr(write, "_fault_pause", lambda: None)
        _publish(out, "run-old", old)
        calls = []

        def pause():
            calls.append(1)
            if len(calls) == crash_at:
                raise Crash

        monkeypatch.setattr(write, "_fault_pause", pause)
        with pytest.raises(Crash):
            _publish(out, "run-new", new)
        committed = (out / write.STAGING / "run-new" / write.READY).exists()
        seen = _published_run(out)  # never a mix, at any step
        assert seen in ("run-old", "run-new")
        monkeypatch.setattr(write, "_fault_pause", lambda: None)
        done = write.recover(out)  # what the next run does first
        assert done == [("rolled forward " if committed else "discarded ") + "run-new"]
        assert _published_run(out) == ("run-new" if committed else "run-old")
        assert (out / "runs" / "run-new.parquet").exists() == committed
        assert not any((out / write.STAGING).iterdir())
        assert sorted(p.name for p in (out / write.SNAPSHOTS).iterdir()) == \
            [write.CURRENT, "run-new" if committed else "run-old"]
        assert write.recover(out) == []  # nothing left to do


def test_a_torn_staged_file_without_ready_is_discarded(tmp_path, seed_tables):
    old, _ = seed_tables
    _publish(tmp_path, "run-old", old)
    stage = tmp_path / write.STAGING / "run-torn" / write.STAGED_SNAPSHOT
    stage.mkdir(parents=True)
    (stage / "documents.parquet").write_bytes(b"PAR1 half a file")
    assert write.recover(tmp_path) == ["discarded run-torn"]
    assert _published_run(tmp_path) == "run-old"


def test_an_output_of_plain_files_gets_links_on_its_first_publish(tmp_path, seed_tables):
    old, new = seed_tables
    for name, df in old.items():  # the layout before generations
        write.write_parquet(write.to_arrow(name, df), write.table_path(tmp_path, name))
    assert _published_run(tmp_path) == "run-old"
    _publish(tmp_path, "run-new", {**new, "mentions": None})
    assert all((tmp_path / f"{n}.parquet").is_symlink() for n in write.SNAPSHOT_TABLES)
    assert len(pd.read_parquet(tmp_path / "mentions.parquet")) == len(old["mentions"])  # kept, linked
    assert set(pd.read_parquet(tmp_path / "documents.parquet")["run_id"]) == {"run-new"}


def test_a_ready_stage_of_the_plain_file_layout_is_rolled_forward(tmp_path, seed_tables):
    old, _ = seed_tables
    stage = tmp_path / write.STAGING / "run-legacy"
    write.write_parquet(write.to_arrow("runs", _with_runs(old, "run-legacy")["runs"]),
                        stage / "runs" / "run-legacy.parquet")
    (stage / write.READY).write_text(json.dumps(["runs/run-legacy.parquet"]))
    assert write.recover(tmp_path) == ["rolled forward run-legacy"]
    assert (tmp_path / "runs" / "run-legacy.parquet").exists()


def test_the_fault_injection_pause_is_off_unless_set(monkeypatch):
    slept = []
    monkeypatch.setattr(write.time, "sleep", slept.append)
    monkeypatch.delenv(write.FAULT_DELAY_ENV, raising=False)
    write._fault_pause()
    monkeypatch.setenv(write.FAULT_DELAY_ENV, "0.25")
    write._fault_pause()
    assert slept == [0.25]
