"""Hub questions: opening times (now, a day, closures), what's on, and the nearest hub."""

from __future__ import annotations

import datetime as dt
import re

from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy.orm import Session

from actions.common import LONDON
from actions.hubs import (
    ActionFindHub,
    ActionShowWhatsOn,
    ActionTellOpeningTimes,
    show_whats_on,
    target_dates,
    tell_opening_times,
)
from directory.search import get_hub
from tests.actions.conftest import TrackerFactory, hub_id, responses_of

CHRISTMAS = dt.datetime(2026, 12, 25, 11, 0, tzinfo=LONDON)
A_TUESDAY = dt.datetime(2026, 3, 10, 10, 30, tzinfo=LONDON)  # an ordinary working morning


def test_day_words_become_dates() -> None:
    wednesday = dt.date(2026, 3, 11)
    assert target_dates("today", wednesday) == [wednesday]
    assert target_dates("tomorrow", wednesday) == [dt.date(2026, 3, 12)]
    assert target_dates("friday", wednesday) == [dt.date(2026, 3, 13)]
    assert target_dates("wednesday", wednesday) == [wednesday]
    assert target_dates("weekend", wednesday) == [dt.date(2026, 3, 14), dt.date(2026, 3, 15)]
    assert target_dates(None, wednesday) == []


async def test_which_hub_is_asked_with_a_button_per_hub(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionTellOpeningTimes().run(dispatcher, make_tracker("hub_opening_times"), {})
    assert responses_of(dispatcher) == ["utter_ask_hub"]
    buttons = dispatcher.messages[0]["buttons"]
    assert len(buttons) == 8
    assert buttons[0]["payload"].startswith('/hub_opening_times{"location_id":')
    assert SlotSet("awaiting", "hub_opening_times") in events


async def test_open_now_on_a_working_morning(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    central = hub_id(directory, "Calderbrook Central")
    tracker = make_tracker("hub_opening_times", slots={"location_id": central})
    dispatcher = CollectingDispatcher()
    await tell_opening_times(dispatcher, tracker, now=A_TUESDAY)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_hub_open_now"
    assert first["hub"] == "Calderbrook Central" and re.fullmatch(r"\d\d:\d\d", first["closes"])
    assert dispatcher.messages[-1]["response"] == "utter_hub_week_hours"


async def test_a_holiday_closure_gives_its_reason(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    central = hub_id(directory, "Calderbrook Central")
    tracker = make_tracker("hub_opening_times", slots={"location_id": central, "day": "today"})
    dispatcher = CollectingDispatcher()
    await tell_opening_times(dispatcher, tracker, now=CHRISTMAS)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_hub_closed_reason"
    assert "Christmas" in message["reason"]
    assert message["next_opens"]


async def test_a_named_day_gives_that_days_hours(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    central = hub_id(directory, "Calderbrook Central")
    tracker = make_tracker("hub_opening_times", slots={"location_id": central, "day": "monday"})
    dispatcher = CollectingDispatcher()
    await tell_opening_times(dispatcher, tracker, now=A_TUESDAY)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_hub_hours_day"
    assert message["hours"].startswith("Monday 16 March")


async def test_whats_on_at_a_hub(directory: Session, make_tracker: TrackerFactory) -> None:
    millbrook = hub_id(directory, "Millbrook")
    tracker = make_tracker("whats_on", slots={"location_id": millbrook})
    dispatcher = CollectingDispatcher()
    await show_whats_on(dispatcher, tracker, now=A_TUESDAY)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_whats_on_hub"
    assert message["hub"] == "Millbrook"
    assert re.search(r"\d\d:\d\d", message["sessions"])
    address = get_hub(directory, millbrook).address  # type: ignore[union-attr]
    assert address and message["sessions"].endswith(f"📍 {address}")
    assert message["handoff_payload"] == f'/human_handoff{{"location_id":"{millbrook}"}}'


async def test_whats_on_by_kind_and_day_across_hubs(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("whats_on", "anything for dads on saturday", slots={"day": "saturday"})
    dispatcher = CollectingDispatcher()
    await show_whats_on(dispatcher, tracker, now=A_TUESDAY)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_whats_on_all"
    assert "Saturday" in message["sessions"]
    assert "Tuesday" not in message["sessions"]


async def test_whats_on_with_no_hub_or_filter_asks_which_hub(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionShowWhatsOn().run(dispatcher, make_tracker("whats_on"), {})
    assert responses_of(dispatcher) == ["utter_ask_hub_whats_on"]
    assert SlotSet("awaiting", "whats_on") in events


async def test_nearest_hubs_from_a_postcode(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    tracker = make_tracker("find_hub", slots={"postcode": "CK1 1LB"})
    dispatcher = CollectingDispatcher()
    await ActionFindHub().run(dispatcher, tracker, {})
    names = responses_of(dispatcher)
    assert names[0] == "utter_nearest_hubs_intro"
    cards = [m for m in dispatcher.messages if m["response"] == "utter_hub_card"]
    assert len(cards) == 3
    assert cards[0]["hub"].startswith("Calderbrook Central")
    assert cards[0]["map"].startswith("https://www.openstreetmap.org/?mlat=53.70021&mlon=-1.94962")
    assert cards[0]["transport"] and cards[0]["accessibility"] and cards[0]["phone"]


async def test_find_hub_without_a_place_asks(
    directory: Session, make_tracker: TrackerFactory
) -> None:
    dispatcher = CollectingDispatcher()
    events = await ActionFindHub().run(dispatcher, make_tracker("find_hub"), {})
    assert responses_of(dispatcher) == ["utter_ask_postcode_or_hub"]
    assert SlotSet("awaiting", "find_hub") in events


async def test_hub_actions_fall_back_kindly_when_the_directory_is_down(
    directory_down: None, make_tracker: TrackerFactory
) -> None:
    for action, intent in (
        (ActionTellOpeningTimes(), "hub_opening_times"),
        (ActionShowWhatsOn(), "whats_on"),
        (ActionFindHub(), "find_hub"),
    ):
        dispatcher = CollectingDispatcher()
        await action.run(dispatcher, make_tracker(intent), {})
        assert responses_of(dispatcher) == ["utter_directory_unavailable"]
