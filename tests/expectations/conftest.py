"""Fixtures for the GX suite tests: small row builders and a writer of output folders.

Rows go through `pa.Table.from_pylist(rows, schema=...)` and `.to_pandas()`, the same
path the pipeline's tables take, so dtypes (pandas `str`, list columns, dates, UTC
timestamps) are the real ones.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stages.schemas import TABLES

os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

RUN_ID = "run-test"
DOC_A = "0123456789abcdef"
DOC_B = "fedcba9876543210"
T0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.timezone.utc)


def _metric(**overrides: object) -> dict:
    row = {
        "fact_id": "f-000",
        "doc_id": DOC_A,
        "measure": "value",
        "status": "target",
        "statuses": ["target", "forecast"],
        "flow": "total",
        "value": 200e9,
        "unit": "USD",
        "qualifier": "exact",
        "period": "2024",
        "reporter": "CHN",
        "partner": "RUS",
        "commodity": None,
        "quote": "bring bilateral trade to $200 billion by 2024",
        "n_mentions": 2,
        "run_id": RUN_ID,
    }
    row.update(overrides)
    return row


def _valid_metrics() -> list[dict]:
    """A few valid facts covering every measure and the exemptions of the pair ordering."""
    return [
        _metric(),
        _metric(fact_id="f-001", measure="growth", status="forecast", statuses=["forecast"], value=25.0,
                unit="percent", qualifier="approx", period="2022", quote="will grow by about 25%"),
        _metric(fact_id="f-002", doc_id=DOC_B, measure="share", status="actual", statuses=["actual"],
                value=16.0, unit="percent", reporter="RUS", partner="CHN", period="2022",
                quote="China's share in Russian international trade accounts for 16 percent"),
        _metric(fact_id="f-003", doc_id=DOC_B, status="actual", statuses=["actual"], value=100e9,
                qualifier="over", period="2021-01/2021-09", quote="exceeded $100 billion", n_mentions=1),
        _metric(fact_id="f-004", doc_id=DOC_B, measure="volume", status="actual", statuses=["actual"],
                flow="export", value=1.5e6, unit="t", reporter="RUS", partner="CHN", commodity="crude oil",
                period="2021-11", quote="1.5 million tonnes of crude oil", n_mentions=1),
        _metric(fact_id="f-005", doc_id=DOC_B, measure="growth", status="actual", statuses=["actual"],
                value=-35.0, unit="percent", reporter="ZAF", partner="WLD", period=None,
                quote="trade fell 35%", n_mentions=1),
    ]


def _document(**overrides: object) -> dict:
    row = {
        "doc_id": DOC_A,
        "source": "000_a.txt",
        "published": dt.date(2021, 12, 15),
        "published_from": "manifest",
        "source_url": None,
        "title": "Trade news",
        "sha256": DOC_A + "0" * 48,
        "n_chars": 2449,
        "encoding": "utf-8",
        "run_id": RUN_ID,
    }
    row.update(overrides)
    return row


def _valid_documents() -> list[dict]:
    return [
        _document(),
        _document(doc_id=DOC_B, source="001_b.txt", published=None, published_from="none",
                  sha256=DOC_B + "1" * 48, n_chars=0),
        _document(doc_id="00000000000000aa", source="002_c.txt", published=dt.date(2022, 3, 1),
                  published_from="text", sha256="00000000000000aa" + "2" * 48),
    ]


def _mention(**overrides: object) -> dict:
    row = {
        "fact_id": "f-000",
        "doc_id": DOC_A,
        "sentence": "They agreed to bring bilateral trade to $200 billion by 2024.",
        "char_start": 100,
        "char_end": 145,
        "run_id": RUN_ID,
    }
    row.update(overrides)
    return row


def _valid_mentions() -> list[dict]:
    return [
        _mention(),
        _mention(char_start=900, char_end=945),
        _mention(fact_id="f-001", char_start=0, char_end=20),
    ]


def _quarantine_row(**overrides: object) -> dict:
    row = {
        "run_id": RUN_ID,
        "stage": "validate",
        "source": "metrics",
        "doc_id": DOC_A,
        "reason": "metrics.share_in_0_100",
        "detail": "share of 140",
        "record": '{"value": 140.0}',
    }
    row.update(overrides)
    return row


def _valid_quarantine() -> list[dict]:
    return [_quarantine_row(), _quarantine_row(stage="ingest", source="bad.txt", doc_id=None,
                                               reason="ingest_not_utf8", detail=None, record=None)]


def _run(**overrides: object) -> dict:
    row = {
        "run_id": RUN_ID,
        "started_at": T0,
        "finished_at": T0 + dt.timedelta(seconds=42),
        "input": "seeds",
        "output": "out",
        "files_seen": 6,
        "documents_new": 5,
        "documents_skipped": 0,
        "duplicates": 0,
        "files_skipped": 1,
        "quarantined": 1,
        "sentences": 120,
        "facts_written": 6,
        "mentions_written": 9,
        "validation": "passed",
        "counts_json": '{"extract": {"facts": 6}}',
    }
    row.update(overrides)
    return row


def _valid_runs() -> list[dict]:
    return [_run(), _run(run_id="run-test-2", started_at=T0 + dt.timedelta(days=1),
                         finished_at=T0 + dt.timedelta(days=1, seconds=3), validation="failed")]


def _reconciliation(**overrides: object) -> dict:
    row = {
        "fact_id": "f-010",
        "doc_id": DOC_A,
        "measure": "value",
        "qualifier": "over",
        "period": "2018",
        "claimed_value": 100e9,
        "unit": "USD",
        "year": 2018,
        "reference_value": 107.06e9,
        "ratio": 100e9 / 107.06e9,
        "verdict": "consistent",
        "other_year": None,
        "other_value": None,
        "source": "General Administration of Customs of the People's Republic of China",
        "reason": "over: 2018 reference within the band",
        "quote": "The $100 billion mark was reached in 2018",
        "run_id": RUN_ID,
    }
    row.update(overrides)
    return row


def _valid_reconciliation() -> list[dict]:
    """One row per verdict."""
    return [
        _reconciliation(),
        _reconciliation(fact_id="f-011", period="2020", claimed_value=146e9, year=2020,
                        reference_value=107.76e9, ratio=146e9 / 107.76e9, verdict="matches_other_year", other_year=2021,
                        other_value=146.887e9, reason="2021 within"),
        _reconciliation(fact_id="f-012", qualifier="exact", period="2019", claimed_value=150e9, year=2019,
                        reference_value=110.79e9, ratio=150e9 / 110.79e9, verdict="inconsistent",
                        reason="no year within"),
        _reconciliation(fact_id="f-013", period="2031", year=2031, reference_value=None, ratio=None,
                        source=None, verdict="no_reference", reason="no reference figure"),
        _reconciliation(fact_id="f-014", doc_id=DOC_B, qualifier="exact", period=None, year=None,
                        reference_value=None, ratio=None, source=None, verdict="not_comparable",
                        reason="no period"),
    ]


ROW_BUILDERS: dict[str, Callable[..., dict]] = {
    "metrics": _metric,
    "documents": _document,
    "mentions": _mention,
    "quarantine": _quarantine_row,
    "runs": _run,
    "reconciliation": _reconciliation,
}
VALID_ROWS: dict[str, Callable[[], list[dict]]] = {
    "metrics": _valid_metrics,
    "documents": _valid_documents,
    "mentions": _valid_mentions,
    "quarantine": _valid_quarantine,
    "runs": _valid_runs,
    "reconciliation": _valid_reconciliation,
}


def to_arrow(table: str, rows: list[dict]) -> pa.Table:
    return pa.Table.from_pylist(rows, schema=TABLES[table])


def to_frame(table: str, rows: list[dict]) -> pd.DataFrame:
    return to_arrow(table, rows).to_pandas()


@pytest.fixture
def row() -> dict[str, Callable[..., dict]]:
    """row["metrics"](value=...) -> one valid row of that table with overrides."""
    return ROW_BUILDERS


@pytest.fixture
def valid_rows() -> Callable[[str], list[dict]]:
    """valid_rows("metrics") -> a fresh list of valid rows of that table."""
    return lambda table: VALID_ROWS[table]()


@pytest.fixture
def frame() -> Callable[[str, list[dict]], pd.DataFrame]:
    """frame(table, rows) -> the DataFrame the pipeline would hand over."""
    return to_frame


@pytest.fixture
def write_out_dir() -> Callable[..., Path]:
    """write_out_dir(path, {table: rows}) writes OUT/<table>.parquet files with the schemas."""

    def write(out: Path, tables: dict[str, list[dict]]) -> Path:
        out.mkdir(parents=True, exist_ok=True)
        for table, rows in tables.items():
            pq.write_table(to_arrow(table, rows), out / f"{table}.parquet")
        return out

    return write
