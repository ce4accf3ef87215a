"""Report data: the published tables → chart series of `value` claims over time.

Pure: tables in, plain data out; the HTML is drawn in flows/report_cmd.py.
One series per country pair and unit (a y axis has one unit), each point a
fact placed on the time span of its period, and one evidence entry per fact
(its first mention's sentence and the document it came from). Facts without
a period cannot be placed in time: they are listed, not drawn.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

import pandas as pd

STATUSES = ("actual", "target", "forecast")
_PERIOD_END = re.compile(r"^(\d{4})(?:-(\d{2}))?$")
_NON_ID = re.compile(r"[^A-Za-z0-9_-]")
_SPECIAL = {"WLD": "World", "EUU": "European Union", "RUS": "Russia"}  # short names where ISO's are long


@dataclass(frozen=True)
class Evidence:
    anchor: str  # HTML id of the entry
    fact_id: str
    status: str
    flow: str
    value: float
    unit: str
    qualifier: str
    period: str | None
    reporter: str
    partner: str
    commodity: str | None
    quote: str
    sentence: str
    quote_at: int  # where the quote starts in `sentence`, -1 when it is not inside it
    n_mentions: int
    source: str
    title: str | None
    source_url: str | None
    published: date | None


@dataclass(frozen=True)
class Point:
    fact_id: str
    anchor: str  # links the point to its evidence entry
    status: str
    flow: str
    value: float
    start: date  # the period's first day
    end: date  # the day after the period's last day
    period: str

    @property
    def mid(self) -> date:
        return date.fromordinal((self.start.toordinal() + self.end.toordinal()) // 2)


@dataclass(frozen=True)
class Series:
    pair: tuple[str, str]  # the two ISO codes, sorted
    label: str  # "China – Russia"
    unit: str
    points: tuple[Point, ...]  # by time, then status


@dataclass(frozen=True)
class ReportData:
    series: tuple[Series, ...]
    evidence: tuple[Evidence, ...]  # charted facts, in chart order
    undated: tuple[Evidence, ...]  # value facts without a usable period
    n_documents: int
    n_facts: int  # every measure


def country_name(code: str) -> str:
    if code in _SPECIAL:
        return _SPECIAL[code]
    try:
        import pycountry

        found = pycountry.countries.get(alpha_3=code)
    except (ImportError, LookupError, KeyError):
        found = None
    if found is None:
        return code
    return getattr(found, "common_name", None) or found.name


def _month_start(text: str, end: bool) -> date | None:
    m = _PERIOD_END.match(text)
    if not m:
        return None
    year, month = int(m.group(1)), m.group(2)
    if month is None:
        return date(year + 1, 1, 1) if end else date(year, 1, 1)
    month = int(month)
    if not 1 <= month <= 12:
        return None
    if not end:
        return date(year, month, 1)
    return date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)


def period_span(period: str | None) -> tuple[date, date] | None:
    """`2021` → (2021-01-01, 2022-01-01); `2021-11`; `2021-01/2021-09` →
    (2021-01-01, 2021-10-01). End exclusive; None when it cannot be read."""
    if not isinstance(period, str) or not period.strip():
        return None
    first, _, last = period.strip().partition("/")
    start = _month_start(first, end=False)
    end = _month_start(last or first, end=True)
    if start is None or end is None or end <= start:
        return None
    return start, end


def anchor_for(fact_id: str) -> str:
    return "ev-" + _NON_ID.sub("_", str(fact_id))


def _text(v) -> str | None:
    return None if v is None or (isinstance(v, float) and v != v) or v is pd.NA else str(v)


def _published(v) -> date | None:
    if v is None or v is pd.NaT or (isinstance(v, float) and v != v):
        return None
    return pd.Timestamp(v).date()


def chart_series(documents: pd.DataFrame, metrics: pd.DataFrame, mentions: pd.DataFrame) -> ReportData:
    """The report's chart series and evidence list from the three snapshot tables."""
    values = metrics.loc[metrics["measure"] == "value"] if len(metrics) else metrics
    docs = {r["doc_id"]: r for r in documents.to_dict("records")}
    first_sentence: dict[tuple[str, str], str] = {}
    if len(mentions):
        ordered = mentions.sort_values(["doc_id", "fact_id", "char_start"], kind="stable")
        for r in ordered.drop_duplicates(["doc_id", "fact_id"]).to_dict("records"):
            first_sentence[(r["doc_id"], r["fact_id"])] = r["sentence"]

    groups: dict[tuple[tuple[str, str], str], list[tuple[Point, Evidence]]] = {}
    undated: list[Evidence] = []
    for r in values.to_dict("records"):
        doc = docs.get(r["doc_id"], {})
        quote = _text(r["quote"]) or ""
        sentence = first_sentence.get((r["doc_id"], r["fact_id"])) or quote
        period = _text(r["period"])
        ev = Evidence(
            anchor=anchor_for(r["fact_id"]), fact_id=str(r["fact_id"]), status=str(r["status"]),
            flow=str(r["flow"]), value=float(r["value"]), unit=str(r["unit"]), qualifier=str(r["qualifier"]),
            period=period, reporter=str(r["reporter"]), partner=str(r["partner"]),
            commodity=_text(r.get("commodity")), quote=quote, sentence=sentence,
            quote_at=sentence.find(quote) if quote else -1, n_mentions=int(r.get("n_mentions") or 1),
            source=str(doc.get("source", r["doc_id"])), title=_text(doc.get("title")),
            source_url=_text(doc.get("source_url")), published=_published(doc.get("published")))
        span = period_span(period)
        if span is None:
            undated.append(ev)
            continue
        point = Point(fact_id=ev.fact_id, anchor=ev.anchor, status=ev.status, flow=ev.flow, value=ev.value,
                      start=span[0], end=span[1], period=period)
        pair = tuple(sorted((ev.reporter, ev.partner)))
        groups.setdefault((pair, ev.unit), []).append((point, ev))

    status_rank = {s: i for i, s in enumerate(STATUSES)}
    series: list[Series] = []
    evidence: list[Evidence] = []
    for (pair, unit), items in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        items.sort(key=lambda pe: (pe[0].mid, status_rank.get(pe[0].status, 9), pe[0].value, pe[0].fact_id))
        label = f"{country_name(pair[0])} – {country_name(pair[1])}"
        series.append(Series(pair=pair, label=label, unit=unit, points=tuple(p for p, _ in items)))
        evidence.extend(e for _, e in items)
    undated.sort(key=lambda e: (e.reporter, e.partner, e.source, e.fact_id))
    return ReportData(series=tuple(series), evidence=tuple(evidence), undated=tuple(undated),
                      n_documents=len(documents), n_facts=len(metrics))
