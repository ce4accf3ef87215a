"""Extract: trade metrics per the spec, one row per fact per document.

Mentions found sentence by sentence are merged into facts: mentions are the
same fact when measure, status, flow, value, unit and commodity agree (a goal
that is also expected is one fact with both statuses); the fact takes the
most specific period any mention gives and keeps every mention as evidence.
"""

from __future__ import annotations

import hashlib
import time
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from functools import partial
from itertools import groupby

import pandas as pd

from ..base import quarantine_frame, quarantine_row
from ..clean import normalise, split_sentences
from .amounts import find_amounts_per_part
from .core import (HAS_DIGIT, TRADE_WORD_IN, Mention, document_context, extract_sentence, fiscal_country_for, may_yield,
                   states_goal_or_outlook)
from .countries import KINGDOMS, find_countries, find_countries_per_part, kingdom_mentions
from .fast_patterns import joined, lower, per_part
from .periods import find_periods, specificity

METRIC_COLUMNS = ["fact_id", "doc_id", "measure", "status", "statuses", "flow", "value", "unit", "qualifier",
                  "period", "reporter", "partner", "commodity", "quote", "n_mentions"]
MENTION_COLUMNS = ["fact_id", "doc_id", "sentence", "char_start", "char_end"]
STATUS_ORDER = {"actual": 0, "target": 1, "forecast": 2}
# Per-document time budget: a document that takes longer is quarantined
# rather than holding up its batch (patterns are bounded; this is the backstop).
DOC_TIME_BUDGET_S = 5.0


@dataclass(slots=True)  # made per sentence or per figure: slots are quicker
class SentenceIn:
    para: int
    start: int  # raw offset
    end: int
    aside: bool
    text: str  # cleaned, same length as raw[start:end]


@dataclass
class Fact:
    key: tuple
    mentions: list[tuple[Mention, SentenceIn]] = field(default_factory=list)
    rounded: set = field(default_factory=set)  # ids of mentions that only round the fact's figure


def _fact_key(m: Mention) -> tuple:
    group = "actual" if m.statuses == ["actual"] else "future"
    return (m.measure, group, m.flow, round(m.value, 6), m.unit, m.commodity)


def _resolve_kingdom(texts: list[str], countries: list[list], title_countries: list) -> None:
    """Add "the Kingdom" as a mention of the one kingdom the story names
    (to `countries`, each sentence's)."""
    named = {c for found in countries for _, _, c in found if c in KINGDOMS}
    named.update(c for _, _, c in title_countries if c in KINGDOMS)
    if len(named) != 1:
        return
    code = next(iter(named))
    pieces = joined(texts)
    if not any("Kingdom" in text for text, _ in pieces):
        return  # (most stories that name a kingdom do not call it "the Kingdom")
    per_sentence = [found for text, starts in pieces
                    for found in per_part(kingdom_mentions(text, code), starts)]
    for i, extra in enumerate(per_sentence):
        if extra:
            countries[i] = sorted(countries[i] + extra)


def _parts_with(search, texts: list[tuple[str, list[int]]]) -> list[bool]:
    """Whether `search` (a compiled pattern's search) finds something in each
    part of joined texts (see fast_patterns.joined)."""
    out = []
    for text, starts in texts:
        has = [False] * len(starts)
        m = search(text)
        while m is not None:
            k = bisect_right(starts, m.start()) - 1
            has[k] = True
            if k + 1 == len(starts):
                break
            m = search(text, starts[k + 1])  # on from the next part
        out += has
    return out


def _paragraph_period(texts: list[tuple[str, str]], periods: list[list]) -> str | None:
    """The one data period a paragraph plainly reports, if any: periods are
    read from its sentences about trade with a digit (event dates are never
    periods). `texts`: those sentences and their lower case; `periods`: their
    period expressions."""
    vals: set = set()
    for (text, low), found in zip(texts, periods):
        stated = {p.value for p in found if not p.base and p.value}
        if stated and not states_goal_or_outlook(text, low):
            vals.update(stated)  # (the years of goals and outlooks are not the data period)
    return next(iter(vals)) if len(vals) == 1 else None


def extract_document(raw: str, sentences: list[SentenceIn], published: date | None,
                     title: str | None = None) -> list[Fact]:
    """Facts of one document, each with its mentions (sentence offsets are raw offsets)."""
    return _extract_columns(raw, [s.para for s in sentences], [s.start for s in sentences],
                            [s.end for s in sentences], [s.aside for s in sentences], [s.text for s in sentences],
                            published, title)


def _extract_columns(raw: str, paras: list[int], starts: list[int], ends: list[int], asides: list[bool],
                     texts: list[str], published: date | None, title: str | None) -> list[Fact]:
    """extract_document on the document's sentences given as columns (the
    fields of SentenceIn, a list each): a SentenceIn is made only for a
    sentence with a mention."""
    # What is found once per sentence and used by several rules, as lists by
    # sentence. The document's sentences are scanned together for trade words,
    # digits and countries: one call per pattern instead of one per sentence.
    pieces = joined(texts)
    lows = [(lower(text), starts) for text, starts in pieces]
    trade = _parts_with(TRADE_WORD_IN.search, lows)
    digits = _parts_with(HAS_DIGIT, pieces)
    countries = [found for text, starts in pieces for found in find_countries_per_part(text, starts)]
    # amounts: in the sentences with a digit, scanned together (none elsewhere)
    with_digits = [i for i, digit in enumerate(digits) if digit]
    amounts: list = [()] * len(texts)
    found = [found for text, starts in joined([texts[i] for i in with_digits])
             for found in find_amounts_per_part(text, starts)]
    low_of: dict[int, str] = {}  # the lower case of the sentences with a digit
    part_of = [(low, start) for low, starts in lows for start in starts]
    for i, found_in in zip(with_digits, found):
        amounts[i] = found_in
        low, start = part_of[i]
        low_of[i] = low[start:start + len(texts[i])]
    title_countries = find_countries(title or "")
    _resolve_kingdom(texts, countries, title_countries)
    if any(asides):
        body = [i for i, aside in enumerate(asides) if not aside]
        ctx = document_context([texts[i] for i in body], title, published, [countries[i] for i in body],
                               [amounts[i] for i in body], [trade[i] for i in body], title_countries)
    else:
        ctx = document_context(texts, title, published, countries, amounts, trade, title_countries)
    # a story about trade: a bare "mark" in it ("we exceeded the 100 billion mark") is about trade
    story_trade = trade.count(True) >= 2
    candidates = []
    trade_with_digits: dict[int, list[int]] = {}  # by paragraph: the sentences that set its data period
    for i in with_digits:
        if trade[i]:
            trade_with_digits.setdefault(paras[i], []).append(i)
        prev_trade = trade[i] or story_trade or any(trade[max(0, i - 2):i])
        if (trade[i] and amounts[i]) or may_yield(texts[i], amounts[i], prev_trade, low_of[i], trade[i]):  # (its first test)
            candidates.append((i, prev_trade))

    # periods are found only where a figure needs them: most candidates yield
    # nothing, and a paragraph's data period is needed only by a figure
    # without a period of its own
    periods: dict[int, list] = {}

    def periods_of(i: int) -> list:
        if i not in periods:
            periods[i] = find_periods(texts[i], published, fiscal_country_for(countries[i], ctx), low_of[i])
        return periods[i]

    para_periods: dict[int, str | None] = {}

    def para_period(para: int) -> str | None:
        if para not in para_periods:
            found_in = trade_with_digits.get(para, [])
            para_periods[para] = _paragraph_period([(texts[i], low_of[i]) for i in found_in],
                                                   [periods_of(i) for i in found_in])
        return para_periods[para]

    facts: dict[tuple, Fact] = {}
    last_period: str | None = None
    for i, prev_trade in candidates:
        mentions = extract_sentence(texts[i], ctx, partial(para_period, paras[i]), prev_trade,
                                    countries[i], amounts[i], partial(periods_of, i), last_period, low_of[i])
        if mentions:
            sentence = SentenceIn(paras[i], starts[i], ends[i], asides[i], texts[i])
        for m in mentions:
            if m.period and not m.period_from_context and m.statuses == ["actual"] and \
                    not m.extra.get("earlier_level"):
                last_period = m.period  # what "in the same period" refers back to
            key = _fact_key(m)
            facts.setdefault(key, Fact(key)).mentions.append((m, sentence))
    merged = _merge_roundings(list(facts.values()))
    # facts stated only in "READ MORE" asides point at other stories: dropped
    return [f for f in merged if any(not s.aside for _, s in f.mentions)]


def _digits(value: float) -> int:
    """Significant digits a figure was written with (240.11e9 -> 5, 240e9 -> 2)."""
    text = f"{value:.6e}".split("e")[0].replace(".", "").rstrip("0")
    return len(text)


def _merge_roundings(facts: list[Fact]) -> list[Fact]:
    """A figure and its rounding within 0.5 % ("$240 bln" in a headline,
    "$240.11 bln" in the body) are one fact (spec rule 9): the more precise
    figure names it."""
    order = {id(f): i for i, f in enumerate(facts)}
    facts = sorted(facts, key=lambda f: -max(_digits(m.value) for m, _ in f.mentions))
    kept: list[Fact] = []
    for f in facts:
        pairs = {tuple(sorted((m.reporter, m.partner))) for m, _ in f.mentions}
        measure, group, flow, value, unit, commodity = f.key
        periods = {m.period for m, _ in f.mentions if m.period}
        home = next((k for k in kept if k.key[0] == measure and k.key[1] == group and k.key[2] == flow
                     and k.key[4] == unit and k.key[5] == commodity and k.key[3] != value
                     and abs(k.key[3] - value) <= 0.005 * max(abs(k.key[3]), abs(value))
                     # figures of two different periods are two facts, however close
                     and not (periods and {m.period for m, _ in k.mentions if m.period}.isdisjoint(periods)
                              and any(m.period for m, _ in k.mentions))
                     # and of two country pairs
                     and not pairs.isdisjoint({tuple(sorted((m.reporter, m.partner))) for m, _ in k.mentions})),
                    None)
        if home is None:
            kept.append(f)
        else:
            # the rounded mentions keep their place as evidence but do not name the fact
            home.mentions.extend((m, s) for m, s in f.mentions)
            home.rounded |= {id(m) for m, _ in f.mentions}
    return sorted(kept, key=lambda f: order[id(f)])


def _best(fact: Fact) -> Mention:
    """The mention that fixes a fact's attributes: the most specific period,
    stated in its own sentence rather than taken from context, with a
    qualifier; then the first."""
    # a qualifier written anywhere beats a bare figure (headlines drop "more than"),
    # but a rounding of a more precise figure never names the fact
    rounded = fact.rounded
    ranked = sorted(enumerate(fact.mentions),
                    key=lambda im: (id(im[1][0]) in rounded, -specificity(im[1][0].period),
                                    im[1][0].period_from_context, im[1][0].qualifier == "exact", im[0]))
    return ranked[0][1][0]


def fact_record(doc_id: str, fact: Fact, raw: str) -> tuple[dict, list[dict]]:
    """The metrics row and mention rows of a fact."""
    best = _best(fact)
    statuses = sorted({st for m, _ in fact.mentions for st in m.statuses}, key=STATUS_ORDER.get)
    if "actual" in statuses and len(statuses) > 1:
        statuses.remove("actual")
    measure, _, flow, value, unit, commodity = fact.key
    fid = hashlib.sha256(f"{doc_id}|{measure}|{statuses[0]}|{flow}|{value!r}|{unit}|{commodity}".encode()) \
        .hexdigest()[:16]
    mentions, seen = [], set()
    for m, s in fact.mentions:
        span = (s.start + m.start, s.start + m.end)
        if span in seen:
            continue
        seen.add(span)
        mentions.append({"fact_id": fid, "doc_id": doc_id, "sentence": raw[s.start:s.end],
                         "char_start": span[0], "char_end": span[1]})
    first = mentions[0]
    row = {"fact_id": fid, "doc_id": doc_id, "measure": measure, "status": statuses[0], "statuses": statuses,
           "flow": flow, "value": float(best.value), "unit": unit, "qualifier": best.qualifier,
           "period": best.period, "reporter": best.reporter, "partner": best.partner,
           "commodity": commodity, "quote": raw[first["char_start"]:first["char_end"]],
           "n_mentions": len(mentions)}
    return row, mentions


def extract_text(raw: str, published: date | None = None, title: str | None = None) -> list[dict]:
    """Clean and extract one text: metrics rows, each with its `mentions`."""
    clean = normalise(raw)
    sentences = [SentenceIn(s.para, s.start, s.end, s.aside, clean[s.start:s.end])
                 for s in split_sentences(raw)]
    out = []
    for fact in extract_document(raw, sentences, published, title):
        row, mentions = fact_record("doc", fact, raw)
        row["mentions"] = mentions
        out.append(row)
    return out


def _rows(column: list, runs) -> list:
    """The values of `column` in the runs of rows (start, end)."""
    if len(runs) == 1:
        return column[runs[0][0]:runs[0][1]]
    return [v for lo, hi in runs for v in column[lo:hi]]


@dataclass
class ExtractResult:
    metrics: pd.DataFrame
    mentions: pd.DataFrame
    quarantine: pd.DataFrame
    counts: Counter


def extract_metrics(documents: pd.DataFrame, sentences: pd.DataFrame,
                    time_budget_s: float = DOC_TIME_BUDGET_S) -> ExtractResult:
    """Metrics and mentions of a batch of documents.

    `documents`: doc_id, source, text (raw), published, title.
    `sentences`: the clean stage's output (doc_id, para, start, end, aside, text).
    A document whose extraction raises or exceeds the time budget is
    quarantined (stage `extract`) and the batch goes on.
    """
    # whole columns to Python lists at once: iterating Arrow-backed columns value by value is slower
    doc_ids, *columns = [sentences[c].tolist() for c in ("doc_id", "para", "start", "end", "aside", "text")]
    # a document's sentences as slices of the columns (tolist(): Python ints):
    # (start, end) of each run of its rows, in order (one run when the rows are grouped by document)
    runs: dict[str, list[tuple[int, int]]] = {}
    lo = 0
    for doc_id, rows in groupby(doc_ids):
        hi = lo + sum(1 for _ in rows)
        runs.setdefault(doc_id, []).append((lo, hi))
        lo = hi
    metrics, mentions, quarantined = [], [], []
    counts: Counter = Counter()
    for doc_id, source, raw, published, title in zip(*(documents[c].tolist() for c in
                                                       ("doc_id", "source", "text", "published", "title"))):
        t0 = time.perf_counter()
        try:
            pub = published if isinstance(published, date) else None
            facts = _extract_columns(raw, *[_rows(column, runs.get(doc_id, ())) for column in columns], pub,
                                     title if isinstance(title, str) else None)
            rows = [fact_record(doc_id, f, raw) for f in facts]
        except Exception as exc:  # one bad document must not sink the batch
            quarantined.append(quarantine_row("extract", "extract_error", f"{type(exc).__name__}: {exc}",
                                              source=source, doc_id=doc_id))
            continue
        elapsed = time.perf_counter() - t0
        if elapsed > time_budget_s:
            quarantined.append(quarantine_row("extract", "time_budget_exceeded",
                                              f"{elapsed:.1f} s > budget of {time_budget_s} s",
                                              source=source, doc_id=doc_id))
            continue
        for row, ms in rows:
            metrics.append(row)
            mentions.extend(ms)
            counts[f"facts_{row['measure']}"] += 1
    counts["facts"] = len(metrics)
    counts["mentions"] = len(mentions)
    counts["quarantined"] = len(quarantined)
    return ExtractResult(pd.DataFrame(metrics, columns=METRIC_COLUMNS),
                         pd.DataFrame(mentions, columns=MENTION_COLUMNS),
                         quarantine_frame(quarantined), counts)
