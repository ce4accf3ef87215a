"""The extraction case table: every case in tests/cases/*.jsonl, one test each.

A case lists the facts a text states per the spec (or none). The extractor
must find each (same measure, unit, status, value within 0.5 %), find nothing
else, and get every field right; a mention must cover the case's quote.
Cases the extractor is known to miss are listed below with the reason and
run as strict xfails, so that fixing one is noticed.
"""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.extraction_cases import CASES_DIR, judge, load_cases, run_case

KNOWN_MISSES = {
    "mixed-india-russia-oil-01": "a share whose whole is 'the country's' imports: the pronoun is not resolved",
    "money-inr-lakh-01": "commodities outside the lexicon are only taken after a volume ('tonnes of X')",
}

CASES = load_cases()


def test_case_table_is_large_and_covers_negatives():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "case ids must be unique"
    assert len(CASES) >= 250
    assert sum(1 for c in CASES if not c["facts"]) >= 60


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_case(case):
    if case["id"] in KNOWN_MISSES:
        pytest.xfail(KNOWN_MISSES[case["id"]])
    problems = judge(case, run_case(case))
    assert not problems, f"{case['_where']}: {case['text']!r}\n" + "\n".join(problems)


def test_known_misses_still_miss():
    """A known miss that now passes must leave the list."""
    by_id = {c["id"]: c for c in CASES}
    fixed = [i for i in KNOWN_MISSES if i in by_id and not judge(by_id[i], run_case(by_id[i]))]
    assert not fixed, f"now passing, remove from KNOWN_MISSES: {fixed}"


DATE_CASES = [json.loads(line) for line in (CASES_DIR / "published_dates.jsonl").read_text().splitlines() if line]


@pytest.mark.parametrize("case", DATE_CASES, ids=[c["id"] for c in DATE_CASES])
def test_publication_date_from_text(case):
    from stages.dates import published_from_text

    found = published_from_text(case["text"])
    want = date.fromisoformat(case["published"]) if case["published"] else None
    assert found == want, case["text"][:200]
    assert ("text" if found else "none") == case["published_from"]
