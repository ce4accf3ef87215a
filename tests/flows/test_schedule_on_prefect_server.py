"""Schedules and ad-hoc runs on a real Prefect server, started the documented way.

`prefect server start` on a free loopback port with its own PREFECT_HOME,
`tradeclaims-serve` (flows/serve.py) serving the deployments with a 10-second
interval, then: a scheduled run completes and publishes tables; an ad-hoc run
through the API with parameters writes to another folder; the same through
`prefect deployment run --param`. Every process started here is stopped here.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pandas as pd
import pytest

from tests.flows.conftest import ROOT
from tests.flows.processes import free_port, start, stop_tree, tail

pytestmark = pytest.mark.slow

PREFECT = str(Path(sys.executable).with_name("prefect"))
SERVER_START_S = 180  # 10-20 s here when idle; much more on a busy 2-core machine
RUN_S = 300


def _wait_healthy(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + SERVER_START_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"prefect server exited {proc.returncode}:\n{tail(log)}")
        try:
            with urllib.request.urlopen(f"{url}/health", timeout=5) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        time.sleep(1)
    raise AssertionError(f"prefect server not healthy after {SERVER_START_S} s:\n{tail(log)}")


def _completed_runs(client, deployment_name: str, serve: subprocess.Popen, serve_log: Path):
    """Wait for a COMPLETED flow run of the deployment; fail early on a failed one."""
    from prefect.client.schemas.filters import DeploymentFilter, DeploymentFilterId

    deadline = time.monotonic() + RUN_S
    deployment = None
    while time.monotonic() < deadline:
        if serve.poll() is not None:
            raise AssertionError(f"tradeclaims-serve exited {serve.returncode}:\n{tail(serve_log)}")
        if deployment is None:
            try:
                deployment = client.read_deployment_by_name(deployment_name)
            except Exception:  # not registered yet
                time.sleep(2)
                continue
        runs = client.read_flow_runs(deployment_filter=DeploymentFilter(id=DeploymentFilterId(any_=[deployment.id])))
        done = [r for r in runs if r.state and r.state.is_completed()]
        if done:
            return deployment, done
        bad = [r for r in runs if r.state and (r.state.is_failed() or r.state.is_crashed())]
        assert not bad, f"{bad[0].name}: {bad[0].state.message}\n{tail(serve_log)}"
        time.sleep(2)
    raise AssertionError(f"no completed run of {deployment_name} after {RUN_S} s:\n{tail(serve_log)}")


def test_scheduled_and_adhoc_runs_on_a_real_prefect_server(tmp_path):
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import ArtifactFilter, ArtifactFilterKey
    from prefect.deployments import run_deployment
    from prefect.settings import PREFECT_API_URL, temporary_settings

    port = free_port()
    api = f"http://127.0.0.1:{port}/api"
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    env.update({"PREFECT_HOME": str(tmp_path / "prefect-home"), "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
                "DO_NOT_TRACK": "1", "NO_PROXY": "127.0.0.1,localhost", "PREFECT_LOGGING_LEVEL": "INFO"})
    scheduled_out, adhoc_out, cli_out = tmp_path / "scheduled", tmp_path / "adhoc", tmp_path / "cli"
    server_log, serve_log = tmp_path / "server.log", tmp_path / "serve.log"

    server = start([PREFECT, "server", "start", "--host", "127.0.0.1", "--port", str(port)], server_log,
                   cwd=tmp_path, env=env)
    serve = None
    try:
        t0 = time.monotonic()
        _wait_healthy(api, server, server_log)
        print(f"server healthy after {time.monotonic() - t0:.0f} s")
        client_env = {**env, "PREFECT_API_URL": api}
        serve = start([sys.executable, "-m", "flows.serve", "--input", "seeds", "--out", str(scheduled_out),
                       "--interval", "10"], serve_log, cwd=ROOT, env=client_env)

        with temporary_settings(updates={PREFECT_API_URL: api}), get_client(sync_client=True) as client:
            # 1. the schedule fires and a run publishes the tables
            deployment, done = _completed_runs(client, "tradeclaims-run/scheduled", serve, serve_log)
            assert deployment.schedules and deployment.schedules[0].schedule.interval.total_seconds() == 10
            assert done[0].parameters["out_dir"] == str(scheduled_out)
            assert (scheduled_out / "metrics.parquet").exists()
            runs = pd.read_parquet(scheduled_out / "runs")
            assert runs["documents_new"].iloc[0] == 5 and (runs["validation"] == "passed").all()
            # no more scheduled runs: on 2 cores they would only slow the ad-hoc ones down
            client.pause_deployment(deployment.id)
            print(f"scheduled run completed after {time.monotonic() - t0:.0f} s")

            # 2. an ad-hoc run with parameters, through the API
            adhoc = run_deployment(name="tradeclaims-run/adhoc", timeout=RUN_S, poll_interval=2,
                                   parameters={"input_dir": str(ROOT / "seeds"), "out_dir": str(adhoc_out),
                                               "batch_size": 2})
            assert adhoc.state.is_completed(), f"{adhoc.state}\n{tail(serve_log)}"
            assert adhoc.parameters["batch_size"] == 2
            adhoc_runs = pd.read_parquet(adhoc_out / "runs")
            assert len(adhoc_runs) == 1 and adhoc_runs["documents_new"].item() == 5
            assert len(pd.read_parquet(adhoc_out / "metrics.parquet")) == len(
                pd.read_parquet(scheduled_out / "metrics.parquet"))

            # 3. the run's summary is an artifact in the UI
            artifacts = client.read_artifacts(
                artifact_filter=ArtifactFilter(key=ArtifactFilterKey(any_=["tradeclaims-run-summary"])))
            mine = [a for a in artifacts if a.flow_run_id == adhoc.id]
            assert len(mine) == 1 and "| facts written | 16 |" in mine[0].data
            print(f"ad-hoc run through the API completed after {time.monotonic() - t0:.0f} s")

        # 4. the documented command: prefect deployment run ... --param
        proc = subprocess.run([PREFECT, "deployment", "run", "tradeclaims-run/adhoc",
                               "--param", f"out_dir={cli_out}", "--param", "full_refresh=true", "--watch"],
                              cwd=tmp_path, env=client_env, capture_output=True, text=True, timeout=RUN_S)
        assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:] + tail(serve_log)
        assert "Completed" in proc.stdout, proc.stdout[-3000:]
        assert (cli_out / "metrics.parquet").exists()
        print(f"prefect deployment run completed after {time.monotonic() - t0:.0f} s")
    finally:
        if serve is not None:
            stop_tree(serve)
        stop_tree(server)
    assert serve.poll() is not None and server.poll() is not None
