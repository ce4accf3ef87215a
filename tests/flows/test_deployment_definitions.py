"""prefect.yaml and flows/serve.py define loadable deployments of the main flow."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
import yaml

from tests.flows.conftest import ROOT

PREFECT_YAML = ROOT / "prefect.yaml"


def _deployments():
    return yaml.safe_load(PREFECT_YAML.read_text(encoding="utf-8"))["deployments"]


@pytest.mark.parametrize("deployment", _deployments(), ids=lambda d: d["name"])
def test_every_prefect_yaml_entrypoint_loads_the_main_flow_with_valid_parameters(deployment, monkeypatch):
    from prefect.flows import load_flow_from_entrypoint

    monkeypatch.chdir(ROOT)  # prefect deploy runs from the repo root, and so does the worker
    flow = load_flow_from_entrypoint(deployment["entrypoint"])
    assert flow.name == "tradeclaims-run"
    params = deployment.get("parameters") or {}
    assert set(params) <= set(flow.parameters.properties), set(params) - set(flow.parameters.properties)
    flow.validate_parameters(params)  # raises on a wrong type
    for value in params.values():
        assert isinstance(value, (str, int, float, bool)), "parameters are small values, never data"
    assert deployment["work_pool"]["name"]


def test_prefect_yaml_schedules_are_valid_crons():
    from prefect.schedules import Cron

    scheduled = [d for d in _deployments() if d.get("schedules")]
    assert scheduled, "a deployment with a schedule"
    for d in scheduled:
        for s in d["schedules"]:
            Cron(s["cron"], timezone=s.get("timezone"))


def test_serve_builds_a_scheduled_and_an_adhoc_deployment_with_absolute_folders(tmp_path):
    from flows.serve import build_deployments, build_parser

    args = build_parser().parse_args(["--input", "seeds", "--out", str(tmp_path / "out"), "--cron", "*/5 * * * *"])
    scheduled, adhoc = build_deployments(args)
    assert (scheduled.name, adhoc.name) == ("scheduled", "adhoc")
    assert {d["name"] for d in _deployments()} == {scheduled.name, adhoc.name}
    assert os.path.isabs(scheduled.parameters["input_dir"]) and scheduled.parameters["input_dir"].endswith("seeds")
    assert scheduled.parameters["out_dir"] == str((tmp_path / "out").resolve())
    assert scheduled.parameters["wait_for_lock"] is True
    assert [s.schedule.cron for s in scheduled.schedules] == ["*/5 * * * *"]
    assert not adhoc.schedules


def test_serve_refuses_to_start_without_a_real_server(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "PREFECT_API_URL"}
    proc = subprocess.run([sys.executable, "-m", "flows.serve", "--input", "seeds", "--out", str(tmp_path)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 2
    assert "prefect server start" in proc.stderr
