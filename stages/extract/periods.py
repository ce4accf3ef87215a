"""Period expressions: years, months, spans, quarters, halves, fiscal years, relative periods.

`find_periods(text, published)` returns every period expression of a sentence
with its span and its value in the spec's format: `2021`, `2021-11`,
`2021-01/2021-09`, or None where the expression names a period that cannot be
fixed (a relative period without a publication date, a fiscal year to date).
Expressions that are the base of a comparison ("compared to the previous
year", "from a year earlier") are flagged `base`: a figure never takes them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from ..dates import MONTHS
from .fast_patterns import lower, lowered

_MONTH = (r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
_YEAR = r"(?:19[89]\d|20\d{2})"
_ORD = {"first": 1, "second": 2, "third": 3, "fourth": 4, "1st": 1, "2nd": 2, "3rd": 3, "4th": 4,
        "last": 4, "final": 4}
_NUMWORD = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
            "ten": 10, "eleven": 11, "2": 2, "3": 3, "4": 4, "5": 5, "6": 6, "7": 7, "8": 8, "9": 9,
            "10": 10, "11": 11}
# April-March fiscal years (India, Japan, UK...), October-September (US), July-June (Australia)
FISCAL_START = {"IND": 4, "JPN": 4, "GBR": 4, "USA": 10, "AUS": 7, "PAK": 7, "EGY": 7, "NZL": 7}


@dataclass(slots=True)  # made per sentence or per figure: slots are quicker
class Period:
    start: int
    end: int
    value: str | None
    kind: str  # year | month | span | none
    base: bool = False
    relative: bool = False


def _month(word: str) -> int:
    return MONTHS[word.lower().rstrip(".")[:4].rstrip("t") if word.lower().startswith("sept") else
                  word.lower().rstrip(".")]


def _ym(y: int, m: int) -> str:
    return f"{y:04d}-{m:02d}"


def _span(y: int, m1: int, m2: int, y2: int | None = None) -> str:
    return f"{_ym(y, m1)}/{_ym(y2 or y, m2)}"


def _year_for_month(month: int, published: date | None, year: int | None) -> int | None:
    """The year of a month named without one: the latest such month not after publication."""
    if year:
        return year
    if not published:
        return None
    return published.year if month <= published.month else published.year - 1


_P = re.compile(
    "|".join([
        # a rolling window ending in a month or quarter
        rf"(?P<rolling>\b(?P<rn>twelve|12|four|4|six|6|three|3|nine|9)\s+(?P<ru>months|quarters)\s+(?:to|ending|ended|through|up\s+to)\s+"
        rf"(?:the\s+end\s+of\s+)?(?:(?P<rm>{_MONTH})|Q(?P<rq>[1-4])|the\s+(?P<rq2>first|second|third|fourth)\s+quarter(?:\s+of)?)"
        rf"\s+(?P<ry>{_YEAR}))",
        # fiscal years: FY23, FY2023, FY 2022-23, fiscal 2022-23, fiscal year 2023, 2022-23 fiscal
        rf"(?P<fy>\b(?:FY\s?'?(?P<fy_a>\d{{2}}|\d{{4}})(?:\s?-\s?(?P<fy_b>\d{{2,4}}))?|"
        rf"(?:fiscal|financial)(?:\s+year)?\s+(?P<fy_c>{_YEAR})(?:\s?-\s?(?P<fy_d>\d{{2,4}}))?|"
        rf"(?P<fy_e>{_YEAR})\s?-\s?(?P<fy_f>\d{{2}})\s+fiscal(?:\s+year)?)\b)",
        rf"(?P<fyend>\b(?:fiscal|financial)\s+year\s+(?:that\s+|which\s+)?(?:ended|ends|ending|to)\s+(?:in\s+|on\s+)?"
        rf"(?P<fye_m>{_MONTH})(?:\s+\d{{1,2}},?)?\s+(?P<fye_y>{_YEAR}))",
        r"(?P<fytd>\b(?:so\s+far\s+(?:this|in\s+the\s+current|in\s+the)\s+fiscal(?:\s+year)?|"
        r"(?:this|the\s+current)\s+fiscal(?:\s+year)?\s+so\s+far|fiscal[\s-]year[\s-]to[\s-]date|FYTD)\b)",
        r"(?P<fyrel>\b(?:this|current|the\s+current|last|previous|next)\s+fiscal(?:\s+year)?\b)",
        # month spans: January-September 2021, January to September, Jan-Sept, between January and May
        rf"(?P<mspan>\b(?:between\s+)?(?P<m1>{_MONTH})\s?(?:-|to|through|till|until|and|–)\s?(?P<m2>{_MONTH})"
        rf"(?:\s+(?:period\s+)?(?:of\s+)?(?:(?P<msy>{_YEAR})|(?P<msrel>this|last)\s+year))?\b)",
        # first nine months (of 2021 / of this year)
        rf"(?P<nmonths>\b(?:the\s+(?:first\s+)?|first\s+)(?P<n>two|three|four|five|six|seven|eight|nine|ten|eleven|\d{{1,2}})\s+months"
        rf"(?!\s+(?:to|ending|ended|through|up\s+to)\b)"
        rf"(?:\s+of\s+(?:(?P<nmy>{_YEAR})|(?P<nmrel>this|last|the)\s+(?:fiscal\s+)?year))?)",
        # quarters: Q3 2023, the third quarter of 2022, 1Q23
        rf"(?P<quarter>\b(?:Q(?P<q1>[1-4])|(?P<q2>[1-4])Q|(?:the\s+)?(?P<q3>first|second|third|fourth|1st|2nd|3rd|4th|last|final)\s+quarter)"
        rf"(?:\s?(?:of\s+)?(?:(?P<qy>{_YEAR})|'?(?P<qy2>\d{{2}})\b|(?P<qrel>this|last|the)\s+year))?)",
        # halves: H1 2022, first half of this year
        rf"(?P<half>\b(?:H(?P<h1>[12])|(?P<h2>[12])H|(?:the\s+)?(?P<h3>first|second)\s+half)"
        rf"(?:\s?(?:of\s+)?(?:(?P<hy>{_YEAR})|(?P<hrel>this|last|the)\s+year))?)",
        # a month with a day is an event date, not a data period
        rf"(?P<date>\b{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+{_YEAR})?\b|\b\d{{1,2}}\s+{_MONTH}(?:,?\s+{_YEAR})?\b)",
        # month (+ year): November 2021, in November
        rf"(?P<month>\b(?P<mm>{_MONTH})(?:\s+(?:of\s+)?(?P<my>{_YEAR})|\s+(?P<mrel>this|last)\s+year)?\b)",
        # a period named by reference to one stated before ("in the same period", "that year")
        r"(?P<anaphor>\b(?:the\s+same\s+(?:period|months?|quarter|year)|that\s+(?:period|year|month|quarter)|"
        r"the\s+(?:period|year|fiscal\s+year|fiscal(?!\s+year)))\b"
        r"(?!\s+(?:of|a|last|in|that|which|ended|ending|ends|to|from|between|\d{2,4})\b))",
        # year to date
        r"(?P<ytd>\b(?:year[\s-]to[\s-]date|so\s+far\s+this\s+year|since\s+the\s+(?:beginning|start)\s+of\s+(?:the|this)\s+year)\b)",
        # relative years and months
        r"(?P<rel>\b(?:(?:by\s+)?the\s+end\s+of\s+(?:the|this)\s+year|this\s+year|last\s+year|previous\s+year|"
        r"the\s+previous\s+year|a\s+year\s+(?:earlier|ago|before)|the\s+year\s+before|the\s+same\s+period\s+(?:of\s+)?last\s+year|"
        r"next\s+year|last\s+month|this\s+month|the\s+previous\s+month|a\s+month\s+(?:earlier|ago))\b)",
        # year spans "2021-2022", "from 2015 to 2020": a range, not one period
        rf"(?P<yfy>\b(?P<yfy_a>{_YEAR})-(?P<yfy_b>\d{{2}})\b)",
        rf"(?P<yrange>\b{_YEAR}\s?(?:-|to|–)\s?{_YEAR}\b)",
        rf"(?P<year>\b(?P<yy>{_YEAR})\b)",
    ]),
    re.I,
)
_BASE_BEFORE = re.compile(
    # ("than in the same period of 2021", "from their 2021 level")
    r"\b(?:compared\s+(?:to|with)|from|than|against|versus|vs\.?|relative\s+to|on|in\s+comparison\s+with)"
    r"\s+(?:in\s+|during\s+)?(?:the\s+same\s+(?:period|month|months|quarter)\s+(?:of\s+|in\s+)?)?"
    r"(?:the\s+|their\s+|its\s+)?$",
    re.I,
)
_FROM_AMOUNT_BEFORE = re.compile(
    r"\b(?:from|compared\s+(?:with|to)|versus|against)\s+(?:the\s+|a\s+)?(?:record\s+|previous\s+|revised\s+|"
    r"year-earlier\s+)?(?:about\s+|around\s+)?\S*\d[\d.,]*\s*(?:[a-z]{1,8}\.?\s+){0,2}"
    r"(?:in\s+|during\s+|for\s+|of\s+)?(?:the\s+)?$", re.I)
_MONTH_NAMES_AMBIGUOUS = {"may", "march", "mar"}  # also verbs/nouns: need a year or a preposition


def _quarter_span(q: int, y: int) -> str:
    return _span(y, 3 * q - 2, 3 * q)


def _year_for_span(end_month: int, published: date | None, year: int | None) -> int | None:
    if year:
        return year
    if not published:
        return None
    return published.year if end_month <= published.month else published.year - 1


def _rel_year(word: str | None, published: date | None) -> int | None:
    if not word or not published:
        return None
    return published.year - 1 if word.lower() == "last" else published.year


# Every alternative of _P starts at one of these words: trying _P only there
# is the same as scanning with it, at a fraction of the cost (the alternation
# is long and case-insensitive).
_ANCHOR = re.compile(
    r"\b(?:\d|q[1-4]|fy|fiscal|financial|so\b|this|current|the\b|last|previous|next|between|first|second|third|"
    r"fourth|1st|2nd|3rd|4th|final|h[12]\b|jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec|year|since|by\b|a\b|"
    r"that\b|twelve|four|six|three|nine)",
    re.I,
)


# both run on the lower-cased text (see fast_patterns.py); every group read from
# their matches is read in lower case or is a number
_ANCHOR_LOWERED = lowered(_ANCHOR.pattern)
_P_LOWERED = lowered(_P.pattern)


def _scan(text: str, low: str | None = None):
    end = 0
    low = lower(text) if low is None else low
    for a in _ANCHOR_LOWERED.finditer(low):
        if a.start() < end:
            continue
        m = _P_LOWERED.match(low, a.start())
        if m and m.end() > m.start():
            end = m.end()
            yield m


def find_periods(text: str, published: date | None, fiscal_country: str | None = None,
                 low: str | None = None) -> list[Period]:
    """`low`: the text in lower case, when the caller has it."""
    out: list[Period] = []
    for m in _scan(text, low):
        s, e = m.start(), m.end()
        # _P's alternatives are each one named group, closed after the groups
        # inside it: the last group is the alternative that matched
        kind = m.lastgroup
        if kind == "date":
            continue  # a month with a day is an event date, not a data period
        # (a year, the commonest, is read without a dict of all the groups)
        g = m.groupdict() if kind != "year" else None
        value: str | None = None
        vkind = "none"
        relative = False
        if kind == "fy":
            start_m = FISCAL_START.get(fiscal_country or "IND", 4)
            if g["fy_a"]:
                a = g["fy_a"]
                end_y = (2000 + int(a)) if len(a) == 2 else int(a)
                if g["fy_b"]:
                    b = g["fy_b"]
                    end_y = (end_y // 100 * 100 + int(b)) if len(b) == 2 else int(b)
                    if len(a) == 4 and not g["fy_b"]:
                        pass
                    start_y = end_y - 1
                    if len(a) == 4:
                        start_y = int(a)
                else:
                    start_y = end_y - 1
            elif g["fy_c"]:
                c = int(g["fy_c"])
                if g["fy_d"]:
                    start_y, end_y = c, c + 1
                else:
                    start_y, end_y = c - 1, c  # "fiscal 2023" names the year it ends in
            else:
                start_y, end_y = int(g["fy_e"]), int(g["fy_e"]) + 1
            if start_m == 1:
                value, vkind = str(end_y), "year"
            else:
                value, vkind = _span(start_y, start_m, start_m - 1, start_y + 1), "span"
        elif kind == "fyend":
            end_m, end_y = _month(g["fye_m"]), int(g["fye_y"])
            start_m, start_y = (1, end_y) if end_m == 12 else (end_m + 1, end_y - 1)
            value, vkind = _span(start_y, start_m, end_m, end_y), "span"
        elif kind == "fyrel":
            relative = True
            value = None  # a fiscal year named relatively: resolved below when possible
            if published:
                start_m = FISCAL_START.get(fiscal_country or "IND", 4)
                cur_start = published.year if published.month >= start_m else published.year - 1
                word = m.group(0).lower()
                if "last" in word or "previous" in word:
                    cur_start -= 1
                elif "next" in word:
                    cur_start += 1
                value, vkind = _span(cur_start, start_m, start_m - 1, cur_start + 1), "span"
        elif kind == "mspan":
            m1, m2 = _month(g["m1"]), _month(g["m2"])
            y = int(g["msy"]) if g["msy"] else _rel_year(g["msrel"], published)
            y = _year_for_span(m2, published, y)
            relative = not g["msy"]
            if y and m1 < m2:
                value, vkind = _span(y, m1, m2), "span"
        elif kind == "nmonths":
            n = _NUMWORD.get(g["n"].lower())
            rel = g["nmrel"]
            y = int(g["nmy"]) if g["nmy"] else (_rel_year(rel, published) if rel and rel.lower() != "the" else None)
            relative = not g["nmy"]
            if y is None and rel and rel.lower() == "the" and published:
                y = published.year
            if y is None and not rel and published:
                y = _year_for_span(n or 12, published, None)
            if n and y:
                value, vkind = _span(y, 1, n), "span"
        elif kind == "quarter":
            q = int(g["q1"] or g["q2"] or _ORD[g["q3"].lower()])
            y = int(g["qy"]) if g["qy"] else (2000 + int(g["qy2"]) if g["qy2"] else None)
            if y is None:
                y = _rel_year(g["qrel"], published) if g["qrel"] and g["qrel"].lower() != "the" else None
                relative = True
                if y is None:
                    y = _year_for_span(3 * q, published, None)
            value, vkind = (_quarter_span(q, y), "span") if y else (None, "none")
        elif kind == "half":
            h = int(g["h1"] or g["h2"] or (1 if g["h3"].lower() == "first" else 2))
            y = int(g["hy"]) if g["hy"] else None
            if y is None:
                relative = True
                y = _rel_year(g["hrel"], published) if g["hrel"] and g["hrel"].lower() != "the" else None
                if y is None:
                    y = _year_for_span(6 * h, published, None)
            value, vkind = (_span(y, 6 * h - 5, 6 * h), "span") if y else (None, "none")
        elif kind == "month":
            word = text[m.start("mm"):m.end("mm")]  # as written: the match is in lower case
            if word.lower().rstrip(".") in _MONTH_NAMES_AMBIGUOUS and not g["my"] and not g["mrel"]:
                if not re.search(r"\b(?:in|of|for|during|since|until|by|through|last|this)\s+$", text[max(0, s - 12):s], re.I):
                    continue
            if word[0].islower():
                continue  # "may", "march" as words
            mo = _month(word)
            y = int(g["my"]) if g["my"] else _rel_year(g["mrel"], published)
            relative = not g["my"]
            y = _year_for_month(mo, published, y)
            value, vkind = (_ym(y, mo), "month") if y else (None, "none")
        elif kind == "rolling":
            n = int(g["rn"]) if g["rn"].isdigit() else {"twelve": 12, "four": 4, "six": 6, "three": 3, "nine": 9}[g["rn"]]
            months = n * 3 if g["ru"].lower() == "quarters" else n
            end_m = _month(g["rm"]) if g["rm"] else 3 * int(g["rq"] or _ORD[g["rq2"].lower()])
            end_y = int(g["ry"])
            start_total = end_y * 12 + end_m - months  # months since year 0, exclusive start
            value, vkind = _span(start_total // 12, start_total % 12 + 1, end_m, end_y), "span"
        elif kind == "anaphor":
            if not re.search(r"\b(?:in|during|over|for|of|through|throughout)\s+$", text[max(0, s - 12):s], re.I):
                continue
            value, vkind = None, "anaphor"
        elif kind in ("ytd", "fytd"):
            value, vkind, relative = None, "none", True
        elif kind == "rel":
            relative = True
            w = re.sub(r"\s+", " ", m.group(0).lower())
            if published:
                if "month" in w:
                    if "this month" in w:
                        value = _ym(published.year, published.month)
                    else:
                        y, mo = (published.year, published.month - 1) if published.month > 1 else (published.year - 1, 12)
                        value = _ym(y, mo)
                    vkind = "month"
                elif "next year" in w:
                    value, vkind = str(published.year + 1), "year"
                elif any(k in w for k in ("last year", "previous year", "earlier", "ago", "year before")):
                    value, vkind = str(published.year - 1), "year"
                else:
                    value, vkind = str(published.year), "year"
        elif kind == "yfy":
            a_y, b_y = int(g["yfy_a"]), int(g["yfy_b"])
            start_m = FISCAL_START.get(fiscal_country or "", 0)
            if (a_y + 1) % 100 == b_y and start_m > 1:  # "2020-21": a fiscal year where one applies
                value, vkind = _span(a_y, start_m, start_m - 1, a_y + 1), "span"
        elif kind == "yrange":
            value, vkind = None, "none"
        elif kind == "year":
            value, vkind = m.group("yy"), "year"
        base = bool(_BASE_BEFORE.search(text[max(0, s - 45):s]))
        if not base and relative and kind != "nmonths" and \
                re.search(r"\bover\s+(?:the\s+)?$", text[max(0, s - 10):s], re.I):
            base = True  # "up 5% over last year"; "over 2020", "over the nine months" are the period itself
        if not base and _FROM_AMOUNT_BEFORE.search(text[max(0, s - 45):s]):
            base = True  # "from $10.17 billion in the previous fiscal": the earlier level's period
        if base and kind == "mspan" and re.search(r"\bfrom\s+$", text[max(0, s - 6):s], re.I):
            base = False  # "from January to September" is the span itself
        out.append(Period(s, e, value, vkind, base=base, relative=relative))
    _anchor_year_earlier(text, out)
    return out


_YEAR_EARLIER = re.compile(r"a\s+year\s+(?:earlier|before|ago)|(?:the\s+)?previous\s+(?:year|fiscal(?:\s+year)?)|"
                           r"the\s+year\s+before|last\s+fiscal(?:\s+year)?|the\s+same\s+period\s+(?:of\s+)?last\s+year",
                           re.I)


def _shift_year(value: str, years: int) -> str:
    return re.sub(r"\d{4}", lambda m: str(int(m.group()) + years), value)


def _anchor_year_earlier(text: str, periods: list[Period]) -> None:
    """"$20.4 billion a year earlier" beside "April-September 2023" is
    April-September 2022: a year-earlier expression shifts the period the
    sentence states, not the publication date."""
    anchor = next((p for p in periods if p.value and p.kind in ("year", "month", "span")
                   and not _YEAR_EARLIER.fullmatch(text[p.start:p.end].strip())), None)
    if anchor is None:
        return
    for p in periods:
        if p.relative and _YEAR_EARLIER.fullmatch(text[p.start:p.end].strip()):
            p.value, p.kind = _shift_year(anchor.value, -1), anchor.kind


def specificity(value: str | None) -> int:
    if value is None:
        return 0
    return 3 if "-" in value else 2
