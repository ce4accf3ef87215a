"""Defaults for Prefect and GX that must be set before either is imported.

Only defaults: a value the user has set (e.g. PREFECT_API_URL for a real
server, PREFECT_HOME) always wins.
"""

from __future__ import annotations

import os
from pathlib import Path

DEFAULTS = {
    # The temporary API migrates a fresh SQLite DB on first start (~15 s here);
    # Prefect's 20 s default times out on a busy 2-core machine.
    "PREFECT_SERVER_EPHEMERAL_STARTUP_TIMEOUT_SECONDS": "120",
    # No telemetry from an offline machine, and no proxy for loopback.
    "DO_NOT_TRACK": "1",
    "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
    "GX_ANALYTICS_ENABLED": "false",
    "PREFECT_LOGGING_LEVEL": "WARNING",
    "PREFECT_LOGGING_TO_API_WHEN_MISSING_FLOW": "ignore",
}


def apply(prefect_home: Path | None = None) -> None:
    """Set the defaults; put Prefect's home in the project unless one is set."""
    for key, value in DEFAULTS.items():
        os.environ.setdefault(key, value)
    no_proxy = os.environ.get("NO_PROXY", "")
    if "127.0.0.1" not in no_proxy:
        os.environ["NO_PROXY"] = ",".join(filter(None, [no_proxy, "127.0.0.1", "localhost"]))
    if "PREFECT_HOME" not in os.environ and "PREFECT_API_URL" not in os.environ:
        home = prefect_home or Path.cwd() / ".prefect"
        os.environ["PREFECT_HOME"] = str(home)
