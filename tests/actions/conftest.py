"""Fixtures for the action tests: a directory with the sample data, trackers, a dispatcher.

Trackers and the dispatcher are rasa-sdk's own objects, built here (as RasaHQ's
financial-demo does), so each action runs exactly as the action server would run it.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from directory.__main__ import migrate
from directory.core import config, db
from directory.core.db import make_engine
from tests.conftest import REPO_ROOT

SENDER = "web-test-conversation"
SLOT_NAMES = (
    "language",
    "child_age_months",
    "pregnant",
    "postcode",
    "place",
    "location_id",
    "day",
    "time_of_day",
    "topic",
    "awaiting",
    "asked",
    "handoff_message",
    "handoff_contact",
    "requested_slot",
)


@pytest.fixture(scope="session")
def sample_db_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A migrated SQLite database with the fictional sample directory (built once)."""
    from directory.sample_data import load_sample

    path = tmp_path_factory.mktemp("sample") / "sample.db"
    url = f"sqlite:///{path}"
    migrate(url)
    engine = make_engine(url)
    with sessionmaker(bind=engine)() as session:
        load_sample(session)
        session.commit()
    engine.dispose()
    return path


@pytest.fixture
def database_url(tmp_path: Path, sample_db_template: Path) -> str:
    """A fresh copy of the sample database for one test (overrides the empty one)."""
    target = tmp_path / "test.db"
    shutil.copy(sample_db_template, target)
    return f"sqlite:///{target}"


@pytest.fixture
def directory(app_settings: config.Settings) -> Iterator[Session]:
    """The app's settings point at the sample database; yields a session to check rows."""
    from actions.slots import PLACE_CACHE

    PLACE_CACHE.clear()
    with db.get_sessionmaker()() as session:
        yield session
    PLACE_CACHE.clear()


@pytest.fixture
def directory_down(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """DATABASE_URL points at a PostgreSQL server that is not there."""
    from actions.slots import PLACE_CACHE

    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@127.0.0.1:9/x")
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    PLACE_CACHE.clear()
    yield
    config.get_settings.cache_clear()
    db.get_engine.cache_clear()
    db.get_sessionmaker.cache_clear()
    PLACE_CACHE.clear()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


TrackerFactory = Callable[..., Tracker]


@pytest.fixture
def make_tracker() -> TrackerFactory:
    """Build a tracker whose latest message has `intent`, `text`, entities and metadata."""

    def build(
        intent: str | None = None,
        text: str = "",
        *,
        entities: dict[str, Any] | None = None,
        slots: dict[str, Any] | None = None,
        language: str = "en",
        ranking: list[tuple[str, float]] | None = None,
        sender: str = SENDER,
    ) -> Tracker:
        values: dict[str, Any] = dict.fromkeys(SLOT_NAMES)
        values["language"] = language
        values.update(slots or {})
        intent_ranking = [{"name": n, "confidence": p} for n, p in (ranking or [])]
        latest = {
            "text": text or (f"/{intent}" if intent else ""),
            "intent": {"name": intent, "confidence": 0.95} if intent else {},
            "intent_ranking": intent_ranking,
            "entities": [{"entity": k, "value": v} for k, v in (entities or {}).items()],
            "metadata": {"language": language, "channel": "web"},
        }
        return Tracker(
            sender_id=sender,
            slots=values,
            latest_message=latest,
            events=[],
            paused=False,
            followup_action=None,
            active_loop={},
            latest_action_name="action_listen",
        )

    return build


@pytest.fixture(scope="session")
def domain_responses() -> dict[str, Any]:
    """Every response of the domain (English defaults)."""
    responses: dict[str, Any] = {}
    for path in sorted((REPO_ROOT / "bot" / "domain").glob("*.yml")):
        responses.update(yaml.safe_load(path.read_text()).get("responses") or {})
    return responses


def responses_of(dispatcher: CollectingDispatcher) -> list[str | None]:
    """The response names the parent would be sent, in order."""
    return [message.get("response") for message in dispatcher.messages]


def hub_id(session: Session, name: str) -> str:
    from directory.models import Location

    found = session.scalar(select(Location.id).where(Location.name == name))
    assert found is not None, name
    return found
