"""The RE2 first pass over the lexicon's patterns never hides a match Python's `re` would find."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from channels.safeguarding import lexicon
from channels.safeguarding.normalise import forms
from channels.safeguarding.prefilter import PatternSet, relaxed

HERE = Path(__file__).resolve().parent


def labelled_texts() -> list[str]:
    """Every text of the three held-out sets (disclosures and hard negatives)."""
    texts: list[str] = []

    def walk(node: object) -> None:
        if isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and len(node) > 3:
            texts.append(node)

    for name in ("heldout.yml", "heldout_b.yml", "heldout_c.yml"):
        walk(yaml.safe_load((HERE / name).read_text(encoding="utf-8")))
    return sorted(set(texts))


def test_the_first_pass_agrees_with_python_on_every_held_out_text() -> None:
    """Categories and masked text from the filtered patterns equal those of every pattern run
    in Python (the lexicon as it was before the first pass existed)."""
    lex = lexicon.get_lexicon()
    positives = lex.positive_patterns
    by_category: dict[str, re.Pattern[str]] = {}
    for category in lexicon.CATEGORIES:
        tagged = zip(positives.patterns, lex.pattern_categories, strict=True)
        own = [p for p, c in tagged if c == category]
        by_category[category] = re.compile("|".join(f"(?:{p})" for p in own) or r"(?!x)x")
    negatives = re.compile("|".join(f"(?:{p})" for p in lex.negative_patterns.patterns))
    blank = lambda m: " " * len(m.group(0))  # noqa: E731
    texts = labelled_texts()
    assert len(texts) > 1000
    for text in texts:
        folded = forms(text).folded
        expected = {c for c, rx in by_category.items() if rx.search(folded)}
        assert lexicon._pattern_categories(lex, folded) == expected, text
        assert lex.negative_patterns.sub(blank, folded) == negatives.sub(blank, folded), text


@pytest.mark.parametrize(
    ("pattern", "text"),
    [
        (r"\bмене б'є\b", "він мене б'є щодня"),  # \b around Cyrillic: ASCII-only in RE2
        (r"(?<!\S)(?:ضربنی|بیضربنی)(?!\S)", "جوزی بیضربنی کل یوم"),  # lookarounds
        (r"\b\w+ jala(?:ya|yi)\b", "bachay ka haath jalaya"),
        (r"ক্লান্ত\w*", "আমি খুব ক্লান্তি"),  # Bengali vowel signs after \w
        (r"\d{2,} pills", "i took 20 pills"),
        (r"\b(gura stramba)\b.{0,20}\bnu\b", "are gura stramba si nu vorbeste"),
    ],
)
def test_relaxed_patterns_still_find_what_python_finds(pattern: str, text: str) -> None:
    assert re.search(pattern, text)
    assert PatternSet([pattern]).search(text)


def test_relaxed_drops_lookarounds_and_widens_word_classes() -> None:
    word = r"\p{L}\p{M}\p{N}_"
    assert relaxed(r"(?<!\S)(?:a|b(?!c))\b\w[\d\w]") == rf"(?:a|b)[{word}][\p{{N}}{word}]"


def test_a_pattern_re2_cannot_read_is_always_run_in_python() -> None:
    patterns = PatternSet([r"(?>ab|a)c", r"hits me"])  # atomic group: Python only
    assert patterns.search("xx ac yy")
    assert not patterns.search("nothing here")
    assert patterns.candidates("nothing here") == [0]


def test_when_re2_gives_up_every_pattern_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    patterns = PatternSet([r"\bhits me\b", r"\bkicks me\b"])

    class GaveUp:
        def Match(self, text: str, potential: bool = False) -> None:
            return None  # what the RE2 wrapper answers when its matcher runs out of memory

    monkeypatch.setattr(patterns, "_filters", [(GaveUp(), idx) for _, idx in patterns._filters])
    assert patterns.candidates("he kicks me") == [0, 1]
    assert patterns.search("he kicks me")


def test_substitution_keeps_the_order_of_the_union() -> None:
    patterns = PatternSet([r"support group(?: \S+){0,1}", r"support"])
    assert patterns.sub("_", "a support group today") == "a _"
    assert patterns.sub("_", "support me") == "_ me"


def test_a_broken_pattern_fails_loudly_with_its_text() -> None:
    with pytest.raises(ValueError, match="broken lexicon pattern"):
        PatternSet([r"(unclosed"])
