"""The temporary API the command line starts before Prefect is imported (flows/temporary_api.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from types import SimpleNamespace

import pytest

from flows import temporary_api
from flows.temporary_api import TemporaryAPI
from tests.flows.conftest import ROOT
from tests.flows.processes import descendants


SETTINGS_VARIABLES = ("PREFECT_API_URL", "PREFECT_SERVER_EPHEMERAL_ENABLED", "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE")


@pytest.fixture
def clean_state(monkeypatch):
    """No API started yet in this process and no API URL; afterwards the
    environment as it was and Prefect's settings read again from it.

    (The code under test sets PREFECT_API_URL itself, which monkeypatch does
    not undo for a variable that was absent: restored here.)"""
    from prefect.context import refresh_global_settings_context

    saved = {name: os.environ.get(name) for name in SETTINGS_VARIABLES}
    monkeypatch.setattr(temporary_api, "_api", None)
    for name in SETTINGS_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    refresh_global_settings_context()
    yield monkeypatch
    monkeypatch.undo()
    for name, value in saved.items():
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    refresh_global_settings_context()


class FakeAPI:
    """A TemporaryAPI that starts nothing and records what is asked of it."""

    started: list[FakeAPI] = []

    def __init__(self):
        self.port, self.stopped = 54321, False

    api_url = property(lambda self: f"http://127.0.0.1:{self.port}/api")

    def start(self):
        FakeAPI.started.append(self)
        return self

    def stop(self):
        self.stopped = True


@pytest.fixture
def fake_api(clean_state):
    FakeAPI.started = []
    clean_state.setattr(temporary_api, "TemporaryAPI", FakeAPI)
    return clean_state


def _settings(url, ephemeral=True):
    return SimpleNamespace(api=SimpleNamespace(url=url), server=SimpleNamespace(ephemeral=SimpleNamespace(enabled=ephemeral)))


def test_it_becomes_the_api_of_this_process_and_of_what_it_starts(fake_api):
    from prefect.settings import PREFECT_API_URL

    temporary_api.start_for_this_process()
    assert len(FakeAPI.started) == 1 and not FakeAPI.started[0].stopped
    assert os.environ["PREFECT_API_URL"] == "http://127.0.0.1:54321/api"  # inherited by worker processes
    assert PREFECT_API_URL.value() == "http://127.0.0.1:54321/api"  # Prefect's settings, read again
    assert temporary_api.started_url() == "http://127.0.0.1:54321/api"
    temporary_api.start_for_this_process()
    assert len(FakeAPI.started) == 1  # once per process


@pytest.mark.parametrize("variable, value", [
    ("PREFECT_API_URL", "http://prefect.example:4200/api"),
    ("PREFECT_SERVER_EPHEMERAL_ENABLED", "false"),
    ("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "0"),
])
def test_none_is_started_when_the_environment_names_a_server_or_forbids_one(fake_api, variable, value):
    fake_api.setenv(variable, value)
    temporary_api.start_for_this_process()
    assert FakeAPI.started == [] and temporary_api.started_url() is None


@pytest.mark.parametrize("settings", [_settings("http://from-a-profile:4200/api"), _settings(None, ephemeral=False)])
def test_one_started_is_stopped_when_prefects_own_settings_name_a_server_or_forbid_one(fake_api, settings):
    import prefect.settings

    fake_api.setattr(prefect.settings, "get_current_settings", lambda: settings)  # e.g. a profile's
    temporary_api.start_for_this_process()
    assert len(FakeAPI.started) == 1 and FakeAPI.started[0].stopped
    assert temporary_api.started_url() is None and "PREFECT_API_URL" not in os.environ


def test_the_server_answers_once_ready_and_is_gone_once_stopped(clean_state, tmp_path):
    clean_state.setenv("PREFECT_HOME", str(tmp_path / "prefect-home"))
    api = TemporaryAPI().start()
    try:
        api.wait_ready(timeout=120)
        with urllib.request.urlopen(f"{api.api_url}/health", timeout=5) as response:
            assert response.status == 200
        process = api.process
    finally:
        api.stop()
    assert process.poll() is not None and api.process is None
    api.stop()  # twice: nothing to do


def test_a_server_that_exits_before_it_answers_is_an_error():
    api = TemporaryAPI(python="/bin/false").start()  # exits 1 at once
    with pytest.raises(RuntimeError, match="exited with code 1"):
        api.wait_ready(timeout=30)


@pytest.mark.slow
def test_a_run_of_the_command_has_one_temporary_api_for_the_flow_and_its_workers(tmp_path, prefect_home):
    """The workers' events go through a thread of the flow's process that has no
    settings context of its own: it must find the same server, not start one."""
    corpus = tmp_path / "corpus"
    subprocess.run([sys.executable, str(ROOT / "benchmarks" / "corpus.py"), "--docs", "6", "--out", str(corpus),
                    "--seed", "3"], check=True, capture_output=True)
    env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
    env.pop("PREFECT_API_URL", None)
    proc = subprocess.Popen([sys.executable, "-m", "flows.cli", "run", "--input", str(corpus / "docs"), "--out",
                             str(tmp_path / "out"), "--batch-size", "2"], cwd=ROOT, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    servers, workers = set(), set()
    while proc.poll() is None:
        for pid in descendants(proc.pid):
            try:
                cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if b"uvicorn" in cmdline:
                servers.add(pid)
            elif any(b"spawn_main" in part for part in cmdline):
                workers.add(pid)
        time.sleep(0.05)
    assert proc.returncode == 0, proc.stderr.read()[-3000:]
    assert len(workers) >= 2  # the batches ran in worker processes
    assert len(servers) == 1


def test_prefect_follows_the_server_to_another_port_when_its_own_was_taken(fake_api):
    from prefect.settings import PREFECT_API_URL

    temporary_api.start_for_this_process()
    api = FakeAPI.started[0]

    def wait_ready(timeout):  # as TemporaryAPI.wait_ready after uvicorn found its port taken
        api.port = 54322
    api.wait_ready = wait_ready
    temporary_api.wait_for(timeout=1)
    assert os.environ["PREFECT_API_URL"] == PREFECT_API_URL.value() == "http://127.0.0.1:54322/api"
