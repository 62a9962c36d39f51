"""Shared helpers of the actions: directory access with a timeout, slots, dates and buttons."""

from __future__ import annotations

import asyncio
import datetime as dt
import json
import logging
import time
from collections.abc import Callable
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from directory import contract

logger = logging.getLogger(__name__)

T = TypeVar("T")

DB_TIMEOUT_S = 3.0
LONDON = ZoneInfo("Europe/London")
DEFAULT_LANGUAGE = "en"


def supported_languages() -> tuple[str, ...]:
    """The ten languages of the intent contract."""
    return contract.languages()


def topics() -> tuple[str, ...]:
    """The topic intents of the contract (each answered by signposting)."""
    return contract.intents("topic")


def hub_intents() -> tuple[str, ...]:
    """The hub intents of the contract."""
    return contract.intents("hub")


# Slot names (one place).
SLOT_LANGUAGE = "language"
SLOT_AGE = "child_age_months"
SLOT_PREGNANT = "pregnant"
SLOT_POSTCODE = "postcode"
SLOT_PLACE = "place"
SLOT_LOCATION = "location_id"
SLOT_DAY = "day"
SLOT_TIME = "time_of_day"
SLOT_TOPIC = "topic"
SLOT_AWAITING = "awaiting"
SLOT_ASKED = "asked"


class DirectoryUnavailable(Exception):
    """The directory database did not answer in time (or at all)."""


def _run_in_session(work: Callable[[Session], T]) -> T:
    from directory.core.db import get_sessionmaker

    with get_sessionmaker()() as session:
        return work(session)


async def query_directory(work: Callable[[Session], T], timeout: float = DB_TIMEOUT_S) -> T:
    """Run `work(session)` in a worker thread; raise DirectoryUnavailable on error or timeout."""
    started = time.monotonic()
    try:
        return await asyncio.wait_for(asyncio.to_thread(_run_in_session, work), timeout)
    except TimeoutError as error:
        logger.warning("Directory query timed out after %.1f s", time.monotonic() - started)
        raise DirectoryUnavailable from error
    except Exception as error:
        if type(error).__name__ == "SearchError":  # a parent's input problem, not an outage
            raise
        logger.warning("Directory query failed: %s", type(error).__name__)
        raise DirectoryUnavailable from error


def utter_unavailable(dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """The kind fallback when the directory is slow or down."""
    dispatcher.utter_message(response="utter_directory_unavailable")
    return []


def language_of(tracker: Tracker) -> str:
    """The conversation language (the gate's metadata, else the slot, else English)."""
    metadata = tracker.latest_message.get("metadata") or {}
    language = metadata.get("language") if isinstance(metadata, dict) else None
    language = language or tracker.get_slot(SLOT_LANGUAGE) or DEFAULT_LANGUAGE
    return str(language) if str(language) in supported_languages() else DEFAULT_LANGUAGE


def channel_of(tracker: Tracker) -> str:
    """The channel the gate says the message came from ("web" or "telegram")."""
    metadata = tracker.latest_message.get("metadata") or {}
    channel = metadata.get("channel") if isinstance(metadata, dict) else None
    if channel:
        return str(channel)
    sender = tracker.sender_id or ""
    return "telegram" if sender.startswith("tg-") else "web"


def latest_intent(tracker: Tracker) -> str | None:
    intent = tracker.latest_message.get("intent") or {}
    name = intent.get("name")
    return str(name) if name else None


def entity(tracker: Tracker, name: str) -> Any:
    """The first value of entity `name` in the latest message (button payloads set these)."""
    for item in tracker.latest_message.get("entities") or []:
        if item.get("entity") == name:
            return item.get("value")
    return None


def payload(intent: str, **entities: Any) -> str:
    """A button payload that sends `intent` with `entities` ("/whats_on{"location_id":"…"}")."""
    values = {k: v for k, v in entities.items() if v is not None}
    return f"/{intent}{json.dumps(values, separators=(',', ':'))}" if values else f"/{intent}"


def now_london() -> dt.datetime:
    return dt.datetime.now(LONDON)


def format_when(start: dt.datetime, language: str, end: dt.datetime | None = None) -> str:
    """A session's day and time in Europe/London, in the conversation language."""
    from babel.dates import format_date, format_time

    local = start.astimezone(LONDON)
    locale = language if language in supported_languages() else DEFAULT_LANGUAGE
    try:
        day = format_date(local.date(), "EEEE d MMMM", locale=locale)
        text = f"{day}, {format_time(local.time(), 'HH:mm', locale=locale)}"
        if end is not None:
            text += f"–{format_time(end.astimezone(LONDON).time(), 'HH:mm', locale=locale)}"
    except Exception:  # babel lacks a locale: fall back to English
        text = local.strftime("%A %-d %B, %H:%M")
        if end is not None:
            text += end.astimezone(LONDON).strftime("–%H:%M")
    return text


def format_time_only(moment: dt.datetime, language: str) -> str:
    from babel.dates import format_time

    try:
        return str(format_time(moment.astimezone(LONDON).time(), "HH:mm", locale=language))
    except Exception:
        return moment.astimezone(LONDON).strftime("%H:%M")


def map_link(latitude: float | None, longitude: float | None) -> str:
    if latitude is None or longitude is None:
        return ""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}"
        f"#map=17/{latitude:.5f}/{longitude:.5f}"
    )


def content_text(session: Session, key: str, language: str) -> str:
    """A short text (e.g. a topic's plain-words label) from the content store."""
    from directory.content import get_content, load_builtin_text

    try:
        item = get_content(session, key, language)
    except Exception:
        item = None
    return item.text if item is not None else load_builtin_text(key, language)


def builtin_text(key: str, language: str) -> str:
    """The shipped text of `key` when the database cannot be asked."""
    from directory.content import load_builtin_text

    return load_builtin_text(key, language)


FALLBACK_NOTE_KEY = "translation_fallback_note"


def fallback_note(session: Session, language: str) -> str | None:
    """The one-line "some details are only in English" note, or None for English."""
    if language == DEFAULT_LANGUAGE:
        return None
    return content_text(session, FALLBACK_NOTE_KEY, language)
