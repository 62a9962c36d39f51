"""Talking to a person: the hub's contact details, and leaving a message for the team."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import common as c

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_PHONE_RE = re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b")
MAX_MESSAGE_CHARS = 2000


def contact_in(text: str) -> str | None:
    """The phone number or email address in `text`, if there is one."""
    match = _EMAIL_RE.search(text) or _PHONE_RE.search(text)
    return match.group(0).strip() if match else None


def wants_to_stop(tracker: Tracker, text: str) -> bool:
    """A button press (another question) or a short "no" ends the message form."""
    if text.startswith("/"):
        return True
    return c.latest_intent(tracker) == "deny" and len(text.split()) <= 4


class ActionOfferHandoff(Action):
    """How to reach a person at the hub, with a button to leave a message."""

    def name(self) -> str:
        return "action_offer_handoff"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await offer_handoff(dispatcher, tracker)


async def offer_handoff(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    from actions.hubs import choose_hub, week_hours

    language = c.language_of(tracker)
    now = c.now_london()

    def work(session: Session) -> dict[str, Any] | None:
        choice = choose_hub(
            session, tracker.get_slot(c.SLOT_LOCATION), tracker.get_slot(c.SLOT_POSTCODE)
        )
        if choice.hub is None:
            return None
        hub = choice.hub
        return {
            "hub": hub.name,
            "phone": hub.phone or "01632 960000",
            "email": hub.email or "familyhubs@calderbrook.example.gov.uk",
            "hours": week_hours(session, hub.id, now, language),
            "location_id": hub.id,
        }

    try:
        details = await c.query_directory(work)
    except c.DirectoryUnavailable:
        return c.utter_unavailable(dispatcher)
    if details is None:
        dispatcher.utter_message(response="utter_handoff_general")
        return []
    location_id = details.pop("location_id")
    dispatcher.utter_message(response="utter_handoff_hub", **details)
    return [SlotSet(c.SLOT_LOCATION, location_id)]


class ValidateLeaveMessageForm(FormValidationAction):
    """Checks the message and the contact details a parent leaves for staff."""

    def name(self) -> str:
        return "validate_leave_message_form"

    def validate_handoff_message(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        if not text or wants_to_stop(tracker, text):
            return {"handoff_message": None, "requested_slot": None}
        return {"handoff_message": text[:MAX_MESSAGE_CHARS]}

    def validate_handoff_contact(
        self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> dict[str, Any]:
        text = str(value or "").strip()
        contact = contact_in(text)
        if contact is None and wants_to_stop(tracker, text):
            return {"handoff_contact": None, "requested_slot": None}
        if contact is None:
            dispatcher.utter_message(response="utter_contact_not_understood")
            return {"handoff_contact": None}
        return {"handoff_contact": contact}


class ActionLeaveMessage(Action):
    """Stores the parent's message for hub staff and says when someone will reply."""

    def name(self) -> str:
        return "action_leave_message"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        from directory.models import Location, StaffMessage

        message = str(tracker.get_slot("handoff_message") or "")
        contact = str(tracker.get_slot("handoff_contact") or "")
        location_id = tracker.get_slot(c.SLOT_LOCATION)
        reset = [SlotSet("handoff_message", None), SlotSet("handoff_contact", None)]
        if not message or not contact:
            dispatcher.utter_message(response="utter_message_not_sent")
            return reset

        def work(session: Session) -> str:
            hub = session.get(Location, location_id) if location_id else None
            session.add(
                StaffMessage(
                    conversation_id=tracker.sender_id,
                    location_id=hub.id if hub is not None else None,
                    topic=tracker.get_slot(c.SLOT_TOPIC),
                    language=c.language_of(tracker),
                    message=message,
                    contact=contact,
                    status="new",
                    created_at=dt.datetime.now(dt.UTC),
                )
            )
            session.commit()
            return hub.name if hub is not None else ""

        try:
            hub_name = await c.query_directory(work)
        except c.DirectoryUnavailable:
            c.utter_unavailable(dispatcher)
            return reset
        if hub_name:
            dispatcher.utter_message(response="utter_message_left_hub", hub=hub_name)
        else:
            dispatcher.utter_message(response="utter_message_left")
        return reset
