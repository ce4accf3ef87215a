"""What every stage returns: kept rows, quarantined rows with a reason, counts."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pandas as pd

QUARANTINE_COLUMNS = ["run_id", "stage", "source", "doc_id", "reason", "detail", "record"]


def quarantine_row(
    stage: str, reason: str, detail: str, source: str | None = None, doc_id: str | None = None,
    record: str | None = None,
) -> dict:
    """One quarantine record; `run_id` is stamped by the flow."""
    return {"run_id": None, "stage": stage, "source": source, "doc_id": doc_id,
            "reason": reason, "detail": detail, "record": record}


def quarantine_frame(rows: list[dict]) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=QUARANTINE_COLUMNS)


@dataclass
class StageResult:
    """Tables out of a stage: the rows kept, the rows quarantined, and counts."""

    kept: pd.DataFrame
    quarantine: pd.DataFrame = field(default_factory=lambda: quarantine_frame([]))
    counts: Counter = field(default_factory=Counter)
