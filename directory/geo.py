"""Postcodes, points and distances.

Postcodes are looked up in the `postcode` table (a sample of the ONS Postcode Directory). A
postcode that is well formed but not in the table falls back to the centroid of its sector
("CK1 4"), and an outward code alone ("CK1") to the centroid of its district, so a parent who
types a new-build postcode or only the first half still gets results near them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from directory.models import Postcode

EARTH_RADIUS_KM = 6371.0088
KM_PER_DEGREE_LAT = math.pi * EARTH_RADIUS_KM / 180.0

# Outward code: area (1-2 letters) + district (digit, then an optional digit or letter).
# Inward code: sector digit + unit (two letters).
_OUTWARD = r"[A-Z]{1,2}[0-9][A-Z0-9]?"
_FULL_RE = re.compile(rf"^({_OUTWARD})([0-9][A-Z]{{2}})$")
_OUTWARD_RE = re.compile(rf"^({_OUTWARD})$")
_MAX_INPUT = 20


@dataclass(frozen=True)
class Point:
    """A WGS84 position in decimal degrees."""

    lat: float
    lon: float


@dataclass(frozen=True)
class BoundingBox:
    """A latitude/longitude rectangle that contains every point within a radius."""

    min_lat: float
    max_lat: float
    min_lon: float
    max_lon: float

    def contains(self, point: Point) -> bool:
        """Whether `point` lies inside the box (edges included)."""
        return (
            self.min_lat <= point.lat <= self.max_lat and self.min_lon <= point.lon <= self.max_lon
        )


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", text).upper()


def normalise_postcode(text: str | None) -> str | None:
    """A full UK postcode in its standard form ("CK1 4QP"), or None if `text` is not one.

    Accepts lower case, no space or extra spaces ("ck14qp", " CK1   4QP ").
    """
    if not text or len(text) > _MAX_INPUT:
        return None
    match = _FULL_RE.match(_compact(text))
    if match is None:
        return None
    return f"{match.group(1)} {match.group(2)}"


def normalise_outward_code(text: str | None) -> str | None:
    """The outward code ("CK1") if `text` is only the first half of a postcode, else None."""
    if not text or len(text) > _MAX_INPUT:
        return None
    match = _OUTWARD_RE.match(_compact(text))
    return match.group(1) if match else None


def looks_like_postcode(text: str | None) -> bool:
    """Whether `text` is a full postcode or an outward code (without looking it up)."""
    return normalise_postcode(text) is not None or normalise_outward_code(text) is not None


def _centroid(session: Session, prefix: str) -> Point | None:
    row = session.execute(
        select(func.avg(Postcode.latitude), func.avg(Postcode.longitude)).where(
            Postcode.pcds.like(f"{prefix}%")
        )
    ).one()
    if row[0] is None or row[1] is None:
        return None
    return Point(float(row[0]), float(row[1]))


def lookup_postcode(session: Session, text: str | None) -> Point | None:
    """Where a postcode is: the exact unit, else its sector's centroid; None if unknown.

    An outward code alone ("CK1") gives its district's centroid.
    """
    full = normalise_postcode(text)
    if full is not None:
        row = session.execute(
            select(Postcode.latitude, Postcode.longitude).where(
                Postcode.pcd_compact == full.replace(" ", "")
            )
        ).first()
        if row is not None:
            return Point(float(row[0]), float(row[1]))
        # The sector is the outward code, a space and the inward code's digit ("CK1 4").
        return _centroid(session, full[:-2])
    outward = normalise_outward_code(text)
    if outward is not None:
        return _centroid(session, f"{outward} ")
    return None


def haversine_km(a: Point, b: Point) -> float:
    """Great-circle distance between two points in kilometres."""
    lat1, lat2 = math.radians(a.lat), math.radians(b.lat)
    dlat = lat2 - lat1
    dlon = math.radians(b.lon - a.lon)
    h = math.sin(dlat / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin(dlon / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def bounding_box(centre: Point, radius_km: float) -> BoundingBox:
    """The smallest lat/lon box holding every point within `radius_km` of `centre`.

    Used to prefilter locations in SQL with plain range conditions (which an index on
    latitude/longitude serves); the exact distance is then checked with `haversine_km`.
    """
    dlat = radius_km / KM_PER_DEGREE_LAT
    min_lat, max_lat = centre.lat - dlat, centre.lat + dlat
    if min_lat <= -90 or max_lat >= 90:
        return BoundingBox(max(min_lat, -90.0), min(max_lat, 90.0), -180.0, 180.0)
    # The widest longitude span is at the box's edge nearest a pole.
    widest = max(abs(min_lat), abs(max_lat))
    dlon = radius_km / (KM_PER_DEGREE_LAT * math.cos(math.radians(widest)))
    if dlon >= 180:
        return BoundingBox(min_lat, max_lat, -180.0, 180.0)
    return BoundingBox(min_lat, max_lat, centre.lon - dlon, centre.lon + dlon)


def km_per_degree_lon(lat: float) -> float:
    """Kilometres per degree of longitude at latitude `lat` (for cheap distance bounds)."""
    return KM_PER_DEGREE_LAT * math.cos(math.radians(lat))
