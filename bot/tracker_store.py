"""Rasa's SQL tracker store, tuned for the embedded SQLite default (endpoints.yml).

Rasa 3.6 opens a new SQLite connection for every query and commits in SQLite's default
rollback-journal mode, which waits for the disk on each commit (~5 ms on this machine, inside
Rasa's event loop, so every other conversation waits too). Here SQLite gets:

- WAL journal with `synchronous=NORMAL`: a commit no longer waits for the disk (~0.05 ms).
  The file stays consistent after a crash; a power cut can lose the last few turns, which a
  chat front door can afford (the web keeps its own conversation record).
- a small pool of kept connections instead of a new one per query.

PostgreSQL (the scaled setup, endpoints.production.yml) is left exactly as Rasa makes it.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy.orm import sessionmaker
from sqlalchemy.pool import QueuePool

SQLITE_BUSY_TIMEOUT_S = 15


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


class FrontDoorTrackerStore(SQLTrackerStore):
    """`SQLTrackerStore` with WAL, `synchronous=NORMAL` and pooled connections on SQLite."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name != "sqlite":
            return
        url = self.engine.url
        self.engine.dispose()
        self.engine = sa.create_engine(
            url,
            poolclass=QueuePool,
            pool_size=4,
            max_overflow=4,
            connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S},
        )
        sa.event.listen(self.engine, "connect", _sqlite_pragmas)
        self.sessionmaker = sessionmaker(bind=self.engine)
