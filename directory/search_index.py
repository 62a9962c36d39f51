"""The search index (`search_index` table): derived rows that make directory search fast.

The search ranks "nearest and soonest first" (see directory/search.py). Doing that straight
from the HSDS tables means joining every candidate service to its places and sessions, which
grows with the directory. This table holds, per (key, active service, place), what the
search filters and orders by: the topic or language key, the place's coordinates, the age
range, pregnancy and cost flags, and per weekday the earliest start and latest end of the
place's sessions and the days to the next weekday with a session (see `SearchIndexRow`).

The rows are only ever *prefilters and lower bounds*: the search still computes exact
answers from the schedules, for the few candidates the index leaves. So the index may hold
more than the truth (a session whose days are unknown counts as every day) but never less.

Keeping it up to date: every ORM flush that touches a service, its topics, languages,
places or sessions, or a location, rebuilds the rows of the services concerned in the same
transaction (the `before_flush` / `after_flush` listeners at the end of directory/models.py).
Writers that bypass the ORM unit of work (Core `insert()`/`delete()`, bulk loads such as
scripts/bench_search.py) must call `refresh_search_index(connection, service_ids)` (or with
no ids, to rebuild everything) before they commit.
"""

from __future__ import annotations

import datetime as dt
import math
import weakref
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, cast

from sqlalchemy import Connection, Engine, Table, delete, insert, inspect, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import PASSIVE_NO_INITIALIZE, get_history

from directory.models import (
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
from directory.schedule import WEEKDAY_CODES, parse_byday

KEY_ALL = ""
DAY_SECONDS = 86_400
NO_SESSION_DAYS = 14  # matches directory.search.NO_SESSION_DAYS
TABLE = SearchIndexRow.__tablename__
_CHUNK = 500
_PENDING = "search_index_pending"

# Every engine whose database has been seen to have the table (only "yes" is remembered, so
# a database migrated while the process runs is picked up).
_HAS_TABLE: weakref.WeakSet[Engine] = weakref.WeakSet()


# Map tiles: 0.02 degrees of latitude (2.2 km) by 0.03 of longitude (about 2 km in England).
TILE_LAT = 0.02
TILE_LON = 0.03
MAX_TILES = 400  # beyond this many tiles (a radius of about 20 km) a query uses key ranges


def tile_of(lat: float | None, lon: float | None) -> int | None:
    """The map tile of a point (None without coordinates)."""
    if lat is None or lon is None:
        return None
    return math.floor(lat / TILE_LAT) * 100_000 + math.floor(lon / TILE_LON) + 50_000


def tiles_covering(
    min_lat: float, max_lat: float, min_lon: float, max_lon: float
) -> list[int] | None:
    """Every tile a lat/lon box touches, or None if that is more than MAX_TILES."""
    rows = range(math.floor(min_lat / TILE_LAT), math.floor(max_lat / TILE_LAT) + 1)
    columns = range(math.floor(min_lon / TILE_LON), math.floor(max_lon / TILE_LON) + 1)
    if len(rows) * len(columns) > MAX_TILES:
        return None
    return [r * 100_000 + c + 50_000 for r in rows for c in columns]


def topic_key(term_id: str) -> str:
    """The key of a topic's rows (by taxonomy_term.id, so renaming a code changes nothing)."""
    return f"t:{term_id}"


def language_key(code: str) -> str:
    """The key of a language's rows (the code as stored on `language`)."""
    return f"l:{code}"


def has_search_index(bind: Connection | Engine | Session) -> bool:
    """Whether the database has the search_index table (i.e. is migrated to 0003 or later)."""
    conn = bind.connection() if isinstance(bind, Session) else bind
    engine = conn.engine
    if engine in _HAS_TABLE:
        return True
    found = inspect(conn).has_table(TABLE)
    if found:
        _HAS_TABLE.add(engine)
    return found


# ------------------------------------------------------------------------ row computation


def session_weekdays(byday: str | None, timezone: str | None) -> frozenset[int] | None:
    """The weekdays (0 = Monday) a session can fall on, or None for "any day".

    A superset of both the search's SQL prefilter (BYDAY contains the day's code, or is
    empty) and the days the recurrence really yields (parsed BYDAY; without one the day comes
    from BYMONTHDAY or the anchor, i.e. any). Sessions kept in another time zone count as any
    day, as their local weekday may differ from London's.
    """
    if (timezone or "Europe/London") != "Europe/London" or not byday:
        return None
    parsed = parse_byday(byday, monthly=True)
    if not parsed:
        return None
    upper = byday.upper()
    days = {i for i, code in enumerate(WEEKDAY_CODES) if code in upper}
    days.update(day.weekday for day in parsed)
    return frozenset(days)


def time_seconds(value: dt.time, *, up: bool = False) -> int:
    """Seconds since midnight, rounded down (or up, with `up`)."""
    whole = value.hour * 3600 + value.minute * 60 + value.second
    return whole + 1 if up and value.microsecond else whole


def day_columns(
    sessions: Iterable[tuple[str | None, dt.time, dt.time, str | None]],
) -> dict[str, int | None]:
    """open_d / close_d / next_d of a place from its sessions' (byday, opens, closes, zone)."""
    opens: list[int | None] = [None] * 7
    closes: list[int | None] = [None] * 7
    days: set[int] = set()
    anything, any_day = False, False
    for byday, opens_at, closes_at, zone in sessions:
        anything = True
        weekdays = session_weekdays(byday, zone)
        if weekdays is None:
            any_day = True
            continue
        start, end = time_seconds(opens_at), time_seconds(closes_at, up=True)
        overnight = closes_at <= opens_at
        for d in weekdays:
            days.add(d)
            opens[d] = start if opens[d] is None else min(start, opens[d] or 0)
            last = DAY_SECONDS if overnight else end
            closes[d] = last if closes[d] is None else max(last, closes[d] or 0)
            if overnight:  # it is still on early the next day
                after = (d + 1) % 7
                closes[after] = end if closes[after] is None else max(end, closes[after] or 0)
    if any_day:
        nexts = [0] * 7
        opens, closes = [0] * 7, [DAY_SECONDS] * 7
    elif not anything:
        nexts = [NO_SESSION_DAYS] * 7
    else:
        nexts = [min(k for k in range(1, 8) if (w + k) % 7 in days) for w in range(7)]
    columns: dict[str, int | None] = {}
    for d in range(7):
        columns[f"open_{d}"] = opens[d]
        columns[f"close_{d}"] = closes[d]
        columns[f"next_{d}"] = nexts[d]
    return columns


def _chunks(items: Sequence[str], size: int = _CHUNK) -> Iterator[Sequence[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


_SESSION_FIELDS = (
    "session_kind",
    "freq",
    "interval",
    "byday",
    "bymonthday",
    "opens_at",
    "closes_at",
    "valid_from",
    "valid_to",
    "dtstart",
    "timezone",
)


def compute_rows(
    conn: Connection, service_ids: Sequence[str] | None
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """The place rows and session rows of `service_ids` (every service if None).

    Sorted by key and tile, so that a full rebuild stores each key's rows together, and
    within a key the rows of nearby places.
    """

    def where(query: Any, column: Any, ids: Sequence[str] | None) -> Any:
        return query if ids is None else query.where(column.in_(ids))

    parts = [None] if service_ids is None else list(_chunks(sorted(set(service_ids))))
    rows: list[dict[str, Any]] = []
    session_rows: list[dict[str, Any]] = []
    for ids in parts:
        services = conn.execute(
            where(
                select(
                    Service.id,
                    Service.minimum_age_months,
                    Service.maximum_age_months,
                    Service.for_pregnancy,
                    Service.is_free,
                ).where(Service.status == "active"),
                Service.id,
                ids,
            )
        ).all()
        if not services:
            continue
        keys: dict[str, set[str]] = defaultdict(set)
        for sid, term_id in conn.execute(
            where(
                select(ServiceTaxonomy.service_id, ServiceTaxonomy.taxonomy_term_id),
                ServiceTaxonomy.service_id,
                ids,
            )
        ):
            keys[sid].add(topic_key(term_id))
        for sid, code in conn.execute(
            where(select(Language.service_id, Language.code), Language.service_id, ids)
        ):
            keys[sid].add(language_key(code))
        places: dict[str, list[tuple[str, str, float | None, float | None]]] = defaultdict(list)
        for sal_id, sid, location_id, lat, lon in conn.execute(
            where(
                select(
                    ServiceAtLocation.id,
                    ServiceAtLocation.service_id,
                    ServiceAtLocation.location_id,
                    Location.latitude,
                    Location.longitude,
                ).join(Location, Location.id == ServiceAtLocation.location_id),
                ServiceAtLocation.service_id,
                ids,
            )
        ):
            places[sid].append((sal_id, location_id, lat, lon))
        sessions: dict[str, list[tuple[str | None, dt.time, dt.time, str | None]]] = defaultdict(
            list
        )
        schedules: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for schedule in conn.execute(
            where(
                select(
                    Schedule.service_at_location_id,
                    Schedule.id,
                    *(getattr(Schedule, name) for name in _SESSION_FIELDS),
                ).join(ServiceAtLocation, ServiceAtLocation.id == Schedule.service_at_location_id),
                ServiceAtLocation.service_id,
                ids,
            )
        ):
            sal_id, fields = schedule[0], dict(zip(_SESSION_FIELDS, schedule[2:], strict=True))
            sessions[sal_id].append(
                (fields["byday"], fields["opens_at"], fields["closes_at"], fields["timezone"])
            )
            schedules[sal_id].append({"schedule_id": schedule[1], **fields})
        no_sessions = day_columns(())
        for sid, low, high, pregnancy, free in services:
            common = {
                "service_id": sid,
                "minimum_age_months": low,
                "maximum_age_months": high,
                "for_pregnancy": bool(pregnancy),
                "is_free": bool(free),
            }
            located: list[dict[str, Any]] = [
                {
                    "location_id": location_id,
                    "latitude": lat,
                    "longitude": lon,
                    "tile": tile_of(lat, lon),
                    **(day_columns(sessions[sal_id]) if sal_id in sessions else no_sessions),
                }
                for sal_id, location_id, lat, lon in sorted(places[sid], key=lambda p: p[1])
            ] or [
                {
                    "location_id": None,
                    "latitude": None,
                    "longitude": None,
                    "tile": None,
                    **no_sessions,
                }
            ]
            for key in (KEY_ALL, *sorted(keys[sid])):
                for index, place in enumerate(located):
                    rows.append({"key": key, "first_of_service": index == 0, **common, **place})
                for sal_id, location_id, lat, lon in places[sid]:
                    session_rows.extend(
                        {
                            "key": key,
                            **common,
                            "location_id": location_id,
                            "latitude": lat,
                            "longitude": lon,
                            "tile": tile_of(lat, lon),
                            **fields,
                        }
                        for fields in schedules.get(sal_id, ())
                    )

    def order(row: dict[str, Any]) -> tuple[str, int, str]:
        return (row["key"], row["tile"] or 0, row["service_id"])

    rows.sort(key=order)
    session_rows.sort(key=order)
    return rows, session_rows


def refresh_search_index(
    bind: Session | Connection, service_ids: Iterable[str] | None = None
) -> int:
    """Rebuild the index rows of `service_ids` (None: the whole index); returns rows written.

    Runs in the caller's transaction (commit as usual). Services that no longer exist or are
    not active simply lose their rows. A no-op on a database without the table.
    """
    conn = bind.connection() if isinstance(bind, Session) else bind
    if not has_search_index(conn):
        return 0
    tables = [cast(Table, SearchIndexRow.__table__), cast(Table, SearchSessionRow.__table__)]
    ids = None if service_ids is None else sorted(set(service_ids))
    if ids == []:
        return 0
    for table in tables:
        if ids is None:
            conn.execute(delete(table))
        else:
            for chunk in _chunks(ids):
                conn.execute(delete(table).where(table.c.service_id.in_(chunk)))
    place_rows, session_rows = compute_rows(conn, ids)
    for table, rows in zip(tables, (place_rows, session_rows), strict=True):
        for start in range(0, len(rows), 5000):
            conn.execute(insert(table), rows[start : start + 5000])
        if ids is None and conn.dialect.name == "postgresql":
            conn.execute(text(f"ANALYZE {table.name}"))
    return len(place_rows) + len(session_rows)


# ------------------------------------------------------------------------ keeping it in sync

_WATCHED = (Service, ServiceAtLocation, Schedule, Language, Location, ServiceTaxonomy, TaxonomyTerm)


def _values(obj: Any, attribute: str, *, load: bool = False) -> set[str]:
    """The attribute's value now and before this flush (if changed); `load` may emit SQL."""
    history = get_history(obj, attribute, passive=PASSIVE_NO_INITIALIZE)
    found = {*history.added, *history.unchanged, *history.deleted}
    if not found:
        value = getattr(obj, attribute, None) if load else obj.__dict__.get(attribute)
        if value is None and attribute == "id":
            identity = inspect(obj).identity
            value = identity[0] if identity else None
        found = {value} if value is not None else set()
    return {v for v in found if isinstance(v, str)}


def _services_of(
    conn: Connection, sal_ids: set[str], location_ids: set[str], term_ids: set[str]
) -> set[str]:
    found: set[str] = set()
    for column, ids in (
        (ServiceAtLocation.id, sal_ids),
        (ServiceAtLocation.location_id, location_ids),
    ):
        for chunk in _chunks(sorted(ids)):
            found.update(
                conn.execute(
                    select(ServiceAtLocation.service_id).where(column.in_(chunk))
                ).scalars()
            )
    for chunk in _chunks(sorted(term_ids)):
        found.update(
            conn.execute(
                select(ServiceTaxonomy.service_id).where(
                    ServiceTaxonomy.taxonomy_term_id.in_(chunk)
                )
            ).scalars()
        )
    return found


def _touched(
    objects: Iterable[Any], *, load: bool = False
) -> tuple[set[str], set[str], set[str], set[str]]:
    """(service ids, service_at_location ids, location ids, term ids) the objects concern.

    A taxonomy term matters only when deleted (rows hold term ids, and deleting a term
    removes its links); pass only deleted terms.
    """
    services: set[str] = set()
    sals: set[str] = set()
    locations: set[str] = set()
    terms: set[str] = set()
    for obj in objects:
        if not isinstance(obj, _WATCHED):
            continue
        if isinstance(obj, Service):
            services |= _values(obj, "id", load=load)
        elif isinstance(obj, ServiceAtLocation):
            services |= _values(obj, "service_id", load=load)
            sals |= _values(obj, "id", load=load)
        elif isinstance(obj, Schedule):
            sals |= _values(obj, "service_at_location_id", load=load)
        elif isinstance(obj, Language | ServiceTaxonomy):
            services |= _values(obj, "service_id", load=load)
        elif isinstance(obj, Location):
            locations |= _values(obj, "id", load=load)
        elif isinstance(obj, TaxonomyTerm):
            terms |= _values(obj, "id", load=load)
    return services, sals, locations, terms


def note_before_flush(session: Session) -> None:
    """Remember the services a deletion in this flush concerns, while the rows still exist."""
    objects = [o for o in session.deleted if isinstance(o, _WATCHED)]
    if not objects:
        return
    conn = session.connection()
    if not has_search_index(conn):
        return
    services, sals, locations, terms = _touched(objects, load=True)
    services |= _services_of(conn, sals, locations, terms)
    if services:
        session.info.setdefault(_PENDING, set()).update(services)


def refresh_after_flush(session: Session) -> None:
    """Rebuild the rows of every service this flush touched, in the same transaction."""
    pending: set[str] = session.info.pop(_PENDING, set())
    objects = [
        o
        for o in (*session.new, *session.dirty, *session.deleted)
        if isinstance(o, _WATCHED)
        and not (isinstance(o, TaxonomyTerm) and o not in session.deleted)
    ]
    if not objects and not pending:
        return
    conn = session.connection()
    if not has_search_index(conn):
        return
    services, sals, locations, terms = _touched(objects)
    services |= pending | _services_of(conn, sals, locations, terms)
    refresh_search_index(conn, services)


__all__ = [
    "KEY_ALL",
    "compute_rows",
    "day_columns",
    "has_search_index",
    "language_key",
    "refresh_search_index",
    "session_weekdays",
    "tile_of",
    "tiles_covering",
    "time_seconds",
    "topic_key",
]
