"""SQLAlchemy 2 models of the directory, aligned with Open Referral HSDS 3.0 / Open Referral UK.

Table and column names follow HSDS where it has them (organization, service, location,
service_at_location, schedule, phone, contact, language, cost_option, taxonomy_term,
accessibility). Our additions are named plainly: `is_family_hub` on location, `closure`
(holiday and one-off closures, which HSDS only has as free text), `translation` (parent-facing
text in the nine community languages) and `postcode` (a sample of the ONS Postcode Directory).
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    String,
    Text,
    Time,
    UniqueConstraint,
    event,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship


def new_id() -> str:
    return str(uuid.uuid4())


class Base(DeclarativeBase):
    """Declarative base of every directory table."""


class Organization(Base):
    __tablename__ = "organization"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    email: Mapped[str | None] = mapped_column(String(255))
    website: Mapped[str | None] = mapped_column(String(500))
    phone: Mapped[str | None] = mapped_column(String(40))

    services: Mapped[list[Service]] = relationship(back_populates="organization")
    locations: Mapped[list[Location]] = relationship(back_populates="organization")


class TaxonomyTerm(Base):
    """A topic of the intent contract (`code` is the intent name) or another vocabulary term."""

    __tablename__ = "taxonomy_term"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    code: Mapped[str] = mapped_column(String(100), unique=True)
    name: Mapped[str] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    vocabulary: Mapped[str] = mapped_column(String(100), default="family-hubs-topics")
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("taxonomy_term.id"))


class ServiceTaxonomy(Base):
    """Links a service to taxonomy terms (HSDS `attribute` with link_type 'service')."""

    __tablename__ = "service_taxonomy"

    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), primary_key=True
    )
    taxonomy_term_id: Mapped[str] = mapped_column(
        ForeignKey("taxonomy_term.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Service(Base):
    __tablename__ = "service"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str] = mapped_column(ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(String(255))
    alternate_name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(255))
    status: Mapped[str] = mapped_column(String(20), default="active")
    how_to_access: Mapped[str] = mapped_column(Text, default="", doc="How to join or refer.")
    eligibility_description: Mapped[str] = mapped_column(Text, default="")
    minimum_age_months: Mapped[int | None] = mapped_column(Integer)
    maximum_age_months: Mapped[int | None] = mapped_column(Integer)
    for_pregnancy: Mapped[bool] = mapped_column(Boolean, default=False)
    is_free: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    fees_description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )

    organization: Mapped[Organization] = relationship(back_populates="services")
    taxonomy_terms: Mapped[list[TaxonomyTerm]] = relationship(
        secondary="service_taxonomy", lazy="selectin"
    )
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    phones: Mapped[list[Phone]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    contacts: Mapped[list[Contact]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    languages: Mapped[list[Language]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )
    cost_options: Mapped[list[CostOption]] = relationship(
        back_populates="service", cascade="all, delete-orphan"
    )

    __table_args__ = (Index("ix_service_age", "minimum_age_months", "maximum_age_months"),)


class Location(Base):
    """A place; a family hub is a location with `is_family_hub` (spokes name their main hub)."""

    __tablename__ = "location"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    organization_id: Mapped[str | None] = mapped_column(ForeignKey("organization.id"))
    name: Mapped[str] = mapped_column(String(255))
    alternate_name: Mapped[str | None] = mapped_column(String(255))
    description: Mapped[str] = mapped_column(Text, default="")
    location_type: Mapped[str] = mapped_column(String(20), default="physical")
    is_family_hub: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    main_hub_id: Mapped[str | None] = mapped_column(ForeignKey("location.id"))
    address_1: Mapped[str] = mapped_column(String(255), default="")
    address_2: Mapped[str | None] = mapped_column(String(255))
    city: Mapped[str] = mapped_column(String(100), default="")
    area: Mapped[str | None] = mapped_column(String(100), doc="Neighbourhood parents name it by.")
    postal_code: Mapped[str] = mapped_column(String(10), default="")
    latitude: Mapped[float | None] = mapped_column(Float, index=True)
    longitude: Mapped[float | None] = mapped_column(Float, index=True)
    phone: Mapped[str | None] = mapped_column(String(40))
    email: Mapped[str | None] = mapped_column(String(255))
    accessibility: Mapped[str] = mapped_column(Text, default="")
    transport: Mapped[str] = mapped_column(Text, default="", doc="Buses, parking, access.")

    organization: Mapped[Organization | None] = relationship(back_populates="locations")
    service_at_locations: Mapped[list[ServiceAtLocation]] = relationship(back_populates="location")


class ServiceAtLocation(Base):
    __tablename__ = "service_at_location"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    description: Mapped[str] = mapped_column(Text, default="")

    service: Mapped[Service] = relationship(back_populates="service_at_locations")
    location: Mapped[Location] = relationship(back_populates="service_at_locations")
    schedules: Mapped[list[Schedule]] = relationship(
        back_populates="service_at_location", cascade="all, delete-orphan"
    )

    __table_args__ = (UniqueConstraint("service_id", "location_id"),)


class Schedule(Base):
    """An RFC 5545-style recurrence (HSDS schedule).

    Attached to a service_at_location (a session of a service at a hub, e.g. "Stay and Play,
    Tuesdays 10:00-11:30 at Millbrook") or to a location alone (the hub's opening hours).
    `byday` holds RFC 5545 BYDAY values ("MO,WE" or, for monthly, "1TU" = first Tuesday).
    Times are wall-clock times in `timezone` (Europe/London), so a 10:00 session stays at
    10:00 on both sides of a clock change.
    """

    __tablename__ = "schedule"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_at_location_id: Mapped[str | None] = mapped_column(
        ForeignKey("service_at_location.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255), doc="Session name, if not the service's.")
    session_kind: Mapped[str | None] = mapped_column(String(50), index=True)
    freq: Mapped[str] = mapped_column(String(10), default="WEEKLY")
    interval: Mapped[int] = mapped_column(Integer, default=1)
    byday: Mapped[str | None] = mapped_column(String(50))
    bymonthday: Mapped[str | None] = mapped_column(String(50))
    opens_at: Mapped[dt.time] = mapped_column(Time)
    closes_at: Mapped[dt.time] = mapped_column(Time)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    dtstart: Mapped[dt.date | None] = mapped_column(Date, doc="Anchor for interval > 1.")
    timezone: Mapped[str] = mapped_column(String(50), default="Europe/London")
    booking_required: Mapped[bool] = mapped_column(Boolean, default=False)
    notes: Mapped[str] = mapped_column(Text, default="")

    service_at_location: Mapped[ServiceAtLocation | None] = relationship(back_populates="schedules")


class Closure(Base):
    """A day or range of days a hub (or, with no location, every hub) is closed."""

    __tablename__ = "closure"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    location_id: Mapped[str | None] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), index=True
    )
    start_date: Mapped[dt.date] = mapped_column(Date, index=True)
    end_date: Mapped[dt.date] = mapped_column(Date)
    reason: Mapped[str] = mapped_column(String(255), default="")


class Phone(Base):
    __tablename__ = "phone"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[str] = mapped_column(String(40))
    type: Mapped[str] = mapped_column(String(20), default="voice")
    description: Mapped[str] = mapped_column(String(255), default="")

    service: Mapped[Service | None] = relationship(back_populates="phones")


class Contact(Base):
    __tablename__ = "contact"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str | None] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str | None] = mapped_column(String(255))
    title: Mapped[str | None] = mapped_column(String(255))
    email: Mapped[str | None] = mapped_column(String(255))

    service: Mapped[Service | None] = relationship(back_populates="contacts")


class Language(Base):
    """A language a service is offered in (ISO 639-1 code)."""

    __tablename__ = "language"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(10), index=True)
    name: Mapped[str] = mapped_column(String(100), default="")
    note: Mapped[str] = mapped_column(String(255), default="")

    service: Mapped[Service] = relationship(back_populates="languages")


class CostOption(Base):
    __tablename__ = "cost_option"

    id: Mapped[str] = mapped_column(String(36), primary_key=True, default=new_id)
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    option: Mapped[str] = mapped_column(String(255), default="")
    amount: Mapped[Decimal | None] = mapped_column(Numeric(10, 2))
    currency: Mapped[str] = mapped_column(String(3), default="GBP")
    amount_description: Mapped[str] = mapped_column(String(255), default="")

    service: Mapped[Service] = relationship(back_populates="cost_options")


class Translation(Base):
    """A parent-facing text field of a directory record in another language."""

    __tablename__ = "translation"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    entity_type: Mapped[str] = mapped_column(String(40))
    entity_id: Mapped[str] = mapped_column(String(36))
    field: Mapped[str] = mapped_column(String(60))
    language: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        UniqueConstraint("entity_type", "entity_id", "field", "language"),
        Index("ix_translation_lookup", "entity_type", "entity_id", "language"),
    )


class Postcode(Base):
    """A row of the sample postcode table (ONS Postcode Directory columns we use)."""

    __tablename__ = "postcode"

    pcds: Mapped[str] = mapped_column(String(8), primary_key=True, doc="e.g. 'CB1 2AB'")
    pcd_compact: Mapped[str] = mapped_column(String(8), unique=True, doc="no space, upper case")
    latitude: Mapped[float] = mapped_column("lat", Float)
    longitude: Mapped[float] = mapped_column("long", Float)
    ward: Mapped[str | None] = mapped_column("osward", String(100))
    lsoa: Mapped[str | None] = mapped_column("lsoa21", String(20))
    imd_rank: Mapped[int | None] = mapped_column("imd", Integer)


class ContentItem(Base):
    """One bot text in one language: every message the bot sends is a content item.

    `key` is the Rasa response name (e.g. "utter_greet") or another message key (e.g.
    "safeguarding_domestic_abuse"). English defaults are seeded from the Rasa domain and
    `directory/content/*.yml`; staff edits (`source="staff"`) are never overwritten by seeding.
    A staff draft lives in `draft_text`/`draft_buttons` until an approver publishes it.
    """

    __tablename__ = "content_item"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(120))
    language: Mapped[str] = mapped_column(String(10))
    text: Mapped[str] = mapped_column(Text)
    buttons: Mapped[list[dict[str, str]]] = mapped_column(JSON, default=list)
    draft_text: Mapped[str | None] = mapped_column(Text)
    draft_buttons: Mapped[list[dict[str, str]] | None] = mapped_column(JSON)
    needs_review: Mapped[bool] = mapped_column(Boolean, default=False)
    source: Mapped[str] = mapped_column(String(10), default="seed")
    updated_at: Mapped[dt.datetime] = mapped_column(
        DateTime(timezone=True), server_default=func.now(), onupdate=func.now()
    )
    updated_by: Mapped[str | None] = mapped_column(String(120))

    __table_args__ = (UniqueConstraint("key", "language"),)


class Conversation(Base):
    """What the channels remember about one conversation (no message text).

    `id` is the channel-qualified sender key also used as Rasa's sender_id ("web-…", "tg-…").
    """

    __tablename__ = "conversation"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    channel: Mapped[str] = mapped_column(String(20))
    language: Mapped[str | None] = mapped_column(String(10))
    started_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    last_seen_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)
    turns: Mapped[int] = mapped_column(Integer, default=0)
    flagged_for_review: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    flag_categories: Mapped[str] = mapped_column(String(255), default="")


class StaffMessage(Base):
    """A message a parent left for hub staff ("leave a message") or a handover request."""

    __tablename__ = "staff_message"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    location_id: Mapped[str | None] = mapped_column(ForeignKey("location.id", ondelete="SET NULL"))
    topic: Mapped[str | None] = mapped_column(String(100))
    language: Mapped[str] = mapped_column(String(10), default="en")
    message: Mapped[str] = mapped_column(Text, default="")
    contact: Mapped[str] = mapped_column(String(255), default="")
    status: Mapped[str] = mapped_column(String(20), default="new")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class Subscription(Base):
    """Consent to regular messages (e.g. tips while waiting for an assessment)."""

    __tablename__ = "subscription"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    topic: Mapped[str] = mapped_column(String(100), default="general")
    language: Mapped[str] = mapped_column(String(10), default="en")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    consented_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))
    withdrawn_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True))


class UnansweredQuestion(Base):
    """A question the bot could not answer (fallback / out of scope), redacted, for staff."""

    __tablename__ = "unanswered_question"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[str] = mapped_column(String(120), index=True)
    language: Mapped[str] = mapped_column(String(10), default="en")
    text_redacted: Mapped[str] = mapped_column(Text)
    predicted_intent: Mapped[str | None] = mapped_column(String(100))
    confidence: Mapped[float | None] = mapped_column(Float)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), index=True)


class SearchIndexRow(Base):
    """The search index: one row per (search key, active service, place), kept up to date.

    Derived data, never edited by hand: `directory/search_index.py` rebuilds a service's rows
    whenever a flush touches it (services, their topics, languages, places and sessions, or
    the places themselves). `key` is "" (every service), "t:<taxonomy_term.id>" (a topic) or
    "l:<language code>", so one index range gives a query's candidates (and, with `tile`,
    those near a point). A service without a place has one row with `location_id` NULL.
    Per weekday d (0 = Monday), over the place's sessions (times in seconds since midnight):
    `open_d` the earliest start, `close_d` the latest end (a session past midnight counts as
    open until 86400 and carries its end into the next day), `next_d` the days from weekday
    d to the next weekday with a session (1-7; 0 if a session's days are unknown, 14 if there
    are no sessions). The search orders by lower bounds made from `close_d` and `next_d`
    (`open_d` is there for day/time prefilters); exact answers still come from the schedules.
    """

    __tablename__ = "search_index"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(50))
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str | None] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    first_of_service: Mapped[bool] = mapped_column(Boolean, default=False)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    tile: Mapped[int | None] = mapped_column(
        Integer, doc="Map tile of the place (see search_index.tile_of)."
    )
    minimum_age_months: Mapped[int | None] = mapped_column(Integer)
    maximum_age_months: Mapped[int | None] = mapped_column(Integer)
    for_pregnancy: Mapped[bool] = mapped_column(Boolean, default=False)
    is_free: Mapped[bool] = mapped_column(Boolean, default=True)
    open_0: Mapped[int | None] = mapped_column(Integer)
    open_1: Mapped[int | None] = mapped_column(Integer)
    open_2: Mapped[int | None] = mapped_column(Integer)
    open_3: Mapped[int | None] = mapped_column(Integer)
    open_4: Mapped[int | None] = mapped_column(Integer)
    open_5: Mapped[int | None] = mapped_column(Integer)
    open_6: Mapped[int | None] = mapped_column(Integer)
    close_0: Mapped[int | None] = mapped_column(Integer)
    close_1: Mapped[int | None] = mapped_column(Integer)
    close_2: Mapped[int | None] = mapped_column(Integer)
    close_3: Mapped[int | None] = mapped_column(Integer)
    close_4: Mapped[int | None] = mapped_column(Integer)
    close_5: Mapped[int | None] = mapped_column(Integer)
    close_6: Mapped[int | None] = mapped_column(Integer)
    next_0: Mapped[int] = mapped_column(Integer, default=14)
    next_1: Mapped[int] = mapped_column(Integer, default=14)
    next_2: Mapped[int] = mapped_column(Integer, default=14)
    next_3: Mapped[int] = mapped_column(Integer, default=14)
    next_4: Mapped[int] = mapped_column(Integer, default=14)
    next_5: Mapped[int] = mapped_column(Integer, default=14)
    next_6: Mapped[int] = mapped_column(Integer, default=14)

    __table_args__ = (
        Index("ix_search_index_key", "key", "tile"),
        Index("ix_search_index_location", "location_id", "key"),
    )


class SearchSessionRow(Base):
    """The search index of sessions: one row per (search key, session of an active service).

    Derived like `SearchIndexRow` (same key, service and place columns) plus the session's
    schedule fields, so day, time and open-now searches read one table instead of joining
    service, place and schedule for every candidate.
    """

    __tablename__ = "search_session"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key: Mapped[str] = mapped_column(String(50))
    service_id: Mapped[str] = mapped_column(
        ForeignKey("service.id", ondelete="CASCADE"), index=True
    )
    location_id: Mapped[str] = mapped_column(ForeignKey("location.id", ondelete="CASCADE"))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    tile: Mapped[int | None] = mapped_column(
        Integer, doc="Map tile of the place (see search_index.tile_of)."
    )
    minimum_age_months: Mapped[int | None] = mapped_column(Integer)
    maximum_age_months: Mapped[int | None] = mapped_column(Integer)
    for_pregnancy: Mapped[bool] = mapped_column(Boolean, default=False)
    is_free: Mapped[bool] = mapped_column(Boolean, default=True)
    schedule_id: Mapped[str] = mapped_column(ForeignKey("schedule.id", ondelete="CASCADE"))
    session_kind: Mapped[str | None] = mapped_column(String(50))
    freq: Mapped[str | None] = mapped_column(String(10))
    interval: Mapped[int | None] = mapped_column(Integer)
    byday: Mapped[str | None] = mapped_column(String(50))
    bymonthday: Mapped[str | None] = mapped_column(String(50))
    opens_at: Mapped[dt.time] = mapped_column(Time)
    closes_at: Mapped[dt.time] = mapped_column(Time)
    valid_from: Mapped[dt.date | None] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date)
    dtstart: Mapped[dt.date | None] = mapped_column(Date)
    timezone: Mapped[str | None] = mapped_column(String(50))

    __table_args__ = (Index("ix_search_session_key", "key", "tile"),)


@event.listens_for(Session, "before_flush")
def _search_index_before_flush(session: Session, _context: Any, _instances: Any) -> None:
    from directory.search_index import note_before_flush

    note_before_flush(session)


@event.listens_for(Session, "after_flush")
def _search_index_after_flush(session: Session, _context: Any) -> None:
    from directory.search_index import refresh_after_flush

    refresh_after_flush(session)
