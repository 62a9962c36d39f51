"""The Open Referral (HSDS 3.0) shaped public API."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from sqlalchemy import event
from sqlalchemy.orm import Session

from directory.api import hsds as hsds_api
from directory.core import db
from directory.models import Service, ServiceAtLocation
from tests.conftest import SHARED
from tests.directory import hsds_fixtures as fx

COMPILED = SHARED / "openreferral" / "hsds-3.0" / "compiled"
PAGE_KEYS = {
    "total_items",
    "total_pages",
    "page_number",
    "size",
    "first_page",
    "last_page",
    "empty",
    "contents",
}


def validator(name: str) -> Draft202012Validator:
    schema = json.loads((COMPILED / name).read_text(encoding="utf-8"))
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


@pytest.fixture
def client(session: Session, app_settings: Any) -> Iterator[TestClient]:
    fx.build_directory(session)
    app = FastAPI()
    app.include_router(hsds_api.router)
    with TestClient(app) as c:
        yield c


def get_ok(client: TestClient, url: str) -> Any:
    response = client.get(url)
    assert response.status_code == 200, response.text
    return response.json()


def page_numbers(page: dict[str, Any]) -> tuple[Any, ...]:
    keys = ("total_items", "total_pages", "page_number", "size", "first_page", "last_page")
    return (*(page[k] for k in keys), page["empty"])


# --------------------------------------------------------------------------- services


def test_services_list_is_a_page_of_one_to_one_fields_sorted_by_name(client: TestClient) -> None:
    page = get_ok(client, "/services")
    assert set(page) == PAGE_KEYS
    assert page_numbers(page) == (5, 1, 1, 5, True, True, False)
    names = [s["name"] for s in page["contents"]]
    assert names == sorted(names)
    first = page["contents"][0]
    assert first["organization"]["name"] == "Calderbrook Borough Council"
    assert "service_at_locations" not in first
    list_schema = validator("service_list.json")
    for service in page["contents"]:
        assert list(list_schema.iter_errors(service)) == []


def test_services_pages_add_up(client: TestClient) -> None:
    pages = [get_ok(client, f"/services?per_page=2&page={n}") for n in (1, 2, 3, 4)]
    assert [page_numbers(p) for p in pages] == [
        (5, 3, 1, 2, True, False, False),
        (5, 3, 2, 2, False, False, False),
        (5, 3, 3, 1, False, True, False),
        (5, 3, 4, 0, False, True, True),
    ]
    ids = [s["id"] for p in pages for s in p["contents"]]
    assert sorted(ids) == sorted(fx.SERVICE_IDS)


def test_full_services_validate_against_the_compiled_schema(client: TestClient) -> None:
    page = get_ok(client, "/services?full=true&per_page=100")
    schema = validator("service.json")
    for service in page["contents"]:
        assert list(schema.iter_errors(service)) == []
        assert service["service_at_locations"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("search=breastfeeding", {fx.S_BREASTFEEDING}),
        ("search=SATURDAY", {fx.S_DADS}),
        ("search=sleep", {fx.S_STAY_PLAY, fx.S_DADS, fx.S_COURSE}),  # a topic's name
        (f"taxonomy_term_id={fx.T_PARENTING}", {fx.S_STAY_PLAY, fx.S_DADS, fx.S_COURSE}),
        (f"organization_id={fx.NHS}", {fx.S_BREASTFEEDING}),
        ("search=100%25", set()),  # a literal %, not a wildcard
        ("modified_after=2000-01-01T00:00:00Z", set(fx.SERVICE_IDS)),
        ("modified_after=2999-01-01T00:00:00%2B01:00", set()),
    ],
)
def test_services_filters(client: TestClient, query: str, expected: set[str]) -> None:
    page = get_ok(client, f"/services?{query}")
    assert {s["id"] for s in page["contents"]} == expected
    assert page["total_items"] == len(expected)


def test_one_service_is_fully_nested_and_unknown_ids_are_404(client: TestClient) -> None:
    service = get_ok(client, f"/services/{fx.S_BREASTFEEDING}")
    assert list(validator("service.json").iter_errors(service)) == []
    assert {sal["location"]["name"] for sal in service["service_at_locations"]} == {
        "Calderbrook Central",
        "Oakleigh (GP surgery spoke)",
    }
    missing = client.get("/services/no-such-service")
    assert missing.status_code == 404
    assert missing.json() == {"detail": "No service with id 'no-such-service'."}


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/services?page=0", "greater than or equal to 1"),
        ("/services?per_page=10000", "less than or equal to 100"),
        ("/services?per_page=abc", "valid integer"),
        ("/services?pagesize=10", "Unknown query parameter(s): pagesize"),
        ("/services?format=ndjson", "'json'"),
        ("/services?modified_after=yesterday", "datetime"),
        ("/service_at_locations?postcode=CK1%201LB&proximity=-5", "greater than 0"),
        ("/service_at_locations?proximity=500", "'proximity' needs a 'postcode'"),
        ("/service_at_locations?postcode=banana", "'banana' is not a UK postcode"),
        ("/service_at_locations?postcode=ZZ9%209ZZ", "is not in our postcode table"),
        ("/organizations?search=x&vocabulary=y", "Unknown query parameter(s): vocabulary"),
        ("/taxonomy_terms?top_only=perhaps", "valid boolean"),
        (f"/services/{fx.S_DADS}?full=true", "Unknown query parameter(s): full"),
    ],
)
def test_bad_requests_get_a_422_that_says_what_is_wrong(
    client: TestClient, url: str, words: str
) -> None:
    response = client.get(url)
    assert response.status_code == 422
    assert words in json.dumps(response.json()) or words in response.text


def count_queries() -> list[str]:
    statements: list[str] = []
    event.listen(
        db.get_engine(),
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )
    return statements


def test_full_service_pages_take_the_same_number_of_queries_however_many_services(
    client: TestClient, session: Session
) -> None:
    statements = count_queries()
    get_ok(client, "/services?full=true&per_page=100")
    few = len(statements)

    template = session.get_one(Service, fx.S_STAY_PLAY)
    for n in range(30):
        service = Service(
            id=fx.fid("service", f"extra-{n}"),
            organization_id=fx.COUNCIL,
            name=f"Extra group {n}",
        )
        service.taxonomy_terms = list(template.taxonomy_terms)
        service.service_at_locations = [
            ServiceAtLocation(id=fx.fid("sal", f"extra-{n}"), location_id=fx.MILLBROOK)
        ]
        session.add(service)
    session.commit()

    statements.clear()
    page = get_ok(client, "/services?full=true&per_page=100")
    assert page["total_items"] == 35
    assert len(statements) == few


# --------------------------------------------------------------------------- service_at_locations


def test_service_at_locations_near_a_postcode_are_nearest_first(client: TestClient) -> None:
    page = get_ok(client, "/service_at_locations?postcode=ck23mb")
    distances = [item["x_distance_m"] for item in page["contents"] if "x_distance_m" in item]
    assert distances == sorted(distances)
    assert page["contents"][0]["location"]["name"] == "Millbrook Family Hub"
    # The town hall has no coordinates: listed, but last and without a distance.
    assert page["contents"][-1]["location"]["name"] == "Calderbrook Town Hall"
    assert "x_distance_m" not in page["contents"][-1]
    assert page["total_items"] == 7

    near = get_ok(client, "/service_at_locations?postcode=CK2%203MB&proximity=1000")
    assert {item["service"]["name"] for item in near["contents"]} == {
        "Stay and Play",
        "Dads' Saturday group",
    }
    assert page_numbers(near) == (2, 1, 1, 2, True, True, False)
    assert all(item["x_distance_m"] <= 1000 for item in near["contents"])

    second = get_ok(client, "/service_at_locations?postcode=CK2%203MB&per_page=3&page=2")
    assert [i["id"] for i in second["contents"]] == [i["id"] for i in page["contents"][3:6]]


def test_service_at_locations_list_without_postcode_is_paged(client: TestClient) -> None:
    page = get_ok(client, f"/service_at_locations?taxonomy_term_id={fx.T_PARENTING}&per_page=3")
    assert page_numbers(page) == (4, 2, 1, 3, True, False, False)
    schema = validator("service_at_location_list.json")
    for item in page["contents"]:
        assert list(schema.iter_errors(item)) == []


def test_one_service_at_location_has_sessions_hours_and_topics(client: TestClient) -> None:
    sal_id = fx.fid("sal", f"sp-{fx.CENTRAL}")
    item = get_ok(client, f"/service_at_locations/{sal_id}")
    assert list(validator("service_at_location.json").iter_errors(item)) == []
    assert item["service"]["name"] == "Stay and Play"
    assert [s["byday"] for s in item["schedules"]] == ["MO,WE"]
    assert len(item["location"]["schedules"]) == 2  # the hub's opening hours
    assert [a["taxonomy_term"]["code"] for a in item["attributes"]] == ["parenting_support"]
    assert client.get("/service_at_locations/nope").status_code == 404


# --------------------------------------------------------------------------- organizations, terms


def test_organizations(client: TestClient) -> None:
    page = get_ok(client, "/organizations?search=nhs")
    assert [o["name"] for o in page["contents"]] == ["NHS Calderbrook Health Visiting"]
    org = get_ok(client, f"/organizations/{fx.COUNCIL}")
    assert list(validator("organization.json").iter_errors(org)) == []
    assert len(org["services"]) == 4
    assert org["phones"][0]["number"] == "01632 960000"
    assert client.get("/organizations/nope").json() == {"detail": "No organization with id 'nope'."}


def test_taxonomy_terms(client: TestClient) -> None:
    codes = [t["code"] for t in get_ok(client, "/taxonomy_terms")["contents"]]
    assert codes == ["dads_support", "infant_feeding", "parenting_support"]
    assert get_ok(client, "/taxonomy_terms?vocabulary=family-hubs-topics")["total_items"] == 3
    assert get_ok(client, "/taxonomy_terms?vocabulary=other")["empty"] is True
    assert get_ok(client, "/taxonomy_terms?top_only=true")["total_items"] == 2
    children = get_ok(client, f"/taxonomy_terms?parent_id={fx.T_PARENTING}")["contents"]
    assert [t["code"] for t in children] == ["dads_support"]
    term = get_ok(client, f"/taxonomy_terms/{fx.T_FEEDING}")
    assert term == {
        "id": fx.T_FEEDING,
        "code": "infant_feeding",
        "name": "Feeding your baby",
        "description": "Breast and bottle feeding",
        "taxonomy": "family-hubs-topics",
        "vocabulary": "family-hubs-topics",
    }
    assert client.get("/taxonomy_terms/nope").status_code == 404
