"""Counts reconcile: files_seen = documents + quarantined + duplicates + skipped."""

from __future__ import annotations

import json

import pandas as pd

from stages.accounting import file_fates
from stages.base import quarantine_frame, quarantine_row


def _q(*rows):
    return quarantine_frame([quarantine_row(stage, reason, "why", source=source, record=record)
                             for stage, reason, source, record in rows])


def _docs(*sources):
    return pd.DataFrame({"doc_id": [f"id-{s}" for s in sources], "source": list(sources)})


def test_each_file_is_counted_once_in_its_place():
    listed = pd.Series(["a.txt", "b.txt", "c.txt", "d.txt", "e.txt"])
    quarantine = _q(
        ("manifest", "manifest_missing_file", "manifest.csv:3", None),  # not a file of the input
        ("ingest", "skipped_symlink", "link.txt", None),
        ("ingest", "skipped_hidden", ".git/", None),
        ("ingest", "read_error", "locked/", None),  # a folder that could not be listed
        ("ingest", "empty", "b.txt", None),
        ("ingest", "duplicate", "c.txt", None),
        ("extract", "time_budget_exceeded", "d.txt", None),
        ("validate", "metrics.share_in_0_100", "metrics", json.dumps({"doc_id": "id-a.txt"})),
    )
    fates = file_fates(listed, quarantine, _docs("a.txt", "e.txt", "old.txt"))
    assert (fates.files_documents, fates.files_quarantined, fates.duplicates, fates.files_skipped) == (2, 3, 1, 2)
    assert fates.total == len(listed) + 3  # + the two skipped entries and the unlistable folder
    assert fates.unaccounted.empty


def test_a_document_dropped_by_validation_counts_as_quarantined():
    listed = pd.Series(["a.txt", "b.txt"])
    quarantine = _q(("validate", "documents.n_chars_non_negative", "documents",
                     json.dumps({"doc_id": "id-b.txt", "source": "b.txt"})),
                    ("validate", "documents.n_chars_non_negative", "documents",
                     json.dumps({"doc_id": "id-z.txt", "source": "z.txt"})))  # an earlier run's document
    fates = file_fates(listed, quarantine, _docs("a.txt"))
    assert (fates.files_documents, fates.files_quarantined) == (1, 1)
    assert fates.total == 2


def test_a_listed_file_found_nowhere_gets_an_unaccounted_row_instead_of_vanishing():
    fates = file_fates(pd.Series(["a.txt", "lost.txt"]), _q(), _docs("a.txt"))
    assert list(fates.unaccounted["source"]) == ["lost.txt"]
    assert list(fates.unaccounted["reason"]) == ["unaccounted"]
    assert fates.files_quarantined == 1 and fates.total == 2


def test_the_runs_suite_fails_a_run_whose_files_do_not_add_up():
    from expectations.runner import validate_table
    from stages.schemas import RUNS

    row = {f.name: 1 for f in RUNS if f.type == "int64"}
    row.update(run_id="r1", started_at=pd.Timestamp("2026-01-01", tz="UTC"),
               finished_at=pd.Timestamp("2026-01-01", tz="UTC"), input="in", output="out",
               validation="passed", counts_json="{}", files_seen=4)
    good = pd.DataFrame([row, {**row, "run_id": "r0", "files_documents": None, "files_quarantined": None}])
    assert validate_table("runs", good).passed  # r0: a run from before the columns existed
    bad = pd.DataFrame([{**row, "files_seen": 5}])
    assert validate_table("runs", bad, max_bad_row_share=1.0).bad_rows == {0: ["runs.files_accounted"]}
