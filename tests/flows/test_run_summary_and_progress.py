"""The run summary artifact's content and the console progress bar."""

from __future__ import annotations

import io
import json

from flows.progress import BatchProgress
from flows.run_summary import stage_count_rows, summary_markdown

SUMMARY = {
    "run_id": "20261123T000000Z-abcdef", "input": "seeds", "output": "out", "validation": "passed",
    "files_seen": 7, "documents_new": 5, "documents_skipped": 1, "duplicates": 1, "files_skipped": 0,
    "quarantined": 3, "sentences": 120, "facts_written": 16, "mentions_written": 20,
    "counts_json": json.dumps({"ingest_read": 6, "extract_facts": 16, "clean_sentences": 120}),
    "quarantine_reasons": {"duplicate": 1, "metrics.share_in_0_100": 2},
    "facts_by_measure": {"value": 13, "growth": 3}, "published": ["documents", "metrics", "runs"],
}


def test_summary_markdown_has_counts_per_stage_quarantine_reasons_and_facts_per_measure():
    md = summary_markdown(SUMMARY)
    assert "# tradeclaims run 20261123T000000Z-abcdef" in md
    assert "| facts written | 16 |" in md and "| documents skipped (already published) | 1 |" in md
    assert "## Counts per stage" in md and "| ingest_read | 6 |" in md and "| extract_facts | 16 |" in md
    reasons = md.split("## Quarantine reasons")[1].split("##")[0]
    assert reasons.index("metrics.share_in_0_100 | 2") < reasons.index("duplicate | 1")  # most first
    assert "| value | 13 |" in md and "| growth | 3 |" in md
    assert "Tables written: documents, metrics, runs" in md


def test_summary_markdown_of_a_quiet_run_says_none():
    md = summary_markdown({**SUMMARY, "quarantine_reasons": {}, "facts_by_measure": {}})
    assert md.count("\nnone\n") == 2


def test_stage_count_rows_are_per_stage():
    rows = stage_count_rows(SUMMARY)
    assert rows == [{"stage": "clean", "count": "clean_sentences", "value": 120},
                    {"stage": "extract", "count": "extract_facts", "value": 16},
                    {"stage": "ingest", "count": "ingest_read", "value": 6}]


def test_progress_off_prints_nothing():
    stream = io.StringIO()
    with BatchProgress(False, 10, 3, stream=stream) as bar:
        for _ in range(4):
            bar.batch_done()
    assert stream.getvalue() == ""


def test_progress_on_a_non_terminal_prints_one_plain_line_per_batch():
    stream = io.StringIO()
    with BatchProgress(True, 10, 4, stream=stream) as bar:
        for _ in range(3):
            bar.batch_done()
    assert stream.getvalue().splitlines() == ["tradeclaims documents 4/10 (40%)", "tradeclaims documents 8/10 (80%)",
                                              "tradeclaims documents 10/10 (100%)"]
    assert "\x1b" not in stream.getvalue()


def test_progress_on_a_terminal_draws_a_bar():
    class Tty(io.StringIO):
        def isatty(self):
            return True

    stream = Tty()
    with BatchProgress(True, 5, 2, stream=stream) as bar:
        for _ in range(3):
            bar.batch_done()
    text = stream.getvalue()
    assert "tradeclaims" in text and "documents" in text and "5/5" in text
    assert "━" in text  # the bar itself
