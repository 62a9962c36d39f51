"""The safeguarding gate: runs on every incoming message before language detection and NLU.

`check(text)` says whether a message discloses immediate risk (lexicon of curated phrases in
ten languages, plus a small trained classifier; either one flagging counts, because recall
matters more than precision). `replies(...)` gives the same-turn answer in the parent's
language, and `flag_conversation(...)` marks the conversation for staff review without
storing any message text. See docs/safeguarding.md.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from channels.safeguarding import classifier, lexicon
from channels.safeguarding.lexicon import CATEGORIES
from channels.safeguarding.normalise import forms
from channels.safeguarding.replies import build_concern_replies, build_replies
from directory.models import Conversation

__all__ = [
    "CATEGORIES",
    "SafeguardingResult",
    "check",
    "concern_replies",
    "flag_conversation",
    "possible_concern",
    "replies",
    "warm_up",
]

logger = logging.getLogger(__name__)
_MIN_WORDS_LEFT = 4


@dataclass(frozen=True)
class SafeguardingResult:
    """A disclosure: its categories (most urgent first), what found it, and how sure."""

    categories: tuple[str, ...]
    matched_by: str  # "lexicon", "classifier" or "lexicon+classifier"
    score: float  # 1.0 for a lexicon phrase; the classifier's score (0.5 at its threshold)


def warm_up() -> None:
    """Compile the lexicon and train the classifier now rather than on the first message."""
    lexicon.get_lexicon()
    classifier.get_model()


@lru_cache(maxsize=64)
def _analyse(text: str) -> tuple[tuple[str, ...], str | None]:
    """(lexicon categories, the classifier's input or None) for a text.

    Cached: the gate asks `check` and then `possible_concern` about the same message, and the
    lexicon pass is the costly part of both.
    """
    text_forms = forms(text)
    masked = lexicon.mask_negatives(text_forms)
    # A message that was mostly a harmless phrase leaves too little for the classifier.
    enough = masked.folded == text_forms.folded or len(masked.folded.split()) >= _MIN_WORDS_LEFT
    return lexicon.match(masked), masked.folded if enough else None


def check(text: str) -> SafeguardingResult | None:
    """The disclosure in `text`, or None. Pure and fast; never raises."""
    try:
        if not isinstance(text, str) or not text.strip():
            return None
        by_lexicon, prepared = _analyse(text)
        by_model = classifier.get_model().classify(prepared) if prepared is not None else None
    except Exception as error:  # the gate must never break a conversation
        logger.error("Safeguarding check failed (%s)", type(error).__name__)
        return None
    if not by_lexicon and by_model is None:
        return None
    if by_model is None:
        return SafeguardingResult(by_lexicon, "lexicon", 1.0)
    category, score = by_model
    if not by_lexicon:
        return SafeguardingResult((category,), "classifier", round(score, 3))
    categories = by_lexicon if category in by_lexicon else (*by_lexicon, category)
    return SafeguardingResult(categories, "lexicon+classifier", 1.0)


def possible_concern(text: str) -> str | None:
    """The likeliest category of a message below the disclosure bar but worth a check-in.

    Call it only when `check(text)` found nothing. Only the classifier's softer tier
    decides it; never raises.
    """
    try:
        if not isinstance(text, str) or not text.strip():
            return None
        _, prepared = _analyse(text)
        return classifier.get_model().concern(prepared) if prepared is not None else None
    except Exception as error:  # the gate must never break a conversation
        logger.error("Safeguarding concern check failed (%s)", type(error).__name__)
        return None


def concern_replies(
    category: str, language: str, *, session: Session, recipient_id: str, channel: str
) -> list[dict[str, Any]]:
    """A gentle check-in after the normal answer: 999, the category's helplines, a person."""
    return build_concern_replies(
        category, language, session=session, recipient_id=recipient_id, channel=channel
    )


def replies(
    result: SafeguardingResult,
    language: str,
    *,
    session: Session,
    recipient_id: str,
    channel: str,
) -> list[dict[str, Any]]:
    """Rasa REST-shaped replies: 999 and helplines, a person to talk to, the web exit hint.

    Reads the content store; falls back to the shipped texts if the database is unavailable.
    """
    return build_replies(
        result.categories, language, session=session, recipient_id=recipient_id, channel=channel
    )


def flag_conversation(
    session: Session, conversation_id: str, channel: str, categories: Iterable[str]
) -> None:
    """Mark the conversation for staff review and record the categories (never any text)."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        now = dt.datetime.now(dt.UTC)
        conversation = Conversation(
            id=conversation_id, channel=channel, started_at=now, last_seen_at=now, turns=0
        )
        session.add(conversation)
    known = [c for c in (conversation.flag_categories or "").split(",") if c]
    for category in categories:
        if category not in known:
            known.append(category)
    conversation.flagged_for_review = True
    conversation.flag_categories = ",".join(known)[:255]
    session.commit()
