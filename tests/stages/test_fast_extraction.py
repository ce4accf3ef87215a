"""The extractor's speed-ups change no result.

Each speed-up stands in for something slower that says the same: a gate
that skips sentences which cannot yield a metric, patterns run on the
lower-cased text instead of case-insensitively, word lists compiled as prefix
trees. Each is checked here against what it replaced, on every sentence of
the case table and of the labelled articles.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stages.extract as extract
from stages.clean import normalise, split_sentences
from stages.extract import amounts, core, countries, periods
from stages.extract.fast_patterns import lower, lowered, word_alternation
from tests.extraction_cases import load_cases, run_case

ARTICLES = sorted((Path(__file__).resolve().parents[1]).glob("*/docs/**/*.txt"))
CASES = load_cases()


def _sentences() -> list[str]:
    texts = [c["text"] for c in CASES] + [p.read_text(encoding="utf-8") for p in ARTICLES]
    out = []
    for text in texts:
        clean = normalise(text)
        out += [clean[s.start:s.end] for s in split_sentences(text)]
    return out


SENTENCES = _sentences()


def test_there_is_something_to_compare():
    assert len(CASES) > 300 and len(ARTICLES) >= 30 and len(SENTENCES) > 1000


def test_the_gate_drops_no_metric(monkeypatch):
    # with the gate open every sentence with a digit goes through every rule
    gated = [run_case(c) for c in CASES]
    monkeypatch.setattr(extract, "may_yield", lambda *args, **kwargs: True)
    assert [run_case(c) for c in CASES] == gated


def test_the_gate_drops_no_metric_of_the_labelled_articles(monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    gated = [extract.extract_text(t) for t in texts]
    monkeypatch.setattr(extract, "may_yield", lambda *args, **kwargs: True)
    assert [extract.extract_text(t) for t in texts] == gated


# the routes to a metric that need no trade word in the sentence itself
GATE_STORIES = [
    "Trade between Russia and China grew fast. Exports and imports both rose. "
    "Officials said they passed the 200 billion mark in 2023.",
    "Vietnam's trade with China kept growing. Vietnam's exports to China were strong. "
    "In dollar terms, it amounted to $60.5 billion in 2022.",
    "Trade between India and the UAE rose again in 2023. Exports led the way. "
    "Officials expect to cross the $100 billion line by 2030.",
]


@pytest.mark.parametrize("story", GATE_STORIES)
def test_the_gate_lets_through_marks_and_pronouns(story, monkeypatch):
    from datetime import date
    gated = extract.extract_text(story, date(2024, 1, 10))
    assert gated, "the story has a metric"
    monkeypatch.setattr(extract, "may_yield", lambda *args, **kwargs: True)
    assert extract.extract_text(story, date(2024, 1, 10)) == gated


def test_the_gate_does_skip_sentences():
    skipped = [s for s in SENTENCES if core.HAS_DIGIT(s)
               and not core.may_yield(s, amounts.find_amounts(s), prev_trade=False)]
    assert len(skipped) > 50


@pytest.mark.parametrize("name, case_insensitive, on_lower_case", [
    ("topic words", core._TOPIC, core._TOPIC_LOWERED),
    ("change words", re.compile(core._CHANGE.pattern, re.I), core._CHANGE),
    ("goal words", core._TARGET, core._TARGET_LOWERED),
    ("period anchors", periods._ANCHOR, periods._ANCHOR_LOWERED),
    ("period expressions", periods._P, periods._P_LOWERED),
])
def test_a_lowered_pattern_finds_what_the_case_insensitive_one_finds(name, case_insensitive, on_lower_case):
    for s in SENTENCES + [s.upper() for s in SENTENCES[:300]]:
        want = [(m.span(), m.lastgroup) for m in case_insensitive.finditer(s)]
        assert [(m.span(), m.lastgroup) for m in on_lower_case.finditer(lower(s))] == want, s


def test_lower_keeps_every_offset():
    text = "İSTANBUL exports ẞ rose 5%"  # "İ".lower() is two characters
    assert len(lower(text)) == len(text)
    assert lower(text)[1:] == text.lower()[2:]


@pytest.mark.parametrize("pattern", [r"\S+", r"\W", r"\bA\B", r"(?-i:may)", r"(?P<Up>x)"])
def test_a_pattern_that_lower_case_would_change_is_refused(pattern):
    with pytest.raises(ValueError):
        lowered(pattern)


WORD_LISTS = {
    "prefix currencies": list(amounts.PREFIX_CURRENCY),
    "suffix currencies": list(amounts.SUFFIX_CURRENCY),
    "volume units": list(amounts.VOLUME_UNITS),
    "country names": list(countries.surface_forms()),
    "words inside words": ["a", "ab", "abc", "b", "bc", "abd", "US", "US$", "U.S.", "U.S. dollars"],
}


@pytest.mark.parametrize("name", WORD_LISTS)
def test_a_prefix_tree_matches_what_the_longest_first_alternation_matches(name):
    words = WORD_LISTS[name]
    plain = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    for tail in (r"\b", r"(?![\w$])", ""):
        want, got = re.compile(f"(?:{plain}){tail}"), re.compile(f"(?:{word_alternation(words)}){tail}")
        for s in SENTENCES + ["abcd abd ab a bc U.S. dollars US$5 US5"]:
            assert [m.span() for m in got.finditer(s)] == [m.span() for m in want.finditer(s)], (name, s)
