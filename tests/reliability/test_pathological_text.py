"""Pathological text: per-document work stays bounded.

No pattern may backtrack for long and no step may grow faster than the text:
a 500 KB line and 200 KB of "1,1,1,..." go through clean and extract within
a pytest timeout (the guard against a hang; speed itself is for benchmarks/).
"""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from stages.clean import (MAX_DOCUMENT_NUMBERS, MAX_SENTENCE_CHARS, MAX_SENTENCE_NUMBERS, _NUMBER, _pieces,
                          clean_documents, split_sentences)
from stages.extract import extract_metrics
from tests.reliability.hostile import SEEDS, digit_run_text, long_line_text, number_dump_text


def _run_stages(text: str):
    docs = pd.DataFrame([{"doc_id": "d", "source": "patho.txt", "text": text, "published": None, "title": None}])
    cleaned = clean_documents(docs)
    return cleaned, extract_metrics(docs, cleaned.kept)


def _assert_sentences_are_raw_spans(text: str, sentences: pd.DataFrame) -> None:
    assert all(end - start <= MAX_SENTENCE_CHARS for start, end in zip(sentences["start"], sentences["end"]))
    assert (sentences["start"].diff().dropna() > 0).all()
    for start, end in zip(sentences["start"], sentences["end"]):
        span = text[start:end]
        assert span == span.strip() and span
        assert len(_NUMBER.findall(span)) <= MAX_SENTENCE_NUMBERS + 1  # + a number cut at a piece's start


@pytest.mark.timeout(120)
def test_a_500_kb_line_is_cut_into_bounded_sentences_and_extracted():
    text = long_line_text()
    cleaned, extracted = _run_stages(text)
    assert cleaned.counts["sentences_cut"] == 1
    assert len(cleaned.kept) >= len(text) // MAX_SENTENCE_CHARS
    _assert_sentences_are_raw_spans(text, cleaned.kept)
    if len(extracted.quarantine):  # a slow machine: over the time budget, quarantined, not hung
        assert list(extracted.quarantine["reason"]) == ["time_budget_exceeded"]
    else:
        assert len(extracted.metrics) > 0
        for start, end, sentence in zip(extracted.mentions["char_start"], extracted.mentions["char_end"],
                                        extracted.mentions["sentence"]):
            assert text[start:end] in sentence and len(sentence) <= MAX_SENTENCE_CHARS


@pytest.mark.timeout(60)
@pytest.mark.parametrize("unit", ["1%", "12.5%, 3.4 bn, 1,000 t; "])
def test_a_megabyte_of_numbers_is_quarantined_before_extraction(unit):
    text = number_dump_text() if unit != "1%" else unit * 500_000
    cleaned, extracted = _run_stages(text)
    assert cleaned.kept.empty and list(cleaned.quarantine["reason"]) == ["too_many_numbers"]
    assert f"limit of {MAX_DOCUMENT_NUMBERS}" in cleaned.quarantine["detail"].item()


@pytest.mark.timeout(60)
def test_200_kb_of_one_comma_one_finishes_with_no_facts():
    text = digit_run_text()
    cleaned, extracted = _run_stages(text)
    _assert_sentences_are_raw_spans(text, cleaned.kept)
    assert extracted.metrics.empty and extracted.quarantine.empty


@pytest.mark.timeout(60)
@pytest.mark.parametrize("text", [
    "1" * 300_000,  # one number that never ends
    "1,000" * 60_000,  # thousands separators without end
    "$1 billion $2 billion " * 2_400,  # amounts without a sentence end
    "trade rose 1% " * 4_900,  # just under the document's limit of numbers: the worst per-number work
    "." * 100_000 + " " * 100_000 + "A",  # boundary lookahead over a long run of spaces
    '."' * 100_000,  # closing quotes after every full stop (a line of furniture)
    "exports rose by 5 percent to\n" * 4_000,  # a sentence wrapped over many lines
], ids=["digits", "thousands", "money", "percents", "dots-spaces", "dot-quotes", "wrapped-lines"])
def test_other_pathological_texts_finish(text):
    cleaned, extracted = _run_stages(text)
    _assert_sentences_are_raw_spans(text, cleaned.kept)
    assert set(extracted.quarantine["reason"]) <= {"time_budget_exceeded"}


@pytest.mark.timeout(30)
def test_a_sentence_wrapped_over_60000_lines_is_split_in_linear_time():
    text = "exports rose by five percent to\n" * 60_000  # 1.9 MB in one paragraph
    sentences = split_sentences(text)
    assert len(sentences) >= len(text) // MAX_SENTENCE_CHARS
    assert all(s.end - s.start <= MAX_SENTENCE_CHARS for s in sentences)


def test_pieces_of_an_overlong_sentence_cover_it_and_prefer_clause_ends():
    text = "; ".join(f"exports of item {i} rose {i}%" for i in range(200))
    pieces = _pieces(text, 0, len(text))
    assert all(e - s <= MAX_SENTENCE_CHARS for s, e in pieces)
    assert all(len(_NUMBER.findall(text[s:e])) <= MAX_SENTENCE_NUMBERS for s, e in pieces)
    assert len(pieces) > len(text) // MAX_SENTENCE_CHARS + 1  # the numbers, not the length, set the cuts
    assert "".join(text[s:e] for s, e in pieces).replace(";", "").replace(" ", "") == \
        text.replace(";", "").replace(" ", "")
    assert all(text[e - 1] == ";" for s, e in pieces[:-1])  # cut after a clause, not inside one
    unbroken = "x" * (3 * MAX_SENTENCE_CHARS + 5)
    assert _pieces(unbroken, 0, len(unbroken)) == [(0, 1000), (1000, 2000), (2000, 3000), (3000, 3005)]


def test_real_sentences_are_never_cut():
    counts: Counter = Counter()
    for path in sorted(SEEDS.glob("*.txt")):
        split_sentences(path.read_text(encoding="utf-8"), counts)
    assert counts["sentences"] > 50 and counts["sentences_cut"] == 0


def test_a_text_whose_cleaning_raises_is_quarantined_and_the_others_cleaned(monkeypatch):
    import stages.clean as clean

    real = clean._split_normalised  # what clean_documents splits with

    def fragile(raw, *args):
        if "boom" in raw:
            raise ValueError("unexpected text")
        return real(raw, *args)

    monkeypatch.setattr(clean, "_split_normalised", fragile)
    docs = pd.DataFrame([{"doc_id": "a", "source": "a.txt", "text": "Trade rose 5%. boom"},
                         {"doc_id": "b", "source": "b.txt", "text": "Trade rose 5% in 2021."}])
    cleaned = clean_documents(docs)
    assert set(cleaned.kept["doc_id"]) == {"b"}
    row = cleaned.quarantine.iloc[0]
    assert (row.source, row.reason, row.detail) == ("a.txt", "clean_error", "ValueError: unexpected text")
