"""Slot filling: the conversation language and the entities of every message.

`action_validate_slot_mappings` runs after each user message (Rasa calls it for slots with
custom mappings). It copies the gate's language into the `language` slot and extracts the
child's age, pregnancy, place, postcode, day and time with `actions.entities`.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.forms import ValidationAction
from rasa_sdk.types import DomainDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from actions import common as c
from actions.entities import Place, PlaceIndex, extract, place_phrases

logger = logging.getLogger(__name__)

PLACES_TTL_S = 60.0


class _PlaceCache:
    """The directory's hub and area names, reloaded at most every PLACES_TTL_S seconds."""

    def __init__(self) -> None:
        self.index: PlaceIndex | None = None
        self.loaded_at = 0.0
        self._lock = threading.Lock()

    def clear(self) -> None:
        self.index, self.loaded_at = None, 0.0

    async def get(self) -> PlaceIndex | None:
        if self.index is not None and time.monotonic() - self.loaded_at < PLACES_TTL_S:
            return self.index
        try:
            places = await c.query_directory(load_places)
        except c.DirectoryUnavailable:
            return self.index  # keep what we had
        with self._lock:
            if self.index is None:
                self.index = PlaceIndex(places)
            else:
                self.index.refresh(places)
            self.loaded_at = time.monotonic()
        return self.index


PLACE_CACHE = _PlaceCache()


def load_places(session: Session) -> list[Place]:
    """Every family hub's names and area as phrases parents may type."""
    from directory.models import Location

    hubs = session.scalars(
        select(Location).where(Location.is_family_hub.is_(True)).order_by(Location.name)
    ).all()
    places: list[Place] = []
    seen: set[str] = set()
    for hub in hubs:
        for phrase in place_phrases(hub.name, hub.alternate_name, hub.area):
            if phrase not in seen:  # an area shared by two hubs points to the first
                seen.add(phrase)
                places.append(Place(phrase, hub.name, hub.id))
    return places


class ActionValidateSlotMappings(ValidationAction):
    """Fills the language and entity slots from each message."""

    def name(self) -> str:
        return "action_validate_slot_mappings"

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        events: list[EventType] = []
        language = c.entity(tracker, "language") or c.language_of(tracker)
        if language in c.supported_languages() and language != tracker.get_slot(c.SLOT_LANGUAGE):
            events.append(SlotSet(c.SLOT_LANGUAGE, language))
        values = await self.extract_values(tracker, str(language))
        for slot, value in values.items():
            if tracker.get_slot(slot) != value:
                events.append(SlotSet(slot, value))
        return events

    async def extract_values(self, tracker: Tracker, language: str) -> dict[str, Any]:
        """Slot values said in the latest message (payload entities, then the text)."""
        values: dict[str, Any] = {c.SLOT_DAY: None, c.SLOT_TIME: None}
        text = str(tracker.latest_message.get("text") or "")
        if text and not text.startswith("/"):
            expect_age = tracker.get_slot(c.SLOT_AWAITING) == "age"
            places = await PLACE_CACHE.get()
            found = extract(text, language, places, expect_age=expect_age)
            if found.age_months is not None:
                values[c.SLOT_AGE] = found.age_months
            if found.pregnant:
                values[c.SLOT_PREGNANT] = True
            if found.postcode:
                values.update({c.SLOT_POSTCODE: found.postcode, c.SLOT_PLACE: None})
                values[c.SLOT_LOCATION] = None
            elif found.location_id:
                values.update({c.SLOT_PLACE: found.place, c.SLOT_LOCATION: found.location_id})
                values[c.SLOT_POSTCODE] = None
            values[c.SLOT_DAY], values[c.SLOT_TIME] = found.day, found.time_of_day
        for slot in (c.SLOT_AGE, c.SLOT_PREGNANT, c.SLOT_PLACE, c.SLOT_DAY, c.SLOT_TIME):
            value = c.entity(tracker, slot)
            if value is not None:
                values[slot] = value
        if c.entity(tracker, c.SLOT_AGE) is not None:
            values[c.SLOT_AGE] = float(c.entity(tracker, c.SLOT_AGE))
            values.setdefault(c.SLOT_PREGNANT, False)
        location_id = c.entity(tracker, c.SLOT_LOCATION)
        if location_id:
            values.update({c.SLOT_LOCATION: str(location_id), c.SLOT_POSTCODE: None})
            values.setdefault(c.SLOT_PLACE, None)
        postcode = c.entity(tracker, c.SLOT_POSTCODE)
        if postcode:
            values.update({c.SLOT_POSTCODE: str(postcode), c.SLOT_LOCATION: None})
        return values
