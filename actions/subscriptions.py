"""Regular messages: consent to them (e.g. tips while waiting for an assessment) and stop them."""

from __future__ import annotations

import datetime as dt

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import common as c

# Which subscription topic a conversation topic leads to (anything else: "general").
SUBSCRIPTION_TOPICS = {"send_waiting": "waiting_well", "child_development": "waiting_well"}


def subscription_topic(topic: str | None) -> str:
    return SUBSCRIPTION_TOPICS.get(topic or "", "general")


def subscribe(
    session: Session, conversation_id: str, channel: str, topic: str, language: str
) -> None:
    """Record consent (re-activating an earlier subscription to the same topic)."""
    from directory.models import Subscription

    now = dt.datetime.now(dt.UTC)
    row = session.scalars(
        select(Subscription).where(
            Subscription.conversation_id == conversation_id, Subscription.topic == topic
        )
    ).first()
    if row is None:
        row = Subscription(conversation_id=conversation_id, channel=channel, topic=topic)
        session.add(row)
    row.language, row.active, row.consented_at, row.withdrawn_at = language, True, now, None
    session.commit()


def unsubscribe(session: Session, conversation_id: str) -> int:
    """Withdraw every active subscription of this conversation; returns how many."""
    from directory.models import Subscription

    rows = session.scalars(
        select(Subscription).where(
            Subscription.conversation_id == conversation_id, Subscription.active.is_(True)
        )
    ).all()
    for row in rows:
        row.active, row.withdrawn_at = False, dt.datetime.now(dt.UTC)
    session.commit()
    return len(rows)


class ActionSubscribeUpdates(Action):
    """Stores consent to regular messages and confirms how to stop them."""

    def name(self) -> str:
        return "action_subscribe_updates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        topic = subscription_topic(tracker.get_slot(c.SLOT_TOPIC))
        sender, channel, language = tracker.sender_id, c.channel_of(tracker), c.language_of(tracker)
        try:
            await c.query_directory(
                lambda session: subscribe(session, sender, channel, topic, language)
            )
        except c.DirectoryUnavailable:
            return c.utter_unavailable(dispatcher)
        if topic == "waiting_well":
            dispatcher.utter_message(response="utter_subscribed_waiting_well")
        else:
            dispatcher.utter_message(response="utter_subscribed")
        return []


class ActionUnsubscribeUpdates(Action):
    """Stops regular messages."""

    def name(self) -> str:
        return "action_unsubscribe_updates"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sender = tracker.sender_id
        try:
            count = await c.query_directory(lambda session: unsubscribe(session, sender))
        except c.DirectoryUnavailable:
            return c.utter_unavailable(dispatcher)
        dispatcher.utter_message(response="utter_unsubscribed" if count else "utter_not_subscribed")
        return []
