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
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from channels.safeguarding.normalise import LETTER_MAP, Forms, fold, plain, squeeze

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


@dataclass(frozen=True)
class Lexicon:
    """Compiled positive patterns per category and negative patterns, one set per form."""

    positive: dict[str, tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]]
    negative: tuple[re.Pattern[str], re.Pattern[str], re.Pattern[str]]
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


def _entry_sources(entry: Any) -> tuple[list[str], list[str], list[str]]:
    """Regex sources of one YAML entry for the plain, folded and squeezed forms.

    Phrase sources are marked with a leading NUL so `_compile` can put the word-boundary
    checks around all of them at once (much faster than one check per phrase).
    """
    if isinstance(entry, str):
        entry = {"phrase": entry}
    if not isinstance(entry, dict):
        return [], [], []
    if "pattern" in entry:
        # Letters are unified as in the text (Arabic-script variants, digits).
        pattern = str(entry["pattern"]).translate(LETTER_MAP)
        re.compile(pattern)  # fail loudly on a broken pattern in the file
        return [pattern], [pattern], []
    phrase = str(entry.get("phrase") or "")
    sources = ["\0" + phrase_regex(phrase, n) for n in _NORMALISERS]
    p, f, s = (([x] if len(x) > 1 else []) for x in sources)
    return p, f, s


def _compile(sources: list[str]) -> re.Pattern[str]:
    phrases = sorted({s[1:] for s in sources if s.startswith("\0")}, key=len, reverse=True)
    patterns = sorted({s for s in sources if not s.startswith("\0")})
    parts = [f"(?:{p})" for p in patterns]
    if phrases:
        parts.insert(0, r"(?<!\S)(?:" + "|".join(phrases) + r")(?!\S)")
    return re.compile("|".join(parts) if parts else r"(?!x)x")


def load_files(directory: Path = LEXICON_DIR) -> dict[str, dict[str, Any]]:
    """Every lexicon file, by language code."""
    return {
        path.stem: yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
        for path in sorted(directory.glob("*.yml"))
    }


def build(directory: Path = LEXICON_DIR) -> Lexicon:
    """Compile every language's lexicon into one matcher."""
    pos: dict[str, tuple[list[str], list[str], list[str]]] = {c: ([], [], []) for c in CATEGORIES}
    neg: tuple[list[str], list[str], list[str]] = ([], [], [])
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
            for bucket, sources in zip(neg, _entry_sources(entry), strict=True):
                bucket.extend(sources)
    positive = {c: (_compile(p), _compile(f), _compile(s)) for c, (p, f, s) in pos.items()}
    return Lexicon(positive, (_compile(neg[0]), _compile(neg[1]), _compile(neg[2])), size)


@lru_cache(maxsize=1)
def get_lexicon() -> Lexicon:
    """The compiled lexicon, built on first use."""
    return build()


def mask_negatives(text_forms: Forms, lexicon: Lexicon | None = None) -> Forms:
    """The forms with every negative (harmless) phrase blanked out."""
    lex = lexicon or get_lexicon()
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    return Forms(
        plain=lex.negative[0].sub(blank, text_forms.plain),
        folded=lex.negative[1].sub(blank, text_forms.folded),
        squeezed=lex.negative[2].sub(blank, text_forms.squeezed),
    )


def match(masked: Forms, lexicon: Lexicon | None = None) -> tuple[str, ...]:
    """Categories whose phrases occur in the (negative-masked) forms, in priority order."""
    lex = lexicon or get_lexicon()
    found = []
    for category in CATEGORIES:
        p, f, s = lex.positive[category]
        if p.search(masked.plain) or f.search(masked.folded) or s.search(masked.squeezed):
            found.append(category)
    return tuple(found)
