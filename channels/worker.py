"""The `worker` process: scheduled jobs. Today: the retention purge (daily at 02:30 UK time).

Transcripts (Rasa's tracker events), conversation records, messages left for staff,
unanswered questions and withdrawn subscriptions older than RETENTION_DAYS are deleted.
Run once with `python -m channels.worker --once`.
"""

from __future__ import annotations

import argparse
import datetime as dt
import logging
from dataclasses import dataclass

from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import delete, select, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from channels.privacy import tracker_engine
from directory.core.config import get_settings
from directory.core.db import get_sessionmaker
from directory.core.logging import configure_logging
from directory.models import Conversation, StaffMessage, Subscription, UnansweredQuestion

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PurgeReport:
    conversations: int
    staff_messages: int
    unanswered_questions: int
    subscriptions: int
    tracker_events: int


def purge_expired(session: Session, now: dt.datetime, retention_days: int) -> PurgeReport:
    """Delete everything older than the retention period; returns what was removed."""
    cutoff = now - dt.timedelta(days=retention_days)
    expired_ids = list(
        session.scalars(select(Conversation.id).where(Conversation.last_seen_at < cutoff))
    )
    statements = {
        "conversations": delete(Conversation).where(Conversation.last_seen_at < cutoff),
        "staff_messages": delete(StaffMessage).where(StaffMessage.created_at < cutoff),
        "unanswered_questions": delete(UnansweredQuestion).where(
            UnansweredQuestion.created_at < cutoff
        ),
        "subscriptions": delete(Subscription).where(
            Subscription.active.is_(False), Subscription.withdrawn_at < cutoff
        ),
    }
    counts = {name: _deleted(session.execute(stmt)) for name, stmt in statements.items()}
    session.commit()
    return PurgeReport(**counts, tracker_events=_purge_tracker(cutoff, expired_ids))


def _deleted(result: object) -> int:
    """Rows a DELETE removed (CursorResult.rowcount; typed loosely by SQLAlchemy)."""
    return int(getattr(result, "rowcount", 0) or 0)


def _purge_tracker(cutoff: dt.datetime, conversation_ids: list[str]) -> int:
    """Delete Rasa events older than the cutoff, and all events of expired conversations."""
    try:
        with tracker_engine().begin() as conn:
            removed = _deleted(
                conn.execute(
                    text("DELETE FROM events WHERE timestamp < :cutoff"),
                    {"cutoff": cutoff.timestamp()},
                )
            )
            for conversation_id in conversation_ids:
                removed += _deleted(
                    conn.execute(
                        text("DELETE FROM events WHERE sender_id = :sender"),
                        {"sender": conversation_id},
                    )
                )
            return removed
    except SQLAlchemyError:
        logger.warning("Rasa's tracker store is not reachable (or has no events table yet)")
        return 0


def run_purge() -> None:
    """One purge with the configured retention period."""
    days = get_settings().retention_days
    with get_sessionmaker()() as session:
        report = purge_expired(session, dt.datetime.now(dt.UTC), days)
    logger.info("Retention purge (%d days): %s", days, report)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--once", action="store_true", help="purge once and exit")
    args = parser.parse_args()
    configure_logging()
    run_purge()
    if args.once:
        return
    scheduler = BlockingScheduler(timezone=get_settings().timezone)
    scheduler.add_job(run_purge, "cron", hour=2, minute=30, id="retention_purge")
    scheduler.start()


if __name__ == "__main__":
    main()
