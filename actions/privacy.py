"""Privacy: "forget me" deletes what the app keeps about this conversation."""

from __future__ import annotations

from rasa_sdk import Action, Tracker
from rasa_sdk.events import AllSlotsReset, EventType
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy import delete
from sqlalchemy.orm import Session

from actions import common as c


def forget_conversation(session: Session, conversation_id: str) -> int:
    """Delete the app's records of one conversation; returns how many rows went."""
    from directory.models import Conversation, StaffMessage, Subscription, UnansweredQuestion

    removed = 0
    for model in (StaffMessage, Subscription, UnansweredQuestion):
        result = session.execute(delete(model).where(model.conversation_id == conversation_id))
        removed += int(getattr(result, "rowcount", 0) or 0)
    result = session.execute(delete(Conversation).where(Conversation.id == conversation_id))
    removed += int(getattr(result, "rowcount", 0) or 0)
    session.commit()
    return removed


class ActionForgetMe(Action):
    """Deletes this conversation's records and asks the channel to delete the transcript."""

    def name(self) -> str:
        return "action_forget_me"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        sender = tracker.sender_id
        try:
            await c.query_directory(lambda session: forget_conversation(session, sender))
        except c.DirectoryUnavailable:
            dispatcher.utter_message(response="utter_forget_me_failed")
            return []
        dispatcher.utter_message(response="utter_forgotten", json_message={"forget_me": True})
        return [AllSlotsReset()]
