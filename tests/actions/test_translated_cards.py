"""Service cards, hub cards and session names in the conversation language, with a note."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from actions.hubs import ActionFindHub, show_whats_on
from actions.signposting import ActionSignpostServices
from directory.content import load_builtin_text
from directory.models import Schedule, Service, Translation
from directory.sample_data import stable_id
from tests.actions.conftest import TrackerFactory, hub_id

NOTE_KEY = "translation_fallback_note"
ASKED = {"asked": ["infant_feeding:age", "infant_feeding:area"]}


def _polish(session: Session, entity_id: str, field: str) -> str:
    text = session.scalar(
        select(Translation.text).where(
            Translation.entity_id == entity_id,
            Translation.field == field,
            Translation.language == "pl",
        )
    )
    assert text, (entity_id, field)
    return text


def _notes(dispatcher: CollectingDispatcher, language: str) -> list[dict[str, Any]]:
    note = load_builtin_text(NOTE_KEY, language)
    return [m for m in dispatcher.messages if m.get("text") == note]


async def _cards(tracker: Any) -> CollectingDispatcher:
    dispatcher = CollectingDispatcher()
    await ActionSignpostServices().run(dispatcher, tracker, {})
    return dispatcher


def _shown_ids(session: Session, dispatcher: CollectingDispatcher, language: str) -> list[str]:
    cards = [m for m in dispatcher.messages if m.get("response") == "utter_service_card"]
    assert cards
    ids = []
    for card in cards:
        found = session.scalar(
            select(Translation.entity_id).where(
                Translation.field == "name",
                Translation.language == language,
                Translation.text == card["name"],
            )
        )
        assert found, card["name"]
        ids.append(found)
    return ids


async def test_polish_card_shows_the_polish_name_and_no_note_when_all_is_translated(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher = await _cards(make_tracker("infant_feeding", slots=ASKED, language="pl"))
    ids = _shown_ids(directory, dispatcher, "pl")
    first = next(m for m in dispatcher.messages if m.get("response") == "utter_service_card")
    assert first["name"] == _polish(directory, ids[0], "name")
    assert _polish(directory, ids[0], "description").startswith(first["summary"].rstrip("…"))
    assert not _notes(dispatcher, "pl")


async def test_untranslated_field_falls_back_to_english_with_one_polish_note(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("infant_feeding", slots=ASKED, language="pl")
    ids = _shown_ids(directory, await _cards(tracker), "pl")
    directory.execute(
        delete(Translation).where(
            Translation.entity_id.in_(ids),
            Translation.language == "pl",
            Translation.field == "description",
        )
    )
    directory.commit()
    dispatcher = await _cards(tracker)
    cards = [m for m in dispatcher.messages if m.get("response") == "utter_service_card"]
    service = directory.get(Service, ids[0])
    assert service is not None
    assert cards[0]["name"] == _polish(directory, ids[0], "name")
    assert service.description.startswith(cards[0]["summary"].rstrip("…").rstrip("."))
    notes = _notes(dispatcher, "pl")
    assert len(notes) == 1
    assert notes[0]["text"] == "Niektóre informacje są na razie dostępne tylko po angielsku."
    # The note follows the cards, before the buttons.
    index = dispatcher.messages.index(notes[0])
    assert dispatcher.messages[index - 1]["response"] == "utter_service_card"


async def test_english_cards_are_unchanged(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher = await _cards(make_tracker("infant_feeding", slots=ASKED, language="en"))
    names = {m["name"] for m in dispatcher.messages if m.get("response") == "utter_service_card"}
    english = set(directory.scalars(select(Service.name)))
    assert names and names <= english
    assert not _notes(dispatcher, "en")


async def test_hub_card_in_polish_and_note_for_english_transport(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    central = hub_id(directory, "Calderbrook Central")
    tracker = make_tracker("find_hub", slots={"location_id": central}, language="pl")
    dispatcher = CollectingDispatcher()
    await ActionFindHub().run(dispatcher, tracker, {})
    card = next(m for m in dispatcher.messages if m.get("response") == "utter_hub_card")
    assert card["accessibility"] == _polish(directory, central, "accessibility")
    assert card["transport"] == _polish(directory, central, "transport")
    assert not _notes(dispatcher, "pl")

    directory.execute(
        delete(Translation).where(
            Translation.entity_id == central,
            Translation.field == "transport",
            Translation.language == "pl",
        )
    )
    directory.commit()
    dispatcher = CollectingDispatcher()
    await ActionFindHub().run(dispatcher, tracker, {})
    card = next(m for m in dispatcher.messages if m.get("response") == "utter_hub_card")
    assert card["transport"].startswith("Five minutes' walk")
    assert len(_notes(dispatcher, "pl")) == 1


async def test_whats_on_uses_polish_session_names(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    riverside = hub_id(directory, "Riverside Youth Hub")
    tracker = make_tracker("whats_on", slots={"location_id": riverside}, language="pl")
    dispatcher = CollectingDispatcher()
    monday = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    await show_whats_on(dispatcher, tracker, now=monday)
    message = next(m for m in dispatcher.messages if m.get("response") == "utter_whats_on_hub")
    junior = stable_id("session", "youth-clubs/riverside/0")
    schedule = directory.get(Schedule, junior)
    assert schedule is not None and schedule.name
    lines = message["sessions"]
    assert schedule.name not in lines
    assert any(_polish(directory, sid, "name") in lines for sid in _named_sessions(directory))


def _named_sessions(session: Session) -> list[str]:
    return list(
        session.scalars(
            select(Translation.entity_id).where(
                Translation.entity_type == "schedule", Translation.language == "pl"
            )
        )
    )
