"""Row-level failures inside a real run: the bad rows are quarantined, the good rows publish,
and the run summary links a validation report that holds every suite it ran."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pandas as pd
import pytest

from expectations.build_suites import SUITES_DIR
from expectations.runner import validate_directory
from stages import write
from stages.schemas import TABLES
from tests.validation.conftest import SEEDS, bad_metric_rows

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def injected_run(run_flow, tmp_path_factory):
    """A run on seeds/ whose extract output carries one bad row per row-level expectation.

    Module-scoped, so it builds its own monkeypatch instead of using the fixture.
    """
    import flows.pipeline as pipeline

    mp = pytest.MonkeyPatch()
    real = pipeline.process_batch
    injected: dict[str, dict] = {}

    def process_batch(*args, **kwargs):
        output = real(*args, **kwargs)
        if not injected and (output.metrics["measure"] == "value").any():
            injected.update(bad_metric_rows(output.metrics))
            extra = pd.DataFrame(list(injected.values()), columns=output.metrics.columns)
            output.metrics = pd.concat([output.metrics, extra], ignore_index=True)
        return output

    mp.setattr(pipeline, "process_batch", process_batch)
    try:
        out = tmp_path_factory.mktemp("injected-run") / "out"
        summary = run_flow(SEEDS, out)
    finally:
        mp.undo()
    assert injected, "no batch had a value fact to copy"
    return out, summary, injected


def test_bad_rows_land_in_the_runs_quarantine_file(injected_run):
    out, summary, injected = injected_run
    run_id = summary["run_id"]
    path = out / "quarantine" / f"{run_id}.parquet"
    assert path.is_file(), sorted(p.name for p in (out / "quarantine").iterdir())
    quarantine = pd.read_parquet(path)
    validated = quarantine[quarantine["stage"] == "validate"]
    assert (validated["run_id"] == run_id).all()
    # nothing but the injected facts is quarantined (a table derived from metrics may flag
    # its own row for an injected fact too)
    bad_ids = {row["fact_id"] for row in injected.values()}
    assert {json.loads(r)["fact_id"] for r in validated["record"]} == bad_ids
    flagged = validated[validated["source"] == "metrics"]
    assert len(flagged) == len(injected), flagged

    by_reason = {row.reason: row for row in flagged.itertuples()}
    assert set(by_reason) == set(injected)  # the reason is the failed expectation's name, alone
    for name, bad in injected.items():
        row = by_reason[name]
        record = json.loads(row.record)
        assert record["fact_id"] == bad["fact_id"]
        assert row.doc_id == bad["doc_id"] == record["doc_id"]
        for column in ("measure", "flow", "value", "unit", "reporter", "partner", "quote"):
            assert _null_as_none(record[column]) == bad[column], (name, column, record[column], bad[column])
        assert name in row.detail
    reasons = {r: n for r, n in summary["quarantine_reasons"].items() if r.startswith("metrics.")}
    assert reasons == {name: 1 for name in injected}
    runs = pd.read_parquet(out / "runs" / f"{run_id}.parquet")
    assert runs["quarantined"].item() == len(quarantine) == summary["quarantined"]


def test_quarantined_record_is_the_row_as_strict_json(injected_run):
    out, summary, injected = injected_run
    quarantine = pd.read_parquet(out / "quarantine" / f"{summary['run_id']}.parquet")
    records = {}
    for text in quarantine.loc[quarantine["source"] == "metrics", "record"]:
        record = json.loads(text, parse_constant=_reject)  # NaN and Infinity are not JSON
        records[record["fact_id"]] = record
    for bad in injected.values():
        record = records[bad["fact_id"]]
        for column, value in bad.items():
            expected = list(value) if column == "statuses" else value
            assert record[column] == expected, (column, record[column])


def _reject(constant: str):
    raise ValueError(f"{constant} is not JSON")


def _null_as_none(value):
    return None if isinstance(value, float) and value != value else value


def test_good_rows_publish_and_the_output_validates(injected_run, seeds_run):
    out, summary, injected = injected_run
    clean_out, _ = seeds_run
    metrics = pd.read_parquet(out / "metrics.parquet")
    clean = pd.read_parquet(clean_out / "metrics.parquet")
    assert len(clean) > 0
    assert not set(metrics["fact_id"]) & {row["fact_id"] for row in injected.values()}
    columns = [c for c in clean.columns if c not in ("run_id", "statuses")]
    published = metrics[columns].sort_values("fact_id", ignore_index=True).astype(str)
    expected = clean[columns].sort_values("fact_id", ignore_index=True).astype(str)
    pd.testing.assert_frame_equal(published, expected)  # every good fact, unchanged
    for name in ("documents", "mentions"):
        rows = len(pd.read_parquet(out / f"{name}.parquet"))
        assert rows == len(pd.read_parquet(clean_out / f"{name}.parquet")), name
    assert summary["validation"] == "passed"
    assert validate_directory(out) == (0, [])  # what was published passes every suite


# ---------------------------------------------------------------------------
# The validation report named in the run summary
# ---------------------------------------------------------------------------


def _n_expectations(table: str) -> int:
    return len(json.loads((SUITES_DIR / f"{table}.json").read_text(encoding="utf-8"))["expectations"])


def _report_counts(html: str) -> dict[str, tuple[int, int]]:
    """(passed, failed) per suite, from the summary table and from each suite's section."""
    counts = {}
    for suite, cells in re.findall(r'<tr data-suite="([^"]+)">(.*?)</tr>', html, re.S):
        passed = int(re.search(r'class="num n-passed">(\d+)<', cells).group(1))
        failed = int(re.search(r'class="num n-failed">(\d+)<', cells).group(1))
        section = re.search(rf'<section id="suite-{re.escape(suite)}" [^>]*>(.*?)</section>', html, re.S)
        assert section, f"no section for suite {suite}"
        assert f"<code>{suite}</code>" in section.group(1)
        assert f"{passed} passed, {failed} failed of {passed + failed} expectations" in section.group(1)
        counts[suite] = (passed, failed)
    return counts


def _report(out: Path, summary: dict) -> str:
    path = Path(summary["report"])
    assert path.is_file(), path
    assert path.resolve().parent == (out / "reports").resolve()
    assert summary["run_id"] in path.name
    return path.read_text(encoding="utf-8")


def test_clean_run_report_holds_every_suite_it_ran(seeds_run):
    out, summary = seeds_run
    counts = _report_counts(_report(out, summary))
    assert set(write.SNAPSHOT_TABLES) <= set(counts)
    for suite, (passed, failed) in counts.items():
        assert (passed, failed) == (_n_expectations(suite), 0), suite
    assert f"{len(counts)} of {len(counts)} suites passed" in _report(out, summary)


def test_injected_run_report_counts_the_failed_expectations(injected_run):
    out, summary, injected = injected_run
    html = _report(out, summary)
    counts = _report_counts(html)
    total = _n_expectations("metrics")
    assert counts["metrics"] == (total - len(injected), len(injected))
    for name in injected:
        assert re.search(rf'<tr class="failed" data-expectation="{re.escape(name)}">', html), name
    for suite in ("documents", "mentions"):
        assert counts[suite] == (_n_expectations(suite), 0), suite


def test_run_report_holds_every_suite(seeds_run):
    out, summary = seeds_run
    counts = _report_counts(_report(out, summary))
    assert set(TABLES) <= set(counts), sorted(set(TABLES) - set(counts))
