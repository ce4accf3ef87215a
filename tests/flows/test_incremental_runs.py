"""Incremental and idempotent runs through `tradeclaims run`, and the report of a real output.

A rerun on the same input writes no new fact and leaves every published file
byte-identical (only the new run's own `runs/` and `quarantine/` files are
added); a changed file replaces exactly that document's rows. (Adding a file
is covered in test_seeds_end_to_end.py.)
"""

from __future__ import annotations

import hashlib
import json
import shutil
from html.parser import HTMLParser

import pandas as pd
import pytest

from stages.report_data import period_span
from tests.flows.conftest import ROOT

pytestmark = pytest.mark.slow

CHANGED = "004_a62c5b6c4b61e362.txt"


def _files(out):
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(out.rglob("*")) if p.is_file() and p.name != ".lock"}


class _Circles(HTMLParser):
    def __init__(self):
        super().__init__()
        self.facts = []

    def handle_starttag(self, tag, attrs):
        if tag == "circle" and dict(attrs).get("data-fact"):
            self.facts.append(dict(attrs)["data-fact"])


def test_rerun_is_idempotent_and_a_changed_file_replaces_only_its_rows(run_cli, tmp_path):
    inp, out = tmp_path / "in", tmp_path / "out"
    shutil.copytree(ROOT / "seeds", inp)

    first = run_cli("run", "--input", str(inp), "--out", str(out), "--progress", "--batch-size", "2")
    # --progress on a non-terminal: one plain line per batch, no bar codes in a log
    assert [ln for ln in first.stderr.splitlines() if ln.startswith("tradeclaims documents")] == [
        "tradeclaims documents 2/5 (40%)", "tradeclaims documents 4/5 (80%)", "tradeclaims documents 5/5 (100%)"]
    before = _files(out)
    docs0 = pd.read_parquet(out / "documents.parquet")
    metrics0 = pd.read_parquet(out / "metrics.parquet")

    # the same input again: nothing new, nothing published rewritten
    second = json.loads(run_cli("run", "--input", str(inp), "--out", str(out), "--json").stdout)
    assert (second["documents_new"], second["documents_skipped"], second["facts_written"]) == (0, 5, 0)
    after = _files(out)
    assert {k: after[k] for k in before} == before
    added = sorted(set(after) - set(before))
    run_id = second["run_id"]
    assert [a for a in added if not a.startswith("reports/")] == [f"quarantine/{run_id}.parquet",
                                                                  f"runs/{run_id}.parquet"]
    runs = pd.read_parquet(out / "runs").sort_values("started_at", ignore_index=True)
    assert list(runs["facts_written"]) == [len(metrics0), 0]
    assert list(runs["documents_new"]) == [5, 0] and list(runs["files_seen"]) == [5, 5]

    # one file's content changes: that document is replaced, the other four stay as they were
    path = inp / CHANGED
    path.write_text(path.read_text(encoding="utf-8").replace("$240 billion", "$250 billion"), encoding="utf-8")
    third = json.loads(run_cli("run", "--input", str(inp), "--out", str(out), "--json").stdout)
    assert (third["documents_new"], third["documents_skipped"]) == (1, 4)
    docs = pd.read_parquet(out / "documents.parquet")
    metrics = pd.read_parquet(out / "metrics.parquet")
    mentions = pd.read_parquet(out / "mentions.parquet")
    old_id = docs0.loc[docs0.source == CHANGED, "doc_id"].item()
    new_id = docs.loc[docs.source == CHANGED, "doc_id"].item()
    assert new_id != old_id and len(docs) == 5
    assert old_id not in set(metrics.doc_id) | set(mentions.doc_id)
    assert 2.5e11 in set(metrics.loc[metrics.doc_id == new_id, "value"])
    assert 2.4e11 not in set(metrics.loc[metrics.doc_id == new_id, "value"])
    kept0 = metrics0[metrics0.doc_id != old_id].reset_index(drop=True)
    kept = metrics[metrics.doc_id != new_id].reset_index(drop=True)
    pd.testing.assert_frame_equal(kept, kept0)  # run ids included: they were not reprocessed
    assert third["facts_written"] == (metrics.doc_id == new_id).sum()

    # the report of this output draws one point per value fact with a period
    proc = run_cli("report", str(out))
    parser = _Circles()
    parser.feed((out / "report.html").read_text(encoding="utf-8"))
    values = metrics[metrics.measure == "value"]
    dated = values[[period_span(p) is not None for p in values.period]]
    assert len(dated) > 0 and sorted(parser.facts) == sorted(dated.fact_id)
    assert proc.stdout.strip() == str(out / "report.html")
