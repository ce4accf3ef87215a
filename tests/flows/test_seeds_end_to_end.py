"""The main job on seeds/, end to end through `tradeclaims run`."""

from __future__ import annotations

import hashlib
import shutil

import pandas as pd
import pytest

from tests.flows.conftest import ROOT, SHARED, score

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def seeds_out(tmp_path_factory, run_cli):
    out = tmp_path_factory.mktemp("seeds-out")
    run_cli("run", "--input", "seeds", "--out", str(out))
    return out


def _digests(out):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.glob("*.parquet"))}


def test_seed_gold_scores_perfectly(seeds_out):
    result = score(SHARED / "gold" / "seeds.jsonl", seeds_out)
    assert result["gold_facts"] == 16
    assert result["f1"] == 1.0, result
    for key in ("period_accuracy", "flow_accuracy", "qualifier_accuracy", "countries_accuracy"):
        assert result[key] == 1.0, (key, result)


def test_quotes_and_mention_offsets_point_into_the_raw_text(seeds_out):
    docs = pd.read_parquet(seeds_out / "documents.parquet")
    metrics = pd.read_parquet(seeds_out / "metrics.parquet")
    mentions = pd.read_parquet(seeds_out / "mentions.parquet")
    raw = {d: (ROOT / "seeds" / s).read_text(encoding="utf-8") for d, s in zip(docs.doc_id, docs.source)}
    assert len(metrics) > 0 and len(mentions) >= len(metrics)
    for doc_id, quote in zip(metrics.doc_id, metrics.quote):
        assert quote and quote in raw[doc_id]
    for row in mentions.itertuples():
        text = raw[row.doc_id]
        assert 0 <= row.char_start < row.char_end <= len(text)
        span = text[row.char_start:row.char_end]
        assert span in row.sentence
        assert row.sentence in text
    assert set(mentions.fact_id) == set(metrics.fact_id)


def test_tables_follow_the_contract(seeds_out):
    from stages.schemas import TABLES
    import pyarrow.parquet as pq

    for name in ("documents", "metrics", "mentions"):
        assert pq.read_schema(seeds_out / f"{name}.parquet").names == TABLES[name].names
    for name in ("quarantine", "runs"):
        files = list((seeds_out / name).glob("*.parquet"))
        assert files and pq.read_schema(files[0]).names == TABLES[name].names
    docs = pd.read_parquet(seeds_out / "documents.parquet")
    assert docs.doc_id.is_unique and (docs.published_from == "manifest").all()
    runs = pd.read_parquet(seeds_out / "runs")
    assert runs.iloc[-1].validation == "passed" and runs.iloc[-1].documents_new == 5


def test_rerun_writes_nothing_new_and_adding_a_file_processes_only_it(seeds_out, run_cli, tmp_path):
    before = _digests(seeds_out)
    run_cli("run", "--input", "seeds", "--out", str(seeds_out))
    assert _digests(seeds_out) == before
    runs = pd.read_parquet(seeds_out / "runs").sort_values("started_at")
    assert runs.iloc[-1].facts_written == 0 and runs.iloc[-1].documents_skipped == 5

    grown = tmp_path / "in"
    shutil.copytree(ROOT / "seeds", grown)
    (grown / "extra.txt").write_text("Bilateral trade between India and the UAE rose 16% to $84.5 billion "
                                     "in 2022, the commerce ministry said.\n", encoding="utf-8")
    run_cli("run", "--input", str(grown), "--out", str(seeds_out))
    runs = pd.read_parquet(seeds_out / "runs").sort_values("started_at")
    last = runs.iloc[-1]
    assert (last.documents_new, last.documents_skipped) == (1, 5)
    metrics = pd.read_parquet(seeds_out / "metrics.parquet")
    docs = pd.read_parquet(seeds_out / "documents.parquet")
    extra = docs.loc[docs.source == "extra.txt", "doc_id"].item()
    assert sorted(metrics.loc[metrics.doc_id == extra, "measure"]) == ["growth", "value"]
