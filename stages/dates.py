"""Parsing of calendar dates as news pages print them, and of publication lines."""

from __future__ import annotations

import re
from datetime import date

MONTHS = {
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6,
    "july": 7, "august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
    "jan": 1, "feb": 2, "mar": 3, "apr": 4, "jun": 6, "jul": 7, "aug": 8,
    "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
}
_MON = r"(?P<mon>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"

_DATE_PATTERNS = [
    re.compile(r"(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})\b"),
    re.compile(_MON + r"\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>(?:19|20)\d{2})\b", re.I),
    re.compile(r"\b(?P<d>\d{1,2})(?:st|nd|rd|th)?\s+" + _MON + r",?\s+(?P<y>(?:19|20)\d{2})\b", re.I),
    # d/m/y or m/d/y: only taken when the day is plainly the first or second field
    re.compile(r"\b(?P<a>\d{1,2})[/.](?P<b>\d{1,2})[/.](?P<y>(?:19|20)\d{2})\b"),
]


def _build(y: int, m: int, d: int) -> date | None:
    try:
        return date(y, m, d)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """Return the first unambiguous calendar date in `text`, or None."""
    best: tuple[int, date] | None = None
    for pat in _DATE_PATTERNS:
        m = pat.search(text)
        if not m:
            continue
        g = m.groupdict()
        if "a" in g and g.get("a"):
            a, b = int(g["a"]), int(g["b"])
            if a > 12 >= b:
                dt = _build(int(g["y"]), b, a)
            elif b > 12 >= a:
                dt = _build(int(g["y"]), a, b)
            else:
                dt = None  # 03/04/2023 could be either: refuse to guess
        else:
            mon = MONTHS[g["mon"].lower().rstrip(".")] if g.get("mon") else int(g["m"])
            dt = _build(int(g["y"]), mon, int(g["d"]))
        if dt and (best is None or m.start() < best[0]):
            best = (m.start(), dt)
    return best[1] if best else None


def parse_iso_date(value: str) -> date | None:
    """Parse a manifest date: ISO `YYYY-MM-DD` (a time part is ignored)."""
    m = re.fullmatch(r"\s*((?:1[89]|2\d)\d{2})-(\d{2})-(\d{2})(?:[T ][0-9:.+\-Z]*)?\s*", value or "")
    return _build(int(m.group(1)), int(m.group(2)), int(m.group(3))) if m else None


# Lines that print the publication date, strongest first. "Updated" lines come
# last: a page updated in 2024 may carry a story published in 2022.
_PUBLISHED_LINE = re.compile(r"^\s*(?:published|posted|first published|date|release date)\b\s*(?:on|:|-)?\s*", re.I)
_BYLINE = re.compile(r"^\s*(?i:by)\s+[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*(?:[|,·•–—-]\s*)?", re.U)
_DATELINE = re.compile(r"^\s*[A-Z][A-Za-z .'-]{1,40}(?:,\s*[A-Z][A-Za-z .'-]{1,30})?,\s+")
_UPDATED_LINE = re.compile(r"^\s*(?:updated|last updated?|modified)\b\s*(?:on|:|-)?\s*", re.I)

HEAD_LINES = 12


def published_from_text(raw: str) -> date | None:
    """Find the publication date printed at the top of a page, or None.

    Only the first lines are read, and only lines shaped as a publication
    line, byline or dateline: a date inside the body is an event, not the
    publication.
    """
    lines = [ln for ln in raw[:8000].splitlines() if ln.strip()]
    for pattern in (_PUBLISHED_LINE, _BYLINE, _DATELINE, _UPDATED_LINE):
        # a "Published:" line may sit below a page's cookie banner and menus;
        # bylines and datelines open the story
        for line in lines[:HEAD_LINES * 4 if pattern is _PUBLISHED_LINE else HEAD_LINES]:
            m = pattern.match(line)
            if not m:
                continue
            # the date must follow the marker at once ("MOSCOW, March 3, 2022 -")
            tail = line[m.end(): m.end() + 40]
            if pattern is _DATELINE and not re.match(r"(?:\d|" + _MON + ")", tail, re.I):
                continue
            dt = parse_date(tail)
            if dt:
                return dt
    return None
