"""The clean stage, case by case: where sentences end, what is furniture, and
that cleaning keeps every offset (one row per case)."""

from __future__ import annotations

from collections import Counter

import pandas as pd
import pytest

from stages.clean import clean_documents, normalise, split_sentences

# (case, raw text, expected sentences as cleaned text)
SENTENCE_CASES = [
    ("full stop before a capital", "Trade rose. Exports fell.", ["Trade rose.", "Exports fell."]),
    ("full stop before a digit", "Trade rose. 2021 was good.", ["Trade rose.", "2021 was good."]),
    ("full stop before an opening quote", 'He spoke. "We grew," he said.', ["He spoke.", '"We grew," he said.']),
    ("closing quote stays with its sentence", '"Trade rose." Exports fell.', ['"Trade rose."', "Exports fell."]),
    ("closing quote and bracket", '(It rose.)" Then it fell.', ['(It rose.)"', "Then it fell."]),
    ("question and exclamation marks", "Did it rise? Yes! It did.", ["Did it rise?", "Yes!", "It did."]),
    ("two marks: the sentence ends after the second", "It rose!! Then it fell.", ["It rose!!", "Then it fell."]),
    ("no end before lower case", "It rose to 5 bn. in 2021 it fell.", ["It rose to 5 bn. in 2021 it fell."]),
    ("decimal point is not an end", "It rose 2.5 percent. Exports fell.", ["It rose 2.5 percent.", "Exports fell."]),
    ("full stop glued to a capitalised word", "during the pandemic.This year it grew.",
     ["during the pandemic.", "This year it grew."]),
    ("glued after a percent sign", "It grew 5%.Exports fell.", ["It grew 5%.", "Exports fell."]),
    ("glued to a short capitalised word is not an end", "the U.S.A. and the rest.", ["the U.S.A. and the rest."]),
    ("glued after a capital is not an end", "said Mr X.Then he left.", ["said Mr X.Then he left."]),
    ("title abbreviation", "Mr. Modi met Dr. Rao. They spoke.", ["Mr. Modi met Dr. Rao.", "They spoke."]),
    ("month abbreviation", "Signed on Jan. 5 in Delhi. It holds.", ["Signed on Jan. 5 in Delhi.", "It holds."]),
    ("initials", "Trade with the U.S. Government rose. It fell.", ["Trade with the U.S. Government rose.",
                                                                   "It fell."]),
    ("e.g. is not an end", "Goods, e.g. Rice, rose. It fell.", ["Goods, e.g. Rice, rose.", "It fell."]),
    ("a blank line ends a paragraph", "Trade rose\n\nExports fell", ["Trade rose", "Exports fell"]),
    ("a wrapped line is joined", "Trade between the two\ncountries rose.", ["Trade between the two countries rose."]),
    ("a new line after a full stop is a new block", "Trade rose.\nexports fell.", ["Trade rose.", "exports fell."]),
    ("a capitalised line is a new block", "Trade rose\nExports fell", ["Trade rose", "Exports fell"]),
    ("furniture lines are dropped", "Share this article\nTrade rose.\nAdvertisement\n3 Comments\nIt fell.",
     ["Trade rose.", "It fell."]),
    ("a navigation bar is dropped", "Home | World | Business | Trade\nTrade rose.", ["Trade rose."]),
    ("two separators are not a navigation bar", "Trade | rose sharply in the year | ok", [
        "Trade | rose sharply in the year | ok"]),
    ("curly quotes and dashes become plain, same length", "\u201cTrade rose\u201d \u2014 he said.",
     ['"Trade rose" - he said.']),
    ("no-break and thin spaces become spaces", "Trade rose\u00a0to $5\u2009bn. It fell.",
     ["Trade rose to $5 bn.", "It fell."]),
    ("windows line breaks", "Trade rose.\r\nIt fell.\r\n", ["Trade rose.", "It fell."]),
    ("no text", "", []),
    ("only furniture", "Advertisement\n\nPrint", []),
]


@pytest.mark.parametrize("raw, expected", [c[1:] for c in SENTENCE_CASES], ids=[c[0] for c in SENTENCE_CASES])
def test_sentences(raw, expected):
    clean = normalise(raw)
    sentences = split_sentences(raw)
    assert [clean[s.start:s.end] for s in sentences] == expected
    assert len(clean) == len(raw)  # offsets are raw offsets


# (case, raw text, expected (aside, para) per sentence)
BLOCK_CASES = [
    ("paragraph numbers count blocks", "Trade rose. It fell.\n\nExports grew.", [(False, 0), (False, 0), (False, 1)]),
    ("furniture between blocks takes no number", "Trade rose.\nAdvertisement\nIt fell.", [(False, 0), (False, 1)]),
    ("a READ MORE line is an aside", "Trade rose.\nREAD MORE: Exports hit $5 bn\nIt fell.",
     [(False, 0), (True, 1), (False, 2)]),
    ("also read, with a dash", "Also read - India and Japan sign a pact", [(True, 0)]),
]


@pytest.mark.parametrize("raw, expected", [c[1:] for c in BLOCK_CASES], ids=[c[0] for c in BLOCK_CASES])
def test_blocks(raw, expected):
    assert [(s.aside, s.para) for s in split_sentences(raw)] == expected


def test_clean_documents_gives_the_same_sentences_as_split_sentences_with_raw_offsets():
    texts = [raw for _, raw, _ in SENTENCE_CASES] + [raw for _, raw, _ in BLOCK_CASES]
    docs = pd.DataFrame({"doc_id": [f"d{i}" for i in range(len(texts))],
                         "source": [f"d{i}.txt" for i in range(len(texts))], "text": texts})
    result = clean_documents(docs)
    for i, raw in enumerate(texts):
        rows = result.kept[result.kept["doc_id"] == f"d{i}"]
        sentences = split_sentences(raw, Counter())
        assert rows["sent_idx"].tolist() == list(range(len(sentences)))
        assert list(zip(rows["start"], rows["end"], rows["aside"], rows["para"])) == \
            [(s.start, s.end, s.aside, s.para) for s in sentences]
        assert rows["text"].tolist() == [normalise(raw)[s.start:s.end] for s in sentences]
    assert result.counts["documents"] == len(texts) and result.quarantine.empty
