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

import pandas as pd

from ..base import quarantine_frame, quarantine_row
from ..clean import normalise, split_sentences
from .amounts import find_amounts_per_part
from .core import (HAS_DIGIT, TRADE_WORD, Mention, document_context, extract_sentence, fiscal_country_for, may_yield,
                   states_goal_or_outlook)
from .countries import KINGDOMS, find_countries, find_countries_per_part, kingdom_mentions
from .fast_patterns import joined, lower
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


@dataclass(slots=True)  # made per sentence or per figure: slots are quicker
class _Scan:
    """What is found once per sentence and used by several rules."""

    sentence: SentenceIn
    low: str  # its text in lower case
    trade: bool
    countries: list
    amounts: list
    digits: bool
    periods: list | None = None  # found when first needed (see extract_document)


def _resolve_kingdom(scans: list[_Scan], title_countries: list) -> None:
    """Add "the Kingdom" as a mention of the one kingdom the story names."""
    named = Counter(c for sc in scans for _, _, c in sc.countries if c in KINGDOMS)
    named.update(c for _, _, c in title_countries if c in KINGDOMS)
    if len(named) != 1:
        return
    code = next(iter(named))
    texts = joined([sc.sentence.text for sc in scans])
    if not any("Kingdom" in text for text, _ in texts):
        return  # (most stories that name a kingdom do not call it "the Kingdom")
    for sc, extra in zip(scans, _per_part([kingdom_mentions(text, code) for text, _ in texts], texts)):
        if extra:
            sc.countries = sorted(sc.countries + extra)


def _per_part(found_in: list[list[tuple]], texts: list[tuple[str, list[int]]]) -> list[list[tuple]]:
    """(start, end, ...) items found in joined texts (see fast_patterns.joined),
    listed per part at offsets into the part."""
    out = []
    for found, (_, starts) in zip(found_in, texts):
        per = [[] for _ in starts]
        k, nxt = 0, starts[1] if len(starts) > 1 else None
        for item in found:
            if nxt is not None and item[0] >= nxt:
                k = bisect_right(starts, item[0]) - 1
                nxt = starts[k + 1] if k + 1 < len(starts) else None
            per[k].append((item[0] - starts[k], item[1] - starts[k]) + item[2:])
        out += per
    return out


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


def _paragraph_period(trade_scans: list[_Scan], periods_of) -> str | None:
    """The one data period a paragraph plainly reports, if any: periods are
    read from its sentences about trade with a digit (event dates are never
    periods). `periods_of(scan)`: a sentence's period expressions."""
    vals: set = set()
    for sc in trade_scans:
        stated = {p.value for p in periods_of(sc) if not p.base and p.value}
        if stated and not states_goal_or_outlook(sc.sentence.text, sc.low):
            vals.update(stated)  # (the years of goals and outlooks are not the data period)
    return next(iter(vals)) if len(vals) == 1 else None


def extract_document(raw: str, sentences: list[SentenceIn], published: date | None,
                     title: str | None = None) -> list[Fact]:
    """Facts of one document, each with its mentions (sentence offsets are raw offsets)."""
    # the document's sentences are scanned together for trade words, digits and
    # countries: one call per pattern instead of one per sentence
    texts = joined([s.text for s in sentences])
    lows = [(lower(text), starts) for text, starts in texts]
    trade = _parts_with(TRADE_WORD.search, lows)
    digits = _parts_with(HAS_DIGIT, texts)
    countries = [found for text, starts in texts for found in find_countries_per_part(text, starts)]
    # amounts: in the sentences with a digit, scanned together
    with_digits = [s.text for s, digit in zip(sentences, digits) if digit]
    found = iter([found for text, starts in joined(with_digits) for found in find_amounts_per_part(text, starts)])
    starts = [(low, start) for low, parts in lows for start in parts]
    scans = []
    for i, s in enumerate(sentences):
        low, start = starts[i]
        scans.append(_Scan(s, low[start:start + len(s.text)], trade[i], countries[i],
                           next(found) if digits[i] else [], digits[i]))
    title_countries = find_countries(title or "")
    _resolve_kingdom(scans, title_countries)
    body = [sc for sc in scans if not sc.sentence.aside]
    ctx = document_context([sc.sentence.text for sc in body], title, published, [sc.countries for sc in body],
                           [sc.amounts for sc in body], [sc.trade for sc in body], title_countries)
    # a story about trade: a bare "mark" in it ("we exceeded the 100 billion mark") is about trade
    story_trade = sum(1 for sc in scans if sc.trade) >= 2
    candidates = []
    trade_scans: dict[int, list[_Scan]] = {}  # by paragraph: the sentences that set its data period
    for i, sc in enumerate(scans):
        if not sc.digits:
            continue  # no digit, no amount, no period
        if sc.trade:
            trade_scans.setdefault(sc.sentence.para, []).append(sc)
        prev_trade = sc.trade or any(x.trade for x in scans[max(0, i - 2):i]) or story_trade
        if may_yield(sc.sentence.text, sc.amounts, prev_trade, sc.low, sc.trade):
            candidates.append((sc, prev_trade))

    # periods are found only where a figure needs them: most candidates yield
    # nothing, and a paragraph's data period is needed only by a figure
    # without a period of its own
    def periods_of(sc: _Scan) -> list:
        if sc.periods is None:
            sc.periods = find_periods(sc.sentence.text, published, fiscal_country_for(sc.countries, ctx), sc.low)
        return sc.periods

    para_periods: dict[int, str | None] = {}

    def para_period(para: int) -> str | None:
        if para not in para_periods:
            para_periods[para] = _paragraph_period(trade_scans.get(para, []), periods_of)
        return para_periods[para]

    facts: dict[tuple, Fact] = {}
    last_period: str | None = None
    for sc, prev_trade in candidates:
        mentions = extract_sentence(sc.sentence.text, ctx, partial(para_period, sc.sentence.para), prev_trade,
                                    sc.countries, sc.amounts, partial(periods_of, sc), last_period)
        for m in mentions:
            if m.period and not m.period_from_context and m.statuses == ["actual"] and \
                    not m.extra.get("earlier_level"):
                last_period = m.period  # what "in the same period" refers back to
            key = _fact_key(m)
            facts.setdefault(key, Fact(key)).mentions.append((m, sc.sentence))
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
    by_doc: dict[str, list[SentenceIn]] = {}
    # whole columns to Python lists at once: iterating Arrow-backed columns value by value is slower
    columns = [sentences[c].tolist() for c in ("doc_id", "para", "start", "end", "aside", "text")]
    for doc_id, para, start, end, aside, text in zip(*columns):
        by_doc.setdefault(doc_id, []).append(SentenceIn(para, start, end, aside, text))  # tolist(): Python ints
    metrics, mentions, quarantined = [], [], []
    counts: Counter = Counter()
    for doc_id, source, raw, published, title in zip(*(documents[c].tolist() for c in
                                                       ("doc_id", "source", "text", "published", "title"))):
        t0 = time.perf_counter()
        try:
            pub = published if isinstance(published, date) else None
            facts = extract_document(raw, by_doc.get(doc_id, []), pub, title if isinstance(title, str) else None)
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
