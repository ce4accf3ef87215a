"""Prefect's temporary API server, started before Prefect is even imported.

A run without a Prefect server (`PREFECT_API_URL` unset) needs Prefect's
temporary API: a uvicorn process serving `prefect.server.api.server:create_app`,
as Prefect's own `SubprocessASGIServer` starts it. Started by that class, it
can only start once this process has imported Prefect's whole server module
(about 2.5 s on this 2-core machine, pandas and Prefect included); started
here, by the command line before any of that, the server boots on the other
core while this process imports the pipeline and sets up GX.

Prefect is imported here only once the server's process is started: that
is the point of this module.
"""

from __future__ import annotations

import atexit
import importlib.util
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

# uvicorn's exit code when the port was taken between our choice and its bind
PORT_IN_USE_EXIT = 3
# the health check goes to 127.0.0.1: never through a proxy of the environment
_LOOPBACK = urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class TemporaryAPI:
    """One uvicorn process serving Prefect's API on 127.0.0.1, stopped when this process exits."""

    def __init__(self, python: str = sys.executable):
        self.python = python
        self.port = 0
        self.process: subprocess.Popen | None = None

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/api"

    def start(self) -> TemporaryAPI:
        self.port = _free_port()
        prefect_parent = Path(importlib.util.find_spec("prefect").origin).parents[1]  # found, not imported
        # as Prefect's SubprocessASGIServer runs it: no UI, the services of an ephemeral server
        env = {**os.environ, "PREFECT_UI_ENABLED": "0", "PREFECT__SERVER_EPHEMERAL": "1",
               "PREFECT__SERVER_FINAL": "1"}
        self.process = subprocess.Popen(
            [self.python, "-m", "uvicorn", "--app-dir", str(prefect_parent), "--factory",
             "prefect.server.api.server:create_app", "--host", "127.0.0.1", "--port", str(self.port),
             "--log-level", "error", "--lifespan", "on"], env=env)
        atexit.register(self.stop)
        return self

    def wait_ready(self, timeout: float = 120.0) -> None:
        """Return once the API answers its health check; raise if it exits or `timeout` passes."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            code = self.process.poll() if self.process else None
            if code == PORT_IN_USE_EXIT:  # taken meanwhile: another port
                self.start()
                continue
            if code is not None:
                raise RuntimeError(f"Prefect's temporary API exited with code {code} before it was ready")
            try:
                with _LOOPBACK.open(f"{self.api_url}/health", timeout=2) as response:
                    if response.status == 200:
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Prefect's temporary API did not answer within {timeout:.0f} s")

    def stop(self) -> None:
        process, self.process = self.process, None
        if process is None or process.poll() is not None:
            return
        process.terminate()
        try:
            process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


_api: TemporaryAPI | None = None


def _said_no(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("0", "false", "no", "off")


def start_for_this_process() -> None:
    """Start the temporary API now, before Prefect is imported, and make it this
    process's (and its children's) Prefect API, unless Prefect's settings name
    one or forbid a temporary server.

    The server boots on the other core while Prefect, pandas and GX are
    imported here; the pipeline waits for it to answer before the flow starts
    (`wait_for`). Once per process.
    """
    global _api
    if _api is not None or os.environ.get("PREFECT_API_URL") or any(
            _said_no(n) for n in ("PREFECT_SERVER_EPHEMERAL_ENABLED", "PREFECT_SERVER_ALLOW_EPHEMERAL_MODE")):
        return
    api = TemporaryAPI().start()
    # a profile or a prefect.toml may still name a server: Prefect's own settings decide
    from prefect.settings import get_current_settings

    settings = get_current_settings()
    if settings.api.url or not settings.server.ephemeral.enabled:
        api.stop()
        return
    _api = api
    _point_prefect_at(api.api_url)


def _point_prefect_at(url: str) -> None:
    """`url` as this process's (and its children's) Prefect API."""
    from prefect.context import refresh_global_settings_context

    os.environ["PREFECT_API_URL"] = url
    refresh_global_settings_context()  # Prefect's settings, read again from the environment


def started_url() -> str | None:
    """The API URL of the temporary API started for this process, if any."""
    return _api.api_url if _api is not None else None


def wait_for(timeout: float) -> None:
    """Return once the temporary API started for this process answers
    (on another port if its own was taken meanwhile: Prefect follows it)."""
    _api.wait_ready(timeout)
    if os.environ.get("PREFECT_API_URL") != _api.api_url:
        _point_prefect_at(_api.api_url)
