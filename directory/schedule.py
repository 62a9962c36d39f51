"""Sessions and opening hours: recurrence expansion, closures and "open now".

A `Schedule` row is an RFC 5545-style rule (FREQ WEEKLY or MONTHLY, INTERVAL anchored on
`dtstart`, BYDAY such as "MO,WE" or, monthly, "1TH" / "-1FR", BYMONTHDAY) limited to
`valid_from`..`valid_to`. Times are wall-clock times in the schedule's timezone, so a 10:00
session is at 10:00 local on both sides of a clock change; every datetime returned here is
timezone-aware. A `Closure` removes whole days (start_date..end_date inclusive) at one
location, or at every location when its `location_id` is NULL (bank holidays).

Hub opening hours are schedules with `location_id` set and `service_at_location_id` NULL;
sessions are schedules of a service at a location. "Now" is always a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo

from dateutil import rrule
from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session, object_session

from directory.models import (
    Closure,
    Location,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTaxonomy,
    TaxonomyTerm,
)

LONDON = ZoneInfo("Europe/London")
WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_FREQS: dict[str, Literal[1, 2, 3]] = {
    "MONTHLY": rrule.MONTHLY,
    "WEEKLY": rrule.WEEKLY,
    "DAILY": rrule.DAILY,
}
_WEEKDAYS = (rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU)
# Anchor for INTERVAL > 1 when a schedule has neither dtstart nor valid_from (a Monday).
_EPOCH = dt.date(2024, 1, 1)


def london_now() -> dt.datetime:
    """The current time in Europe/London (the default for every "now" parameter)."""
    return dt.datetime.now(LONDON)


@dataclass(frozen=True)
class Recurrence:
    """The timing fields of a schedule, hashable so expansions can be memoised."""

    freq: str
    interval: int
    byday: str | None
    bymonthday: str | None
    opens_at: dt.time
    closes_at: dt.time
    valid_from: dt.date | None
    valid_to: dt.date | None
    dtstart: dt.date | None
    timezone: str

    @classmethod
    def of(cls, schedule: Schedule) -> Recurrence:
        """The recurrence of a schedule row."""
        return cls(
            freq=(schedule.freq or "WEEKLY").upper(),
            interval=max(1, schedule.interval or 1),
            byday=schedule.byday or None,
            bymonthday=schedule.bymonthday or None,
            opens_at=schedule.opens_at,
            closes_at=schedule.closes_at,
            valid_from=schedule.valid_from,
            valid_to=schedule.valid_to,
            dtstart=schedule.dtstart,
            timezone=schedule.timezone or "Europe/London",
        )


@dataclass(frozen=True)
class SessionInfo:
    """What an occurrence says about its session, service and place."""

    schedule_id: str
    name: str
    session_kind: str | None = None
    service_id: str | None = None
    service_name: str | None = None
    location_id: str | None = None
    location_name: str | None = None
    address: str = ""
    postcode: str = ""
    booking_required: bool = False
    is_free: bool = True


@dataclass(frozen=True)
class Occurrence:
    """One session (or one opening period of a hub) on one day."""

    start: dt.datetime
    end: dt.datetime
    schedule_id: str
    name: str
    session_kind: str | None
    service_id: str | None
    service_name: str | None
    location_id: str | None
    location_name: str | None
    address: str
    postcode: str
    booking_required: bool
    is_free: bool

    @classmethod
    def make(cls, start: dt.datetime, end: dt.datetime, info: SessionInfo) -> Occurrence:
        """An occurrence of the session described by `info`."""
        return cls(
            start=start,
            end=end,
            schedule_id=info.schedule_id,
            name=info.name,
            session_kind=info.session_kind,
            service_id=info.service_id,
            service_name=info.service_name,
            location_id=info.location_id,
            location_name=info.location_name,
            address=info.address,
            postcode=info.postcode,
            booking_required=info.booking_required,
            is_free=info.is_free,
        )


@dataclass(frozen=True)
class OpeningStatus:
    """Whether a hub is open at a moment, and when it closes or next opens."""

    location_id: str
    at: dt.datetime
    is_open: bool
    closes_at: dt.datetime | None
    next_opens_at: dt.datetime | None
    closed_reason: str | None
    today: list[tuple[dt.datetime, dt.datetime]] = field(default_factory=list)
    has_hours: bool = True


def location_address(location: Location) -> str:
    """A one-line postal address of a location."""
    parts = [location.address_1, location.address_2, location.city, location.postal_code]
    return ", ".join(p for p in parts if p)


def parse_byday(byday: str | None, *, monthly: bool) -> list[rrule.weekday]:
    """RFC 5545 BYDAY values as dateutil weekdays ("1TH" -> TH(+1)); ordinals only monthly."""
    days: list[rrule.weekday] = []
    for raw in (byday or "").upper().replace(" ", "").split(","):
        if len(raw) < 2 or raw[-2:] not in WEEKDAY_CODES:
            continue
        day = _WEEKDAYS[WEEKDAY_CODES.index(raw[-2:])]
        ordinal = raw[:-2]
        if monthly and ordinal.lstrip("+-").isdigit() and int(ordinal) != 0:
            days.append(day(int(ordinal)))
        else:
            days.append(day)
    return days


def _parse_monthdays(bymonthday: str | None) -> list[int]:
    days = []
    for raw in (bymonthday or "").replace(" ", "").split(","):
        if raw.lstrip("+-").isdigit() and 1 <= abs(int(raw)) <= 31:
            days.append(int(raw))
    return days


def _add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@lru_cache(maxsize=4096)
def recurrence_dates(rec: Recurrence, first: dt.date, last: dt.date) -> tuple[dt.date, ...]:
    """The local dates in `first`..`last` (inclusive) on which the recurrence happens.

    Memoised: many schedules share a pattern, and searches ask for the same window.
    """
    freq = _FREQS.get(rec.freq)
    if freq is None:
        return ()
    if rec.valid_from and rec.valid_from > first:
        first = rec.valid_from
    if rec.valid_to and rec.valid_to < last:
        last = rec.valid_to
    if first > last:
        return ()
    anchor = rec.dtstart or rec.valid_from or _EPOCH
    monthly = freq == rrule.MONTHLY
    byweekday = parse_byday(rec.byday, monthly=monthly)
    bymonthday = _parse_monthdays(rec.bymonthday)
    if not byweekday and not bymonthday:
        # Without BYDAY/BYMONTHDAY the day comes from the anchor; make it explicit so the
        # rule's start can be moved without changing the days it yields.
        if monthly:
            bymonthday = [anchor.day]
        elif freq == rrule.WEEKLY:
            byweekday = [_WEEKDAYS[anchor.weekday()]]
    # dateutil iterates from dtstart, so move the start close to the window by whole
    # periods (keeping INTERVAL's phase): weeks for WEEKLY/DAILY, months for MONTHLY.
    if monthly:
        start = dt.date(anchor.year, anchor.month, 1)
        months = (first.year - start.year) * 12 + first.month - start.month - 1
        if months > 0:
            start = _add_months(start, months - months % rec.interval)
    elif freq == rrule.WEEKLY:
        start = anchor - dt.timedelta(days=anchor.weekday())  # the anchor's week (WKST=MO)
        days = (first - start).days - 7
        if days > 0:
            start += dt.timedelta(days=days - days % (7 * rec.interval))
    else:
        start = anchor
        days = (first - start).days - 1
        if days > 0:
            start += dt.timedelta(days=days - days % rec.interval)
    rule = rrule.rrule(
        freq,
        dtstart=dt.datetime.combine(anchor if anchor >= first else start, dt.time()),
        interval=rec.interval,
        byweekday=byweekday or None,
        bymonthday=bymonthday or None,
        wkst=rrule.MO,
        cache=False,
    )
    found = rule.between(
        dt.datetime.combine(first, dt.time()), dt.datetime.combine(last, dt.time()), inc=True
    )
    return tuple(d.date() for d in found)


def closed_days(
    closures: Iterable[Closure], location_id: str | None, first: dt.date, last: dt.date
) -> dict[dt.date, str]:
    """Closed dates (with the reason) at `location_id` between `first` and `last`."""
    days: dict[dt.date, str] = {}
    for closure in closures:
        if closure.location_id is not None and closure.location_id != location_id:
            continue
        day = max(closure.start_date, first)
        while day <= min(closure.end_date, last):
            days.setdefault(day, closure.reason or "Closed")
            day += dt.timedelta(days=1)
    return days


def expand(
    rec: Recurrence,
    closed: dict[dt.date, str] | set[dt.date],
    start: dt.datetime,
    end: dt.datetime,
) -> list[tuple[dt.datetime, dt.datetime]]:
    """(start, end) of each occurrence overlapping [start, end), closed days removed."""
    zone = ZoneInfo(rec.timezone)
    first = start.astimezone(zone).date() - dt.timedelta(days=1)
    last = end.astimezone(zone).date()
    spans = []
    for day in recurrence_dates(rec, first, last):
        if day in closed:
            continue
        opens, closes = span_on(rec, day)
        if closes > start and opens < end:
            spans.append((opens, closes))
    return spans


def span_on(rec: Recurrence, day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware start and end of the recurrence's session on local date `day`."""
    zone = ZoneInfo(rec.timezone)
    opens = dt.datetime.combine(day, rec.opens_at, tzinfo=zone)
    closes = dt.datetime.combine(day, rec.closes_at, tzinfo=zone)
    if closes <= opens:  # a session past midnight ends the next day
        closes += dt.timedelta(days=1)
    return opens, closes


def _info_of(schedule: Schedule) -> SessionInfo:
    """Describe a schedule from its relationships (loads them if needed)."""
    sal = schedule.service_at_location
    service: Service | None = sal.service if sal else None
    location: Location | None = sal.location if sal else None
    if location is None and schedule.location_id:
        db = object_session(schedule)
        location = db.get(Location, schedule.location_id) if db else None
    return _make_info(schedule, service, location)


def _make_info(
    schedule: Schedule, service: Service | None, location: Location | None
) -> SessionInfo:
    if schedule.name:
        name = schedule.name
    elif service is not None:
        name = service.name
    else:
        name = "Opening hours"
    return SessionInfo(
        schedule_id=schedule.id,
        name=name,
        session_kind=schedule.session_kind,
        service_id=service.id if service else None,
        service_name=service.name if service else None,
        location_id=location.id if location else schedule.location_id,
        location_name=location.name if location else None,
        address=location_address(location) if location else "",
        postcode=location.postal_code if location else "",
        booking_required=bool(schedule.booking_required),
        is_free=service.is_free if service else True,
    )


def occurrences(
    schedule: Schedule,
    closures: Sequence[Closure],
    start: dt.datetime,
    end: dt.datetime,
    *,
    info: SessionInfo | None = None,
) -> list[Occurrence]:
    """Occurrences of `schedule` overlapping [start, end), minus the closures that apply.

    `closures` may include other locations' closures; only those for the schedule's
    location (or for every location) are applied. `info` saves loading relationships.
    """
    info = info or _info_of(schedule)
    rec = Recurrence.of(schedule)
    zone = ZoneInfo(rec.timezone)
    closed = closed_days(
        closures,
        info.location_id,
        start.astimezone(zone).date() - dt.timedelta(days=1),
        end.astimezone(zone).date(),
    )
    return [Occurrence.make(s, e, info) for s, e in expand(rec, closed, start, end)]


def closures_between(
    session: Session, first: dt.date, last: dt.date, location_ids: Iterable[str] | None = None
) -> list[Closure]:
    """Closures overlapping `first`..`last` (all-hub ones and those of `location_ids`)."""
    query = select(Closure).where(Closure.start_date <= last, Closure.end_date >= first)
    if location_ids is not None:
        ids = list(set(location_ids))
        query = query.where(or_(Closure.location_id.is_(None), Closure.location_id.in_(ids)))
    return list(session.scalars(query))


def _day_start(day: dt.date, zone: ZoneInfo = LONDON) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=zone)


def _aware(at: dt.datetime) -> dt.datetime:
    return at if at.tzinfo is not None else at.replace(tzinfo=LONDON)


def opening_status(
    session: Session, location_id: str, at: dt.datetime | None = None
) -> OpeningStatus:
    """Whether hub `location_id` is open at `at` (default now, Europe/London).

    Opening hours include `opens_at` and exclude `closes_at`. A closure today gives its
    reason (e.g. "Bank holiday"); `next_opens_at` looks up to four weeks ahead.
    """
    at = _aware(at or london_now()).astimezone(LONDON)
    today = at.date()
    hours = list(
        session.scalars(
            select(Schedule).where(
                Schedule.location_id == location_id, Schedule.service_at_location_id.is_(None)
            )
        )
    )
    horizon = today + dt.timedelta(days=28)
    closures = closures_between(session, today - dt.timedelta(days=1), horizon, [location_id])
    closed = closed_days(closures, location_id, today - dt.timedelta(days=1), horizon)
    spans: list[tuple[dt.datetime, dt.datetime]] = []
    for schedule in hours:
        spans.extend(
            expand(Recurrence.of(schedule), closed, _day_start(today), _day_start(horizon))
        )
    spans.sort()
    current = [s for s in spans if s[0] <= at < s[1]]
    upcoming = [s for s in spans if s[0] > at]
    return OpeningStatus(
        location_id=location_id,
        at=at,
        is_open=bool(current),
        closes_at=max(e for _, e in current) if current else None,
        next_opens_at=upcoming[0][0] if upcoming else None,
        closed_reason=closed.get(today),
        today=[s for s in spans if s[0].astimezone(LONDON).date() == today],
        has_hours=bool(hours),
    )


def _session_rows(
    session: Session,
    *,
    location_id: str | None = None,
    session_kind: str | None = None,
    topic: str | None = None,
) -> list[tuple[Schedule, Service, Location]]:
    query = (
        select(Schedule, Service, Location)
        .join(ServiceAtLocation, Schedule.service_at_location_id == ServiceAtLocation.id)
        .join(Service, ServiceAtLocation.service_id == Service.id)
        .join(Location, ServiceAtLocation.location_id == Location.id)
        .where(Service.status == "active")
    )
    if location_id is not None:
        query = query.where(ServiceAtLocation.location_id == location_id)
    if session_kind:
        query = query.where(Schedule.session_kind == session_kind)
    if topic:
        query = query.where(
            select(ServiceTaxonomy.service_id)
            .join(TaxonomyTerm, TaxonomyTerm.id == ServiceTaxonomy.taxonomy_term_id)
            .where(and_(ServiceTaxonomy.service_id == Service.id, TaxonomyTerm.code == topic))
            .exists()
        )
    return [(s, svc, loc) for s, svc, loc in session.execute(query).all()]


def _expand_rows(
    session: Session,
    rows: list[tuple[Schedule, Service, Location]],
    start: dt.datetime,
    end: dt.datetime,
    weekday: int | None = None,
) -> list[Occurrence]:
    closures = closures_between(
        session,
        start.astimezone(LONDON).date() - dt.timedelta(days=1),
        end.astimezone(LONDON).date(),
        {loc.id for _, _, loc in rows},
    )
    found = []
    for schedule, service, location in rows:
        for occ in occurrences(
            schedule, closures, start, end, info=_make_info(schedule, service, location)
        ):
            if weekday is None or occ.start.astimezone(LONDON).weekday() == weekday:
                found.append(occ)
    found.sort(key=lambda o: (o.start, o.location_name or "", o.name, o.schedule_id))
    return found


def hub_timetable(
    session: Session,
    location_id: str,
    start: dt.date,
    end: dt.date,
    session_kind: str | None = None,
) -> list[Occurrence]:
    """Every session at a hub from `start` to `end` (inclusive dates), in time order."""
    rows = _session_rows(session, location_id=location_id, session_kind=session_kind)
    return _expand_rows(session, rows, _day_start(start), _day_start(end + dt.timedelta(days=1)))


def sessions_between(
    session: Session,
    start: dt.date | dt.datetime,
    end: dt.date | dt.datetime,
    *,
    location_id: str | None = None,
    session_kind: str | None = None,
    topic: str | None = None,
    weekday: int | None = None,
) -> list[Occurrence]:
    """Sessions across hubs between `start` and `end`, in time order.

    Dates mean whole days (`end` inclusive); datetimes mean [start, end). `weekday`
    (0 = Monday) keeps one day of the week; `topic` is a taxonomy code.
    """
    start_at = start if isinstance(start, dt.datetime) else _day_start(start)
    end_at = end if isinstance(end, dt.datetime) else _day_start(end + dt.timedelta(days=1))
    rows = _session_rows(session, location_id=location_id, session_kind=session_kind, topic=topic)
    return _expand_rows(session, rows, _aware(start_at), _aware(end_at), weekday)
