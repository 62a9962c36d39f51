"""Signposting: one action answers every topic intent with the best services from the directory.

It asks at most one short question at a time, and only when the answer would change what we
show: the child's age when the top services are for different ages, the area when they are
at different hubs. Then it shows the best three services, each as a card (what it is, where
and when, cost, how to get in touch), and buttons for more options, what's on and a person.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import common as c

PAGE_SIZE = 3
PROBE_SIZE = 10  # how many top services decide whether a question is worth asking
NO_QUESTION_TOPICS = frozenset({"domestic_abuse"})  # help first, never questions first
SUMMARY_CHARS = 160
CONTACT_CHARS = 220

# Age bands offered as buttons: (argument name, payload entities).
AGE_BANDS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("pregnant_payload", {"pregnant": True}),
    ("under_1_payload", {"child_age_months": 6}),
    ("age_1_4_payload", {"child_age_months": 30}),
    ("age_5_11_payload", {"child_age_months": 96}),
    ("age_12_19_payload", {"child_age_months": 180}),
)


@dataclass
class Card:
    """The arguments of one `utter_service_card`."""

    name: str
    summary: str
    where: str
    when: str
    cost: str
    contact: str
    location_id: str | None = None
    fell_back: bool = False  # some text is shown in English for want of a translation

    def arguments(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "summary": self.summary,
            "where": self.where,
            "when": self.when,
            "cost": self.cost,
            "contact": self.contact,
        }


@dataclass
class Answer:
    """What the signposting action decided to say."""

    question: str | None = None  # "age" or "area"
    cards: list[Card] = field(default_factory=list)
    total: int = 0
    page: int = 1
    hubs: list[tuple[str, str]] = field(default_factory=list)  # (location_id, name)
    unknown_postcode: bool = False
    note: str | None = None  # "some details are only in English", once per reply


def choose_question(
    top: list[Any], *, know_age: bool, know_area: bool, asked: set[str]
) -> str | None:
    """Which one question (if any) would change the answer, from the top search results.

    Ask the age when the top services are not all for the same ages; ask the area when
    they are offered at more than one hub. Never ask the same question twice for a topic.
    """
    if not know_age and "age" not in asked:
        ranges = {
            (s.minimum_age_months or 0, s.maximum_age_months or 300, bool(s.for_pregnancy))
            for s in top
        }
        if len(ranges) > 1:
            return "age"
    if not know_area and "area" not in asked:
        places = {s.location.id for s in top if s.location is not None}
        if len(places) > 1:
            return "area"
    return None


def first_sentence(text: str, limit: int = SUMMARY_CHARS) -> str:
    """The first sentence of `text`, cut to `limit` characters."""
    text = " ".join((text or "").split())
    for stop in (". ", "! ", "? "):
        if stop in text:
            text = text.split(stop, 1)[0] + stop.strip()
            break
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


SERVICE_FIELDS = ("name", "description", "how_to_access")


def make_card(
    session: Session,
    item: Any,
    language: str,
    texts: dict[str, tuple[str, bool]] | None = None,
) -> Card:
    """A service card from a search result (directory values; fragments from the store).

    `texts` are the service's translated fields (`directory.translations.translated`);
    without them the card is in the directory's English.
    """
    texts = texts or {}
    name, _ = texts.get("name", (item.name, False))
    description, _ = texts.get("description", (item.description, False))
    how_to_access, _ = texts.get("how_to_access", (item.how_to_access, False))
    where = c.content_text(session, "utter_where_online", language)
    location_id = None
    if item.location is not None:
        location_id = item.location.id
        where = ", ".join(p for p in (item.location.name, item.location.address) if p)
    when = c.content_text(session, "utter_when_ask", language)
    if item.next_sessions:
        occ = item.next_sessions[0]
        when = c.format_when(occ.start, language, occ.end)
        if occ.location_name and item.location is not None and occ.location_id != location_id:
            where = ", ".join(p for p in (occ.location_name, occ.address) if p)
    if item.is_free:
        cost = c.content_text(session, "utter_cost_free", language)
    else:
        cost = (
            item.fees
            or "; ".join(item.costs)
            or c.content_text(session, "utter_cost_ask", language)
        )
    contact_parts = [*item.phones[:2], item.email or "", first_sentence(how_to_access)]
    contact = " · ".join(p for p in contact_parts if p)[:CONTACT_CHARS]
    return Card(
        name=name,
        summary=first_sentence(description),
        where=where,
        when=when,
        cost=cost,
        contact=contact or c.content_text(session, "utter_contact_hub", language),
        location_id=location_id,
        fell_back=any(fell_back for _, fell_back in texts.values()),
    )


def plan_answer(
    session: Session,
    *,
    topic: str,
    language: str,
    age_months: float | None,
    pregnant: bool,
    postcode: str | None,
    location_id: str | None,
    page: int,
    asked: set[str],
    now: dt.datetime | None = None,
) -> Answer:
    """Search the directory and decide: ask one question, or show a page of services."""
    from directory.search import SearchError, SearchQuery, get_hub, list_hubs, search_services

    point: tuple[float | None, float | None] = (None, None)
    if location_id:
        hub = get_hub(session, location_id)
        if hub is not None:
            point = (hub.latitude, hub.longitude)
    query = SearchQuery(
        topic=topic,
        age_months=int(age_months) if age_months is not None else None,
        pregnant=pregnant,
        postcode=postcode if point == (None, None) else None,
        latitude=point[0],
        longitude=point[1],
        page=page,
        page_size=PAGE_SIZE,
    )
    answer = Answer(page=page)
    try:
        if page == 1 and topic not in NO_QUESTION_TOPICS:
            probe = search_services(
                session, dataclasses.replace(query, page_size=PROBE_SIZE), now=now
            )
            question = choose_question(
                probe.items,
                know_age=age_months is not None or pregnant,
                know_area=bool(postcode or location_id),
                asked=asked,
            )
            if question is not None:
                answer.question = question
                if question == "area":
                    answer.hubs = [(h.id, h.name) for h in list_hubs(session)]
                return answer
        result = search_services(session, query, now=now)
    except SearchError as error:
        if "postcode" in str(error).lower() and postcode:
            answer.unknown_postcode = True
            return answer
        return answer  # an unknown topic: no services
    answer.total = result.total
    texts = service_texts(session, [item.id for item in result.items], language)
    answer.cards = [make_card(session, item, language, texts.get(item.id)) for item in result.items]
    if any(card.fell_back for card in answer.cards):
        answer.note = c.fallback_note(session, language)
    return answer


def service_texts(
    session: Session, service_ids: list[str], language: str
) -> dict[str, dict[str, tuple[str, bool]]]:
    """The services' card fields in `language` (one query); nothing to look up for English."""
    from directory.translations import translated

    if language == c.DEFAULT_LANGUAGE or not service_ids:
        return {}
    return translated(session, "service", service_ids, language, SERVICE_FIELDS)


def asked_for(tracker: Tracker, topic: str) -> set[str]:
    """Questions already asked for `topic` in this conversation."""
    asked = tracker.get_slot(c.SLOT_ASKED) or []
    prefix = f"{topic}:"
    return {a.removeprefix(prefix) for a in asked if isinstance(a, str) and a.startswith(prefix)}


def utter_answer(
    dispatcher: CollectingDispatcher, answer: Answer, topic: str
) -> list[dict[str, Any]]:
    """Send the question or the service cards and their buttons."""
    if answer.question == "age":
        dispatcher.utter_message(
            response="utter_ask_age",
            **{name: c.payload("inform", **entities) for name, entities in AGE_BANDS},
        )
        return []
    if answer.question == "area":
        dispatcher.utter_message(
            response="utter_ask_area",
            postcode_payload=c.payload("inform", use_postcode=True),
            buttons=[
                {"title": name, "payload": c.payload("inform", location_id=hub_id)}
                for hub_id, name in answer.hubs
            ],
        )
        return []
    if answer.unknown_postcode:
        dispatcher.utter_message(response="utter_postcode_unknown")
        return []
    if not answer.cards:
        if answer.page > 1:
            dispatcher.utter_message(response="utter_no_more_services")
        else:
            dispatcher.utter_message(response="utter_no_services")
        return []
    dispatcher.utter_message(response="utter_services_intro")
    for card in answer.cards:
        dispatcher.utter_message(response="utter_service_card", **card.arguments())
    if answer.note:
        dispatcher.utter_message(text=answer.note)
    location_id = next((card.location_id for card in answer.cards if card.location_id), None)
    options = {
        "whats_on_payload": c.payload("whats_on", location_id=location_id),
        "handoff_payload": c.payload("human_handoff", location_id=location_id),
    }
    if answer.total > answer.page * PAGE_SIZE:
        dispatcher.utter_message(
            response="utter_service_options",
            more_payload=c.payload(topic, page=answer.page + 1),
            **options,
        )
    else:
        dispatcher.utter_message(response="utter_service_options_last", **options)
    return []


async def signpost(
    dispatcher: CollectingDispatcher, tracker: Tracker, topic: str, page: int = 1
) -> list[EventType]:
    """Answer `topic` for this family (shared by the topic intents and bare answers)."""
    language = c.language_of(tracker)
    asked = asked_for(tracker, topic)
    age = tracker.get_slot(c.SLOT_AGE)
    events: list[EventType] = [SlotSet(c.SLOT_TOPIC, topic), SlotSet(c.SLOT_AWAITING, None)]
    if topic == "domestic_abuse" and page == 1:
        dispatcher.utter_message(response="utter_domestic_abuse_support")
    try:
        answer = await c.query_directory(
            lambda session: plan_answer(
                session,
                topic=topic,
                language=language,
                age_months=float(age) if age is not None else None,
                pregnant=bool(tracker.get_slot(c.SLOT_PREGNANT)),
                postcode=tracker.get_slot(c.SLOT_POSTCODE),
                location_id=tracker.get_slot(c.SLOT_LOCATION),
                page=page,
                asked=asked,
            )
        )
    except c.DirectoryUnavailable:
        c.utter_unavailable(dispatcher)
        return events
    utter_answer(dispatcher, answer, topic)
    if answer.question:
        previous = list(tracker.get_slot(c.SLOT_ASKED) or [])
        events += [
            SlotSet(c.SLOT_AWAITING, answer.question),
            SlotSet(c.SLOT_ASKED, [*previous, f"{topic}:{answer.question}"]),
        ]
    elif answer.unknown_postcode:
        events += [SlotSet(c.SLOT_AWAITING, "area"), SlotSet(c.SLOT_POSTCODE, None)]
    return events


class ActionSignpostServices(Action):
    """Answers every topic intent with services from the directory."""

    def name(self) -> str:
        return "action_signpost_services"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        intent = c.latest_intent(tracker)
        topic = intent if intent in c.topics() else tracker.get_slot(c.SLOT_TOPIC)
        if topic not in c.topics():
            dispatcher.utter_message(response="utter_help")
            return []
        try:
            page = max(1, int(c.entity(tracker, "page") or 1))
        except (TypeError, ValueError):
            page = 1
        return await signpost(dispatcher, tracker, str(topic), page)
