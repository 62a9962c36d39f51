"""The directory search: one function used by the HTTP API and by the Rasa actions.

Ranking ("nearest and soonest first"): each place a service is offered at gets

    score = distance_km + KM_PER_DAY * min(days_until_next_session, NO_SESSION_DAYS)

and a service's score is that of its best place (lower is better). `days_until_next_session`
counts calendar days in Europe/London (0 = a session later today or happening now); a
service with no upcoming session counts as NO_SESSION_DAYS, so it still appears, ranked by
distance. Without a postcode or point the distance term is 0 (ranked by soonest); a place
with no coordinates, or a service with no place (online, phone), counts as NO_LOCATION_KM.
Ties are broken by service id, so pages are stable.

Speed: filters run in SQL (topic, words, age overlap with NULL meaning no limit, pregnancy,
free, language, hub, a bounding box and squared flat-earth distance for the radius, session
kind and prefilters for day, time and open now). Occurrences are computed in Python only for
candidates. For the ranking, SQL orders rows by a cheap lower bound of the score (Chebyshev
distance, and the next matching weekday of BYDAY); exact scores are computed for the first
rows only and more rows are fetched until the page is provably in order (a threshold top-k).

When the database has the search index (directory/search_index.py, migration 0003), the
candidates, lower bounds, counts and session rows come from its tables (one index range per
topic, language or "everything", narrowed by map tiles for a radius) instead of joining
service, place and schedule for every candidate. The index only ever admits more than the
filters would, and its lower bounds are true lower bounds (a session past midnight included),
so the answers are those of scoring every candidate exactly from the tables
(tests/directory/test_search_index.py checks this on random directories).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, cast
from zoneinfo import ZoneInfo

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    case,
    distinct,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.orm import Session, aliased, selectinload

from directory.geo import (
    KM_PER_DEGREE_LAT,
    Point,
    bounding_box,
    haversine_km,
    km_per_degree_lon,
    lookup_postcode,
    normalise_outward_code,
    normalise_postcode,
)
from directory.models import (
    Closure,
    Language,
    Location,
    Schedule,
    SearchIndexRow,
    SearchSessionRow,
    Service,
    ServiceAtLocation,
    ServiceTaxonomy,
    TaxonomyTerm,
)
from directory.schedule import (
    LONDON,
    WEEKDAY_CODES,
    Occurrence,
    Recurrence,
    SessionInfo,
    closed_days,
    expand,
    location_address,
    london_now,
    recurrence_dates,
    span_on,
)
from directory.search_index import (
    KEY_ALL,
    has_search_index,
    language_key,
    tiles_covering,
    time_seconds,
    topic_key,
)

# Use the search index (directory/search_index.py) when the database has it; tests switch
# it off to compare with the table-only computation.
USE_SEARCH_INDEX = True
KM_PER_DAY = 0.5
NO_SESSION_DAYS = 14
NO_LOCATION_KM = 5.0
HORIZON_DAYS = 62
MAX_PAGE_SIZE = 50
MAX_AGE_MONTHS = 300
MAX_RADIUS_KM = 100.0
MAX_TEXT_WORDS = 8
NEXT_SESSIONS = 3
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
LANGUAGE_NAMES = {
    "en": "English",
    "pl": "Polish",
    "ro": "Romanian",
    "pa": "Punjabi",
    "ur": "Urdu",
    "pt": "Portuguese",
    "es": "Spanish",
    "ar": "Arabic",
    "bn": "Bengali",
    "uk": "Ukrainian",
    "bsl": "British Sign Language",
}


class SearchError(ValueError):
    """A query that cannot be answered (unknown postcode, impossible inputs); plain message."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class SearchQuery:
    """What a parent is looking for; every field is optional."""

    topic: str | None = None  # taxonomy_term.code == intent name, e.g. "infant_feeding"
    text: str | None = None  # free words matched against name/description
    age_months: int | None = None  # child's age; pregnancy handled by `pregnant`
    pregnant: bool = False
    postcode: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    radius_km: float | None = None
    location_id: str | None = None  # a hub
    on_date: dt.date | None = None
    weekday: int | None = None  # 0 = Monday
    time_from: dt.time | None = None
    time_to: dt.time | None = None
    open_now: bool = False  # has a session happening now, or its hub is open now
    language: str | None = None  # a language the service is offered in (ISO 639-1)
    free_only: bool = False
    session_kind: str | None = None
    page: int = 1
    page_size: int = 10


@dataclass(frozen=True)
class LocationMatch:
    """The place a service is best reached at for this query."""

    id: str
    name: str
    address: str
    postcode: str
    latitude: float | None
    longitude: float | None
    distance_km: float | None
    is_family_hub: bool


@dataclass(frozen=True)
class ServiceMatch:
    """One search result with what a parent needs to decide and get in touch."""

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
    location: LocationMatch | None
    next_sessions: list[Occurrence]
    score: float
    reasons: list[str]


@dataclass(frozen=True)
class SearchPage:
    """One page of results and the total number of matching services."""

    items: list[ServiceMatch]
    total: int
    page: int
    page_size: int


@dataclass(frozen=True)
class HubMatch:
    """A family hub, with its distance when searched from a point."""

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
    distance_km: float | None = None


# ---------------------------------------------------------------- resolving the query


@dataclass
class _Plan:
    query: SearchQuery
    now: dt.datetime
    today: dt.date
    point: Point | None
    term_id: str | None
    window_start: dt.datetime
    window_end: dt.datetime
    session_filtered: bool  # results need exact session checks (day, time, open now)
    words: list[str] = field(default_factory=list)
    # With the search index: only services in this subquery can match (a superset).
    candidates: Select[Any] | list[str] | None = None

    @cached_property
    def kx(self) -> float:
        assert self.point is not None
        return km_per_degree_lon(self.point.lat)


def _fail(message: str, field_name: str) -> SearchError:
    return SearchError(message, field_name)


def _valid_topics(session: Session) -> list[str]:
    return list(session.scalars(select(TaxonomyTerm.code).order_by(TaxonomyTerm.code)))


def _resolve_point(session: Session, query: SearchQuery) -> Point | None:
    if query.postcode:
        if normalise_postcode(query.postcode) is None and (
            normalise_outward_code(query.postcode) is None
        ):
            raise _fail(
                "That doesn't look like a UK postcode. Please check it (for example CK1 4QP).",
                "postcode",
            )
        point = lookup_postcode(session, query.postcode)
        if point is None:
            raise _fail(
                "We couldn't find that postcode. Please check it, or try the first half "
                "(for example CK1).",
                "postcode",
            )
        return point
    if query.latitude is not None or query.longitude is not None:
        if query.latitude is None or query.longitude is None:
            raise _fail("Give both latitude and longitude.", "latitude")
        lat, lon = query.latitude, query.longitude
        if not (math.isfinite(lat) and math.isfinite(lon) and -90 <= lat <= 90) or not (
            -180 <= lon <= 180
        ):
            raise _fail("Latitude must be -90..90 and longitude -180..180.", "latitude")
        return Point(lat, lon)
    return None


def _plan(session: Session, query: SearchQuery, now: dt.datetime | None) -> _Plan:
    """Check the query and work out what it means; raise SearchError if it cannot."""
    now = (now or london_now()).astimezone(LONDON)
    today = now.date()
    if query.page < 1:
        raise _fail("Page numbers start at 1.", "page")
    if not 1 <= query.page_size <= MAX_PAGE_SIZE:
        raise _fail(f"Page size must be between 1 and {MAX_PAGE_SIZE}.", "page_size")
    if query.page * query.page_size > 10_000:
        raise _fail("That page is too far in; narrow the search instead.", "page")
    if query.age_months is not None and not 0 <= query.age_months <= MAX_AGE_MONTHS:
        raise _fail(
            f"A child's age must be between 0 and {MAX_AGE_MONTHS} months (25 years).",
            "age_months",
        )
    if query.radius_km is not None and not (
        math.isfinite(query.radius_km) and 0 < query.radius_km <= MAX_RADIUS_KM
    ):
        raise _fail(f"The radius must be more than 0 and at most {MAX_RADIUS_KM:g} km.", "radius")
    if query.weekday is not None and not 0 <= query.weekday <= 6:
        raise _fail("The day of the week must be 0 (Monday) to 6 (Sunday).", "weekday")
    if query.time_from and query.time_to and query.time_from >= query.time_to:
        raise _fail("The start time must be before the end time.", "time_from")
    if query.on_date is not None:
        if query.on_date < today:
            raise _fail("That date has already passed.", "on_date")
        if query.on_date > today + dt.timedelta(days=366):
            raise _fail("Choose a date within the next year.", "on_date")
        if query.weekday is not None and query.on_date.weekday() != query.weekday:
            raise _fail("That date is not on the day of the week asked for.", "weekday")
    if query.open_now and (
        (query.on_date is not None and query.on_date != today)
        or (query.weekday is not None and query.weekday != today.weekday())
    ):
        raise _fail("'Open now' cannot be combined with another day.", "open_now")
    point = _resolve_point(session, query)
    if query.radius_km is not None and point is None:
        raise _fail("A radius needs a postcode or a latitude and longitude.", "radius")
    term_id = None
    if query.topic:
        term_id = session.scalar(select(TaxonomyTerm.id).where(TaxonomyTerm.code == query.topic))
        if term_id is None:
            raise _fail(
                f"Unknown topic '{query.topic[:60]}'. Valid topics: "
                + ", ".join(_valid_topics(session)),
                "topic",
            )
    if query.on_date is not None:
        start = max(now, dt.datetime.combine(query.on_date, dt.time(), tzinfo=LONDON))
        end = dt.datetime.combine(query.on_date + dt.timedelta(days=1), dt.time(), tzinfo=LONDON)
    else:
        start, end = now, now + dt.timedelta(days=HORIZON_DAYS)
    words = [w for w in re.findall(r"\w+", query.text or "") if len(w) > 1][:MAX_TEXT_WORDS]
    return _Plan(
        query=query,
        now=now,
        today=today,
        point=point,
        term_id=term_id,
        window_start=start,
        window_end=end,
        session_filtered=bool(
            query.open_now
            or query.on_date
            or query.weekday is not None
            or query.time_from
            or query.time_to
        ),
        words=[w.lower()[:40] for w in words],
    )


# ---------------------------------------------------------------- SQL


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _word_filters(plan: _Plan) -> list[ColumnElement[bool]]:
    clauses: list[ColumnElement[bool]] = []
    for word in plan.words:
        pattern = f"%{_escape_like(word)}%"
        clauses.append(
            or_(
                Service.name.ilike(pattern, escape="\\"),
                Service.description.ilike(pattern, escape="\\"),
            )
        )
    return clauses


def _age_filters(
    q: SearchQuery, minimum: Any, maximum: Any, pregnancy: Any
) -> list[ColumnElement[bool]]:
    """Age overlap (NULL = no limit) or pregnancy, on service or search-index columns."""
    age_or_pregnancy: list[ColumnElement[bool]] = []
    if q.age_months is not None:
        age_or_pregnancy.append(
            and_(
                or_(minimum.is_(None), minimum <= q.age_months),
                or_(maximum.is_(None), maximum >= q.age_months),
            )
        )
    if q.pregnant:
        age_or_pregnancy.append(
            or_(pregnancy.is_(True), and_(minimum.is_(None), maximum.is_(None)))
        )
    return [or_(*age_or_pregnancy)] if age_or_pregnancy else []


def _service_filters(plan: _Plan) -> list[ColumnElement[bool]]:
    q = plan.query
    clauses: list[ColumnElement[bool]] = [Service.status == "active"]
    if plan.candidates is not None:
        clauses.append(Service.id.in_(plan.candidates))
    if plan.term_id is not None:
        clauses.append(
            Service.id.in_(
                select(ServiceTaxonomy.service_id).where(
                    ServiceTaxonomy.taxonomy_term_id == plan.term_id
                )
            )
        )
    clauses += _word_filters(plan)
    clauses += _age_filters(
        q, Service.minimum_age_months, Service.maximum_age_months, Service.for_pregnancy
    )
    if q.free_only:
        clauses.append(Service.is_free.is_(True))
    if q.language:
        clauses.append(
            Service.id.in_(select(Language.service_id).where(Language.code == q.language.lower()))
        )
    return clauses


def _location_filters(plan: _Plan) -> list[ColumnElement[bool]]:
    return _place_filters(
        plan, ServiceAtLocation.location_id, Location.latitude, Location.longitude
    )


def _place_filters(
    plan: _Plan, location_id: Any, lat: Any, lon: Any, tile: Any = None
) -> list[ColumnElement[bool]]:
    """Hub and radius filters on the given columns (the tables' or the search index's).

    With a search index's `tile` column, the radius also limits the map tiles (an index
    range each); the exact conditions follow.
    """
    q = plan.query
    clauses: list[ColumnElement[bool]] = []
    if q.location_id is not None:
        clauses.append(location_id == q.location_id)
    if plan.point is not None and q.radius_km is not None:
        box = bounding_box(plan.point, q.radius_km)
        tiles = tiles_covering(box.min_lat, box.max_lat, box.min_lon, box.max_lon)
        if tile is not None and tiles is not None:
            clauses.append(tile.in_(tiles))
        clauses += [
            lat.between(box.min_lat, box.max_lat),
            lon.between(box.min_lon, box.max_lon),
            _squared_km(plan, lat, lon) <= q.radius_km**2,
        ]
    return clauses


def _squared_km(
    plan: _Plan, lat: Any = Location.latitude, lon: Any = Location.longitude
) -> ColumnElement[float | None]:
    assert plan.point is not None
    dy = (lat - plan.point.lat) * KM_PER_DEGREE_LAT
    dx = (lon - plan.point.lon) * plan.kx
    return dy * dy + dx * dx


def _flat_km(plan: _Plan, lat: float | None, lon: float | None) -> float | None:
    """The same flat-earth distance SQL filters the radius with (< 0.5% off within 100 km)."""
    if plan.point is None or lat is None or lon is None:
        return None
    dy = (lat - plan.point.lat) * KM_PER_DEGREE_LAT
    dx = (lon - plan.point.lon) * plan.kx
    return math.sqrt(dy * dy + dx * dx)


def _day_matches(day: dt.date, sched: Any = Schedule) -> ColumnElement[bool]:
    """SQL prefilter: a session can fall on `day` (exact check in Python)."""
    code = WEEKDAY_CODES[day.weekday()]
    return or_(
        sched.byday.is_(None),
        sched.byday == "",
        sched.byday.like(f"%{code}%"),
    )


def _validity(plan: _Plan, sched: Any = Schedule) -> ColumnElement[bool]:
    last = plan.window_end.astimezone(LONDON).date()
    return and_(
        or_(sched.valid_to.is_(None), sched.valid_to >= plan.window_start.date()),
        or_(sched.valid_from.is_(None), sched.valid_from <= last),
    )


def _session_prefilter(plan: _Plan, sched: Any = Schedule) -> list[ColumnElement[bool]]:
    """SQL prefilters of sessions, on `schedule` or on the search index of sessions."""
    q = plan.query
    clauses: list[ColumnElement[bool]] = [_validity(plan, sched)]
    if q.session_kind:
        clauses.append(sched.session_kind == q.session_kind)
    if q.on_date is not None:
        clauses.append(_day_matches(q.on_date, sched))
    elif q.weekday is not None:
        code = WEEKDAY_CODES[q.weekday]
        clauses.append(or_(sched.byday.is_(None), sched.byday == "", sched.byday.like(f"%{code}%")))
    if q.time_from is not None:
        clauses.append(sched.closes_at > q.time_from)
    if q.time_to is not None:
        clauses.append(sched.opens_at < q.time_to)
    return clauses


def _now_prefilter(plan: _Plan, schedule: Any) -> ColumnElement[bool]:
    """SQL prefilter: `schedule` (a Schedule or an alias) may be running at plan.now."""
    code = WEEKDAY_CODES[plan.today.weekday()]
    t = plan.now.time().replace(tzinfo=None)
    return and_(
        or_(schedule.byday.is_(None), schedule.byday == "", schedule.byday.like(f"%{code}%")),
        schedule.opens_at <= t,
        schedule.closes_at > t,
        or_(schedule.valid_to.is_(None), schedule.valid_to >= plan.today),
        or_(schedule.valid_from.is_(None), schedule.valid_from <= plan.today),
    )


_SCHEDULE_COLUMNS = (
    Schedule.id,
    Schedule.freq,
    Schedule.interval,
    Schedule.byday,
    Schedule.bymonthday,
    Schedule.opens_at,
    Schedule.closes_at,
    Schedule.valid_from,
    Schedule.valid_to,
    Schedule.dtstart,
    Schedule.timezone,
)


def _rows_select(plan: _Plan, *columns: Any, sessions_required: bool) -> Select[Any]:
    """Service x place x session rows of the candidates (LEFT joins when nothing requires them)."""
    q = plan.query
    needs_place = q.location_id is not None or q.radius_km is not None or sessions_required
    location_filters = _location_filters(plan)
    session_conditions = [Schedule.service_at_location_id == ServiceAtLocation.id]
    session_conditions += _session_prefilter(plan)
    query = select(*columns).select_from(Service)
    if needs_place:
        query = query.join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id).join(
            Location, Location.id == ServiceAtLocation.location_id
        )
    else:
        query = query.outerjoin(
            ServiceAtLocation, ServiceAtLocation.service_id == Service.id
        ).outerjoin(Location, Location.id == ServiceAtLocation.location_id)
    if sessions_required:
        query = query.join(Schedule, and_(*session_conditions))
    else:
        query = query.outerjoin(Schedule, and_(*session_conditions))
    return query.where(*_service_filters(plan), *location_filters)


def _binary(session: Session, column: Any) -> Any:
    """Order by code points on every backend (PostgreSQL's default collation ignores '-')."""
    if session.get_bind().dialect.name == "postgresql":
        return column.collate("C")
    return column


def _distance_bound(plan: _Plan, lat: Any, lon: Any) -> ColumnElement[float]:
    """A lower bound of the distance term (Chebyshev distance, a little shrunk for rounding)."""
    if plan.point is None:
        return literal(0.0)
    dy = func.abs((lat - plan.point.lat) * KM_PER_DEGREE_LAT)
    dx = func.abs((lon - plan.point.lon) * plan.kx)
    return case(
        (lat.is_(None), NO_LOCATION_KM),
        (lon.is_(None), NO_LOCATION_KM),
        (dy > dx, dy * 0.999),
        else_=dx * 0.999,
    )


def _lower_bound(plan: _Plan) -> ColumnElement[float]:
    """A lower bound of each row's score that SQL can order by (see module docstring)."""
    distance = _distance_bound(plan, Location.latitude, Location.longitude)
    t = plan.now.time().replace(tzinfo=None)
    whens: list[tuple[ColumnElement[bool], float]] = [
        (Schedule.id.is_(None), KM_PER_DAY * NO_SESSION_DAYS)
    ]
    for ahead in range(8):
        code = WEEKDAY_CODES[(plan.today.weekday() + ahead) % 7]
        condition: ColumnElement[bool] = Schedule.byday.like(f"%{code}%")
        if ahead == 0:
            condition = and_(condition, Schedule.closes_at > t)
        whens.append((condition, KM_PER_DAY * ahead))
    days = case(*whens, else_=0.0)
    return distance + days


# ---------------------------------------------------------------- the search index
#
# directory/search_index.py keeps one row per (key, active service, place). Every condition
# below admits at least the rows the table-based SQL above admits (same filters on copied
# columns, and weekday/time prefilters from each place's earliest start and latest end per
# weekday), so using the index changes which rows are *looked at*, never the answer: exact
# scores and session checks still come from the schedules.


def _index_filters(plan: _Plan, row: Any = SearchIndexRow) -> list[ColumnElement[bool]]:
    """The service and place filters on search-index rows (`SearchIndexRow` or
    `SearchSessionRow`), within one key's range of the index."""
    q = plan.query
    language = q.language.lower() if q.language else None
    if plan.term_id is not None:
        key = topic_key(plan.term_id)
    elif language is not None:
        key = language_key(language)
    else:
        key = KEY_ALL
    clauses: list[ColumnElement[bool]] = [row.key == key]
    if plan.term_id is not None and language is not None:
        clauses.append(
            row.service_id.in_(select(Language.service_id).where(Language.code == language))
        )
    words = _word_filters(plan)
    if words:
        clauses.append(row.service_id.in_(select(Service.id).where(*words)))
    clauses += _age_filters(q, row.minimum_age_months, row.maximum_age_months, row.for_pregnancy)
    if q.free_only:
        clauses.append(row.is_free.is_(True))
    if q.session_kind and row is SearchIndexRow:  # places: those with a session of the kind
        clauses.append(
            row.service_id.in_(
                select(ServiceAtLocation.service_id)
                .join(Schedule, Schedule.service_at_location_id == ServiceAtLocation.id)
                .where(Schedule.session_kind == q.session_kind)
            )
        )
    clauses += _place_filters(plan, row.location_id, row.latitude, row.longitude, row.tile)
    return clauses


def _day_column(kind: str, weekday: int) -> Any:
    return getattr(SearchIndexRow, f"{kind}_{weekday}")


def _index_lower_bound(plan: _Plan) -> ColumnElement[float]:
    """A lower bound of a place's score: 0 days if a session may still be on today, else the
    days to the next weekday with a session (14 without sessions)."""
    distance = _distance_bound(plan, SearchIndexRow.latitude, SearchIndexRow.longitude)
    weekday = plan.today.weekday()
    days = case(
        (_day_column("close", weekday) > time_seconds(plan.now.time()), 0),
        else_=_day_column("next", weekday),
    )
    return distance + days * KM_PER_DAY


def _count_indexed(session: Session, plan: _Plan) -> int:
    q = plan.query
    if q.session_kind:  # needs each session's kind and validity: count from the tables
        plan.candidates = select(SearchIndexRow.service_id).where(*_index_filters(plan))
        try:
            return _count(session, plan)
        finally:
            plan.candidates = None
    if q.location_id is None and q.radius_km is None:
        query = select(func.count()).where(
            *_index_filters(plan), SearchIndexRow.first_of_service.is_(True)
        )
    else:
        query = select(func.count(distinct(SearchIndexRow.service_id))).where(*_index_filters(plan))
    return int(session.scalar(query) or 0)


# ---------------------------------------------------------------- exact scores


@dataclass
class _Place:
    location_id: str | None
    lat: float | None
    lon: float | None
    sessions: list[tuple[str, Recurrence]] = field(default_factory=list)
    hours: list[Recurrence] = field(default_factory=list)
    known_open: bool = False  # open now whatever else is added (open-now searches)


@dataclass
class _Scored:
    service_id: str
    score: float
    location_id: str | None
    distance_km: float | None
    next_start: dt.datetime | None
    open_now: bool = False

    @property
    def key(self) -> tuple[float, str]:
        return (self.score, self.service_id)


def _rec(row: Any, offset: int) -> Recurrence:
    return Recurrence(
        freq=(row[offset + 1] or "WEEKLY").upper(),
        interval=max(1, row[offset + 2] or 1),
        byday=row[offset + 3] or None,
        bymonthday=row[offset + 4] or None,
        opens_at=row[offset + 5],
        closes_at=row[offset + 6],
        valid_from=row[offset + 7],
        valid_to=row[offset + 8],
        dtstart=row[offset + 9],
        timezone=row[offset + 10] or "Europe/London",
    )


def _collect(rows: Iterable[Any], hours: bool = False) -> dict[str, dict[str | None, _Place]]:
    """Group (service, location, lat, lon, schedule...) rows by service and place."""
    places: dict[str, dict[str | None, _Place]] = defaultdict(dict)
    for row in rows:
        service_id, location_id = row[0], row[1]
        place = places[service_id].get(location_id)
        if place is None:
            place = places[service_id][location_id] = _Place(location_id, row[2], row[3])
        if row[4] is not None:
            rec = _rec(row, 4)
            if hours:
                place.hours.append(rec)
            else:
                place.sessions.append((row[4], rec))
    return places


class _Evaluator:
    """Exact next-session times with closures, memoised per (pattern, location) for one query."""

    def __init__(self, session: Session, plan: _Plan) -> None:
        self.session = session
        self.plan = plan
        self._closed: dict[str | None, dict[dt.date, str]] = {}
        self._closures: list[Closure] | None = None
        self._own: set[str] = set()
        self._first: dict[tuple[Recurrence, str | None], dt.datetime | None] = {}
        self._running: dict[tuple[Recurrence, str | None], bool] = {}
        q = plan.query
        self.accept = _occurrence_filter(q)
        self._first_day = plan.window_start.astimezone(LONDON).date() - dt.timedelta(days=1)
        self._last_day = plan.window_end.astimezone(LONDON).date()

    def load_closures(self, location_ids: Iterable[str | None] = ()) -> None:
        """Fetch every closure in the window once (the table is small: holidays, training days)."""
        if self._closures is None:
            # Plain rows (not ORM objects): closed_days only reads their columns.
            found = self.session.execute(
                select(
                    Closure.id,
                    Closure.location_id,
                    Closure.start_date,
                    Closure.end_date,
                    Closure.reason,
                ).where(Closure.start_date <= self._last_day, Closure.end_date >= self._first_day)
            ).all()
            self._closures = cast(list[Closure], found)
            self._own = {c.location_id for c in self._closures if c.location_id is not None}
            # Each location's closures and the all-hub ones, in their original order (so
            # closed_days picks the same reason for a day two closures share).
            self._relevant: dict[str | None, list[Closure]] = defaultdict(list)
            for closure in self._closures:
                if closure.location_id is None:
                    for listed in (None, *self._own):
                        self._relevant[listed].append(closure)
                else:
                    self._relevant[closure.location_id].append(closure)

    def closed(self, location_id: str | None) -> dict[dt.date, str]:
        """Closed days at a location; locations without their own closures share one entry."""
        key = self._key(location_id)
        if key not in self._closed:
            assert self._closures is not None
            self._closed[key] = closed_days(
                self._relevant[key], location_id, self._first_day, self._last_day
            )
        return self._closed[key]

    def _key(self, location_id: str | None) -> str | None:
        self.load_closures()
        return location_id if location_id in self._own else None

    def first(self, rec: Recurrence, location_id: str | None) -> dt.datetime | None:
        """Start of the first occurrence in the window that passes the day/time filters."""
        key = (rec, self._key(location_id))
        if key not in self._first:
            found = None
            closed = self.closed(location_id)
            zone = ZoneInfo(rec.timezone)
            start, end = self.plan.window_start, self.plan.window_end
            for day in recurrence_dates(
                rec,
                start.astimezone(zone).date() - dt.timedelta(days=1),
                end.astimezone(zone).date(),
            ):
                if day in closed:
                    continue
                opens, closes = span_on(rec, day)
                if closes > start and opens < end and self.accept(opens, closes):
                    found = opens
                    break
            self._first[key] = found
        return self._first[key]

    def running(self, rec: Recurrence, location_id: str | None) -> bool:
        """Whether an occurrence is in progress at plan.now (opens inclusive, closes exclusive)."""
        key = (rec, self._key(location_id))
        if key not in self._running:
            now = self.plan.now
            spans = expand(rec, self.closed(location_id), now, now + dt.timedelta(microseconds=1))
            self._running[key] = any(s <= now < e for s, e in spans)
        return self._running[key]

    def is_open(self, place: _Place) -> bool:
        """Whether a session or the hours of the place are on now (remembered if so)."""
        place.known_open = any(self.running(r, place.location_id) for _, r in place.sessions) or (
            not self.plan.query.session_kind
            and any(self.running(r, place.location_id) for r in place.hours)
        )
        return place.known_open

    def score(self, service_id: str, places: dict[str | None, _Place]) -> _Scored | None:
        """The service's best place and score, or None if no place passes the session filters."""
        plan = self.plan
        q = plan.query
        best: _Scored | None = None
        for place in places.values():
            distance = _flat_km(plan, place.lat, place.lon)
            if plan.point is None:
                distance_term = 0.0
            else:
                distance_term = NO_LOCATION_KM if distance is None else distance
            is_open = False
            if q.open_now:
                is_open = place.known_open or self.is_open(place)
                if not is_open:
                    continue
            if is_open:  # 0 days whatever the next session (and "next" is recomputed later)
                next_start = None
            else:
                starts = [self.first(rec, place.location_id) for _, rec in place.sessions]
                next_start = min((s for s in starts if s is not None), default=None)
            if plan.session_filtered and not q.open_now and next_start is None:
                continue
            if is_open:
                days = 0
            elif next_start is None:
                days = NO_SESSION_DAYS
            else:
                days = min(
                    NO_SESSION_DAYS, (next_start.astimezone(LONDON).date() - plan.today).days
                )
            scored = _Scored(
                service_id=service_id,
                score=round(distance_term + KM_PER_DAY * max(0, days), 3),
                location_id=place.location_id,
                distance_km=distance,
                next_start=next_start,
                open_now=is_open,
            )
            if best is None or (scored.score, scored.location_id or "") < (
                best.score,
                best.location_id or "",
            ):
                best = scored
        return best


def _occurrence_filter(q: SearchQuery) -> Callable[[dt.datetime, dt.datetime], bool]:
    """Whether an occurrence passes the weekday and time-of-day filters (overlap)."""

    def accept(opens: dt.datetime, closes: dt.datetime) -> bool:
        local_open, local_close = opens.astimezone(LONDON), closes.astimezone(LONDON)
        if q.weekday is not None and local_open.weekday() != q.weekday:
            return False
        if (
            q.time_from is not None
            and local_close.time() <= q.time_from
            and local_close.date() == local_open.date()
        ):
            return False
        return not (q.time_to is not None and local_open.time() >= q.time_to)

    return accept


# ---------------------------------------------------------------- search


_ROW_COLUMNS = (Service.id, Location.id, Location.latitude, Location.longitude, *_SCHEDULE_COLUMNS)


def _rank_threshold(
    session: Session, plan: _Plan, evaluator: _Evaluator, indexed: bool = False
) -> list[_Scored]:
    """The first page*page_size services in exact order, via SQL lower bounds (top-k).

    The ordered (service id, lower bound) rows come from the search index when `indexed`
    (one row per service and place), else from the tables (one per service, place, session).
    """
    need = plan.query.page * plan.query.page_size
    if indexed:
        lb = _index_lower_bound(plan).label("lb")
        ordered = (
            select(SearchIndexRow.service_id, lb)
            .where(*_index_filters(plan))
            .order_by(lb, _binary(session, SearchIndexRow.service_id))
        )
    else:
        lb = _lower_bound(plan).label("lb")
        ordered = _rows_select(
            plan, Service.id, lb, sessions_required=bool(plan.query.session_kind)
        ).order_by(lb, _binary(session, Service.id))
    known: dict[str, _Scored] = {}
    offset, batch = 0, max(3 * need, need + 30)
    while True:
        rows = session.execute(ordered.limit(batch).offset(offset)).all()
        new_ids = list(dict.fromkeys(r[0] for r in rows if r[0] not in known))
        known.update(_score_services(session, plan, evaluator, new_ids, indexed))
        ranked = sorted(known.values(), key=lambda s: s.key)
        if len(rows) < batch:
            return ranked
        threshold = (float(rows[-1][1]), rows[-1][0])
        final = [s for s in ranked if s.key <= threshold]
        if len(final) >= need:
            return final
        offset += batch
        batch *= 2


def _score_services(
    session: Session,
    plan: _Plan,
    evaluator: _Evaluator,
    service_ids: Sequence[str],
    indexed: bool = False,
) -> dict[str, _Scored]:
    scored: dict[str, _Scored] = {}
    for start in range(0, len(service_ids), 500):
        chunk = service_ids[start : start + 500]
        rows: Sequence[Any]
        if indexed:
            rows = _indexed_place_rows(session, plan, chunk)
        else:
            rows = session.execute(
                _rows_select(
                    plan, *_ROW_COLUMNS, sessions_required=bool(plan.query.session_kind)
                ).where(Service.id.in_(chunk))
            ).all()
        places = _collect(rows)
        evaluator.load_closures(r[1] for r in rows)
        for service_id, service_places in places.items():
            result = evaluator.score(service_id, service_places)
            if result is not None:
                scored[service_id] = result
    return scored


def _indexed_place_rows(session: Session, plan: _Plan, service_ids: Sequence[str]) -> list[Any]:
    """The tables' (service, place, session) rows of some services, from the search index.

    Like the tables' LEFT joins: every place passing the filters, with its valid sessions
    (only places with a session of the kind asked for, if one is).
    """
    rows: list[Any] = []
    if not plan.query.session_kind:
        place = SearchIndexRow
        rows += [
            (*row, None)
            for row in session.execute(
                select(place.service_id, place.location_id, place.latitude, place.longitude).where(
                    *_index_filters(plan), place.service_id.in_(service_ids)
                )
            )
        ]
    rows += session.execute(
        _indexed_session_rows(plan).where(SearchSessionRow.service_id.in_(service_ids))
    ).all()
    return rows


def _indexed_session_rows(plan: _Plan) -> Select[Any]:
    """The same (service, place, session) rows as the tables' join, from the session index."""
    row = SearchSessionRow
    columns: tuple[Any, ...] = (
        row.service_id,
        row.location_id,
        row.latitude,
        row.longitude,
        row.schedule_id,
        *(getattr(row, c.key) for c in _SCHEDULE_COLUMNS[1:]),
    )
    return select(*columns).where(*_index_filters(plan, row), *_session_prefilter(plan, row))


def _rank_all(
    session: Session, plan: _Plan, evaluator: _Evaluator, indexed: bool = False
) -> list[_Scored]:
    """Every candidate scored exactly (queries with day, time or open-now filters)."""
    q = plan.query
    if q.open_now:
        if indexed:
            now_rows = _indexed_session_rows(plan).where(_now_prefilter(plan, SearchSessionRow))
        else:
            now_rows = _rows_select(plan, *_ROW_COLUMNS, sessions_required=True).where(
                _now_prefilter(plan, Schedule)
            )
        session_rows = session.execute(now_rows).all()
        places = _collect(session_rows)
        hours_rows: list[Any] = []
        if not q.session_kind and indexed:
            _add_open_hours(session, plan, places, evaluator)
        elif not q.session_kind:
            hours = aliased(Schedule)
            hours_query = (
                select(
                    Service.id,
                    Location.id,
                    Location.latitude,
                    Location.longitude,
                    hours.id,
                    hours.freq,
                    hours.interval,
                    hours.byday,
                    hours.bymonthday,
                    hours.opens_at,
                    hours.closes_at,
                    hours.valid_from,
                    hours.valid_to,
                    hours.dtstart,
                    hours.timezone,
                )
                .select_from(Service)
                .join(ServiceAtLocation, ServiceAtLocation.service_id == Service.id)
                .join(Location, Location.id == ServiceAtLocation.location_id)
                .join(
                    hours,
                    and_(
                        hours.location_id == Location.id,
                        hours.service_at_location_id.is_(None),
                        _now_prefilter(plan, hours),
                    ),
                )
                .where(*_service_filters(plan), *_location_filters(plan))
            )
        if not q.session_kind and not indexed:
            hours_rows = list(session.execute(hours_query).all())
            for service_id, service_places in _collect(hours_rows, hours=True).items():
                mine = places[service_id]
                for location_id, place in service_places.items():
                    if location_id in mine:
                        mine[location_id].hours.extend(place.hours)
                    else:
                        mine[location_id] = place
        # "Next sessions" for the ranking still come from every session of those places.
        evaluator.load_closures(r[1] for r in [*session_rows, *hours_rows])
        _add_all_sessions(session, plan, places, evaluator)
    else:
        query = (
            _indexed_session_rows(plan)
            if indexed
            else _rows_select(plan, *_ROW_COLUMNS, sessions_required=True)
        )
        rows = session.execute(query).all()
        evaluator.load_closures(r[1] for r in rows)
        places = _collect(rows)
    scored = [evaluator.score(sid, p) for sid, p in places.items()]
    return sorted((s for s in scored if s is not None), key=lambda s: s.key)


def _add_open_hours(
    session: Session,
    plan: _Plan,
    places: dict[str, dict[str | None, _Place]],
    evaluator: _Evaluator,
) -> None:
    """Add the hours (passing the open-now prefilter) of each candidate's places.

    The same places and hours as joining service, place and hours in the tables: the hours
    of the places first (few), then the index rows of the services at those places.
    """
    hours_query = select(Schedule.location_id, *_SCHEDULE_COLUMNS).where(
        Schedule.service_at_location_id.is_(None),
        Schedule.location_id.is_not(None),
        _now_prefilter(plan, Schedule),
    )
    near = _place_filters(plan, Location.id, Location.latitude, Location.longitude)
    if near:  # rows copy their place's coordinates, so these are the same places
        hours_query = hours_query.where(Schedule.location_id.in_(select(Location.id).where(*near)))
    by_location: dict[str | None, list[Recurrence]] = defaultdict(list)
    for row in session.execute(hours_query):
        by_location[row[0]].append(_rec(row, 1))
    location_ids = sorted(loc for loc in by_location if loc is not None)
    evaluator.load_closures()
    hours_open: dict[str | None, bool] = {
        loc: any(evaluator.running(r, loc) for r in by_location[loc]) for loc in location_ids
    }
    row_type = SearchIndexRow
    for start in range(0, len(location_ids), 500):
        chunk = location_ids[start : start + 500]
        for service_id, location_id, lat, lon in session.execute(
            select(
                row_type.service_id, row_type.location_id, row_type.latitude, row_type.longitude
            ).where(*_index_filters(plan), row_type.location_id.in_(chunk))
        ):
            mine = places[service_id]
            place = mine.get(location_id)
            if place is None:
                place = mine[location_id] = _Place(location_id, lat, lon)
            place.hours.extend(by_location[location_id])
            if hours_open[location_id]:  # the place is open whatever its sessions
                place.known_open = True


def _add_all_sessions(
    session: Session,
    plan: _Plan,
    places: dict[str, dict[str | None, _Place]],
    evaluator: _Evaluator,
) -> None:
    """For open-now candidates, load every valid session of their places.

    Only places not already open need them: another session may be running now although
    the prefilter missed it (one that started yesterday evening). For open places the
    extra sessions could only change the next start, which open-now scores ignore.
    """
    service_ids = sorted(
        {
            sid
            for sid, ps in places.items()
            for p in ps.values()
            if not (p.known_open or evaluator.is_open(p))
        }
    )
    rows: list[Any] = []
    for start in range(0, len(service_ids), 500):
        rows += session.execute(
            select(ServiceAtLocation.service_id, ServiceAtLocation.location_id, *_SCHEDULE_COLUMNS)
            .join(Schedule, Schedule.service_at_location_id == ServiceAtLocation.id)
            .where(
                ServiceAtLocation.service_id.in_(service_ids[start : start + 500]),
                _validity(plan),
            )
        ).all()
    for row in rows:
        place = places.get(row[0], {}).get(row[1])
        if place is None:
            continue
        known = {sid for sid, _ in place.sessions}
        if row[2] not in known:
            rec = Recurrence(
                freq=(row[3] or "WEEKLY").upper(),
                interval=max(1, row[4] or 1),
                byday=row[5] or None,
                bymonthday=row[6] or None,
                opens_at=row[7],
                closes_at=row[8],
                valid_from=row[9],
                valid_to=row[10],
                dtstart=row[11],
                timezone=row[12] or "Europe/London",
            )
            place.sessions.append((row[2], rec))


def _count(session: Session, plan: _Plan) -> int:
    q = plan.query
    if q.location_id is None and q.radius_km is None and not q.session_kind:
        return int(
            session.scalar(select(func.count()).select_from(Service).where(*_service_filters(plan)))
            or 0
        )
    query = _rows_select(
        plan, func.count(distinct(Service.id)), sessions_required=bool(q.session_kind)
    )
    return int(session.scalar(query) or 0)


def search_services(
    session: Session, query: SearchQuery, now: dt.datetime | None = None
) -> SearchPage:
    """Services matching `query`, nearest and soonest first (see the module docstring).

    `now` defaults to the current time in Europe/London. Raises SearchError with a plain
    message for an unknown postcode, an unknown topic or impossible inputs.
    """
    plan = _plan(session, query, now)
    evaluator = _Evaluator(session, plan)
    indexed = USE_SEARCH_INDEX and has_search_index(session)
    if plan.session_filtered:
        ranked = _rank_all(session, plan, evaluator, indexed)
        total = len(ranked)
    else:
        ranked = _rank_threshold(session, plan, evaluator, indexed)
        total = _count_indexed(session, plan) if indexed else _count(session, plan)
    first = (query.page - 1) * query.page_size
    page = ranked[first : first + query.page_size]
    return SearchPage(
        items=_describe(session, plan, evaluator, page),
        total=total,
        page=query.page,
        page_size=query.page_size,
    )


# ---------------------------------------------------------------- describing results


def _describe(
    session: Session, plan: _Plan, evaluator: _Evaluator, page: list[_Scored]
) -> list[ServiceMatch]:
    if not page:
        return []
    ids = [s.service_id for s in page]
    services = {
        s.id: s
        for s in session.scalars(
            select(Service)
            .where(Service.id.in_(ids))
            .options(
                selectinload(Service.phones),
                selectinload(Service.languages),
                selectinload(Service.cost_options),
            )
        )
    }
    session_rows = session.execute(
        _rows_select(plan, Service.id, Schedule, Location, sessions_required=True).where(
            Service.id.in_(ids)
        )
    ).all()
    by_service: dict[str, list[tuple[Schedule, Location]]] = defaultdict(list)
    for service_id, schedule, location in session_rows:
        by_service[service_id].append((schedule, location))
    locations = {loc.id: loc for rows in by_service.values() for _, loc in rows}
    missing = {s.location_id for s in page if s.location_id and s.location_id not in locations}
    if missing:
        locations.update(
            (loc.id, loc)
            for loc in session.scalars(select(Location).where(Location.id.in_(missing)))
        )
    matches = []
    for scored in page:
        service = services[scored.service_id]
        upcoming = _next_sessions(plan, evaluator, service, by_service[service.id])
        location = locations.get(scored.location_id) if scored.location_id else None
        matches.append(_match(plan, service, scored, location, upcoming))
    return matches


def _next_sessions(
    plan: _Plan,
    evaluator: _Evaluator,
    service: Service,
    rows: list[tuple[Schedule, Location]],
) -> list[Occurrence]:
    found: list[Occurrence] = []
    for schedule, location in rows:
        info = SessionInfo(
            schedule_id=schedule.id,
            name=schedule.name or service.name,
            session_kind=schedule.session_kind,
            service_id=service.id,
            service_name=service.name,
            location_id=location.id,
            location_name=location.name,
            address=location_address(location),
            postcode=location.postal_code,
            booking_required=schedule.booking_required,
            is_free=service.is_free,
        )
        rec = Recurrence.of(schedule)
        spans = expand(rec, evaluator.closed(location.id), plan.window_start, plan.window_end)
        found.extend(Occurrence.make(s, e, info) for s, e in spans if evaluator.accept(s, e))
    found.sort(key=lambda o: (o.start, o.location_name or "", o.schedule_id))
    return found[:NEXT_SESSIONS]


def _when(plan: _Plan, start: dt.datetime) -> str:
    local = start.astimezone(LONDON)
    days = (local.date() - plan.today).days
    clock = local.strftime("%H:%M")
    if days == 0:
        return f"today {clock}"
    if days == 1:
        return f"tomorrow {clock}"
    if days < 7:
        return f"{WEEKDAY_NAMES[local.weekday()]} {clock}"
    return f"{WEEKDAY_NAMES[local.weekday()]} {local.day} {local.strftime('%b')} {clock}"


def _age_text(months: int) -> str:
    if months % 12 == 0 and months >= 24:
        return f"{months // 12} years"
    return f"{months} months"


def _match(
    plan: _Plan,
    service: Service,
    scored: _Scored,
    location: Location | None,
    upcoming: list[Occurrence],
) -> ServiceMatch:
    q = plan.query
    reasons: list[str] = []
    if scored.distance_km is not None:
        reasons.append(f"{scored.distance_km:.1f} km away")
    elif location is not None and q.location_id:
        reasons.append(f"at {location.name}")
    if scored.open_now:
        reasons.append("open now")
    if upcoming:
        reasons.append(f"next session {_when(plan, upcoming[0].start)}")
    elif not plan.session_filtered:
        reasons.append("no regular sessions: get in touch to join")
    if q.age_months is not None and (
        service.minimum_age_months is not None or service.maximum_age_months is not None
    ):
        low = _age_text(service.minimum_age_months or 0)
        high = _age_text(service.maximum_age_months) if service.maximum_age_months else "up"
        reasons.append(f"for children aged {low} to {high}")
    if q.pregnant and service.for_pregnancy:
        reasons.append("for pregnancy")
    if service.is_free:
        reasons.append("free")
    codes = [lang.code for lang in service.languages]
    if q.language:
        code = q.language.lower()
        reasons.append(f"offered in {LANGUAGE_NAMES.get(code, code)}")
    taxonomy = sorted(term.code for term in service.taxonomy_terms)
    location_match = None
    if location is not None:
        location_match = LocationMatch(
            id=location.id,
            name=location.name,
            address=location_address(location),
            postcode=location.postal_code,
            latitude=location.latitude,
            longitude=location.longitude,
            distance_km=None if scored.distance_km is None else round(scored.distance_km, 2),
            is_family_hub=location.is_family_hub,
        )
    costs = [
        " ".join(
            p
            for p in (
                c.option,
                f"£{c.amount:.2f}" if c.amount is not None else "",
                c.amount_description,
            )
            if p
        )
        for c in service.cost_options
    ]
    return ServiceMatch(
        id=service.id,
        name=service.name,
        description=service.description,
        how_to_access=service.how_to_access,
        is_free=service.is_free,
        fees=service.fees_description,
        costs=costs,
        minimum_age_months=service.minimum_age_months,
        maximum_age_months=service.maximum_age_months,
        for_pregnancy=service.for_pregnancy,
        phones=[p.number for p in service.phones],
        email=service.email,
        url=service.url,
        taxonomy=taxonomy,
        languages=sorted(codes),
        location=location_match,
        next_sessions=upcoming,
        score=scored.score,
        reasons=reasons,
    )


# ---------------------------------------------------------------- hubs


def _hub(location: Location, distance: float | None = None) -> HubMatch:
    return HubMatch(
        id=location.id,
        name=location.name,
        alternate_name=location.alternate_name,
        area=location.area,
        address=location_address(location),
        postcode=location.postal_code,
        latitude=location.latitude,
        longitude=location.longitude,
        phone=location.phone,
        email=location.email,
        distance_km=None if distance is None else round(distance, 2),
    )


def list_hubs(session: Session) -> list[HubMatch]:
    """Every family hub, by name."""
    hubs = session.scalars(
        select(Location).where(Location.is_family_hub.is_(True)).order_by(Location.name)
    )
    return [_hub(h) for h in hubs]


def get_hub(session: Session, location_id: str) -> HubMatch | None:
    """One family hub by id, or None."""
    location = session.get(Location, location_id)
    if location is None or not location.is_family_hub:
        return None
    return _hub(location)


def nearest_hubs(session: Session, point: Point, limit: int = 3) -> list[HubMatch]:
    """The `limit` family hubs nearest to `point` (hubs without coordinates are left out)."""
    hubs = session.scalars(
        select(Location).where(
            Location.is_family_hub.is_(True),
            Location.latitude.is_not(None),
            Location.longitude.is_not(None),
        )
    )
    ranked = sorted(
        (
            (haversine_km(point, Point(h.latitude, h.longitude)), h.id, h)
            for h in hubs
            if h.latitude is not None and h.longitude is not None
        ),
        key=lambda t: (t[0], t[1]),
    )
    return [_hub(h, d) for d, _, h in ranked[: max(0, limit)]]


def find_hubs_by_name(session: Session, text: str) -> list[HubMatch]:
    """Hubs whose name, alternate name or area contains `text` (any case), best first."""
    needle = " ".join((text or "").split())[:100].lower()
    if not needle:
        return []
    pattern = f"%{_escape_like(needle)}%"
    hubs = list(
        session.scalars(
            select(Location).where(
                Location.is_family_hub.is_(True),
                or_(
                    Location.name.ilike(pattern, escape="\\"),
                    Location.alternate_name.ilike(pattern, escape="\\"),
                    Location.area.ilike(pattern, escape="\\"),
                ),
            )
        )
    )

    def rank(h: Location) -> tuple[int, str]:
        exact = needle in {h.name.lower(), (h.alternate_name or "").lower(), (h.area or "").lower()}
        starts = h.name.lower().startswith(needle)
        return (0 if exact else 1 if starts else 2, h.name)

    return [_hub(h) for h in sorted(hubs, key=rank)]


def known_topics(session: Session) -> list[str]:
    """The taxonomy codes a search may use as `topic`."""
    return _valid_topics(session)


__all__ = [
    "HubMatch",
    "LocationMatch",
    "SearchError",
    "SearchPage",
    "SearchQuery",
    "ServiceMatch",
    "find_hubs_by_name",
    "get_hub",
    "known_topics",
    "list_hubs",
    "nearest_hubs",
    "search_services",
]
