"""The search, hub, timetable and opening-times endpoints, including every bad input."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session

from directory.core.config import Settings
from tests.directory.factories import Directory

LONDON = ZoneInfo("Europe/London")
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"


@pytest.fixture
def client(app_settings: Settings, session: Session) -> Iterator[TestClient]:
    d = Directory(session)
    d.postcode("CK1 4QP", 53.70, -1.90)
    central = d.hub("Calderbrook Central", 53.70, -1.90, id="hub-central")
    millbrook = d.hub("Millbrook", 53.71, -1.90, id="hub-millbrook")
    d.hours(central, "09:00", "17:00")
    d.closure(dt.date(2026, 12, 25), dt.date(2026, 12, 28), reason="Christmas bank holidays")
    play = d.service(
        "Stay and Play",
        topics=("parenting_support",),
        at=(central,),
        minimum_age_months=0,
        maximum_age_months=60,
        languages=("pl",),
    )
    d.session_of(play, central, "10:00", "11:30", byday=EVERY_DAY, session_kind="play")
    feeding = d.service("Breastfeeding drop-in", topics=("infant_feeding",), at=(millbrook,))
    d.session_of(feeding, millbrook, "13:00", "15:00", byday="TU", session_kind="drop_in")
    session.commit()
    from channels.web import create_app

    with TestClient(create_app()) as test_client:
        yield test_client


def test_search_returns_items_with_reasons_and_sessions(client: TestClient) -> None:
    response = client.get(
        "/api/search",
        params={"topic": "parenting_support", "postcode": "ck1 4qp", "age_months": 30},
    )
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == 1 and body["pages"] == 1 and body["page"] == 1
    item = body["items"][0]
    assert item["name"] == "Stay and Play"
    assert item["location"]["name"] == "Calderbrook Central"
    assert item["location"]["distance_km"] == 0
    assert "0.0 km away" in item["reasons"] and "free" in item["reasons"]
    assert len(item["next_sessions"]) == 3
    start = dt.datetime.fromisoformat(item["next_sessions"][0]["start"])
    assert start.utcoffset() is not None  # ISO 8601 with an offset
    assert start.astimezone(LONDON).time() == dt.time(10)


def test_search_filters_over_http(client: TestClient) -> None:
    def names(**params: object) -> list[str]:
        response = client.get("/api/search", params=params)
        assert response.status_code == 200, response.text
        return [i["name"] for i in response.json()["items"]]

    assert names(language="PL") == ["Stay and Play"]
    assert names(day="Tuesday", time_from="12:00") == ["Breastfeeding drop-in"]
    assert names(kind="drop_in") == ["Breastfeeding drop-in"]
    assert names(hub="hub-millbrook") == ["Breastfeeding drop-in"]
    assert names(q="stay play", free="true") == ["Stay and Play"]
    assert names(lat=53.71, lon=-1.90, radius_km=0.5) == ["Breastfeeding drop-in"]
    assert names(q="'; DROP TABLE service; --") == []
    assert len(names(page_size=1)) == 1 and names(page=2, page_size=1) != names(page_size=1)


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"age_months": "three"}, "age_months"),
        ({"age_months": 5000}, "age_months"),
        ({"age_months": -1}, "age_months"),
        ({"page": 0}, "page"),
        ({"page": "9" * 40}, "page"),
        ({"page_size": 51}, "page_size"),
        ({"lat": 91, "lon": 0}, "lat"),
        ({"lat": "nan", "lon": 0}, "lat"),
        ({"radius_km": 0, "postcode": "CK1 4QP"}, "radius_km"),
        ({"radius_km": "1e400", "postcode": "CK1 4QP"}, "radius_km"),
        ({"radius_km": 5}, "A radius needs a postcode"),
        ({"lat": 53.7}, "both latitude and longitude"),
        ({"date": "2026-13-45"}, "date"),
        ({"date": "2020-01-01"}, "already passed"),
        ({"day": "funday"}, "day: use a day name"),
        ({"time_from": "25:00"}, "time_from: use a 24-hour time"),
        ({"time_from": "12:00", "time_to": "11:00"}, "start time must be before"),
        ({"language": "polish"}, "language"),
        ({"q": "x" * 1000}, "q"),
        ({"topic": "astrology"}, "Valid topics: infant_feeding, parenting_support"),
        ({"postcode": "ZZ9 9ZZ"}, "We couldn't find that postcode"),
        ({"postcode": "'; DROP TABLE postcode; --"}, "postcode"),
        ({"open_now": "maybe"}, "open_now"),
        ({"colour": "blue"}, "Unknown query parameter(s): colour"),
    ],
)
def test_bad_search_inputs_give_422_with_a_clear_message(
    client: TestClient, params: dict[str, object], message: str
) -> None:
    response = client.get("/api/search", params=params)
    assert response.status_code == 422
    assert message in response.text


def test_hubs_list_and_detail(client: TestClient) -> None:
    tuesday_ten = "2026-11-03T10:00:00"
    hubs = client.get("/api/hubs", params={"at": tuesday_ten}).json()
    assert [h["name"] for h in hubs] == ["Calderbrook Central", "Millbrook"]
    assert hubs[0]["open_now"] is True and hubs[0]["address"].startswith("1 Calderbrook Central")
    assert hubs[1]["open_now"] is False and hubs[1]["opening"]["has_opening_hours"] is False
    detail = client.get("/api/hubs/hub-central", params={"at": "2026-11-03T17:00"}).json()
    assert detail["open_now"] is False
    assert detail["opening"]["next_opens_at"] == "2026-11-04T09:00:00Z"


def test_opening_times_with_a_bank_holiday(client: TestClient) -> None:
    response = client.get("/api/hubs/hub-central/opening-times", params={"at": "2026-12-28T11:00"})
    assert response.status_code == 200
    body = response.json()
    assert body["is_open"] is False and body["closed_reason"] == "Christmas bank holidays"
    assert body["next_opens_at"] == "2026-12-29T09:00:00Z"
    summer = client.get("/api/hubs/hub-central/opening-times", params={"at": "2027-06-01T16:59"})
    body = summer.json()
    assert body["is_open"] is True and body["closes_at"] == "2027-06-01T17:00:00+01:00"
    assert body["today"] == [["2027-06-01T09:00:00+01:00", "2027-06-01T17:00:00+01:00"]]


def test_timetable_across_the_october_clock_change(client: TestClient) -> None:
    response = client.get(
        "/api/hubs/hub-central/timetable", params={"from": "2026-10-24", "to": "2026-10-26"}
    )
    assert response.status_code == 200
    starts = [s["start"] for s in response.json()["sessions"]]
    assert starts == [
        "2026-10-24T10:00:00+01:00",
        "2026-10-25T10:00:00Z",
        "2026-10-26T10:00:00Z",
    ]
    only_feeding = client.get(
        "/api/hubs/hub-millbrook/timetable",
        params={"from": "2026-11-02", "to": "2026-11-08", "kind": "drop_in"},
    ).json()
    assert [s["name"] for s in only_feeding["sessions"]] == ["Breastfeeding drop-in"]


@pytest.mark.parametrize(
    ("path", "params", "status", "message"),
    [
        ("/api/hubs/no-such-hub/timetable", {}, 404, "no family hub"),
        ("/api/hubs/no-such-hub", {}, 404, "no family hub"),
        ("/api/hubs/" + "x" * 300 + "/opening-times", {}, 404, "no family hub"),
        (
            "/api/hubs/hub-central/timetable",
            {"from": "2026-11-10", "to": "2026-11-01"},
            422,
            "must not be before",
        ),
        (
            "/api/hubs/hub-central/timetable",
            {"from": "2026-01-01", "to": "2026-12-31"},
            422,
            "at most 92 days",
        ),
        ("/api/hubs/hub-central/timetable", {"from": "yesterday"}, 422, "from"),
        ("/api/hubs/hub-central/timetable", {"from": "9999-12-30"}, 422, "between 2000"),
        ("/api/hubs/hub-central/timetable", {"week": "1"}, 422, "Unknown query parameter"),
        ("/api/hubs/hub-central/opening-times", {"at": "teatime"}, 422, "at: use an ISO"),
        ("/api/hubs/hub-central/opening-times", {"at": "9999-12-31T23:00"}, 422, "between"),
        ("/api/hubs", {"at": "0001-01-01T00:00"}, 422, "between"),
    ],
)
def test_hub_endpoints_refuse_bad_inputs(
    client: TestClient, path: str, params: dict[str, str], status: int, message: str
) -> None:
    response = client.get(path, params=params)
    assert response.status_code == status
    assert message in response.text
