"""Amounts in text: money, percents and physical quantities, with their units.

Each finder returns `Amount`s with the span of the whole expression
("US$1.2 trillion", "25 per cent", "12 million tonnes of coal").
Patterns are literal-led and bounded (no nested quantifiers), so a line of
digits and commas cannot make them backtrack for long.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass

from .fast_patterns import lower, lowered, per_part, word_alternation

# 1,234.5 / 1,23,456 (Indian grouping) / 1234.5 ; may follow letters ("about1.38")
# (the first digit leads, and what stands before it is checked after it: a
# pattern that starts with a character class is only tried where one occurs)
NUM = r"\d(?<![\d.,]\d)(?:\d{0,2}(?:,\d{2,3}){1,6}(?:\.\d{1,6})?|\d{0,11}(?:\.\d{1,6})?)(?![\d])"

SCALES = {
    "thousand": 1e3, "k": 1e3, "million": 1e6, "mln": 1e6, "mn": 1e6, "m": 1e6, "mil": 1e6,
    "billion": 1e9, "bln": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tln": 1e12, "trn": 1e12, "trln": 1e12,
    "tn": 1e12, "tril.": 1e12, "tril": 1e12, "bil.": 1e9, "bil": 1e9, "mil.": 1e6, "crore": 1e7, "crores": 1e7, "cr": 1e7, "lakh": 1e5, "lakhs": 1e5, "lac": 1e5,
    "lakh crore": 1e12, "lakh crores": 1e12, "thousand crore": 1e10, "thousand crores": 1e10,
}
# words first (longest first), then the one-letter abbreviations glued to the number
_SCALE_WORDS = r"lakh\s+crores?|thousand\s+crores?|trillion|billion|million|thousand|crores?|lakhs?|lac|trln|tln|trn|bln|mln|bn|mn|tn|cr|mil"
# Kyodo-style abbreviations with a full stop ("20 tril. yen") end without a word boundary
SCALE = rf"(?:\s?(?P<scale>(?:tril|bil|mil)\.|{_SCALE_WORDS})(?:\b|(?<=\.))|(?P<scale1>[mbk])(?![a-zA-Z0-9]))"

# Prefix symbols and codes -> ISO 4217.
PREFIX_CURRENCY = {
    "US$": "USD", "U.S.$": "USD", "USD": "USD", "$": "USD", "A$": "AUD", "AU$": "AUD", "AUD": "AUD",
    "C$": "CAD", "CA$": "CAD", "CAD": "CAD", "HK$": "HKD", "HKD": "HKD", "S$": "SGD", "SGD": "SGD",
    "NZ$": "NZD", "NZD": "NZD", "R$": "BRL", "BRL": "BRL", "Mex$": "MXN", "MXN": "MXN",
    "€": "EUR", "EUR": "EUR", "£": "GBP", "GBP": "GBP", "¥": "JPY", "JPY": "JPY", "CN¥": "CNY",
    "RMB": "CNY", "CNY": "CNY", "Rs.": "INR", "Rs": "INR", "INR": "INR", "₹": "INR", "₩": "KRW",
    "KRW": "KRW", "₺": "TRY", "TRY": "TRY", "TL": "TRY", "₽": "RUB", "RUB": "RUB", "CHF": "CHF",
    "AED": "AED", "SAR": "SAR", "KZT": "KZT", "VND": "VND", "IDR": "IDR", "Rp": "IDR", "MYR": "MYR",
    "RM": "MYR", "THB": "THB", "PHP": "PHP", "₱": "PHP", "PKR": "PKR", "ZAR": "ZAR", "SEK": "SEK",
    "NOK": "NOK", "DKK": "DKK", "PLN": "PLN", "UAH": "UAH", "EGP": "EGP", "NGN": "NGN", "BDT": "BDT",
    "₫": "VND", "₦": "NGN", "₴": "UAH", "₸": "KZT", "VNĐ": "VND", "VND": "VND", "NGN": "NGN",
    "NT$": "TWD", "TWD": "TWD", "Dh": "AED", "SR": "SAR", "QR": "QAR", "QAR": "QAR", "KSh": "KES", "KES": "KES",
    "GH₵": "GHS", "GHS": "GHS", "E£": "EGP", "LE": "EGP", "BYN": "BYN", "UZS": "UZS",
    "CLP": "CLP", "COP": "COP", "PEN": "PEN", "ARS": "ARS", "KWD": "KWD", "BHD": "BHD", "OMR": "OMR",
}
# Words after the number -> ISO 4217 (longest match wins).
SUFFIX_CURRENCY = {
    "US dollars": "USD", "U.S. dollars": "USD", "American dollars": "USD", "dollars": "USD",
    "dollar": "USD", "USD": "USD", "Australian dollars": "AUD", "Canadian dollars": "CAD",
    "Hong Kong dollars": "HKD", "Singapore dollars": "SGD", "New Zealand dollars": "NZD",
    "euros": "EUR", "euro": "EUR", "EUR": "EUR", "yuan": "CNY", "renminbi": "CNY", "RMB": "CNY",
    "CNY": "CNY", "Chinese yuan": "CNY", "rubles": "RUB", "roubles": "RUB", "ruble": "RUB",
    "rouble": "RUB", "RUB": "RUB", "Russian rubles": "RUB", "yen": "JPY", "Japanese yen": "JPY",
    "JPY": "JPY", "won": "KRW", "KRW": "KRW", "rupees": "INR", "rupee": "INR", "Indian rupees": "INR",
    "INR": "INR", "Pakistani rupees": "PKR", "Sri Lankan rupees": "LKR", "pounds sterling": "GBP",
    "pounds": "GBP", "sterling": "GBP", "GBP": "GBP", "reais": "BRL", "Brazilian reais": "BRL",
    "Brazilian real": "BRL", "BRL": "BRL", "lira": "TRY", "liras": "TRY", "Turkish lira": "TRY",
    "Turkish liras": "TRY", "TRY": "TRY", "dirhams": "AED", "dirham": "AED", "riyals": "SAR",
    "tenge": "KZT", "ringgit": "MYR", "baht": "THB", "rupiah": "IDR", "dong": "VND", "rand": "ZAR",
    "hryvnias": "UAH", "hryvnia": "UAH", "zlotys": "PLN", "zloty": "PLN", "Swiss francs": "CHF",
    "francs": "CHF", "kronor": "SEK", "naira": "NGN", "taka": "BDT", "pesos": "MXN",
    "Mexican pesos": "MXN", "Philippine pesos": "PHP", "Argentine pesos": "ARS",
    "Belarusian rubles": "BYN", "Belarusian roubles": "BYN", "Kazakh tenge": "KZT", "Egyptian pounds": "EGP",
    "Taiwan dollars": "TWD", "New Taiwan dollars": "TWD", "Uzbek sums": "UZS", "soums": "UZS", "sums": "UZS",
    "Kenyan shillings": "KES", "shillings": "KES", "cedis": "GHS", "Chilean pesos": "CLP", "Colombian pesos": "COP",
    "Bangladeshi taka": "BDT", "Saudi riyals": "SAR", "Qatari riyals": "QAR", "UAE dirhams": "AED",
    "Emirati dirhams": "AED", "Iraqi dinars": "IQD", "Kuwaiti dinars": "KWD", "Mexican peso": "MXN",
}


# (the longest word first where one word begins another)
_PREFIX = word_alternation(PREFIX_CURRENCY)
_SUFFIX = word_alternation(SUFFIX_CURRENCY)
_SUFFIX_LOWER = {k.lower(): v for k, v in SUFFIX_CURRENCY.items()}

# "$200 billion", "US$ 1.2 trillion", "USD 30bn", "Rs 2,500 crore", "₹1.2 lakh crore"
MONEY_PREFIXED = re.compile(
    rf"(?P<pre>{_PREFIX})\s?(?P<num>{NUM}){SCALE}?(?:\s(?P<suf>{_SUFFIX})\b)?"
)
# "30 billion yuan", "1.2022 trillion yuan", "500 million US dollars", "30 billion USD"
MONEY_SUFFIXED = re.compile(
    rf"(?P<num>{NUM}){SCALE}?\s?(?:-\s?)?(?P<suf>{_SUFFIX})\b"
)
# "the 100 billion mark": money by context (the document's currency)
BARE_MARK = re.compile(
    rf"(?P<num>{NUM})\s?(?P<scale>trillion|billion|million|bln|bn|mln|tln|trln)\b"
    r"(?=\s(?:dollar\s)?(?:target\s)?(?:mark|threshold|milestone|barrier|level)\b)"
)

# (a sign before the number, "+ 5%", is read by find_amounts: a pattern that
# starts with an optional group is tried at every character of a text)
PERCENT = re.compile(
    rf"(?P<num>{NUM})\s?(?P<pct>%|percent\b|per\s?cent\b|pct\b|pc\b|percentage\s+points?\b|pp\b|"
    r"p\.p\.)"
)
# Single-letter symbols used by African outlets ("R384.5 billion", "N1.86 trillion"):
# only with a scale word, where a letter before a number can mean nothing else.
LETTER_MONEY = re.compile(rf"(?P<pre>[RN])(?<![\w$][RN])(?P<num>{NUM})\s?(?P<scale>trillion|billion|million|bn|mn|tn)\b")
LETTER_CURRENCY = {"R": "ZAR", "N": "NGN"}
# "$12.3 billion (+14.2)": a bare signed change after a figure
BARE_CHANGE = re.compile(r"\(\s?(?P<sign>[+-])\s?(?P<num>\d{1,4}(?:\.\d{1,3})?)\s?%?\s?\)")

VOLUME_UNITS = {
    "tonnes": ("t", 1), "tonne": ("t", 1), "tons": ("t", 1), "ton": ("t", 1), "metric tons": ("t", 1),
    "metric tonnes": ("t", 1), "t": ("t", 1), "mt": ("t", 1e6), "mmt": ("t", 1e6), "mln t": ("t", 1e6),
    "million tonnes": ("t", 1e6), "million tons": ("t", 1e6),
    "cubic metres": ("m3", 1), "cubic meters": ("m3", 1), "cubic metre": ("m3", 1),
    "cubic meter": ("m3", 1), "cu m": ("m3", 1), "m3": ("m3", 1), "m³": ("m3", 1),
    "bcm": ("m3", 1e9), "mcm": ("m3", 1e6), "billion cubic metres": ("m3", 1e9),
    "kilograms": ("t", 1e-3), "kg": ("t", 1e-3),
    "barrels": ("bbl", 1), "barrel": ("bbl", 1), "bbl": ("bbl", 1), "bbls": ("bbl", 1),
}
_VOL = word_alternation(VOLUME_UNITS)
# case-insensitive: run on the lower-cased text (see fast_patterns.py)
VOLUME = lowered(rf"(?P<num>{NUM})(?:\s?(?P<scale>{_SCALE_WORDS})\b)?\s?(?P<unit>{_VOL})(?![\w])")
PER_DAY = re.compile(r"^\s*(?:(?:of\s+[a-z ]{0,25})?(?:per|a|/|each)\s*day\b|bpd\b|b/d\b|daily\b|/d\b)", re.I)


@dataclass(slots=True)  # made per sentence or per figure: slots are quicker
class Amount:
    kind: str  # money | percent | volume
    start: int
    end: int
    value: float
    unit: str  # ISO 4217, percent, t, m3, bbl
    sign: int = 1  # explicit sign of a percent (+1 / -1), 0 when none was written
    bare: bool = False  # currency inferred from context
    points: bool = False  # percentage points
    scaled: bool = False  # a scale word was written ("billion", "crore", "m")


def parse_number(text: str) -> float:
    return float(text.replace(",", ""))


def _scale(m: re.Match) -> float:
    # (the groups read one by one: a dict of all of them costs more)
    word = m["scale"] or ("scale1" in m.re.groupindex and m["scale1"])
    return SCALES[" ".join(word.lower().split())] if word else 1.0  # "lakh  crore" -> "lakh crore"


def _free(taken: list[tuple[int, int]], start: int, end: int) -> int | None:
    """Where the span start-end goes in `taken` (spans in order, none
    overlapping another), or None if it overlaps one: only the spans next to
    that place can."""
    i = bisect_left(taken, (start,))
    if (i and taken[i - 1][1] > start) or (i < len(taken) and taken[i][0] < end):
        return None
    return i


def _signed_start(text: str, start: int) -> tuple[int, str | None]:
    """Where a number at `start` begins with its sign ("+5", "- 5"), and the sign."""
    if start >= 1 and text[start - 1] in "+-":
        return start - 1, text[start - 1]
    if start >= 2 and text[start - 2] in "+-" and text[start - 1].isspace():
        return start - 2, text[start - 2]
    return start, None


def find_amounts(text: str, default_currency: str | None = None) -> list[Amount]:
    """Every money amount, percent and volume in `text`, without overlaps."""
    return find_amounts_per_part(text, [0], default_currency)[0]


def _has_percent_word(text: str) -> bool:
    return "%" in text or "per" in text.lower() or "pp" in text or "pc" in text


def find_amounts_per_part(text: str, starts: list[int], default_currency: str | None = None) -> list[list[Amount]]:
    """find_amounts of each part of a joined text (see fast_patterns.joined),
    at offsets into the part: one scan per pattern for a document's sentences.
    (No match runs across a separator, so amounts of two parts never overlap.)"""
    out: list[Amount] = []
    taken: list[tuple[int, int]] = []  # the spans kept, in order

    def add(a: Amount) -> None:
        i = _free(taken, a.start, a.end)
        if i is not None:
            out.append(a)
            taken.insert(i, (a.start, a.end))

    def part(pos: int) -> tuple[int, int]:
        """(start, end) of the part `pos` is in."""
        k = bisect_right(starts, pos) - 1
        return starts[k], starts[k + 1] - 1 if k + 1 < len(starts) else len(text)

    for m in MONEY_PREFIXED.finditer(text):
        pre = m.group("pre")
        # "RM", "TL", "Rp", "Rs" need a number right after; "$" after a
        # letter is part of a prefix like "US$" matched at its own start
        code = PREFIX_CURRENCY[pre]
        if pre == "¥" and m.group("suf") and _SUFFIX_LOWER.get(m.group("suf").lower()) == "CNY":
            code = "CNY"
        elif m.group("suf"):
            code = _SUFFIX_LOWER.get(m.group("suf").lower(), code) if pre in ("$",) else code
        if pre.isalpha() and m.start() > 0 and text[m.start() - 1].isalnum():
            continue
        scale = _scale(m)
        add(Amount("money", m.start(), m.end(), parse_number(m.group("num")) * scale, code, scaled=scale != 1.0))
    for m in LETTER_MONEY.finditer(text):
        add(Amount("money", m.start(), m.end(), parse_number(m.group("num")) * _scale(m),
                   LETTER_CURRENCY[m.group("pre")], scaled=True))
    for m in MONEY_SUFFIXED.finditer(text):
        code = SUFFIX_CURRENCY.get(m.group("suf")) or _SUFFIX_LOWER[m.group("suf").lower()]
        scale = _scale(m)
        add(Amount("money", m.start(), m.end(), parse_number(m.group("num")) * scale, code, scaled=scale != 1.0))
    for m in VOLUME.finditer(lower(text)):
        # (what follows within the part: the part ends where a text would)
        if PER_DAY.match(text[m.end():min(m.end() + 40, part(m.start())[1])]):
            continue
        # (the match is in lower case; a unit is one of VOLUME_UNITS as written there)
        unit, factor = VOLUME_UNITS[m.group("unit")]
        scale = SCALES[" ".join(m.group("scale").split())] if m.group("scale") else 1.0
        if text[m.start("unit"):m.end("unit")] == "t" and not m.group("scale"):
            continue  # a bare "5 t" is too often something else
        add(Amount("volume", m.start(), m.end(), parse_number(m.group("num")) * scale * factor, unit))
    if default_currency:
        for m in BARE_MARK.finditer(text):
            add(Amount("money", m.start(), m.end(), parse_number(m.group("num")) * _scale(m),
                       default_currency, bare=True, scaled=True))
    if _has_percent_word(text):
        for m in PERCENT.finditer(text):
            # percents are looked for only in a text with a percent word; every
            # pct but "p.p." is one, so only that one needs its part checked
            if m.group("pct") == "p.p." and len(starts) > 1 and not _has_percent_word(text[slice(*part(m.start()))]):
                continue
            start, sign = _signed_start(text, m.start())
            points = "point" in m.group("pct") or m.group("pct") in ("pp", "p.p.")
            add(Amount("percent", start, m.end(), parse_number(m.group("num")), "percent",
                       sign=(-1 if sign == "-" else 1 if sign else 0), points=points))
    if "(" in text:
        for m in BARE_CHANGE.finditer(text):
            add(Amount("percent", m.start(), m.end(), parse_number(m.group("num")), "percent",
                       sign=-1 if m.group("sign") == "-" else 1))
    out.sort(key=lambda a: a.start)
    if len(starts) == 1:
        return [out]
    return [[_moved(a, start, end) for start, end, a in found]
            for found in per_part([(a.start, a.end, a) for a in out], starts)]


def _moved(a: Amount, start: int, end: int) -> Amount:
    """`a` at offsets `start`-`end` (into its part)."""
    a.start, a.end = start, end
    return a
