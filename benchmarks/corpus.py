#!/usr/bin/env python3
"""Generate a synthetic news corpus with planted, gold-labelled trade metrics.

    python benchmarks/corpus.py --docs N --out DIR [--seed 0] [--workers W]

Writes, in the pipeline's input-folder format:

- ``DIR/docs/<shard>/<name>.txt``: one news text per file, at most 1,000 files
  per shard, names unique across the corpus (``d0001234.txt``);
- ``DIR/docs/manifest.csv``: ``doc,published,source_url,title`` with ``doc``
  relative to ``DIR/docs``; about 5 % of the documents have no row and 5 % an
  empty ``published``, so their relative periods resolve to null;
- ``DIR/planted.jsonl``: the planted facts in the gold format of
  ``shared/gold/seeds.jsonl`` (``doc`` is the file's basename).

Every planted fact follows ``shared/spec/trade-metrics.md``: one record per
fact and document (a headline or a "READ MORE:" line restating the lead is
the same fact), signed growth, partner shares only, total pairs in
alphabetical order, ``WLD``/``EUU`` codes, relative periods resolved against
the manifest's date (null without one). Each fact sits in its own paragraph,
next to sentences that carry no number and no period, so the paragraph rule of
the spec never changes a planted period. Distractor paragraphs are full of
numbers the spec excludes (troops, doses, GDP, inflation, rankings,
investment, loans, surpluses, per-day rates, settlement shares, capacity...).

Each document draws from its own ``random.Random`` seeded by (seed, index), so
the output is byte-identical for a seed whatever the number of workers, and
documents are written as they are made (memory does not grow with N).
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import os
import random
import sys
import time
from collections import Counter
from datetime import date
from multiprocessing import get_context

SHARD_SIZE = 1000
MIN_BYTES = 1536
MAX_BYTES = 6000
CHUNK = 250  # documents per worker task

QS = "\x01"  # quote start marker (never in output)
QE = "\x02"  # quote end marker


# --------------------------------------------------------------------------
# Vocabulary
# --------------------------------------------------------------------------


class Country:
    __slots__ = ("code", "name", "poss", "adj", "short", "cap", "cur", "sino")

    def __init__(self, code, name, poss, adj, short, cap, cur="USD", sino=None):
        self.code, self.name, self.poss, self.adj = code, name, poss, adj
        self.short, self.cap, self.cur, self.sino = short, cap, cur, sino


_C = [
    Country("RUS", "Russia", "Russia's", "Russian", "Russia", "Moscow", "RUB", "Sino-Russian"),
    Country("CHN", "China", "China's", "Chinese", "China", "Beijing", "CNY"),
    Country("IND", "India", "India's", "Indian", "India", "New Delhi", "INR", "Sino-Indian"),
    Country("USA", "the United States", "the United States'", "US", "US", "Washington", "USD", "Sino-US"),
    Country("EUU", "the European Union", "the EU's", "EU", "EU", "Brussels", "EUR", "Sino-European"),
    Country("JPN", "Japan", "Japan's", "Japanese", "Japan", "Tokyo", "JPY", "Sino-Japanese"),
    Country("KOR", "South Korea", "South Korea's", "South Korean", "South Korea", "Seoul", "KRW"),
    Country("GBR", "Britain", "Britain's", "British", "UK", "London", "GBP", "Sino-British"),
    Country("DEU", "Germany", "Germany's", "German", "Germany", "Berlin", "EUR", "Sino-German"),
    Country("FRA", "France", "France's", "French", "France", "Paris", "EUR", "Sino-French"),
    Country("ITA", "Italy", "Italy's", "Italian", "Italy", "Rome", "EUR"),
    Country("BRA", "Brazil", "Brazil's", "Brazilian", "Brazil", "Brasilia", "BRL", "Sino-Brazilian"),
    Country("TUR", "Turkey", "Turkey's", "Turkish", "Turkey", "Ankara", "TRY"),
    Country(
        "AUS", "Australia", "Australia's", "Australian", "Australia", "Canberra", "AUD", "Sino-Australian"
    ),
    Country("KAZ", "Kazakhstan", "Kazakhstan's", "Kazakh", "Kazakhstan", "Astana", "USD", "Sino-Kazakh"),
    Country("IRN", "Iran", "Iran's", "Iranian", "Iran", "Tehran", "USD", "Sino-Iranian"),
    Country("SAU", "Saudi Arabia", "Saudi Arabia's", "Saudi", "Saudi", "Riyadh", "USD", "Sino-Saudi"),
    Country("ARE", "the United Arab Emirates", "the UAE's", "Emirati", "UAE", "Abu Dhabi"),
    Country("EGY", "Egypt", "Egypt's", "Egyptian", "Egypt", "Cairo"),
    Country("ZAF", "South Africa", "South Africa's", "South African", "South Africa", "Pretoria"),
    Country("IDN", "Indonesia", "Indonesia's", "Indonesian", "Indonesia", "Jakarta"),
    Country("VNM", "Vietnam", "Vietnam's", "Vietnamese", "Vietnam", "Hanoi", "USD", "Sino-Vietnamese"),
    Country("PAK", "Pakistan", "Pakistan's", "Pakistani", "Pakistan", "Islamabad", "USD", "Sino-Pakistani"),
    Country("BLR", "Belarus", "Belarus'", "Belarusian", "Belarus", "Minsk"),
    Country("UZB", "Uzbekistan", "Uzbekistan's", "Uzbek", "Uzbekistan", "Tashkent"),
    Country("MNG", "Mongolia", "Mongolia's", "Mongolian", "Mongolia", "Ulaanbaatar"),
    Country("NGA", "Nigeria", "Nigeria's", "Nigerian", "Nigeria", "Abuja"),
    Country("ARG", "Argentina", "Argentina's", "Argentine", "Argentina", "Buenos Aires"),
    Country("CAN", "Canada", "Canada's", "Canadian", "Canada", "Ottawa"),
    Country("NOR", "Norway", "Norway's", "Norwegian", "Norway", "Oslo"),
    Country("AZE", "Azerbaijan", "Azerbaijan's", "Azerbaijani", "Azerbaijan", "Baku"),
    Country("THA", "Thailand", "Thailand's", "Thai", "Thailand", "Bangkok"),
    Country("MYS", "Malaysia", "Malaysia's", "Malaysian", "Malaysia", "Kuala Lumpur"),
    Country("MEX", "Mexico", "Mexico's", "Mexican", "Mexico", "Mexico City"),
]
COUNTRY = {c.code: c for c in _C}
CODES = [c.code for c in _C]
HUBS = ["RUS", "CHN", "IND", "USA", "EUU", "JPN", "TUR", "GBR", "DEU", "BRA", "AUS", "KOR"]
EU_MEMBERS = {"DEU", "FRA", "ITA"}

FX = {
    "USD": 1.0,
    "EUR": 0.92,
    "CNY": 7.1,
    "RUB": 90.0,
    "JPY": 145.0,
    "INR": 83.0,
    "KRW": 1320.0,
    "GBP": 0.79,
    "BRL": 5.0,
    "TRY": 30.0,
    "AUD": 1.5,
}
SCALES = (
    (1e12, ("trillion", "trillion", "tln", "trln")),
    (1e9, ("billion", "billion", "bn", "bln")),
    (1e6, ("million", "million", "mln")),
)
# money styles: {m} mantissa, {w} scale word; "compact" styles only with abbreviations
MONEY_STYLES = {
    "USD": (
        "${m} {w}",
        "${m} {w}",
        "${m} {w}",
        "US${m} {w}",
        "USD {m} {w}",
        "{m} {w} dollars",
        "{m} {w} US dollars",
        "${m}{w}*",
    ),
    "EUR": ("€{m} {w}", "€{m} {w}", "EUR {m} {w}", "{m} {w} euros", "€{m}{w}*"),
    "CNY": ("{m} {w} yuan", "{m} {w} yuan", "CNY {m} {w}", "RMB {m} {w}", "{m} {w} renminbi"),
    "RUB": ("{m} {w} rubles", "{m} {w} roubles", "RUB {m} {w}"),
    "JPY": ("¥{m} {w}", "{m} {w} yen", "JPY {m} {w}"),
    "INR": ("INR {m} {w}", "Rs {m} {w}", "{m} {w} rupees"),
    "KRW": ("₩{m} {w}", "{m} {w} won", "KRW {m} {w}"),
    "GBP": ("£{m} {w}", "£{m} {w}", "GBP {m} {w}", "{m} {w} pounds", "£{m}{w}*"),
    "BRL": ("R${m} {w}", "R$ {m} {w}", "BRL {m} {w}", "{m} {w} reais"),
    "TRY": ("₺{m} {w}", "{m} {w} lira", "TRY {m} {w}", "{m} {w} Turkish lira"),
    "AUD": ("A${m} {w}", "AU${m} {w}", "AUD {m} {w}", "{m} {w} Australian dollars"),
}
# commodity -> (allowed volume units, typical volume in the unit)
COMMODITIES = {
    "crude oil": (("t", "bbl"), 40e6),
    "natural gas": (("m3",), 20e9),
    "liquefied natural gas": (("t",), 6e6),
    "coal": (("t",), 30e6),
    "wheat": (("t",), 5e6),
    "iron ore": (("t",), 50e6),
    "soybeans": (("t",), 20e6),
    "copper": (("t",), 1.5e6),
    "fertilizers": (("t",), 4e6),
    "barley": (("t",), 3e6),
    "palm oil": (("t",), 3e6),
    "timber": (("m3",), 15e6),
}
COMMODITY_NAMES = list(COMMODITIES)
BBL_PER_T = 7.3

MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
MON_ABBR = ["Jan", "Feb", "March", "April", "May", "June", "July", "Aug", "Sept", "Oct", "Nov", "Dec"]
NUM_WORDS = {
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    9: "nine",
    10: "ten",
    11: "eleven",
}
ORDW = {1: "first", 2: "second", 3: "third", 4: "fourth"}
PCT = ("%", "%", "%", " percent", " percent", " per cent", " pct")

PEOPLE = [
    "Elena Markova",
    "Li Wen",
    "Rajesh Menon",
    "Sergei Volkov",
    "Anna Keller",
    "Mehmet Aydin",
    "Hiroshi Tanaka",
    "Ji-ho Park",
    "Carlos Souza",
    "James Whitfield",
    "Olga Ivanova",
    "Zhang Hui",
    "Priya Sharma",
    "Fatima Al-Sayed",
    "Luca Bianchi",
    "Sophie Martin",
    "Aigerim Sadykova",
]
TITLES = [
    "trade minister",
    "economy minister",
    "deputy prime minister",
    "ambassador",
    "finance minister",
    "commerce secretary",
    "foreign minister",
    "industry minister",
]
SOURCES = [
    "customs data",
    "official figures",
    "the customs service",
    "government statistics",
    "the statistics office",
    "the trade ministry",
    "preliminary data",
]
OUTLETS = [
    "newsdesk",
    "tradewire",
    "eurasia-monitor",
    "asia-economy",
    "globalpost",
    "marketline",
    "dailyledger",
    "the-courier",
]


# --------------------------------------------------------------------------
# Number formatting
# --------------------------------------------------------------------------


def _mantissa(r: random.Random, x: float) -> tuple[str, int, int]:
    """Round x for print; returns (text, integer digits, decimals): value = digits / 10**decimals."""
    if x >= 100:
        d = 0 if r.random() < 0.75 else 1
    elif x >= 10:
        d = 0 if r.random() < 0.5 else 1
    else:
        d = 1 if r.random() < 0.7 else 2
    mi = max(1, round(x * 10**d))
    while d and mi % 10 == 0:
        mi //= 10
        d -= 1
    return format(mi / 10**d, f",.{d}f"), mi, d


def _indian(n: int) -> str:
    s = str(n)
    if len(s) <= 3:
        return s
    head, tail = s[:-3], s[-3:]
    parts = []
    while len(head) > 2:
        parts.insert(0, head[-2:])
        head = head[:-2]
    if head:
        parts.insert(0, head)
    return ",".join(parts) + "," + tail


def _sig3(x: float) -> int:
    k = max(0, int(math.floor(math.log10(x))) - 2)
    return round(x / 10**k) * 10**k


def _ord(n: int) -> str:
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _pct(r: random.Random, lo: float, hi: float) -> tuple[str, float]:
    x = r.uniform(lo, hi)
    d = 0 if r.random() < 0.45 else 1
    mi = max(1, round(x * 10**d))
    while d and mi % 10 == 0:
        mi //= 10
        d -= 1
    return format(mi / 10**d, f".{d}f"), mi / 10**d


# --------------------------------------------------------------------------
# Document context
# --------------------------------------------------------------------------


class Ctx:
    """Everything one document's generation draws from."""

    def __init__(self, seed: int, idx: int):
        self.r = r = random.Random(seed * 1_000_003 + idx)
        self.idx = idx
        self.ref = date(r.randint(2019, 2024), r.randint(1, 12), r.randint(1, 28))
        u = r.random()
        self.manifest_row = u >= 0.05
        self.has_pub = u >= 0.10
        self.curly = r.random() < 0.35
        a = r.choice(HUBS)
        while True:
            b = r.choice(CODES)
            if b != a and not (a == "EUU" and b in EU_MEMBERS) and not (b == "EUU" and a in EU_MEMBERS):
                break
        if r.random() < 0.5:
            a, b = b, a
        self.A, self.B = COUNTRY[a], COUNTRY[b]
        self.main = {a, b}
        self.facts: list[dict] = []
        self.templates_used: list[str] = []
        self._decks: dict[str, list] = {}

    def deal(self, name: str, items) -> object:
        """Draw without replacement from a per-document deck (reshuffled when empty)."""
        deck = self._decks.get(name)
        if not deck:
            deck = self._decks[name] = list(items)
            self.r.shuffle(deck)
        return deck.pop()

    # ---- small helpers
    def ch(self, seq):
        return seq[int(self.r.random() * len(seq))]

    def other_country(self) -> Country:
        while True:
            c = self.ch(_C)
            if c.code not in self.main:
                return c

    def speaker(self, c: Country | None = None) -> str:
        c = c or self.ch((self.A, self.B))
        u = self.r.random()
        if u < 0.4:
            return f"{c.adj} {self.ch(TITLES)} {self.ch(PEOPLE)}"
        if u < 0.8:
            return f"the {c.adj} {self.ch(TITLES)}"
        return f"a senior {c.adj} official"

    def two(self) -> str:
        if "EUU" in self.main:
            return self.ch(("the two sides", "the two economies"))
        return self.ch(("the two countries", "the two countries", "the two sides", "both countries"))

    # ---- periods: each returns (phrase, gold period); sets nothing
    def _rel(self, gold: str | None) -> str | None:
        return gold if self.has_pub else None

    def past_period(self, f: dict, kinds=("year", "span", "month", "fiscal")) -> tuple[str, str | None]:
        r, ref = self.r, self.ref
        india = "IND" in (f["reporter"], f["partner"])
        weights = {"year": 0.45, "span": 0.35, "month": 0.12, "fiscal": 0.12 if india else 0.0}
        ks = [k for k in kinds if weights[k] > 0]
        k = r.choices(ks, [weights[x] for x in ks])[0]
        if k == "year":
            back = self.ch((1, 1, 1, 1, 2, 2, 3, 4))
            y = ref.year - back
            if back == 1 and r.random() < 0.35:
                return self.ch(("last year", "last year", "in the previous year")), self._rel(str(y))
            form = self.ch(
                (
                    "in {Y}",
                    "in {Y}",
                    "in {Y}",
                    "for {Y}",
                    "by the end of {Y}",
                    "in the whole of {Y}",
                    "in {Y} as a whole",
                    "over {Y}",
                )
            )
            return form.format(Y=y), str(y)
        if k == "month":
            back = r.randint(1, 14)
            m0 = ref.year * 12 + ref.month - 1 - back
            y, m = divmod(m0, 12)
            gold = f"{y}-{m + 1:02d}"
            if back == 1 and r.random() < 0.4:
                return "last month", self._rel(gold)
            return f"in {MONTHS[m]} {y}", gold
        if k == "fiscal":
            end = ref.year - self.ch((0, 1, 1, 2))
            if end == ref.year and ref.month < 5:
                end -= 1
            yy = f"{end % 100:02d}"
            form = self.ch(
                (
                    "in FY{yy}",
                    "in FY{yy}",
                    "in {s}-{yy}",
                    "in fiscal {s}-{yy}",
                    "in the financial year {s}-{yy}",
                    "in the fiscal year ended March {e}",
                )
            )
            return form.format(yy=yy, s=end - 1, e=end), f"{end - 1}-04/{end}-03"
        # span within one calendar year
        if ref.month >= 4 and r.random() < 0.5:
            y, max_end = ref.year, ref.month - 1
        else:
            y, max_end = ref.year - self.ch((1, 1, 2)), 12
        rel = None
        if y == ref.year and r.random() < 0.5:
            rel = "this year"
        elif y == ref.year - 1 and r.random() < 0.3:
            rel = "last year"
        yp = rel or str(y)
        u = r.random()
        if u < 0.35:
            n = r.randint(2, min(11, max_end))
            nw = NUM_WORDS[n] if r.random() < 0.85 else str(n)
            phrase = f"in the first {nw} months of {yp}"
            start, end = 1, n
        elif u < 0.6:
            n = r.randint(2, min(11, max_end))
            if rel:
                phrase = self.ch(
                    (f"in January-{MONTHS[n - 1]} {yp}", f"between January and {MONTHS[n - 1]} {yp}")
                )
            else:
                phrase = self.ch(
                    (
                        f"in January-{MONTHS[n - 1]} {yp}",
                        f"between January and {MONTHS[n - 1]} {yp}",
                        f"in the January-{MONTHS[n - 1]} period of {yp}",
                    )
                )
            start, end = 1, n
        elif u < 0.85:
            q = r.randint(1, max(1, max_end // 3))
            start, end = 3 * q - 2, 3 * q
            if rel:
                phrase = f"in the {ORDW[q]} quarter of {yp}"
            else:
                phrase = self.ch(
                    (
                        f"in the {ORDW[q]} quarter of {yp}",
                        f"in Q{q} {yp}",
                        f"in the {ORDW[q]} quarter of {yp}",
                    )
                )
        else:
            if max_end == 12 and r.random() < 0.4:
                start, end = 7, 12
                phrase = f"in the second half of {yp}"
            else:
                start, end = 1, 6
                if max_end < 6:
                    start, end = 1, 3
                    phrase = f"in the first quarter of {yp}"
                else:
                    phrase = self.ch(
                        (f"in the first half of {yp}", f"in the first six months of {yp}")
                        + (() if rel else (f"in H1 {yp}",))
                    )
        gold = f"{y}-{start:02d}/{y}-{end:02d}"
        return phrase, (self._rel(gold) if rel else gold)

    def future_period(self, null_ok: bool, forecast: bool) -> tuple[str, str | None]:
        r, ref = self.r, self.ref
        u = r.random()
        if null_ok and u < 0.15:
            return "", None
        if u < 0.65:
            y = ref.year + r.randint(1, 8)
            forms = ("by {Y}", "by {Y}", "by the end of {Y}") + (("in {Y}",) if forecast else ())
            return self.ch(forms).format(Y=y), str(y)
        if u < 0.92:
            return self.ch(("this year", "by the end of this year", "by the end of the year")), self._rel(
                str(ref.year)
            )
        return "next year", self._rel(str(ref.year + 1))

    # ---- amounts: each returns (text, [(unit, value)])
    def money(self, usd: float, f: dict, allow_dual: bool = True) -> tuple[str, list]:
        r = self.r
        codes = [f["reporter"], f["partner"]]
        curs = ["USD"] * 5
        for c in codes:
            if c in COUNTRY and COUNTRY[c].cur != "USD":
                curs += [COUNTRY[c].cur] * 2
        cur = self.ch(curs)
        text, val = self._money_one(usd * FX[cur], cur)
        out = [(cur, val)]
        if cur != "USD" and allow_dual and r.random() < 0.12:
            t2, v2 = self._money_one(usd, "USD")
            text = f"{text} ({t2})"
            out.append(("USD", v2))
        return text, out

    def _money_one(self, amt: float, cur: str) -> tuple[str, float]:
        r = self.r
        if cur == "INR" and r.random() < 0.7:
            lc = amt / 1e12
            if lc >= 0.5 and r.random() < 0.5:
                m, mi, d = _mantissa(r, lc)
                return f"{self.ch(('Rs ', '₹', 'Rs. '))}{m} lakh crore", float(mi * (10**12 // 10**d))
            crore = _sig3(amt / 1e7)
            num = _indian(crore) if r.random() < 0.6 else format(crore, ",")
            return f"{self.ch(('Rs ', '₹', 'Rs. ', 'INR '))}{num} crore", float(crore * 10**7)
        for scale, words in SCALES:
            if amt >= scale:
                break
        m, mi, d = _mantissa(r, amt / scale)
        w = self.ch(words)
        style = self.ch(MONEY_STYLES[cur])
        if style.endswith("*"):
            if w in ("billion", "million", "trillion"):
                style = style[:-1].replace("{w}", " {w}")
            else:
                style = style[:-1]
        return style.format(m=m, w=w), float(mi * (int(scale) // 10**d))

    def volume(self, commodity: str, unit: str, scale_factor: float = 1.0) -> tuple[str, float]:
        r = self.r
        base = COMMODITIES[commodity][1] * (BBL_PER_T if unit == "bbl" else 1.0)
        amt = base * math.exp(r.uniform(-1.6, 1.4)) * scale_factor
        if unit == "t" and amt < 1e6:
            n = _sig3(amt)
            return f"{n:,} {self.ch(('tonnes', 'tonnes', 'metric tons'))}", float(n)
        scale, word = (
            (1e9, self.ch(("billion", "billion", "bln")))
            if amt >= 1e9
            else (1e6, self.ch(("million", "million", "mln")))
        )
        m, mi, d = _mantissa(r, amt / scale)
        val = float(mi * (int(scale) // 10**d))
        if unit == "t":
            return f"{m} {word} {self.ch(('tonnes', 'tonnes', 'metric tons'))}", val
        if unit == "bbl":
            return f"{m} {word} barrels", val
        if scale == 1e9 and word == "billion" and r.random() < 0.15:
            return f"{m} bcm", val
        return f"{m} {word} {self.ch(('cubic metres', 'cubic metres', 'cubic meters'))}", val

    def qual(self, allowed: str) -> tuple[str, str]:
        """allowed: letters e (exact), a (approx), o (over), u (under)."""
        k = self.ch(allowed)
        if k == "e":
            return "", "exact"
        if k == "a":
            return self.ch(("about ", "around ", "nearly ", "some ", "approximately ")), "approx"
        if k == "o":
            return self.ch(("more than ", "over ", "more than ")), "over"
        return "less than ", "under"

    # ---- subjects
    def subj(self, f: dict, ctx_ok: bool = False) -> tuple[str, bool]:
        """Noun phrase naming the flow of fact f; returns (text, plural)."""
        X, Y = COUNTRY[f["X"]], f["Y"]
        com = f["commodity"]
        if f["flow"] == "total":
            if Y == "WLD":
                return self.ch(
                    (
                        f"{X.poss} foreign trade",
                        f"{X.poss} total foreign trade",
                        f"{X.poss} foreign trade turnover",
                        f"{X.poss} external trade",
                        f"{X.adj} foreign trade",
                    )
                ), False
            Yc = COUNTRY[Y]
            if ctx_ok and f["main"] and self.r.random() < 0.5:
                f["ctx"] = True
                return self.ch(
                    (
                        "bilateral trade",
                        f"trade between {self.two()}",
                        "bilateral trade turnover",
                        "mutual trade",
                        "two-way trade",
                    )
                ), False
            forms = [
                f"trade between {X.name} and {Yc.name}",
                f"bilateral trade between {X.name} and {Yc.name}",
                f"{X.short}-{Yc.short} trade",
                f"trade turnover between {X.name} and {Yc.name}",
                f"{X.adj}-{Yc.adj} trade turnover",
                f"{X.poss} trade with {Yc.name}",
                f"trade exchanges between {X.name} and {Yc.name}",
                f"trade between {X.cap} and {Yc.cap}",
            ]
            if X.code == "CHN" and Yc.sino:
                forms.append(f"{Yc.sino} trade")
            return self.ch(forms), False
        if f["flow"] == "export":
            if Y == "WLD":
                if com:
                    return self.ch((f"{X.poss} {com} exports", f"{X.adj} {com} exports")), True
                return self.ch(
                    (
                        f"{X.poss} exports",
                        f"{X.poss} total exports",
                        f"{X.adj} exports",
                        f"{X.poss} overall exports",
                    )
                ), True
            Yc = COUNTRY[Y]
            if com:
                return self.ch(
                    (
                        f"{X.poss} {com} exports to {Yc.name}",
                        f"exports of {X.adj} {com} to {Yc.name}",
                        f"{com} exports from {X.name} to {Yc.name}",
                        f"{X.adj} {com} supplies to {Yc.name}",
                        f"{com} deliveries from {X.name} to {Yc.name}",
                    )
                ), True
            return self.ch(
                (
                    f"{X.poss} exports to {Yc.name}",
                    f"exports from {X.name} to {Yc.name}",
                    f"{X.adj} exports to {Yc.name}",
                    f"{X.poss} shipments to {Yc.name}",
                    f"deliveries of {X.adj} goods to {Yc.name}",
                )
            ), True
        # import
        if Y == "WLD":
            if com:
                return self.ch((f"{X.poss} {com} imports", f"{X.adj} {com} imports")), True
            return self.ch(
                (
                    f"{X.poss} imports",
                    f"{X.poss} total imports",
                    f"{X.adj} imports",
                    f"{X.poss} overall imports",
                )
            ), True
        Yc = COUNTRY[Y]
        if com:
            return self.ch(
                (
                    f"{X.poss} {com} imports from {Yc.name}",
                    f"{X.poss} imports of {Yc.adj} {com}",
                    f"imports of {com} from {Yc.name} into {X.name}",
                    f"{X.adj} purchases of {Yc.adj} {com}",
                )
            ), True
        return self.ch(
            (
                f"{X.poss} imports from {Yc.name}",
                f"imports from {Yc.name} into {X.name}",
                f"{X.adj} imports from {Yc.name}",
                f"{X.poss} purchases from {Yc.name}",
            )
        ), True

    def trade_noun(self, f: dict) -> str:
        """'foreign trade' / 'exports' / 'crude oil imports' as the whole a share divides."""
        com = f["commodity"]
        if f["flow"] == "total":
            return self.ch(("foreign trade", "total trade", "international trade", "external trade"))
        noun = "exports" if f["flow"] == "export" else "imports"
        if com:
            return f"{com} {noun}"
        return self.ch((noun, noun, f"total {noun}"))


def sentence(c: Ctx, s: str) -> tuple[str, str | None]:
    """Capitalise, set apostrophes, strip the quote markers: returns (text, quote)."""
    i = 0
    while i < len(s) and not s[i].isalnum():
        i += 1
    if i < len(s) and s[i].islower():
        s = s[:i] + s[i].upper() + s[i + 1 :]
    if c.curly:
        s = s.replace("'", "’")
    a = s.find(QS)
    if a < 0:
        return s, None
    b = s.find(QE)
    quote = s[a + 1 : b]
    return s.replace(QS, "").replace(QE, ""), quote


# --------------------------------------------------------------------------
# Fact templates
# --------------------------------------------------------------------------
# Each template fills fact f (parties and flow already chosen) and returns the
# sentence, with QS/QE around the quote. Extra facts stated in the same
# sentence go to f["extra"].


class Tpl:
    __slots__ = ("name", "measure", "status", "flows", "commodity", "wld", "main_only", "fn", "weight")

    def __init__(self, name, measure, status, flows, commodity, wld, main_only, fn, weight):
        self.name, self.measure, self.status, self.flows = name, measure, status, flows
        self.commodity, self.wld, self.main_only, self.fn, self.weight = commodity, wld, main_only, fn, weight


TEMPLATES: list[Tpl] = []


def tpl(
    name,
    measure,
    status,
    flows=("total", "export", "import"),
    commodity="none",
    wld=True,
    main_only=False,
    weight=1.0,
):
    def deco(fn):
        TEMPLATES.append(Tpl(name, measure, tuple(status), flows, commodity, wld, main_only, fn, weight))
        return fn

    return deco


USD_RANGE = {"total": (2e9, 3e11), "export": (5e8, 1.5e11), "import": (5e8, 1.5e11)}
WLD_RANGE = {"total": (1e11, 5e12), "export": (5e10, 3e12), "import": (5e10, 2.5e12)}


def usd_size(c: Ctx, f: dict) -> float:
    if f["commodity"]:
        lo, hi = 3e8, 6e10
    else:
        lo, hi = (WLD_RANGE if f["Y"] == "WLD" else USD_RANGE)[f["flow"]]
    return math.exp(c.r.uniform(math.log(lo), math.log(hi)))


def set_money(c: Ctx, f: dict, allow_dual: bool = True) -> str:
    text, vals = c.money(usd_size(c, f), f, allow_dual)
    f["unit"], f["value"] = vals[0]
    if len(vals) > 1:
        f["dual"] = vals[1]
    return text


def set_growth(c: Ctx, f: dict, sign: int, lo: float = 0.5, hi: float = 45.0) -> str:
    s, v = _pct(c.r, lo, hi)
    f["unit"], f["value"] = "percent", sign * v
    return s + c.ch(PCT)


def vb(plural: bool, sg: str, pl: str) -> str:
    return pl if plural else sg


RISE = ("rose", "grew", "increased", "jumped", "climbed", "rose", "grew")
FALL = ("fell", "declined", "dropped", "decreased", "slumped", "fell", "contracted")
REACH = ("reached", "totaled", "totalled", "amounted to", "stood at", "came to", "reached")


# ---- value, actual ----------------------------------------------------------


@tpl("value_reached", "value", ["actual"], weight=3)
def _t(c, f):
    S, pl = c.subj(f, True)
    v = c.ch(REACH)
    q, f["qualifier"] = c.qual("eeaao" + ("u" if v in ("amounted to", "came to", "totaled") else ""))
    amt = set_money(c, f)
    per, f["period"] = c.past_period(f)
    tail = c.ch(("", "", f", according to {c.ch(SOURCES)}", f", {c.ch(SOURCES)} showed"))
    return f"{QS}{S} {v} {q}{amt} {per}{QE}{tail}."


@tpl("value_exceeded", "value", ["actual"])
def _t(c, f):
    S, pl = c.subj(f, True)
    amt = set_money(c, f)
    f["qualifier"] = "over"
    per, f["period"] = c.past_period(f)
    return f"{QS}{S} {c.ch(('exceeded', 'surpassed'))} {amt} {per}{QE}."


@tpl("value_mark", "value", ["actual"])
def _t(c, f):
    S, pl = c.subj(f, True)
    amt = set_money(c, f, False)
    f["qualifier"] = "over"
    per, f["period"] = c.past_period(f, ("year", "span", "fiscal"))
    v = c.ch(
        ("surpassed the {a} mark", "touched the {a} mark", "crossed the {a} mark", "passed the {a} mark")
    )
    return f"{QS}{S} {v.format(a=amt)} {per}{QE}, {c.ch(SOURCES)} showed."


@tpl("value_period_first", "value", ["actual"], weight=2)
def _t(c, f):
    per, f["period"] = c.past_period(f)
    S, pl = c.subj(f, True)
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f)
    return f"{QS}{per}, {S} {c.ch(REACH)} {q}{amt}{QE}, {c.ch(SOURCES)} showed."


@tpl("value_according", "value", ["actual"])
def _t(c, f):
    S, pl = c.subj(f, True)
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f)
    per, f["period"] = c.past_period(f)
    return f"According to {c.ch(SOURCES)}, {QS}{S} {c.ch(REACH)} {q}{amt} {per}{QE}."


@tpl("value_of", "value", ["actual"])
def _t(c, f):
    S, pl = c.subj(f)
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f)
    per, f["period"] = c.past_period(f)
    return f"{QS}The value of {S} was {q}{amt} {per}{QE}, {c.ch(SOURCES)} showed."


@tpl("value_traded_goods", "value", ["actual"], flows=("total",), wld=False)
def _t(c, f):
    X, Y = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    per, f["period"] = c.past_period(f)
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f)
    return f"{QS}{per}, {X.name} and {Y.name} traded goods worth {q}{amt}{QE}."


@tpl("value_exported_goods", "value", ["actual"], flows=("export",))
def _t(c, f):
    X = COUNTRY[f["X"]]
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f)
    per, f["period"] = c.past_period(f)
    to = "" if f["Y"] == "WLD" else f" to {COUNTRY[f['Y']].name}"
    return f"{QS}{X.name} exported goods worth {q}{amt}{to} {per}{QE}."


@tpl("value_imported_goods", "value", ["actual"], flows=("import",))
def _t(c, f):
    X = COUNTRY[f["X"]]
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f)
    per, f["period"] = c.past_period(f)
    frm = " from around the world" if f["Y"] == "WLD" else f" from {COUNTRY[f['Y']].name}"
    return f"{QS}{X.name} imported {q}{amt} worth of goods{frm} {per}{QE}."


@tpl("value_current", "value", ["actual"])
def _t(c, f):
    S, pl = c.subj(f, True)
    amt = set_money(c, f)
    f["period"] = None
    u = c.r.random()
    if u < 0.35:
        q, f["qualifier"] = c.qual("eeaa")
        return f"{QS}{S} currently {vb(pl, 'stands', 'stand')} at {q}{amt}{QE}, officials said."
    if u < 0.7:
        f["qualifier"] = "exact"
        return f"{QS}{S} {vb(pl, 'has', 'have')} already reached {amt}{QE}, {c.speaker()} said."
    f["qualifier"] = "over"
    return f"{QS}{S} now {vb(pl, 'exceeds', 'exceed')} {amt} per year{QE}, {c.speaker()} said."


@tpl("value_our_trade", "value", ["actual"], flows=("total",), wld=False, main_only=True)
def _t(c, f):
    amt = set_money(c, f, False)
    if c.r.random() < 0.5:
        f["period"], f["qualifier"] = None, "exact"
        body = f"{QS}The volume of our trade turnover has already reached {amt}{QE}"
    else:
        per, f["period"] = c.past_period(f, ("year", "span"))
        q, f["qualifier"] = c.qual("eeao")
        body = f"{QS}Our trade {c.ch(('reached', 'amounted to', 'totaled'))} {q}{amt} {per}{QE}"
    return f"“{body},” {c.speaker()} said."


@tpl("value_record", "value", ["actual"])
def _t(c, f):
    S, pl = c.subj(f, True)
    amt = set_money(c, f)
    f["qualifier"] = "exact"
    per, f["period"] = c.past_period(f, ("year", "span"))
    return f"{QS}{S} hit a record {amt} {per}{QE}."


@tpl("value_rose_to", "value", ["actual"], weight=1.5)
def _t(c, f):
    """growth and level in one sentence: two facts."""
    S, pl = c.subj(f, True)
    g = dict(f, measure="growth")
    sign = 1 if c.r.random() < 0.75 else -1
    gtxt = set_growth(c, g, sign)
    g["qualifier"] = "exact"
    amt = set_money(c, f, False)
    f["qualifier"] = "exact"
    per, f["period"] = c.past_period(f)
    g["period"] = f["period"]
    f["extra"] = [g]
    verb = c.ch(RISE if sign > 0 else FALL)
    return f"{QS}{S} {verb} {gtxt} to {amt} {per}{QE}, {c.ch(SOURCES)} showed."


@tpl("value_up_yoy", "value", ["actual"])
def _t(c, f):
    S, pl = c.subj(f, True)
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f, False)
    per, f["period"] = c.past_period(f, ("year", "span", "month"))
    g = dict(f, measure="growth", qualifier="exact")
    sign = 1 if c.r.random() < 0.7 else -1
    gtxt = set_growth(c, g, sign)
    g["period"] = f["period"]
    f["extra"] = [g]
    return (
        f"{QS}{S} {c.ch(REACH)} {q}{amt} {per}, {'up' if sign > 0 else 'down'} {gtxt} "
        f"{c.ch(('year on year', 'from a year earlier', 'year-on-year'))}{QE}."
    )


@tpl("value_commodity_worth", "value", ["actual"], flows=("export", "import"), commodity="req")
def _t(c, f):
    S, pl = c.subj(f)
    q, f["qualifier"] = c.qual("eeaao")
    amt = set_money(c, f)
    per, f["period"] = c.past_period(f)
    return f"{QS}{S} {vb(pl, 'was', 'were')} worth {q}{amt} {per}{QE}."


# ---- value, target / forecast ----------------------------------------------


@tpl("target_bring", "value", ["target"], flows=("total",), wld=False, main_only=True, weight=1.5)
def _t(c, f):
    X, Y = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    amt = set_money(c, f, False)
    q, f["qualifier"] = c.qual("eeeo")
    per, f["period"] = c.future_period(False, False)
    what = c.ch(("bilateral trade", "trade turnover", "mutual trade", "bilateral trade turnover"))
    return f"{QS}{X.name} and {Y.name} aim to bring {what} to {q}{amt} {per}{QE}."


@tpl("target_goal", "value", ["target"])
def _t(c, f):
    S, pl = c.subj(f, True)
    amt = set_money(c, f)
    f["qualifier"] = "exact"
    per, f["period"] = c.future_period(False, False)
    leads = (
        "Officials set a goal of increasing",
        "The roadmap aims to raise",
        "The government pledged to lift",
    )
    if f["main"]:
        leads += ("The two sides set the goal of raising", "The leaders agreed to increase")
    lead = c.ch(leads)
    return f"{lead} {QS}{S} to {amt} {per}{QE}."


@tpl("target_set", "value", ["target"], flows=("total",), wld=False, main_only=True)
def _t(c, f):
    X, Y = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    amt = set_money(c, f, False)
    f["qualifier"] = "exact"
    per, f["period"] = c.future_period(True, False)
    per = f" {per}" if per else ""
    return f"{X.name} has set {QS}a new target of {amt} in trade with {Y.name}{per}{QE}, {c.speaker(X)} said."


@tpl("target_exports", "value", ["target"], flows=("export",), wld=True)
def _t(c, f):
    X = COUNTRY[f["X"]]
    amt = set_money(c, f)
    q, f["qualifier"] = c.qual("eeeo")
    per, f["period"] = c.future_period(False, False)
    to = "" if f["Y"] == "WLD" else f" to {COUNTRY[f['Y']].name}"
    return f"{QS}{X.name} plans to raise its exports{to} to {q}{amt} {per}{QE}."


@tpl("forecast_expected", "value", ["forecast"], weight=1.5)
def _t(c, f):
    S, pl = c.subj(f, True)
    q, f["qualifier"] = c.qual("eeao")
    amt = set_money(c, f)
    per, f["period"] = c.future_period(False, True)
    v = c.ch(("expected to reach", "projected to hit", "forecast to reach", "set to reach"))
    who = c.ch(
        (
            "analysts say",
            "the ministry predicted",
            "according to a government forecast",
            "economists estimate",
        )
    )
    return f"{QS}{S} {vb(pl, 'is', 'are')} {v} {q}{amt} {per}{QE}, {who}."


@tpl("forecast_exceed", "value", ["forecast"])
def _t(c, f):
    S, pl = c.subj(f)
    amt = set_money(c, f)
    f["qualifier"] = "over"
    per, f["period"] = c.future_period(False, True)
    return (
        f"{c.ch(('Analysts forecast that', 'Economists expect that', 'The ministry predicts that'))} {QS}{S} "
        f"will exceed {amt} {per}{QE}."
    )


@tpl("forecast_up_to", "value", ["forecast"])
def _t(c, f):
    S, pl = c.subj(f, True)
    amt = set_money(c, f)
    f["qualifier"] = "under"
    per, f["period"] = c.future_period(False, True)
    return (
        f"{QS}{S} could reach up to {amt} {per}{QE}, "
        f"{c.ch(('analysts estimate', 'one study found', 'the chamber of commerce said'))}."
    )


@tpl("target_forecast_pass", "value", ["target", "forecast"], flows=("total",), wld=False, main_only=True)
def _t(c, f):
    amt = set_money(c, f, False)
    f["qualifier"] = "over"
    per, f["period"] = c.future_period(True, False)
    per = f" {per}" if per else ""
    return f"“{QS}We will pass the {amt} mark{per}{QE},” {c.speaker()} said."


@tpl("target_forecast_plan", "value", ["target", "forecast"], flows=("total",), wld=False, main_only=True)
def _t(c, f):
    amt = set_money(c, f, False)
    f["qualifier"] = "exact"
    if c.r.random() < 0.5:
        per, f["period"] = c.future_period(False, False)
        body = f"We plan to reach {amt} in trade {per}, and we will"
    else:
        y = c.ref.year + c.r.randint(1, 6)
        f["period"] = str(y)
        body = f"we will be able to reach the {amt} target mark set by us for {y} ahead of schedule"
    return f"“{QS}{body}{QE},” {c.speaker()} said."


# ---- growth -------------------------------------------------------------------


@tpl("growth_rose", "growth", ["actual"], commodity="opt", weight=2)
def _t(c, f):
    S, pl = c.subj(f, True)
    q, f["qualifier"] = c.qual("eeao")
    g = set_growth(c, f, 1)
    per, f["period"] = c.past_period(f)
    by = c.ch(("", "by "))
    return f"{QS}{S} {c.ch(RISE)} {by}{q}{g} {per}{QE}."


@tpl("growth_fell", "growth", ["actual"], commodity="opt", weight=1.5)
def _t(c, f):
    S, pl = c.subj(f, True)
    q, f["qualifier"] = c.qual("eea")
    g = set_growth(c, f, -1, 0.5, 60)
    per, f["period"] = c.past_period(f)
    by = c.ch(("", "by "))
    return f"{QS}{S} {c.ch(FALL)} {by}{q}{g} {per}{QE}, {c.ch(SOURCES)} showed."


@tpl("growth_updown", "growth", ["actual"], commodity="opt")
def _t(c, f):
    per, f["period"] = c.past_period(f, ("year", "span", "month", "fiscal"))
    S, pl = c.subj(f, True)
    f["qualifier"] = "exact"
    sign = 1 if c.r.random() < 0.6 else -1
    g = set_growth(c, f, sign)
    return (
        f"{QS}{per}, {S} {vb(pl, 'was', 'were')} {'up' if sign > 0 else 'down'} {g} "
        f"{c.ch(('year on year', 'on the year', 'from a year earlier'))}{QE}."
    )


@tpl("growth_compared", "growth", ["actual"])
def _t(c, f):
    S, pl = c.subj(f, True)
    f["qualifier"] = "exact"
    sign = 1 if c.r.random() < 0.65 else -1
    g = set_growth(c, f, sign)
    per, f["period"] = c.past_period(f, ("year",))
    noun = c.ch(("rise", "increase", "growth") if sign > 0 else ("decrease", "decline", "drop"))
    return (
        f"{S} {c.ch(('reached a new level', 'hit a new high'))} {per}, {QS}a {g} {noun} compared to the "
        f"previous year{QE}."
    )


@tpl("growth_decrease_of", "growth", ["actual"], commodity="opt")
def _t(c, f):
    S, pl = c.subj(f)
    f["qualifier"] = "exact"
    sign = 1 if c.r.random() < 0.45 else -1
    g = set_growth(c, f, sign)
    per, f["period"] = c.past_period(f)
    noun = "an increase" if sign > 0 else c.ch(("a decrease", "a decline", "a contraction"))
    return f"{c.ch(SOURCES)} showed {QS}{noun} of {g} in {S} {per}{QE}."


@tpl("growth_mom", "growth", ["actual"])
def _t(c, f):
    S, pl = c.subj(f)
    f["qualifier"] = "exact"
    sign = 1 if c.r.random() < 0.55 else -1
    g = set_growth(c, f, sign, 0.3, 15)
    per, f["period"] = c.past_period(f, ("month",))
    return f"{QS}{S} {c.ch(RISE if sign > 0 else FALL)} {g} month on month {per}{QE}."


@tpl("growth_will", "growth", ["forecast"])
def _t(c, f):
    S, pl = c.subj(f, True)
    q, f["qualifier"] = c.qual("eao")
    g = set_growth(c, f, 1, 2, 40)
    per, f["period"] = c.future_period(False, True)
    return f"{QS}{S} will grow by {q}{g} {per}{QE}, {c.speaker()} said."


@tpl("growth_forecast", "growth", ["forecast"], commodity="opt")
def _t(c, f):
    S, pl = c.subj(f)
    sign = 1 if c.r.random() < 0.7 else -1
    f["qualifier"] = "exact"
    g = set_growth(c, f, sign, 1, 30)
    per, f["period"] = c.future_period(False, True)
    v = "increase" if sign > 0 else "decline"
    return (
        f"{QS}{S} {vb(pl, 'is', 'are')} forecast to {v} {g} {per}{QE}, "
        f"{c.ch(('analysts say', 'the central bank said', 'a ministry report said'))}."
    )


@tpl("growth_target", "growth", ["target"], flows=("total", "export"))
def _t(c, f):
    X = COUNTRY[f["X"]]
    if f["flow"] == "export":
        S = "its exports" if f["Y"] == "WLD" else f"its exports to {COUNTRY[f['Y']].name}"
    else:
        S = f"its trade with {COUNTRY[f['Y']].name}" if f["Y"] != "WLD" else "its foreign trade"
    f["qualifier"] = "exact"
    g = set_growth(c, f, 1, 5, 60)
    per, f["period"] = c.future_period(False, False)
    return f"{QS}{X.name} aims to increase {S} by {g} {per}{QE}."


# ---- shares -------------------------------------------------------------------
# for shares f["X"] is the reporter (whose trade is divided), f["Y"] the partner


@tpl("share_accounted", "share", ["actual"], commodity="opt", wld=False, weight=1.5)
def _t(c, f):
    R, P = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    q, f["qualifier"] = c.qual("eeao")
    s, v = _pct(c.r, 2, 60)
    f["unit"], f["value"] = "percent", v
    per, f["period"] = c.past_period(f, ("year", "span"))
    return f"{QS}{P.name} accounted for {q}{s}{c.ch(PCT)} of {R.poss} {c.trade_noun(f)} {per}{QE}."


@tpl("share_in_present", "share", ["actual"], wld=False)
def _t(c, f):
    R, P = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    f["qualifier"] = "exact"
    s, v = _pct(c.r, 2, 60)
    f["unit"], f["value"] = "percent", v
    f["period"] = c._rel(str(c.ref.year))
    noun = c.trade_noun(f)
    return (
        f"{c.ch(('Today', 'At present', 'Currently'))}, {QS}{P.poss} share in {R.adj} {noun} "
        f"{c.ch(('accounts for', 'stands at', 'is'))} {s}{c.ch(PCT)}{QE}."
    )


@tpl("share_commands", "share", ["actual"], commodity="opt", wld=False)
def _t(c, f):
    R, P = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    q, f["qualifier"] = c.qual("eeao")
    s, v = _pct(c.r, 2, 60)
    f["unit"], f["value"] = "percent", v
    f["period"] = c._rel(str(c.ref.year))
    return (
        f"{QS}{P.name} now {c.ch(('takes', 'commands', 'accounts for'))} {q}{s}{c.ch(PCT)} of {R.poss} "
        f"{c.trade_noun(f)}{QE}."
    )


@tpl("share_sent", "share", ["actual"], flows=("export",), wld=False)
def _t(c, f):
    R, P = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    q, f["qualifier"] = c.qual("eeao")
    s, v = _pct(c.r, 2, 60)
    f["unit"], f["value"] = "percent", v
    per, f["period"] = c.past_period(f, ("year", "span"))
    return f"{QS}{R.name} sent {q}{s}{c.ch(PCT)} of its exports to {P.name} {per}{QE}."


@tpl("share_supplied", "share", ["actual"], flows=("import",), commodity="opt", wld=False)
def _t(c, f):
    R, P = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    q, f["qualifier"] = c.qual("eeao")
    s, v = _pct(c.r, 2, 60)
    f["unit"], f["value"] = "percent", v
    per, f["period"] = c.past_period(f, ("year", "span"))
    return f"{QS}{P.name} supplied {q}{s}{c.ch(PCT)} of {R.poss} {c.trade_noun(f)} {per}{QE}."


@tpl("share_of_rose_to", "share", ["actual"], wld=False)
def _t(c, f):
    R, P = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    f["qualifier"] = "exact"
    s, v = _pct(c.r, 2, 60)
    f["unit"], f["value"] = "percent", v
    per, f["period"] = c.past_period(f, ("year", "span"))
    return (
        f"{QS}The share of {P.name} in {R.poss} {c.trade_noun(f)} "
        f"{c.ch(('rose to', 'reached', 'fell to', 'was'))} {s}{c.ch(PCT)} {per}{QE}."
    )


# ---- volumes ------------------------------------------------------------------


def _vol(c: Ctx, f: dict) -> str:
    unit = c.ch(COMMODITIES[f["commodity"]][0])
    text, val = c.volume(f["commodity"], unit)
    f["unit"], f["value"] = unit, val
    return text


@tpl("volume_exported", "volume", ["actual"], flows=("export",), commodity="req", weight=1.5)
def _t(c, f):
    X = COUNTRY[f["X"]]
    q, f["qualifier"] = c.qual("eeao")
    vol = _vol(c, f)
    per, f["period"] = c.past_period(f)
    to = " to the world market" if f["Y"] == "WLD" else f" to {COUNTRY[f['Y']].name}"
    return (
        f"{QS}{X.name} {c.ch(('exported', 'shipped', 'supplied', 'delivered'))} {q}{vol} of "
        f"{f['commodity']}{to} {per}{QE}."
    )


@tpl("volume_imported", "volume", ["actual"], flows=("import",), commodity="req", weight=1.5)
def _t(c, f):
    X = COUNTRY[f["X"]]
    q, f["qualifier"] = c.qual("eeao")
    vol = _vol(c, f)
    per, f["period"] = c.past_period(f)
    frm = "" if f["Y"] == "WLD" else f" from {COUNTRY[f['Y']].name}"
    return (
        f"{QS}{X.name} {c.ch(('imported', 'bought', 'purchased'))} {q}{vol} of {f['commodity']}{frm} "
        f"{per}{QE}."
    )


@tpl("volume_supplies_reached", "volume", ["actual"], flows=("export", "import"), commodity="req")
def _t(c, f):
    S, pl = c.subj(f)
    q, f["qualifier"] = c.qual("eeaao")
    vol = _vol(c, f)
    per, f["period"] = c.past_period(f)
    return f"{QS}{S} {c.ch(REACH)} {q}{vol} {per}{QE}."


@tpl("volume_period_first", "volume", ["actual"], flows=("export",), commodity="req", wld=False)
def _t(c, f):
    X, Y = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    per, f["period"] = c.past_period(f)
    q, f["qualifier"] = c.qual("eeao")
    vol = _vol(c, f)
    return (
        f"{QS}{per}, {X.name} shipped {q}{vol} of {f['commodity']} to {Y.name}{QE}, {c.ch(SOURCES)} showed."
    )


@tpl("volume_rose_to", "volume", ["actual"], flows=("export", "import"), commodity="req")
def _t(c, f):
    S, pl = c.subj(f)
    g = dict(f, measure="growth", qualifier="exact")
    sign = 1 if c.r.random() < 0.7 else -1
    gtxt = set_growth(c, g, sign)
    vol = _vol(c, f)
    f["qualifier"] = "exact"
    per, f["period"] = c.past_period(f)
    g["period"] = f["period"]
    f["extra"] = [g]
    return f"{QS}{S} {c.ch(RISE if sign > 0 else FALL)} {gtxt} to {vol} {per}{QE}."


@tpl("volume_forecast", "volume", ["forecast"], flows=("export",), commodity="req", wld=False)
def _t(c, f):
    X, Y = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    q, f["qualifier"] = c.qual("eeao")
    vol = _vol(c, f)
    per, f["period"] = c.future_period(False, True)
    return f"{QS}{X.name} expects to ship {q}{vol} of {f['commodity']} to {Y.name} {per}{QE}."


@tpl("volume_target", "volume", ["target"], flows=("export",), commodity="req", wld=False)
def _t(c, f):
    X, Y = COUNTRY[f["X"]], COUNTRY[f["Y"]]
    vol = _vol(c, f)
    f["qualifier"] = "exact"
    per, f["period"] = c.future_period(False, False)
    return (
        f"{QS}{X.name} plans to raise {f['commodity']} supplies to {Y.name} to {vol} {per}{QE}, under an "
        f"agreement signed by the two governments."
    )


MEASURE_WEIGHT = {"value": 0.46, "growth": 0.22, "share": 0.12, "volume": 0.20}
BY_MEASURE = {m: [t for t in TEMPLATES if t.measure == m] for m in MEASURE_WEIGHT}


# --------------------------------------------------------------------------
# Planting facts
# --------------------------------------------------------------------------


def plan_fact(c: Ctx, t: Tpl) -> dict:
    """Choose flow, countries and commodity for template t."""
    r = c.r
    flow = (
        c.ch(t.flows)
        if len(t.flows) > 1 and r.random() < 0.6
        else ("total" if "total" in t.flows else c.ch(t.flows))
    )
    if t.commodity == "req":
        com = c.ch(COMMODITY_NAMES)
    elif t.commodity == "opt" and flow != "total" and r.random() < 0.35:
        com = c.ch(COMMODITY_NAMES)
    else:
        com = None
    a, b = (c.A.code, c.B.code) if r.random() < 0.5 else (c.B.code, c.A.code)
    main = True
    if t.measure == "share":
        X, Y = a, b  # reporter, partner
        return dict(
            measure="share",
            status=list(t.status),
            flow=flow,
            reporter=X,
            partner=Y,
            commodity=com,
            X=X,
            Y=Y,
            main=True,
        )
    if not t.main_only and t.wld and r.random() < 0.18:
        Y = "WLD"
        main = False
        if flow == "total" and a > "WLD":  # keep the 'first in alphabetical order' rule unambiguous
            a = b if b < "WLD" else "RUS"
        b = Y
    elif not t.main_only and r.random() < 0.08:
        b = c.other_country().code
        if (a == "EUU" and b in EU_MEMBERS) or (b == "EUU" and a in EU_MEMBERS) or a == b:
            b = c.B.code if a == c.A.code else c.A.code
        else:
            main = False
    X, Y = a, b
    if flow == "total":
        rep, par = (X, Y) if X < Y else (Y, X)
    else:
        rep, par = X, Y
    return dict(
        measure=t.measure,
        status=list(t.status),
        flow=flow,
        reporter=rep,
        partner=par,
        commodity=com,
        X=X,
        Y=Y,
        main=main,
    )


def clashes(facts: list[dict], f: dict) -> bool:
    for g in facts:
        if (
            g["measure"] == f["measure"]
            and g["unit"] == f["unit"]
            and abs(g["value"] - f["value"]) <= 0.01 * max(abs(g["value"]), abs(f["value"]))
        ):
            return True
    return False


def plant(c: Ctx) -> tuple[str, list[dict], dict] | None:
    """Make one fact sentence; returns (sentence, facts, primary fact) or None on a clash."""
    m = c.r.choices(list(MEASURE_WEIGHT), list(MEASURE_WEIGHT.values()))[0]
    ts = BY_MEASURE[m]
    t = c.r.choices(ts, [x.weight for x in ts])[0]
    f = plan_fact(c, t)
    raw = t.fn(c, f)
    text, quote = sentence(c, raw)
    facts = [f] + f.pop("extra", [])
    if "dual" in f:
        unit, val = f.pop("dual")
        facts.append(dict(f, unit=unit, value=val))
    new: list[dict] = []
    for g in facts:
        if clashes(c.facts, g) or clashes(new, g):
            return None
        new.append(g)
    for g in new:
        g["quote"] = quote
        g["template"] = t.name
    return text, new, f


# --------------------------------------------------------------------------
# Restatements, distractors, fillers, furniture
# --------------------------------------------------------------------------


def restatement(c: Ctx, f: dict) -> str | None:
    """A headline-style line stating the same fact as f (same value, no period)."""
    if f["measure"] not in ("value", "volume") or "quote" not in f:
        return None
    st = f["status"]
    X = COUNTRY[f["X"]]
    Y = COUNTRY.get(f["Y"])
    if f["measure"] == "volume":
        if st != ["actual"] or Y is None or f["flow"] != "export":
            return None
        num = _restate_amount(f)
        return (
            num and f"{X.adj} {f['commodity']} exports to {Y.name} {c.ch(('hit', 'reached', 'total'))} {num}"
        )
    if f["flow"] != "total" or Y is None or f["commodity"]:
        return None
    num = _restate_amount(f)
    if num is None:
        return None
    pair = f"{X.short}-{Y.short} trade"
    if st == ["actual"]:
        return f"{pair} {c.ch(('hits', 'reaches', 'at'))} {num}"
    if st == ["target"]:
        return f"{X.name} and {Y.name} set {num} trade target"
    if st == ["forecast"]:
        return f"{pair} seen reaching {num}"
    return None


def _restate_amount(f: dict) -> str | None:
    v, u = f["value"], f["unit"]
    if u == "USD":
        sym, suffix = "$", ""
    elif u == "EUR":
        sym, suffix = "€", ""
    elif u == "GBP":
        sym, suffix = "£", ""
    elif u == "CNY":
        sym, suffix = "", " yuan"
    elif u == "RUB":
        sym, suffix = "", " rubles"
    elif u in ("t", "bbl", "m3"):
        sym, suffix = "", {"t": " tonnes", "bbl": " barrels", "m3": " cubic metres"}[u]
    else:
        return None
    for scale, word in ((1e12, "trillion"), (1e9, "bln"), (1e6, "mln")):
        if v >= scale:
            m = v / scale
            s = f"{m:.2f}".rstrip("0").rstrip(".")
            if abs(float(s) * scale - v) > 1e-9 * v:
                return None
            return f"{sym}{s} {word}{suffix}"
    return None


def D(c: Ctx) -> str:
    """One distractor sentence: numbers that are not trade metrics (spec rule 4 and examples)."""
    r = c.r
    A = c.ch((c.A, c.B, c.A, c.B, c.other_country()))
    B = c.B if A is c.A else c.A
    Y = c.ref.year - r.randint(0, 12)
    n = r.randint
    x1 = f"{r.uniform(0.3, 9.9):.1f}"
    x2 = f"{r.uniform(10, 95):.1f}"
    k = c.deal("D", range(48))
    if A.code == "EUU" and k in (0, 2, 6):
        A = c.B if A is c.A else c.A
        if A.code == "EUU":
            A = c.other_country()
    if k == 0:
        return (
            f"{A.name} has massed some {n(20, 150) * 1000:,} troops near the border, Western officials say."
        )
    if k == 1:
        return (
            f"Contracts for more than {n(10, 300)} million doses of the vaccine have been signed with "
            f"{NUM_WORDS[n(2, 9)]} manufacturers."
        )
    if k == 2:
        return (
            f"{A.name}, which has a vaccination rate of {x2}%, remains one of the hardest-hit countries in "
            f"the region."
        )
    if k == 3:
        return f"{A.poss} economy grew {x1}% in {Y}, according to official estimates."
    if k == 4:
        return f"{A.poss} GDP expanded by {x1}% year on year in the {ORDW[n(1, 4)]} quarter."
    if k == 5:
        return f"Inflation in {A.name} slowed to {x1}% in {c.ch(MONTHS)}, the statistics office said."
    if k == 6:
        return f"{A.name} is home to about {n(5, 300)} million people."
    if k == 7:
        return f"The treaty, first signed in {Y - 10}, was extended for another {NUM_WORDS[n(2, 10)]} years."
    if k == 8:
        return (
            f"{B.name} has remained {A.poss} largest trading partner for the {_ord(n(4, 15))} consecutive "
            f"year."
        )
    if k == 9:
        return (
            f"{B.name} is now {A.poss} {c.ch(('third', 'fourth', 'fifth', 'second', 'sixth'))}-largest "
            f"trading partner."
        )
    if k == 10:
        return f"{A.name} ranks among {B.poss} top {n(10, 20)} trading partners."
    if k == 11:
        return f"{A.adj} investment in {B.name} reached ${x1} billion by the end of {Y}."
    if k == 12:
        return f"Cumulative {A.adj} direct investment in {B.name} stands at about ${n(2, 90)} billion."
    if k == 13:
        return f"A state bank extended a ${x1} billion loan to finance the project."
    if k == 14:
        return f"The two sides signed {n(5, 40)} agreements and contracts worth ${n(2, 60)} billion."
    if k == 15:
        return f"A joint investment fund with ${x1} billion in capital was set up in {Y}."
    if k == 16:
        return f"{A.poss} trade surplus with {B.name} widened to ${n(5, 300)} billion in {Y}."
    if k == 17:
        return f"{A.poss} trade deficit with {B.name} narrowed by {x2}% last year."
    if k == 18:
        return f"The trade balance swung to a surplus of ${x1} billion in {c.ch(MONTHS)}."
    if k == 19:
        return f"{A.name} supplied {x1} million barrels per day of crude oil to {B.name} in {c.ch(MONTHS)}."
    if k == 20:
        return f"Shipments averaged {x1} million bpd over the period, traders estimate."
    if k == 21:
        return (
            f"About {n(30, 95)}% of trade between {A.name} and {B.name} is now settled in national "
            f"currencies."
        )
    if k == 22:
        return (
            f"More than {n(60, 97)} percent of mutual payments are made in national currencies, officials "
            f"said."
        )
    if k == 23:
        return f"More than {n(2, 90) * 100:,} {A.adj} companies now operate in {B.name}."
    if k == 24:
        return f"The {n(300, 4000):,}-kilometre pipeline will cross {c.other_country().name}."
    if k == 25:
        return f"The railway line stretches {n(120, 2500):,} km from the border to the coast."
    if k == 26:
        return f"The pipeline has a design capacity of {n(5, 61)} billion cubic metres a year."
    if k == 27:
        return f"The new terminal will have an annual capacity of {x1} million tonnes."
    if k == 28:
        return f"Bilateral trade has more than doubled since {Y}."
    if k == 29:
        return (
            f"Trade between {A.name} and {B.name} grew {c.ch(('1.5', '2.3', '2.5', '3.5', '1.8'))}-fold over "
            f"the past decade."
        )
    if k == 30:
        return f"Grain shipments jumped {c.ch(('2.5', '3.5', '4', '1.7'))} times compared with {Y}."
    if k == 31:
        return f"Supplies exceeded the plan by {x1} million tonnes, the operator said."
    if k == 32:
        return f"Energy products accounted for {n(40, 85)}% of {A.poss} exports to {B.name}."
    if k == 33:
        return f"Machinery and equipment made up about {n(15, 45)} percent of the goods shipped."
    if k == 34:
        return f"Trade has remained in the {n(2, 9) * 100} billion-yen level for years."
    if k == 35:
        return (
            f"More than {n(2, 40) * 1000:,} freight cars crossed the border at the main checkpoint last "
            f"month."
        )
    if k == 36:
        return f"The leaders held their {_ord(n(20, 45))} meeting since {Y - 8}."
    if k == 37:
        return f"Brent crude was trading at ${n(55, 120)} a barrel."
    if k == 38:
        return f"The {c.ch(('ruble', 'yuan', 'rupee', 'lira', 'won'))} weakened to {x2} per dollar."
    if k == 39:
        return f"Some {n(50, 900) * 1000:,} tourists visited {A.name} in {Y}."
    if k == 40:
        return f"There are now {n(20, 140)} direct flights a week between the two capitals."
    if k == 41:
        return (
            f"The government allocated {n(10, 900)} billion {c.ch(('rubles', 'rupees', 'yuan', 'yen'))} to "
            f"road construction."
        )
    if k == 42:
        return f"A poll showed {n(20, 80)}% of respondents view {B.name} favourably."
    if k == 43:
        return f"The sanctions list now covers more than {n(2, 19) * 100:,} individuals and entities."
    if k == 44:
        return f"The central bank raised its key interest rate to {x2 if r.random() < 0.3 else x1}%."
    if k == 45:
        return f"Unemployment stood at {x1}% in {c.ch(MONTHS)}."
    if k == 46:
        if c.has_pub:
            return f"The agreement was signed on {c.ch(MONTHS)} {n(1, 28)}, {Y}."
        return f"The agreement was signed in {Y}."
    return f"The fine amounted to ${n(2, 900)} million, the regulator said."


FILLERS = (
    "{A} and {B} pledged to deepen cooperation in energy, agriculture and logistics.",
    "Officials in {capA} described the talks as constructive and forward-looking.",
    "Analysts say Western sanctions have pushed {A} to look for new markets.",
    "“We are ready to build up strategic cooperation,” {spk} said.",
    "The meeting comes amid rising tensions with the West.",
    "Both governments have promoted the use of national currencies in mutual settlements.",
    "Business leaders from both countries attended the forum.",
    "Logistics bottlenecks at border crossings remain a concern for exporters.",
    "The ministry did not give a breakdown by product.",
    "Critics argue that the relationship remains lopsided.",
    "New rail and road corridors are expected to ease congestion at the border.",
    "Diplomats said the visit was largely symbolic.",
    "The talks also covered regional security and climate policy.",
    "{Aadj} exporters have complained about payment delays.",
    "“This is a very ambitious goal, but it is realistic,” {spk} said.",
    "Observers note that the relationship has grown steadily closer.",
    "The two sides agreed to simplify customs procedures.",
    "{Badj} officials did not respond to a request for comment.",
    "Energy remains the backbone of the relationship.",
    "Farm goods and machinery are expected to play a larger role.",
    "The delegation also visited several industrial parks.",
    "A joint commission will oversee the implementation of the agreements.",
    "Critics warn that the figures may be revised.",
    "The plan includes new bridges, ports and border terminals.",
)
INTROS = (
    "{A} and {B} pledged to expand economic ties during talks in {capA}.",
    "{Aadj} and {Badj} officials met to review economic cooperation.",
    "Economic ties between {A} and {B} continue to deepen despite global headwinds.",
    "{Aadj} officials say relations with {B} are at an unprecedentedly high level.",
    "Trade and investment topped the agenda as {Aadj} and {Badj} leaders held talks.",
    "{A} is seeking to strengthen its economic partnership with {B}.",
)
CONTEXT = (
    "{A} and {B} have stepped up economic cooperation.",
    "Relations between {A} and {B} have grown closer.",
    "{Aadj} and {Badj} officials reviewed their economic ties.",
)
HEADLINES = (
    "{A} and {B} vow to deepen trade ties",
    "{Aadj}-{Badj} trade: what the latest figures show",
    "{capA} and {capB} sign energy and infrastructure deals",
    "{A} eyes bigger role in {Bposs} market",
    "{Ashort}-{Bshort} economic ties reach new high",
    "Trade talks between {A} and {B} enter new phase",
    "{A} and {B} discuss payments, logistics and energy",
    "Why {Bposs} trade with {A} keeps growing",
    "{Aadj} exporters look to {B} as Western markets shrink",
    "Leaders of {A} and {B} meet amid global tensions",
)
NAV = (
    "Home | World | Business",
    "Home › Economy › Trade",
    "Menu",
    "Search",
    "Home | Markets | Economy | Politics",
    "Subscribe",
    "Sign in",
    "World > Asia > Business",
)
FOOTER = (
    "Share this article",
    "Click to comment",
    "Leave a Reply",
    "Your email address will not be published. Required fields are marked *",
    "Most Popular",
    "To Top",
    "Related Topics: trade, economy",
    "Subscribe to our newsletter",
    "Advertisement",
    "Tags: Trade, Economy, {A}, {B}",
    "Photo: Reuters",
)
READ_MORE = (
    "READ MORE: {A} central bank holds key rate at {x}%",
    "READ MORE: {n} killed as storm hits coastal towns",
    "READ MORE: {A} unveils new tax rules for foreign firms",
    "READ MORE: Oil prices climb above ${p} a barrel",
    "READ MORE: Why {B} is betting on green hydrogen",
    "READ MORE: {A} opens {n} new visa centres",
)


def fill(c: Ctx, t: str) -> str:
    A, B = c.A, c.B
    return t.format(
        A=A.name,
        B=B.name,
        Aadj=A.adj,
        Badj=B.adj,
        capA=A.cap,
        capB=B.cap,
        Ashort=A.short,
        Bshort=B.short,
        Aposs=A.poss,
        Bposs=B.poss,
        spk=c.speaker() if "{spk}" in t else "",
        x=f"{c.r.uniform(1, 20):.1f}",
        n=c.r.randint(3, 60),
        p=c.r.randint(60, 120),
    )


def text_line(c: Ctx, t: str) -> str:
    return sentence(c, fill(c, t))[0]


# --------------------------------------------------------------------------
# One document
# --------------------------------------------------------------------------

N_FACTS_W = (0.14, 0.24, 0.24, 0.18, 0.12, 0.08)


def make_doc(seed: int, idx: int) -> tuple[str, dict, list[dict]]:
    """Returns (text, manifest info, facts)."""
    c = Ctx(seed, idx)
    r = c.r
    n_facts = r.choices(range(6), N_FACTS_W)[0]
    fact_paras: list[str] = []
    attempts = 0
    while len(c.facts) < n_facts and attempts < n_facts * 4:
        attempts += 1
        got = plant(c)
        if got is None or len(c.facts) + len(got[1]) > n_facts:
            continue  # a clash with an earlier fact, or more facts than the budget
        text, facts, primary = got
        c.facts.extend(facts)
        para = [text]
        if primary.get("ctx") and fact_paras:
            para.insert(0, text_line(c, c.ch(CONTEXT)))
        elif r.random() < 0.35:
            para.insert(0, text_line(c, c.deal("F", FILLERS)))
        if r.random() < 0.35:
            para.append(text_line(c, c.deal("F", FILLERS)))
        fact_paras.append(" ".join(para))
        c.templates_used.append(facts[0]["template"])
    lead_fact = c.facts[0] if c.facts else None

    # headline
    restate = restatement(c, lead_fact) if lead_fact else None
    if restate and r.random() < 0.35:
        headline = sentence(c, restate)[0]
        restate_used = True
    else:
        headline = text_line(c, c.ch(HEADLINES))
        restate_used = False
    head = []
    if r.random() < 0.3:
        head.append(c.ch(NAV))
    head.append(headline)
    if r.random() < 0.05:
        head.append(headline)  # repeated caption (spec rule 11)
    if r.random() < 0.3:
        head.append(f"By {c.ch(PEOPLE)}")

    intro = text_line(c, c.ch(INTROS))
    lead = f"{intro} {fact_paras[0]}" if fact_paras else intro
    body_fixed = fact_paras[1:]
    if restate and not restate_used and r.random() < 0.5:
        body_fixed.append("READ MORE: " + sentence(c, restate)[0])
    elif restate and r.random() < 0.25:
        body_fixed.append("READ MORE: " + sentence(c, restate)[0])
    if r.random() < 0.4:
        body_fixed.append(text_line(c, c.ch(READ_MORE)))

    footer = [fill(c, x) for x in r.sample(FOOTER, r.randint(0, 4))]
    sep = "\n\n" if r.random() < 0.7 else "\n"
    target = r.uniform(MIN_BYTES + 150, MAX_BYTES - 300)

    def size(parts):
        return sum(len(p.encode("utf-8")) + len(sep) for p in parts)

    fixed = head + [lead] + body_fixed + footer
    cur = size(fixed)
    extra: list[str] = []
    while cur < target:
        k = r.random()
        if k < 0.6:
            para = " ".join(sentence(c, D(c))[0] for _ in range(r.randint(1, 3)))
            if r.random() < 0.4:
                para += " " + text_line(c, c.deal("F", FILLERS))
        else:
            para = " ".join(text_line(c, c.deal("F", FILLERS)) for _ in range(r.randint(1, 3)))
        extra.append(para)
        cur += len(para.encode("utf-8")) + len(sep)
    while cur > MAX_BYTES and extra:
        cur -= len(extra.pop().encode("utf-8")) + len(sep)
    body = body_fixed + extra
    r.shuffle(body)
    text = sep.join(head + [lead] + body + footer) + "\n"
    info = {
        "title": headline,
        "published": c.ref.isoformat() if c.has_pub else "",
        "row": c.manifest_row,
        "templates": c.templates_used,
    }
    return text, info, c.facts


GOLD_KEYS = (
    "measure",
    "status",
    "flow",
    "value",
    "unit",
    "qualifier",
    "period",
    "reporter",
    "partner",
    "commodity",
    "quote",
)


def gold_line(name: str, f: dict) -> str:
    rec = {"doc": name}
    for k in GOLD_KEYS:
        rec[k] = f[k]
    rec["value"] = float(rec["value"])
    return json.dumps(rec, ensure_ascii=False)


def doc_name(idx: int) -> tuple[str, str]:
    return f"{idx // SHARD_SIZE:04d}", f"d{idx:07d}.txt"


def _chunk(args: tuple[int, int, int, str]) -> tuple[list, list, Counter, int, int]:
    """Generate documents [lo, hi) and write their files; return manifest rows and gold lines."""
    seed, lo, hi, docs_dir = args
    rows, gold = [], []
    used: Counter = Counter()
    n_bytes = 0
    made_dirs: set[str] = set()
    for idx in range(lo, hi):
        shard, name = doc_name(idx)
        text, info, facts = make_doc(seed, idx)
        if shard not in made_dirs:
            os.makedirs(os.path.join(docs_dir, shard), exist_ok=True)
            made_dirs.add(shard)
        data = text.encode("utf-8")
        n_bytes += len(data)
        with open(os.path.join(docs_dir, shard, name), "wb") as fh:
            fh.write(data)
        if info["row"]:
            slug = "-".join(info["title"].lower().replace("’", "").replace("'", "").split()[:7])
            slug = "".join(ch for ch in slug if ch.isalnum() or ch == "-")
            url = (
                ""
                if idx % 7 == 3
                else f"https://www.{OUTLETS[idx % len(OUTLETS)]}.example/business/{slug}-{idx}"
            )
            rows.append((f"{shard}/{name}", info["published"], url, info["title"]))
        for f in facts:
            gold.append(gold_line(name, f))
        used.update(info["templates"])
    return rows, gold, used, n_bytes, hi - lo


def generate(n_docs: int, out: str, seed: int = 0, workers: int = 1, log=None) -> dict:
    """Write the corpus; returns summary statistics."""
    t0 = time.perf_counter()
    docs_dir = os.path.join(out, "docs")
    os.makedirs(docs_dir, exist_ok=True)
    chunks = [(seed, lo, min(lo + CHUNK, n_docs), docs_dir) for lo in range(0, n_docs, CHUNK)]
    used: Counter = Counter()
    n_facts = n_bytes = n_rows = done = 0
    with (
        open(os.path.join(docs_dir, "manifest.csv"), "w", encoding="utf-8", newline="") as mf,
        open(os.path.join(out, "planted.jsonl"), "w", encoding="utf-8", newline="\n") as gf,
    ):
        w = csv.writer(mf, lineterminator="\n")
        w.writerow(["doc", "published", "source_url", "title"])
        if workers > 1 and len(chunks) > 1:
            pool = get_context("fork" if sys.platform != "win32" else "spawn").Pool(workers)
            results = pool.imap(_chunk, chunks)
        else:
            pool = None
            results = map(_chunk, chunks)
        try:
            for rows, gold, u, nb, nd in results:
                w.writerows(rows)
                for line in gold:
                    gf.write(line + "\n")
                used.update(u)
                n_facts += len(gold)
                n_bytes += nb
                n_rows += len(rows)
                done += nd
                if log and done % 10000 < CHUNK:
                    log(f"{done}/{n_docs} documents")
        finally:
            if pool is not None:
                pool.close()
                pool.join()
    secs = time.perf_counter() - t0
    return {
        "docs": n_docs,
        "facts": n_facts,
        "manifest_rows": n_rows,
        "bytes": n_bytes,
        "seconds": round(secs, 2),
        "docs_per_second": round(n_docs / secs, 1) if secs else None,
        "mean_doc_bytes": round(n_bytes / n_docs, 1) if n_docs else 0,
        "facts_per_doc": round(n_facts / n_docs, 3) if n_docs else 0,
        "templates_total": len(TEMPLATES),
        "templates_used": len(used),
        "template_counts": dict(sorted(used.items())),
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, required=True, help="number of documents")
    ap.add_argument("--out", required=True, help="output folder (docs/ and planted.jsonl go inside)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--workers",
        type=int,
        default=min(2, os.cpu_count() or 1),
        help="processes (output is identical for any value)",
    )
    ap.add_argument("--stats", action="store_true", help="print the template counts too")
    args = ap.parse_args(argv)
    if args.docs < 0:
        ap.error("--docs must be >= 0")
    summary = generate(args.docs, args.out, args.seed, args.workers, log=lambda m: print(m, file=sys.stderr))
    if not args.stats:
        summary.pop("template_counts")
    print(json.dumps(summary, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
