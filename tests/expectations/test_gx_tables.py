"""The documents, mentions, quarantine and runs suites, and empty tables of all five."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from expectations.runner import validate_table
from stages.schemas import TABLES


def _failed(validation) -> set[str]:
    return {o.name for o in validation.outcomes if not o.success}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_valid_rows_pass(table, valid_rows, frame) -> None:
    v = validate_table(table, frame(table, valid_rows(table)))
    assert _failed(v) == set(), [o for o in v.outcomes if not o.success]
    assert v.passed and v.bad_rows == {}


@pytest.mark.parametrize("table", sorted(TABLES))
def test_empty_table_passes(table, frame) -> None:
    v = validate_table(table, frame(table, []))
    assert v.passed
    assert all(o.success for o in v.outcomes), [o for o in v.outcomes if not o.success]


TODAY = dt.date.today()

# (case id, table, row to corrupt, overrides, expectation expected to fail)
ROW_CORRUPTIONS = [
    ("sha256_upper_case", "documents", 0, {"sha256": "A" * 64}, "documents.sha256_format"),
    ("sha256_short", "documents", 1, {"sha256": "ab12"}, "documents.sha256_format"),
    ("doc_id_not_hex", "documents", 2, {"doc_id": "not-a-hex-id!!!!"}, "documents.doc_id_format"),
    ("published_future", "documents", 0, {"published": TODAY + dt.timedelta(days=400)},
     "documents.published_in_range"),
    ("published_before_1900", "documents", 2, {"published": dt.date(1899, 12, 31)},
     "documents.published_in_range"),
    ("published_from_unknown", "documents", 0, {"published_from": "guess"},
     "documents.published_from_in_set"),
    ("date_but_from_none", "documents", 0, {"published_from": "none"},
     "documents.published_null_when_from_none"),
    ("from_text_but_no_date", "documents", 2, {"published": None}, "documents.published_set_when_dated"),
    ("negative_n_chars", "documents", 1, {"n_chars": -1}, "documents.n_chars_non_negative"),
    ("null_source", "documents", 1, {"source": None}, "documents.source_not_null"),
    ("null_fact_id", "mentions", 1, {"fact_id": None}, "mentions.fact_id_not_null"),
    ("null_doc_id", "mentions", 2, {"doc_id": None}, "mentions.doc_id_not_null"),
    ("negative_start", "mentions", 2, {"char_start": -1}, "mentions.char_start_non_negative"),
    ("end_equals_start", "mentions", 1, {"char_end": 900}, "mentions.char_end_after_start"),
    ("end_before_start", "mentions", 0, {"char_end": 10}, "mentions.char_end_after_start"),
    ("null_sentence", "mentions", 0, {"sentence": None}, "mentions.sentence_not_null"),
    ("unknown_stage", "quarantine", 1, {"stage": "load"}, "quarantine.stage_in_set"),
    ("null_reason", "quarantine", 0, {"reason": None}, "quarantine.reason_not_null"),
    ("null_run_id", "quarantine", 1, {"run_id": None}, "quarantine.run_id_not_null"),
    ("record_not_json", "quarantine", 0, {"record": "{value: 140"}, "quarantine.record_json"),
    ("negative_count", "runs", 1, {"facts_written": -3}, "runs.facts_written_non_negative"),
    ("validation_unknown", "runs", 0, {"validation": "ok"}, "runs.validation_in_set"),
    ("finished_before_started", "runs", 0, {"finished_at": dt.datetime(2026, 10, 1, tzinfo=dt.timezone.utc)},
     "runs.finished_after_started"),
    ("counts_not_json", "runs", 1, {"counts_json": "facts=3"}, "runs.counts_json"),
]


@pytest.mark.parametrize(("table", "row_index", "overrides", "expected"),
                         [c[1:] for c in ROW_CORRUPTIONS], ids=[c[0] for c in ROW_CORRUPTIONS])
def test_row_corruption_fails_named_expectation(
    valid_rows, frame, table, row_index, overrides, expected
) -> None:
    rows = valid_rows(table)
    rows[row_index].update(overrides)
    v = validate_table(table, frame(table, rows), max_bad_row_share=1.0)
    assert expected in _failed(v)
    assert set(v.bad_rows) == {row_index}, v.bad_rows
    assert expected in v.bad_rows[row_index]
    assert v.passed


@pytest.mark.parametrize(
    ("table", "mutate", "expected"),
    [
        ("documents", lambda rows: rows.append(dict(rows[0], source="copy.txt")), "documents.doc_id_unique"),
        ("mentions", lambda rows: rows.append(dict(rows[0])), "mentions.mention_unique"),
        ("runs", lambda rows: rows.append(dict(rows[0])), "runs.run_id_unique"),
    ],
    ids=["documents_duplicate_doc_id", "mentions_duplicate", "runs_duplicate_run_id"],
)
def test_duplicate_ids_fail_the_table(valid_rows, frame, table, mutate, expected) -> None:
    rows = valid_rows(table)
    mutate(rows)
    v = validate_table(table, frame(table, rows))
    assert expected in v.table_failures
    assert not v.passed


def test_published_today_passes(valid_rows, frame) -> None:
    rows = valid_rows("documents")
    rows[0]["published"] = TODAY
    assert validate_table("documents", frame("documents", rows)).passed
    assert not validate_table("documents", frame("documents", rows)).bad_rows


def test_published_as_datetime64_is_accepted(valid_rows, frame) -> None:
    df = frame("documents", valid_rows("documents"))
    df["published"] = pd.to_datetime(df["published"])
    v = validate_table("documents", df)
    assert v.passed and not v.bad_rows, [o for o in v.outcomes if not o.success]


def test_unknown_table_is_an_error(frame) -> None:
    with pytest.raises(ValueError, match="unknown table"):
        validate_table("facts", pd.DataFrame())


def test_gx_keeps_no_copy_of_a_validated_table(valid_rows, frame, monkeypatch) -> None:
    """The frame GX validated (the table plus helper columns) is freed when validation returns."""
    import gc
    import weakref

    import expectations.runner as runner

    made = []
    derive = runner.add_derived_columns

    def tracked(table, df):
        out = derive(table, df)
        made.append(weakref.ref(out))
        return out

    monkeypatch.setattr(runner, "add_derived_columns", tracked)
    assert validate_table("metrics", frame("metrics", valid_rows("metrics"))).passed
    gc.collect()
    assert made and made[0]() is None
