"""Signposting: one question at a time when it changes the answer, then service cards."""

from __future__ import annotations

import re
from types import SimpleNamespace
from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.signposting import ActionSignpostServices, choose_question, first_sentence
from tests.actions.conftest import TrackerFactory, hub_id, responses_of


def _service(lo: int | None, hi: int | None, place: str | None) -> Any:
    location = SimpleNamespace(id=place) if place else None
    return SimpleNamespace(
        minimum_age_months=lo, maximum_age_months=hi, for_pregnancy=False, location=location
    )


def test_age_is_asked_only_when_ages_differ() -> None:
    same = [_service(0, 12, "a"), _service(0, 12, "a")]
    mixed = [_service(0, 12, "a"), _service(24, 60, "a")]
    assert choose_question(same, know_age=False, know_area=False, asked=set()) is None
    assert choose_question(mixed, know_age=False, know_area=False, asked=set()) == "age"
    assert choose_question(mixed, know_age=True, know_area=False, asked=set()) is None
    assert choose_question(mixed, know_age=False, know_area=False, asked={"age"}) is None


def test_area_is_asked_only_when_services_are_at_several_hubs() -> None:
    one_hub = [_service(None, None, "a"), _service(None, None, "a")]
    hubs = [_service(None, None, "a"), _service(None, None, "b"), _service(None, None, None)]
    assert choose_question(one_hub, know_age=False, know_area=False, asked=set()) is None
    assert choose_question(hubs, know_age=False, know_area=False, asked=set()) == "area"
    assert choose_question(hubs, know_age=False, know_area=True, asked=set()) is None


def test_first_sentence_is_short() -> None:
    assert first_sentence("A friendly group. Come along.") == "A friendly group."
    assert len(first_sentence("x" * 400)) == 160


async def _run(tracker: Any) -> tuple[CollectingDispatcher, list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await ActionSignpostServices().run(dispatcher, tracker, {})
    return dispatcher, events


async def test_asks_one_question_first_and_remembers_the_topic(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher, events = await _run(make_tracker("infant_feeding"))
    assert len(dispatcher.messages) == 1
    message = dispatcher.messages[0]
    assert message["response"] in {"utter_ask_age", "utter_ask_area"}
    assert SlotSet("topic", "infant_feeding") in events
    awaiting = next(e["value"] for e in events if e["name"] == "awaiting" and e["value"])
    assert awaiting in {"age", "area"}
    if message["response"] == "utter_ask_age":
        assert message["under_1_payload"] == '/inform{"child_age_months":6}'
        assert message["pregnant_payload"] == '/inform{"pregnant":true}'
    else:
        titles = {b["title"] for b in message["buttons"]}
        assert "Millbrook" in titles


async def test_does_not_ask_the_same_question_twice(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker(
        "infant_feeding", slots={"asked": ["infant_feeding:age", "infant_feeding:area"]}
    )
    dispatcher, _ = await _run(tracker)
    assert "utter_service_card" in responses_of(dispatcher)


async def test_shows_service_cards_with_real_directory_values(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    from directory.models import Location, Service

    millbrook = hub_id(directory, "Millbrook")
    tracker = make_tracker(
        "infant_feeding", slots={"child_age_months": 3.0, "location_id": millbrook}
    )
    dispatcher, _ = await _run(tracker)
    names = responses_of(dispatcher)
    assert names[0] == "utter_services_intro"
    cards = [m for m in dispatcher.messages if m["response"] == "utter_service_card"]
    assert 1 <= len(cards) <= 3
    services = set(directory.scalars(select(Service.name)))
    hubs = set(directory.scalars(select(Location.name)))
    for card in cards:
        assert card["name"] in services
        assert card["summary"] and card["cost"] and card["contact"]
    assert any(any(h in card["where"] for h in hubs) for card in cards)
    assert any(re.search(r"\d\d:\d\d", card["when"]) for card in cards)
    options = dispatcher.messages[-1]
    assert options["response"] in {"utter_service_options", "utter_service_options_last"}
    assert options["handoff_payload"].startswith("/human_handoff")
    assert options["whats_on_payload"].startswith("/whats_on")


async def test_more_options_shows_the_next_page(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    slots = {"child_age_months": 30.0, "asked": ["parenting_support:area"]}
    first, _ = await _run(make_tracker("parenting_support", slots=slots))
    options = first.messages[-1]
    assert options["response"] == "utter_service_options"
    assert options["more_payload"] == '/parenting_support{"page":2}'
    second, _ = await _run(make_tracker("parenting_support", slots=slots, entities={"page": 2}))
    names_1 = {m["name"] for m in first.messages if m["response"] == "utter_service_card"}
    names_2 = {m["name"] for m in second.messages if m["response"] == "utter_service_card"}
    assert names_2 and not names_1 & names_2


async def test_domestic_abuse_gives_the_helpline_first_and_asks_nothing(
    directory: Session, make_tracker: TrackerFactory, domain_responses: dict[str, Any]
) -> None:
    dispatcher, _ = await _run(make_tracker("domestic_abuse"))
    names = responses_of(dispatcher)
    assert names[0] == "utter_domestic_abuse_support"
    assert "utter_ask_age" not in names and "utter_ask_area" not in names
    text = domain_responses["utter_domestic_abuse_support"][0]["text"]
    assert "0808 2000 247" in text and "999" in text and "confidence" in text


async def test_unknown_postcode_is_said_kindly(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("food_support", slots={"postcode": "ZZ9 9ZZ"})
    dispatcher, events = await _run(tracker)
    assert responses_of(dispatcher) == ["utter_postcode_unknown"]
    assert SlotSet("postcode", None) in events


async def test_directory_down_gives_the_kind_fallback(
    directory_down: None, make_tracker: TrackerFactory
) -> None:
    dispatcher, events = await _run(make_tracker("infant_feeding"))
    assert responses_of(dispatcher) == ["utter_directory_unavailable"]
    assert SlotSet("topic", "infant_feeding") in events
