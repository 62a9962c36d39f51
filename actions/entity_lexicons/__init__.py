"""Entity-extraction words for the nine languages besides English, one module per language.

Each module defines `LEXICON`, an `actions.entities.Lexicon` (numbers, age units, "pregnant",
weekdays, times of day, session kinds...) written as parents of that community type them.
`actions.entities` tries the conversation language's lexicon first, then English.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from actions.entities import Lexicon

LANGUAGES = ("pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk")


def load() -> dict[str, Lexicon]:
    """The lexicons that exist, by language code."""
    found: dict[str, Lexicon] = {}
    for code in LANGUAGES:
        try:
            module = import_module(f"actions.entity_lexicons.{code}")
        except ModuleNotFoundError:
            continue
        found[code] = module.LEXICON
    return found
