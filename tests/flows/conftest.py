"""Helpers for end-to-end runs of the real flow through the console command."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def prefect_home(tmp_path_factory) -> Path:
    """One Prefect home for the session: the temporary API migrates it once."""
    return tmp_path_factory.mktemp("prefect-home")


@pytest.fixture(scope="session")
def run_cli(prefect_home):
    def run(*args: str, check: bool = True, timeout: float = 300) -> subprocess.CompletedProcess:
        env = {**os.environ, "PREFECT_HOME": str(prefect_home)}
        env.pop("PREFECT_API_URL", None)
        proc = subprocess.run([sys.executable, "-m", "flows.cli", *args], cwd=ROOT, env=env,
                              capture_output=True, text=True, timeout=timeout)
        if check and proc.returncode != 0:
            raise AssertionError(f"tradeclaims {' '.join(args)} exited {proc.returncode}:\n{proc.stderr[-4000:]}")
        return proc
    return run


def score(gold: Path, out: Path) -> dict:
    proc = subprocess.run([sys.executable, str(SHARED / "eval" / "score.py"), str(gold), str(out), "--json"],
                          capture_output=True, text=True, check=True)
    return json.loads(proc.stdout)
