"""HSDS 3.0 JSON import and export of the directory.

The file format is a JSON object (a "package"):

```
{"hsds_version": "3.0", "exported_at": ..., "generator": ...,
 "services": [<compiled HSDS 3.0 service>, ...],       # validated against compiled/service.json
 "organizations": [...], "locations": [...], "taxonomy_terms": [...],
 "x_closures": [...], "x_translations": [...]}
```

A bare JSON array of services (HSDS's `service_package` shape) is accepted on import too.

Mapping decisions (HSDS 3.0 objects allow additional properties, so what HSDS has no field
for travels in clearly named `x_` fields next to the standard ones):
- Ages: HSDS `minimum_age`/`maximum_age` are years; we keep months, exported as decimal years
  (18 months -> 1.5) and rounded back to whole months on import.
- Schedules: HSDS `timezone` is a fixed UTC offset, which cannot describe Europe/London across
  clock changes, so it is left out; `opens_at`/`closes_at` are wall-clock "HH:MM" and the
  zone name travels in `x_timezone` (and in the generated `description`). A session's name,
  kind and booking flag are `x_name`, `x_session_kind`, `x_booking_required`;
  `attending_type` says the same in words. Hub opening hours are a location's `schedules`;
  sessions are the `schedules` of a service_at_location.
- Hub flags and hub data: `x_is_family_hub`, `x_main_hub_id`, `x_area`, `x_email` on locations;
  `x_for_pregnancy` and `x_is_free` on services.
- Closures (holidays) and translations (parent-facing text in community languages) are not
  part of HSDS: they are the package's top-level `x_closures` and `x_translations`.
- Taxonomy terms carry both HSDS 3.0's `taxonomy` and Open Referral UK's `vocabulary`.

Import rules: everything is checked before anything is written, and nothing is written if
any check fails. Records are matched by `id`, so re-importing updates and never duplicates.
A service's phones, contacts, languages, cost options, topics, places and sessions are
replaced by the file's; services, locations and organizations missing from the file are left
alone (a file may hold part of a directory). `x_` fields left out of a file leave the stored
value unchanged; standard HSDS fields left out are cleared. `x_closures`, when present, is the
complete list of closures; `x_translations` adds and updates translations (never deletes).
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import math
import re
import sys
import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from jsonschema import Draft202012Validator
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.interfaces import LoaderOption

from directory.models import (
    Base,
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
    Translation,
)

HSDS_VERSION = "3.0"
SCHEMA_DIR = Path(__file__).resolve().parent / "hsds_schema"  # a copy of compiled/service.json
DEFAULT_TIMEZONE = "Europe/London"
DEFAULT_VOCABULARY = "family-hubs-topics"
# Ids of sub-objects we store as columns (a location's address, a hub's phone) are derived
# from their parent's id, so every export gives them the same id.
_DERIVED_ID_NAMESPACE = uuid.UUID("0b6f1d52-6c1e-4d0e-9a57-3f3c1c4b8e21")
_MAX_LISTED_PROBLEMS = 200

DAY_NAMES = {
    "MO": "Monday",
    "TU": "Tuesday",
    "WE": "Wednesday",
    "TH": "Thursday",
    "FR": "Friday",
    "SA": "Saturday",
    "SU": "Sunday",
}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth", 5: "fifth", -1: "last"}
_BYDAY_RE = re.compile(r"^([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)$")
_TIME_RE = re.compile(r"^([01]\d|2[0-3]):([0-5]\d)(?::([0-5]\d))?(Z|[+-]\d{2}:?\d{2})?$")


# --------------------------------------------------------------------------- schemas


@lru_cache(maxsize=1)
def compiled_service_schema() -> dict[str, Any]:
    """The compiled HSDS 3.0 service schema (loaded once, on first use)."""
    with (SCHEMA_DIR / "service.json").open(encoding="utf-8") as f:
        schema: dict[str, Any] = json.load(f)
    return schema


@lru_cache(maxsize=8)
def _validator(kind: str) -> Draft202012Validator:
    """A validator for one HSDS object kind, with format checks (uuid, email, date).

    The compiled schemas declare no `$schema`; they are validated as JSON Schema 2020-12.
    Locations, organizations and taxonomy terms use the sub-schemas nested in the compiled
    service schema, so every object is checked against the same definitions.
    """
    service = compiled_service_schema()
    props = service["properties"]
    schema = {
        "service": service,
        "organization": props["organization"],
        "location": props["service_at_locations"]["items"]["properties"]["location"],
        "taxonomy_term": props["attributes"]["items"]["properties"]["taxonomy_term"],
        "closure": _CLOSURE_SCHEMA,
        "translation": _TRANSLATION_SCHEMA,
    }[kind]
    return Draft202012Validator(schema, format_checker=Draft202012Validator.FORMAT_CHECKER)


_CLOSURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["id", "start_date"],
    "properties": {
        "id": {"type": "string", "format": "uuid"},
        "location_id": {"type": ["string", "null"], "format": "uuid"},
        "start_date": {"type": "string", "format": "date"},
        "end_date": {"type": "string", "format": "date"},
        "reason": {"type": "string"},
    },
}
_TRANSLATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["entity_type", "entity_id", "field", "language", "text"],
    "properties": {
        "entity_type": {"type": "string", "minLength": 1},
        "entity_id": {"type": "string", "minLength": 1},
        "field": {"type": "string", "minLength": 1},
        "language": {"type": "string", "minLength": 2},
        "text": {"type": "string"},
        "needs_review": {"type": "boolean"},
    },
}


# --------------------------------------------------------------------------- export


def derived_id(kind: str, parent_id: str) -> str:
    """A stable id for a sub-object stored as columns of its parent (e.g. an address)."""
    return str(uuid.uuid5(_DERIVED_ID_NAMESPACE, f"{kind}:{parent_id}"))


def _compact(obj: dict[str, Any]) -> dict[str, Any]:
    """Drop None values: HSDS string fields may be absent but not null."""
    return {k: v for k, v in obj.items() if v is not None}


def _hhmm(value: dt.time) -> str:
    return value.strftime("%H:%M:%S" if value.second else "%H:%M")


def _utc_iso(value: dt.datetime | None) -> str | None:
    if value is None:
        return None
    if value.tzinfo is None:  # SQLite gives back naive UTC
        value = value.replace(tzinfo=dt.UTC)
    return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _years(months: int | None) -> float | int | None:
    if months is None:
        return None
    years = round(months / 12, 4)
    return int(years) if years == int(years) else years


def describe_schedule(schedule: Schedule) -> str:
    """A plain-words description of a schedule ("Every Tuesday, 10:00-11:30 (UK time)")."""
    codes = [c for c in (schedule.byday or "").upper().replace(" ", "").split(",") if c]
    days: list[str] = []
    for code in codes:
        match = _BYDAY_RE.match(code)
        if not match:
            continue
        name = DAY_NAMES[match.group(2)]
        if match.group(1):
            ordinal = _ORDINALS.get(int(match.group(1)), f"number {match.group(1)}")
            name = f"the {ordinal} {name}"
        days.append(name)
    day_text = (
        ", ".join(days[:-1]) + (" and " if len(days) > 1 else "") + (days[-1] if days else "")
    )
    interval = schedule.interval or 1
    if schedule.freq == "MONTHLY":
        if day_text:
            when = f"{day_text[0].upper()}{day_text[1:]} of "
        elif schedule.bymonthday:
            when = f"Day {schedule.bymonthday} of "
        else:
            when = ""
        when += "every month" if interval == 1 else f"every {interval} months"
    elif schedule.freq == "DAILY":
        when = "Every day" if interval == 1 else f"Every {interval} days"
    else:
        every = {1: "Every", 2: "Every other"}.get(interval, f"Every {interval} weeks on")
        when = f"{every} {day_text}" if day_text else f"{every} week"
    zone = "UK time" if schedule.timezone == DEFAULT_TIMEZONE else schedule.timezone
    text = f"{when}, {_hhmm(schedule.opens_at)}-{_hhmm(schedule.closes_at)} ({zone})"
    return f"{schedule.name}: {text}" if schedule.name else text


def serialize_schedule(schedule: Schedule, service_id: str | None = None) -> dict[str, Any]:
    """One schedule in HSDS 3.0 shape (see the module docstring for the x_ fields)."""
    freq, byday = schedule.freq, schedule.byday
    if freq == "DAILY" and (schedule.interval or 1) == 1:
        # HSDS only has WEEKLY and MONTHLY; "every day" is weekly on every day.
        freq, byday = "WEEKLY", ",".join(DAY_NAMES)
    return _compact(
        {
            "id": schedule.id,
            "service_id": service_id,
            "service_at_location_id": schedule.service_at_location_id,
            "location_id": schedule.location_id,
            "freq": freq,
            "interval": schedule.interval,
            "byday": byday or None,
            "bymonthday": schedule.bymonthday or None,
            "opens_at": _hhmm(schedule.opens_at),
            "closes_at": _hhmm(schedule.closes_at),
            "valid_from": schedule.valid_from.isoformat() if schedule.valid_from else None,
            "valid_to": schedule.valid_to.isoformat() if schedule.valid_to else None,
            "dtstart": schedule.dtstart.isoformat() if schedule.dtstart else None,
            "description": describe_schedule(schedule),
            "attending_type": "Booking needed" if schedule.booking_required else "Drop in",
            "notes": schedule.notes or None,
            "attributes": [],
            "x_timezone": schedule.timezone,
            "x_name": schedule.name,
            "x_session_kind": schedule.session_kind,
            "x_booking_required": schedule.booking_required,
        }
    )


def serialize_taxonomy_term(term: TaxonomyTerm) -> dict[str, Any]:
    """A taxonomy term; `taxonomy` is HSDS 3.0's name for Open Referral UK's `vocabulary`."""
    return _compact(
        {
            "id": term.id,
            "code": term.code,
            "name": term.name,
            "description": term.description or "",
            "parent_id": term.parent_id,
            "taxonomy": term.vocabulary,
            "vocabulary": term.vocabulary,
        }
    )


def serialize_organization(org: Organization) -> dict[str, Any]:
    """An organization's own fields (HSDS organization without nested lists but phones)."""
    phones = []
    if org.phone:
        phones.append(
            {"id": derived_id("organization-phone", org.id), "organization_id": org.id}
            | {"number": org.phone}
        )
    return _compact(
        {
            "id": org.id,
            "name": org.name,
            "description": org.description or "",
            "email": org.email,
            "website": org.website,
            "phones": phones,
        }
    )


def serialize_location(
    location: Location, hours: Sequence[Schedule] | None = None
) -> dict[str, Any]:
    """A location with its address, accessibility, phone and (if given) opening hours."""
    addresses = []
    if location.address_1 or location.city or location.postal_code:
        addresses.append(
            _compact(
                {
                    "id": derived_id("address", location.id),
                    "location_id": location.id,
                    "address_1": location.address_1,
                    "address_2": location.address_2,
                    "city": location.city,
                    # Required by HSDS; we keep no county.
                    "state_province": "",
                    "postal_code": location.postal_code,
                    "country": "GB",
                    "address_type": "physical",
                }
            )
        )
    accessibility = []
    if location.accessibility:
        accessibility.append(
            {
                "id": derived_id("accessibility", location.id),
                "location_id": location.id,
                "description": location.accessibility,
            }
        )
    phones = []
    if location.phone:
        phones.append(
            {
                "id": derived_id("location-phone", location.id),
                "location_id": location.id,
                "number": location.phone,
            }
        )
    result = _compact(
        {
            "id": location.id,
            "location_type": location.location_type,
            "organization_id": location.organization_id,
            "name": location.name,
            "alternate_name": location.alternate_name,
            "description": location.description or "",
            "transportation": location.transport or None,
            "latitude": location.latitude,
            "longitude": location.longitude,
            "addresses": addresses,
            "accessibility": accessibility,
            "phones": phones,
            "languages": [],
            "contacts": [],
            "attributes": [],
            "x_is_family_hub": location.is_family_hub,
            "x_main_hub_id": location.main_hub_id,
            "x_area": location.area,
            "x_email": location.email,
        }
    )
    if hours is not None:
        result["schedules"] = [serialize_schedule(s) for s in _sorted_schedules(hours)]
    return result


def _sorted_schedules(schedules: Iterable[Schedule]) -> list[Schedule]:
    return sorted(schedules, key=lambda s: (s.byday or "", s.opens_at, s.id))


def service_fields(service: Service) -> dict[str, Any]:
    """A service's one-to-one fields (HSDS `service_list` shape, with its organization)."""
    return _compact(
        {
            "id": service.id,
            "organization_id": service.organization_id,
            "name": service.name,
            "alternate_name": service.alternate_name,
            "description": service.description or "",
            "url": service.url,
            "email": service.email,
            "status": service.status,
            "application_process": service.how_to_access or None,
            "fees_description": service.fees_description or None,
            "eligibility_description": service.eligibility_description or None,
            "minimum_age": _years(service.minimum_age_months),
            "maximum_age": _years(service.maximum_age_months),
            "last_modified": _utc_iso(service.updated_at),
            "organization": serialize_organization(service.organization),
            "x_for_pregnancy": service.for_pregnancy,
            "x_is_free": service.is_free,
        }
    )


def _attribute(service: Service, term: TaxonomyTerm) -> dict[str, Any]:
    return {
        "id": derived_id("attribute", f"{service.id}:{term.id}"),
        "link_id": service.id,
        "link_type": "service",
        "link_entity": "service",
        "taxonomy_term_id": term.id,
        "taxonomy_term": serialize_taxonomy_term(term),
    }


def serialize_service_at_location(
    sal: ServiceAtLocation,
    hours: Mapping[str, Sequence[Schedule]],
    *,
    with_service: bool = False,
) -> dict[str, Any]:
    """A service at a location with its sessions and the full location (HSDS compiled shape)."""
    result: dict[str, Any] = {
        "id": sal.id,
        "service_id": sal.service_id,
        "location_id": sal.location_id,
        "description": sal.description or "",
        "contacts": [],
        "phones": [],
        "schedules": [
            serialize_schedule(s, sal.service_id) for s in _sorted_schedules(sal.schedules)
        ],
        "location": serialize_location(sal.location, hours.get(sal.location_id, [])),
        "attributes": [],
    }
    if with_service:
        service = sal.service
        result["attributes"] = [
            _attribute(service, t) | {"link_id": sal.id, "link_entity": "service_at_location"}
            for t in sorted(service.taxonomy_terms, key=lambda t: t.id)
        ]
        result["service"] = service_fields(service)
    return result


def serialize_service(service: Service, hours: Mapping[str, Sequence[Schedule]]) -> dict[str, Any]:
    """A fully nested service in the compiled HSDS 3.0 service shape."""
    result = service_fields(service)
    result.update(
        {
            "service_at_locations": [
                serialize_service_at_location(sal, hours)
                for sal in sorted(service.service_at_locations, key=lambda x: x.id)
            ],
            "phones": [
                _compact(
                    {
                        "id": p.id,
                        "service_id": service.id,
                        "number": p.number,
                        "type": p.type,
                        "description": p.description or None,
                    }
                )
                for p in sorted(service.phones, key=lambda x: x.id)
            ],
            "schedules": [],
            "contacts": [
                _compact(
                    {
                        "id": c.id,
                        "service_id": service.id,
                        "name": c.name,
                        "title": c.title,
                        "email": c.email,
                    }
                )
                for c in sorted(service.contacts, key=lambda x: x.id)
            ],
            "languages": [
                _compact(
                    {
                        "id": lang.id,
                        "service_id": service.id,
                        "code": lang.code,
                        "name": lang.name or None,
                        "note": lang.note or None,
                    }
                )
                for lang in sorted(service.languages, key=lambda x: x.id)
            ],
            "cost_options": [
                _compact(
                    {
                        "id": c.id,
                        "service_id": service.id,
                        "option": c.option or None,
                        "amount": float(c.amount) if c.amount is not None else None,
                        "currency": c.currency,
                        "amount_description": c.amount_description or None,
                    }
                )
                for c in sorted(service.cost_options, key=lambda x: x.id)
            ],
            "attributes": [
                _attribute(service, t) for t in sorted(service.taxonomy_terms, key=lambda t: t.id)
            ],
            "service_areas": [],
            "required_documents": [],
            "funding": [],
        }
    )
    return result


def service_load_options() -> list[LoaderOption]:
    """Eager loading for fully nested services (a fixed number of queries per page)."""
    sal = selectinload(Service.service_at_locations)
    return [
        selectinload(Service.organization),
        selectinload(Service.phones),
        selectinload(Service.contacts),
        selectinload(Service.languages),
        selectinload(Service.cost_options),
        sal.selectinload(ServiceAtLocation.location),
        sal.selectinload(ServiceAtLocation.schedules),
    ]


def location_hours(
    session: Session, location_ids: Iterable[str] | None = None
) -> dict[str, list[Schedule]]:
    """Opening hours (schedules of a location itself, not of a session) by location id."""
    stmt = select(Schedule).where(
        Schedule.service_at_location_id.is_(None), Schedule.location_id.is_not(None)
    )
    if location_ids is not None:
        ids = sorted(set(location_ids))
        if not ids:
            return {}
        stmt = stmt.where(Schedule.location_id.in_(ids))
    hours: dict[str, list[Schedule]] = {}
    for schedule in session.scalars(stmt):
        assert schedule.location_id is not None
        hours.setdefault(schedule.location_id, []).append(schedule)
    return hours


def export_directory(session: Session) -> dict[str, Any]:
    """The whole directory as an HSDS 3.0 package (see the module docstring)."""
    services = session.scalars(
        select(Service).options(*service_load_options()).order_by(Service.name, Service.id)
    ).all()
    hours = location_hours(session)
    locations = session.scalars(select(Location).order_by(Location.name, Location.id)).all()
    organizations = session.scalars(
        select(Organization).order_by(Organization.name, Organization.id)
    ).all()
    terms = session.scalars(select(TaxonomyTerm).order_by(TaxonomyTerm.code)).all()
    closures = session.scalars(
        select(Closure).order_by(Closure.start_date, Closure.location_id, Closure.id)
    ).all()
    translations = session.scalars(
        select(Translation).order_by(
            Translation.entity_type, Translation.entity_id, Translation.field, Translation.language
        )
    ).all()
    return {
        "hsds_version": HSDS_VERSION,
        "generator": "Family Hubs Front Door",
        "exported_at": _utc_iso(dt.datetime.now(dt.UTC)),
        "services": [serialize_service(s, hours) for s in services],
        "organizations": [serialize_organization(o) for o in organizations],
        "locations": [serialize_location(loc, hours.get(loc.id, [])) for loc in locations],
        "taxonomy_terms": [serialize_taxonomy_term(t) for t in terms],
        "x_closures": [
            {
                "id": c.id,
                "location_id": c.location_id,
                "start_date": c.start_date.isoformat(),
                "end_date": c.end_date.isoformat(),
                "reason": c.reason,
            }
            for c in closures
        ],
        "x_translations": [
            {
                "entity_type": t.entity_type,
                "entity_id": t.entity_id,
                "field": t.field,
                "language": t.language,
                "text": t.text,
                "needs_review": t.needs_review,
            }
            for t in translations
        ],
    }


def export_to_file(path: Path | None) -> None:
    """Write the configured database's directory as pretty HSDS JSON to `path` (or stdout)."""
    from directory.core.db import get_sessionmaker

    with get_sessionmaker()() as session:
        package = export_directory(session)
    text = json.dumps(package, indent=2, ensure_ascii=False) + "\n"
    if path is None:
        sys.stdout.write(text)
    else:
        path.write_text(text, encoding="utf-8")


# --------------------------------------------------------------------------- problems


JsonPath = tuple[str | int, ...]


def format_path(path: JsonPath) -> str:
    """A JSON path in the readable form "services[3].schedules[0].opens_at"."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "(top level)"


@dataclass(frozen=True)
class Problem:
    """One reason a file cannot be imported, with where it is."""

    path: JsonPath
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = format_path(self.path)
        if self.line is not None:
            where += f" (line {self.line})"
        return f"{where}: {self.message}"


class ImportValidationError(Exception):
    """The file was rejected; `problems` says where and why. Nothing was loaded."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = list(problems)
        super().__init__(
            f"{len(self.problems)} problem(s): " + "; ".join(str(p) for p in self.problems[:5])
        )


class ImportFileError(Exception):
    """The file could not be read or is not JSON (a one-line reason)."""


@dataclass
class ImportReport:
    """What an import did."""

    services_new: int = 0
    services_updated: int = 0
    locations_new: int = 0
    locations_updated: int = 0
    organizations_new: int = 0
    organizations_updated: int = 0
    taxonomy_terms_new: int = 0
    taxonomy_terms_updated: int = 0
    schedules: int = 0
    closures: int | None = None
    translations: int | None = None

    def summary(self) -> str:
        """A plain one-paragraph summary for the data team."""

        def part(noun: str, new: int, updated: int) -> str:
            return f"{new + updated} {noun} ({new} new, {updated} updated)"

        parts = [
            part("services", self.services_new, self.services_updated),
            part("locations", self.locations_new, self.locations_updated),
            part("organizations", self.organizations_new, self.organizations_updated),
            part("taxonomy terms", self.taxonomy_terms_new, self.taxonomy_terms_updated),
            f"{self.schedules} schedules",
        ]
        if self.closures is not None:
            parts.append(f"{self.closures} closures")
        if self.translations is not None:
            parts.append(f"{self.translations} translations")
        return "Imported " + ", ".join(parts) + "."


def json_value_lines(text: str) -> dict[JsonPath, int]:
    """The line on which each value of a valid JSON document starts, by path.

    A small scanner over the source (json.loads keeps no positions). Only call it on text
    that json.loads accepted.
    """
    from json.decoder import scanstring  # type: ignore[attr-defined]

    newlines = [m.start() for m in re.finditer("\n", text)]
    ws = re.compile(r"[ \t\n\r]*")
    number = re.compile(r"-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?")
    lines: dict[JsonPath, int] = {}

    def skip(pos: int) -> int:
        match = ws.match(text, pos)
        assert match is not None
        return match.end()

    def value(pos: int, path: JsonPath) -> int:
        pos = skip(pos)
        lines[path] = bisect.bisect_left(newlines, pos) + 1
        char = text[pos]
        if char == "{":
            pos = skip(pos + 1)
            if text[pos] == "}":
                return pos + 1
            while True:
                key, pos = scanstring(text, skip(pos) + 1)
                pos = skip(pos) + 1  # the colon
                pos = skip(value(pos, (*path, key)))
                if text[pos] == "}":
                    return pos + 1
                pos += 1  # the comma
        if char == "[":
            pos = skip(pos + 1)
            if text[pos] == "]":
                return pos + 1
            index = 0
            while True:
                pos = skip(value(pos, (*path, index)))
                if text[pos] == "]":
                    return pos + 1
                pos, index = pos + 1, index + 1
        if char == '"':
            return int(scanstring(text, pos + 1)[1])
        for literal in ("true", "false", "null"):
            if text.startswith(literal, pos):
                return pos + len(literal)
        match = number.match(text, pos)
        assert match is not None
        return match.end()

    value(0, ())
    return lines


def _line_for(lines: Mapping[JsonPath, int], path: JsonPath) -> int | None:
    while True:
        if path in lines:
            return lines[path]
        if not path:
            return None
        path = path[:-1]


# --------------------------------------------------------------------------- import: checks


@dataclass
class _ServicePlan:
    cols: dict[str, Any]
    phones: list[dict[str, Any]]
    contacts: list[dict[str, Any]]
    languages: list[dict[str, Any]]
    cost_options: list[dict[str, Any]]
    term_ids: list[str]
    sals: list[tuple[dict[str, Any], list[dict[str, Any]]]]


@dataclass
class _Plan:
    organizations: dict[str, dict[str, Any]] = field(default_factory=dict)
    terms: dict[str, dict[str, Any]] = field(default_factory=dict)
    locations: dict[str, dict[str, Any]] = field(default_factory=dict)
    # Opening hours by location id; None when the file says nothing about them.
    hours: dict[str, list[dict[str, Any]] | None] = field(default_factory=dict)
    services: list[_ServicePlan] = field(default_factory=list)
    closures: list[dict[str, Any]] | None = None
    translations: list[dict[str, Any]] | None = None


class _Checker:
    """Turns a parsed package into a `_Plan`, collecting every problem on the way."""

    def __init__(self, session: Session) -> None:
        self.session = session
        self.problems: list[Problem] = []
        self.plan = _Plan()
        self.seen_ids: dict[tuple[str, str], JsonPath] = {}
        # (kind, id, path) of every reference, checked once everything is read.
        self.references: list[tuple[type[Base], str, JsonPath]] = []

    def problem(self, path: JsonPath, message: str) -> None:
        self.problems.append(Problem(path, message))

    def schema_ok(self, kind: str, obj: Any, path: JsonPath) -> bool:
        errors = sorted(_validator(kind).iter_errors(obj), key=lambda e: list(e.absolute_path))
        for error in errors:
            self.problem((*path, *error.absolute_path), error.message)
        return not errors

    def unique(self, kind: str, ident: str, path: JsonPath) -> bool:
        first = self.seen_ids.setdefault((kind, ident), path)
        if first != path:
            self.problem(path, f"id {ident!r} is also used by {format_path(first)}")
            return False
        return True

    def refer(self, model: type[Base], ident: str | None, path: JsonPath) -> None:
        if ident is not None:
            self.references.append((model, ident, path))

    def fits(self, model: type[Base], cols: dict[str, Any], path: JsonPath) -> dict[str, Any]:
        """Check text lengths against the columns (PostgreSQL would refuse them later)."""
        table = model.__table__
        for name, value in cols.items():
            length = getattr(table.c[name].type, "length", None)
            if isinstance(value, str) and length is not None and len(value) > length:
                self.problem((*path, name), f"is {len(value)} characters; at most {length} fit")
        return cols

    # ---- top level

    def package(self, data: Any) -> None:
        if isinstance(data, list):
            data = {"services": data}
        if not isinstance(data, dict):
            self.problem((), "expected a JSON object with a 'services' list (or a list)")
            return
        lists = ("services", "organizations", "locations", "taxonomy_terms")
        for key in (*lists, "x_closures", "x_translations"):
            if key in data and not isinstance(data[key], list):
                self.problem((key,), "must be a list")
        if not isinstance(data.get("services"), list):
            if "services" not in data:
                self.problem((), "'services' is missing: expected a list of HSDS services")
            return
        for i, org in enumerate(_list(data, "organizations")):
            if self.schema_ok("organization", org, ("organizations", i)):
                self.organization(org, ("organizations", i), top_level=True)
        for i, term in enumerate(_list(data, "taxonomy_terms")):
            if self.schema_ok("taxonomy_term", term, ("taxonomy_terms", i)):
                self.term(term, ("taxonomy_terms", i), top_level=True)
        for i, loc in enumerate(_list(data, "locations")):
            if self.schema_ok("location", loc, ("locations", i)):
                self.location(loc, ("locations", i), top_level=True)
        for i, service in enumerate(data["services"]):
            if self.schema_ok("service", service, ("services", i)):
                self.service(service, ("services", i))
        if isinstance(data.get("x_closures"), list):
            self.plan.closures = []
            for i, closure in enumerate(data["x_closures"]):
                if self.schema_ok("closure", closure, ("x_closures", i)):
                    self.closure(closure, ("x_closures", i))
        if isinstance(data.get("x_translations"), list):
            self.plan.translations = []
            for i, item in enumerate(data["x_translations"]):
                path: JsonPath = ("x_translations", i)
                if self.schema_ok("translation", item, path):
                    cols = {k: item[k] for k in ("entity_type", "entity_id", "field", "language")}
                    cols |= {"text": item["text"], "needs_review": item.get("needs_review", False)}
                    key = "|".join(
                        cols[k] for k in ("entity_type", "entity_id", "field", "language")
                    )
                    if self.unique("translation", key, path):
                        self.plan.translations.append(self.fits(Translation, cols, path))
        self.check_references()
        self.check_term_codes()

    # ---- records

    def organization(self, org: dict[str, Any], path: JsonPath, *, top_level: bool = False) -> None:
        if org["id"] in self.plan.organizations:
            if top_level:
                self.unique("organization", org["id"], path)
            return
        self.unique("organization", org["id"], path)
        phones = org.get("phones") or []
        self.plan.organizations[org["id"]] = self.fits(
            Organization,
            {
                "id": org["id"],
                "name": org["name"],
                "description": org.get("description", ""),
                "email": org.get("email"),
                "website": org.get("website"),
                "phone": phones[0]["number"] if phones else None,
            },
            path,
        )

    def term(self, term: dict[str, Any], path: JsonPath, *, top_level: bool = False) -> None:
        if term["id"] in self.plan.terms:
            if top_level:
                self.unique("taxonomy_term", term["id"], path)
            return
        self.unique("taxonomy_term", term["id"], path)
        vocabulary = term.get("vocabulary", term.get("taxonomy")) or DEFAULT_VOCABULARY
        if not isinstance(vocabulary, str):
            self.problem((*path, "vocabulary"), "must be a string")
            vocabulary = DEFAULT_VOCABULARY
        self.refer(TaxonomyTerm, term.get("parent_id"), (*path, "parent_id"))
        self.plan.terms[term["id"]] = self.fits(
            TaxonomyTerm,
            {
                "id": term["id"],
                "code": term.get("code") or term["id"],
                "name": term["name"],
                "description": term.get("description", ""),
                "vocabulary": vocabulary,
                "parent_id": term.get("parent_id"),
            },
            path,
        )

    def location(self, loc: dict[str, Any], path: JsonPath, *, top_level: bool = False) -> None:
        if loc["id"] in self.plan.locations:
            if top_level:
                self.unique("location", loc["id"], path)
            return
        self.unique("location", loc["id"], path)
        addresses = loc.get("addresses") or []
        address = next((a for a in addresses if a.get("address_type") == "physical"), None)
        address = address or (addresses[0] if addresses else {})
        name = loc.get("name") or address.get("address_1")
        if not name:
            self.problem(path, "a location needs a 'name' (or an address to name it by)")
        phones = loc.get("phones") or []
        accessibility = "\n".join(
            a.get("description") or a.get("details") or "" for a in loc.get("accessibility") or []
        ).strip()
        cols: dict[str, Any] = {
            "id": loc["id"],
            "organization_id": loc.get("organization_id"),
            "name": name or "",
            "alternate_name": loc.get("alternate_name"),
            "description": loc.get("description", ""),
            "location_type": loc["location_type"],
            "address_1": address.get("address_1", ""),
            "address_2": address.get("address_2"),
            "city": address.get("city", ""),
            "postal_code": address.get("postal_code", ""),
            "latitude": loc.get("latitude"),
            "longitude": loc.get("longitude"),
            "phone": phones[0]["number"] if phones else None,
            "accessibility": accessibility,
            "transport": loc.get("transportation", ""),
        }
        for key, column, kind in (
            ("x_is_family_hub", "is_family_hub", bool),
            ("x_main_hub_id", "main_hub_id", str),
            ("x_area", "area", str),
            ("x_email", "email", str),
        ):
            if key in loc:
                if loc[key] is not None and not isinstance(loc[key], kind):
                    self.problem(
                        (*path, key), f"must be {'true or false' if kind is bool else 'text'}"
                    )
                cols[column] = loc[key]
        if cols.get("main_hub_id") == loc["id"]:
            self.problem((*path, "x_main_hub_id"), "a hub cannot be its own main hub")
        lat, lon = cols["latitude"], cols["longitude"]
        if lat is not None and not -90 <= lat <= 90:
            self.problem((*path, "latitude"), f"{lat} is not a latitude (-90 to 90)")
        if lon is not None and not -180 <= lon <= 180:
            self.problem((*path, "longitude"), f"{lon} is not a longitude (-180 to 180)")
        self.refer(Organization, cols["organization_id"], (*path, "organization_id"))
        self.refer(Location, cols.get("main_hub_id"), (*path, "x_main_hub_id"))
        self.plan.locations[loc["id"]] = self.fits(Location, cols, path)
        if "schedules" in loc:
            hours = []
            for i, sched in enumerate(loc["schedules"]):
                spath = (*path, "schedules", i)
                if sched.get("service_at_location_id"):
                    self.problem(
                        (*spath, "service_at_location_id"),
                        "a location's own schedules are its opening hours; put a session's "
                        "schedule under its service_at_location",
                    )
                    continue
                cols_s = self.schedule(sched, spath)
                if cols_s is not None:
                    hours.append(cols_s | {"location_id": loc["id"]})
            self.plan.hours[loc["id"]] = hours
        else:
            self.plan.hours.setdefault(loc["id"], None)

    def schedule(self, sched: dict[str, Any], path: JsonPath) -> dict[str, Any] | None:
        if not self.unique("schedule", sched["id"], path):
            return None
        before = len(self.problems)
        freq = sched.get("freq") or "WEEKLY"
        monthly = freq == "MONTHLY"
        interval = sched.get("interval", 1)
        if interval != int(interval) or interval < 1:
            self.problem((*path, "interval"), f"{interval!r} is not a whole number of 1 or more")
        byday = (sched.get("byday") or "").upper().replace(" ", "") or None
        for code in (byday or "").split(",") if byday else []:
            match = _BYDAY_RE.match(code)
            ordinal = int(match.group(1)) if match and match.group(1) else None
            if match is None:
                self.problem(
                    (*path, "byday"),
                    f"{code!r} is not a day: use MO, TU, WE, TH, FR, SA or SU "
                    "(monthly: 1TU = first Tuesday, -1FR = last Friday)",
                )
            elif ordinal is not None and not monthly:
                self.problem((*path, "byday"), f"{code!r}: a numbered day needs freq MONTHLY")
            elif ordinal is not None and not (1 <= abs(ordinal) <= 5):
                self.problem((*path, "byday"), f"{code!r}: the number must be 1 to 5 or -1 to -5")
        bymonthday = (sched.get("bymonthday") or "").replace(" ", "") or None
        for part in bymonthday.split(",") if bymonthday else []:
            if not re.fullmatch(r"[+-]?\d{1,2}", part) or not 1 <= abs(int(part)) <= 31:
                self.problem((*path, "bymonthday"), f"{part!r} is not a day of the month (1-31)")
        dates = {}
        for key in ("valid_from", "valid_to", "dtstart"):
            dates[key] = self.date(sched.get(key), (*path, key))
        if dates["valid_from"] and dates["valid_to"] and dates["valid_to"] < dates["valid_from"]:
            self.problem((*path, "valid_to"), "is before valid_from")
        if not byday and not bymonthday and not dates["dtstart"]:
            self.problem(path, "needs 'byday' (the days it happens) or 'dtstart'")
        times = {}
        for key in ("opens_at", "closes_at"):
            times[key] = self.time(sched.get(key), (*path, key))
        if times["opens_at"] and times["closes_at"] and times["closes_at"] <= times["opens_at"]:
            self.problem((*path, "closes_at"), "must be after opens_at")
        cols: dict[str, Any] = {
            "id": sched["id"],
            "freq": freq,
            "interval": int(interval) if interval == int(interval) else 1,
            "byday": byday,
            "bymonthday": bymonthday,
            "opens_at": times["opens_at"],
            "closes_at": times["closes_at"],
            "notes": sched.get("notes", ""),
            **dates,
        }
        if "x_timezone" in sched:
            zone = sched["x_timezone"]
            try:
                ZoneInfo(zone)
                cols["timezone"] = zone
            except (ZoneInfoNotFoundError, ValueError, TypeError):
                self.problem((*path, "x_timezone"), f"{zone!r} is not a time zone name")
        for key, column, kind in (
            ("x_name", "name", str),
            ("x_session_kind", "session_kind", str),
            ("x_booking_required", "booking_required", bool),
        ):
            if key in sched:
                if sched[key] is not None and not isinstance(sched[key], kind):
                    self.problem(
                        (*path, key), f"must be {'true or false' if kind is bool else 'text'}"
                    )
                cols[column] = sched[key]
        if "booking_required" not in cols and "attending_type" in sched:
            words = sched["attending_type"].lower()
            cols["booking_required"] = "book" in words and "no book" not in words
        if len(self.problems) > before:
            return None
        return self.fits(Schedule, cols, path)

    def date(self, value: Any, path: JsonPath) -> dt.date | None:
        if value in (None, ""):
            return None
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            self.problem(path, f"{value!r} is not a date (YYYY-MM-DD)")
            return None

    def time(self, value: Any, path: JsonPath) -> dt.time | None:
        if value in (None, ""):
            self.problem(path, "is missing: every schedule needs opens_at and closes_at (HH:MM)")
            return None
        match = _TIME_RE.match(value)
        if match is None:
            self.problem(path, f"{value!r} is not a time (HH:MM, 24-hour clock)")
            return None
        return dt.time(int(match.group(1)), int(match.group(2)), int(match.group(3) or 0))

    def service(self, svc: dict[str, Any], path: JsonPath) -> None:
        if not self.unique("service", svc["id"], path):
            return
        org = svc.get("organization")
        if org is not None:
            self.organization(org, (*path, "organization"))
        org_id = svc.get("organization_id") or (org or {}).get("id")
        if org is not None and svc.get("organization_id") not in (None, org["id"]):
            self.problem((*path, "organization_id"), "differs from organization.id")
        if not org_id:
            self.problem(path, "needs an organization_id (or an organization)")
        self.refer(Organization, org_id, (*path, "organization_id"))
        ages = {}
        for key in ("minimum_age", "maximum_age"):
            years = svc.get(key)
            if years is not None and not 0 <= years <= 150:
                self.problem((*path, key), f"{years} is not an age in years")
                years = None
            ages[key] = None if years is None else round(years * 12)
        if (
            ages["minimum_age"] is not None
            and ages["maximum_age"] is not None
            and ages["maximum_age"] < ages["minimum_age"]
        ):
            self.problem((*path, "maximum_age"), "is below minimum_age")
        cols: dict[str, Any] = {
            "id": svc["id"],
            "organization_id": org_id,
            "name": svc["name"],
            "alternate_name": svc.get("alternate_name"),
            "description": svc.get("description", ""),
            "url": svc.get("url"),
            "email": svc.get("email"),
            "status": svc["status"],
            "how_to_access": svc.get("application_process", ""),
            "eligibility_description": svc.get("eligibility_description", ""),
            "fees_description": svc.get("fees_description", ""),
            "minimum_age_months": ages["minimum_age"],
            "maximum_age_months": ages["maximum_age"],
        }
        for key, column in (("x_for_pregnancy", "for_pregnancy"), ("x_is_free", "is_free")):
            if key in svc:
                if not isinstance(svc[key], bool):
                    self.problem((*path, key), "must be true or false")
                cols[column] = svc[key]
        costs = []
        for i, cost in enumerate(svc.get("cost_options") or []):
            cpath = (*path, "cost_options", i)
            if self.unique("cost_option", cost["id"], cpath):
                amount = cost.get("amount")
                if amount is not None and (not math.isfinite(amount) or amount < 0):
                    self.problem((*cpath, "amount"), f"{amount} is not a price")
                    amount = None
                costs.append(
                    self.fits(
                        CostOption,
                        {
                            "id": cost["id"],
                            "option": cost.get("option", ""),
                            "amount": None if amount is None else Decimal(str(amount)),
                            "currency": cost.get("currency") or "GBP",
                            "amount_description": cost.get("amount_description", ""),
                        },
                        cpath,
                    )
                )
        if "is_free" not in cols and "cost_options" in svc:
            cols["is_free"] = not any(c["amount"] for c in costs)
        phones = []
        for i, phone in enumerate(svc.get("phones") or []):
            ppath = (*path, "phones", i)
            if self.unique("phone", phone["id"], ppath):
                cols_p = {
                    "id": phone["id"],
                    "number": phone["number"],
                    "type": phone.get("type") or "voice",
                    "description": phone.get("description", ""),
                }
                phones.append(self.fits(Phone, cols_p, ppath))
        contacts = []
        for i, contact in enumerate(svc.get("contacts") or []):
            cpath = (*path, "contacts", i)
            if self.unique("contact", contact["id"], cpath):
                cols_c = {k: contact.get(k) for k in ("name", "title", "email")}
                contacts.append(self.fits(Contact, {"id": contact["id"], **cols_c}, cpath))
        languages = []
        for i, lang in enumerate(svc.get("languages") or []):
            lpath = (*path, "languages", i)
            if not lang.get("code"):
                self.problem((*lpath, "code"), "is missing: give the ISO 639-1 code, e.g. 'pl'")
            elif self.unique("language", lang["id"], lpath):
                cols_l = {
                    "id": lang["id"],
                    "code": lang["code"],
                    "name": lang.get("name", ""),
                    "note": lang.get("note", ""),
                }
                languages.append(self.fits(Language, cols_l, lpath))
        term_ids: list[str] = []
        for i, attribute in enumerate(svc.get("attributes") or []):
            apath = (*path, "attributes", i)
            term = attribute.get("taxonomy_term")
            term_id = attribute.get("taxonomy_term_id") or (term or {}).get("id")
            if term is not None:
                if term_id != term["id"]:
                    self.problem((*apath, "taxonomy_term_id"), "differs from taxonomy_term.id")
                self.term(term, (*apath, "taxonomy_term"))
            if not term_id:
                self.problem(apath, "needs a taxonomy_term_id (or a taxonomy_term)")
                continue
            self.refer(TaxonomyTerm, term_id, (*apath, "taxonomy_term_id"))
            if term_id not in term_ids:
                term_ids.append(term_id)
        sals: list[tuple[dict[str, Any], list[dict[str, Any]]]] = []
        sal_by_id: dict[str, list[dict[str, Any]]] = {}
        located: set[str] = set()
        for i, sal in enumerate(svc.get("service_at_locations") or []):
            spath = (*path, "service_at_locations", i)
            if not self.unique("service_at_location", sal["id"], spath):
                continue
            loc = sal.get("location")
            if loc is not None:
                self.location(loc, (*spath, "location"))
            loc_id = sal.get("location_id") or (loc or {}).get("id")
            if loc is not None and sal.get("location_id") not in (None, loc["id"]):
                self.problem((*spath, "location_id"), "differs from location.id")
            if not loc_id:
                self.problem(spath, "needs a location_id (or a location)")
                continue
            if loc_id in located:
                self.problem((*spath, "location_id"), "this service is already at this location")
            located.add(loc_id)
            self.refer(Location, loc_id, (*spath, "location_id"))
            schedules: list[dict[str, Any]] = []
            for j, sched in enumerate(sal.get("schedules") or []):
                cols_s = self.schedule(sched, (*spath, "schedules", j))
                if cols_s is not None:
                    schedules.append(cols_s | {"location_id": sched.get("location_id")})
            sal_cols = {
                "id": sal["id"],
                "location_id": loc_id,
                "description": sal.get("description", ""),
            }
            sals.append((self.fits(ServiceAtLocation, sal_cols, spath), schedules))
            sal_by_id[sal["id"]] = schedules
        for i, sched in enumerate(svc.get("schedules") or []):
            spath = (*path, "schedules", i)
            target = sched.get("service_at_location_id")
            if target is None and len(sals) == 1:
                target = sals[0][0]["id"]
            if target not in sal_by_id:
                self.problem(
                    spath,
                    "a service's schedule must name one of its service_at_locations "
                    "(this directory keeps sessions per place)",
                )
                continue
            if any(s["id"] == sched["id"] for s in sal_by_id[target]):
                continue  # the same schedule, listed under its service_at_location too
            cols_s = self.schedule(sched, spath)
            if cols_s is not None:
                sal_by_id[target].append(cols_s | {"location_id": sched.get("location_id")})
        self.plan.services.append(
            _ServicePlan(
                cols=self.fits(Service, cols, path),
                phones=phones,
                contacts=contacts,
                languages=languages,
                cost_options=costs,
                term_ids=term_ids,
                sals=sals,
            )
        )

    def closure(self, item: dict[str, Any], path: JsonPath) -> None:
        if not self.unique("closure", item["id"], path):
            return
        start = dt.date.fromisoformat(item["start_date"])
        end = dt.date.fromisoformat(item.get("end_date") or item["start_date"])
        if end < start:
            self.problem((*path, "end_date"), "is before start_date")
        self.refer(Location, item.get("location_id"), (*path, "location_id"))
        assert self.plan.closures is not None
        cols = {
            "id": item["id"],
            "location_id": item.get("location_id"),
            "start_date": start,
            "end_date": end,
            "reason": item.get("reason", ""),
        }
        self.plan.closures.append(self.fits(Closure, cols, path))

    # ---- cross-record checks

    def check_references(self) -> None:
        in_file: dict[type[Base], Mapping[str, Any]] = {
            Organization: self.plan.organizations,
            TaxonomyTerm: self.plan.terms,
            Location: self.plan.locations,
        }
        names = {Organization: "organization", TaxonomyTerm: "taxonomy term", Location: "location"}
        for model, known in in_file.items():
            wanted = {ident for m, ident, _ in self.references if m is model and ident not in known}
            in_db = set()
            if wanted:
                column = model.id  # type: ignore[attr-defined]
                in_db = set(self.session.scalars(select(column).where(column.in_(sorted(wanted)))))
            for m, ident, path in self.references:
                if m is model and ident not in known and ident not in in_db:
                    self.problem(
                        path,
                        f"unknown {names[model]} id {ident!r}: it is neither in this file "
                        "nor in the directory",
                    )

    def check_term_codes(self) -> None:
        by_code: dict[str, str] = {}
        for term in self.plan.terms.values():
            other = by_code.setdefault(term["code"], term["id"])
            if other != term["id"]:
                self.problem(
                    ("taxonomy_terms",),
                    f"code {term['code']!r} is used by two terms ({other} and {term['id']})",
                )
        if by_code:
            rows = self.session.execute(
                select(TaxonomyTerm.code, TaxonomyTerm.id).where(
                    TaxonomyTerm.code.in_(sorted(by_code))
                )
            )
            taken = {code: ident for code, ident in rows}
            for code, ident in by_code.items():
                if taken.get(code, ident) != ident and taken[code] not in self.plan.terms:
                    self.problem(
                        ("taxonomy_terms",),
                        f"code {code!r} already belongs to taxonomy term {taken[code]} "
                        "in the directory",
                    )


def _list(data: Mapping[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


# --------------------------------------------------------------------------- import: load


def _upsert(session: Session, model: type[Any], cols: Mapping[str, Any]) -> tuple[Any, bool]:
    row = session.get(model, cols["id"])
    new = row is None
    if row is None:
        row = model(id=cols["id"])
        session.add(row)
    for key, value in cols.items():
        setattr(row, key, value)
    return row, new


def _replace(
    session: Session, parent: Any, relation: str, model: type[Any], incoming: list[dict[str, Any]]
) -> list[Any]:
    """Make `parent.<relation>` exactly the incoming rows (matched by id); return them."""
    keep = {cols["id"] for cols in incoming}
    current = list(getattr(parent, relation))
    if any(row.id not in keep for row in current):
        # Remove what has gone first, so a new row cannot clash with an old one's unique key.
        setattr(parent, relation, [row for row in current if row.id in keep])
        session.flush()
    rows = [_upsert(session, model, cols)[0] for cols in incoming]
    setattr(parent, relation, rows)
    return rows


def _apply(session: Session, plan: _Plan) -> ImportReport:
    report = ImportReport()
    for cols in plan.organizations.values():
        _, new = _upsert(session, Organization, cols)
        report.organizations_new += new
        report.organizations_updated += not new
    # Parents may come after children in the file: link them once every row exists.
    for cols in plan.terms.values():
        _, new = _upsert(session, TaxonomyTerm, {**cols, "parent_id": None})
        report.taxonomy_terms_new += new
        report.taxonomy_terms_updated += not new
    for cols in plan.locations.values():
        _, new = _upsert(session, Location, {k: v for k, v in cols.items() if k != "main_hub_id"})
        report.locations_new += new
        report.locations_updated += not new
    session.flush()
    for cols in plan.terms.values():
        session.get_one(TaxonomyTerm, cols["id"]).parent_id = cols["parent_id"]
    for cols in plan.locations.values():
        if "main_hub_id" in cols:
            session.get_one(Location, cols["id"]).main_hub_id = cols["main_hub_id"]
    for location_id, hours in plan.hours.items():
        if hours is None:
            continue
        keep = {h["id"] for h in hours}
        for old in session.scalars(
            select(Schedule).where(
                Schedule.location_id == location_id, Schedule.service_at_location_id.is_(None)
            )
        ):
            if old.id not in keep:
                session.delete(old)
        session.flush()
        for cols in hours:
            _upsert(session, Schedule, {**cols, "service_at_location_id": None})
        report.schedules += len(hours)
    session.flush()
    # Load the services being replaced with their children in a few queries, not per row.
    ids = [item.cols["id"] for item in plan.services]
    for start in range(0, len(ids), 500):
        session.scalars(
            select(Service)
            .where(Service.id.in_(ids[start : start + 500]))
            .options(*service_load_options())
        ).all()
    for item in plan.services:
        service, new = _upsert(session, Service, item.cols)
        report.services_new += new
        report.services_updated += not new
        _replace(session, service, "phones", Phone, item.phones)
        _replace(session, service, "contacts", Contact, item.contacts)
        _replace(session, service, "languages", Language, item.languages)
        _replace(session, service, "cost_options", CostOption, item.cost_options)
        service.taxonomy_terms = [session.get_one(TaxonomyTerm, t) for t in item.term_ids]
        sals = _replace(
            session, service, "service_at_locations", ServiceAtLocation, [c for c, _ in item.sals]
        )
        for sal, (_, schedules) in zip(sals, item.sals, strict=True):
            _replace(session, sal, "schedules", Schedule, schedules)
            report.schedules += len(schedules)
    if plan.closures is not None:
        keep = {c["id"] for c in plan.closures}
        for closure in session.scalars(select(Closure)):
            if closure.id not in keep:
                session.delete(closure)
        session.flush()
        for cols in plan.closures:
            _upsert(session, Closure, cols)
        report.closures = len(plan.closures)
    if plan.translations is not None:
        existing = {
            (t.entity_type, t.entity_id, t.field, t.language): t
            for t in session.scalars(select(Translation))
        }
        for cols in plan.translations:
            key = (cols["entity_type"], cols["entity_id"], cols["field"], cols["language"])
            row = existing.get(key)
            if row is None:
                session.add(Translation(**cols))
            else:
                row.text, row.needs_review = cols["text"], cols["needs_review"]
        report.translations = len(plan.translations)
    session.flush()
    return report


def import_directory(session: Session, data: Any) -> ImportReport:
    """Check an HSDS 3.0 package and load it in one transaction (nothing if any check fails).

    Raises `ImportValidationError` listing every problem (path and reason).
    """
    checker = _Checker(session)
    checker.package(data)
    if checker.problems:
        session.rollback()
        raise ImportValidationError(checker.problems)
    try:
        with session.no_autoflush:  # rows are linked to their parents before each flush
            report = _apply(session, checker.plan)
        session.commit()
    except SQLAlchemyError as exc:
        session.rollback()
        reason = str(getattr(exc, "orig", None) or exc).splitlines()[0]
        raise ImportValidationError(
            [Problem((), f"the database refused the data: {reason}")]
        ) from exc
    except BaseException:
        session.rollback()
        raise
    return report


def read_package(path: Path) -> tuple[Any, str]:
    """Read and parse a JSON file; `ImportFileError` with a one-line reason if that fails."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ImportFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ImportFileError(f"{path}: is a folder, not a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ImportFileError(f"{path}: cannot be read ({exc})") from None
    try:
        return json.loads(text), text
    except json.JSONDecodeError as exc:
        raise ImportFileError(
            f"{path}: not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from None


def import_file(session: Session, path: Path) -> ImportReport:
    """Import an HSDS JSON file; problems carry the line number where the value starts."""
    data, text = read_package(path)
    try:
        return import_directory(session, data)
    except ImportValidationError as exc:
        lines = json_value_lines(text)
        bare_list = isinstance(data, list)
        located = []
        for problem in exc.problems:
            path_in_file = (
                problem.path[1:]
                if bare_list and problem.path[:1] == ("services",)
                else problem.path
            )
            located.append(Problem(problem.path, problem.message, _line_for(lines, path_in_file)))
        raise ImportValidationError(located) from None


def import_cli(path: Path) -> int:
    """`python -m directory import FILE`: 0 if loaded, 1 if rejected, 2 if unreadable."""
    from directory.core.db import get_sessionmaker

    try:
        with get_sessionmaker()() as session:
            report = import_file(session, path)
    except ImportFileError as exc:
        print(f"Import failed: {exc}", file=sys.stderr)
        return 2
    except ImportValidationError as exc:
        count = len(exc.problems)
        print(
            f"{path} was not imported: {count} problem{'s' if count != 1 else ''} found. "
            "Nothing was changed.",
            file=sys.stderr,
        )
        for number, problem in enumerate(exc.problems[:_MAX_LISTED_PROBLEMS], start=1):
            print(f"{number:>4}. {problem}", file=sys.stderr)
        if count > _MAX_LISTED_PROBLEMS:
            print(f"      ... and {count - _MAX_LISTED_PROBLEMS} more", file=sys.stderr)
        return 1
    print(report.summary())
    return 0
