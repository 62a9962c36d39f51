"""The gate's answer to a disclosure: 999 and the right helplines, in the parent's language.

Texts come from the content store (`directory/content/safeguarding.yml`, editable by staff).
If the database cannot be read, or has no text for a key, the shipped YAML is read directly:
a disclosure must never go unanswered.
"""

from __future__ import annotations

import contextlib
import logging
from functools import lru_cache
from typing import Any

import yaml
from sqlalchemy.orm import Session

from directory.content import CONTENT_DIR, get_content

logger = logging.getLogger(__name__)

CONTENT_FILE = CONTENT_DIR / "safeguarding.yml"
LANGUAGES = ("en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk")
INTRO = "safeguarding_intro"
CHECK_IN = "safeguarding_check_in"
OFFER_PERSON = "safeguarding_offer_person"
WEB_LEAVE_QUICKLY = "safeguarding_web_leave_quickly"
HANDOFF_PAYLOAD = "/human_handoff"
_MAX_CATEGORY_TEXTS = 3
LAST_RESORT = (
    "Thank you for telling me. If you or anyone else is in danger right now, call 999. "
    "You can also call Calderbrook Family Hubs on 01632 960000 (Monday to Friday, 9am to 5pm)."
)


@lru_cache(maxsize=1)
def builtin_texts() -> dict[str, dict[str, dict[str, Any]]]:
    """Every safeguarding text straight from the shipped YAML file."""
    try:
        data = yaml.safe_load(CONTENT_FILE.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError):
        logger.error("Could not read the built-in safeguarding texts")
        return {}
    return {
        key: {lang: e if isinstance(e, dict) else {"text": e} for lang, e in langs.items()}
        for key, langs in data.items()
        if isinstance(langs, dict)
    }


def reply_keys(categories: tuple[str, ...], channel: str) -> list[str]:
    """Which texts to send, in order: urgent first, then a person, then the web hint."""
    cats = list(categories)
    if "suicide" in cats and "self_harm" in cats:
        cats.remove("self_harm")  # the suicide text carries the same routes
    keys = [] if cats and cats[0] == "medical_emergency" else [INTRO]
    keys += [f"safeguarding_{c}" for c in cats[:_MAX_CATEGORY_TEXTS]]
    keys.append(OFFER_PERSON)
    if channel == "web":
        keys.append(WEB_LEAVE_QUICKLY)
    return keys


def concern_keys(category: str, channel: str) -> list[str]:
    """The check-in after a normal answer: a gentle question, the category's routes, a person."""
    keys = [CHECK_IN, f"safeguarding_{category}", OFFER_PERSON]
    if channel == "web":
        keys.append(WEB_LEAVE_QUICKLY)
    return keys


def builtin_reply(key: str, language: str, recipient_id: str) -> dict[str, Any]:
    """One reply from the shipped file, in `language` or else English."""
    languages = builtin_texts().get(key, {})
    entry = languages.get(language) or languages.get("en") or {}
    reply: dict[str, Any] = {
        "recipient_id": recipient_id,
        "text": str(entry.get("text") or LAST_RESORT).strip(),
    }
    if entry.get("buttons"):
        reply["buttons"] = [
            {"title": str(b["title"]), "payload": str(b["payload"])} for b in entry["buttons"]
        ]
    return reply


def _store_reply(
    session: Session, key: str, language: str, recipient_id: str
) -> dict[str, Any] | None:
    content = get_content(session, key, language)
    if content is None or not content.text.strip():
        return None
    if content.fell_back and language in builtin_texts().get(key, {}):
        return None  # the shipped file has this language although the store does not
    return content.as_reply(recipient_id)


def build_replies(
    categories: tuple[str, ...],
    language: str,
    *,
    session: Session | None,
    recipient_id: str,
    channel: str,
) -> list[dict[str, Any]]:
    """The replies for these categories; see `channels.safeguarding.replies`."""
    return _replies(reply_keys(categories, channel), language, session, recipient_id)


def build_concern_replies(
    category: str,
    language: str,
    *,
    session: Session | None,
    recipient_id: str,
    channel: str,
) -> list[dict[str, Any]]:
    """The check-in replies for a possible concern in `category`."""
    return _replies(concern_keys(category, channel), language, session, recipient_id)


def _replies(
    keys: list[str], language: str, session: Session | None, recipient_id: str
) -> list[dict[str, Any]]:
    lang = language if language in LANGUAGES else "en"
    out: list[dict[str, Any]] = []
    store_ok = session is not None
    for key in keys:
        reply = None
        if store_ok and session is not None:
            try:
                reply = _store_reply(session, key, lang, recipient_id)
            except Exception as error:  # any database trouble: answer from the file instead
                logger.error(
                    "Content store unavailable for safeguarding replies (%s)", type(error).__name__
                )
                store_ok = False
                with contextlib.suppress(Exception):
                    session.rollback()
        out.append(reply or builtin_reply(key, lang, recipient_id))
        if key == OFFER_PERSON:
            _ensure_person_button(out[-1], lang, recipient_id)
    return out


def _ensure_person_button(reply: dict[str, Any], language: str, recipient_id: str) -> None:
    """Keep the "Talk to a person" button even if an edited text lost it."""
    buttons = list(reply.get("buttons") or [])
    if any(b.get("payload") == HANDOFF_PAYLOAD for b in buttons):
        return
    shipped = builtin_reply(OFFER_PERSON, language, recipient_id).get("buttons") or [
        {"title": "Talk to a person", "payload": HANDOFF_PAYLOAD}
    ]
    reply["buttons"] = buttons + [b for b in shipped if b["payload"] == HANDOFF_PAYLOAD]
