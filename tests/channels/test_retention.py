"""Retention: the worker deletes what is older than the configured period, and only that."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from channels import privacy
from channels.worker import purge_expired
from directory.core import config
from directory.models import Conversation, StaffMessage, Subscription, UnansweredQuestion

NOW = dt.datetime(2026, 11, 23, 12, 0, tzinfo=dt.UTC)


@pytest.fixture
def tracker_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """A Rasa-shaped tracker store (the `events` table Rasa's SQLTrackerStore creates)."""
    url = f"sqlite:///{tmp_path / 'tracker.db'}"
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255) NOT NULL,"
                " type_name VARCHAR(255) NOT NULL, timestamp FLOAT, intent_name VARCHAR(255),"
                " action_name VARCHAR(255), data TEXT)"
            )
        )
    engine.dispose()
    monkeypatch.setenv("TRACKER_STORE_URL", url)
    config.get_settings.cache_clear()
    privacy.tracker_engine.cache_clear()
    yield url
    privacy.tracker_engine().dispose()
    privacy.tracker_engine.cache_clear()
    config.get_settings.cache_clear()


def _add_conversation(session: Session, conversation_id: str, age_days: int) -> None:
    when = NOW - dt.timedelta(days=age_days)
    session.add(Conversation(id=conversation_id, channel="web", started_at=when, last_seen_at=when))
    session.add(StaffMessage(conversation_id=conversation_id, message="call me", created_at=when))
    session.add(
        UnansweredQuestion(conversation_id=conversation_id, text_redacted="q", created_at=when)
    )
    with privacy.tracker_engine().begin() as conn:
        conn.execute(
            text("INSERT INTO events (sender_id, type_name, timestamp) VALUES (:s, 'user', :t)"),
            {"s": conversation_id, "t": when.timestamp()},
        )


def _count(session: Session, model: type) -> int:
    return session.scalar(select(func.count()).select_from(model)) or 0


def _tracker_senders() -> set[str]:
    with privacy.tracker_engine().connect() as conn:
        return {row[0] for row in conn.execute(text("SELECT sender_id FROM events"))}


def test_purge_removes_only_expired_conversations(session: Session, tracker_db: str) -> None:
    _add_conversation(session, "web-old", age_days=31)
    _add_conversation(session, "web-new", age_days=2)
    session.add(
        Subscription(
            conversation_id="web-gone",
            channel="web",
            active=False,
            consented_at=NOW - dt.timedelta(days=90),
            withdrawn_at=NOW - dt.timedelta(days=40),
        )
    )
    session.add(
        Subscription(
            conversation_id="web-keep",
            channel="web",
            active=True,
            consented_at=NOW - dt.timedelta(days=90),
        )
    )
    session.commit()

    report = purge_expired(session, NOW, retention_days=30)

    assert report.conversations == 1
    assert [c.id for c in session.scalars(select(Conversation))] == ["web-new"]
    assert _count(session, StaffMessage) == 1
    assert _count(session, UnansweredQuestion) == 1
    assert [s.conversation_id for s in session.scalars(select(Subscription))] == ["web-keep"]
    assert _tracker_senders() == {"web-new"}


def test_forget_me_deletes_the_conversation_everywhere(session: Session, tracker_db: str) -> None:
    _add_conversation(session, "web-me", age_days=0)
    _add_conversation(session, "web-someone-else", age_days=0)
    session.commit()

    privacy.forget_conversation(session, "web-me")

    assert [c.id for c in session.scalars(select(Conversation))] == ["web-someone-else"]
    assert _count(session, StaffMessage) == 1
    assert _tracker_senders() == {"web-someone-else"}
