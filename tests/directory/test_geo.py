"""Postcodes, distances and bounding boxes."""

from __future__ import annotations

import pytest
from sqlalchemy.orm import Session

from directory.geo import (
    Point,
    bounding_box,
    haversine_km,
    lookup_postcode,
    normalise_outward_code,
    normalise_postcode,
)
from tests.directory.factories import Directory


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("CK1 4QP", "CK1 4QP"),
        ("ck14qp", "CK1 4QP"),
        ("  ck1    4qp ", "CK1 4QP"),
        ("SW1A 1AA", "SW1A 1AA"),
        ("m1 1ae", "M1 1AE"),
        ("B33 8TH", "B33 8TH"),
        ("CR2 6XH", "CR2 6XH"),
        ("DN55 1PT", "DN55 1PT"),
        ("W1A0AX", "W1A 0AX"),
    ],
)
def test_valid_postcodes_are_normalised(text: str, expected: str) -> None:
    assert normalise_postcode(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        None,
        "CK1",
        "CK1 4Q",
        "12345",
        "CK1 4QPP",
        "Q1 4QP1",
        "CK1-4QP",
        "'; DROP TABLE x",
        "C" * 200,
    ],
)
def test_invalid_postcodes_are_refused(text: str | None) -> None:
    assert normalise_postcode(text) is None


def test_outward_code_alone_is_recognised() -> None:
    assert normalise_outward_code(" ck1 ") == "CK1"
    assert normalise_outward_code("CK1 4QP") is None


def test_lookup_exact_then_sector_then_district(session: Session) -> None:
    d = Directory(session)
    d.postcode("CK1 4QP", 53.70, -1.90)
    d.postcode("CK1 4AB", 53.72, -1.92)
    d.postcode("CK1 5ZZ", 53.80, -1.80)
    assert lookup_postcode(session, "ck14qp") == Point(53.70, -1.90)
    sector = lookup_postcode(session, "CK1 4XX")  # unknown unit: centroid of "CK1 4"
    assert sector is not None
    assert sector.lat == pytest.approx(53.71) and sector.lon == pytest.approx(-1.91)
    district = lookup_postcode(session, "CK1")
    assert district is not None and district.lat == pytest.approx((53.70 + 53.72 + 53.80) / 3)
    assert lookup_postcode(session, "ZZ9 9ZZ") is None
    assert lookup_postcode(session, "not a postcode") is None


def test_haversine_known_distance() -> None:
    # London (Charing Cross) to Manchester (Piccadilly) is about 262 km in a straight line.
    london, manchester = Point(51.5074, -0.1278), Point(53.4808, -2.2426)
    assert haversine_km(london, manchester) == pytest.approx(262, abs=3)
    assert haversine_km(london, london) == 0


def test_bounding_box_contains_the_circle() -> None:
    centre = Point(53.70, -1.90)
    box = bounding_box(centre, 5)
    for bearing_point in (Point(53.70 + 0.0449, -1.90), Point(53.70, -1.90 + 0.0755)):
        assert haversine_km(centre, bearing_point) == pytest.approx(5, abs=0.05)
        assert box.contains(bearing_point)
    assert not box.contains(Point(53.70, -1.70))
