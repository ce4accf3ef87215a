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

Patterns led by a literal character: `re` tries a pattern whose every branch
starts with a literal character only where one of those characters stands (a
fast scan in C), but a pattern led by a look-behind or `\b` at every position
of the text. `word_alternation(words, after_first=...)` puts such a check
after the first character of each word instead.

A document's sentences scanned in one call: `joined(texts)` puts a separator
between them that a pattern treats as it treats the end of a text, so one
`finditer` over the joined text finds what one per sentence finds, at the
offsets shifted by where each sentence starts.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from itertools import accumulate

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


def word_alternation(words, after_first: str = "") -> str:
    """A regex alternation of the literal `words` as a prefix tree.

    It matches what the plain alternation of the words sorted longest first
    matches: where one word is the beginning of another, the longer one is
    tried first, and words that part somewhere cannot both match at one place.
    `after_first` (a zero-width check, e.g. a look-behind) is put after the
    first character of every word.
    """
    tree: dict = {}
    for word in words:
        node = tree
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}  # a word ends here
    return _alternation(tree, after_first)


def _alternation(node: dict, after_first: str = "") -> str:
    branches = [re.escape(ch) + after_first + _alternation(child) for ch, child in node.items() if ch != ""]
    if not branches:
        return ""
    if len(branches) == 1 and "" not in node:
        return branches[0]
    # "(?:...)?" when a word also ends here: the longer words are tried first
    return "(?:" + "|".join(branches) + ")" + ("?" if "" in node else "")


# Control characters that are neither word characters nor spaces (\x1c-\x1f
# count as spaces) and that no pattern here names: between two sentences one
# stops every match as the end of a text does (\b, \s, \w, \d and the
# character classes of the patterns run on joined texts do not cross it).
_SEPARATORS = "\x00\x01\x02\x03\x04\x05\x06\x07\x08\x0e\x0f"


def joined(texts: list[str]) -> list[tuple[str, list[int]]]:
    """`texts` as few texts as possible, each with where its parts start in it:
    all of them joined by a separator that none contains (one text), else
    each on its own."""
    if len(texts) < 2:
        return [(t, [0]) for t in texts]
    for sep in _SEPARATORS:
        text = sep.join(texts)
        if text.count(sep) == len(texts) - 1:
            # each part starts one after the end of the one before (all in C: no Python loop)
            return [(text, list(accumulate(map((1).__add__, map(len, texts[:-1])), initial=0)))]
    return [(t, [0]) for t in texts]


def per_part(found: list[tuple], starts: list[int]) -> list[list[tuple]]:
    """(start, end, ...) items found in a text of `joined`, in order of their
    starts, listed per part (`starts`: where each part starts) at offsets
    into the part."""
    per: list[list[tuple]] = [[] for _ in starts]
    k, base, nxt = 0, 0, starts[1] if len(starts) > 1 else None
    for item in found:
        if nxt is not None and item[0] >= nxt:  # in a later part
            k = bisect_right(starts, item[0]) - 1
            base, nxt = starts[k], starts[k + 1] if k + 1 < len(starts) else None
        per[k].append((item[0] - base, item[1] - base) + item[2:])
    return per


def word_led(alternation: str, tail: str = "", others: str = "") -> str:
    """`\\b(?:alternation)` for `re` to try only where a word starts with one
    of its first letters.

    Every alternative must start with a lower-case letter or with a group of
    such alternatives (distributed: "(?:a|b)c" is "ac|bc"); alternatives are
    grouped by their first letter, in their order, and `\\b` before them becomes
    a look-behind after that letter (see the module's docstring). What the
    result matches, and where, is what `\\b(?:alternation)` matches.

    `tail` goes after each group (`(?:a|b)t` is `(?:at|bt)`) and `others`, an
    alternation whose every alternative starts with a literal character, after
    the groups: the result matches what `(?:\\b(?:alternation)tail|others)`
    matches, and `re` still tries it only at those characters (a leading group
    followed by something would hide them from it).
    """
    by_first: dict[str, list[str]] = {}
    for alt in _alternatives(alternation):
        for x in _letter_led(alt):
            by_first.setdefault(x[0], []).append(x[1:])
    return "(?:" + "|".join([first + r"(?<!\w.)(?:" + "|".join(rests) + ")" + tail
                             for first, rests in by_first.items()] + ([others] if others else [])) + ")"


def _scan_regex(pattern: str):
    """(index, character, depth after it) of a regex's characters outside
    character classes and escapes, which are skipped."""
    depth, i, in_class = 0, 0, False
    while i < len(pattern):
        ch = pattern[i]
        if ch == "\\":
            i += 2
            continue
        i += 1
        if in_class:
            in_class = ch != "]"
            continue
        if ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        yield i - 1, ch, depth


def _alternatives(pattern: str) -> list[str]:
    """The top-level alternatives of a regex."""
    cuts = [i for i, ch, depth in _scan_regex(pattern) if ch == "|" and depth == 0]
    return [pattern[a + 1:b] for a, b in zip([-1] + cuts, cuts + [len(pattern)])]


def _letter_led(alt: str) -> list[str]:
    """`alt` as alternatives that each start with a letter."""
    if alt.startswith("(?:"):
        end = next(i for i, ch, depth in _scan_regex(alt) if ch == ")" and depth == 0) + 1
        if alt[end:end + 1] in ("?", "*", "+", "{"):
            raise ValueError(f"an alternative led by a quantified group: {alt[:60]}")
        return [x for inner in _alternatives(alt[3:end - 1]) for x in _letter_led(inner + alt[end:])]
    if not re.match(r"[a-z](?![?*+{])", alt):
        raise ValueError(f"an alternative not led by a lower-case letter: {alt[:60]}")
    return [alt]
