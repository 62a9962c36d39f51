"""Small builders of directory rows for tests (no dependency on the sample data)."""

from __future__ import annotations

import datetime as dt
from itertools import count
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from directory.models import (
    Closure,
    Language,
    Location,
    Organization,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

_ids = count(1)


def _id(prefix: str) -> str:
    return f"{prefix}-{next(_ids):04d}"


class Directory:
    """Adds rows to a session with sensible defaults; every method flushes and returns the row."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.org = Organization(id=_id("org"), name="Calderbrook Test Council")
        session.add(self.org)
        self.terms: dict[str, TaxonomyTerm] = {}

    def term(self, code: str) -> TaxonomyTerm:
        if code not in self.terms:
            existing = self.session.scalar(select(TaxonomyTerm).where(TaxonomyTerm.code == code))
            self.terms[code] = existing or TaxonomyTerm(
                id=_id("term"), code=code, name=code.replace("_", " ").capitalize()
            )
            self.session.add(self.terms[code])
        return self.terms[code]

    def postcode(self, pcds: str, lat: float, lon: float) -> Postcode:
        row = Postcode(pcds=pcds, pcd_compact=pcds.replace(" ", ""), latitude=lat, longitude=lon)
        self.session.add(row)
        self.session.flush()
        return row

    def hub(
        self,
        name: str,
        lat: float | None = 53.70,
        lon: float | None = -1.90,
        *,
        is_hub: bool = True,
        **fields: Any,
    ) -> Location:
        location = Location(
            id=fields.pop("id", _id("loc")),
            name=name,
            is_family_hub=is_hub,
            latitude=lat,
            longitude=lon,
            address_1=fields.pop("address_1", f"1 {name} Road"),
            city="Calderbrook",
            postal_code=fields.pop("postal_code", "CK1 4QP"),
            **fields,
        )
        self.session.add(location)
        self.session.flush()
        return location

    def service(
        self,
        name: str,
        *,
        topics: tuple[str, ...] = (),
        at: tuple[Location, ...] = (),
        languages: tuple[str, ...] = (),
        phones: tuple[str, ...] = (),
        **fields: Any,
    ) -> Service:
        service = Service(
            id=fields.pop("id", _id("svc")),
            organization_id=self.org.id,
            name=name,
            description=fields.pop("description", f"{name} for families."),
            **fields,
        )
        service.taxonomy_terms = [self.term(code) for code in topics]
        service.languages = [Language(id=_id("lang"), code=c, name=c) for c in languages]
        service.phones = [Phone(id=_id("tel"), number=n) for n in phones]
        self.session.add(service)
        self.session.flush()
        for location in at:
            self.session.add(
                ServiceAtLocation(id=_id("sal"), service_id=service.id, location_id=location.id)
            )
        self.session.flush()
        return service

    def session_of(
        self,
        service: Service,
        location: Location,
        opens: str,
        closes: str,
        *,
        byday: str | None = "TU",
        freq: str = "WEEKLY",
        **fields: Any,
    ) -> Schedule:
        sal_id = self.session.scalar(
            select(ServiceAtLocation.id).where(
                ServiceAtLocation.service_id == service.id,
                ServiceAtLocation.location_id == location.id,
            )
        )
        assert sal_id is not None, "add the service at the location first (at=...)"
        schedule = Schedule(
            id=fields.pop("id", _id("sch")),
            service_at_location_id=sal_id,
            freq=freq,
            byday=byday,
            opens_at=dt.time.fromisoformat(opens),
            closes_at=dt.time.fromisoformat(closes),
            interval=fields.pop("interval", 1),
            timezone="Europe/London",
            **fields,
        )
        self.session.add(schedule)
        self.session.flush()
        return schedule

    def hours(
        self, location: Location, opens: str, closes: str, byday: str = "MO,TU,WE,TH,FR"
    ) -> Schedule:
        schedule = Schedule(
            id=_id("hrs"),
            location_id=location.id,
            freq="WEEKLY",
            interval=1,
            byday=byday,
            opens_at=dt.time.fromisoformat(opens),
            closes_at=dt.time.fromisoformat(closes),
            timezone="Europe/London",
        )
        self.session.add(schedule)
        self.session.flush()
        return schedule

    def closure(
        self,
        start: dt.date,
        end: dt.date | None = None,
        *,
        location: Location | None = None,
        reason: str = "Bank holiday",
    ) -> Closure:
        closure = Closure(
            id=_id("clo"),
            location_id=location.id if location else None,
            start_date=start,
            end_date=end or start,
            reason=reason,
        )
        self.session.add(closure)
        self.session.flush()
        return closure
