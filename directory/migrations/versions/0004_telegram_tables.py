"""Telegram channel tables: processed update ids (replays handled once) and button tokens.

The models live in channels/telegram/models.py (the directory does not import channels), so
this migration is written by hand and env.py keeps these tables out of autogenerate.

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "telegram_processed_update",
        sa.Column("bot_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("update_id", sa.BigInteger(), primary_key=True, autoincrement=False),
        sa.Column("processed_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_telegram_processed_update_processed_at",
        "telegram_processed_update",
        ["processed_at"],
    )
    op.create_table(
        "telegram_callback_token",
        sa.Column("token", sa.String(32), primary_key=True),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_telegram_callback_token_chat_id", "telegram_callback_token", ["chat_id"])
    op.create_index(
        "ix_telegram_callback_token_expires_at", "telegram_callback_token", ["expires_at"]
    )


def downgrade() -> None:
    op.drop_table("telegram_callback_token")
    op.drop_table("telegram_processed_update")
