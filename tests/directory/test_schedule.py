"""Recurrence expansion, closures, clock changes and opening status."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from directory.models import Schedule
from directory.schedule import (
    Occurrence,
    hub_timetable,
    occurrences,
    opening_status,
    sessions_between,
)
from tests.directory.factories import Directory

LONDON = ZoneInfo("Europe/London")


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> dt.datetime:
    return dt.datetime(year, month, day, hour, minute, tzinfo=LONDON)


def rule(**fields: object) -> Schedule:
    defaults: dict[str, object] = {
        "id": "s1",
        "freq": "WEEKLY",
        "interval": 1,
        "byday": "TU",
        "opens_at": dt.time(10),
        "closes_at": dt.time(11, 30),
        "timezone": "Europe/London",
        "name": "Stay and Play",
    }
    defaults.update(fields)
    return Schedule(**defaults)


def days(occs: list[Occurrence]) -> list[dt.date]:
    return [o.start.date() for o in occs]


def test_weekly_on_several_days() -> None:
    occs = occurrences(rule(byday="MO,WE"), [], at(2026, 11, 2), at(2026, 11, 9))
    assert days(occs) == [dt.date(2026, 11, 2), dt.date(2026, 11, 4)]
    assert occs[0].start == at(2026, 11, 2, 10) and occs[0].end == at(2026, 11, 2, 11, 30)
    assert occs[0].name == "Stay and Play"


def test_fortnightly_follows_its_anchor() -> None:
    schedule = rule(interval=2, dtstart=dt.date(2026, 1, 6))  # a Tuesday
    occs = occurrences(schedule, [], at(2026, 11, 1), at(2026, 12, 1))
    # 6 Jan + 2k weeks (10 Nov is 44 weeks on), not 3 or 17 Nov
    assert days(occs) == [dt.date(2026, 11, 10), dt.date(2026, 11, 24)]
    later = occurrences(schedule, [], at(2027, 6, 1), at(2027, 6, 30))
    assert all((d - dt.date(2026, 1, 6)).days % 14 == 0 for d in days(later))
    assert len(later) == 2


def test_monthly_first_thursday_and_last_friday() -> None:
    first_thursday = rule(freq="MONTHLY", byday="1TH")
    occs = occurrences(first_thursday, [], at(2026, 11, 1), at(2027, 2, 1))
    assert days(occs) == [dt.date(2026, 11, 5), dt.date(2026, 12, 3), dt.date(2027, 1, 7)]
    last_friday = rule(freq="MONTHLY", byday="-1FR")
    occs = occurrences(last_friday, [], at(2026, 11, 1), at(2027, 1, 1))
    assert days(occs) == [dt.date(2026, 11, 27), dt.date(2026, 12, 25)]


def test_monthly_by_month_day_with_interval() -> None:
    schedule = rule(
        freq="MONTHLY", byday=None, bymonthday="15", interval=3, dtstart=dt.date(2026, 1, 15)
    )
    occs = occurrences(schedule, [], at(2026, 1, 1), at(2027, 1, 1))
    assert [d.month for d in days(occs)] == [1, 4, 7, 10]


def test_valid_from_and_valid_to_bound_the_occurrences() -> None:
    schedule = rule(valid_from=dt.date(2026, 11, 10), valid_to=dt.date(2026, 11, 24))
    occs = occurrences(schedule, [], at(2026, 11, 1), at(2026, 12, 31))
    assert days(occs) == [dt.date(2026, 11, 10), dt.date(2026, 11, 17), dt.date(2026, 11, 24)]


def test_a_session_in_progress_overlaps_the_window() -> None:
    occs = occurrences(rule(), [], at(2026, 11, 3, 11), at(2026, 11, 4))
    assert days(occs) == [dt.date(2026, 11, 3)]
    assert occurrences(rule(), [], at(2026, 11, 3, 11, 30), at(2026, 11, 4)) == []


def test_ten_o_clock_stays_ten_across_both_clock_changes() -> None:
    schedule = rule(opens_at=dt.time(10), closes_at=dt.time(11))
    autumn = occurrences(schedule, [], at(2026, 10, 19), at(2026, 11, 1))
    assert [o.start.isoformat() for o in autumn] == [
        "2026-10-20T10:00:00+01:00",  # BST, before Sunday 25 October
        "2026-10-27T10:00:00+00:00",  # GMT, after
    ]
    spring = occurrences(schedule, [], at(2027, 3, 22), at(2027, 4, 3))
    assert [o.start.isoformat() for o in spring] == [
        "2027-03-23T10:00:00+00:00",  # GMT, before Sunday 28 March
        "2027-03-30T10:00:00+01:00",  # BST, after
    ]
    assert [o.start.utcoffset() for o in spring] == [dt.timedelta(0), dt.timedelta(hours=1)]


def test_bank_holiday_and_hub_closure_remove_sessions(session: Session) -> None:
    d = Directory(session)
    millbrook, eastgate = d.hub("Millbrook"), d.hub("Eastgate")
    play = d.service("Stay and Play", at=(millbrook, eastgate))
    d.session_of(play, millbrook, "10:00", "11:30", byday="MO")
    d.session_of(play, eastgate, "10:00", "11:30", byday="MO")
    d.closure(dt.date(2026, 12, 28), reason="Bank holiday")  # every hub
    d.closure(dt.date(2026, 12, 21), location=millbrook, reason="Staff training")
    session.commit()

    mill = hub_timetable(session, millbrook.id, dt.date(2026, 12, 14), dt.date(2027, 1, 4))
    east = hub_timetable(session, eastgate.id, dt.date(2026, 12, 14), dt.date(2027, 1, 4))
    assert days(mill) == [dt.date(2026, 12, 14), dt.date(2027, 1, 4)]
    assert days(east) == [dt.date(2026, 12, 14), dt.date(2026, 12, 21), dt.date(2027, 1, 4)]
    assert mill[0].location_name == "Millbrook" and mill[0].service_name == "Stay and Play"
    assert mill[0].address.startswith("1 Millbrook Road")


def test_opening_status_at_the_boundaries(session: Session) -> None:
    d = Directory(session)
    hub = d.hub("Millbrook")
    d.hours(hub, "09:00", "17:00")
    session.commit()
    # Tuesday 3 November 2026
    before = opening_status(session, hub.id, at(2026, 11, 3, 8, 59))
    assert not before.is_open and before.next_opens_at == at(2026, 11, 3, 9)
    opening = opening_status(session, hub.id, at(2026, 11, 3, 9))
    assert opening.is_open and opening.closes_at == at(2026, 11, 3, 17)
    closing = opening_status(session, hub.id, at(2026, 11, 3, 17))
    assert not closing.is_open and closing.next_opens_at == at(2026, 11, 4, 9)
    friday_evening = opening_status(session, hub.id, at(2026, 11, 6, 18))
    assert friday_evening.next_opens_at == at(2026, 11, 9, 9)  # Monday
    assert opening.today == [(at(2026, 11, 3, 9), at(2026, 11, 3, 17))]


def test_closed_on_a_bank_holiday_with_the_reason(session: Session) -> None:
    d = Directory(session)
    hub = d.hub("Millbrook")
    d.hours(hub, "09:00", "17:00")
    d.closure(dt.date(2026, 12, 25), dt.date(2026, 12, 28), reason="Christmas bank holidays")
    session.commit()
    status = opening_status(session, hub.id, at(2026, 12, 28, 11))  # a Monday
    assert not status.is_open
    assert status.closed_reason == "Christmas bank holidays"
    assert status.next_opens_at == at(2026, 12, 29, 9)
    assert status.today == []
    assert opening_status(session, hub.id, at(2026, 12, 29, 11)).closed_reason is None


def test_sessions_between_filters_by_kind_topic_and_weekday(session: Session) -> None:
    d = Directory(session)
    hub = d.hub("Millbrook")
    feeding = d.service("Breastfeeding drop-in", topics=("infant_feeding",), at=(hub,))
    youth = d.service("Youth club", topics=("youth_services",), at=(hub,))
    d.session_of(feeding, hub, "10:00", "12:00", byday="TU,TH", session_kind="drop_in")
    d.session_of(youth, hub, "15:30", "17:30", byday="TU", session_kind="youth")
    session.commit()
    week = (dt.date(2026, 11, 2), dt.date(2026, 11, 8))
    assert len(sessions_between(session, *week)) == 3
    assert {o.name for o in sessions_between(session, *week, topic="infant_feeding")} == {
        "Breastfeeding drop-in"
    }
    thursdays = sessions_between(session, *week, weekday=3)
    assert days(thursdays) == [dt.date(2026, 11, 5)]
    assert [o.name for o in sessions_between(session, *week, session_kind="youth")] == [
        "Youth club"
    ]
