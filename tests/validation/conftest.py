"""Fixtures for the validation-gate tests: real runs of the flow, bad-row injection, folder digests.

Runs of the flow happen in this process, against one Prefect test harness per session,
with the batches on a thread pool, so a test can monkeypatch `flows.pipeline.process_batch`
(wrap the real one and append bad rows to the BatchOutput it returns, as a faulty
extractor would). The console command is run in subprocesses.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


# ---------------------------------------------------------------------------
# Output folders
# ---------------------------------------------------------------------------


def tree_digest(out: Path) -> dict[str, str]:
    """Every file under `out` (sha256 of its bytes) and every folder, except the lock file.

    Two equal digests mean the folder is byte-identical: no file changed, none was added
    or removed, and no folder (`.staging/`, `reports/`) appeared.
    """
    digest: dict[str, str] = {}
    for path in sorted(out.rglob("*")):
        rel = path.relative_to(out).as_posix()
        if rel == ".lock":
            continue
        if path.is_dir():
            digest[rel + "/"] = "<dir>"
        else:
            digest[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return digest


def copy_out(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns(".lock"))
    return dst


# ---------------------------------------------------------------------------
# The console command
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def cli_env(tmp_path_factory) -> dict[str, str]:
    """Environment for `python -m flows.cli`: its own Prefect home, no API URL inherited."""
    env = {**os.environ, "PREFECT_HOME": str(tmp_path_factory.mktemp("prefect-home-cli"))}
    env.pop("PREFECT_API_URL", None)
    return env


@pytest.fixture(scope="session")
def tradeclaims(cli_env) -> Callable[..., subprocess.CompletedProcess]:
    """tradeclaims("validate", DIR) -> the finished `python -m flows.cli validate DIR`."""

    def run(*args: str, timeout: float = 300) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=cli_env,
                              capture_output=True, text=True, timeout=timeout)

    return run


# ---------------------------------------------------------------------------
# Runs of the flow, in process
# ---------------------------------------------------------------------------


@pytest.fixture(scope="session")
def prefect_harness():
    """A temporary Prefect API and database for the whole session."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def run_flow(prefect_harness) -> Callable[..., dict]:
    """run_flow(input_dir, out_dir, **params) -> the run summary of the real flow.

    The batches run on threads of this process, whatever the flow's default task runner,
    so a monkeypatched `flows.pipeline.process_batch` is the one the batch tasks call.
    """
    from prefect.task_runners import ThreadPoolTaskRunner

    from flows.pipeline import run_pipeline

    flow_on_threads = run_pipeline.with_options(task_runner=ThreadPoolTaskRunner(max_workers=2))

    def run(input_dir: Path | str, out_dir: Path | str, **params) -> dict:
        return flow_on_threads(input_dir=str(input_dir), out_dir=str(out_dir), **params)

    return run


@pytest.fixture(scope="session")
def seeds_run(run_flow, tmp_path_factory) -> tuple[Path, dict]:
    """One clean run of the flow on seeds/: (OUT, summary). Copy OUT before changing it."""
    out = tmp_path_factory.mktemp("seeds-run") / "out"
    summary = run_flow(SEEDS, out)
    return out, summary


# ---------------------------------------------------------------------------
# Bad rows
# ---------------------------------------------------------------------------


def bad_metric_rows(good: pd.DataFrame) -> dict[str, dict]:
    """Rows that each fail exactly one row-level expectation of the metrics suite, keyed by it.

    Each is a copy of a real extracted `value` fact (same document, so nothing else drops
    it) with its own fact_id and value, so fact ids and fact keys stay unique.
    """
    template = good.loc[good["measure"] == "value"].iloc[0].to_dict()

    def row(fact_id: str, value: float, **changes) -> dict:
        return {**template, "fact_id": fact_id, "value": value, **changes}

    return {
        "metrics.share_in_0_100": row("bad-share-140", 140.0, measure="share", unit="percent"),
        "metrics.unit_iso4217_for_value": row("bad-currency-xxx", 123_456_789.0, unit="XXX"),
        # an export, so the alphabetical ordering of a total's pair does not apply as well
        "metrics.reporter_ne_partner": row("bad-reporter-is-partner", 987_654_321.0, flow="export",
                                           partner=template["reporter"]),
        "metrics.measure_not_null": row("bad-null-measure", 55_555_555.0, measure=None),
    }


@pytest.fixture
def inject_metrics(monkeypatch) -> Callable[[Callable[[pd.DataFrame], list[dict]]], list[dict]]:
    """inject_metrics(make_rows): the first batch with a `value` fact gets make_rows(its metrics)
    appended to its extracted metrics. Returns the list that receives the injected rows."""
    import flows.pipeline as pipeline

    real = pipeline.process_batch
    injected: list[dict] = []

    def install(make_rows: Callable[[pd.DataFrame], list[dict]]) -> list[dict]:
        def process_batch(*args, **kwargs):
            output = real(*args, **kwargs)
            if not injected and (output.metrics["measure"] == "value").any():
                rows = make_rows(output.metrics)
                injected.extend(rows)
                extra = pd.DataFrame(rows, columns=output.metrics.columns)
                output.metrics = pd.concat([output.metrics, extra], ignore_index=True)
            return output

        monkeypatch.setattr(pipeline, "process_batch", process_batch)
        return injected

    return install
