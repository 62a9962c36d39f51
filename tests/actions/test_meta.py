"""Bare answers, "did you mean", out of scope and languages."""

from __future__ import annotations

from typing import Any

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.meta import (
    ActionAnswerOutOfScope,
    ActionChangeLanguage,
    ActionHandleAnswer,
    ActionSuggestTopics,
    suggestions,
)
from tests.actions.conftest import SENDER, TrackerFactory, hub_id, responses_of


async def _run(action: Any, tracker: Any) -> tuple[CollectingDispatcher, list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher, events


async def test_an_age_answer_continues_the_topic(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    millbrook = hub_id(directory, "Millbrook")
    slots = {"awaiting": "age", "topic": "infant_feeding", "child_age_months": 24.0}
    slots["location_id"] = millbrook
    dispatcher, events = await _run(ActionHandleAnswer(), make_tracker("inform", "2", slots=slots))
    assert "utter_service_card" in responses_of(dispatcher)
    assert SlotSet("topic", "infant_feeding") in events


async def test_an_area_answer_continues_the_hub_question(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    eastgate = hub_id(directory, "Eastgate")
    slots = {"awaiting": "hub_opening_times", "location_id": eastgate}
    dispatcher, _ = await _run(
        ActionHandleAnswer(), make_tracker("inform", "eastgate", slots=slots)
    )
    assert dispatcher.messages[0]["hub"] == "Eastgate"


async def test_use_my_postcode_asks_for_it(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker(
        "inform", entities={"use_postcode": True}, slots={"awaiting": "area", "topic": "housing"}
    )
    dispatcher, events = await _run(ActionHandleAnswer(), tracker)
    assert responses_of(dispatcher) == ["utter_ask_postcode"]
    assert SlotSet("awaiting", "area") in events


async def test_a_place_with_nothing_pending_finds_the_hub(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("inform", "CK1 1LB", slots={"postcode": "CK1 1LB"})
    dispatcher, _ = await _run(ActionHandleAnswer(), tracker)
    assert "utter_hub_card" in responses_of(dispatcher)


async def test_an_answer_to_nothing_asks_what_help(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher, _ = await _run(ActionHandleAnswer(), make_tracker("inform", "yes please"))
    assert responses_of(dispatcher) == ["utter_ask_what_help"]


def test_suggestions_skip_meta_intents() -> None:
    ranking = [
        {"name": "nlu_fallback", "confidence": 0.5},
        {"name": "greet", "confidence": 0.3},
        {"name": "infant_feeding", "confidence": 0.2},
        {"name": "health_visiting", "confidence": 0.1},
        {"name": "whats_on", "confidence": 0.05},
        {"name": "pregnancy", "confidence": 0.01},
    ]
    assert suggestions(ranking) == ["infant_feeding", "health_visiting", "whats_on"]


async def test_did_you_mean_buttons_in_plain_words_and_the_question_is_kept_redacted(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    from directory.models import UnansweredQuestion

    tracker = make_tracker(
        "nlu_fallback",
        "my baby wont feed call me 07700 900123",
        ranking=[("nlu_fallback", 0.5), ("infant_feeding", 0.4), ("health_visiting", 0.3)],
    )
    dispatcher, _ = await _run(ActionSuggestTopics(), tracker)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_did_you_mean"
    assert [b["title"] for b in message["buttons"]] == [
        "Feeding your baby",
        "Health visitors and baby checks",
    ]
    assert message["buttons"][0]["payload"] == "/infant_feeding"
    row = directory.scalars(select(UnansweredQuestion)).one()
    assert row.conversation_id == SENDER
    assert "07700" not in row.text_redacted and "[phone]" in row.text_redacted
    assert row.predicted_intent == "infant_feeding"


async def test_did_you_mean_works_without_the_directory(
    directory_down: None, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("nlu_fallback", "hmm", ranking=[("pregnancy", 0.4)])
    dispatcher, _ = await _run(ActionSuggestTopics(), tracker)
    assert dispatcher.messages[0]["buttons"][0]["title"] == "Pregnancy and getting ready for birth"


async def test_no_likely_topic_says_so(directory: Session, make_tracker: TrackerFactory) -> None:
    tracker = make_tracker("nlu_fallback", "asdf", ranking=[("greet", 0.3)])
    dispatcher, _ = await _run(ActionSuggestTopics(), tracker)
    assert responses_of(dispatcher) == ["utter_not_understood"]


async def test_out_of_scope_points_to_the_council_and_is_recorded(
    directory: Session, make_tracker: TrackerFactory, domain_responses: dict[str, Any]
) -> None:
    from directory.models import UnansweredQuestion

    tracker = make_tracker("out_of_scope", "when are the bins collected")
    dispatcher, _ = await _run(ActionAnswerOutOfScope(), tracker)
    assert responses_of(dispatcher) == ["utter_out_of_scope"]
    text = domain_responses["utter_out_of_scope"][0]["text"]
    assert "01632 960000" in text and "calderbrook.example.gov.uk/contact" in text
    assert directory.scalars(select(UnansweredQuestion)).one().predicted_intent == "out_of_scope"


async def test_change_language_offers_buttons_then_confirms(
    make_tracker: TrackerFactory,
) -> None:
    dispatcher, _ = await _run(ActionChangeLanguage(), make_tracker("change_language"))
    payloads = [b["payload"] for b in dispatcher.messages[0]["buttons"]]
    assert '/change_language{"language":"pl"}' in payloads and len(payloads) == 10
    tracker = make_tracker("change_language", entities={"language": "pl"}, language="pl")
    dispatcher, events = await _run(ActionChangeLanguage(), tracker)
    assert dispatcher.messages[0]["response"] == "utter_language_changed"
    assert dispatcher.messages[0]["language_name"] == "Polski"
    assert SlotSet("language", "pl") in events
