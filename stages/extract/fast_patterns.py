"""Patterns that Python's `re` runs fast, with the same matches.

Case-insensitive matching by lower-casing the text once: Python's `re` tries
a long case-insensitive alternation several times more slowly than the same
alternation in lower case on a lower-cased text (5x for the topic words,
measured on the benchmark corpus). `lowered(pattern)`
compiles a pattern written for re.I as its lower-case twin; run it on
`lower(text)`, which keeps every offset (a character whose lower case is
longer, like "İ", is left as it is).

Word lists as prefix trees: `re` tries the words of an alternation one by
one; `word_alternation(words)` shares their common beginnings, so a
position is rejected after a few comparisons instead of one per word.
"""

from __future__ import annotations

import re

# escapes whose lower-case letter means something else (\S vs \s, \B vs \b...)
_UPPER_ESCAPE = re.compile(r"\\[A-Z]|\(\?-i|\(\?P<[^>]*[A-Z]")


def lowered(pattern: str) -> re.Pattern:
    """`pattern` (meant for re.I) compiled for lower-cased text."""
    if _UPPER_ESCAPE.search(pattern):
        raise ValueError(f"pattern cannot be lower-cased safely: {pattern[:60]}")
    return re.compile(pattern.lower().replace("(?p<", "(?P<").replace("(?p=", "(?P="))


def lower(text: str) -> str:
    """`text` in lower case, offset for offset."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(c if len(c.lower()) != 1 else c.lower() for c in text)


def word_alternation(words) -> str:
    """A regex alternation of the literal `words` as a prefix tree.

    It matches what the plain alternation of the words sorted longest first
    matches: where one word is the beginning of another, the longer one is
    tried first, and words that part somewhere cannot both match at one place.
    """
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return _alternation(tree)


def _alternation(node: dict) -> str:
    branches = [re.escape(ch) + _alternation(child) for ch, child in node.items() if ch != ""]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    # "(?:...)?" when a word also ends here: the longer words are tried first
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")
