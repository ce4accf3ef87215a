"""Extraction quality on labelled realistic articles, scored by the project's scorer.

tests/devset/ holds 20 realistic news pages with gold facts per the spec. The
real stages (ingest → clean → extract) run on them in-process, the tables are
written as Parquet, and ../shared/eval/score.py scores them. The bar is the
product's goal, with margin below the current figures so that a regression
fails loudly and a change that trades a little accuracy for generality does not.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from stages import write
from stages.batch import process_batch
from stages.ingest import list_input_files, read_manifest

ROOT = Path(__file__).resolve().parents[1]
SCORER = ROOT.parent / "shared" / "eval" / "score.py"
SETS = [ROOT / "tests" / "devset"]


@pytest.mark.parametrize("labelled", SETS, ids=lambda p: p.name)
def test_labelled_articles_score_above_the_goal(labelled, tmp_path):
    docs_dir = labelled / "docs"
    batch = process_batch(list_input_files(docs_dir).kept, read_manifest(docs_dir).kept)
    assert batch.quarantine.empty, batch.quarantine.to_dict("records")
    out = tmp_path / "out"
    for name, df in (("documents", batch.documents), ("metrics", batch.metrics)):
        write.write_parquet(write.to_arrow(name, df.assign(run_id="test")), out / f"{name}.parquet")
    proc = subprocess.run([sys.executable, str(SCORER), str(labelled / "gold.jsonl"), str(out), "--json"],
                          capture_output=True, text=True, check=True)
    result = json.loads(proc.stdout)
    assert result["f1"] >= 0.95, result
    for key in ("period_accuracy", "flow_accuracy", "qualifier_accuracy", "countries_accuracy"):
        assert result[key] >= 0.9, (key, result)
