"""The search index: it stays in sync with every writer, and never changes a search's answer."""

from __future__ import annotations

import copy
import datetime as dt
import random
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from directory import hsds
from directory import search as search_module
from directory.models import (
    Language,
    Location,
    Schedule,
    SearchIndexRow,
    SearchSessionRow,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)
from directory.search import SearchPage, SearchQuery, search_services
from directory.search_index import (
    compute_rows,
    day_columns,
    refresh_search_index,
    session_weekdays,
)
from tests.directory import hsds_fixtures as fx
from tests.directory.factories import Directory

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = dt.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)
TOPICS = ("infant_feeding", "parenting_support", "dads_support", "money_benefits")


def stored(session: Session) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The index as stored, without the surrogate ids, in a comparable order."""
    result = []
    for model in (SearchIndexRow, SearchSessionRow):
        table = model.__table__
        columns = [c for c in table.columns if c.name != "id"]
        rows = session.connection().execute(select(*columns)).all()
        result.append(sorted((tuple(r) for r in rows), key=repr))
    return result[0], result[1]


def recomputed(session: Session) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The index as a full rebuild would write it."""
    places, sessions = compute_rows(session.connection(), None)
    result = []
    for model, rows in ((SearchIndexRow, places), (SearchSessionRow, sessions)):
        names = [c.name for c in model.__table__.columns if c.name != "id"]
        result.append(sorted((tuple(r[n] for n in names) for r in rows), key=repr))
    return result[0], result[1]


def assert_in_sync(session: Session) -> None:
    session.flush()
    assert stored(session) == recomputed(session)


# ------------------------------------------------------------------------ units


def test_session_weekdays_cover_sql_and_recurrence_days() -> None:
    assert session_weekdays("MO,WE", "Europe/London") == {0, 2}
    assert session_weekdays("1TU", None) == {1}
    assert session_weekdays("-1fr", "Europe/London") == {4}  # SQLite's LIKE ignores case
    assert session_weekdays(None, "Europe/London") is None  # any day
    assert session_weekdays("", "Europe/London") is None
    assert session_weekdays("XX", "Europe/London") is None  # recurrence falls back to anchor
    assert session_weekdays("MO", "America/New_York") is None  # local weekday may differ


def test_day_columns_lower_bounds() -> None:
    none = day_columns([])
    assert none["next_0"] == 14 and none["open_0"] is None and none["close_0"] is None
    tuesday = day_columns([("TU", dt.time(10), dt.time(11, 30), None)])
    assert (tuesday["open_1"], tuesday["close_1"]) == (36000, 41400)
    assert tuesday["next_0"] == 1 and tuesday["next_1"] == 7 and tuesday["next_2"] == 6
    late = day_columns([("FR", dt.time(22), dt.time(1), None)])  # past midnight
    assert late["close_4"] == 86400 and late["close_5"] == 3600 and late["open_5"] is None
    anyday = day_columns([(None, dt.time(10), dt.time(11), None)])
    assert anyday["next_3"] == 0 and anyday["open_3"] == 0 and anyday["close_3"] == 86400
    seconds = day_columns([("MO", dt.time(9, 0, 0, 500), dt.time(9, 59, 59, 1), None)])
    assert (seconds["open_0"], seconds["close_0"]) == (32400, 36000)  # down, up


# ------------------------------------------------------------------------ staying in sync


def test_orm_writes_keep_the_index_in_sync(session: Session) -> None:
    d = Directory(session)
    d.postcode("CK1 4QP", 53.70, -1.90)
    hub = d.hub("Central", 53.70, -1.90)
    other = d.hub("Millbrook", 53.71, -1.90)
    play = d.service("Stay and Play", topics=("parenting_support",), at=(hub, other))
    d.session_of(play, hub, "10:00", "11:30", byday="MO,WE")
    talk = d.service("Talk", topics=("infant_feeding",), languages=("pl",))
    session.commit()
    assert_in_sync(session)
    keys = set(
        session.scalars(select(SearchIndexRow.key).where(SearchIndexRow.service_id == talk.id))
    )
    assert keys == {"", "l:pl", f"t:{d.term('infant_feeding').id}"}

    # edits of a session, a service, its topics and languages, and a place's position
    schedule = session.scalars(select(Schedule)).one()
    schedule.byday = "FR"
    play.is_free = False
    play.taxonomy_terms = [d.term("dads_support")]
    talk.languages = []
    other.latitude = 53.8
    session.commit()
    assert_in_sync(session)

    # deletions: a service's place, a session, a service
    at_other = session.scalars(
        select(ServiceAtLocation).where(ServiceAtLocation.location_id == other.id)
    ).one()
    session.delete(at_other)
    session.commit()
    assert_in_sync(session)
    session.delete(schedule)
    session.flush()
    assert_in_sync(session)
    session.delete(talk)
    session.commit()
    assert_in_sync(session)
    assert not session.scalars(
        select(SearchIndexRow).where(SearchIndexRow.service_id == talk.id)
    ).all()

    # a withdrawn service leaves the index; deleting a topic takes its rows away
    play.status = "inactive"
    session.commit()
    assert_in_sync(session)
    play.status = "active"
    session.commit()
    session.delete(d.term("dads_support"))
    session.commit()
    assert_in_sync(session)
    assert not any(k.startswith("t:") for k in session.scalars(select(SearchIndexRow.key)))


def test_core_writes_need_an_explicit_refresh(session: Session) -> None:
    d = Directory(session)
    hub = d.hub("Central")
    service = d.service("Group", topics=("parenting_support",), at=(hub,))
    session.commit()
    session.execute(delete(ServiceAtLocation))  # bypasses the unit of work
    assert stored(session) != recomputed(session)
    refresh_search_index(session, [service.id])
    assert_in_sync(session)
    session.execute(delete(SearchIndexRow))
    refresh_search_index(session)  # everything
    assert_in_sync(session)


def test_reseeding_the_sample_data_keeps_the_index_in_sync(session: Session) -> None:
    sample = pytest.importorskip("directory.sample_data")
    sample.load_sample(session)
    session.commit()
    assert_in_sync(session)
    assert session.scalar(select(SearchSessionRow.id).limit(1)) is not None
    # staff change things, then the seed runs again and puts them back
    service = session.scalars(select(Service).order_by(Service.id)).first()
    assert service is not None
    service.minimum_age_months = 200
    for schedule in session.scalars(select(Schedule).limit(5)):
        schedule.byday = "SU"
    session.commit()
    assert_in_sync(session)
    sample.load_sample(session)
    session.commit()
    assert_in_sync(session)


def test_hsds_import_and_reimport_keep_the_index_in_sync(session: Session, tmp_path: Any) -> None:
    fx.build_directory(session)
    session.commit()
    assert_in_sync(session)
    package = hsds.export_directory(session)
    edited = copy.deepcopy(package)
    for item in edited["services"]:
        item["languages"] = []
        for sal in item.get("service_at_locations", []):
            sal["schedules"] = sal.get("schedules", [])[:1]
    edited["services"] = edited["services"][1:]  # one service is no longer in the file
    hsds.import_directory(session, edited)
    assert_in_sync(session)
    hsds.import_directory(session, package)
    assert_in_sync(session)


# ------------------------------------------------------------------------ same answers


def random_directory(session: Session, seed: int) -> list[str]:
    """A small directory with every awkward case the index must not get wrong."""
    rng = random.Random(seed)
    d = Directory(session)
    postcodes = []
    for i in range(6):
        pcds = f"CK{i + 1} 4QP"
        d.postcode(pcds, 53.70 + rng.uniform(-0.04, 0.04), -1.90 + rng.uniform(-0.06, 0.06))
        postcodes.append(pcds)
    places = [
        d.hub(
            f"Hub {i}",
            53.70 + rng.uniform(-0.05, 0.05) if i != 5 else None,
            -1.90 + rng.uniform(-0.08, 0.08) if i != 5 else None,
            is_hub=i < 4,
        )
        for i in range(8)
    ]
    for place in places[:4]:
        d.hours(place, "09:00", "17:00")
        d.hours(place, "10:00", "13:00", byday="SA")
    d.hours(places[6], "20:00", "02:00", byday="MO,TU,WE,TH,FR")  # past midnight
    d.closure(dt.date(2026, 11, 4), location=places[0], reason="Training")
    d.closure(dt.date(2026, 11, 10), reason="Bank holiday")
    patterns: list[dict[str, Any]] = [
        {"byday": "MO"},
        {"byday": "TU,TH"},
        {"byday": "sa"},
        {"byday": None},
        {"byday": ""},
        {"byday": "WE", "interval": 2, "dtstart": dt.date(2026, 10, 28)},
        {"freq": "MONTHLY", "byday": "1TH"},
        {"freq": "MONTHLY", "byday": "-1FR"},
        {"freq": "MONTHLY", "byday": None, "bymonthday": "20"},
        {"byday": "FR", "valid_from": dt.date(2026, 11, 20)},
        {"byday": "MO,TU", "valid_to": dt.date(2026, 11, 3)},
        {"byday": "SU", "timezone": "America/New_York"},
        {"byday": "MO,WE,FR", "opens": "21:00", "closes": "01:30"},
        {"byday": "TU", "opens": "23:00", "closes": "00:00"},
    ]
    kinds = ["group", "drop_in", "course", None]
    for i in range(70):
        at = tuple(rng.sample(places, rng.choice([0, 1, 1, 1, 2, 3])))
        ages = rng.choice([(None, None), (0, 12), (12, 60), (None, 24), (36, None)])
        service = d.service(
            f"Service {i:02d}",
            topics=tuple(rng.sample(TOPICS, rng.choice([0, 1, 1, 2]))),
            at=at,
            languages=tuple(rng.sample(["pl", "ro", "ar"], rng.choice([0, 0, 1, 2]))),
            minimum_age_months=ages[0],
            maximum_age_months=ages[1],
            for_pregnancy=rng.random() < 0.15,
            is_free=rng.random() < 0.7,
            status="active" if rng.random() < 0.95 else "inactive",
            description=rng.choice(["Play and talk.", "Help with money.", "Baby group."]),
        )
        for place in at:
            for _ in range(rng.choice([0, 1, 1, 2])):
                fields = dict(rng.choice(patterns))
                opens = fields.pop("opens", f"{rng.randint(8, 18):02d}:{rng.choice(['00', '30'])}")
                closes = fields.pop("closes", f"{int(opens[:2]) + rng.randint(1, 3):02d}:00")
                zone = fields.pop("timezone", None)
                schedule = d.session_of(
                    service,
                    place,
                    opens,
                    closes,
                    session_kind=rng.choice(kinds),
                    **fields,
                )
                if zone:
                    schedule.timezone = zone
    session.commit()
    return postcodes


def random_query(rng: random.Random, postcodes: list[str], hubs: list[str]) -> dict[str, Any]:
    fields: dict[str, Any] = {}
    if rng.random() < 0.6:
        fields["topic"] = rng.choice(TOPICS)
    if rng.random() < 0.3:
        fields["age_months"] = rng.choice([0, 6, 18, 40, 100])
    if rng.random() < 0.1:
        fields["pregnant"] = True
    if rng.random() < 0.4:
        fields["postcode"] = rng.choice(postcodes)
        if rng.random() < 0.6:
            fields["radius_km"] = rng.choice([1, 3, 5, 20])
    if rng.random() < 0.1:
        fields["location_id"] = rng.choice(hubs)
    if rng.random() < 0.2:
        fields["language"] = rng.choice(["pl", "PL", "ro", "ar", "xx"])
    if rng.random() < 0.2:
        fields["free_only"] = True
    if rng.random() < 0.1:
        fields["text"] = rng.choice(["money", "baby group", "play"])
    if rng.random() < 0.15:
        fields["session_kind"] = rng.choice(["group", "drop_in", "course"])
    when = rng.random()
    if when < 0.15:
        fields["open_now"] = True
    elif when < 0.3:
        fields["weekday"] = rng.randrange(7)
    elif when < 0.4:
        fields["on_date"] = dt.date(2026, 11, rng.randint(3, 28))
    if rng.random() < 0.2 and not fields.get("open_now"):
        start = rng.randint(8, 20)
        fields["time_from"] = dt.time(start)
        if rng.random() < 0.5:
            fields["time_to"] = dt.time(min(23, start + rng.randint(1, 4)))
    fields["page_size"] = rng.choice([3, 10, 50])
    fields["page"] = rng.choice([1, 1, 2])
    return fields


def comparable(page: SearchPage) -> Any:
    return (page.total, page.page, [repr(item) for item in page.items])


def reference_search(session: Session, query: SearchQuery, now: dt.datetime) -> SearchPage:
    """The straightforward computation: every candidate scored exactly from the tables."""
    plan = search_module._plan(session, query, now)
    evaluator = search_module._Evaluator(session, plan)
    if plan.session_filtered:
        ranked = search_module._rank_all(session, plan, evaluator)
    else:
        rows = search_module._rows_select(
            plan, Service.id, sessions_required=bool(query.session_kind)
        )
        ids = list(dict.fromkeys(session.scalars(rows)))
        scored = search_module._score_services(session, plan, evaluator, ids)
        ranked = sorted(scored.values(), key=lambda s: s.key)
        assert search_module._count(session, plan) == len(ranked)
    first = (query.page - 1) * query.page_size
    page = ranked[first : first + query.page_size]
    return SearchPage(
        items=search_module._describe(session, plan, evaluator, page),
        total=len(ranked),
        page=query.page,
        page_size=query.page_size,
    )


def both_ways(
    session: Session, monkeypatch: pytest.MonkeyPatch, fields: dict[str, Any], now: dt.datetime
) -> tuple[Any, Any]:
    query = SearchQuery(**fields)
    monkeypatch.setattr(search_module, "USE_SEARCH_INDEX", True)
    fast = comparable(search_services(session, query, now=now))
    monkeypatch.setattr(search_module, "USE_SEARCH_INDEX", False)
    slow = comparable(reference_search(session, query, now))
    return fast, slow


@pytest.mark.parametrize("seed", [1, 2])
def test_the_index_gives_the_same_answers_as_the_tables(
    session: Session, monkeypatch: pytest.MonkeyPatch, seed: int
) -> None:
    postcodes = random_directory(session, seed)
    assert_in_sync(session)
    hubs = list(session.scalars(select(Location.id)))
    rng = random.Random(seed * 1000)
    nows = [
        MONDAY_9AM,
        dt.datetime(2026, 11, 2, 13, 30, tzinfo=LONDON),
        dt.datetime(2026, 11, 3, 0, 30, tzinfo=LONDON),  # during a session from last night
        dt.datetime(2026, 11, 4, 23, 30, tzinfo=LONDON),
        dt.datetime(2026, 11, 7, 11, 0, tzinfo=LONDON),  # Saturday
        dt.datetime(2026, 11, 8, 16, 45, 30, tzinfo=LONDON),  # Sunday
    ]
    checked = 0
    for _ in range(160):
        fields = random_query(rng, postcodes, hubs)
        now = rng.choice(nows)
        if "on_date" in fields and fields["on_date"] < now.date():
            fields["on_date"] = now.date()
        try:
            fast, slow = both_ways(session, monkeypatch, fields, now)
        except search_module.SearchError:
            continue
        assert fast == slow, fields
        checked += 1
    assert checked > 120


def test_the_index_is_not_used_on_a_database_without_it(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    d = Directory(session)
    hub = d.hub("Central")
    d.service("Group", topics=("parenting_support",), at=(hub,))
    session.commit()
    monkeypatch.setattr(search_module, "has_search_index", lambda _bind: False)
    page = search_services(session, SearchQuery(topic="parenting_support"), now=MONDAY_9AM)
    assert [i.name for i in page.items] == ["Group"]


def test_language_rows_use_the_stored_code(session: Session) -> None:
    d = Directory(session)
    service = d.service("Upper", topics=("parenting_support",))
    service.languages = [Language(id="lang-upper", code="PL", name="Polish")]
    session.commit()
    assert_in_sync(session)
    # the search lowercases the asked-for code, and matches stored codes exactly
    for language in ("pl", "PL"):
        page = search_services(session, SearchQuery(language=language), now=MONDAY_9AM)
        assert page.total == 0
    assert session.scalar(select(TaxonomyTerm.id)) is not None
