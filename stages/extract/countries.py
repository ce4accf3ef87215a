"""Country mentions: names, adjectives, capitals standing for governments.

Codes are ISO 3166 alpha-3 from pycountry (the maintained list); the surface
forms news uses that pycountry lacks (adjectives, capitals, short names) are
listed here. WLD (the world) and EUU (the European Union) follow the World
Bank convention, as the spec says.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pycountry

from .fast_patterns import per_part, word_alternation

WORLD, EU = "WLD", "EUU"

# Short names, adjectives and demonyms by alpha-2 (resolved through pycountry).
_FORMS: dict[str, tuple[str, ...]] = {
    "AE": ("UAE", "U.A.E.", "United Arab Emirates", "Emirates", "Emirati", "Emiratis"),
    "AF": ("Afghan",),
    "AM": ("Armenian",),
    "AO": ("Angolan",),
    "AR": ("Argentine", "Argentinian", "Argentinean"),
    "AT": ("Austrian",),
    "AU": ("Australian", "Aussie"),
    "AZ": ("Azerbaijani", "Azeri"),
    "BD": ("Bangladeshi",),
    "BE": ("Belgian",),
    "BG": ("Bulgarian",),
    "BR": ("Brazilian",),
    "BY": ("Belarusian", "Belarussian", "Byelorussian"),
    "CA": ("Canadian",),
    "CH": ("Swiss",),
    "CL": ("Chilean",),
    "CN": ("China", "PRC", "Chinese", "Sino", "mainland China"),
    "CO": ("Colombian",),
    "CZ": ("Czech", "Czechia"),
    "DE": ("German", "Germans"),
    "DK": ("Danish",),
    "DZ": ("Algerian",),
    "EG": ("Egyptian",),
    "ES": ("Spanish",),
    "ET": ("Ethiopian",),
    "FI": ("Finnish",),
    "FR": ("French",),
    "GB": ("UK", "U.K.", "Britain", "Great Britain", "British", "England", "English"),
    "GE": ("Georgian",),
    "GH": ("Ghanaian",),
    "GR": ("Greek",),
    "HK": ("Hong Kong",),
    "HU": ("Hungarian",),
    "ID": ("Indonesian",),
    "IE": ("Irish",),
    "IL": ("Israeli",),
    "IN": ("Indian", "Indo"),
    "IQ": ("Iraqi",),
    "IR": ("Iran", "Iranian"),
    "IT": ("Italian",),
    "JP": ("Japanese",),
    "KE": ("Kenyan",),
    "KG": ("Kyrgyz", "Kyrgyzstani"),
    "KH": ("Cambodian",),
    "KP": ("North Korea", "North Korean", "DPRK"),
    "KR": ("South Korea", "Korea", "South Korean", "Korean", "ROK", "Republic of Korea"),
    "KZ": ("Kazakh", "Kazakhstani"),
    "LA": ("Laos", "Lao", "Laotian"),
    "LK": ("Sri Lankan",),
    "MA": ("Moroccan",),
    "MD": ("Moldova", "Moldovan"),
    "MM": ("Myanmar", "Burmese", "Burma"),
    "MN": ("Mongolian",),
    "MX": ("Mexican",),
    "MY": ("Malaysian",),
    "NG": ("Nigerian",),
    "NL": ("Netherlands", "Holland", "Dutch"),
    "NO": ("Norwegian",),
    "NZ": ("New Zealand", "Kiwi"),
    "PE": ("Peruvian",),
    "PH": ("Philippine", "Filipino"),
    "PK": ("Pakistani",),
    "PL": ("Polish",),
    "PT": ("Portuguese",),
    "QA": ("Qatari",),
    "RO": ("Romanian",),
    "RS": ("Serbian",),
    "RU": ("Russia", "Russian", "Russians", "Russo", "Russian Federation"),
    "SA": ("Saudi", "Saudi Arabian", "KSA"),
    "SE": ("Swedish",),
    "SG": ("Singaporean",),
    "SY": ("Syria", "Syrian"),
    "TH": ("Thai",),
    "TJ": ("Tajik", "Tajikistani"),
    "TM": ("Turkmen",),
    "TR": ("Turkey", "Türkiye", "Turkiye", "Turkish", "Turks"),
    "TW": ("Taiwan", "Taiwanese"),
    "TZ": ("Tanzania", "Tanzanian"),
    "UA": ("Ukrainian",),
    "US": ("US", "U.S.", "U.S.A.", "USA", "United States", "America", "American", "Americans",
           "United States of America"),
    "UZ": ("Uzbek", "Uzbekistani"),
    "VE": ("Venezuela", "Venezuelan"),
    "VN": ("Vietnam", "Viet Nam", "Việt Nam", "Vietnamese"),
    "ZA": ("South African",),
    "ZW": ("Zimbabwean",),
    "BO": ("Bolivia", "Bolivian"),
    "CD": ("DR Congo", "DRC"),
}

# Capitals and seats of government standing for the government (alpha-3).
_CAPITALS: dict[str, str] = {
    "Moscow": "RUS", "Kremlin": "RUS", "Beijing": "CHN", "Washington": "USA", "New Delhi": "IND",
    "Delhi": "IND", "Tokyo": "JPN", "Seoul": "KOR", "Brasilia": "BRA", "Brasília": "BRA",
    "Ankara": "TUR", "Minsk": "BLR", "Canberra": "AUS", "Berlin": "DEU", "Paris": "FRA",
    "London": "GBR", "Rome": "ITA", "Madrid": "ESP", "Ottawa": "CAN", "Astana": "KAZ",
    "Tashkent": "UZB", "Hanoi": "VNM", "Jakarta": "IDN", "Riyadh": "SAU", "Tehran": "IRN",
    "Islamabad": "PAK", "Dhaka": "BGD", "Kyiv": "UKR", "Kiev": "UKR", "Pyongyang": "PRK",
    "Abu Dhabi": "ARE", "Bangkok": "THA", "Manila": "PHL", "Kuala Lumpur": "MYS",
    "Wellington": "NZL", "Pretoria": "ZAF", "Cairo": "EGY", "Baku": "AZE", "Yerevan": "ARM",
    "Tbilisi": "GEO", "Bishkek": "KGZ", "Dushanbe": "TJK", "Ashgabat": "TKM", "Ulaanbaatar": "MNG",
    "Taipei": "TWN", "Buenos Aires": "ARG", "Mexico City": "MEX", "Santiago": "CHL", "Lima": "PER",
    "Bogota": "COL", "Caracas": "VEN", "Havana": "CUB", "Warsaw": "POL", "Budapest": "HUN",
    "Prague": "CZE", "Vienna": "AUT", "Bern": "CHE", "Stockholm": "SWE", "Oslo": "NOR",
    "Helsinki": "FIN", "Copenhagen": "DNK", "Athens": "GRC", "Lisbon": "PRT", "The Hague": "NLD",
    "Doha": "QAT", "Baghdad": "IRQ", "Damascus": "SYR", "Tel Aviv": "ISR", "Nairobi": "KEN",
    "Abuja": "NGA", "Addis Ababa": "ETH", "Naypyidaw": "MMR", "Colombo": "LKA", "Kabul": "AFG",
    "Belgrade": "SRB", "Bucharest": "ROU", "Sofia": "BGR", "Vientiane": "LAO", "Phnom Penh": "KHM",
}

_EU_FORMS = ("European Union", "EU", "E.U.", "Brussels", "EU27", "27-member bloc", "27-nation bloc",
             "27-country bloc")

# pycountry names that collide with ordinary words or other meanings in news.
_SKIP_NAMES = {"Jersey", "Guernsey", "Chad", "Georgia", "Jordan", "Niger", "Guinea", "Mali", "Oman",
               "Turkey", "Macao", "Man", "Korea", "Congo", "Dominica", "Samoa", "Norfolk Island"}


@lru_cache(maxsize=1)
def surface_forms() -> dict[str, str]:
    """Surface form -> alpha-3 code (or EUU)."""
    forms: dict[str, str] = {}
    for c in pycountry.countries:
        for name in {c.name, getattr(c, "common_name", None)} - {None}:
            if name in _SKIP_NAMES or "," in name or "(" in name:
                continue
            forms[name] = c.alpha_3
    # Georgia and Jordan are ambiguous with US state/person names but common
    # in trade news with a country context; keep the ones below only.
    for name, a3 in (("Jordan", "JOR"), ("Oman", "OMN"), ("Macau", "MAC"), ("Macao", "MAC"),
                     ("Turkey", "TUR"), ("Korea", "KOR"), ("Georgia", "GEO")):
        forms[name] = a3
    for a2, names in _FORMS.items():
        a3 = pycountry.countries.get(alpha_2=a2).alpha_3
        for name in names:
            forms[name] = a3
    forms.update(_CAPITALS)
    for name in _EU_FORMS:
        forms[name] = EU
    return forms


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    # (what may not stand before a name is checked after its first character:
    # every branch then starts with a literal character, a capital letter or
    # "2", and `re` tries the pattern only where one stands, see fast_patterns.py)
    alt = word_alternation(surface_forms(), after_first=r"(?<![\w.$].)")  # the longest name first where one begins another
    # Hyphen compounds ("Sino-Russian", "Russia-China", "Indo-US") are split
    # by the alternation itself: each side is matched on its own.
    # a country word naming a currency ("US dollars", "Australian dollars") is not a country
    currency = (r"(?!\s+(?:dollars?|yuan|rupees?|pesos?|riyals?|rubles?|roubles?|francs?|liras?|won|yen|pounds?|"
                r"reais|real|tenge|dirhams?|rand|ringgit|baht|dong|rupiah|hryvnias?|zlotys?|kronor|krona|krone|"
                r"naira|taka|soms?|manats?)\b)")
    return re.compile(alt + r"(?:'s|s'|')?(?![\w$])" + currency)


def find_countries(text: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of each country mention in `text`, in order."""
    return find_countries_per_part(text, [0])[0]


def find_countries_per_part(text: str, starts: list[int]) -> list[list[tuple[int, int, str]]]:
    """find_countries of each part of a joined text (see fast_patterns.joined),
    at offsets into the part: one scan for a document's sentences."""
    forms = surface_forms()
    found = []
    for m in _pattern().finditer(text):
        word = m.group(0)
        code = forms.get(word)  # (no form ends in ' or 's: a form is never stripped of a suffix)
        if code is None:
            for suffix in ("'s", "s'", "'"):
                if word.endswith(suffix) and word[: -len(suffix)] in forms:
                    word = word[: -len(suffix)]
                    break
            code = forms.get(word)
            if code is None:
                continue
        found.append((m.start(), m.end(), code))
    return per_part(found, starts)


# "the Kingdom" stands for the kingdom a story is about (Saudi outlets use it throughout)
KINGDOM_ALIAS = re.compile(r"\bthe\s+Kingdom\b(?!\s+of\b)")
KINGDOMS = ("SAU", "GBR", "NLD", "BEL", "ESP", "SWE", "NOR", "DNK", "JOR", "MAR", "THA", "BHR", "KHM")


def kingdom_mentions(text: str, code: str) -> list[tuple[int, int, str]]:
    """(start, end, code) of "the Kingdom" read as `code`."""
    return [(m.start() + 4, m.end(), code) for m in KINGDOM_ALIAS.finditer(text)]
