"""The one path every incoming message takes, whatever the channel.

1. Safeguarding first, on the raw text: a disclosure of danger is answered in this same
   turn (999, the right helplines, a person) and the conversation is flagged for review.
2. The conversation language is decided here and only here (sticky; see channels.language).
3. Rasa gets the message with the language as metadata; if Rasa is down or slow the parent
   gets a kind reply with the hubs' phone number instead of silence.
4. A reply asking to forget the conversation deletes it everywhere.

Message text is never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import time
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from channels import conversations, language, privacy, safeguarding
from channels.rasa_client import RasaClient, RasaUnavailable
from channels.safeguarding.replies import build_concern_replies
from directory.content import get_content, load_builtin_text
from directory.models import Location

logger = logging.getLogger(__name__)

MAX_MESSAGE_CHARS = 1000
# Hub names come from the directory; staff may add one at any time.
PLACE_NAMES_TTL_S = 60.0
_CHANGE_LANGUAGE = re.compile(r"^/change_language\s*(\{.*\})\s*$", re.DOTALL)


@dataclass(frozen=True)
class IncomingMessage:
    """A parent's message as a channel hands it to the gate."""

    conversation_id: str  # channel-qualified: "web-…", "tg-…"; also Rasa's sender_id
    channel: str  # "web" or "telegram"
    text: str
    language_hint: str | None = None  # browser language, Telegram language_code
    chosen_language: str | None = None  # an explicit choice (selector, /language)


def clean_text(text: str) -> str:
    """Drop control characters (keeping newlines) and surrounding space."""
    return "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C").strip()


def explicit_language_choice(text: str) -> str | None:
    """A language picked with a button payload (`/change_language{"language":"pl"}`)."""
    match = _CHANGE_LANGUAGE.match(text)
    if not match:
        return None
    try:
        value = json.loads(match.group(1)).get("language")
    except (ValueError, AttributeError):
        return None
    return language.normalise_language_tag(value) if isinstance(value, str) else None


class Gate:
    """Safeguarding → language → Rasa, shared by web chat and Telegram."""

    def __init__(self, rasa: RasaClient, session_factory: Callable[[], Session]) -> None:
        self._rasa = rasa
        self._session_factory = session_factory
        self._places_loaded_at = -PLACE_NAMES_TTL_S

    async def handle(self, incoming: IncomingMessage) -> list[dict[str, Any]]:
        """Answer one message; always returns at least one reply."""
        text = clean_text(incoming.text)[:MAX_MESSAGE_CHARS]
        disclosure = safeguarding.check(text)
        chosen = incoming.chosen_language or explicit_language_choice(text)
        lang = await asyncio.to_thread(self._decide_language, incoming, text, chosen, disclosure)

        if disclosure is not None:
            logger.warning(
                "Safeguarding disclosure (%s) on %s; conversation flagged for review",
                ",".join(disclosure.categories),
                incoming.channel,
            )
            return await asyncio.to_thread(self._safeguarding_replies, incoming, disclosure, lang)

        concern = safeguarding.possible_concern(text)
        metadata = {"language": lang, "channel": incoming.channel}
        try:
            replies = await self._rasa.send(incoming.conversation_id, text, metadata)
        except RasaUnavailable as error:
            logger.error("Rasa unavailable (%s); sent the kind fallback", error)
            replies = [self._text_reply(incoming.conversation_id, "gate_trouble", lang)]
        if any((r.get("custom") or {}).get("forget_me") for r in replies):
            await asyncio.to_thread(self._forget, incoming.conversation_id)
            return replies
        if not replies:
            replies = [self._text_reply(incoming.conversation_id, "gate_no_reply", lang)]
        if concern is not None:
            # Below the disclosure bar but worrying: answer normally, then check in gently.
            logger.warning("Possible safeguarding concern (%s) on %s", concern, incoming.channel)
            replies += await asyncio.to_thread(self._concern_replies, incoming, concern, lang)
        return replies

    def _decide_language(
        self,
        incoming: IncomingMessage,
        text: str,
        chosen: str | None,
        disclosure: safeguarding.SafeguardingResult | None,
    ) -> str:
        try:
            with self._session_factory() as session:
                self._refresh_place_names(session)
                conversation = conversations.get_or_create(
                    session, incoming.conversation_id, incoming.channel
                )
                decision = language.decide_language(
                    text, conversation.language, hint=incoming.language_hint, explicit=chosen
                )
                conversations.record_turn(conversation, decision.language)
                if disclosure is not None:
                    safeguarding.flag_conversation(
                        session, incoming.conversation_id, incoming.channel, disclosure.categories
                    )
                session.commit()
                return decision.language
        except SQLAlchemyError:
            logger.error("Database unavailable while deciding the conversation language")
            return language.decide_language(
                text, None, hint=incoming.language_hint, explicit=chosen
            ).language

    def _refresh_place_names(self, session: Session) -> None:
        """Give the language detector the directory's hub names (at most once a minute)."""
        now = time.monotonic()
        if now - self._places_loaded_at < PLACE_NAMES_TTL_S:
            return
        self._places_loaded_at = now
        rows = session.execute(select(Location.name, Location.alternate_name)).all()
        language.set_place_names(name for row in rows for name in row if name)

    def _concern_replies(
        self, incoming: IncomingMessage, category: str, lang: str
    ) -> list[dict[str, Any]]:
        try:
            with self._session_factory() as session:
                safeguarding.flag_conversation(
                    session, incoming.conversation_id, incoming.channel, [f"possible_{category}"]
                )
                return safeguarding.concern_replies(
                    category,
                    lang,
                    session=session,
                    recipient_id=incoming.conversation_id,
                    channel=incoming.channel,
                )
        except SQLAlchemyError:
            logger.error("Database unavailable for the safeguarding check-in; shipped texts used")
            return build_concern_replies(
                category,
                lang,
                session=None,
                recipient_id=incoming.conversation_id,
                channel=incoming.channel,
            )

    def _safeguarding_replies(
        self, incoming: IncomingMessage, disclosure: safeguarding.SafeguardingResult, lang: str
    ) -> list[dict[str, Any]]:
        with self._session_factory() as session:
            return safeguarding.replies(
                disclosure,
                lang,
                session=session,
                recipient_id=incoming.conversation_id,
                channel=incoming.channel,
            )

    def _forget(self, conversation_id: str) -> None:
        try:
            with self._session_factory() as session:
                privacy.forget_conversation(session, conversation_id)
        except SQLAlchemyError:
            logger.error("Could not delete a conversation's records; the database is down")

    def _text_reply(self, recipient_id: str, key: str, lang: str) -> dict[str, Any]:
        try:
            with self._session_factory() as session:
                content = get_content(session, key, lang)
            if content is not None:
                return content.as_reply(recipient_id)
        except SQLAlchemyError:
            pass
        return {"recipient_id": recipient_id, "text": load_builtin_text(key, lang)}
