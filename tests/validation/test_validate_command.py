"""`tradeclaims validate DIR` on corrupted published tables: names each failure, exits 1.

The console command runs in a subprocess (`python -m flows.cli validate DIR`). Tables are
written with pyarrow and the contract schemas of stages/schemas.py, or taken from a real
run of the flow and corrupted.
"""

from __future__ import annotations

import datetime as dt
import re

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from stages.schemas import TABLES
from tests.validation.conftest import copy_out

RUN_ID = "20261101T060000Z-abcdef"
DOC = "0123456789abcdef"


def _metric(fact_id: str, **changes) -> dict:
    row = {
        "fact_id": fact_id, "doc_id": DOC, "measure": "value", "status": "target",
        "statuses": ["target", "forecast"], "flow": "total", "value": 200e9, "unit": "USD",
        "qualifier": "exact", "period": "2024", "reporter": "CHN", "partner": "RUS", "commodity": None,
        "quote": "bring bilateral trade to $200 billion by 2024", "n_mentions": 1, "run_id": RUN_ID,
    }
    row.update(changes)
    return row


def _clean_metrics() -> list[dict]:
    return [
        _metric("f0"),
        _metric("f1", measure="share", status="actual", statuses=["actual"], value=16.0, unit="percent",
                reporter="RUS", partner="CHN", period="2022", quote="16 percent"),
        _metric("f2", status="actual", statuses=["actual"], value=146e9, period="2020", qualifier="over",
                quote="$146 billion"),
        _metric("f3", measure="volume", status="actual", statuses=["actual"], flow="export", value=1.5e6,
                unit="t", commodity="crude oil", reporter="RUS", partner="CHN", period="2021-11",
                quote="1.5 million tonnes of crude oil"),
        _metric("f4", measure="growth", status="actual", statuses=["actual"], value=35.8, unit="percent",
                period="2020", quote="grew 35.8%"),
        _metric("f5", status="actual", statuses=["actual"], flow="export", value=20e9, reporter="IND",
                partner="ARE", period="2023", quote="$20 billion of exports"),
        # more good facts, so that five bad rows stay under the run's bad-row share
        *(_metric(f"f{i}", status="actual", statuses=["actual"], value=i * 1e9, period=str(2000 + i),
                  quote=f"${i} billion") for i in range(6, 16)),
    ]


def _other_tables() -> dict[str, list[dict]]:
    t0 = dt.datetime(2026, 11, 1, 6, 0, tzinfo=dt.timezone.utc)
    rows = {
        "documents": [{
            "doc_id": DOC, "source": "a.txt", "published": dt.date(2021, 12, 15),
            "published_from": "manifest",
            "source_url": None, "title": None, "sha256": DOC + "0" * 48, "n_chars": 2000, "encoding": "utf-8",
            "run_id": RUN_ID,
        }],
        "mentions": [{"fact_id": "f0", "doc_id": DOC, "sentence": "They agreed to bring bilateral trade to "
                      "$200 billion by 2024.", "char_start": 10, "char_end": 55, "run_id": RUN_ID}],
        "quarantine": [],
        "runs": [{
            "run_id": RUN_ID, "started_at": t0, "finished_at": t0 + dt.timedelta(seconds=9), "input": "in",
            "output": "out", "files_seen": 1, "documents_new": 1, "documents_skipped": 0, "duplicates": 0,
            "files_skipped": 0, "quarantined": 0, "sentences": 20, "facts_written": 6, "mentions_written": 1,
            "validation": "passed", "counts_json": "{}",
        }],
    }
    # every other table of the contract (present and future) is published empty
    return {name: rows.get(name, []) for name in TABLES if name != "metrics"}


def _loose(schema: pa.Schema) -> pa.Schema:
    """The schema with every field nullable: what a buggy writer that skipped the contract
    would use. Parquet refuses nulls in a non-nullable column, so a null measure can only
    reach a published file this way."""
    return pa.schema([f.with_nullable(True) for f in schema], metadata=schema.metadata)


def _write_out(out, metrics: list[dict]):
    out.mkdir(parents=True)
    for name, rows in _other_tables().items():
        pq.write_table(pa.Table.from_pylist(rows, schema=TABLES[name]), out / f"{name}.parquet")
    pq.write_table(pa.Table.from_pylist(metrics, schema=_loose(TABLES["metrics"])), out / "metrics.parquet")
    return out


# Each corruption of a clean table, and the expectations it must fail (exactly those).
CORRUPTIONS = {
    "share_of_140": (lambda rows: rows[1].update(value=140.0), {"metrics.share_in_0_100"}),
    "currency_XXX": (lambda rows: rows[2].update(unit="XXX"), {"metrics.unit_iso4217_for_value"}),
    "duplicated_fact": (lambda rows: rows.append(dict(rows[4])),
                        {"metrics.fact_id_unique", "metrics.fact_key_unique"}),
    "reporter_is_partner": (lambda rows: rows[5].update(partner="IND"), {"metrics.reporter_ne_partner"}),
    "null_measure": (lambda rows: rows[0].update(measure=None), {"metrics.measure_not_null"}),
}
ALL_NAMES = set().union(*(names for _, names in CORRUPTIONS.values()))
LINE = re.compile(r"^metrics: (metrics\.\w+) failed \((.+)\)$")


def _failed_names(stdout: str) -> set[str]:
    names = set()
    for line in stdout.splitlines():
        match = LINE.match(line)
        assert match, f"unexpected line on stdout: {line!r}"
        names.add(match.group(1))
    return names


def test_untouched_table_passes(tmp_path, tradeclaims):
    out = _write_out(tmp_path / "out", _clean_metrics())
    proc = tradeclaims("validate", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout == ""
    assert "all expectations passed" in proc.stderr


def test_every_corruption_at_once_is_named(tmp_path, tradeclaims):
    rows = _clean_metrics()
    for corrupt, _ in CORRUPTIONS.values():
        corrupt(rows)
    out = _write_out(tmp_path / "out", rows)
    proc = tradeclaims("validate", str(out))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _failed_names(proc.stdout) == ALL_NAMES, proc.stdout


@pytest.mark.parametrize("corruption", sorted(CORRUPTIONS))
def test_each_corruption_is_named(tmp_path, capsys, corruption):
    """One corruption at a time, through the command's own entry point in this process
    (a subprocess per case would spend its time importing GX)."""
    from flows.cli import main

    corrupt, expected = CORRUPTIONS[corruption]
    rows = _clean_metrics()
    corrupt(rows)
    out = _write_out(tmp_path / "out", rows)
    code = main(["validate", str(out)])
    stdout = capsys.readouterr().out
    assert code == 1, stdout
    assert _failed_names(stdout) == expected, stdout


@pytest.mark.slow
def test_corrupted_real_run_output(tmp_path, tradeclaims, seeds_run):
    """The output of a real run passes; the same folder with its metrics corrupted fails."""
    published, _ = seeds_run
    out = copy_out(published, tmp_path / "out")
    proc = tradeclaims("validate", str(out))
    assert proc.returncode == 0, proc.stdout + proc.stderr

    table = pq.read_table(out / "metrics.parquet")
    rows = table.to_pylist()
    shares = [r for r in rows if r["measure"] == "share"]
    values = [r for r in rows if r["measure"] == "value"]
    assert shares and len(values) >= 4, "the seeds' facts changed: pick other rows to corrupt"
    shares[0]["value"] = 140.0
    values[0]["unit"] = "XXX"
    values[1].update(flow="export", partner=values[1]["reporter"])
    values[2]["measure"] = None
    rows.append(dict(values[3]))
    pq.write_table(pa.Table.from_pylist(rows, schema=_loose(table.schema)), out / "metrics.parquet")

    proc = tradeclaims("validate", str(out))
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert _failed_names(proc.stdout) == ALL_NAMES, proc.stdout


def test_not_a_folder_is_a_usage_error(tmp_path, capsys):
    from flows.cli import main

    assert main(["validate", str(tmp_path / "missing")]) == 2
    assert "is not a folder" in capsys.readouterr().err
