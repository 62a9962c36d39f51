"""A fast first pass over the lexicon's regex patterns; Python's `re` keeps the last word.

The lexicon holds thousands of hand-written `pattern:` entries. Python's `re` tries every
alternative of their union at every position of a message, which made them most of the
gate's time (about 6 of a 7 ms check). RE2's filter (google-re2's `Filter`, FilteredRE2)
works out the pieces of text each pattern cannot match without, finds which of them occur in
the message in one pass, and names the few patterns that might match. Only those run in
Python, exactly as written, so the answer is the one the whole lexicon would give.

RE2 reads a slightly different dialect (no lookarounds, ASCII `\\b` and `\\w`), so each
pattern is given to it in a *relaxed* form that matches at least everything the original
does: lookarounds and word boundaries dropped, `\\w` and `\\d` widened to Unicode. A pattern
RE2 cannot read at all is run in Python on every message.

RE2 reports nothing when it gives up (its matcher out of memory), so every filter also holds
a sentinel word, appended to every text: if the sentinel is missing from an answer,
all of that filter's patterns run.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

import re2

# RE2 builds the filter's word matcher within a fixed memory budget, which about 1,500
# patterns' required words overflow: so the patterns are split into filters of this size.
_FILTER_SIZE = 500

# Python regex tokens, in the order they must be tried.
_TOKEN = re.compile(
    r"""
    (?P<look>\(\?<?[=!])          # start of a lookahead or lookbehind
  | (?P<open>\((?:\?:|\?P<\w+>)?) # a group
  | (?P<close>\))
  | (?P<escape>\\.)
  | (?P<class_open>\[\^?\]?)      # a character class ("]" first is a literal)
  | (?P<class_close>\])
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_WORD_CLASS = r"\p{L}\p{M}\p{N}_"
_SENTINEL = "qxsentinelqx"  # a pattern with a word no text has: see `candidates`


def _compile(pattern: str) -> re.Pattern[str]:
    try:
        return re.compile(pattern)
    except re.error as error:  # fail loudly, naming the broken pattern in the lexicon
        raise ValueError(f"broken lexicon pattern {pattern!r}: {error}") from error


def relaxed(pattern: str) -> str:
    """An RE2 pattern that matches wherever the Python `pattern` matches (and perhaps more)."""
    out: list[str] = []
    look_depth = 0  # inside a lookaround: dropped
    depth_stack: list[bool] = []  # for each open group: is it a lookaround?
    in_class = False
    for token in _TOKEN.finditer(pattern):
        kind, text = token.lastgroup, token.group()
        if in_class:
            if kind == "class_close":
                in_class = False
            elif kind == "escape":
                text = _class_escape(text)
            if not look_depth:
                out.append(text)
            continue
        if kind == "look":
            depth_stack.append(True)
            look_depth += 1
            continue
        if kind == "open":
            depth_stack.append(False)
        elif kind == "close":
            if depth_stack and depth_stack.pop():
                look_depth -= 1
                continue
        elif kind == "class_open":
            in_class = True
        elif kind == "escape":
            text = _escape(text)
        if not look_depth:
            out.append(text)
    if look_depth or in_class or depth_stack:
        raise ValueError(f"unbalanced pattern: {pattern!r}")
    return "".join(out)


def _escape(text: str) -> str:
    """An escape outside a character class, widened for RE2."""
    if text in (r"\b", r"\B", r"\A", r"\Z"):
        return ""  # a zero-width condition: dropping it only widens the match
    if text == r"\w":
        return f"[{_WORD_CLASS}]"
    if text == r"\d":
        return r"\p{N}"
    if text in (r"\W", r"\D"):
        return r"(?s:.)"
    return text


def _class_escape(text: str) -> str:
    """An escape inside a character class, widened for RE2."""
    if text == r"\w":
        return _WORD_CLASS
    if text == r"\d":
        return r"\p{N}"
    if text in (r"\W", r"\D"):
        return r"\x{0}-\x{10FFFF}"
    return text


def _filter(patterns: list[tuple[int, str]]) -> tuple[Any, list[int]]:
    """An RE2 filter of (index, relaxed pattern) pairs, with the sentinel as its entry 0."""
    filter_ = re2.Filter()
    filter_.Add(_SENTINEL)
    for _, pattern in patterns:
        filter_.Add(pattern)
    filter_.Compile()
    return filter_, [-1] + [index for index, _ in patterns]


class PatternSet:
    """Python regex patterns with an RE2 first pass that names the ones worth running."""

    def __init__(self, patterns: Sequence[str]) -> None:
        self.patterns = list(patterns)
        self.compiled = [_compile(p) for p in self.patterns]
        self._always: list[int] = []  # patterns RE2 cannot read: run every time
        self._filters: list[tuple[Any, list[int]]] = []  # (filter, its index -> pattern index)
        readable: list[tuple[int, str]] = []
        for index, pattern in enumerate(self.patterns):
            try:
                readable.append((index, relaxed(pattern)))
                re2.compile(readable[-1][1])
            except Exception:  # any pattern RE2 rejects is run in Python
                readable.pop()
                self._always.append(index)
        for start in range(0, len(readable), _FILTER_SIZE):
            self._filters.append(_filter(readable[start : start + _FILTER_SIZE]))

    def candidates(self, text: str) -> list[int]:
        """Indexes (ascending) of the patterns that may match somewhere in `text`."""
        probe = text + "\n" + _SENTINEL
        found = set(self._always)
        for filter_, indexes in self._filters:
            hits = filter_.Match(probe, potential=True) or []
            if 0 not in hits:  # RE2 gave up on this text: run this filter's patterns
                found.update(indexes[1:])
                continue
            found.update(indexes[i] for i in hits if i)
        return sorted(found)

    def search(self, text: str, among: Sequence[int] | None = None) -> bool:
        """Whether any pattern (of `among`, default all) matches somewhere in `text`."""
        wanted = None if among is None else set(among)
        return any(
            self.compiled[i].search(text)
            for i in self.candidates(text)
            if wanted is None or i in wanted
        )

    def sub(self, replace: Callable[[re.Match[str]], str], text: str) -> str:
        """`text` with every match of the union of the patterns (in their order) replaced.

        The same result as substituting with the union of all patterns: a pattern that matches
        nowhere in the text cannot change what the union does.
        """
        found = self.candidates(text)
        if not found:
            return text
        return self._union(tuple(found)).sub(replace, text)

    @lru_cache(maxsize=256)  # noqa: B019  - one set per lexicon, built once
    def _union(self, indexes: tuple[int, ...]) -> re.Pattern[str]:
        return re.compile("|".join(f"(?:{self.patterns[i]})" for i in indexes))
