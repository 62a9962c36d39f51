"""Shared fixtures: a freshly migrated database per test module, on SQLite or PostgreSQL."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from directory.__main__ import migrate
from directory.core import config, db
from directory.core.db import make_engine

REPO_ROOT = Path(__file__).resolve().parents[1]
SHARED = REPO_ROOT.parent / "shared"


def postgres_url_or_skip() -> str:
    """The test PostgreSQL's URL, or skip with the reason `make test` found."""
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip(os.environ.get("PG_SKIP_REASON", "TEST_POSTGRES_URL is not set"))
    return url


def reset_postgres(url: str) -> None:
    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    """A new, migrated SQLite database for one test."""
    url = f"sqlite:///{tmp_path / 'test.db'}"
    migrate(url)
    return url


@pytest.fixture
def engine(database_url: str) -> Iterator[Engine]:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session on a new, migrated, empty SQLite database."""
    with sessionmaker(bind=engine, expire_on_commit=False)() as s:
        yield s


@pytest.fixture
def app_settings(database_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[config.Settings]:
    """Point the app's settings (and cached engine) at the test database."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    monkeypatch.setenv("ENVIRONMENT", "test")
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    yield config.get_settings()
    db.get_engine().dispose()
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
