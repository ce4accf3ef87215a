"""Test-wide setup: the repo root on sys.path, Prefect/GX kept quiet and offline."""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from flows import env  # noqa: E402

env.apply()
