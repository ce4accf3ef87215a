"""Claims on seeds/ reconciled with the embedded reference, end to end through `tradeclaims run`."""

from __future__ import annotations

import json
import re
import shutil

import pandas as pd
import pytest

from stages.reconcile import VERDICTS
from stages.reference_tables import DEFAULT_REFERENCE_DIR

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeds_run(tmp_path_factory, run_cli):
    out = tmp_path_factory.mktemp("reconcile-out")
    proc = run_cli("run", "--input", "seeds", "--out", str(out), "--json")
    return out, json.loads(proc.stdout)


def _reference_total(year: int) -> float:
    ref = pd.read_csv(DEFAULT_REFERENCE_DIR / "trade-statistics.csv")
    return float(ref.loc[(ref.flow == "total") & (ref.year == year), "value"].item())


def _by_quote(rec: pd.DataFrame, text: str, measure: str = "value") -> pd.Series:
    hit = rec[rec.quote.str.contains(text, regex=False) & (rec.measure == measure)]
    assert len(hit) == 1, (text, rec.quote.tolist())
    return hit.iloc[0]


def test_seed_claims_get_their_verdicts(seeds_run):
    out, _ = seeds_run
    rec = pd.read_parquet(out / "reconciliation.parquet")
    metrics = pd.read_parquet(out / "metrics.parquet")
    assert sorted(rec.fact_id) == sorted(metrics.fact_id)

    over_146 = _by_quote(rec, "$146 billion")
    assert (over_146.verdict, over_146.year, over_146.other_year) == ("matches_other_year", 2020, 2021)
    assert over_146.reference_value == _reference_total(2020)
    assert over_146.other_value == _reference_total(2021)
    assert over_146.source and "Customs" in over_146.source

    growth = _by_quote(rec, "35.8 percent", measure="growth")
    assert (growth.verdict, growth.year, growth.other_year) == ("matches_other_year", 2020, 2021)
    assert growth.other_value == pytest.approx((_reference_total(2021) / _reference_total(2020) - 1) * 100)

    last_year = _by_quote(rec, "$240 billion")
    assert (last_year.verdict, last_year.year) == ("consistent", 2023)
    assert last_year.ratio == pytest.approx(240e9 / _reference_total(2023))

    mark = rec[(rec.period == "2018") & (rec.measure == "value")].iloc[0]
    assert (mark.verdict, mark.year) == ("consistent", 2018)

    targets = set(metrics.loc[metrics.status.isin(["target", "forecast"]), "fact_id"])
    assert targets and set(rec.loc[rec.fact_id.isin(targets), "verdict"]) == {"not_comparable"}
    undated_actual = rec.fact_id.isin(metrics.loc[metrics.status == "actual", "fact_id"]) & rec.period.isna()
    assert undated_actual.any() and set(rec.loc[undated_actual, "reason"]) == {"no period"}


def test_summary_counts_verdicts(seeds_run):
    out, summary = seeds_run
    rec = pd.read_parquet(out / "reconciliation.parquet")
    assert summary["reconciliation"] == {v: int((rec.verdict == v).sum()) for v in VERDICTS}
    counts = json.loads(pd.read_parquet(out / "runs").iloc[-1].counts_json)
    assert {v: counts[f"reconcile_{v}"] for v in VERDICTS} == summary["reconciliation"]


def test_a_corrupted_reference_fails_the_run_and_publishes_nothing(run_cli, tmp_path):
    ref = tmp_path / "reference"
    shutil.copytree(DEFAULT_REFERENCE_DIR, ref)
    table = pd.read_csv(ref / "trade-statistics.csv", dtype=str)
    table.loc[(table.flow == "export") & (table.year == "2024"), "value"] = "15490000000"
    table.loc[(table.flow == "total") & (table.year == "2019"), "unit"] = "US$"
    table.to_csv(ref / "trade-statistics.csv", index=False)
    out = tmp_path / "out"
    proc = run_cli("run", "--input", "seeds", "--out", str(out), "--reference", str(ref), check=False)
    assert proc.returncode == 1, proc.stderr[-2000:]
    failed = r"reference\.(\w+) failed \(1 unexpected of \d+; e\.g\. (.+?); row CHN-RUS total (\d{4})\)"
    assert set(re.findall(failed, proc.stderr)) == {("total_equals_parts", "False", "2024"),
                                                     ("unit_iso4217", "'US$'", "2019")}
    assert not list(out.glob("*.parquet")) and not (out / "runs").exists()
