"""Forget me, subscriptions, and leaving a message for staff."""

from __future__ import annotations

import datetime as dt
from typing import Any

from rasa_sdk.events import AllSlotsReset, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions.handoff import (
    ActionLeaveMessage,
    ActionOfferHandoff,
    ValidateLeaveMessageForm,
    contact_in,
)
from actions.privacy import ActionForgetMe
from actions.subscriptions import ActionSubscribeUpdates, ActionUnsubscribeUpdates
from tests.actions.conftest import SENDER, TrackerFactory, hub_id, responses_of

NOW = dt.datetime(2026, 3, 10, 10, 0, tzinfo=dt.UTC)


async def _run(action: Any, tracker: Any) -> tuple[CollectingDispatcher, list[Any]]:
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, tracker, {})
    return dispatcher, events


def _add_records(session: Session, conversation_id: str) -> None:
    from directory.models import Conversation, StaffMessage, Subscription, UnansweredQuestion

    session.add_all(
        [
            Conversation(id=conversation_id, channel="web", started_at=NOW, last_seen_at=NOW),
            StaffMessage(conversation_id=conversation_id, message="hi", created_at=NOW),
            Subscription(conversation_id=conversation_id, channel="web", consented_at=NOW),
            UnansweredQuestion(conversation_id=conversation_id, text_redacted="x", created_at=NOW),
        ]
    )
    session.commit()


async def test_forget_me_deletes_this_conversation_only(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    from directory.models import Conversation, StaffMessage, Subscription, UnansweredQuestion

    _add_records(directory, SENDER)
    _add_records(directory, "web-someone-else")
    dispatcher, events = await _run(ActionForgetMe(), make_tracker("affirm"))
    message = dispatcher.messages[0]
    assert message["response"] == "utter_forgotten"
    assert message["custom"] == {"forget_me": True}
    assert AllSlotsReset() in events
    directory.expire_all()
    for model in (StaffMessage, Subscription, UnansweredQuestion):
        assert set(directory.scalars(select(model.conversation_id))) == {"web-someone-else"}
    assert set(directory.scalars(select(Conversation.id))) == {"web-someone-else"}


async def test_forget_me_says_so_when_it_cannot_delete(
    directory_down: None, make_tracker: TrackerFactory
) -> None:
    dispatcher, _ = await _run(ActionForgetMe(), make_tracker("affirm"))
    assert responses_of(dispatcher) == ["utter_forget_me_failed"]
    assert "custom" not in dispatcher.messages[0] or not dispatcher.messages[0]["custom"]


async def test_subscribe_while_waiting_stores_waiting_well_consent(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    from directory.models import Subscription

    tracker = make_tracker("subscribe", slots={"topic": "send_waiting"}, language="pl")
    dispatcher, _ = await _run(ActionSubscribeUpdates(), tracker)
    assert responses_of(dispatcher) == ["utter_subscribed_waiting_well"]
    row = directory.scalars(select(Subscription)).one()
    assert (row.conversation_id, row.topic, row.language, row.active, row.channel) == (
        SENDER,
        "waiting_well",
        "pl",
        True,
        "web",
    )
    dispatcher, _ = await _run(ActionUnsubscribeUpdates(), make_tracker("unsubscribe"))
    assert responses_of(dispatcher) == ["utter_unsubscribed"]
    directory.expire_all()
    row = directory.scalars(select(Subscription)).one()
    assert row.active is False and row.withdrawn_at is not None
    dispatcher, _ = await _run(ActionUnsubscribeUpdates(), make_tracker("unsubscribe"))
    assert responses_of(dispatcher) == ["utter_not_subscribed"]


async def test_subscribe_without_a_topic_is_general(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    from directory.models import Subscription

    await _run(ActionSubscribeUpdates(), make_tracker("subscribe"))
    await _run(ActionSubscribeUpdates(), make_tracker("subscribe"))  # no duplicate
    assert [r.topic for r in directory.scalars(select(Subscription))] == ["general"]


async def test_handoff_gives_the_hubs_details(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    eastgate = hub_id(directory, "Eastgate")
    tracker = make_tracker("human_handoff", slots={"location_id": eastgate})
    dispatcher, events = await _run(ActionOfferHandoff(), tracker)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_handoff_hub"
    assert message["hub"] == "Eastgate" and message["phone"].startswith("01632")
    assert "@" in message["email"] and message["hours"]
    assert SlotSet("location_id", eastgate) in events


async def test_handoff_without_a_hub_gives_the_main_number(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher, _ = await _run(ActionOfferHandoff(), make_tracker("human_handoff"))
    assert responses_of(dispatcher) == ["utter_handoff_general"]


def test_contact_details_are_recognised() -> None:
    assert contact_in("ring me on 07700 900123 please") == "07700 900123"
    assert contact_in("sam@example.com") == "sam@example.com"
    assert contact_in("tomorrow") is None


def test_form_asks_again_for_unusable_contact_details(make_tracker: TrackerFactory) -> None:
    dispatcher = CollectingDispatcher()
    form = ValidateLeaveMessageForm()
    result = form.validate_handoff_contact("whenever", dispatcher, make_tracker("inform"), {})
    assert result == {"handoff_contact": None}
    assert responses_of(dispatcher) == ["utter_contact_not_understood"]
    ok = form.validate_handoff_contact("07700 900123", dispatcher, make_tracker("inform"), {})
    assert ok == {"handoff_contact": "07700 900123"}


async def test_leaving_a_message_stores_it_for_staff(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    from directory.models import StaffMessage

    eastgate = hub_id(directory, "Eastgate")
    slots = {
        "location_id": eastgate,
        "topic": "speech_language",
        "handoff_message": "my son is 2 and hardly talks",
        "handoff_contact": "07700 900123",
    }
    dispatcher, events = await _run(ActionLeaveMessage(), make_tracker("inform", slots=slots))
    assert dispatcher.messages[0]["response"] == "utter_message_left_hub"
    assert dispatcher.messages[0]["hub"] == "Eastgate"
    row = directory.scalars(select(StaffMessage)).one()
    assert (row.conversation_id, row.location_id, row.topic, row.contact) == (
        SENDER,
        eastgate,
        "speech_language",
        "07700 900123",
    )
    assert row.message == "my son is 2 and hardly talks" and row.status == "new"
    assert SlotSet("handoff_message", None) in events


def test_a_button_press_or_no_ends_the_message_form(make_tracker: TrackerFactory) -> None:
    form, dispatcher = ValidateLeaveMessageForm(), CollectingDispatcher()
    pressed = form.validate_handoff_message("/forget_me", dispatcher, make_tracker("forget_me"), {})
    assert pressed == {"handoff_message": None, "requested_slot": None}
    no = form.validate_handoff_contact("no thanks", dispatcher, make_tracker("deny", "no"), {})
    assert no == {"handoff_contact": None, "requested_slot": None}
    kept = form.validate_handoff_message("no idea what to do", dispatcher, make_tracker("x"), {})
    assert kept == {"handoff_message": "no idea what to do"}


async def test_an_ended_form_sends_nothing(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    from directory.models import StaffMessage

    slots = {"handoff_message": "help", "handoff_contact": None}
    dispatcher, _ = await _run(ActionLeaveMessage(), make_tracker("deny", slots=slots))
    assert responses_of(dispatcher) == ["utter_message_not_sent"]
    assert directory.scalars(select(StaffMessage)).first() is None
