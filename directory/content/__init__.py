"""The content store: every bot message as a keyed item with one text per language.

Seeded from the Rasa domain (English defaults) and the YAML files in this folder; served to
Rasa through the NLG endpoint and used by the channels' gate, so staff edits go live
without retraining. A missing translation falls back to English.
"""

from __future__ import annotations

import string
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.core.config import REPO_ROOT
from directory.models import ContentItem

CONTENT_DIR = Path(__file__).resolve().parent
DOMAIN_DIR = REPO_ROOT / "bot" / "domain"
DEFAULT_LANGUAGE = "en"


@dataclass(frozen=True)
class ContentText:
    """A rendered content item, ready to send."""

    key: str
    language: str
    text: str
    buttons: list[dict[str, str]] = field(default_factory=list)
    fell_back: bool = False

    def as_reply(self, recipient_id: str) -> dict[str, Any]:
        """This text in Rasa's REST output shape."""
        reply: dict[str, Any] = {"recipient_id": recipient_id, "text": self.text}
        if self.buttons:
            reply["buttons"] = self.buttons
        return reply


class _KeepMissing(dict[str, Any]):
    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, variables: Mapping[str, Any]) -> str:
    """Put `variables` into a `{name}` template; unknown names are left as they are."""
    if "{" not in template:
        return template
    try:
        return string.Formatter().vformat(template, (), _KeepMissing(variables))
    except (ValueError, IndexError):
        return template


def get_content(
    session: Session, key: str, language: str, variables: Mapping[str, Any] | None = None
) -> ContentText | None:
    """The published text for `key` in `language`, falling back to English; None if unknown."""
    rows = session.scalars(
        select(ContentItem).where(
            ContentItem.key == key, ContentItem.language.in_({language, DEFAULT_LANGUAGE})
        )
    ).all()
    by_language = {row.language: row for row in rows}
    row = by_language.get(language) or by_language.get(DEFAULT_LANGUAGE)
    if row is None:
        return None
    values = dict(variables or {})
    return ContentText(
        key=key,
        language=row.language,
        text=fill(row.text, values),
        buttons=[
            {"title": fill(b["title"], values), "payload": fill(b["payload"], values)}
            for b in (row.buttons or [])
        ],
        fell_back=row.language != language,
    )


def missing_translations(session: Session, languages: Iterable[str]) -> dict[str, list[str]]:
    """For each language, the keys that have an English text but no text in that language."""
    rows = session.execute(select(ContentItem.key, ContentItem.language)).all()
    have: dict[str, set[str]] = {}
    for key, language in rows:
        have.setdefault(language, set()).add(key)
    english = have.get(DEFAULT_LANGUAGE, set())
    return {lang: sorted(english - have.get(lang, set())) for lang in languages}


def domain_defaults(domain_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    items: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(domain_dir.glob("*.yml")):
        responses = (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("responses", {})
        for key, variants in (responses or {}).items():
            if variants:
                first = variants[0]
                items[key] = {
                    DEFAULT_LANGUAGE: {
                        "text": first.get("text", ""),
                        "buttons": first.get("buttons", []),
                    }
                }
    return items


def _content_files(content_dir: Path) -> dict[str, dict[str, dict[str, Any]]]:
    items: dict[str, dict[str, dict[str, Any]]] = {}
    for path in sorted(content_dir.glob("*.yml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for key, languages in data.items():
            for language, entry in (languages or {}).items():
                if isinstance(entry, str):
                    entry = {"text": entry}
                items.setdefault(key, {})[language] = entry
    return items


def default_items(
    domain_dir: Path = DOMAIN_DIR, content_dir: Path = CONTENT_DIR
) -> dict[str, dict[str, dict[str, Any]]]:
    """Every shipped text: English Rasa responses, then the content files on top."""
    items = domain_defaults(domain_dir)
    for key, languages in _content_files(content_dir).items():
        items.setdefault(key, {}).update(languages)
    return items


def seed_content(
    session: Session, domain_dir: Path = DOMAIN_DIR, content_dir: Path = CONTENT_DIR
) -> int:
    """Load every default text; update seeded rows, never rows staff have edited. Returns count."""
    items = default_items(domain_dir, content_dir)
    existing = {(r.key, r.language): r for r in session.scalars(select(ContentItem))}
    count = 0
    for key, languages in items.items():
        for language, entry in languages.items():
            text = str(entry.get("text") or "").strip()
            if not text:
                continue
            buttons = list(entry.get("buttons") or [])
            row = existing.get((key, language))
            if row is None:
                session.add(
                    ContentItem(
                        key=key,
                        language=language,
                        text=text,
                        buttons=buttons,
                        needs_review=bool(entry.get("needs_review", False)),
                    )
                )
            elif row.source == "seed":
                row.text, row.buttons = text, buttons
                row.needs_review = bool(entry.get("needs_review", False))
            count += 1
    session.commit()
    return count


@lru_cache(maxsize=1)
def _builtin_items() -> dict[str, dict[str, dict[str, Any]]]:
    return default_items()


LAST_RESORT_TEXT = (
    "Sorry, something went wrong. Please call Calderbrook Family Hubs on 01632 960000. "
    "If anyone is in danger, call 999."
)


def builtin_entry(key: str, language: str) -> dict[str, Any] | None:
    """The shipped entry (text, buttons) for `key`, in `language` or else English."""
    languages = _builtin_items().get(key, {})
    return languages.get(language) or languages.get(DEFAULT_LANGUAGE)


def load_builtin_text(key: str, language: str) -> str:
    """The shipped default text for `key` straight from the files, for when the DB is down."""
    entry = builtin_entry(key, language)
    if not entry:
        return LAST_RESORT_TEXT
    return str(entry.get("text") or LAST_RESORT_TEXT).strip()
