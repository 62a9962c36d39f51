"""The fictional Calderbrook Borough Council sample directory and its idempotent loader.

The data lives in YAML and CSV files next to this module so that hub staff can read and edit
it: `organizations.yml`, `hubs.yml` (with opening hours), `services/*.yml` (one entry per
service with its sessions nested by hub), `closures.yml`, `vocabulary.yml` (topic labels,
session kinds, language names), `postcodes.csv` (ONS Postcode Directory columns) and
`wards.csv` (ONS ward names and codes). The topics themselves come from `data/intents.yml`.

Every record gets a deterministic id (uuid5 of a fixed namespace and a slug), so seeding
again updates the records in place; child rows of a seeded record that are no longer in the
files (a session, a phone number, a language) are removed.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.orm import Session, sessionmaker

from directory.core.config import REPO_ROOT
from directory.core.db import get_sessionmaker, make_engine
from directory.models import (
    Base,
    Closure,
    Contact,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Postcode,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceTaxonomy,
    TaxonomyTerm,
)

DATA_DIR = Path(__file__).resolve().parent
INTENTS_FILE = REPO_ROOT / "data" / "intents.yml"
TOPIC_VOCABULARY = "family-hubs-topics"
# Fixed forever: changing it would give every seeded record a new id.
ID_NAMESPACE = uuid.UUID("6f1c2b8e-4a57-5d3e-9a0b-ca1de7b700c5")
RFC5545_DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
_BYDAY_RE = re.compile(r"^(?P<ordinal>[+-]?[1-5])?(?P<day>MO|TU|WE|TH|FR|SA|SU)$")
_AGES_RE = re.compile(r"^(?P<low>\d+)\s*-\s*(?P<high>\d+)\s*(?P<unit>years|months)$")
_TIME_RANGE_RE = re.compile(r"^(\d{1,2}):(\d{2})\s*-\s*(\d{1,2}):(\d{2})$")

# libyaml's parser when it is installed: the service files are long.
_YAML_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class SampleDataError(ValueError):
    """A sample data file says something the loader cannot use (named in the message)."""


@dataclass(frozen=True)
class SeedCounts:
    """How many records of each kind the sample data holds (and seeding wrote)."""

    organizations: int
    hubs: int
    other_locations: int
    services: int
    sessions: int
    opening_hours: int
    closures: int
    postcodes: int
    topics: int

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"Seeded {self.hubs} hubs, {self.services} services, {self.sessions} sessions, "
            f"{self.closures} closures, {self.postcodes} postcodes, {self.topics} topics, "
            f"{self.organizations} organisations"
        )


def stable_id(kind: str, slug: str) -> str:
    """The deterministic id of the sample record of `kind` named `slug`."""
    return str(uuid.uuid5(ID_NAMESPACE, f"{kind}:{slug}"))


# ------------------------------------------------------------------ parsing helpers


def parse_time_range(text: object) -> tuple[dt.time, dt.time]:
    """Parse "09:30-11:00" into (opens_at, closes_at); the end must be after the start."""
    match = _TIME_RANGE_RE.match(str(text).strip())
    if not match:
        raise SampleDataError(f"time {text!r} should look like '09:30-11:00'")
    h1, m1, h2, m2 = (int(part) for part in match.groups())
    try:
        opens, closes = dt.time(h1, m1), dt.time(h2, m2)
    except ValueError as exc:
        raise SampleDataError(f"time {text!r} is not a time of day") from exc
    if opens >= closes:
        raise SampleDataError(f"time {text!r} ends before it starts")
    return opens, closes


def parse_byday(text: object, *, monthly: bool) -> str:
    """Check and normalise an RFC 5545 BYDAY list ("MO,WE"; monthly "1TH" = first Thursday)."""
    parts = [part.strip().upper() for part in str(text).split(",") if part.strip()]
    if not parts:
        raise SampleDataError("a session needs a day")
    for part in parts:
        match = _BYDAY_RE.match(part)
        if not match:
            raise SampleDataError(f"day {part!r} is not one of {', '.join(RFC5545_DAYS)}")
        if match["ordinal"] and not monthly:
            raise SampleDataError(f"day {part!r} has a week number but the session is weekly")
    return ",".join(parts)


def parse_ages(text: object) -> tuple[int, int]:
    """Parse "0-3 years" (0 to 47 months) or "6-18 months" into (min, max) months, inclusive."""
    match = _AGES_RE.match(str(text).strip())
    if not match:
        raise SampleDataError(f"ages {text!r} should look like '0-3 years' or '6-18 months'")
    low, high = int(match["low"]), int(match["high"])
    if high < low:
        raise SampleDataError(f"ages {text!r}: the upper age is below the lower one")
    if match["unit"] == "years":
        return low * 12, high * 12 + 11
    return low, high


def parse_every(text: object) -> tuple[str, int]:
    """Parse "week", "2 weeks" or "month" into an RFC 5545 (FREQ, INTERVAL)."""
    words = str(text).strip().lower().split()
    if words in (["week"], ["weekly"]):
        return "WEEKLY", 1
    if words in (["month"], ["monthly"]):
        return "MONTHLY", 1
    if len(words) == 2 and words[0].isdigit() and words[1] in ("weeks", "months"):
        return ("WEEKLY" if words[1] == "weeks" else "MONTHLY"), int(words[0])
    raise SampleDataError(f"every {text!r} should be 'week', '2 weeks' or 'month'")


def _as_date(value: object) -> dt.date | None:
    if value is None or isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError as exc:
        raise SampleDataError(f"date {value!r} should look like 2026-09-07") from exc


def _text(value: object) -> str:
    return " ".join(str(value).split()) if value is not None else ""


def _optional(value: object) -> str | None:
    return str(value).strip() if value not in (None, "") else None


def _read_yaml(path: Path) -> dict[str, Any]:
    try:
        with path.open(encoding="utf-8") as handle:
            data = yaml.load(handle, Loader=_YAML_LOADER)
    except yaml.YAMLError as exc:
        raise SampleDataError(f"{path.name}: not valid YAML: {exc}") from exc
    if not isinstance(data, dict):
        raise SampleDataError(f"{path.name}: expected a mapping at the top")
    return data


def topic_intents(intents_file: Path = INTENTS_FILE) -> list[dict[str, Any]]:
    """The `kind: topic` intents of the intent contract, in contract order."""
    contract = _read_yaml(intents_file)
    return [item for item in contract.get("intents", []) if item.get("kind") == "topic"]


# ------------------------------------------------------------------ loading

# Parents before children, so each flush only refers to rows that exist.
WRITE_ORDER: tuple[type[Base], ...] = (
    Organization,
    TaxonomyTerm,
    Location,
    Service,
    ServiceTaxonomy,
    ServiceAtLocation,
    Schedule,
    Phone,
    Contact,
    Language,
    CostOption,
    Closure,
    Postcode,
)


class _Loader:
    """Reads and checks the files into unsaved records, then writes them in one go.

    Reading first means a mistake in any file stops the seed before anything is written,
    and writing model by model keeps the number of queries small.
    """

    def __init__(self, session: Session, data_dir: Path) -> None:
        self.session = session
        self.data_dir = data_dir
        vocabulary = _read_yaml(data_dir / "vocabulary.yml")
        self.topic_labels: dict[str, str] = vocabulary["topics"]
        self.session_kinds: set[str] = set(vocabulary["session_kinds"])
        self.language_names: dict[str, str] = vocabulary["languages"]
        self.org_ids: dict[str, str] = {}
        self.location_ids: dict[str, str] = {}
        self.topic_ids: dict[str, str] = {}
        self.records: dict[type[Base], list[Base]] = {model: [] for model in WRITE_ORDER}
        # Rows under a seeded record that the files no longer list are deleted on write.
        self.prune_scopes: dict[type[Base], ColumnElement[bool]] = {}

    def add(self, obj: Base) -> None:
        self.records[type(obj)].append(obj)

    # -- organisations and topics

    def organizations(self) -> None:
        for item in _read_yaml(self.data_dir / "organizations.yml")["organizations"]:
            org_id = stable_id("organization", item["key"])
            if item["key"] in self.org_ids:
                raise SampleDataError(f"organizations.yml: key {item['key']!r} is used twice")
            self.org_ids[item["key"]] = org_id
            self.add(
                Organization(
                    id=org_id,
                    name=item["name"],
                    description=_text(item.get("description")),
                    email=_optional(item.get("email")),
                    website=_optional(item.get("website")),
                    phone=_optional(item.get("phone")),
                )
            )

    def topics(self) -> None:
        intents = topic_intents()
        codes = [intent["name"] for intent in intents]
        # A term imported earlier (e.g. from HSDS) keeps its id; it is updated in place.
        rows = self.session.execute(
            select(TaxonomyTerm.code, TaxonomyTerm.id).where(TaxonomyTerm.code.in_(codes))
        )
        existing = {code: term_id for code, term_id in rows}
        for intent in intents:
            code = intent["name"]
            if code not in self.topic_labels:
                raise SampleDataError(f"vocabulary.yml: topic {code!r} needs a plain-words label")
            self.topic_ids[code] = existing.get(code) or stable_id("topic", code)
            self.add(
                TaxonomyTerm(
                    id=self.topic_ids[code],
                    code=code,
                    name=self.topic_labels[code],
                    description=_text(intent.get("description")),
                    vocabulary=TOPIC_VOCABULARY,
                    parent_id=None,
                )
            )

    # -- hubs and other places

    def locations(self) -> None:
        data = _read_yaml(self.data_dir / "hubs.yml")["hubs"]
        for item in data:
            if item["key"] in self.location_ids:
                raise SampleDataError(f"hubs.yml: key {item['key']!r} is used twice")
            self.location_ids[item["key"]] = stable_id("location", item["key"])
        # Main hubs first: a spoke's main_hub_id must point at a row that is already there.
        for item in sorted(data, key=lambda item: item.get("main_hub") is not None):
            key = item["key"]
            main_hub = item.get("main_hub")
            if main_hub is not None and main_hub not in self.location_ids:
                raise SampleDataError(f"hubs.yml: {key}: unknown main_hub {main_hub!r}")
            self.add(
                Location(
                    id=self.location_ids[key],
                    organization_id=self._org(item, f"hubs.yml: {key}"),
                    name=item["name"],
                    alternate_name=_optional(item.get("alternate_name")),
                    description=_text(item.get("description")),
                    location_type="physical",
                    is_family_hub=bool(item.get("family_hub", True)),
                    main_hub_id=self.location_ids[main_hub] if main_hub else None,
                    address_1=item["address_1"],
                    address_2=_optional(item.get("address_2")),
                    city=item["city"],
                    area=_optional(item.get("area")),
                    postal_code=item["postal_code"],
                    latitude=float(item["latitude"]),
                    longitude=float(item["longitude"]),
                    phone=_optional(item.get("phone")),
                    email=_optional(item.get("email")),
                    accessibility=_text(item.get("accessibility")),
                    transport=_text(item.get("transport")),
                )
            )
            for index, row in enumerate(item.get("opening_hours") or []):
                where = f"hubs.yml: {key}: opening_hours #{index + 1}"
                opens, closes = _wrap(where, parse_time_range, row.get("time"))
                self.add(
                    Schedule(
                        id=stable_id("opening-hours", f"{key}/{index}"),
                        service_at_location_id=None,
                        location_id=self.location_ids[key],
                        name=None,
                        session_kind=None,
                        freq="WEEKLY",
                        interval=1,
                        byday=_wrap(where, parse_byday, row.get("days"), monthly=False),
                        bymonthday=None,
                        opens_at=opens,
                        closes_at=closes,
                        valid_from=_as_date(row.get("from")),
                        valid_to=_as_date(row.get("to")),
                        dtstart=None,
                        timezone="Europe/London",
                        booking_required=False,
                        notes=_text(row.get("notes")),
                    )
                )

    # -- services, their details and their sessions

    def services(self) -> None:
        seen: set[str] = set()
        for path in sorted((self.data_dir / "services").glob("*.yml")):
            for item in _read_yaml(path).get("services") or []:
                key = item.get("key")
                where = f"services/{path.name}: {key}"
                if not key or key in seen:
                    raise SampleDataError(f"{where}: every service needs its own key")
                seen.add(key)
                self._service(item, where)
        service_ids = [stable_id("service", key) for key in seen]
        sal_ids = [
            sal.id for sal in self.records[ServiceAtLocation] if isinstance(sal, ServiceAtLocation)
        ]
        for model in (ServiceTaxonomy, ServiceAtLocation, Phone, Contact, Language, CostOption):
            self.prune_scopes[model] = model.__table__.c.service_id.in_(service_ids)
        self.prune_scopes[Schedule] = or_(
            Schedule.service_at_location_id.in_(sal_ids),
            and_(
                Schedule.location_id.in_(list(self.location_ids.values())),
                Schedule.service_at_location_id.is_(None),
            ),
        )

    def _service(self, item: Mapping[str, Any], where: str) -> None:
        key = item["key"]
        service_id = stable_id("service", key)
        for required in ("name", "description", "how_to_access", "topics"):
            if not item.get(required):
                raise SampleDataError(f"{where}: {required} is missing")
        low, high = _wrap(where, parse_ages, item["ages"]) if item.get("ages") else (None, None)
        costs = item.get("costs") or []
        self.add(
            Service(
                id=service_id,
                organization_id=self._org(item, where),
                name=item["name"],
                alternate_name=_optional(item.get("alternate_name")),
                description=_text(item["description"]),
                url=_optional(item.get("url")),
                email=_optional(item.get("email")),
                status="active",
                how_to_access=_text(item["how_to_access"]),
                eligibility_description=_text(item.get("who")),
                minimum_age_months=low,
                maximum_age_months=high,
                for_pregnancy=bool(item.get("pregnancy", False)),
                is_free=bool(item.get("free", not costs)),
                fees_description=_text(item.get("fees")),
            )
        )
        for code in dict.fromkeys(item["topics"]):
            if code not in self.topic_ids:
                raise SampleDataError(f"{where}: {code!r} is not a topic of data/intents.yml")
            self.add(ServiceTaxonomy(service_id=service_id, taxonomy_term_id=self.topic_ids[code]))
        for field, kind, description in (
            ("phone", "voice", "Call"),
            ("text", "text", "Text or WhatsApp"),
        ):
            if item.get(field):
                self.add(
                    Phone(
                        id=stable_id("phone", f"{key}/{field}"),
                        service_id=service_id,
                        number=str(item[field]).strip(),
                        type=kind,
                        description=description,
                    )
                )
        if contact := item.get("contact"):
            self.add(
                Contact(
                    id=stable_id("contact", key),
                    service_id=service_id,
                    name=_optional(contact.get("name")),
                    title=_optional(contact.get("title")),
                    email=_optional(contact.get("email")),
                )
            )
        for entry in item.get("languages") or ["en"]:
            code, note = (entry, "") if isinstance(entry, str) else (entry["code"], entry["note"])
            if code not in self.language_names:
                raise SampleDataError(f"{where}: language {code!r} is not in vocabulary.yml")
            self.add(
                Language(
                    id=stable_id("language", f"{key}/{code}"),
                    service_id=service_id,
                    code=code,
                    name=self.language_names[code],
                    note=_text(note),
                )
            )
        for index, cost in enumerate(costs):
            amount = cost.get("amount")
            self.add(
                CostOption(
                    id=stable_id("cost", f"{key}/{index}"),
                    service_id=service_id,
                    option=_text(cost.get("option")),
                    amount=Decimal(str(amount)) if amount is not None else None,
                    currency="GBP",
                    amount_description=_text(cost.get("description")),
                )
            )
        places = item.get("at") or {}
        if not places:
            raise SampleDataError(f"{where}: `at` must name at least one hub")
        for hub_key, rows in places.items():
            if hub_key not in self.location_ids:
                raise SampleDataError(f"{where}: unknown hub {hub_key!r}")
            sal_id = stable_id("service-at-location", f"{key}@{hub_key}")
            self.add(
                ServiceAtLocation(
                    id=sal_id,
                    service_id=service_id,
                    location_id=self.location_ids[hub_key],
                    description="",
                )
            )
            for index, row in enumerate(rows or []):
                self._session_row(sal_id, item, hub_key, index, row, where)

    def _session_row(
        self,
        sal_id: str,
        item: Mapping[str, Any],
        hub_key: str,
        index: int,
        row: Mapping[str, Any],
        where: str,
    ) -> None:
        where = f"{where}: {hub_key} session #{index + 1}"
        kind = row.get("kind") or item.get("kind")
        if kind not in self.session_kinds:
            raise SampleDataError(f"{where}: kind {kind!r} is not in vocabulary.yml")
        freq, interval = _wrap(where, parse_every, row.get("every", "week"))
        opens, closes = _wrap(where, parse_time_range, row.get("time"))
        valid_from, valid_to = _as_date(row.get("from")), _as_date(row.get("to"))
        if interval > 1 and valid_from is None:
            raise SampleDataError(f"{where}: a session every {interval} weeks needs `from`")
        self.add(
            Schedule(
                id=stable_id("session", f"{item['key']}/{hub_key}/{index}"),
                service_at_location_id=sal_id,
                location_id=None,
                name=_optional(row.get("name")),
                session_kind=kind,
                freq=freq,
                interval=interval,
                byday=_wrap(where, parse_byday, row.get("day"), monthly=freq == "MONTHLY"),
                bymonthday=None,
                opens_at=opens,
                closes_at=closes,
                valid_from=valid_from,
                valid_to=valid_to,
                dtstart=valid_from if interval > 1 else None,
                timezone="Europe/London",
                booking_required=bool(row.get("booking", item.get("booking", False))),
                notes=_text(row.get("notes")),
            )
        )

    # -- closures and postcodes

    def closures(self) -> None:
        # Not pruned: a closure is its own record (staff add one-off closures themselves).
        for item in _read_yaml(self.data_dir / "closures.yml")["closures"]:
            hub_key = item.get("hub")
            if hub_key is not None and hub_key not in self.location_ids:
                raise SampleDataError(f"closures.yml: unknown hub {hub_key!r}")
            start = _as_date(item["date"])
            end = _as_date(item.get("to")) or start
            if start is None or end is None or end < start:
                raise SampleDataError(
                    f"closures.yml: {item['date']} needs a date that ends after it starts"
                )
            self.add(
                Closure(
                    id=stable_id("closure", f"{hub_key or 'all'}/{start.isoformat()}"),
                    location_id=self.location_ids[hub_key] if hub_key else None,
                    start_date=start,
                    end_date=end,
                    reason=_text(item.get("reason")),
                )
            )

    def postcodes(self) -> None:
        with (self.data_dir / "wards.csv").open(encoding="utf-8", newline="") as handle:
            ward_names = {row["WD24CD"]: row["WD24NM"] for row in csv.DictReader(handle)}
        with (self.data_dir / "postcodes.csv").open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                pcds = " ".join(row["pcds"].upper().split())
                self.add(
                    Postcode(
                        pcds=pcds,
                        pcd_compact=pcds.replace(" ", ""),
                        latitude=float(row["lat"]),
                        longitude=float(row["long"]),
                        ward=ward_names.get(row["osward"], row["osward"]) or None,
                        lsoa=row["lsoa21"] or None,
                        imd_rank=int(row["imd"]) if row["imd"] else None,
                    )
                )

    def _org(self, item: Mapping[str, Any], where: str) -> str:
        key = item.get("organization", "council")
        if key not in self.org_ids:
            raise SampleDataError(f"{where}: unknown organization {key!r}")
        return self.org_ids[key]

    # -- writing

    def write(self) -> None:
        """Insert new records, update existing ones, delete pruned children."""
        with self.session.no_autoflush:
            for model in WRITE_ORDER:
                self._write_model(model, self.records[model], self.prune_scopes.get(model))
                self.session.flush()

    def _write_model(
        self, model: type[Base], objects: list[Base], scope: ColumnElement[bool] | None
    ) -> None:
        mapper = sa_inspect(model)
        keys = [tuple(mapper.primary_key_from_instance(obj)) for obj in objects]
        if len(set(keys)) != len(keys):
            duplicates = sorted({str(k) for k in keys if keys.count(k) > 1})
            raise SampleDataError(f"{model.__tablename__}: the same record twice: {duplicates}")
        loaded: list[Base] = []
        if scope is not None:
            loaded += self.session.scalars(select(model).where(scope)).all()
        if len(mapper.primary_key) == 1 and keys:
            pk = mapper.primary_key[0]
            loaded += self.session.scalars(select(model).where(pk.in_([k[0] for k in keys]))).all()
        # Keeping `loaded` referenced keeps the rows in the identity map, so merge()
        # below updates them without another query.
        existing = {tuple(mapper.primary_key_from_instance(row)): row for row in loaded}
        for obj, key in zip(objects, keys, strict=True):
            if key in existing:
                self.session.merge(obj)
            else:
                self.session.add(obj)
        wanted = set(keys)
        for key, row in existing.items():
            if key not in wanted:
                self.session.delete(row)

    def counts(self) -> SeedCounts:
        locations = [obj for obj in self.records[Location] if isinstance(obj, Location)]
        schedules = [obj for obj in self.records[Schedule] if isinstance(obj, Schedule)]
        hubs = sum(location.is_family_hub for location in locations)
        sessions = sum(s.service_at_location_id is not None for s in schedules)
        return SeedCounts(
            organizations=len(self.records[Organization]),
            hubs=hubs,
            other_locations=len(locations) - hubs,
            services=len(self.records[Service]),
            sessions=sessions,
            opening_hours=len(schedules) - sessions,
            closures=len(self.records[Closure]),
            postcodes=len(self.records[Postcode]),
            topics=len(self.records[TaxonomyTerm]),
        )


def _wrap(where: str, parse: Any, *args: Any, **kwargs: Any) -> Any:
    """Call a parser, naming the record in any error so staff can find the line to fix."""
    try:
        return parse(*args, **kwargs)
    except SampleDataError as exc:
        raise SampleDataError(f"{where}: {exc}") from exc


def load_sample(session: Session, data_dir: Path = DATA_DIR) -> SeedCounts:
    """Load (or update) the sample data in `session` and flush; the caller commits.

    Every file is read and checked before anything is written, so a mistake in one file
    (reported with the file and the record's key) leaves the database untouched.
    """
    loader = _Loader(session, data_dir)
    loader.organizations()
    loader.topics()
    loader.locations()
    loader.services()
    loader.closures()
    loader.postcodes()
    loader.write()

    # Translated text (directory/sample_data/translations/<lang>.yml), after the records.
    from directory.translations import load_translations

    translation_dir = data_dir / "translations"
    if translation_dir.is_dir():
        load_translations(session, sorted(translation_dir.glob("*.yml")))

    return loader.counts()


def seed(database_url: str | None = None) -> str:
    """Load the sample data into `database_url` (default: the settings') and commit it."""
    engine = make_engine(database_url) if database_url else None
    factory = sessionmaker(bind=engine, expire_on_commit=False) if engine else get_sessionmaker()
    try:
        with factory() as session, session.begin():
            counts = load_sample(session)
    finally:
        if engine is not None:
            engine.dispose()
    return counts.summary()
