"""Search, hubs, timetables and opening times over HTTP.

Every input is checked before it reaches the database: a bad value gives 422 with a plain
message naming the parameter, an unknown hub 404, never a 500. Times are ISO 8601 with the
UTC offset of Europe/London on that day.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query
from pydantic import BaseModel

from directory.api.deps import SessionDep, only_params
from directory.schedule import LONDON, Occurrence, OpeningStatus, hub_timetable, opening_status
from directory.search import (
    HubMatch,
    SearchError,
    SearchQuery,
    ServiceMatch,
    get_hub,
    list_hubs,
    search_services,
)

router = APIRouter(tags=["search"])

DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
MAX_TIMETABLE_DAYS = 92
MIN_YEAR, MAX_YEAR = 2000, 2100
SEARCH_PARAMS = [
    "topic",
    "q",
    "age_months",
    "pregnant",
    "postcode",
    "lat",
    "lon",
    "radius_km",
    "hub",
    "date",
    "day",
    "time_from",
    "time_to",
    "open_now",
    "language",
    "free",
    "kind",
    "page",
    "page_size",
]


class SessionOut(BaseModel):
    start: dt.datetime
    end: dt.datetime
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


class LocationOut(BaseModel):
    id: str
    name: str
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    is_family_hub: bool


class ServiceOut(BaseModel):
    id: str
    name: str
    description: str
    how_to_access: str
    is_free: bool
    fees: str
    costs: list[str]
    minimum_age_months: int | None
    maximum_age_months: int | None
    for_pregnancy: bool
    phones: list[str]
    email: str | None
    url: str | None
    taxonomy: list[str]
    languages: list[str]
    location: LocationOut | None
    next_sessions: list[SessionOut]
    score: float
    reasons: list[str]


class SearchOut(BaseModel):
    items: list[ServiceOut]
    total: int
    page: int
    page_size: int
    pages: int


class OpeningOut(BaseModel):
    hub_id: str
    at: dt.datetime
    is_open: bool
    closes_at: dt.datetime | None
    next_opens_at: dt.datetime | None
    closed_reason: str | None
    today: list[tuple[dt.datetime, dt.datetime]]
    has_opening_hours: bool


class HubOut(BaseModel):
    id: str
    name: str
    alternate_name: str | None
    area: str | None
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None
    phone: str | None
    email: str | None
    open_now: bool
    opening: OpeningOut | None = None


class TimetableOut(BaseModel):
    hub_id: str
    hub_name: str
    start: dt.date
    end: dt.date
    sessions: list[SessionOut]


def _local(value: dt.datetime) -> dt.datetime:
    return value.astimezone(LONDON)


def _session_out(o: Occurrence) -> SessionOut:
    return SessionOut(
        start=_local(o.start),
        end=_local(o.end),
        name=o.name,
        session_kind=o.session_kind,
        service_id=o.service_id,
        service_name=o.service_name,
        location_id=o.location_id,
        location_name=o.location_name,
        address=o.address,
        postcode=o.postcode,
        booking_required=o.booking_required,
        is_free=o.is_free,
    )


def _service_out(m: ServiceMatch) -> ServiceOut:
    data: dict[str, Any] = {
        name: getattr(m, name) for name in ServiceOut.model_fields if name != "next_sessions"
    }
    data["location"] = LocationOut(**vars(m.location)) if m.location else None
    data["next_sessions"] = [_session_out(o) for o in m.next_sessions]
    return ServiceOut(**data)


def _opening_out(status: OpeningStatus) -> OpeningOut:
    return OpeningOut(
        hub_id=status.location_id,
        at=_local(status.at),
        is_open=status.is_open,
        closes_at=_local(status.closes_at) if status.closes_at else None,
        next_opens_at=_local(status.next_opens_at) if status.next_opens_at else None,
        closed_reason=status.closed_reason,
        today=[(_local(s), _local(e)) for s, e in status.today],
        has_opening_hours=status.has_hours,
    )


def _hub_out(hub: HubMatch, status: OpeningStatus) -> HubOut:
    return HubOut(**vars(hub) | {"open_now": status.is_open, "opening": _opening_out(status)})


def _bad(param: str, message: str) -> HTTPException:
    return HTTPException(status_code=422, detail=f"{param}: {message}")


def _parse_time(param: str, value: str | None) -> dt.time | None:
    if value is None or value == "":
        return None
    try:
        parsed = dt.time.fromisoformat(value.strip())
    except ValueError:
        raise _bad(param, "use a 24-hour time such as 09:30.") from None
    return parsed.replace(tzinfo=None)


def _parse_at(value: str | None) -> dt.datetime | None:
    if not value:
        return None
    try:
        at = dt.datetime.fromisoformat(value.strip())
    except ValueError:
        raise _bad("at", "use an ISO 8601 date and time such as 2026-11-03T10:00.") from None
    if not MIN_YEAR <= at.year <= MAX_YEAR:
        raise _bad("at", f"choose a date between {MIN_YEAR} and {MAX_YEAR}.")
    if at.tzinfo is None:
        at = at.replace(tzinfo=LONDON)
    return at


def _hub_or_404(session: SessionDep, hub_id: str) -> HubMatch:
    hub = get_hub(session, hub_id[:36]) if len(hub_id) <= 36 else None
    if hub is None:
        raise HTTPException(status_code=404, detail="There is no family hub with that id.")
    return hub


@router.get(
    "/api/search",
    response_model=SearchOut,
    summary="Search services: nearest and soonest first, with reasons",
    dependencies=[Depends(only_params(*SEARCH_PARAMS))],
)
def search(
    session: SessionDep,
    topic: Annotated[str | None, Query(max_length=100, description="Topic code")] = None,
    q: Annotated[str | None, Query(max_length=200, description="Words to look for")] = None,
    age_months: Annotated[
        int | None, Query(ge=0, le=300, description="Child's age in months (0-300)")
    ] = None,
    pregnant: bool = False,
    postcode: Annotated[str | None, Query(max_length=20)] = None,
    lat: Annotated[float | None, Query(ge=-90, le=90)] = None,
    lon: Annotated[float | None, Query(ge=-180, le=180)] = None,
    radius_km: Annotated[float | None, Query(gt=0, le=100)] = None,
    hub: Annotated[str | None, Query(max_length=36, description="A hub's id")] = None,
    on_date: Annotated[dt.date | None, Query(alias="date", description="YYYY-MM-DD")] = None,
    day: Annotated[str | None, Query(max_length=10, description="monday..sunday")] = None,
    time_from: Annotated[str | None, Query(max_length=8, description="HH:MM")] = None,
    time_to: Annotated[str | None, Query(max_length=8, description="HH:MM")] = None,
    open_now: bool = False,
    language: Annotated[str | None, Query(pattern=r"^[A-Za-z]{2,3}$")] = None,
    free: bool = False,
    kind: Annotated[str | None, Query(max_length=50, description="Session kind")] = None,
    page: Annotated[int, Query(ge=1, le=1000)] = 1,
    page_size: Annotated[int, Query(ge=1, le=50)] = 10,
) -> SearchOut:
    """Services matching every given filter, nearest and soonest first."""
    weekday = None
    if day:
        if day.strip().lower() not in DAYS:
            raise _bad("day", "use a day name such as monday.")
        weekday = DAYS.index(day.strip().lower())
    query = SearchQuery(
        topic=topic or None,
        text=q or None,
        age_months=age_months,
        pregnant=pregnant,
        postcode=postcode or None,
        latitude=lat,
        longitude=lon,
        radius_km=radius_km,
        location_id=hub or None,
        on_date=on_date,
        weekday=weekday,
        time_from=_parse_time("time_from", time_from),
        time_to=_parse_time("time_to", time_to),
        open_now=open_now,
        language=language.lower() if language else None,
        free_only=free,
        session_kind=kind or None,
        page=page,
        page_size=page_size,
    )
    try:
        result = search_services(session, query)
    except SearchError as error:
        raise HTTPException(status_code=422, detail=error.message) from None
    return SearchOut(
        items=[_service_out(m) for m in result.items],
        total=result.total,
        page=result.page,
        page_size=result.page_size,
        pages=-(-result.total // result.page_size),
    )


@router.get(
    "/api/hubs",
    response_model=list[HubOut],
    summary="Every family hub, with address and whether it is open now",
    dependencies=[Depends(only_params("at"))],
)
def hubs(
    session: SessionDep, at: Annotated[str | None, Query(max_length=40)] = None
) -> list[HubOut]:
    """Every family hub by name; `at` (ISO date-time) replaces "now"."""
    moment = _parse_at(at)
    return [_hub_out(h, opening_status(session, h.id, moment)) for h in list_hubs(session)]


@router.get(
    "/api/hubs/{hub_id}",
    response_model=HubOut,
    summary="One family hub",
    dependencies=[Depends(only_params("at"))],
)
def hub_detail(
    session: SessionDep, hub_id: str, at: Annotated[str | None, Query(max_length=40)] = None
) -> HubOut:
    """A hub's address, contact details and opening status."""
    hub = _hub_or_404(session, hub_id)
    return _hub_out(hub, opening_status(session, hub.id, _parse_at(at)))


@router.get(
    "/api/hubs/{hub_id}/timetable",
    response_model=TimetableOut,
    summary="Sessions at a hub between two dates",
    dependencies=[Depends(only_params("from", "to", "kind"))],
)
def timetable(
    session: SessionDep,
    hub_id: str,
    start: Annotated[dt.date | None, Query(alias="from", description="YYYY-MM-DD")] = None,
    end: Annotated[dt.date | None, Query(alias="to", description="YYYY-MM-DD")] = None,
    kind: Annotated[str | None, Query(max_length=50)] = None,
) -> TimetableOut:
    """Sessions from `from` (default today) to `to` (default a week on), at most 92 days."""
    hub = _hub_or_404(session, hub_id)
    start = start or dt.datetime.now(LONDON).date()
    if not all(MIN_YEAR <= d.year <= MAX_YEAR for d in (start, end or start)):
        raise _bad("from", f"choose dates between {MIN_YEAR} and {MAX_YEAR}.")
    end = end or start + dt.timedelta(days=6)
    if end < start:
        raise _bad("to", "the end date must not be before the start date.")
    if (end - start).days >= MAX_TIMETABLE_DAYS:
        raise _bad("to", f"ask for at most {MAX_TIMETABLE_DAYS} days at a time.")
    sessions = hub_timetable(session, hub.id, start, end, session_kind=kind or None)
    return TimetableOut(
        hub_id=hub.id,
        hub_name=hub.name,
        start=start,
        end=end,
        sessions=[_session_out(o) for o in sessions],
    )


@router.get(
    "/api/hubs/{hub_id}/opening-times",
    response_model=OpeningOut,
    summary="Whether a hub is open, today's hours, the next opening and any closure",
    dependencies=[Depends(only_params("at"))],
)
def opening_times(
    session: SessionDep, hub_id: str, at: Annotated[str | None, Query(max_length=40)] = None
) -> OpeningOut:
    """Opening status at `at` (ISO date-time, default now in Europe/London)."""
    hub = _hub_or_404(session, hub_id)
    return _opening_out(opening_status(session, hub.id, _parse_at(at)))
