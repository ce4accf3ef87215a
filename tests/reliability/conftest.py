"""Helpers for the reliability tests: the CLI in a subprocess, run to the end
or started in its own process group so that a test can kill it (and every
process it started: workers, Prefect's temporary server) with SIGKILL."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from tests.flows.conftest import ROOT, prefect_home, run_cli  # noqa: F401  (fixtures)


@pytest.fixture(scope="session")
def cli_env(prefect_home):  # noqa: F811
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    return env


class Run:
    """A started `tradeclaims` process; its stdout and stderr go to files
    (a pipe nobody reads could fill up and stall it)."""

    def __init__(self, proc: subprocess.Popen, log: Path):
        self.proc, self.log = proc, log

    @property
    def stdout(self) -> str:
        return self.log.with_suffix(".out").read_text(encoding="utf-8", errors="replace")

    @property
    def stderr(self) -> str:
        return self.log.with_suffix(".err").read_text(encoding="utf-8", errors="replace")

    def wait(self, timeout: float = 300) -> int:
        return self.proc.wait(timeout=timeout)


@pytest.fixture(scope="session")
def start_cli(cli_env):
    """Start `tradeclaims ARGS` in a new session, output to `log`.out/.err; returns a Run."""
    started: list[subprocess.Popen] = []

    def start(*args: str, log: Path, extra_env: dict[str, str] | None = None) -> Run:
        with open(log.with_suffix(".out"), "wb") as out, open(log.with_suffix(".err"), "wb") as err:
            proc = subprocess.Popen([sys.executable, "-m", "flows.cli", *args], cwd=ROOT,
                                    env={**cli_env, **(extra_env or {})}, stdout=out, stderr=err,
                                    start_new_session=True)
        started.append(proc)
        return Run(proc, log)

    yield start
    for proc in started:  # never leave a process of ours behind
        if proc.poll() is None:
            kill_group(proc)


def kill_group(proc: subprocess.Popen) -> None:
    """SIGKILL the process and everything in its process group; reap it."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)


def wait_for(condition, run: Run, timeout: float = 240, poll_s: float = 0.02):
    """Poll `condition()` until it returns something truthy (returned);
    fail if the run ends first or the time runs out."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        if run.proc.poll() is not None:
            raise AssertionError(f"the run ended (exit {run.proc.returncode}) before the awaited moment:\n"
                                 + run.stderr[-3000:])
        time.sleep(poll_s)
    raise AssertionError("timed out waiting")


SNAPSHOT_KEYS = {
    "documents": ["doc_id"],
    "metrics": ["doc_id", "fact_id"],
    "mentions": ["doc_id", "fact_id", "char_start", "char_end"],
}


def read_snapshot(out: Path) -> dict[str, pd.DataFrame]:
    """The published documents, metrics and mentions, as a reader opens them."""
    return {name: pd.read_parquet(out / f"{name}.parquet") for name in SNAPSHOT_KEYS}


def comparable(tables: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Tables without run ids, rows in key order: equal when the data is equal."""
    out = {}
    for name, keys in SNAPSHOT_KEYS.items():
        df = tables[name].drop(columns=["run_id"]).sort_values(keys, ignore_index=True)
        out[name] = df.astype(str)
    return out


def assert_consistent(tables: dict[str, pd.DataFrame]) -> None:
    """documents ↔ metrics ↔ mentions: every fact of a published document,
    every mention of a published fact, and one run per document's rows."""
    docs, metrics, mentions = tables["documents"], tables["metrics"], tables["mentions"]
    assert set(metrics["doc_id"]) <= set(docs["doc_id"])
    assert set(mentions["fact_id"]) == set(metrics["fact_id"])
    run_of = dict(zip(docs["doc_id"], docs["run_id"]))
    for name in ("metrics", "mentions"):
        df = tables[name]
        assert all(run_of[d] == r for d, r in zip(df["doc_id"], df["run_id"])), name
