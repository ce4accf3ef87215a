"""Sentence-level rules that turn amounts into trade metrics (see the spec).

For each amount in a sentence the rules decide, within the amount's clause:
whether it is about trade at all (the nearest topic word governs: "trade",
"exports" vs "surplus", "investment", "GDP"...), its measure, status, flow,
qualifier, period and country pair. Document context fills what a sentence
leaves open: the pair of countries the story is about, its currency, the
data period of the paragraph.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import date

from .amounts import BARE_MARK, Amount, find_amounts
from .countries import EU, WORLD, find_countries
from .fast_patterns import lower, lowered, word_led
from .periods import FISCAL_START, Period, find_periods, specificity

# ---------------------------------------------------------------- vocabulary

HAS_DIGIT = re.compile(r"\d").search

# Topic words: what a nearby amount is an amount *of*.
_TRADE_TOPIC = (
    r"(?:exports|imports)\s+and\s+(?:imports|exports)|trade|trades|traded|turnover|commerce|exchanges?|exports?|exported|exporting|imports?|imported|importing|"
    r"shipments?|ship|ships|shipping|shipped|deliveries|deliver|delivers|delivered|supplies|supply|supplied|"
    r"purchases|purchased|buy|buys|bought|sales|sell|sells|sold|two-way|bilateral|"
    r"trading\s+(?:relationship|partnership|ties|volume)|receive|receives|received|receiving"
)
# Trade words that also name a firm's business ("Toyota sold 2.25 million
# vehicles"): they count only with a country as buyer, seller or destination.
_WEAK_TRADE = re.compile(r"^(?:sales|sell|sells|sold|buy|buys|bought|purchases|purchased|receive|receives|"
                         r"received|receiving)$", re.I)
_NEG_TOPIC = (
    r"e-commerce|export\s+finance|export\s+credits?|export-import\s+bank|exim|damages|compensation|"
    r"arbitration|penalt(?:y|ies)|surplus(?:es)?|deficits?|balance|invest(?:ment|ments|ed|ing|s|or|ors)?|FDI|funds?|funding|loans?|"
    r"lending|credits?|credit\s+line|contracts?|deals?|agreements?|projects?|GDP|gross\s+domestic|economy|"
    r"economic\s+growth|budget|revenues?|profits?|capital|reserves|debts?|bonds?|aid|grants?|"
    r"capitalization|capitalisation|valuation|assets|spending|subsid(?:y|ies)|tax(?:es)?|tariffs?|duties|duty|"
    r"prices?|costs?|inflation|interest|rates?|wages?|salar(?:y|ies)|income|fines?|stakes?|acquisitions?|"
    r"swaps?|output|production|produced|capacity|consumption|demand|sanctions|population|doses?|"
    r"vaccin\w*|troops|soldiers|market\s+share|market\s+cap\w*|remittances|tourists?|tourism|"
    r"worth\s+of\s+(?:deals|contracts|agreements)|plan\s+by|target\s+by|stock|shares\s+(?:rose|fell)|"
    r"trading\s+at|traded\s+at|trades\s+at|per\s+barrel|a\s+barrel|per\s+tonne|a\s+tonne|"
    r"(?:peso|yuan|renminbi|ruble|rouble|rupee|lira|real|rand|won|yen|euro|dollar|pound|sterling|ringgit|rupiah|"
    r"naira|shilling|cedi|taka|tenge|som|dirham|riyal|dinar|kwacha|hryvnia|zloty|forint|koruna|krona|krone|franc|"
    r"dong|baht|manat|lari|dram)s?"
    r"(?=\s+(?:has\s+|had\s+)?(?:gained|rose|fell|weakened|strengthened|appreciated|depreciated|slid|climbed|"
    r"dropped|lost|firmed|eased|jumped|surged|plunged|slumped))|appreciat\w*|depreciat\w*|exchange\s+rates?|"
    r"currenc(?:y|ies)|settle\w*|payments?|transactions?|deposits?|valued|sovereign|yield"
)
# negative topics first: "Export Finance" is an agency, not exports
_TOPIC = re.compile(rf"\b(?:(?P<neg>{_NEG_TOPIC})|(?P<trade>{_TRADE_TOPIC}))\b", re.I)
# the same, for lower-cased text (the one used: several times faster)
_TOPIC_LOWERED = lowered(_TOPIC.pattern)
# where _TOPIC_LOWERED matches, found by a pattern led by the words' first letters (see fast_patterns.py)
_TOPIC_START = lowered(word_led(f"{_NEG_TOPIC}|{_TRADE_TOPIC}".lower()) + r"\b")
# and its match there, with its groups (each group's words led by their first letters)
_TOPIC_AT = lowered(rf"(?:(?P<neg>{word_led(_NEG_TOPIC.lower())})|(?P<trade>{word_led(_TRADE_TOPIC.lower())}))\b")


def topics_in(low: str) -> list[re.Match]:
    """_TOPIC_LOWERED's matches in `low`."""
    return [_TOPIC_AT.match(low, m.start()) for m in _TOPIC_START.finditer(low)]

_EXPORT_WORDS = re.compile(r"^(?:exports?|exported|exporting|shipments?|ship|ships|shipping|shipped|deliveries|"
                           r"deliver|delivers|delivered|supplies|supply|supplied|sales|sell|sells|sold)$", re.I)
_IMPORT_WORDS = re.compile(r"^(?:imports?|imported|importing|purchases|purchased|buy|buys|bought|"
                           r"receive|receives|received|receiving)$", re.I)

_GROWTH_UP = (r"r[io]se|risen|rising|rises|(?<!made\s)(?<!make\s)(?<!makes\s)(?<!making\s)up|grew|grow(?:s|n|ing|th)?|increas\w*|jump\w*|surg\w*|climb\w*|gain\w*|"
              r"expand\w*|expansion|higher|soar\w*|boost\w*|advanc\w*|add(?:ed|ing)|spik\w*|rebound\w*|"
              r"accelerat\w*|hike\w*|leap\w*|swell\w*|swollen|y/y|yoy|year[\s-]on[\s-]year|on[\s-]year|"
              r"year[\s-]over[\s-]year")
_GROWTH_DOWN = (r"f[ae]ll|falls|falling|fallen|down|declin\w*|decreas\w*|drop\w*|dipp?\w*|slump\w*|"
                r"plung\w*|plummet\w*|shr[ai]nk\w*|shrunk|contract\w*|lower|slid|slide|slides|sliding|sank|"
                r"sink\w*|tumbl\w*|retreat\w*|reduc\w*|los[st]\w*|negative|minus|slow\w*|eas(?:ed|ing)|slip\w*|"
                r"reced\w*|soften\w*|shed|"
                r"off|weaken\w*|cut|slash\w*|dwindl\w*|collaps\w*")
# run on lower-cased text (see fast_patterns.py)
_CHANGE = lowered(rf"\b(?:(?P<up>{_GROWTH_UP})|(?P<down>{_GROWTH_DOWN}))\b")
# The same, found by a pattern led by the words' first letters and matched
# again there for its groups (see fast_patterns.py); "up" checks what stands
# before it after its "u"
_UP_LED = _GROWTH_UP.replace(r"(?<!made\s)(?<!make\s)(?<!makes\s)(?<!making\s)up",
                             r"u(?<!made\su)(?<!make\su)(?<!makes\su)(?<!making\su)p")
assert _UP_LED != _GROWTH_UP
_CHANGE_LED = lowered(word_led(f"{_UP_LED}|{_GROWTH_DOWN}") + r"\b")
_CHANGE_AT = lowered(rf"(?:(?P<up>{word_led(_UP_LED)})|(?P<down>{word_led(_GROWTH_DOWN)}))\b")


def changes_in(low: str) -> list[re.Match]:
    """_CHANGE's matches in `low`."""
    return [_CHANGE_AT.match(low, m.start()) for m in _CHANGE_LED.finditer(low)]


def first_change_in(low: str) -> re.Match | None:
    """_CHANGE's first match in `low`."""
    m = _CHANGE_LED.search(low)
    return _CHANGE_AT.match(low, m.start()) if m else None

_SHARE = re.compile(
    r"\b(?:share|shares|accounts?\s+for|accounted\s+for|accounting\s+for|made\s+up|makes?\s+up|making\s+up|"
    r"represent(?:s|ed|ing)?|constitut\w*|commands?|took|takes|taking|of\s+(?:all|total|the\s+total))\b|"
    r"%\s+of|percent\s+of|per\s?cent\s+of|pct\s+of",
    re.I,
)
_SETTLEMENT = re.compile(
    r"\b(?:national\s+currenc\w+|settle\w*|settlement|denominated|in\s+(?:yuan|rubles?|roubles?|rupees?|"
    r"dollars?|euros?|local\s+currenc\w+)|payments?|paid\s+in|conducted\s+in|carried\s+out\s+in|market\s+share)\b",
    re.I,
)
_COMMODITY_WORDS = {
    "crude oil": "crude oil", "crude": "crude oil", "oil": "crude oil", "petroleum": "crude oil",
    "natural gas": "natural gas", "gas": "natural gas", "liquefied natural gas": "liquefied natural gas",
    "lng": "liquefied natural gas", "pipeline gas": "natural gas", "coal": "coal", "coking coal": "coal",
    "thermal coal": "coal", "wheat": "wheat", "grain": "grain", "grains": "grain", "soybeans": "soybeans",
    "soybean": "soybeans", "soya": "soybeans", "corn": "corn", "maize": "corn", "rice": "rice",
    "barley": "barley", "sugar": "sugar", "iron ore": "iron ore", "copper": "copper", "steel": "steel",
    "aluminium": "aluminium", "aluminum": "aluminium", "timber": "timber", "lumber": "timber",
    "fertilizers": "fertilizers", "fertilisers": "fertilizers", "fertilizer": "fertilizers",
    "petroleum products": "petroleum products", "oil products": "petroleum products", "diesel": "diesel",
    "palm oil": "palm oil", "cotton": "cotton", "beef": "beef", "pork": "pork", "seafood": "seafood",
    "gold": "gold", "nickel": "nickel", "urea": "fertilizers", "sunflower oil": "sunflower oil",
    "electricity": "electricity", "uranium": "uranium", "cars": "cars", "vehicles": "vehicles",
    "semiconductors": "semiconductors", "semiconductor": "semiconductors", "chips": "semiconductors", "rapeseed": "rapeseed",
}
_COMMODITY = re.compile(
    r"\b(" + "|".join(re.escape(k) for k in sorted(_COMMODITY_WORDS, key=len, reverse=True)) + r")\b", re.I
)
# the same for lower-cased text, led by the words' first letters (see fast_patterns.py)
_COMMODITY_LOWERED = lowered(
    "(" + word_led("|".join(re.escape(k) for k in sorted(_COMMODITY_WORDS, key=len, reverse=True))) + r")\b")

_TARGET = re.compile(
    r"\b(?:targets?|targeted|targeting|goals?|aims?|aimed|aiming|objectives?|ambitions?|ambitious|"
    r"plans?\s+to|planned\s+to|planning\s+to|set\s+(?:the|a)\s+task|task|seeks?\s+to|seeking\s+to|"
    r"intends?\s+to|intention|pledged?|vow(?:ed|s)?|commit(?:ted|s)?\s+to|wants?\s+to|hopes?\s+to|"
    r"eyes?|eyeing|strive|striving|determined\s+to|agreed\s+to|roadmap|road\s+map|"
    r"(?<!expected\s)(?<!likely\s)(?<!projected\s)(?<!forecast\s)(?<!set\s)(?<!poised\s)(?<!going\s)"
    r"(?<!expects\s)(?<!estimated\s)(?<!is\s)(?<!are\s)"
    r"to\s+(?:bring|raise|boost|double|triple|take|push|lift)\b)",
    re.I,
)
_FORECAST = re.compile(
    r"\b(?:will|would|shall|'ll|expects?|expected|expectations?|forecasts?|forecasted|projects?|projected|"
    r"projections?|predicts?|predicted|likely|set\s+to|on\s+track|poised|anticipat\w*|could|(?-i:may)|might|"
    r"should|outlook|estimated\s+to|is\s+to|are\s+to|going\s+to|realistic|possible|potential|"
    r"seen\s+(?:reaching|hitting|at|rising|topping|exceeding|growing)|eyed)\b",
    re.I,
)
# Qualifier words right before the amount.
_Q_APPROX = re.compile(
    r"(?:\b(?:about|around|nearly|some|roughly|almost|approximately|approx\.?|close\s+to|circa|an\s+estimated|"
    r"estimated|or\s+so|approaching|just\s+about|~)\s*(?:the\s+|a\s+)?(?:US|U\.S\.)?\s*)$", re.I)
_Q_OVER = re.compile(
    r"(?:\b(?:more\s+than|over|exceed(?:ed|ing|s)?|surpass(?:ed|ing|es)?|above|top(?:ped|ping|s)?|"
    r"beyond|in\s+excess\s+of|upwards\s+of|at\s+least|pass(?:ed|ing|es)?|cross(?:ed|ing|es)?|"
    r"break(?:ing|s)?|broke|over\s+the|north\s+of|greater\s+than|higher\s+than)\s*(?:the\s+|a\s+)?(?:US|U\.S\.)?\s*)$",
    re.I)
_Q_UNDER = re.compile(
    r"(?:\b(?:less\s+than|below|up\s+to|under|fewer\s+than|no\s+more\s+than|at\s+most|just\s+under|"
    r"short\s+of|lower\s+than|not\s+exceeding)\s*(?:the\s+|a\s+)?(?:US|U\.S\.)?\s*)$", re.I)
_MARK_AFTER = re.compile(r"^[\s-]*(?:dollar\s+)?(?:mark|threshold|milestone|barrier|line)\b", re.I)
_TARGET_MARK_AFTER = re.compile(r"^[\s-]*(?:dollar\s+)?target\s+(?:mark|level|figure)\b", re.I)
_MARK_VERB_BEFORE = re.compile(r"\b(?:reach\w*|touch\w*|hit|hitting|pass\w*|cross\w*|exceed\w*|surpass\w*|"
                               r"top\w*|break\w*|broke|beyond|over)\b[^,;]{0,25}$", re.I)

_CLAUSE_SPLIT = re.compile(
    # the attribution ("..., Australian industry minister X said") is a clause of its own
    r",\s+(?=(?:according\s+to\b|[^,]{0,80}\b(?:said|says|told|reported|announced|noted|added|stated|showed|show)\b"
    r"[^,]{0,30}$))|"
    r";|:\s|,\s+(?=(?:while|whereas|but|although|though|and|which|where|as|with|compared)\b)|"
    r"\s(?=(?:while|whereas)\b)|[,.]\"\s",
    re.I,
)
_RANGE_GAP = re.compile(r"^\s*(?:-|–|to|and|or)\s*$", re.I)
_RANGE_TAIL = re.compile(r"^\s?[-–]\s?\d")  # "$10-15 billion", "10-15%"
_RANGE_HEAD = re.compile(r"\d\s?[-–]\s?$")
_BETWEEN = re.compile(r"\bbetween\s+(?:\S+\s+){0,2}$", re.I)
_CHANGE_BEFORE = re.compile(r"\b(?:r[io]se|grew|grown|increas\w*|jump\w*|climb\w*|surg\w*|f[ae]ll|fallen|declin\w*|"
                            r"drop\w*|decreas\w*|slump\w*|went|go(?:es)?|up|down)\b[^,;]{0,40}$", re.I)
_PAIR_WORDS = re.compile(r"\b(?:bilateral|mutual|two-way|each\s+other|both\s+(?:sides|countries))\b", re.I)
_CHANGE_JUST_BEFORE = re.compile(rf"\b(?:{_GROWTH_UP}|{_GROWTH_DOWN})\s+(?:by\s+)?(?:about\s+|nearly\s+|some\s+|"
                                 rf"almost\s+|around\s+|over\s+|more\s+than\s+)?$", re.I)
_REL_ASIDE = re.compile(
    rf",\s+(?:which|who)\b[^,;]{{0,150}},(?=\s+(?:\w+ly\s+)?(?:has\s+|have\s+|had\s+)?(?:{_GROWTH_UP}|{_GROWTH_DOWN}|"
    rf"were|was|totall?ed|amounted|reached|stood|hit)\b)", re.I)


def _mask(text: str, spans) -> str:
    """`text` with the spans blanked (same length, so offsets hold)."""
    chars = list(text)
    for s, e in spans:
        chars[s:e] = " " * (e - s)
    return "".join(chars)


_TWO_COUNTRIES = re.compile(r"\b(?:the\s+two\s+(?:countries|nations|sides|neighbou?rs|economies)|both\s+(?:countries|sides|nations)|"
                            r"bilateral|mutual|two-way)\b", re.I)
_GOODS = re.compile(r"\s+(?:goods|products|produce|commodities|merchandise|origin)\b", re.I)
_LEVY = re.compile(r"\b(?:tariffs?|duty|duties|levy|levies|tax|taxes|VAT)\b", re.I)
_CHANGE_START = re.compile(rf"^\s*(?:and\s+|but\s+|then\s+)?(?:\w+ly\s+|have\s+|has\s+|had\s+)?"
                           rf"(?:{_GROWTH_UP}|{_GROWTH_DOWN})\b", re.I)
_PRONOUN_LEVEL = re.compile(r"\b(?:it|this|that|which|the\s+(?:figure|total|volume|value))\s+(?:\w+\s+){0,2}$", re.I)
_IN_TRADE_AFTER = re.compile(rf"\s+in\s+(?:[\w'-]+\s+){{0,4}}?(?P<w>{_TRADE_TOPIC})\b", re.I)
_FROM_BEFORE = re.compile(r"\b(?:from|compared\s+(?:with|to)|versus|vs\.?|against)\s+(?:the\s+|a\s+)?"
                          r"(?:record\s+|previous\s+|revised\s+|year-earlier\s+)?"
                          r"(?:about\s+|around\s+|nearly\s+|some\s+|over\s+|more\s+than\s+)?$", re.I)
_PLAN_AFTER = re.compile(r"^\s*(?:of\s+[a-z ]{1,30}\s+)?(?:more|less|fewer)\s+than\s+(?:planned|expected|scheduled|"
                         r"forecast|targeted|the\s+(?:plan|target|forecast))", re.I)
_LEVEL_AFTER = re.compile(r"^[\s-]*(?:[a-z]+[\s-]+)?(?:level|range|bracket|region)\b", re.I)
_PLAN_BY = re.compile(r"\b(?:(?:plan|target|forecast|schedule|quota|expectations?|estimates?|obligations?|"
                      r"commitments?)\w*|(?:exceed|surpass|beat|outpac|outstrip|overshoot|miss)\w*[^,;]{0,40}?)"
                      r"\s+by\s+(?:about\s+|some\s+|nearly\s+|over\s+|more\s+than\s+)?\S*$", re.I)
_PER_CAPITA = re.compile(r"^\s*(?:per\s+(?:capita|person|head|tonne|ton|barrel|unit|kg|kilogram))", re.I)
_WORLD_CUE = re.compile(
    r"\b(?:total|overall|global|worldwide|foreign\s+trade|external\s+trade|international\s+trade|"
    r"with\s+the\s+(?:rest\s+of\s+the\s+)?world|to\s+the\s+world|all\s+(?:its\s+)?(?:trading\s+)?partners|"
    r"world\s+markets|around\s+the\s+world|the\s+world\s+over|all\s+(?:over\s+)?the\s+world|abroad|"
    r"overseas)\b", re.I)
_PRESENT_SHARE = re.compile(r"\b(?:accounts|account|makes|make|commands|command|represents|is|are|stands|"
                            r"holds|constitutes|takes|supplies|provides|buys|sends|receives|gets|absorbs|"
                            r"now|currently|today)\b", re.I)
_CURRENT_LEVEL = re.compile(r"\b(?:currently|now|already|at\s+present|presently|today|per\s+year|a\s+year|annually)\b",
                            re.I)


@dataclass
class DocContext:
    published: date | None
    pair: tuple[str, str] | None  # the two countries the story is about
    main: str | None  # the most mentioned country
    currency: str | None  # the story's usual currency
    bilateral: bool = True  # the pair is named together somewhere


@dataclass(slots=True)  # made per sentence or per figure: slots are quicker
class Mention:
    measure: str
    statuses: list[str]
    flow: str
    value: float
    unit: str
    qualifier: str
    period: str | None
    reporter: str
    partner: str
    commodity: str | None
    start: int  # offsets into the sentence
    end: int
    period_from_context: bool = False
    extra: dict = field(default_factory=dict)


# ------------------------------------------------------------------ helpers

# Python's \s: the one pattern below that does not start with a literal character
# is tried at every character of a text; written as those characters instead,
# `re` tries _CLAUSE_SPLIT only where a comma, colon... or space stands
_SPACES = "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008" \
          "\u2009\u200a\u2028\u2029\u202f\u205f\u3000"
_SPACE_WHILE = r"\s(?=(?:while|whereas)\b)"
_QUOTE_END = r'[,.]\"\s'
assert _SPACE_WHILE in _CLAUSE_SPLIT.pattern and _QUOTE_END in _CLAUSE_SPLIT.pattern
# run on lower-cased text (see fast_patterns.py)
_CLAUSE_SPLIT_LED = lowered(_CLAUSE_SPLIT.pattern.replace(
    _SPACE_WHILE, "|".join(re.escape(c) + _SPACE_WHILE[2:] for c in _SPACES)).replace(_QUOTE_END, r',\"\s|\.\"\s'))


def _clauses(low: str) -> list[tuple[int, int]]:
    """The clauses of a text, from `low`, its lower case."""
    spans, pos = [], 0
    for m in _CLAUSE_SPLIT_LED.finditer(low):
        spans.append((pos, m.start()))
        pos = m.end()
    spans.append((pos, len(low)))
    return spans


def _clause_of(clauses: list[tuple[int, int]], pos: int) -> tuple[int, int]:
    for s, e in clauses:
        if s <= pos < e:
            return s, e
    return clauses[-1]


_QUOTE_OR_STOP = re.compile(r"[\",;]")


def _topic_for(text: str, topics: list[re.Match], a: Amount, cs: int, ce: int) -> re.Match | None:
    """The topic word governing an amount: the nearest one before it in the
    clause; failing that, the nearest one shortly after it."""
    before = [t for t in topics if cs <= t.start() and t.end() <= a.start]
    if before:
        # a negative topic between the trade word and the amount governs
        return before[-1]
    after = [t for t in topics if a.end <= t.start() < min(ce, a.end + 40)
             and not _QUOTE_OR_STOP.search(text, a.end, t.start())]
    return after[0] if after else None


def _trade_topics_in(topics: list[re.Match], cs: int, ce: int) -> list[re.Match]:
    return [t for t in topics if t.group("trade") and cs <= t.start() < ce]


def _qualifier(text: str, a: Amount) -> str:
    head = text[max(0, a.start - 40):a.start]
    tail = text[a.end:a.end + 30]
    if _MARK_AFTER.match(tail) and not re.search(r"\btarget\s*$", head, re.I):
        if _MARK_VERB_BEFORE.search(head) or re.search(r"\b(?:reach\w*|pass\w*|cross\w*|hit|touch\w*|"
                                                      r"exceed\w*|surpass\w*|broken?|topped)\b",
                                                      text[a.end:a.end + 40], re.I):
            return "over"
    low = lower(head)  # (the qualifier words on lower-cased text)
    if _Q_UNDER_LOWERED.search(low):
        return "under"
    if _Q_APPROX_LOWERED.search(low):
        return "approx"
    if _Q_OVER_LOWERED.search(low):
        return "over"
    if re.match(r"^\s*(?:plus|or\s+more|and\s+above)\b", tail, re.I):
        return "over"
    return "exact"


def _status(text: str, a: Amount, cs: int, ce: int, period: str | None, ctx: DocContext) -> list[str]:
    """Readings of the status: target and/or forecast from cue words in the
    clause before the amount (or right after it: "$200 billion target")."""
    scope = text[cs:a.start]
    tail = text[a.end:min(ce, a.end + 25)]
    # (the lower-case twins of _TARGET and _FORECAST, as in states_goal_or_outlook)
    low = lower(scope)
    target = bool(_TARGET_LOWERED.search(low) or re.match(r"^\s*(?:[a-z]+\s+){0,2}(?:target|goal)\b", tail, re.I))
    forecast = bool(_FORECAST_LOWERED.search(low) or _MAY_WORD.search(scope))
    if not target and not forecast and period and ctx.published and period[:4].isdigit():
        # a figure for a year still ahead of publication is a forecast
        if int(period[:4]) > ctx.published.year:
            forecast = True
    if target and forecast:
        return ["target", "forecast"]
    if target:
        return ["target"]
    if forecast:
        return ["forecast"]
    return ["actual"]


def _growth_sign(text: str, a: Amount, cs: int, ce: int) -> tuple[bool, int]:
    """Is this percent a change, and which way: the nearest change word."""
    if a.sign:
        near = first_change_in(lower(text[max(cs, a.start - 45):a.start]))
        return True, a.sign if not (near and near.group("down") and a.sign > 0) else -1
    before = changes_in(lower(text[max(cs, a.start - 60):a.start]))
    after = first_change_in(lower(text[a.end:min(ce, a.end + 30)]))
    cand = None
    if before:
        cand = before[-1]
    if after and (cand is None or (a.start - (max(cs, a.start - 60) + cand.end())) > 25):
        # "a 35.8 percent rise", "5.7% decrease"
        if re.match(r"^\s*(?:year[\s-]on[\s-]year\s+)?(?:\w+\s+)?$", text[a.end:a.end + after.start()]):
            cand = after
    if cand is None:
        comp = re.match(r"^\s+(more|higher|greater|less|lower|fewer)\s+than\b", text[a.end:a.end + 20], re.I)
        if comp:  # "6.1% more than in the same period of 2022"
            return True, -1 if comp.group(1).lower() in ("less", "lower", "fewer") else 1
        return False, 1
    return True, -1 if cand.group("down") else 1


_OF_AFTER = re.compile(r"^\s*(?:of|worth\s+of)\s+")
_OF_PHRASE_AFTER = re.compile(r"^\s*(?:of|worth\s+of)\s+(?:[A-Z][a-z]+\s+)?(?:[a-z]+\s+)?")


def _commodity(text: str, cs: int, ce: int, a: Amount) -> str | None:
    """A commodity named with the amount: "of crude oil" after, or the noun
    phrase before ("coal exports", "imports of Russian oil")."""
    direct = _OF_AFTER.match(text[a.end:a.end + 20])
    if direct:
        m = _COMMODITY.match(text, a.end + direct.end())
        if m:
            return _COMMODITY_WORDS[m.group(1).lower()]
        if a.kind == "volume":
            # a volume names its commodity: "850,000 tonnes of flour to ..."
            m = re.match(r"((?:[a-z]+(?:\s+and\s+|\s+)?){1,3}?)(?=\s*(?:to|from|in|into|for|by|during|via|at|"
                         r"worth|was|were|and\s+\d|,|\.|$))", text[a.end + direct.end():a.end + direct.end() + 40])
            if m and m.group(1).strip() and m.group(1).split()[0] not in ("the", "a", "an", "its", "their"):
                return m.group(1).strip().lower()
    after = _OF_PHRASE_AFTER.match(text[a.end:a.end + 40])
    if after:
        m = _COMMODITY.match(text, a.end + after.end())
        if m:
            return _COMMODITY_WORDS[m.group(1).lower()]
        m = _COMMODITY.search(text[a.end:a.end + 40])
        if m and m.start() <= after.end() + 2:
            return _COMMODITY_WORDS[m.group(1).lower()]
    window = text[cs:a.start]
    found = list(_COMMODITY_LOWERED.finditer(lower(window)))
    if found:
        m = found[-1]
        # only when the commodity qualifies the trade word near it
        near = window[m.end():m.end() + 30]
        prev = window[max(0, m.start() - 30):m.start()]
        if re.match(r"^\s*(?:exports?|imports?|shipments?|supplies|deliveries|purchases|trade|sales)\b", near, re.I) \
                or re.search(r"\b(?:exports?|imports?|shipments?|supplies|deliveries|purchases|sales)\s+of\s+"
                             r"(?:[A-Z][a-z]+\s+)?$", prev, re.I):
            word = m.group(1).lower()
            if word == "gas" and re.search(r"\bliquefied\s+$", prev, re.I):
                return "liquefied natural gas"
            return _COMMODITY_WORDS[word]
    return None


# --------------------------------------------------------------- countries

def _roles(text: str, cs: int, ce: int, topic: re.Match, countries) -> dict:
    """Exporter/importer/owner roles of the countries around a trade word."""
    in_clause = [c for c in countries if cs <= c[0] < ce]
    roles: dict[str, str] = {}
    # destination and origin follow the trade word, before the next one
    # ("According to the U.S. Census Bureau, U.S. exports to Canada ...")
    nxt = TRADE_WORD.search(lower(text), topic.end(), ce)
    window_end = nxt.start() if nxt else ce
    for s, e, code in in_clause:
        if not topic.start() <= s < window_end:
            continue
        before = text[max(cs, s - 14):s].lower()
        if re.search(r"\b(?:to|into|for|toward|towards)\s+(?:the\s+)?$", before):
            roles.setdefault("dest", code)
        elif re.search(r"\bfrom\s+(?:the\s+)?$", before):
            roles.setdefault("orig", code)
    # the owner: a country right before the trade word ("China's exports",
    # "Russian oil exports") or the subject of a trade verb ("India exported")
    head = text[max(cs, topic.start() - 40):topic.start()]
    owner = None
    for s, e, code in in_clause:
        if e <= topic.start() and topic.start() - e <= 40:
            gap = text[e:topic.start()]
            if re.fullmatch(r"(?:'s|s'|')?\s*(?:[a-z-]+\s+){0,5}", gap) or \
                    re.fullmatch(r"\s*(?:has|have|had|also|reportedly|last\s+year|in\s+\d{4})?\s*", gap):
                owner = code
    if owner is None and re.search(r"\b(?:its|their)\s+(?:[a-z-]+\s+){0,2}$", head, re.I):
        # "Turkey plans to raise its exports": the pronoun stands for the subject
        subject = [c for c in in_clause if c[1] <= topic.start()]
        if subject:
            owner = subject[0][2]
    if owner:
        roles["owner"] = owner
    # "imports of Russian oil", "exports of Chinese goods": the country of origin
    after = text[topic.end():min(ce, topic.end() + 40)]
    m = re.match(r"^\s+of\s+(?:the\s+)?", after)
    if m:
        for s, e, code in in_clause:
            if s == topic.end() + m.end():
                roles.setdefault("of", code)
    if "of" not in roles:
        # "imported 270 million barrels of Saudi crude oil": a country's goods
        for s, e, code in in_clause:
            if s > topic.end() and (_COMMODITY.match(text, e + 1 if text[e:e + 1] == " " else e) or
                                    _GOODS.match(text, e) or
                                    (re.search(r"\bof\s+$", text[max(cs, s - 4):s]) and
                                     re.match(r"\s+[a-z]{3,}", text[e:e + 20]))) and \
                    not re.search(r"\b(?:to|into|for|from)\s+(?:the\s+)?$", text[max(cs, s - 10):s], re.I):
                roles.setdefault("of", code)
                break
    return roles


def _pair_for_total(text: str, cs: int, ce: int, topic: re.Match | None, countries, ctx: DocContext,
                    sentence_countries) -> tuple[str, str] | None:
    in_clause = [c[2] for c in countries if cs <= c[0] < ce]
    distinct = list(dict.fromkeys(in_clause))
    if ctx.pair and _TWO_COUNTRIES.search(text[cs:ce]) and set(distinct) <= set(ctx.pair):
        return ctx.pair  # "trade between the two countries"
    if len(distinct) == 1 and _WORLD_CUE_LOWERED.search(lower(text[cs:ce])):
        return distinct[0], WORLD  # "Germany's foreign trade turnover"
    if len(distinct) < 2:
        # the clause may leave out what the sentence says ("trade between X and Y ..., and it grew")
        sent = list(dict.fromkeys(c[2] for c in sentence_countries))
        if len(sent) >= 2 and not distinct:
            distinct = sent
        elif len(sent) >= 2 and distinct and len(distinct) == 1:
            others = [c for c in sent if c != distinct[0]]
            if ctx.pair and distinct[0] in ctx.pair:
                other = ctx.pair[0] if ctx.pair[1] == distinct[0] else ctx.pair[1]
                distinct = [distinct[0], other if other in sent or not others else others[0]]
            else:
                distinct = [distinct[0], others[0]]
    if len(distinct) >= 2:
        if len(distinct) > 2 and ctx.pair and ctx.pair[0] in distinct and ctx.pair[1] in distinct:
            return ctx.pair  # the story's pair, named with a third country
        if topic is not None and len(distinct) > 2:
            # prefer the countries nearest the trade word
            dist: dict[str, int] = {}
            for c in countries:
                if c[2] in distinct:
                    dist[c[2]] = min(dist.get(c[2], 1 << 30), abs(c[0] - topic.start()))
            distinct = sorted(distinct, key=lambda code: dist.get(code, 1 << 30))
        return distinct[0], distinct[1]
    world = _WORLD_CUE_LOWERED.search(lower(text[cs:ce]))
    if len(distinct) == 1:
        one = distinct[0]
        if world:
            return one, WORLD
        if ctx.pair and one in ctx.pair:
            return ctx.pair
        if ctx.pair:
            return one, (ctx.pair[0] if ctx.pair[0] != one else ctx.pair[1])
        return one, WORLD
    if ctx.pair:
        return ctx.pair
    return None


def _directed(flow: str, roles: dict, ctx: DocContext, text: str, cs: int, ce: int,
              countries, inherited: str | None = None) -> tuple[str, str] | None:
    """(reporter, partner) for an export or import."""
    if flow == "export":
        reporter = roles.get("owner") or roles.get("orig") or roles.get("of")
        partner = roles.get("dest")
    else:
        reporter = roles.get("owner") or roles.get("dest")
        partner = roles.get("orig") or roles.get("of")
    if reporter and partner == reporter:
        partner = None
    world = _WORLD_CUE_LOWERED.search(lower(text[cs:ce]))
    if reporter and not partner:
        # the wording names no partner: the country's trade with the world,
        # unless it says the trade is the pair's own ("mutual", "bilateral")
        if not world and ctx.pair and reporter in ctx.pair and _PAIR_WORDS.search(text[cs:ce]):
            partner = ctx.pair[0] if ctx.pair[1] == reporter else ctx.pair[1]
        else:
            partner = WORLD
    elif partner and not reporter:
        if inherited and inherited != partner:
            reporter = inherited  # "US imports from Mexico rose ..., while imports from China slumped"
        elif ctx.main and ctx.main != partner:
            reporter = ctx.main
        elif ctx.pair and partner in ctx.pair:
            reporter = ctx.pair[0] if ctx.pair[1] == partner else ctx.pair[1]
        else:
            others = [c[2] for c in countries if cs <= c[0] < ce and c[2] != partner]
            reporter = others[0] if others else ctx.main
    elif not reporter and not partner:
        in_clause = list(dict.fromkeys(c[2] for c in countries if cs <= c[0] < ce))
        if len(in_clause) == 1:
            reporter = in_clause[0]
            if ctx.pair and reporter in ctx.pair:
                partner = ctx.pair[0] if ctx.pair[1] == reporter else ctx.pair[1]
            else:
                partner = WORLD
        elif ctx.pair:
            reporter, partner = ctx.main if ctx.main in ctx.pair else ctx.pair[0], None
            partner = ctx.pair[0] if ctx.pair[1] == reporter else ctx.pair[1]
    if not reporter or not partner or reporter == partner:
        return None
    return reporter, partner


# ------------------------------------------------------------------ share

_WHOLE_AFTER = re.compile(r"^(?:'s|s'|')?\s*(?:(?:total|overall|foreign|international|external|global|annual|"
                          r"merchandise|goods|non-oil|[a-z]+)\s+){0,3}(?P<w>import-export|export-import|trade|turnover|"
                          r"exports?|imports?|"
                          r"purchases|shipments|supplies|sales)\b", re.I)
_WHOLE_CLAUSE = re.compile(
    r"\s+of\s+(?:everything|all(?:\s+the)?(?:\s+[a-z]+){0,2}|what)\s+(?:that\s+)?(?P<c>[A-Z][\w.]*(?:\s+[A-Z]\w*)?)\s+"
    r"(?P<v>sold|sells|exported|exports|shipped|ships|bought|buys|imported|imports|purchased|purchases)\b")
_WHOLE_ANAPHOR = re.compile(
    r"\s+of\s+(?:its|their|the\s+(?:bloc|country|nation|kingdom|union|republic)'s)\s+(?:[a-z]+\s+){0,3}?"
    r"(?P<w>trade|turnover|exports?|imports?|purchases|shipments|supplies|sales)\b", re.I)
_PART_VERB_AFTER = re.compile(r"^(?:'s|s'|')?\s*(?:[a-z]+\s+){0,2}(?:share|accounts?|accounted|accounting|made|makes|"
                              r"represent\w*|constitut\w*|took|takes|commands?|was|is|alone|absorbed|bought|received|"
                              r"supplie[sd]|supply|provide[sd]|delivered|shipped|sold|sent|buys|purchase[sd]|absorb\w*|"
                              r"receive[sd]|holds?|held)",
                              re.I)


def _share_parts(text: str, cs: int, ce: int, a: Amount, countries, ctx: DocContext):
    """(reporter, partner, flow) of a partner share: whose trade is divided
    (the whole), who takes the share (the part), and which trade."""
    clause = [(s, e, c) for s, e, c in countries if cs <= s < ce]
    whole = whole_word = None
    # "of Russia's trade", "in Russian international trade", "of India's exports"
    for s, e, code in clause:
        before = text[max(cs, s - 12):s].lower()
        m = _WHOLE_AFTER.match(text[e:e + 60])
        if m and re.search(r"\b(?:of|in)\s+(?:the\s+|all\s+|total\s+|overall\s+)?$", before):
            whole, whole_word = code, m.group("w")
            break
    if whole is None:
        # "36% of everything Brazil sold abroad", "70 percent of all the soybeans that Brazil sells abroad"
        m = _WHOLE_CLAUSE.match(text, a.end)
        if m:
            found = [c for c in clause if c[0] == m.start("c")]
            if found:
                whole = found[0][2]
                whole_word = "exports" if _EXPORT_WORDS.match(m.group("v")) else "imports"
    its_target = re.match(r"^\s*of\s+(?:its|their)\b[^,;]{0,60}?\b(?:to|from)\s+(?:the\s+)?[A-Z]", text[a.end:a.end + 90])
    if whole is None and not its_target and _WHOLE_ANAPHOR.match(text, a.end) and ctx.pair:
        # "98 percent of the bloc's rare earth imports", "8.3% of its exports": the story's other country
        subject = [c[2] for c in clause if c[0] < a.start]
        if subject and subject[0] in ctx.pair:
            whole = ctx.pair[0] if ctx.pair[1] == subject[0] else ctx.pair[1]
            whole_word = _WHOLE_ANAPHOR.match(text, a.end).group("w")
    its = re.match(r"^\s*of\s+(?:its|their)\s+(?:[a-z]+\s+){0,2}?(?P<w>trade|turnover|exports?|imports?|purchases|"
                   r"shipments|supplies|sales)\b", text[a.end:a.end + 60], re.I)
    if its and not whole:
        # "Brazil sent 29% of its exports to the EU": the subject owns the whole
        subject = [c for c in clause if c[0] < a.start]
        target = [c for c in clause if c[0] > a.start + its.end() - 1 and
                  re.search(r"\b(?:to|from|with)\s+(?:the\s+)?$", text[max(cs, c[0] - 10):c[0]], re.I)]
        if subject and target and subject[0][2] != target[0][2]:
            w = its.group("w")
            flow = "export" if _EXPORT_WORDS.match(w) else "import" if _IMPORT_WORDS.match(w) else "total"
            return subject[0][2], target[0][2], flow
    part = None
    for s, e, code in clause:
        if code == whole:
            continue
        before = text[max(cs, s - 12):s].lower()
        if s < a.start and (_PART_VERB_AFTER.match(text[e:e + 40]) or
                            re.search(r"\b(?:with|by|for)\s+(?:the\s+)?$", before)):
            part = code  # the subject: "China accounts for", "China's share", "trade with China"
            break
        if s > a.start and re.search(r"\b(?:to|from|for)\s+(?:the\s+)?$", before) and \
                re.search(r"\b(?:go(?:es)?|went|gone|come|comes|came|destined|bound|sent|shipped)\b",
                          text[a.end:s], re.I):
            part = code  # "20% of India's exports went to the US"
            break
    if part and not whole and re.search(r"\bshare\s+(?:\w+\s+){0,2}$", text[max(cs, a.start - 40):a.start], re.I) \
            and re.search(r"\bshare\b", text[cs:a.start], re.I) and ctx.main and ctx.main != part:
        whole = ctx.main  # "China's share fell to 17.6 percent" in a story about Japan's trade
    if whole and not part and re.search(r"\bshare\b", text[cs:a.start], re.I) and ctx.pair and whole in ctx.pair:
        part = ctx.pair[0] if ctx.pair[1] == whole else ctx.pair[1]
    if part and not whole and ctx.pair and part in ctx.pair and \
            re.search(r"\b(?:its|their|the\s+country's)\s+(?:[a-z]+\s+){0,2}(?:trade|exports?|imports?)",
                      text[cs:ce], re.I):
        whole = ctx.pair[0] if ctx.pair[1] == part else ctx.pair[1]
    if not whole or not part or whole == part:
        return None
    flow = "total"
    if whole_word and _EXPORT_WORDS.match(whole_word):
        flow = "export"
    elif whole_word and _IMPORT_WORDS.match(whole_word):
        flow = "import"
    return whole, part, flow


# ---------------------------------------------------------------- sentence

def fiscal_country_for(countries, ctx: DocContext) -> str | None:
    """Whose fiscal calendar a sentence's "FY23" follows: India's when India is
    named (the common case), else the first named country that has one."""
    named = [c for _, _, c in countries] + [ctx.main] + list(ctx.pair or ())
    return "IND" if "IND" in named else next((c for c in named if c in FISCAL_START), None)


_MARK_WORD = lowered(r"\b(?:mark|threshold|milestone|barrier|level)\b")  # on lower-cased text


def has_mark_word(low: str) -> bool:
    """Whether _MARK_WORD finds a word in `low` (its words looked for as
    substrings first: most sentences have none of them)."""
    return ("mark" in low or "level" in low or "threshold" in low or "milestone" in low or "barrier" in low) \
        and _MARK_WORD.search(low) is not None


# Superset tests of what extract_sentence needs to find anything (see may_yield).
_ANY_TRADE_TOPIC = lowered(rf"\b(?:{_TRADE_TOPIC})\b")
# The words of _TRADE_TOPIC that TRADE_WORD lacks (TRADE_WORD's are all in it):
# where TRADE_WORD finds nothing, _ANY_TRADE_TOPIC finds only these.
_OTHER_TRADE_TOPIC = lowered(r"\b(?:trading\s+(?:relationship|partnership|ties|volume)|receive|receives|received|"
                             r"receiving)\b")
_ANY_PRONOUN_LEVEL = re.compile(r"(?:it|this|that|which|figure|total|volume|value)\s+(?:\w+\s+){0,2}$", re.I)


def may_yield(text: str, amounts: list[Amount], prev_trade: bool, low: str | None = None,
              trade: bool | None = None) -> bool:
    """False only when extract_sentence is sure to find nothing in `text`.

    A cheap gate (most sentences of a story with numbers are not about trade):
    every rule there needs a trade topic word in the sentence, except a money
    or volume figure that is a "mark" or a level referred to by a pronoun in a
    story about trade. Each test here is looser than the rule it stands for.
    `low`: the text in lower case, and `trade`: whether TRADE_WORD finds a
    word in it, when the caller has them.
    """
    low = lower(text) if low is None else low
    if amounts:
        if trade is None:
            topic = _ANY_TRADE_TOPIC.search(low)
        else:
            topic = trade or ("trading" in low or "receiv" in low) and _OTHER_TRADE_TOPIC.search(low)
        if topic:
            return True
    if has_mark_word(low):
        return True  # its bare figures become money amounts there
    if not amounts or not prev_trade:
        return False
    for a in amounts:
        if a.kind == "percent":
            continue
        tail = text[a.end:a.end + 30]
        if a.bare or _MARK_AFTER.match(tail) or _TARGET_MARK_AFTER.match(tail):
            return True
        if a.kind == "money" and _ANY_PRONOUN_LEVEL.search(text, 0, a.start):
            return True
    return False


def extract_sentence(text: str, ctx: DocContext, para_period=None,
                     prev_trade: bool = False, countries=None, amounts=None,
                     periods=None, prev_period: str | None = None, low: str | None = None) -> list[Mention]:
    """Trade-metric mentions in one cleaned sentence (offsets into `text`).

    `countries`, `amounts` (found without a default currency) and `periods`
    may be passed when the caller has them already. `periods` and
    `para_period` may also be functions that give them: they are called only
    if a figure needs them (most sentences through the gate yield nothing).
    `low`: the text in lower case, when the caller has it.
    """
    if not HAS_DIGIT(text):
        return []
    low = lower(text) if low is None else low
    if amounts is None or (ctx.currency and has_mark_word(low) and BARE_MARK.search(text)):
        # bare "100 billion mark" amounts take the story's currency (without
        # one the amounts are those found without a default currency)
        amounts = find_amounts(text, default_currency=ctx.currency)
    if not amounts:
        return []
    if countries is None:
        countries = find_countries(text)
    found_periods = periods if isinstance(periods, list) else None

    def sentence_periods() -> list[Period]:
        nonlocal found_periods
        if found_periods is None:
            found_periods = periods() if callable(periods) else \
                find_periods(text, ctx.published, fiscal_country_for(all_countries, ctx), low)
        return found_periods

    all_countries = countries
    clauses = None  # the sentence's topics and clauses: found at the first figure not skipped
    out: list[Mention] = []
    ranged = _ranges(text, amounts)
    reporters: dict[str, str] = {}  # flow -> reporter named earlier in the sentence
    for i, a in enumerate(amounts):
        head = text[max(0, a.start - 30):a.start]
        tail = text[a.end:a.end + 30]
        # ranges and levels without one figure, multipliers, amounts "per tonne"
        if i in ranged or _RANGE_TAIL.match(tail) or _RANGE_HEAD.search(head):
            continue
        if _LEVEL_AFTER.match(tail) and re.search(r"\b(?:in|at|around)\s+the\s+$", head, re.I):
            continue
        # (_PLAN_BY needs "by": most heads have none)
        if _PER_CAPITA.match(tail) or ("by" in head.lower() and _PLAN_BY.search(head)) or _PLAN_AFTER.match(tail):
            continue
        if clauses is None:
            all_topics = topics_in(low)
            clauses = _clauses(low)
            # "Chip exports to China, which account for 40% of ..., plunged 42.3%": the
            # relative clause is an aside; what follows it continues the clause before
            asides = [(m.start(), m.end()) for m in _REL_ASIDE.finditer(text)]
            main_clauses = _clauses(_mask(low, asides)) if asides else clauses
        in_aside = any(s <= a.start < e for s, e in asides)
        if asides and not in_aside:
            cs, ce = _clause_of(main_clauses, a.start)
            topics = [t for t in all_topics if not any(s <= t.start() < e for s, e in asides)]
            countries = [c for c in all_countries if not any(s <= c[0] < e for s, e in asides)]
        else:
            cs, ce = _clause_of(clauses, a.start)
            topics, countries = all_topics, all_countries
        versus = _restatement(text, a, amounts, i, out, countries) if a.kind == "percent" else None
        if versus is not None:
            out.append(versus)  # "..., versus 13.9% for China": the share before, for another partner
            continue
        topic = _topic_for(text, topics, a, cs, ce)
        if topic is None and a.kind != "percent" and (_FROM_BEFORE.search(head) or _CHANGE_START.match(text[cs:ce])):
            # "..., compared with USD 84.84 billion in FY23", "..., and fell to A$12 million":
            # the figure continues the clause before
            prior = [t for t in topics if t.end() <= cs]
            if prior and prior[-1].group("trade"):
                topic, cs = prior[-1], 0
        trade_topics = _trade_topics_in(topics, cs, ce)
        if a.kind == "percent":
            if a.points:
                continue
            mention = _percent_mention(text, a, cs, ce, topic, trade_topics, countries, ctx, amounts, i, topics,
                                       reporters)
        else:
            if topic is not None and topic.group("neg"):
                continue
            usable = True
            if topic is None:
                # a "mark" in a story's trade paragraph ("we exceeded the 100 billion mark")
                marked = a.bare or _MARK_AFTER.match(tail) or _TARGET_MARK_AFTER.match(tail)
                # "In rubles, it amounted to 4.3 trillion rubles": a level of the trade just named
                pronoun = a.kind == "money" and _PRONOUN_LEVEL.search(text[cs:a.start])
                usable = bool((marked or pronoun) and prev_trade)
                if pronoun and usable:
                    # its countries are those of the clause before ("Vietnam's total trade, which stood at ...")
                    before = [c for c in clauses if c[1] <= cs]
                    cs = before[-1][0] if before else cs
                flow_word = None
            else:
                flow_word = topic.group("trade")
            mention = _amount_mention(text, a, cs, ce, topic, flow_word, countries, ctx, reporters) \
                if usable else None
        if mention is None:
            mention = _restatement(text, a, amounts, i, out, countries)
        if mention is None:
            continue
        if mention.flow in ("export", "import"):
            reporters.setdefault(mention.flow, mention.reporter)
        # period: the nearest expression in the clause that is not a comparison base
        period, named = _period_for(a, sentence_periods(), cs, ce, text, mention.measure)
        from_context = False
        if named == "anaphor":
            period, named, from_context = prev_period, True, True
        mention.statuses = _status(text, a, cs, ce, period, ctx)
        if _FROM_BEFORE.search(head):
            # "from $100 billion (in 2021) to ...": the earlier level, an actual
            # figure whose period is only what follows it directly
            nxt = amounts[i + 1].start if i + 1 < len(amounts) else ce
            own = [p for p in sentence_periods() if a.end <= p.start < nxt and p.start - a.end < 25]
            period, named = (own[0].value, True) if own else (None, True)
            mention.statuses = ["actual"]
            mention.extra["earlier_level"] = True
        if period is None and not named and mention.statuses == ["actual"] and \
                not _CURRENT_LEVEL.search(text[cs:ce]):
            # the sentence's one period, else the paragraph's one data period
            values = {p.value for p in sentence_periods() if not p.base and p.value}
            if len(values) == 1:
                period, from_context = values.pop(), True
            elif not values and prev_period and \
                    any(p.kind == "anaphor" and not p.base for p in sentence_periods()):
                # "... rose 8% over the period, while imports fell 4%": the period
                # referred to is the sentence's one period
                period, from_context = prev_period, True
            elif not values:
                paragraph = para_period() if callable(para_period) else para_period
                if paragraph is not None:
                    period, from_context = paragraph, True
        if period is None and mention.measure == "share" and ctx.published and \
                _PRESENT_SHARE.search(text[cs:ce]) and not from_context:
            period = str(ctx.published.year)
        # a "mark" reached in a month is the year's running total up to that month
        if period and len(period) == 7 and mention.qualifier == "over" and _MARK_AFTER.match(tail):
            period = f"{period[:4]}-01/{period}" if period[5:] != "01" else period
        mention.period = period
        mention.period_from_context = from_context
        if i and text[a.start - 1:a.start] == "(" and out and amounts[i - 1].kind == a.kind and \
                re.fullmatch(r"\s*\(", text[amounts[i - 1].end:a.start]):
            # "about Rs 18,100 crore ($2.2 billion)": the restatement says what the figure says
            mention.qualifier = out[-1].qualifier if out[-1].start <= amounts[i - 1].start else mention.qualifier
        out.append(mention)
    return out


_TRADE_ANTECEDENT = re.compile(rf"\b(?:{_TRADE_TOPIC})\b(?:\s+(?:\w+\s+){{0,2}}(?:to|from|with)\s+[A-Z][\w ]{{0,25}})?\s*,?\s*$",
                               re.I)
_RESTATE_GAP = re.compile(r"^(?:[^.;]{0,90}?,\s*or|\s*\(\s*(?:or|i\.e\.|equivalent\s+to)?)\s*"
                          r"(?:about|around|roughly|some|approximately|nearly|almost)?\s*$", re.I)
_VERSUS_BEFORE = re.compile(r"\b(?:against|versus|vs\.?|compared\s+(?:with|to))\s+(?:about\s+|around\s+)?$", re.I)


def _restatement(text: str, a: Amount, amounts: list[Amount], i: int, out: list[Mention], countries):
    """A figure that restates the one before it in another currency ("$200.99
    billion ..., or 2.24 trillion yuan"), or a share compared with another
    partner's ("15.4% of US imports, versus 13.9% for China"): it takes the
    first one's reading."""
    if not i or not out or out[-1].end != amounts[i - 1].end:
        return None
    prev, first = amounts[i - 1], out[-1]
    if a.kind == prev.kind == "money" and a.unit != prev.unit and _RESTATE_GAP.match(text[prev.end:a.start]):
        return replace(first, value=float(a.value), unit=a.unit, start=a.start, end=a.end, extra={})
    if a.kind == "percent" and first.measure == "share" and _VERSUS_BEFORE.search(text[max(0, a.start - 30):a.start]):
        m = re.match(r"\s+for\s+(?:the\s+)?", text[a.end:a.end + 12])
        other = next((c[2] for c in countries if m and c[0] == a.end + m.end()), None)
        if other and other != first.reporter:
            return replace(first, value=float(a.value), partner=other, start=a.start, end=a.end, extra={})
    return None


def _ranges(text: str, amounts: list[Amount]) -> set[int]:
    """Indexes of amounts that are ends of a range ("between $40 and $50
    billion", "10 to 15 percent"); "rose from $10bn to $15bn" is a change."""
    out = set()
    for i in range(len(amounts) - 1):
        a, b = amounts[i], amounts[i + 1]
        if a.kind != b.kind or a.points or b.points or not _RANGE_GAP.match(text[a.end:b.start]):
            continue
        head = text[max(0, a.start - 60):a.start]
        gap = text[a.end:b.start].strip().lower()
        if gap == "and" and not _BETWEEN.search(head):
            continue
        if gap in ("to", "-", "–") and _CHANGE_BEFORE.search(head) and not _BETWEEN.search(head):
            continue
        out.update((i, i + 1))
    return out


def _period_for(a: Amount, periods: list[Period], cs: int, ce: int, text: str,
                measure: str) -> tuple[str | None, bool]:
    cands = [p for p in periods if cs <= p.start < ce and not p.base]
    if not cands:
        return None, False
    # prefer what follows the amount closely ("$240 billion in 2023", "by 2024")
    def dist(p: Period) -> int:
        return p.start - a.end if p.start >= a.end else (a.start - p.end) + 5
    best = min(cands, key=dist)
    if best.kind == "anaphor":
        # "In November alone, ... $2.3 billion, the best month of the year": a
        # month or span that frames the clause before the figure is more
        # specific than a reference ("dropped 16% for the year after ... in
        # July": a month after it is an event's)
        named = [p for p in cands if p.value and p.kind in ("month", "span") and p.end <= a.start]
        if not named:
            return None, "anaphor"
        best = min(named, key=dist)
    if best.value is None and best.kind == "none":
        return None, True  # a period named but not fixable (fiscal year to date...)
    return best.value, False


def _parties(flow: str, text: str, cs: int, ce: int, topic, countries, ctx: DocContext,
             reporters: dict | None) -> tuple[str, str] | None:
    """(reporter, partner) of a figure: the pair in alphabetical order for a
    total, the exporter or importer first for a directed flow."""
    if flow == "total":
        pair = _pair_for_total(text, cs, ce, topic, countries, ctx, countries)
        return tuple(sorted(pair)) if pair else None
    roles = _roles(text, cs, ce, topic, countries)
    if _WEAK_TRADE.match(topic.group(0)) and not roles:
        return None  # "Toyota sold ...": a firm's sales, no country trading
    return _directed(flow, roles, ctx, text, cs, ce, countries, (reporters or {}).get(flow))


def _amount_mention(text: str, a: Amount, cs: int, ce: int, topic, flow_word: str | None, countries,
                    ctx: DocContext, reporters: dict | None = None) -> Mention | None:
    """A money amount or a volume governed by a trade word."""
    measure = "value" if a.kind == "money" else "volume"
    if a.value <= 0:
        return None
    if measure == "value" and not a.scaled and a.value < 1e6:
        return None  # "$95", "trading at $70": prices and small sums, not trade flows
    flow = "total"
    if flow_word and _EXPORT_WORDS.match(flow_word):
        flow = "export"
    elif flow_word and _IMPORT_WORDS.match(flow_word):
        flow = "import"
    if measure == "volume" and flow == "total" and not re.search(r"\btrade\b", text[cs:ce], re.I):
        if not flow_word:
            return None
    commodity = _commodity(text, cs, ce, a)
    if measure == "volume" and commodity is None:
        commodity = _nearest_commodity(text, cs, ce)
    parties = _parties(flow, text, cs, ce, topic, countries, ctx, reporters)
    if parties is None:
        return None
    reporter, partner = parties
    start = min(a.start, topic.start()) if topic is not None and topic.start() >= cs else a.start
    return Mention(measure, ["actual"], flow, float(a.value), a.unit, _qualifier(text, a), None,
                   reporter, partner, commodity, start, a.end)


def _nearest_commodity(text: str, cs: int, ce: int) -> str | None:
    m = _COMMODITY.search(text[cs:ce])
    return _COMMODITY_WORDS[m.group(1).lower()] if m else None


def _percent_mention(text, a: Amount, cs, ce, topic, trade_topics, countries, ctx, amounts, i,
                     topics=(), reporters: dict | None = None) -> Mention | None:
    clause = text[cs:ce]
    share_cue = _SHARE_LOWERED.search(lower(text[cs:min(ce, a.end + 40)]))
    low_clause = lower(clause)
    if share_cue and _SETTLEMENT_LOWERED.search(low_clause):
        return None
    if _LEVY_LOWERED.search(low_clause):
        return None  # tariffs, duties and taxes are percents too, never trade changes
    is_change, sign = _growth_sign(text, a, cs, ce)
    # a bare "(+14.2)" right after a figure is that figure's change
    if text[a.start] == "(" and i and amounts[i - 1].kind in ("money", "volume") and \
            a.start - amounts[i - 1].end <= 3:
        is_change = True
        sign = -1 if a.sign < 0 else 1
    # a change verb right before the percent makes it a change even near a share
    # word ("which account for 40% of ..., plunged 42.3%"); "rose to 17.6%" is a level
    if share_cue and not (is_change and _CHANGE_JUST_BEFORE.search(text[max(cs, a.start - 30):a.start])):
        return _share_mention(text, a, cs, ce, countries, ctx, trade_topics)
    if not is_change:
        return None
    if topic is not None and topic.group("neg"):
        return None
    if not trade_topics:
        prior = [t for t in topics if t.end() <= cs and t.group("trade")]
        if prior and _CHANGE_START.match(clause):
            # "Chip exports to China, which ..., plunged 42.3%": the subject is in the first clause
            trade_topics = [prior[0]]
            topic = prior[0]
            cs = 0
        # "it will increase by 25%" continuing a sentence about trade
        elif not re.search(r"\b(?:it|they|this|that)\b", text[cs:a.start], re.I) and \
                not (re.search(r"\bwhich\b", text[cs:a.start], re.I) and
                     _TRADE_ANTECEDENT.search(text[max(0, cs - 40):cs])):
            return None
        elif not _ANY_TRADE_TOPIC.search(lower(text)):
            return None
    in_after = _IN_TRADE_AFTER.match(text, a.end)
    if in_after:  # "an increase of 32% in Australian exports to Egypt"
        topic = next((t for t in trade_topics if t.start() == in_after.start("w")), topic)
    tword = topic.group("trade") if topic is not None and topic.group("trade") else \
        (trade_topics[0].group("trade") if trade_topics else None)
    flow = "total"
    if tword and _EXPORT_WORDS.match(tword):
        flow = "export"
    elif tword and _IMPORT_WORDS.match(tword):
        flow = "import"
    governing = topic if topic is not None and topic.group("trade") else (trade_topics[0] if trade_topics else None)
    commodity = _commodity(text, cs, ce, a) if governing is not None else None
    parties = _parties(flow, text, cs, ce, governing, countries, ctx, reporters)
    if parties is None:
        return None
    reporter, partner = parties
    value = abs(a.value) * sign
    if value <= -100 or value > 1000:
        return None
    start = min(a.start, governing.start()) if governing is not None and governing.start() >= cs else a.start
    return Mention("growth", ["actual"], flow, float(value), "percent", _qualifier(text, a), None,
                   reporter, partner, commodity, start, a.end)


def _share_mention(text, a: Amount, cs, ce, countries, ctx, trade_topics) -> Mention | None:
    clause = text[cs:ce]
    if not trade_topics and not re.search(r"\b(?:trade|exports?|imports?|turnover|purchases|supplies|shipments)\b",
                                          clause, re.I):
        return None
    if a.value <= 0 or a.value > 100:
        return None
    parts = _share_parts(text, cs, ce, a, countries, ctx)
    if parts is None:
        return None
    reporter, partner, flow = parts
    commodity = None
    cm = _COMMODITY.search(clause)
    if cm and re.search(r"\b(?:of|in)\s+(?:[A-Z]\w+(?:'s)?\s+)?(?:\w+\s+)?" + re.escape(cm.group(1)), clause, re.I):
        commodity = _COMMODITY_WORDS[cm.group(1).lower()]
    start = max(cs, a.start - 60)
    if start > cs:
        space = text.find(" ", start, a.start)
        start = space + 1 if space >= 0 else start  # begin the quote on a word
    return Mention("share", ["actual"], flow, float(a.value), "percent", _qualifier(text, a), None,
                   reporter, partner, commodity, start, a.end)


# ---------------------------------------------------------------- document

def document_context(sentences: list[str], title: str | None, published: date | None,
                     sentence_countries: list | None = None, sentence_amounts: list | None = None,
                     sentence_trade: list | None = None, title_countries: list | None = None) -> DocContext:
    """The countries a story is about, and its usual currency.

    `main` is the most mentioned country (the title counts three times);
    `pair` is the pair of countries named together in sentences about trade
    (or in the title) most often, preferring pairs with `main`; None when the
    story never names two countries together, i.e. it is not bilateral.
    The countries, amounts and trade words (whether TRADE_WORD finds one) of
    each sentence and the title's countries may be passed when the caller
    has them.
    """
    together: Counter = Counter()
    found_in = [find_countries(title or "") if title_countries is None else title_countries] + \
        (sentence_countries if sentence_countries is not None else [find_countries(s) for s in sentences])
    # mentions counted by Counter and first appearances kept by a dict, in C
    # (the title's mentions count three times)
    title_codes = [code for _, _, code in found_in[0]]
    codes = [code for found in found_in[1:] for _, _, code in found]
    counts: Counter = Counter(codes)
    for code in title_codes:
        counts[code] += 3
    for k, found in enumerate(found_in):
        if len(found) < 2:
            continue  # (most sentences name one country or none)
        weight, is_title = (3, True) if k == 0 else (1, False)
        distinct = sorted({c for _, _, c in found})
        if len(distinct) >= 2:
            # named together: in the title, a trade sentence, or a meeting
            trade = is_title or (sentence_trade[k - 1] if sentence_trade is not None else
                                 TRADE_WORD.search(lower(sentences[k - 1])))
            w = weight + (1 if trade else 0)
            for x in range(len(distinct)):
                for y in range(x + 1, len(distinct)):
                    together[(distinct[x], distinct[y])] += w
    # most mentioned first, ties in order of first mention (sorted is stable)
    ranked = sorted(dict.fromkeys(title_codes + codes), key=lambda c: -counts[c])
    main = ranked[0] if ranked else None
    pair, bilateral = None, False
    if not together and len(ranked) >= 2:
        pair = (ranked[0], ranked[1])  # never named together: a guess, not bilateral
    if together:
        def rank(p):
            return (main not in p, -together[p], -(counts[p[0]] + counts[p[1]]))
        best = min(together, key=rank)
        # a bilateral story names one pair together more than any other
        bilateral = together[best] >= 2 and together[best] >= 0.6 * sum(together.values())
        # the main country first, then the other
        pair = best if best[0] == main or main not in best else (best[1], best[0])
    currencies: Counter = Counter()
    if sentence_amounts is None:
        sentence_amounts = [find_amounts(t) if HAS_DIGIT(t) else [] for t in sentences]
    for found in sentence_amounts:
        for a in found:
            if a.kind == "money":
                currencies[a.unit] += 1
    currency = currencies.most_common(1)[0][0] if currencies else "USD"
    return DocContext(published, pair, main, currency, bilateral)


# The trade words of _TRADE_TOPIC, for lower-cased text (see fast_patterns.py): run on every sentence.
# (led by the words' first letters: see fast_patterns.py)
TRADE_WORD = lowered(word_led(
    r"trade[sd]?|turnover|commerce|exchanges?|export(?:s|ed|ing)?|import(?:s|ed|ing)?|"
    r"ship(?:s|ping|ped|ments?)?|deliver(?:s|ed|ies)?|suppl(?:y|ies|ied)|purchase[sd]|buys?|"
    r"bought|sales|sells?|sold|two-way|bilateral") + r"\b"
)
# Whether a lower-cased text has a word TRADE_WORD finds: each word led by one
# of its rarer letters (d, v, m, x, p, b, l, w), what comes before it checked
# by a look-behind, so `re` tries the pattern at a fifth of the characters of a
# text rather than at the half that are first letters of the words. A match
# starts inside the word: for whether there is one, not where.
TRADE_WORD_IN = re.compile(
    r"d(?<=\btrad)e[sd]?\b|v(?<=\bturnov)er\b|m(?<=\bcom)merce\b|x(?<=\bex)(?:changes?|port(?:s|ed|ing)?)\b|"
    r"m(?<=\bim)port(?:s|ed|ing)?\b|p(?<=\bship)(?:s|ping|ped|ments?)?\b|v(?<=\bdeliv)er(?:s|ed|ies)?\b|"
    r"p(?<=\bsup)pl(?:y|ies|ied)\b|p(?<!\w.)urchase[sd]\b|b(?<!\w.)(?:uys?|ought|ilateral)\b|l(?<=\bsal)es\b|"
    r"l(?<=\bsel)ls?\b|l(?<=\bsol)d\b|w(?<=\btw)o-way\b")


def _words_of(pattern: re.Pattern, head: str = r"\b(?:", tail: str = r")\b") -> str:
    """The alternation of a pattern written `head + words + tail`."""
    assert pattern.pattern.startswith(head) and pattern.pattern.endswith(tail), pattern.pattern[:40]
    return pattern.pattern[len(head):-len(tail)]


# The cue words below on lower-cased text, led by the words' first letters
# (see fast_patterns.py): `re` tries each only where such a letter stands,
# not at every character of the text.
_SHARE_LOWERED = lowered(word_led(_words_of(_SHARE, tail=r")\b|%\s+of|percent\s+of|per\s?cent\s+of|pct\s+of").lower(),
                                  r"\b", r"%\s+of|percent\s+of|per\s?cent\s+of|pct\s+of"))
_SETTLEMENT_LOWERED = lowered(word_led(_words_of(_SETTLEMENT).lower()) + r"\b")
_LEVY_LOWERED = lowered(word_led(_words_of(_LEVY).lower()) + r"\b")
_WORLD_CUE_LOWERED = lowered(word_led(_words_of(_WORLD_CUE).lower()) + r"\b")
# "to bring" and the like not after "expected", "likely"...: those checks put after its "t"
_TO_RAISE = (r"(?<!expected\s)(?<!likely\s)(?<!projected\s)(?<!forecast\s)(?<!set\s)(?<!poised\s)(?<!going\s)"
             r"(?<!expects\s)(?<!estimated\s)(?<!is\s)(?<!are\s)to\s+")
_TARGET_WORDS = _words_of(_TARGET, tail=")")
assert _TARGET_WORDS.count(_TO_RAISE) == 1
_TARGET_LOWERED = lowered(word_led(_TARGET_WORDS.replace(
    _TO_RAISE, "t" + _TO_RAISE[:-len(r"to\s+")].replace(r"\s)", r"\st)") + r"o\s+").lower()))
_Q_UNDER_LOWERED = lowered(_Q_UNDER.pattern)
_Q_APPROX_LOWERED = lowered(_Q_APPROX.pattern)
_Q_OVER_LOWERED = lowered(_Q_OVER.pattern)
_MAY = "(?-i:may)|"  # "may" in lower case only (not the month): looked for apart
assert _MAY in _FORECAST.pattern
# led by the words' first letters (see fast_patterns.py); "'ll" checks after its "'" that a word stands before it
_ELL = "'ll|"
assert _ELL in _FORECAST.pattern
_FORECAST_LOWERED = lowered(word_led(_words_of(_FORECAST).replace(_MAY, "").replace(_ELL, "").lower(), r"\b",
                                     r"'(?<=\w')ll\b"))
_MAY_WORD = re.compile(r"\bmay\b")


def states_goal_or_outlook(text: str, low: str) -> bool:
    """Whether a sentence (and `low`, its lower case) has a target or forecast cue word."""
    return bool(_TARGET_LOWERED.search(low) or _FORECAST_LOWERED.search(low) or _MAY_WORD.search(text))
