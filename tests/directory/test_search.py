"""The search service: filters, ranking, explanations, paging and hubs."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.geo import Point
from directory.models import Location, Postcode, Service
from directory.search import (
    SearchError,
    SearchPage,
    SearchQuery,
    find_hubs_by_name,
    nearest_hubs,
    search_services,
)
from tests.directory.factories import Directory

LONDON = ZoneInfo("Europe/London")
MONDAY_9AM = dt.datetime(2026, 11, 2, 9, 0, tzinfo=LONDON)


@dataclass
class World:
    central: Location
    millbrook: Location
    eastgate: Location
    far: Location
    massage: Service
    drop_in: Service
    weaning: Service
    helpline: Service
    toddlers: Service


@pytest.fixture
def world(session: Session) -> World:
    return build_world(session)


def build_world(session: Session) -> World:
    d = Directory(session)
    d.postcode("CK1 4QP", 53.70, -1.90)
    central = d.hub("Calderbrook Central", 53.70, -1.90, area="Town Centre")
    millbrook = d.hub("Millbrook", 53.71, -1.90, area="Millbrook")  # 1.1 km north
    eastgate = d.hub("Eastgate", 53.75, -1.90, area="Eastgate")  # 5.6 km north
    far = d.hub("Far Moor", 54.00, -1.90, area="Moorside")  # 33 km
    feeding = ("infant_feeding",)
    massage = d.service(
        "Baby Massage",
        topics=feeding,
        at=(central,),
        minimum_age_months=0,
        maximum_age_months=12,
        phones=("01632 960001",),
    )
    d.session_of(massage, central, "10:00", "11:00", byday="TU", session_kind="group")
    drop_in = d.service(
        "Breastfeeding drop-in", topics=feeding, at=(millbrook,), languages=("pl", "en")
    )
    d.session_of(drop_in, millbrook, "13:00", "15:00", byday="MO", session_kind="drop_in")
    weaning = d.service(
        "Weaning workshop",
        topics=feeding,
        at=(eastgate,),
        minimum_age_months=4,
        maximum_age_months=24,
        is_free=False,
        fees_description="£2 a session",
        description="Starting solid food with your baby.",
    )
    d.session_of(weaning, eastgate, "10:00", "12:00", byday="WE", session_kind="course")
    d.hours(eastgate, "09:00", "17:00")
    helpline = d.service("Feeding helpline", topics=feeding, phones=("0300 100 0212",))
    toddlers = d.service(
        "Toddler group",
        topics=("parenting_support",),
        at=(far,),
        minimum_age_months=12,
        maximum_age_months=60,
    )
    d.session_of(toddlers, far, "09:30", "11:00", byday="TH")
    session.commit()
    return World(central, millbrook, eastgate, far, massage, drop_in, weaning, helpline, toddlers)


def names(page: SearchPage) -> list[str]:
    return [item.name for item in page.items]


def search(session: Session, now: dt.datetime = MONDAY_9AM, **fields: Any) -> SearchPage:
    """Search at a fixed "now" (Monday 2 November 2026, 09:00 in London by default)."""
    return search_services(session, SearchQuery(**fields), now=now)


def test_topic_ranks_soonest_first_without_a_place(session: Session, world: World) -> None:
    page = search(session, topic="infant_feeding")
    # drop-in today 13:00, massage tomorrow, weaning Wednesday, helpline has no sessions
    assert names(page) == [
        "Breastfeeding drop-in",
        "Baby Massage",
        "Weaning workshop",
        "Feeding helpline",
    ]
    assert page.total == 4
    assert "next session today 13:00" in page.items[0].reasons
    assert "next session tomorrow 10:00" in page.items[1].reasons
    assert "next session Wed 10:00" in page.items[2].reasons
    assert "no regular sessions: get in touch to join" in page.items[3].reasons
    assert page.items[3].phones == ["0300 100 0212"]


def test_distance_ordering_and_radius(session: Session, world: World) -> None:
    page = search(session, topic="infant_feeding", postcode="ck1 4qp")
    assert names(page) == [
        "Baby Massage",
        "Breastfeeding drop-in",
        "Weaning workshop",
        "Feeding helpline",
    ]
    assert page.items[0].location is not None and page.items[0].location.distance_km == 0
    assert page.items[1].reasons[0] == "1.1 km away"
    assert [s.score for s in page.items] == sorted(s.score for s in page.items)
    near = search(session, topic="infant_feeding", postcode="CK1 4QP", radius_km=2)
    assert names(near) == ["Baby Massage", "Breastfeeding drop-in"]
    assert near.total == 2
    by_point = search(session, topic="infant_feeding", latitude=53.75, longitude=-1.90, radius_km=1)
    assert names(by_point) == ["Weaning workshop"]


def test_a_baby_service_is_not_shown_for_a_three_year_old(session: Session, world: World) -> None:
    page = search(session, topic="infant_feeding", age_months=36)
    assert names(page) == ["Breastfeeding drop-in", "Feeding helpline"]
    baby = search(session, topic="infant_feeding", age_months=6)
    assert "Baby Massage" in names(baby) and "Weaning workshop" in names(baby)
    assert "for children aged 0 months to 12 months" in next(
        i.reasons for i in baby.items if i.name == "Baby Massage"
    )


def test_pregnancy_shows_pregnancy_and_all_age_services(session: Session, world: World) -> None:
    d = Directory(session)
    d.service(
        "Antenatal class", topics=("infant_feeding",), for_pregnancy=True, maximum_age_months=0
    )
    session.commit()
    page = search(session, topic="infant_feeding", pregnant=True)
    assert set(names(page)) == {"Antenatal class", "Breastfeeding drop-in", "Feeding helpline"}
    assert "for pregnancy" in next(i.reasons for i in page.items if i.name == "Antenatal class")


def test_language_and_free_filters(session: Session, world: World) -> None:
    polish = search(session, language="pl")
    assert names(polish) == ["Breastfeeding drop-in"]
    assert "offered in Polish" in polish.items[0].reasons
    assert polish.items[0].languages == ["en", "pl"]
    free = search(session, topic="infant_feeding", free_only=True)
    assert "Weaning workshop" not in names(free) and free.total == 3
    assert all("free" in item.reasons for item in free.items)
    paid = search(session, text="weaning")
    assert paid.items[0].fees == "£2 a session" and "free" not in paid.items[0].reasons


def test_pagination_totals_and_stable_pages(session: Session, world: World) -> None:
    first = search(session, page_size=2)
    second = search(session, page_size=2, page=2)
    third = search(session, page_size=2, page=3)
    assert first.total == second.total == third.total == 5
    assert len(first.items) == 2 and len(second.items) == 2 and len(third.items) == 1
    everything = search(session, page_size=10)
    assert names(first) + names(second) + names(third) == names(everything)
    assert search(session, page=4, page_size=2).items == []


def test_day_time_and_date_filters(session: Session, world: World) -> None:
    assert names(search(session, topic="infant_feeding", weekday=2)) == ["Weaning workshop"]
    afternoon = search(session, topic="infant_feeding", time_from=dt.time(12, 30))
    assert names(afternoon) == ["Breastfeeding drop-in"]
    tuesday = search(session, on_date=dt.date(2026, 11, 3))
    assert names(tuesday) == ["Baby Massage"]
    assert [o.start for o in tuesday.items[0].next_sessions] == [
        dt.datetime(2026, 11, 3, 10, tzinfo=LONDON)
    ]
    morning_thursday = search(session, weekday=3, time_to=dt.time(10))
    assert names(morning_thursday) == ["Toddler group"]
    assert search(session, weekday=3, time_from=dt.time(11)).total == 0
    kind = search(session, session_kind="course")
    assert names(kind) == ["Weaning workshop"] and kind.total == 1


def test_open_now_counts_sessions_and_open_hubs(session: Session, world: World) -> None:
    monday_half_one = dt.datetime(2026, 11, 2, 13, 30, tzinfo=LONDON)
    page = search(session, topic="infant_feeding", open_now=True, now=monday_half_one)
    # the drop-in is on now; Eastgate (the weaning workshop's hub) is open 9-5
    assert set(names(page)) == {"Breastfeeding drop-in", "Weaning workshop"}
    assert all("open now" in item.reasons for item in page.items)
    evening = dt.datetime(2026, 11, 2, 17, 0, tzinfo=LONDON)
    assert search(session, topic="infant_feeding", open_now=True, now=evening).total == 0


def test_a_closure_moves_the_next_session(session: Session, world: World) -> None:
    Directory(session).closure(dt.date(2026, 11, 3), reason="Bank holiday")
    session.commit()
    page = search(session, text="massage")
    starts = [o.start.date() for o in page.items[0].next_sessions]
    assert starts == [dt.date(2026, 11, 10), dt.date(2026, 11, 17), dt.date(2026, 11, 24)]
    assert "next session Tue 10 Nov 10:00" in page.items[0].reasons


def test_text_search_is_literal(session: Session, world: World) -> None:
    assert names(search(session, text="SOLID food")) == ["Weaning workshop"]
    assert search(session, text="%'; DROP TABLE service; --").total == 0
    assert search(session, text="100%").total == 0  # % is a character, not a wildcard
    assert search(session).total == 5
    assert search(session, text="x" * 1000).total == 0


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"postcode": "ZZ9 9ZZ"}, "We couldn't find that postcode"),
        ({"postcode": "hello"}, "doesn't look like a UK postcode"),
        ({"topic": "astrology"}, "Valid topics: infant_feeding, parenting_support"),
        ({"radius_km": 3}, "A radius needs a postcode"),
        ({"age_months": 5000}, "between 0 and 300 months"),
        ({"time_from": dt.time(12), "time_to": dt.time(11)}, "start time must be before"),
        ({"on_date": dt.date(2026, 10, 1)}, "already passed"),
        ({"on_date": dt.date(2026, 11, 3), "weekday": 4}, "not on the day of the week"),
        ({"latitude": 53.7}, "both latitude and longitude"),
        ({"page": 0}, "Page numbers start at 1"),
        ({"page_size": 500}, "Page size must be between 1 and 50"),
    ],
)
def test_impossible_inputs_raise_plain_errors(
    session: Session, world: World, fields: dict[str, Any], message: str
) -> None:
    with pytest.raises(SearchError, match=message):
        search(session, **fields)


def test_ranking_is_exact_across_pages_with_many_services(session: Session) -> None:
    """The SQL lower bound plus exact re-ranking gives the same order as scoring everything."""
    rng = random.Random(7)
    d = Directory(session)
    d.postcode("CK1 4QP", 53.70, -1.90)
    hubs = [
        d.hub(f"Hub {i}", 53.70 + rng.uniform(-0.05, 0.05), -1.90 + rng.uniform(-0.08, 0.08))
        for i in range(6)
    ]
    d.closure(dt.date(2026, 11, 4), location=hubs[0], reason="Training")
    patterns: list[dict[str, Any]] = [
        {"byday": "MO"},
        {"byday": "TU,TH"},
        {"byday": "SA"},
        {"byday": "WE", "interval": 2},
        {"freq": "MONTHLY", "byday": "1TH"},
        {"freq": "MONTHLY", "byday": None, "bymonthday": "20"},
        {"byday": "FR", "valid_from": dt.date(2026, 11, 20)},
    ]
    for i in range(60):
        hub = rng.choice(hubs)
        service = d.service(f"Service {i:02d}", topics=("parenting_support",), at=(hub,))
        if i % 5:
            d.session_of(
                service, hub, f"{rng.randint(9, 15):02d}:00", "16:30", **rng.choice(patterns)
            )
    session.commit()
    variants: list[dict[str, Any]] = [{}, {"postcode": "CK1 4QP"}]
    for fields in variants:
        full = search(session, topic="parenting_support", page_size=50, **fields)
        rest = search(session, topic="parenting_support", page_size=50, page=2, **fields)
        everything = full.items + rest.items
        assert full.total == 60 and len(everything) == 60
        keys = [(item.score, item.id) for item in everything]
        assert keys == sorted(keys)
        paged = []
        for page in range(1, 13):
            paged += names(
                search(session, topic="parenting_support", page_size=5, page=page, **fields)
            )
        assert paged == [item.name for item in everything]


def test_nearest_hubs_and_names(session: Session, world: World) -> None:
    nearest = nearest_hubs(session, Point(53.70, -1.90), limit=2)
    assert [h.name for h in nearest] == ["Calderbrook Central", "Millbrook"]
    assert nearest[1].distance_km == pytest.approx(1.11, abs=0.01)
    assert [h.name for h in find_hubs_by_name(session, "MILL")] == ["Millbrook"]
    assert [h.name for h in find_hubs_by_name(session, "town centre")] == ["Calderbrook Central"]
    assert find_hubs_by_name(session, "%") == []


@pytest.mark.postgres
def test_search_on_postgresql_matches_sqlite_behaviour() -> None:
    from sqlalchemy.orm import sessionmaker

    from directory.__main__ import migrate
    from directory.core.db import make_engine
    from tests.conftest import postgres_url_or_skip, reset_postgres

    url = postgres_url_or_skip()
    reset_postgres(url)
    migrate(url)
    engine = make_engine(url)
    try:
        with sessionmaker(bind=engine)() as pg:
            build_world(pg)
            d = Directory(pg)
            hub = d.hub("Dash-Hub", 53.70, -1.90)
            for i, sid in enumerate(["svc-b", "svc-a-1", "svc-a", "svc-a1"]):
                d.service(f"Same {i}", id=sid, topics=("dads_support",), at=(hub,))
            pg.commit()
            page = search(pg, topic="infant_feeding", postcode="CK1 4QP")
            assert names(page) == [
                "Baby Massage",
                "Breastfeeding drop-in",
                "Weaning workshop",
                "Feeding helpline",
            ]
            assert names(search(pg, text="SOLID food")) == ["Weaning workshop"]
            assert set(
                names(
                    search(
                        pg,
                        topic="infant_feeding",
                        open_now=True,
                        now=MONDAY_9AM.replace(hour=13, minute=30),
                    )
                )
            ) == {"Breastfeeding drop-in", "Weaning workshop"}
            # equal scores: ordered by id in code-point order on every backend
            tied = [i.id for i in search(pg, topic="dads_support").items]
            assert tied == sorted(tied)
            paged = [
                search(pg, topic="dads_support", page_size=1, page=p).items[0].id
                for p in range(1, 5)
            ]
            assert paged == tied
    finally:
        engine.dispose()


def test_with_the_calderbrook_sample_data(session: Session) -> None:
    sample = pytest.importorskip("directory.sample_data", reason="sample data not written yet")
    if not hasattr(sample, "load_sample"):
        pytest.skip("directory.sample_data.load_sample is missing")
    sample.load_sample(session)
    session.commit()
    tuesday = dt.datetime(2026, 11, 3, 10, 30, tzinfo=LONDON)
    for topic in ("infant_feeding", "parenting_support", "money_benefits"):
        page = search(session, topic=topic, now=tuesday, page_size=50)
        assert page.total == len(page.items) > 0, topic
        assert [i.score for i in page.items] == sorted(i.score for i in page.items)
        assert all(i.reasons for i in page.items)
    postcode = session.scalar(select(Postcode.pcds))
    assert postcode is not None
    near = search(session, postcode=postcode, radius_km=3, now=tuesday)
    assert all(i.location and (i.location.distance_km or 0) <= 3 for i in near.items)
    hubs = nearest_hubs(session, Point(53.70, -1.90), limit=8)
    assert len(hubs) == 8
