"""The extractor's speed-ups change no result.

Each speed-up stands in for something slower that says the same: a gate
that skips sentences which cannot yield a metric, patterns run on the
lower-cased text instead of case-insensitively, word lists compiled as prefix
trees. Each is checked here against what it replaced, on every sentence of
the case table and of the labelled articles.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import stages.extract as extract
from stages.clean import normalise, split_sentences
from stages.extract import amounts, core, countries, periods
from stages.extract.fast_patterns import joined, lower, lowered, word_alternation, word_led
from tests.extraction_cases import load_cases, run_case

ARTICLES = sorted((Path(__file__).resolve().parents[1]).glob("*/docs/**/*.txt"))
CASES = load_cases()


def _sentences() -> list[str]:
    texts = [c["text"] for c in CASES] + [p.read_text(encoding="utf-8") for p in ARTICLES]
    out = []
    for text in texts:
        clean = normalise(text)
        out += [clean[s.start:s.end] for s in split_sentences(text)]
    return out


SENTENCES = _sentences()


def test_there_is_something_to_compare():
    assert len(CASES) > 300 and len(ARTICLES) >= 30 and len(SENTENCES) > 1000


def test_the_gate_drops_no_metric(monkeypatch):
    # with the gate open every sentence with a digit goes through every rule
    gated = [run_case(c) for c in CASES]
    monkeypatch.setattr(extract, "may_yield", lambda *args, **kwargs: True)
    assert [run_case(c) for c in CASES] == gated


def test_the_gate_drops_no_metric_of_the_labelled_articles(monkeypatch):
    texts = [p.read_text(encoding="utf-8") for p in ARTICLES]
    gated = [extract.extract_text(t) for t in texts]
    monkeypatch.setattr(extract, "may_yield", lambda *args, **kwargs: True)
    assert [extract.extract_text(t) for t in texts] == gated


# the routes to a metric that need no trade word in the sentence itself
GATE_STORIES = [
    "Trade between Russia and China grew fast. Exports and imports both rose. "
    "Officials said they passed the 200 billion mark in 2023.",
    "Vietnam's trade with China kept growing. Vietnam's exports to China were strong. "
    "In dollar terms, it amounted to $60.5 billion in 2022.",
    "Trade between India and the UAE rose again in 2023. Exports led the way. "
    "Officials expect to cross the $100 billion line by 2030.",
]


@pytest.mark.parametrize("story", GATE_STORIES)
def test_the_gate_lets_through_marks_and_pronouns(story, monkeypatch):
    from datetime import date
    gated = extract.extract_text(story, date(2024, 1, 10))
    assert gated, "the story has a metric"
    monkeypatch.setattr(extract, "may_yield", lambda *args, **kwargs: True)
    assert extract.extract_text(story, date(2024, 1, 10)) == gated


def test_the_gate_does_skip_sentences():
    skipped = [s for s in SENTENCES if core.HAS_DIGIT(s)
               and not core.may_yield(s, amounts.find_amounts(s), prev_trade=False)]
    assert len(skipped) > 50


@pytest.mark.parametrize("name, case_insensitive, on_lower_case", [
    ("topic words", core._TOPIC, core._TOPIC_LOWERED),
    ("change words", re.compile(core._CHANGE.pattern, re.I), core._CHANGE),
    ("goal words", core._TARGET, core._TARGET_LOWERED),
    ("share words", core._SHARE, core._SHARE_LOWERED),
    ("settlement words", core._SETTLEMENT, core._SETTLEMENT_LOWERED),
    ("levy words", core._LEVY, core._LEVY_LOWERED),
    ("world words", core._WORLD_CUE, core._WORLD_CUE_LOWERED),
    ("commodity words", core._COMMODITY, core._COMMODITY_LOWERED),
    ("under words", core._Q_UNDER, core._Q_UNDER_LOWERED),
    ("about words", core._Q_APPROX, core._Q_APPROX_LOWERED),
    ("over words", core._Q_OVER, core._Q_OVER_LOWERED),
    ("period anchors", periods._ANCHOR, periods._ANCHOR_LOWERED),
    ("period expressions", periods._P, periods._P_LOWERED),
    ("clause splits", core._CLAUSE_SPLIT, core._CLAUSE_SPLIT_LED),
])
def test_a_lowered_pattern_finds_what_the_case_insensitive_one_finds(name, case_insensitive, on_lower_case):
    for s in SENTENCES + [s.upper() for s in SENTENCES[:300]]:
        want = [(m.span(), m.lastgroup) for m in case_insensitive.finditer(s)]
        assert [(m.span(), m.lastgroup) for m in on_lower_case.finditer(lower(s))] == want, s


def test_lower_keeps_every_offset():
    text = "İSTANBUL exports ẞ rose 5%"  # "İ".lower() is two characters
    assert len(lower(text)) == len(text)
    assert lower(text)[1:] == text.lower()[2:]


@pytest.mark.parametrize("pattern", [r"\S+", r"\W", r"\bA\B", r"(?-i:may)", r"(?P<Up>x)"])
def test_a_pattern_that_lower_case_would_change_is_refused(pattern):
    with pytest.raises(ValueError):
        lowered(pattern)


WORD_LISTS = {
    "prefix currencies": list(amounts.PREFIX_CURRENCY),
    "suffix currencies": list(amounts.SUFFIX_CURRENCY),
    "volume units": list(amounts.VOLUME_UNITS),
    "country names": list(countries.surface_forms()),
    "words inside words": ["a", "ab", "abc", "b", "bc", "abd", "US", "US$", "U.S.", "U.S. dollars"],
}


@pytest.mark.parametrize("name", WORD_LISTS)
def test_a_prefix_tree_matches_what_the_longest_first_alternation_matches(name):
    words = WORD_LISTS[name]
    plain = "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))
    for tail in (r"\b", r"(?![\w$])", ""):
        want, got = re.compile(f"(?:{plain}){tail}"), re.compile(f"(?:{word_alternation(words)}){tail}")
        for s in SENTENCES + ["abcd abd ab a bc U.S. dollars US$5 US5"]:
            assert [m.span() for m in got.finditer(s)] == [m.span() for m in want.finditer(s)], (name, s)


def _plain_country_pattern() -> re.Pattern:
    """The country pattern as a plain longest-first alternation with its
    look-behind in front: tried at every position."""
    forms = sorted(countries.surface_forms(), key=len, reverse=True)
    led = countries._pattern().pattern
    tail = led[led.index("(?:'s|s'|')?"):]
    return re.compile(r"(?<![\w.$])(?:" + "|".join(re.escape(f) for f in forms) + ")" + tail)


def test_the_literal_led_country_pattern_finds_what_the_plain_one_finds():
    plain, led = _plain_country_pattern(), countries._pattern()
    extra = ["U.S.A. and the US, $US and .US; xUS, 27-member bloc, EU27 2027-nation, Indo-US, Sino-Russian",
             "Australian dollars, US  yen, the UK's and Philippines' trade, PRC-made"]
    for s in SENTENCES + extra:
        assert [m.span() for m in led.finditer(s)] == [m.span() for m in plain.finditer(s)], s


# sentences whose ends would change a match if a pattern saw across them
BOUNDARY_TEXTS = [
    "Exports to the US", "dollars rose 5", "% in May, to 4.2 million tonnes", "per day of oil.",
    "Trade hit $5 bln", "m and 3 p.p.", "(+4.2) more", "in the UK", "'s case", "US$", "5 billion",
    "2027-", "member bloc buys", "$12.3 billion", "(+14.2)", "the Kingdom", "of Saudi Arabia",
    "It fell 5 pp and 6 p.p. as", "1 p.p.", "Rs", "2,500 crore", "8 t", "of steel", "\x00 US\x01 5%",
]


def _documents() -> list[list[str]]:
    docs = []
    for text in [c["text"] for c in CASES] + [p.read_text(encoding="utf-8") for p in ARTICLES]:
        clean = normalise(text)
        docs.append([clean[s.start:s.end] for s in split_sentences(text)])
    return docs + [BOUNDARY_TEXTS, BOUNDARY_TEXTS[::-1], [t + "\x00" for t in BOUNDARY_TEXTS[:12]],
                   BOUNDARY_TEXTS + [ALL_SEPARATORS]]


def _per_text(find_per_part, texts):
    return [found for text, starts in joined(texts) for found in find_per_part(text, starts)]


ALL_SEPARATORS = "".join(chr(c) for c in range(32) if not chr(c).isspace()) + "\x7f"


@pytest.mark.parametrize("texts, pieces", [(_documents()[0], 1), (BOUNDARY_TEXTS, 1),
                                           (BOUNDARY_TEXTS + [ALL_SEPARATORS], len(BOUNDARY_TEXTS) + 1)])
def test_joined_texts_are_parts_with_their_offsets(texts, pieces):
    found = joined(texts)
    assert len(found) == pieces
    parts = [text[start:] for text, starts in found for start in starts]
    assert len(parts) == len(texts)
    assert all(part.startswith(t) and part[len(t):len(t) + 1] in ("",) + tuple(ALL_SEPARATORS)
               for part, t in zip(parts, texts))


def test_countries_found_in_joined_sentences_are_those_found_in_each():
    for texts in _documents():
        assert _per_text(countries.find_countries_per_part, texts) == [countries.find_countries(t) for t in texts]


def _amount_rows(found):
    return [[(a.kind, a.start, a.end, a.value, a.unit, a.sign, a.points, a.scaled) for a in f] for f in found]


def test_amounts_found_in_joined_sentences_are_those_found_in_each():
    for texts in _documents():
        want = [amounts.find_amounts(t) for t in texts]
        assert _amount_rows(_per_text(amounts.find_amounts_per_part, texts)) == _amount_rows(want), texts


def test_sentences_with_a_match_in_joined_sentences_are_those_with_one_each():
    for texts in _documents():
        low = [lower(t) for t in texts]
        assert extract._parts_with(core.TRADE_WORD.search, joined(low)) == [bool(core.TRADE_WORD.search(t)) for t in low]
        assert extract._parts_with(core.HAS_DIGIT, joined(texts)) == [bool(core.HAS_DIGIT(t)) for t in texts]


def _stories() -> list[tuple[str, object, str | None]]:
    from datetime import date
    out = []
    for c in CASES:
        out.append((c["text"], date.fromisoformat(c["published"]) if c.get("published") else None, c.get("title")))
    return out + [(p.read_text(encoding="utf-8"), date(2024, 1, 10), None) for p in ARTICLES]


def test_periods_found_when_a_figure_needs_them_are_those_found_for_every_sentence(monkeypatch):
    """Periods are found lazily: a sentence's when one of its figures needs
    them, a paragraph's data period when a figure without a period of its own
    needs it. Forced for every candidate sentence, they must be what finding
    them up front gave: each sentence's own, and per paragraph the one period
    its sentences about trade with a digit state outside goals and outlooks."""
    real_sentence, real_kingdom = extract.extract_sentence, extract._resolve_kingdom
    seen, docs = [], []

    def forced(text, ctx, para_period, prev_trade, countries, amounts, periods, prev_period, low):
        para, own = para_period(), periods()
        seen.append((len(docs), text, ctx, countries, para, own))
        return real_sentence(text, ctx, para, prev_trade, countries, amounts, own, prev_period, low)

    def kept(texts, countries, title_countries):
        real_kingdom(texts, countries, title_countries)
        docs.append((texts, countries))

    stories = _stories()
    lazy = [extract.extract_text(*story) for story in stories]
    monkeypatch.setattr(extract, "extract_sentence", forced)
    monkeypatch.setattr(extract, "_resolve_kingdom", kept)
    assert [extract.extract_text(*story) for story in stories] == lazy
    assert len(seen) > 300
    checked_paragraphs = 0
    for doc, text, ctx, countries, para, own in seen:
        assert own == periods.find_periods(text, ctx.published, core.fiscal_country_for(countries, ctx))
        texts, found = docs[doc - 1]
        paras = [s.para for s in split_sentences(stories[doc - 1][0])]
        assert len(paras) == len(texts)
        stated = set()
        for t, c, p in zip(texts, found, paras):
            if p != paras[texts.index(text)] or not core.HAS_DIGIT(t) or not core.TRADE_WORD.search(lower(t)):
                continue
            values = {x.value for x in periods.find_periods(t, ctx.published, core.fiscal_country_for(c, ctx))
                      if not x.base and x.value}
            if values and not core.states_goal_or_outlook(t, lower(t)):
                stated |= values
        assert para == (stated.pop() if len(stated) == 1 else None), text
        checked_paragraphs += para is not None
    assert checked_paragraphs > 50


# the words of TRADE_WORD; with the other topic and "mark" words, those of the gate's tests
TRADE_WORDS = ("trade trades traded turnover commerce exchange exchanges export exports exported exporting import "
               "imports imported importing ship ships shipping shipped shipment shipments deliver delivers delivered "
               "deliveries supply supplies supplied purchases purchased buy buys bought sales sell sells sold two-way "
               "bilateral").split()
TOPIC_WORDS = TRADE_WORDS + ("receive receives received receiving trading trader mark marks level levels threshold "
                             "milestone barrier").split() + ["trading relationship", "trading partnership",
                                                             "trading ties", "trading volume", "exports and imports",
                                                             "Received", "LEVEL"]
GATE_SENTENCES = [f"It {w} 5 bln in 2023." for w in TOPIC_WORDS] + [f"{w} rose 5%" for w in TOPIC_WORDS]


def test_the_gate_told_of_trade_words_decides_as_it_does_alone():
    for s in SENTENCES + GATE_SENTENCES:
        low = lower(s)
        trade = bool(core.TRADE_WORD.search(low))
        found = amounts.find_amounts(s)
        for prev_trade in (False, True):
            assert core.may_yield(s, found, prev_trade, low, trade) == core.may_yield(s, found, prev_trade), s


def test_trade_words_and_the_others_are_the_topic_words():
    for s in SENTENCES + GATE_SENTENCES:
        low = lower(s)
        want = bool(core._ANY_TRADE_TOPIC.search(low))
        assert bool(core.TRADE_WORD.search(low) or core._OTHER_TRADE_TOPIC.search(low)) == want, s
        assert core.has_mark_word(low) == bool(core._MARK_WORD.search(low)), s


def test_the_story_context_told_of_trade_words_and_title_countries_is_the_same():
    for texts in _documents():
        title = texts[0]
        found = [countries.find_countries(t) for t in texts]
        trade = [bool(core.TRADE_WORD.search(lower(t))) for t in texts]
        want = core.document_context(texts, title, None, found)
        assert core.document_context(texts, title, None, found, None, trade, countries.find_countries(title)) == want


def test_a_span_is_free_where_it_overlaps_no_kept_span():
    import random
    rng = random.Random(7)
    for _ in range(3000):
        taken, brute = [], []
        for _ in range(rng.randint(1, 12)):
            start = rng.randint(0, 40)
            end = start + rng.randint(1, 8)
            i = amounts._free(taken, start, end)
            if i is not None:
                taken.insert(i, (start, end))
            if not any(start < e and s < end for s, e in brute):
                brute.append((start, end))
        assert taken == sorted(brute)


def test_country_codes_are_those_of_the_form_or_the_form_without_its_suffix():
    forms = countries.surface_forms()
    assert not [f for f in forms if f.endswith(("'s", "s'", "'"))]  # what looking the match up first relies on
    for s in SENTENCES + ["the Philippines' and China's and the US' trade, Côte d'Ivoire's cocoa"]:
        want = []
        for m in _plain_country_pattern().finditer(s):
            word = m.group(0)
            for suffix in ("'s", "s'", "'"):
                if word.endswith(suffix) and word[: -len(suffix)] in forms:
                    word = word[: -len(suffix)]
                    break
            if word in forms:
                want.append((m.start(), m.end(), forms[word]))
        assert countries.find_countries(s) == want, s


WORD_LED = {
    "topic words": (f"{core._NEG_TOPIC}|{core._TRADE_TOPIC}".lower(), r"\b"),
    "trade words": (r"trade[sd]?|turnover|commerce|exchanges?|export(?:s|ed|ing)?|import(?:s|ed|ing)?|"
                    r"ship(?:s|ping|ped|ments?)?|deliver(?:s|ed|ies)?|suppl(?:y|ies|ied)|purchase[sd]|buys?|"
                    r"bought|sales|sells?|sold|two-way|bilateral", r"\b"),
    "words inside words": (r"ab|a(?:bc|b)d|(?:x|y)z|b", ""),
}
WORD_TEXTS = ["ab abc abd abcd xz yz xyz b ba 5ab -ab _ab ab_ éab Éab aB", "xtrade trade-off 5trades e-commerce "
              "re-exports exports and imports trading ties cross-trade trade\n ab"]


@pytest.mark.parametrize("name", WORD_LED)
def test_a_word_led_pattern_matches_what_the_plain_one_matches(name):
    alternation, tail = WORD_LED[name]
    want, got = re.compile(rf"\b(?:{alternation}){tail}"), re.compile(word_led(alternation) + tail)
    for s in [lower(s) for s in SENTENCES + GATE_SENTENCES] + WORD_TEXTS:
        assert [m.span() for m in got.finditer(s)] == [m.span() for m in want.finditer(s)], (name, s)


def test_change_words_found_from_their_first_letters_are_the_change_matches():
    extra = ["made up 5%", "makes up", "making up", "make  up", "ups and downs", "backup", "up", "sup", "it rose, up 5%"]
    for s in [lower(s) for s in SENTENCES + GATE_SENTENCES] + WORD_TEXTS + extra:
        want = [(m.span(), m.group("up"), m.group("down")) for m in core._CHANGE.finditer(s)]
        assert [(m.span(), m.group("up"), m.group("down")) for m in core.changes_in(s)] == want, s
        first = core.first_change_in(s)
        assert (first.span() if first else None) == (want[0][0] if want else None), s


def test_topic_words_found_from_their_first_letters_are_the_topic_matches():
    for s in [lower(s) for s in SENTENCES + GATE_SENTENCES] + WORD_TEXTS:
        want = [(m.span(), m.group("neg"), m.group("trade")) for m in core._TOPIC_LOWERED.finditer(s)]
        assert [(m.span(), m.group("neg"), m.group("trade")) for m in core.topics_in(s)] == want, s
    assert core.TRADE_WORD.pattern == lowered(word_led(WORD_LED["trade words"][0]) + r"\b").pattern


@pytest.mark.parametrize("alternation", [r"(?:a|b)?c", "a?b", r"\dx", "[ab]c", r"(?<!x)ab", "Ab"])
def test_an_alternation_that_is_not_word_led_is_refused(alternation):
    with pytest.raises(ValueError):
        word_led(alternation)


def test_outlook_words_on_lower_case_with_may_apart_are_the_case_insensitive_ones():
    extra = ["Exports may rise", "In May exports rose", "MAY", "They WILL grow", "it Could", "maybe", "dismay"]
    for s in SENTENCES + [s.upper() for s in SENTENCES[:300]] + extra:
        low = lower(s)
        assert bool(core._FORECAST_LOWERED.search(low) or core._MAY_WORD.search(s)) == bool(core._FORECAST.search(s)), s
        assert bool(core._TARGET_LOWERED.search(low)) == bool(core._TARGET.search(s)), s


def test_a_default_currency_changes_only_the_amounts_of_a_sentence_with_a_bare_mark():
    # what extract_sentence relies on to keep a sentence's amounts when no bare mark is in it
    extra = ["They passed the 100 billion mark.", "the 5% level and the 2 mln threshold", "the $100 billion mark",
             "beyond the 40 billion dollar target mark", "at the 7 bn level in 2023"]
    marks = 0
    for s in SENTENCES + extra:
        rows = _amount_rows([amounts.find_amounts(s, "USD")])
        if amounts.BARE_MARK.search(s) is None:
            assert rows == _amount_rows([amounts.find_amounts(s)]), s
        else:
            marks += 1
    assert marks >= 3


def test_a_trade_word_is_in_a_text_where_trade_word_finds_one():
    texts = [lower(s) for s in SENTENCES + GATE_SENTENCES] + WORD_TEXTS
    for w in TRADE_WORDS + ["trader", "tradesman", "shipper", "salesman", "buyer", "purchase", "seller", "sol"]:
        texts += [w, f"x{w}", f"{w}x", f"-{w}-", f"5{w}", f"{w}_", w[:-1], w[1:], f"a {w}.", f"{w[:2]} {w[2:]}"]
    found = 0
    for s in texts:
        want = core.TRADE_WORD.search(s) is not None
        assert (core.TRADE_WORD_IN.search(s) is not None) == want, s
        found += want
    assert found > 500


def test_a_plan_by_phrase_has_by_in_some_case():
    # what looking for "by" before _PLAN_BY relies on: only B, b, Y and y match b and y case-insensitively
    import sys
    assert [c for c in map(chr, range(sys.maxunicode + 1)) if re.fullmatch("[by]", c, re.I)] == list("BYby")
    heads = [s[max(0, i - 30):i] for s in SENTENCES for i in range(0, len(s), 7)]
    found = 0
    for head in heads + ["exceeded the plan BY ", "target By about "]:
        if core._PLAN_BY.search(head):
            assert "by" in head.lower(), head
            found += 1
    assert found >= 2


def _batch():
    import pandas as pd
    from stages.clean import clean_documents
    stories = _stories()
    documents = pd.DataFrame({"doc_id": [f"d{k}" for k in range(len(stories))], "source": "test",
                              "text": [s[0] for s in stories], "published": [s[1] for s in stories],
                              "title": [s[2] for s in stories]})
    return documents, clean_documents(documents).kept


def test_a_batch_read_as_columns_gives_each_document_s_facts():
    """extract_metrics hands each document its sentences as slices of the
    batch's columns (no SentenceIn per sentence): its rows are those
    extract_text gives for each document alone, also when a document's rows
    are not together in the sentences frame, and each mention quotes the
    sentence it is in."""
    import pandas as pd
    documents, sentences = _batch()
    expected = []
    for doc_id, raw, published, title in zip(documents["doc_id"], documents["text"], documents["published"],
                                             documents["title"]):
        expected += [(doc_id, {k: v for k, v in row.items() if k not in ("fact_id", "doc_id", "mentions")},
                      [(m["sentence"], m["char_start"], m["char_end"]) for m in row["mentions"]])
                     for row in extract.extract_text(raw, published, title)]
    assert len(expected) > 300
    raw_of = dict(zip(documents["doc_id"], documents["text"]))
    spans = {(d, raw_of[d][s:e], s, e) for d, s, e in zip(sentences["doc_id"], sentences["start"], sentences["end"])}
    # the documents' rows taken in turns: each document's rows in order, but in many runs
    turns = sentences.assign(_n=sentences.groupby("doc_id").cumcount()).sort_values("_n", kind="stable")
    interleaved = turns.drop(columns="_n").reset_index(drop=True)
    assert (interleaved["doc_id"] != interleaved["doc_id"].shift()).sum() > 2 * len(documents)
    for frame in (sentences, interleaved):
        result = extract.extract_metrics(documents, frame)
        metrics = pd.DataFrame([row for _, row, _ in expected], columns=extract.METRIC_COLUMNS[2:])
        assert result.metrics[extract.METRIC_COLUMNS[2:]].equals(metrics)
        assert result.metrics["doc_id"].tolist() == [d for d, _, _ in expected]
        mentions = result.mentions.groupby("fact_id", sort=False)
        assert [list(zip(*(ms[c].tolist() for c in ("sentence", "char_start", "char_end"))))
                for _, ms in mentions] == [found for _, _, found in expected]
        for d, sentence, s, e in zip(*(result.mentions[c] for c in ("doc_id", "sentence", "char_start", "char_end"))):
            assert any(x == d and text == sentence and a <= s < e <= b for x, text, a, b in spans)


def test_outlook_words_led_by_their_first_letters_are_the_plain_lower_case_ones():
    # (the goal, share, settlement, levy and world words are checked against their case-insensitive patterns above)
    plain = lowered(core._FORECAST.pattern.replace(core._MAY, ""))
    extra = ["we'll see", "'ll do", "it 'll", "x'll", "_'ll", "5'll", "they'llx", "Seen at 5", "IS TO", "unlikely"]
    for s in [lower(s) for s in SENTENCES + GATE_SENTENCES + extra] + WORD_TEXTS:
        assert [m.span() for m in core._FORECAST_LOWERED.finditer(s)] == [m.span() for m in plain.finditer(s)], s


def test_word_led_with_a_tail_and_others_is_the_plain_alternation():
    want = re.compile(r"(?:\b(?:ab|abc|b(?:x|y))c|%\s+of|pct)")
    got = re.compile(word_led(r"ab|abc|b(?:x|y)", "c", r"%\s+of|pct"))
    for s in [lower(s) for s in SENTENCES[:500]] + WORD_TEXTS + ["abc abcc bxc byc 5% of pct apct xabc _bxc"]:
        assert [m.span() for m in got.finditer(s)] == [m.span() for m in want.finditer(s)], s


def test_a_period_s_kind_is_the_last_group_of_its_match():
    # find_periods reads the alternative that matched as m.lastgroup (was: the first of its groups that is set)
    order = ("rolling", "anaphor", "fyend", "fy", "fytd", "fyrel", "mspan", "nmonths", "quarter", "half", "date",
             "month", "ytd", "rel", "yfy", "yrange", "year")
    kinds = set()
    for s in SENTENCES + ["FY 2022-23", "fiscal year ended March 2023", "12 months to June 2023", "Q3 2023",
                          "between January and May 2022", "so far this fiscal year", "the same period"]:
        for m in periods._scan(s):
            g = m.groupdict()
            assert m.lastgroup == next(name for name in order if g.get(name)), s
            kinds.add(m.lastgroup)
    assert len(kinds) >= 14


def test_the_spaces_written_out_are_python_s_whitespace():
    import sys
    assert core._SPACES == "".join(c for c in map(chr, range(sys.maxunicode + 1)) if re.match(r"\s", c))


def test_a_sentence_s_clauses_split_where_they_did_on_its_text():
    extra = ["Trade rose,\u2003while exports fell; imports: up", 'He said, "it grew." Then\u3000whereas x',
             "exports rose\xa0while imports fell", "A\x85whereas b", "Trade, which grew, said"]
    for s in SENTENCES + extra:
        spans, pos = [], 0
        for m in core._CLAUSE_SPLIT.finditer(s):
            spans.append((pos, m.start()))
            pos = m.end()
        assert core._clauses(lower(s)) == spans + [(pos, len(s))], s


def test_the_story_s_countries_rank_by_mentions_then_first_mention():
    """document_context counts mentions with Counter and keeps first mentions
    in a dict: the ranking is the plain loop's (title x3, ties by first mention)."""
    checked = ties = 0
    for text, published, title in _stories() + [("Brazil and Chile. Chile and Brazil.", None, "Peru, Brazil"),
                                                ("Chile and Brazil. Brazil and Chile.", None, None),
                                                ("Chile grew. Chile rose. Chile fell.", None, "Peru"),
                                                ("Chile grew. Chile rose. Chile fell. Chile.", None, "Peru")]:
        clean = normalise(text)
        texts = [clean[s.start:s.end] for s in split_sentences(text)]
        found_in = [countries.find_countries(title or "")] + [countries.find_countries(t) for t in texts]
        counts, first = {}, {}
        for k, found in enumerate(found_in):
            for _, _, code in found:
                counts[code] = counts.get(code, 0) + (3 if k == 0 else 1)
                first.setdefault(code, len(first))
        ranked = sorted(counts, key=lambda c: (-counts[c], first[c]))
        ties += len(ranked) >= 2 and counts[ranked[0]] == counts[ranked[1]]
        ctx = core.document_context(texts, title, published)
        assert ctx.main == (ranked[0] if ranked else None), text
        together = any(len({c for _, _, c in found}) >= 2 for found in found_in)
        if not together and len(ranked) >= 2:
            assert ctx.pair == (ranked[0], ranked[1]), text
        checked += 1
    assert checked > 300 and ties > 20
