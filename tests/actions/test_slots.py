"""action_validate_slot_mappings: language from the gate, entities from every message."""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.slots import ActionValidateSlotMappings
from tests.actions.conftest import TrackerFactory, hub_id


async def _slots(tracker: Any) -> dict[str, Any]:
    events = await ActionValidateSlotMappings().run(CollectingDispatcher(), tracker, {})
    return {e["name"]: e["value"] for e in events}


async def test_language_comes_from_the_gates_metadata(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("greet", "dzień dobry", language="pl", slots={"language": "en"})
    assert (await _slots(tracker))["language"] == "pl"


async def test_age_place_and_day_from_text(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("whats_on", "anything for my 2 year old near eastgate on saturday")
    slots = await _slots(tracker)
    assert slots["child_age_months"] == 24.0
    assert slots["location_id"] == hub_id(directory, "Eastgate")
    assert slots["place"] == "Eastgate"
    assert slots["day"] == "saturday"


async def test_a_postcode_replaces_the_place(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("inform", "ck1 1lb", slots={"place": "Eastgate", "location_id": "x"})
    slots = await _slots(tracker)
    assert slots["postcode"] == "CK1 1LB"
    assert slots["location_id"] is None and slots["place"] is None


async def test_a_bare_number_is_an_age_only_when_asked(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    assert "child_age_months" not in await _slots(make_tracker("inform", "3"))
    asked = make_tracker("inform", "3", slots={"awaiting": "age"})
    assert (await _slots(asked))["child_age_months"] == 36.0


async def test_button_payload_entities_fill_slots(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("inform", entities={"child_age_months": 6})
    assert (await _slots(tracker))["child_age_months"] == 6.0
    tracker = make_tracker("inform", entities={"pregnant": True})
    assert (await _slots(tracker))["pregnant"] is True
    tracker = make_tracker("whats_on", entities={"location_id": "abc"})
    assert (await _slots(tracker))["location_id"] == "abc"


async def test_days_do_not_stick_between_messages(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("whats_on", "what's on", slots={"day": "saturday"})
    assert (await _slots(tracker))["day"] is None


async def test_entities_still_work_when_the_directory_is_down(
    directory_down: None, make_tracker: TrackerFactory
) -> None:
    slots = await _slots(make_tracker("pregnancy", "I'm 20 weeks pregnant"))
    assert slots["pregnant"] is True
