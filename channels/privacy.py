"""Forgetting a conversation everywhere: the app's records and Rasa's tracker."""

from __future__ import annotations

import logging
from functools import lru_cache

from sqlalchemy import Engine, delete, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from directory.core.config import get_settings
from directory.core.db import make_engine
from directory.models import Conversation, StaffMessage, Subscription, UnansweredQuestion

logger = logging.getLogger(__name__)


@lru_cache
def tracker_engine() -> Engine:
    """Engine on Rasa's SQL tracker store (table `events`)."""
    return make_engine(get_settings().tracker_store_url)


def delete_tracker(conversation_id: str) -> int:
    """Delete Rasa's stored events of one conversation; returns rows deleted (0 if no store)."""
    try:
        with tracker_engine().begin() as conn:
            result = conn.execute(
                text("DELETE FROM events WHERE sender_id = :sender"), {"sender": conversation_id}
            )
            return int(result.rowcount or 0)
    except SQLAlchemyError:
        logger.warning("Could not reach Rasa's tracker store to forget a conversation")
        return 0


def forget_conversation(session: Session, conversation_id: str) -> None:
    """Delete everything kept about one conversation, in the app database and in Rasa."""
    for model in (StaffMessage, Subscription, UnansweredQuestion):
        session.execute(delete(model).where(model.conversation_id == conversation_id))
    session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    session.commit()
    delete_tracker(conversation_id)
