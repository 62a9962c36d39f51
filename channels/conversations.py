"""What the channels remember per conversation: its language, its turn count, review flags.

No message text is stored here.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.orm import Session

from directory.models import Conversation


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def get_or_create(session: Session, conversation_id: str, channel: str) -> Conversation:
    """The conversation row for `conversation_id`, created on first contact."""
    conversation = session.get(Conversation, conversation_id)
    if conversation is None:
        now = utcnow()
        conversation = Conversation(
            id=conversation_id, channel=channel, started_at=now, last_seen_at=now, turns=0
        )
        session.add(conversation)
    return conversation


def record_turn(conversation: Conversation, language: str) -> None:
    """Remember the conversation language and that one more turn happened."""
    conversation.language = language
    conversation.last_seen_at = utcnow()
    conversation.turns = (conversation.turns or 0) + 1
