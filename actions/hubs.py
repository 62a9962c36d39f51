"""The hubs themselves: opening times, what's on, and the nearest hub."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict
from sqlalchemy.orm import Session

from actions import common as c
from actions.entities import WEEKDAYS, extract_session_kind

MAX_SESSIONS = 8
MAX_HUBS = 3
TIME_WINDOWS = {
    "morning": (dt.time(0, 0), dt.time(12, 0)),
    "afternoon": (dt.time(12, 0), dt.time(17, 0)),
    "evening": (dt.time(17, 0), dt.time(23, 59)),
    "after_school": (dt.time(15, 0), dt.time(23, 59)),
}


@dataclass
class HubChoice:
    """The hub a question is about, or the hubs to offer as buttons."""

    hub: Any = None  # directory.search.HubMatch
    nearest: list[Any] = field(default_factory=list)
    options: list[tuple[str, str]] = field(default_factory=list)  # (id, name)
    unknown_postcode: bool = False


def choose_hub(session: Session, location_id: str | None, postcode: str | None) -> HubChoice:
    """The hub from the slots: a named hub, else the nearest to the postcode, else options."""
    from directory.geo import lookup_postcode
    from directory.search import get_hub, list_hubs, nearest_hubs

    if location_id:
        hub = get_hub(session, location_id)
        if hub is not None:
            return HubChoice(hub=hub)
    if postcode:
        point = lookup_postcode(session, postcode)
        if point is not None:
            nearest = nearest_hubs(session, point, MAX_HUBS)
            if nearest:
                return HubChoice(hub=nearest[0], nearest=nearest)
        return HubChoice(
            unknown_postcode=True, options=[(h.id, h.name) for h in list_hubs(session)]
        )
    return HubChoice(options=[(h.id, h.name) for h in list_hubs(session)])


def ask_hub(
    dispatcher: CollectingDispatcher, intent: str, choice: HubChoice, response: str
) -> list[EventType]:
    """Ask which hub, with a button per hub that repeats `intent` for it."""
    if choice.unknown_postcode:
        dispatcher.utter_message(response="utter_postcode_unknown")
    dispatcher.utter_message(
        response=response,
        buttons=[
            {"title": name, "payload": c.payload(intent, location_id=hub_id)}
            for hub_id, name in choice.options
        ],
    )
    return [SlotSet(c.SLOT_AWAITING, intent)]


def target_dates(day: str | None, today: dt.date) -> list[dt.date]:
    """The dates a day word means: a weekday (next one, today included), today, weekend."""
    if day == "today":
        return [today]
    if day == "tomorrow":
        return [today + dt.timedelta(days=1)]
    if day == "weekend":
        saturday = today + dt.timedelta(days=(5 - today.weekday()) % 7)
        if today.weekday() == 6:
            return [today]
        return [saturday, saturday + dt.timedelta(days=1)]
    if day in WEEKDAYS:
        return [today + dt.timedelta(days=(WEEKDAYS.index(day) - today.weekday()) % 7)]
    return []


# ------------------------------------------------------------------ opening times
def opening_messages(
    session: Session, hub: Any, day: str | None, language: str, now: dt.datetime
) -> list[tuple[str, dict[str, Any]]]:
    """(response, arguments) pairs answering "when is this hub open"."""
    from directory.schedule import opening_status

    hub_args = {"hub": hub.name, "phone": hub.phone or "01632 960000"}
    status = opening_status(session, hub.id, now)
    if not status.has_hours:
        return [("utter_hub_no_hours", hub_args)]
    dates = target_dates(day, now.date())
    if not dates or dates == [now.date()]:
        messages: list[tuple[str, dict[str, Any]]] = []
        next_opens = c.format_when(status.next_opens_at, language) if status.next_opens_at else ""
        if status.is_open and status.closes_at is not None:
            closes = c.format_time_only(status.closes_at, language)
            messages.append(("utter_hub_open_now", {**hub_args, "closes": closes}))
        elif status.closed_reason:
            messages.append(
                (
                    "utter_hub_closed_reason",
                    {**hub_args, "reason": status.closed_reason, "next_opens": next_opens},
                )
            )
        else:
            messages.append(("utter_hub_closed_now", {**hub_args, "next_opens": next_opens}))
        if not dates:
            messages.append(
                (
                    "utter_hub_week_hours",
                    {**hub_args, "hours": week_hours(session, hub.id, now, language)},
                )
            )
        return messages
    return [
        ("utter_hub_hours_day", {**hub_args, "hours": day_hours(session, hub.id, d, language)})
        for d in dates
    ]


def day_hours(session: Session, location_id: str, day: dt.date, language: str) -> str:
    """One line: "Saturday 8 March: 09:00–12:00" or "...: closed (Bank holiday)"."""
    from babel.dates import format_date

    from directory.schedule import opening_status

    at = dt.datetime.combine(day, dt.time(0, 0), tzinfo=c.LONDON)
    status = opening_status(session, location_id, at)
    try:
        label = format_date(day, "EEEE d MMMM", locale=language)
    except Exception:
        label = day.strftime("%A %-d %B")
    if status.today:
        spans = ", ".join(
            f"{c.format_time_only(s, language)}–{c.format_time_only(e, language)}"
            for s, e in status.today
        )
        return f"{label}: {spans}"
    closed = c.content_text(session, "utter_closed_word", language)
    reason = f" ({status.closed_reason})" if status.closed_reason else ""
    return f"{label}: {closed}{reason}"


def week_hours(session: Session, location_id: str, now: dt.datetime, language: str) -> str:
    """The next seven days' opening hours, one line each."""
    today = now.date()
    return "\n".join(
        day_hours(session, location_id, today + dt.timedelta(days=i), language) for i in range(7)
    )


class ActionTellOpeningTimes(Action):
    """When a hub is open: now, today, a named day, or the week (with closures)."""

    def name(self) -> str:
        return "action_tell_opening_times"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await tell_opening_times(dispatcher, tracker)


async def tell_opening_times(
    dispatcher: CollectingDispatcher, tracker: Tracker, now: dt.datetime | None = None
) -> list[EventType]:
    language = c.language_of(tracker)
    moment = now or c.now_london()
    day = tracker.get_slot(c.SLOT_DAY)

    def work(session: Session) -> tuple[HubChoice, list[tuple[str, dict[str, Any]]]]:
        choice = choose_hub(
            session, tracker.get_slot(c.SLOT_LOCATION), tracker.get_slot(c.SLOT_POSTCODE)
        )
        if choice.hub is None:
            return choice, []
        return choice, opening_messages(session, choice.hub, day, language, moment)

    try:
        choice, messages = await c.query_directory(work)
    except c.DirectoryUnavailable:
        return c.utter_unavailable(dispatcher)
    if choice.hub is None:
        return ask_hub(dispatcher, "hub_opening_times", choice, "utter_ask_hub")
    for response, arguments in messages:
        dispatcher.utter_message(response=response, **arguments)
    return [SlotSet(c.SLOT_AWAITING, None)]


# ------------------------------------------------------------------ what's on
def session_lines(
    occurrences: list[Any],
    language: str,
    with_hub: bool,
    names: dict[str, tuple[str, bool]] | None = None,
) -> str:
    """One line per session; `names` are translated names by schedule id (else English)."""
    lines = []
    for occ in occurrences[:MAX_SESSIONS]:
        name = (names or {}).get(occ.schedule_id, (occ.name, False))[0]
        line = f"• {c.format_when(occ.start, language, occ.end)} – {name}"
        if with_hub and occ.location_name:
            line += f" ({occ.location_name})"
        lines.append(line)
    return "\n".join(lines)


def session_names(
    session: Session, occurrences: list[Any], language: str
) -> dict[str, tuple[str, bool]]:
    """Each shown session's name in `language` by schedule id: its own name, else its
    service's (two queries; nothing to look up for English)."""
    from directory.translations import translated

    shown = occurrences[:MAX_SESSIONS]
    if language == c.DEFAULT_LANGUAGE or not shown:
        return {}
    own = translated(session, "schedule", [o.schedule_id for o in shown], language, ("name",))
    service_ids = [o.service_id for o in shown if o.service_id]
    services = translated(session, "service", service_ids, language, ("name",))
    names: dict[str, tuple[str, bool]] = {}
    for occ in shown:
        text, fell_back = own.get(occ.schedule_id, {}).get("name", ("", False))
        if not text and occ.service_id in services:
            text, fell_back = services[occ.service_id]["name"]
        names[occ.schedule_id] = (text or occ.name, fell_back)
    return names


def find_sessions(
    session: Session,
    *,
    location_id: str | None,
    day: str | None,
    time_of_day: str | None,
    kind: str | None,
    now: dt.datetime,
) -> list[Any]:
    """Sessions matching the hub, day, time of day and kind, from now, soonest first."""
    from directory.schedule import sessions_between

    dates = target_dates(day, now.date())
    if dates:
        start: dt.datetime = dt.datetime.combine(dates[0], dt.time(0), tzinfo=c.LONDON)
        end = dt.datetime.combine(dates[-1] + dt.timedelta(days=1), dt.time(0), tzinfo=c.LONDON)
    else:
        start, end = now, now + dt.timedelta(days=7)
    start = max(start, now - dt.timedelta(hours=1))
    found = sessions_between(session, start, end, location_id=location_id, session_kind=kind)
    found = [o for o in found if o.end > now]
    if time_of_day in TIME_WINDOWS:
        low, high = TIME_WINDOWS[time_of_day]
        found = [o for o in found if low <= o.start.astimezone(c.LONDON).time() < high]
    return found


class ActionShowWhatsOn(Action):
    """The timetable of sessions, by hub, day, time of day and kind of session."""

    def name(self) -> str:
        return "action_show_whats_on"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await show_whats_on(dispatcher, tracker)


async def show_whats_on(
    dispatcher: CollectingDispatcher, tracker: Tracker, now: dt.datetime | None = None
) -> list[EventType]:
    language = c.language_of(tracker)
    moment = now or c.now_london()
    text = str(tracker.latest_message.get("text") or "")
    kind = c.entity(tracker, "session_kind") or extract_session_kind(text, language)
    day, time_of_day = tracker.get_slot(c.SLOT_DAY), tracker.get_slot(c.SLOT_TIME)
    location_id, postcode = tracker.get_slot(c.SLOT_LOCATION), tracker.get_slot(c.SLOT_POSTCODE)
    across_hubs = not location_id and not postcode and bool(day or kind)

    def work(
        session: Session,
    ) -> tuple[HubChoice, list[Any], dict[str, tuple[str, bool]], str | None]:
        if across_hubs:
            choice = HubChoice()
        else:
            choice = choose_hub(session, location_id, postcode)
            if choice.hub is None:
                return choice, [], {}, None
        hub_id = choice.hub.id if choice.hub is not None else None
        sessions = find_sessions(
            session, location_id=hub_id, day=day, time_of_day=time_of_day, kind=kind, now=moment
        )
        names = session_names(session, sessions, language)
        fell_back = any(fell for _, fell in names.values())
        return choice, sessions, names, c.fallback_note(session, language) if fell_back else None

    try:
        choice, sessions, names, note = await c.query_directory(work)
    except c.DirectoryUnavailable:
        return c.utter_unavailable(dispatcher)
    if choice.hub is None and not across_hubs:
        return ask_hub(dispatcher, "whats_on", choice, "utter_ask_hub_whats_on")
    hub_name = choice.hub.name if choice.hub is not None else ""
    handoff = c.payload("human_handoff", location_id=choice.hub.id if choice.hub else None)
    if not sessions:
        response = "utter_whats_on_none_hub" if hub_name else "utter_whats_on_none"
        dispatcher.utter_message(response=response, hub=hub_name, handoff_payload=handoff)
    else:
        lines = session_lines(sessions, language, with_hub=not hub_name, names=names)
        if choice.hub is not None and choice.hub.address:
            lines += f"\n📍 {choice.hub.address}"  # where to go, in the same message
        response = "utter_whats_on_hub" if hub_name else "utter_whats_on_all"
        dispatcher.utter_message(
            response=response, hub=hub_name, sessions=lines, handoff_payload=handoff
        )
        if note:
            dispatcher.utter_message(text=note)
    return [SlotSet(c.SLOT_AWAITING, None)]


# ------------------------------------------------------------------ find a hub
HUB_FIELDS = ("transport", "accessibility")


def hub_card(
    session: Session,
    hub: Any,
    language: str = c.DEFAULT_LANGUAGE,
    texts: dict[str, tuple[str, bool]] | None = None,
) -> dict[str, Any]:
    """The arguments of `utter_hub_card` for one hub (`texts`: its fields in `language`)."""
    from directory.translations import translated

    if texts is None:
        texts = translated(session, "location", [hub.id], language, HUB_FIELDS).get(hub.id, {})
    distance = f" – {hub.distance_km:.1f} km" if hub.distance_km is not None else ""
    return {
        "hub": f"{hub.name}{distance}",
        "address": hub.address,
        "transport": texts.get("transport", ("", False))[0],
        "accessibility": texts.get("accessibility", ("", False))[0],
        "phone": hub.phone or "01632 960000",
        "map": c.map_link(hub.latitude, hub.longitude),
        "whats_on_payload": c.payload("whats_on", location_id=hub.id),
        "times_payload": c.payload("hub_opening_times", location_id=hub.id),
    }


class ActionFindHub(Action):
    """The nearest hubs (postcode or area), with address, transport, access and a map."""

    def name(self) -> str:
        return "action_find_hub"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        return await find_hub(dispatcher, tracker)


async def find_hub(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    from directory.translations import any_fallback, translated

    language = c.language_of(tracker)

    def work(session: Session) -> tuple[HubChoice, list[dict[str, Any]], str | None]:
        choice = choose_hub(
            session, tracker.get_slot(c.SLOT_LOCATION), tracker.get_slot(c.SLOT_POSTCODE)
        )
        hubs = choice.nearest or ([choice.hub] if choice.hub is not None else [])
        texts = translated(session, "location", [h.id for h in hubs], language, HUB_FIELDS)
        note = None
        if any(any_fallback(texts.get(h.id)) for h in hubs):
            note = c.fallback_note(session, language)
        return choice, [hub_card(session, h, language, texts.get(h.id, {})) for h in hubs], note

    try:
        choice, cards, note = await c.query_directory(work)
    except c.DirectoryUnavailable:
        return c.utter_unavailable(dispatcher)
    if not cards:
        if choice.unknown_postcode:
            dispatcher.utter_message(response="utter_postcode_unknown")
        dispatcher.utter_message(
            response="utter_ask_postcode_or_hub",
            buttons=[
                {"title": name, "payload": c.payload("find_hub", location_id=hub_id)}
                for hub_id, name in choice.options
            ],
        )
        return [SlotSet(c.SLOT_AWAITING, "find_hub")]
    if len(cards) > 1:
        dispatcher.utter_message(response="utter_nearest_hubs_intro")
    for card in cards:
        dispatcher.utter_message(response="utter_hub_card", **card)
    if note:
        dispatcher.utter_message(text=note)
    return [SlotSet(c.SLOT_AWAITING, None)]
