"""The curated phrase lexicon: `lexicon/<lang>.yml`, compiled once on first use.

Phrase syntax (see the header of `lexicon/en.yml`): words are matched whole after
normalisation; `word*` matches any ending; `~` allows up to three words in between. Every
language's lexicon is applied to every message, because the gate runs before language
detection and parents mix languages. Negative phrases are blanked out of the text before
the positive phrases and the classifier look at it, so "the wait is killing me, he hits me"
is still caught.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from channels.safeguarding.normalise import LETTER_MAP, Forms, fold, plain, squeeze
from channels.safeguarding.prefilter import PatternSet

LEXICON_DIR = Path(__file__).resolve().parent / "lexicon"
CATEGORIES = (
    "medical_emergency",
    "suicide",
    "harm_to_baby",
    "child_at_risk",
    "domestic_abuse",
    "sexual_violence",
    "self_harm",
)
_GAP = r"(?: \S+){0,3}"
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


Phrases = tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]
Sources = tuple[list[str], list[str], list[str], list[str]]


@dataclass(frozen=True)
class Lexicon:
    """Compiled positive and negative matchers.

    Phrases are compiled per category into one regex for each of the plain, folded and
    squeezed forms. The regex `pattern:` entries (matched on the plain and folded forms) are
    one `PatternSet` for all categories, with the category of each pattern alongside.
    """

    positive: dict[str, Phrases]
    positive_patterns: PatternSet
    pattern_categories: tuple[str, ...]
    negative: Phrases
    negative_patterns: PatternSet
    size: int


def phrase_regex(phrase: str, normaliser: Any) -> str:
    """The regex source of one phrase for one normalised form."""
    parts: list[str] = []
    for token in phrase.split():
        if token == "~":
            parts.append(_GAP)
            continue
        prefix = token.endswith("*")
        word = normaliser(token.rstrip("*"))
        if not word:
            continue
        parts.append(" " + re.escape(word) + (r"\S*" if prefix else ""))
    return "".join(parts).lstrip(" ")


def _forms_of(normalise_plain: Any) -> tuple[Any, Any, Any]:
    return (
        normalise_plain,
        lambda t: fold(normalise_plain(t)),
        lambda t: squeeze(fold(normalise_plain(t))),
    )


_NORMALISERS = _forms_of(plain)


_CAPTURING_GROUP = re.compile(r"(?<!\\)\((?!\?)")


# A negative blanks what it matches. Free words at its edges ("support group" and the next
# six words) could blank a disclosure written straight before or after it, so they are cut
# from negative patterns: a negative hides only its own phrase (hazard H2, docs/safeguarding.md).
_FREE_WORDS_AFTER = re.compile(r"(?:\(\?: \\S\+\)\{0,\d+\}|\.\{0,\d+\})+$")
_FREE_WORDS_BEFORE = re.compile(r"^(?:\(\?:\\S\+ \)\{0,\d+\}|\.\{0,\d+\})+")


def without_free_edges(pattern: str) -> str:
    """A negative pattern without free words before or after its own phrase."""
    return _FREE_WORDS_BEFORE.sub("", _FREE_WORDS_AFTER.sub("", pattern))


def _entry_sources(entry: Any, negative: bool = False) -> Sources:
    """Regex sources of one YAML entry: plain, folded and squeezed phrases, and patterns."""
    if isinstance(entry, str):
        entry = {"phrase": entry}
    if not isinstance(entry, dict):
        return [], [], [], []
    if "pattern" in entry:
        # Normalised and letters unified as the text is (NFKC, Arabic-script variants,
        # digits), so a pattern typed with precomposed letters still matches.
        pattern = unicodedata.normalize("NFKC", str(entry["pattern"])).translate(LETTER_MAP)
        # Groups only ever group here: non-capturing ones match the same and run faster.
        pattern = _CAPTURING_GROUP.sub("(?:", pattern)
        if negative:
            pattern = without_free_edges(pattern)
        return [], [], [], [pattern]
    phrase = str(entry.get("phrase") or "")
    sources = [phrase_regex(phrase, n) for n in _NORMALISERS]
    p, f, s = (([x] if x else []) for x in sources)
    return p, f, s, []


def _compile(sources: list[str]) -> re.Pattern[str]:
    """One regex for phrase sources, with the word-boundary checks around all of them at once
    (much faster than one check per phrase)."""
    # Longest first: at one position the first alternative that matches wins, and for
    # negatives the more specific (longer) phrase should blank its whole span.
    phrases = sorted(set(sources), key=len, reverse=True)
    if not phrases:
        return re.compile(r"(?!x)x")
    return re.compile(r"(?<!\S)(?:" + "|".join(phrases) + r")(?!\S)")


def load_files(directory: Path = LEXICON_DIR) -> dict[str, dict[str, Any]]:
    """Every lexicon file, by language code."""
    return {
        path.stem: yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        for path in sorted(directory.glob("*.yml"))
    }


def build(directory: Path = LEXICON_DIR) -> Lexicon:
    """Compile every language's lexicon into one matcher."""
    pos: dict[str, Sources] = {c: ([], [], [], []) for c in CATEGORIES}
    neg: Sources = ([], [], [], [])
    size = 0
    for data in load_files(directory).values():
        for category, entries in (data.get("categories") or {}).items():
            if category not in pos:
                raise ValueError(f"unknown safeguarding category in lexicon: {category}")
            for entry in entries or []:
                for bucket, sources in zip(pos[category], _entry_sources(entry), strict=True):
                    bucket.extend(sources)
                size += 1
        for entry in data.get("negatives") or []:
            for bucket, sources in zip(neg, _entry_sources(entry, negative=True), strict=True):
                bucket.extend(sources)
    positive = {c: (_compile(p), _compile(f), _compile(s)) for c, (p, f, s, _) in pos.items()}
    # Existence is all that counts for positives, so their order is free; negatives blank
    # what they match, longest (most specific) pattern first.
    tagged = sorted({(pattern, c) for c, sources in pos.items() for pattern in sources[3]})
    neg_patterns = sorted(set(neg[3]), key=lambda p: (-len(p), p))
    return Lexicon(
        positive=positive,
        positive_patterns=PatternSet([pattern for pattern, _ in tagged]),
        pattern_categories=tuple(c for _, c in tagged),
        negative=(_compile(neg[0]), _compile(neg[1]), _compile(neg[2])),
        negative_patterns=PatternSet(neg_patterns),
        size=size,
    )


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The compiled lexicon, built on first use."""
    return build()


def mask_negatives(text_forms: Forms, lexicon: Lexicon | None = None) -> Forms:
    """The forms with every negative (harmless) phrase blanked out."""
    lex = lexicon or get_lexicon()
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    p, f, s = lex.negative
    patterns = lex.negative_patterns
    folded = patterns.sub(blank, f.sub(blank, text_forms.folded))
    # Regex negatives have no squeezed form: squeeze the masked folded text instead, so a
    # negative pattern also hides its span from the squeezed phrases.
    plain = patterns.sub(blank, p.sub(blank, text_forms.plain))
    if len(plain) == len(folded):
        # Folding Latin or Cyrillic keeps positions: a negative found without accents
        # ("esta a matar me") hides the same span of the accented text, and vice versa.
        plain = "".join(" " if b == " " else a for a, b in zip(plain, folded, strict=True))
    return Forms(
        plain=plain,
        folded=folded,
        squeezed=s.sub(blank, squeeze(folded)),
    )


def mask_folded(folded: str, lexicon: Lexicon | None = None) -> str:
    """The folded form with every negative phrase blanked out (what the classifier sees)."""
    lex = lexicon or get_lexicon()
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    return lex.negative_patterns.sub(blank, lex.negative[1].sub(blank, folded))


def match(masked: Forms, lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """Categories whose phrases occur in the (negative-masked) forms, in priority order."""
    lex = lexicon or get_lexicon()
    # Without diacritics the plain text equals the folded one, and the folded patterns cover
    # every plain pattern that could match it.
    same = masked.plain == masked.folded
    by_pattern = _pattern_categories(lex, masked.folded)
    if not same:
        by_pattern |= _pattern_categories(lex, masked.plain)
    found = []
    for category in CATEGORIES:
        p, f, s = lex.positive[category]
        if (
            category in by_pattern
            or f.search(masked.folded)
            or s.search(masked.squeezed)
            or (not same and p.search(masked.plain))
        ):
            found.append(category)
    return tuple(found)


def _pattern_categories(lex: Lexicon, text: str) -> set[str]:
    """Categories with a `pattern:` entry that matches somewhere in `text`."""
    patterns = lex.positive_patterns
    found: set[str] = set()
    for index in patterns.candidates(text):
        category = lex.pattern_categories[index]
        if category not in found and patterns.compiled[index].search(text):
            found.add(category)
    return found
