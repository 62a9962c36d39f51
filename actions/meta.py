"""Conversation management: bare answers, "did you mean", out of scope and languages."""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import common as c

SUGGESTIONS = 3
# Hub intents a parent may mean when the model is unsure (membership is rarely the question).
SUGGESTABLE_HUB_INTENTS = ("hub_opening_times", "whats_on", "find_hub", "about_family_hubs")
# Each language's own name, so the buttons need no translation.
LANGUAGE_NAMES = {
    "en": "English",
    "pl": "Polski",
    "ro": "Română",
    "pa": "ਪੰਜਾਬੀ",
    "ur": "اردو",
    "pt": "Português",
    "es": "Español",
    "ar": "العربية",
    "bn": "বাংলা",
    "uk": "Українська",
}


class ActionHandleAnswer(Action):
    """Routes a bare answer (an age, a place, a postcode) back to the pending question."""

    def name(self) -> str:
        return "action_handle_answer"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        from actions.handoff import offer_handoff
        from actions.hubs import find_hub, show_whats_on, tell_opening_times
        from actions.signposting import signpost

        awaiting = tracker.get_slot(c.SLOT_AWAITING)
        topic = tracker.get_slot(c.SLOT_TOPIC)
        if c.entity(tracker, "use_postcode"):
            dispatcher.utter_message(response="utter_ask_postcode")
            return [SlotSet(c.SLOT_AWAITING, awaiting or "area")]
        has_place = bool(tracker.get_slot(c.SLOT_LOCATION) or tracker.get_slot(c.SLOT_POSTCODE))
        if awaiting in ("age", "area") and topic in c.topics():
            return await signpost(dispatcher, tracker, str(topic))
        if awaiting == "hub_opening_times":
            return await tell_opening_times(dispatcher, tracker)
        if awaiting == "whats_on":
            return await show_whats_on(dispatcher, tracker)
        if awaiting == "find_hub":
            return await find_hub(dispatcher, tracker)
        if awaiting == "human_handoff":
            return await offer_handoff(dispatcher, tracker)
        if topic in c.topics() and (has_place or tracker.get_slot(c.SLOT_AGE) is not None):
            return await signpost(dispatcher, tracker, str(topic))
        if has_place:
            return await find_hub(dispatcher, tracker)
        dispatcher.utter_message(response="utter_ask_what_help")
        return []


def suggestions(ranking: list[dict[str, Any]], limit: int = SUGGESTIONS) -> list[str]:
    """The likeliest topic or hub intents from NLU's ranking, best first."""
    found: list[str] = []
    for item in ranking:
        name = item.get("name")
        if (name in c.topics() or name in SUGGESTABLE_HUB_INTENTS) and name not in found:
            found.append(str(name))
        if len(found) == limit:
            break
    return found


def record_unanswered(
    session: Session,
    conversation_id: str,
    language: str,
    text: str,
    intent: str | None,
    confidence: float | None,
) -> None:
    """Keep the question (redacted) for the staff's unanswered-questions inbox."""
    from directory.core.logging import redact
    from directory.models import UnansweredQuestion

    session.add(
        UnansweredQuestion(
            conversation_id=conversation_id,
            language=language,
            text_redacted=redact(text)[:1000],
            predicted_intent=intent,
            confidence=confidence,
            created_at=dt.datetime.now(dt.UTC),
        )
    )
    session.commit()


def _best_guess(tracker: Tracker) -> tuple[str | None, float | None]:
    for item in tracker.latest_message.get("intent_ranking") or []:
        if item.get("name") != "nlu_fallback":
            return item.get("name"), item.get("confidence")
    return None, None


class ActionSuggestTopics(Action):
    """Low confidence: "did you mean" buttons with the likeliest topics, never a guess."""

    def name(self) -> str:
        return "action_suggest_topics"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        language = c.language_of(tracker)
        intents = suggestions(tracker.latest_message.get("intent_ranking") or [])
        text = str(tracker.latest_message.get("text") or "")
        guess, confidence = _best_guess(tracker)
        sender = tracker.sender_id

        def work(session: Session) -> list[str]:
            if text and not text.startswith("/"):
                record_unanswered(session, sender, language, text, guess, confidence)
            return [c.content_text(session, f"utter_topic_{name}", language) for name in intents]

        try:
            labels = await c.query_directory(work)
        except c.DirectoryUnavailable:
            labels = [c.builtin_text(f"utter_topic_{name}", language) for name in intents]
        if not intents:
            dispatcher.utter_message(response="utter_not_understood")
            return []
        dispatcher.utter_message(
            response="utter_did_you_mean",
            buttons=[
                {"title": label, "payload": f"/{name}"}
                for name, label in zip(intents, labels, strict=True)
            ],
        )
        return []


class ActionAnswerOutOfScope(Action):
    """Says kindly that the hubs can't help with this, and where to go instead."""

    def name(self) -> str:
        return "action_answer_out_of_scope"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        dispatcher.utter_message(response="utter_out_of_scope")
        text = str(tracker.latest_message.get("text") or "")
        if text and not text.startswith("/"):
            sender, language = tracker.sender_id, c.language_of(tracker)
            confidence = (tracker.latest_message.get("intent") or {}).get("confidence")
            with contextlib.suppress(c.DirectoryUnavailable):  # they already have an answer
                await c.query_directory(
                    lambda session: record_unanswered(
                        session, sender, language, text, "out_of_scope", confidence
                    )
                )
        return []


class ActionChangeLanguage(Action):
    """Offers the languages as buttons, or confirms the one picked (the gate switches)."""

    def name(self) -> str:
        return "action_change_language"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        picked = c.entity(tracker, "language")
        if picked in LANGUAGE_NAMES:
            dispatcher.utter_message(
                response="utter_language_changed", language_name=LANGUAGE_NAMES[str(picked)]
            )
            return [SlotSet(c.SLOT_LANGUAGE, picked)]
        dispatcher.utter_message(
            response="utter_choose_language",
            buttons=[
                {"title": name, "payload": c.payload("change_language", language=code)}
                for code, name in LANGUAGE_NAMES.items()
            ],
        )
        return []
