"""What the Telegram channel keeps in the app database, and its queries.

- `telegram_processed_update`: the update ids already handled (no content), so an update
  Telegram delivers twice (a webhook retry, polling after a crash) is answered once, also
  across restarts. Kept for `UPDATE_ID_RETENTION` (Telegram keeps undelivered updates 24 h).
- `telegram_callback_token`: the short opaque token behind every inline button, mapped to
  the button's payload for one chat until it expires. Callback data from Telegram is never
  trusted: only a known, unexpired token of the same chat yields a payload.
"""

from __future__ import annotations

import datetime as dt
import re
import secrets
from collections.abc import Sequence

from sqlalchemy import BigInteger, DateTime, String, Text, delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, Session, mapped_column

from directory.models import Base

CALLBACK_TOKEN_TTL = dt.timedelta(days=7)
UPDATE_ID_RETENTION = dt.timedelta(days=2)
TOKEN_BYTES = 12  # 16 URL-safe characters, far below Telegram's 64-byte callback_data limit
_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{16}$")


class TelegramProcessedUpdate(Base):
    """One Telegram update already taken for processing (ids only)."""

    __tablename__ = "telegram_processed_update"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class TelegramCallbackToken(Base):
    """An inline button's payload behind a short token, valid for one chat until expiry."""

    __tablename__ = "telegram_callback_token"

    token: Mapped[str] = mapped_column(String(32), primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger, index=True)
    payload: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def claim_update(session: Session, bot_id: int, update_id: int, now: dt.datetime) -> bool:
    """Record `update_id` as taken; False if it was taken before (a replay)."""
    session.add(TelegramProcessedUpdate(bot_id=bot_id, update_id=update_id, processed_at=now))
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        return False
    return True


def issue_tokens(
    session: Session,
    chat_id: int,
    payloads: Sequence[str],
    now: dt.datetime,
    ttl: dt.timedelta = CALLBACK_TOKEN_TTL,
) -> list[str]:
    """One new token per payload (same order), stored for `chat_id` until `now + ttl`."""
    tokens = [secrets.token_urlsafe(TOKEN_BYTES) for _ in payloads]
    session.add_all(
        TelegramCallbackToken(
            token=token, chat_id=chat_id, payload=payload, created_at=now, expires_at=now + ttl
        )
        for token, payload in zip(tokens, payloads, strict=True)
    )
    session.commit()
    return tokens


def looks_like_token(data: object) -> bool:
    """Whether callback data has the shape of one of our tokens (cheap check before the DB)."""
    return isinstance(data, str) and bool(_TOKEN_RE.match(data))


def resolve_token(session: Session, chat_id: int, data: object, now: dt.datetime) -> str | None:
    """The payload behind `data` for `chat_id`; None if unknown, forged, expired or not ours."""
    if not looks_like_token(data):
        return None
    row = session.get(TelegramCallbackToken, data)
    if row is None or row.chat_id != chat_id or _aware(row.expires_at) <= now:
        return None
    return row.payload


def forget_chat(session: Session, chat_id: int) -> int:
    """Delete every token of one chat ("forget me"); returns how many."""
    result = session.execute(
        delete(TelegramCallbackToken).where(TelegramCallbackToken.chat_id == chat_id)
    )
    session.commit()
    return int(getattr(result, "rowcount", 0) or 0)


def purge_expired(session: Session, now: dt.datetime) -> tuple[int, int]:
    """Delete expired tokens and old update ids; returns (tokens, update ids) deleted."""
    tokens = session.execute(
        delete(TelegramCallbackToken).where(TelegramCallbackToken.expires_at <= now)
    )
    updates = session.execute(
        delete(TelegramProcessedUpdate).where(
            TelegramProcessedUpdate.processed_at < now - UPDATE_ID_RETENTION
        )
    )
    session.commit()
    return int(getattr(tokens, "rowcount", 0) or 0), int(getattr(updates, "rowcount", 0) or 0)


def tokens_of_chat(session: Session, chat_id: int) -> list[str]:
    """The tokens currently stored for one chat (for tests and support)."""
    return list(
        session.scalars(
            select(TelegramCallbackToken.token).where(TelegramCallbackToken.chat_id == chat_id)
        )
    )


def _aware(value: dt.datetime) -> dt.datetime:
    """SQLite returns naive datetimes; they were stored as UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=dt.UTC)
