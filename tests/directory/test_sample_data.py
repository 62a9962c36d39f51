"""The fictional Calderbrook sample data: complete, consistent, safe to publish, idempotent."""

from __future__ import annotations

import datetime as dt
import math
import re
import shutil
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import yaml
from dateutil.easter import easter
from dateutil.relativedelta import MO, relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from directory.__main__ import migrate
from directory.core.db import make_engine
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
from directory.sample_data import (
    DATA_DIR,
    RFC5545_DAYS,
    SampleDataError,
    load_sample,
    parse_ages,
    parse_byday,
    parse_every,
    parse_time_range,
    seed,
    topic_intents,
)
from tests.conftest import REPO_ROOT, postgres_url_or_skip, reset_postgres

HUB_NAMES = {
    "Calderbrook Central",
    "Millbrook",
    "Eastgate",
    "Hollins Park",
    "Westfield",
    "Stonebridge",
    "Oakleigh",
    "Riverside Youth Hub",
}
# Ofcom's numbers for TV, radio and drama (digits only): they never reach a real person.
DRAMA_PREFIXES = ("01632960", "01134960", "07700900", "08081570")
PHONE_IN_TEXT = re.compile(r"(?<!\d)0\d{3,4} ?\d{3} ?\d{3,4}(?!\d)")
URL_IN_TEXT = re.compile(r"https?://([^/\s]+)")
EMAIL_IN_TEXT = re.compile(r"[\w.+-]+@([\w-]+(?:\.[\w-]+)+)")
TABLES: tuple[type[Base], ...] = (
    Organization,
    TaxonomyTerm,
    Location,
    Service,
    ServiceTaxonomy,
    ServiceAtLocation,
    Schedule,
    Closure,
    Phone,
    Contact,
    Language,
    CostOption,
    Postcode,
)


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Session]:
    """One migrated database with the sample data, shared by the read-only tests here."""
    url = f"sqlite:///{tmp_path_factory.mktemp('sample') / 'seeded.db'}"
    migrate(url)
    engine = make_engine(url)
    with sessionmaker(bind=engine, expire_on_commit=False)() as session:
        load_sample(session)
        session.commit()
        yield session
    engine.dispose()


def _hubs(session: Session) -> list[Location]:
    return list(session.scalars(select(Location).where(Location.is_family_hub.is_(True))))


def _sessions(session: Session) -> list[Schedule]:
    return list(
        session.scalars(select(Schedule).where(Schedule.service_at_location_id.is_not(None)))
    )


def _counts(session: Session) -> dict[str, int]:
    return {
        model.__tablename__: session.scalar(select(func.count()).select_from(model)) or 0
        for model in TABLES
    }


def _all_text(session: Session) -> list[str]:
    """Every string value of every seeded row, to search for numbers and addresses."""
    texts: list[str] = []
    for model in TABLES:
        for row in session.scalars(select(model)):
            texts.extend(
                value
                for column in model.__table__.columns
                if isinstance(value := getattr(row, column.key, None), str)
            )
    return texts


def _england_bank_holidays(year: int) -> set[dt.date]:
    """England's bank holidays, with weekend substitutes (no one-off extra holidays)."""
    easter_sunday = easter(year)
    days = {
        easter_sunday - dt.timedelta(days=2),
        easter_sunday + dt.timedelta(days=1),
        dt.date(year, 5, 1) + relativedelta(weekday=MO(1)),
        dt.date(year, 5, 31) + relativedelta(weekday=MO(-1)),
        dt.date(year, 8, 31) + relativedelta(weekday=MO(-1)),
    }
    new_year = dt.date(year, 1, 1)
    days.add(new_year + relativedelta(weekday=MO(1)) if new_year.weekday() >= 5 else new_year)
    christmas, boxing = dt.date(year, 12, 25), dt.date(year, 12, 26)
    if christmas.weekday() == 5:  # Saturday: Monday and Tuesday
        days |= {christmas + dt.timedelta(days=2), christmas + dt.timedelta(days=3)}
    elif christmas.weekday() == 6:  # Sunday: Boxing Day, then Tuesday
        days |= {boxing, christmas + dt.timedelta(days=2)}
    elif christmas.weekday() == 4:  # Friday: Boxing Day moves to Monday
        days |= {christmas, christmas + dt.timedelta(days=3)}
    else:
        days |= {christmas, boxing}
    return days


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    dlat = math.radians(lat2 - lat1)
    dlon = math.radians(lon2 - lon1) * math.cos(math.radians((lat1 + lat2) / 2))
    return 6371 * math.hypot(dlat, dlon)


# ------------------------------------------------------------------ what is there


def test_the_eight_hubs_have_their_exact_names(seeded: Session) -> None:
    hubs = _hubs(seeded)
    assert {hub.name for hub in hubs} == HUB_NAMES
    assert len(hubs) == 8


def test_enough_services_and_sessions(seeded: Session) -> None:
    assert len(seeded.scalars(select(Service)).all()) >= 64
    assert len(_sessions(seeded)) >= 90


def test_every_topic_has_at_least_two_services(seeded: Session) -> None:
    per_topic = Counter(
        seeded.scalars(
            select(TaxonomyTerm.code).join(
                ServiceTaxonomy, ServiceTaxonomy.taxonomy_term_id == TaxonomyTerm.id
            )
        )
    )
    for intent in topic_intents():
        assert per_topic[intent["name"]] >= 2, intent["name"]


def test_one_plain_words_term_per_topic_intent(seeded: Session) -> None:
    contract = {intent["name"]: intent for intent in topic_intents()}
    terms = {term.code: term for term in seeded.scalars(select(TaxonomyTerm))}
    assert set(terms) == set(contract)
    for code, term in terms.items():
        assert term.vocabulary == "family-hubs-topics"
        assert term.name and "_" not in term.name
        assert term.description == " ".join(contract[code]["description"].split())


def test_every_service_is_described_and_runs_somewhere(seeded: Session) -> None:
    for service in seeded.scalars(select(Service)):
        assert len(service.description) > 80, service.name
        assert service.how_to_access, service.name
        assert service.service_at_locations, service.name
        assert service.languages, service.name
        assert 1 <= len(service.taxonomy_terms) <= 3, service.name
        assert service.is_free or service.cost_options or service.fees_description, service.name
        if service.minimum_age_months is not None and service.maximum_age_months is not None:
            assert service.minimum_age_months <= service.maximum_age_months <= 300


def test_every_hub_has_opening_hours_sessions_and_details(seeded: Session) -> None:
    for hub in _hubs(seeded):
        hours = seeded.scalars(
            select(Schedule).where(
                Schedule.location_id == hub.id, Schedule.service_at_location_id.is_(None)
            )
        ).all()
        assert hours, hub.name
        sessions = [schedule for sal in hub.service_at_locations for schedule in sal.schedules]
        assert sessions, hub.name
        for field in ("address_1", "area", "postal_code", "phone", "email"):
            assert getattr(hub, field), (hub.name, field)
        assert hub.accessibility and hub.transport and hub.description, hub.name


def test_sessions_cover_every_weekday_and_saturday(seeded: Session) -> None:
    days = {day[-2:] for schedule in _sessions(seeded) for day in (schedule.byday or "").split(",")}
    assert {"MO", "TU", "WE", "TH", "FR", "SA"} <= days


def test_oakleigh_is_a_spoke_of_a_main_hub(seeded: Session) -> None:
    hubs = {hub.name: hub for hub in _hubs(seeded)}
    main_hub_id = hubs["Oakleigh"].main_hub_id
    assert main_hub_id is not None
    main = seeded.get_one(Location, main_hub_id)
    assert main.is_family_hub and main.main_hub_id is None


def test_hubs_are_in_one_town_with_fictional_postcodes(seeded: Session) -> None:
    for hub in _hubs(seeded):
        assert hub.latitude is not None and hub.longitude is not None
        assert _km(53.70, -1.95, hub.latitude, hub.longitude) < 6, hub.name
        assert re.fullmatch(r"CK\d{1,2} \d[ABD-HJLNP-UW-Z]{2}", hub.postal_code), hub.name


def test_every_hub_postcode_is_in_the_postcode_table_in_its_ward(seeded: Session) -> None:
    for hub in seeded.scalars(select(Location)):
        row = seeded.get(Postcode, hub.postal_code)
        assert row is not None, hub.name
        assert row.pcd_compact == hub.postal_code.replace(" ", "")
        assert row.ward == hub.area, hub.name
        assert hub.latitude is not None and hub.longitude is not None
        assert _km(row.latitude, row.longitude, hub.latitude, hub.longitude) < 0.1


def test_postcodes_are_fictional_and_spread_over_the_areas(seeded: Session) -> None:
    rows = seeded.scalars(select(Postcode)).all()
    assert 40 <= len(rows) <= 60
    areas = {hub.area for hub in _hubs(seeded)}
    assert areas <= {row.ward for row in rows}
    for row in rows:
        assert row.pcds.startswith("CK") and row.pcds == row.pcds.upper()
        assert row.lsoa and row.imd_rank and 1 <= row.imd_rank <= 32844
        assert _km(53.70, -1.95, row.latitude, row.longitude) < 6, row.pcds


def test_postcode_csv_has_the_onspd_columns() -> None:
    header = (DATA_DIR / "postcodes.csv").read_text(encoding="utf-8").splitlines()[0]
    required = {
        *("pcd", "pcd2", "pcds", "dointr", "doterm", "oscty", "oslaua", "osward", "usertype"),
        *("oseast1m", "osnrth1m", "osgrdind", "ctry", "rgn", "pcon", "lsoa21", "msoa21"),
        *("lat", "long", "imd"),
    }
    assert required <= set(header.split(","))


def test_bank_holidays_and_christmas_are_closures_for_every_hub(seeded: Session) -> None:
    everywhere = seeded.scalars(select(Closure).where(Closure.location_id.is_(None))).all()
    closed = {
        closure.start_date + dt.timedelta(days=offset)
        for closure in everywhere
        for offset in range((closure.end_date - closure.start_date).days + 1)
    }
    single_days = {c.start_date for c in everywhere if c.start_date == c.end_date}
    for day in (dt.date(2026, 12, 25), dt.date(2026, 8, 31), dt.date(2027, 3, 26)):
        assert day in single_days
    for year in (2026, 2027):
        assert _england_bank_holidays(year) <= single_days, year
    assert {dt.date(2026, 12, 24) + dt.timedelta(days=n) for n in range(9)} <= closed
    assert seeded.scalars(select(Closure).where(Closure.location_id.is_not(None))).all()


# ------------------------------------------------------------------ safe and consistent


def test_every_phone_number_is_an_ofcom_drama_number(seeded: Session) -> None:
    numbers = [
        *(p.number for p in seeded.scalars(select(Phone))),
        *(o.phone for o in seeded.scalars(select(Organization)) if o.phone),
        *(loc.phone for loc in seeded.scalars(select(Location)) if loc.phone),
    ]
    numbers += [m for text in _all_text(seeded) for m in PHONE_IN_TEXT.findall(text)]
    assert len(numbers) > 100
    for number in numbers:
        digits = re.sub(r"\D", "", number)
        assert len(digits) == 11 and digits.startswith(DRAMA_PREFIXES), number


def test_every_web_and_email_address_uses_an_example_domain(seeded: Session) -> None:
    texts = _all_text(seeded)
    hosts = [h for text in texts for h in URL_IN_TEXT.findall(text)]
    hosts += [h for text in texts for h in EMAIL_IN_TEXT.findall(text)]
    assert len(hosts) > 100
    for host in hosts:
        assert "example" in host.lower().split("."), host


def test_everything_says_it_is_fictional(seeded: Session) -> None:
    council = seeded.scalars(
        select(Organization).where(Organization.name == "Calderbrook Borough Council")
    ).one()
    assert "FICTIONAL" in council.description
    for org in seeded.scalars(select(Organization)):
        assert "fictional" in org.description.lower(), org.name
    for path in [*DATA_DIR.glob("*.yml"), *(DATA_DIR / "services").glob("*.yml")]:
        assert yaml.safe_load(path.read_text(encoding="utf-8"))["fictional"] is True, path
        assert "FICTIONAL" in path.read_text(encoding="utf-8").splitlines()[0], path


def test_sessions_use_the_fixed_kinds_and_valid_rfc5545_rules(seeded: Session) -> None:
    vocabulary = yaml.safe_load((DATA_DIR / "vocabulary.yml").read_text(encoding="utf-8"))
    kinds = set(vocabulary["session_kinds"])
    byday = re.compile(r"^([+-]?[1-5])?(MO|TU|WE|TH|FR|SA|SU)$")
    used = set()
    for schedule in seeded.scalars(select(Schedule)):
        assert schedule.opens_at < schedule.closes_at, schedule.id
        assert schedule.freq in ("WEEKLY", "MONTHLY") and schedule.interval >= 1
        days = (schedule.byday or "").split(",")
        for day in days:
            match = byday.match(day)
            assert match, schedule.byday
            assert (match[1] is not None) == (schedule.freq == "MONTHLY"), schedule.byday
        if schedule.interval > 1:
            assert schedule.dtstart is not None
        if schedule.valid_from and schedule.valid_to:
            assert schedule.valid_from <= schedule.valid_to
        if schedule.service_at_location_id is None:
            assert schedule.location_id is not None and schedule.session_kind is None
        else:
            assert schedule.location_id is None
            assert schedule.session_kind in kinds, schedule.session_kind
            used.add(schedule.session_kind)
    for example in (
        "stay_and_play",
        "breastfeeding",
        "weigh_in",
        "dads_group",
        "send_group",
        "chat_play_read",
        "parenting_course",
        "registration",
        "youth_club",
        "advice_drop_in",
        "holiday_activities",
    ):
        assert example in used, example


def test_sessions_fall_within_their_hubs_opening_hours(seeded: Session) -> None:
    for sal in seeded.scalars(select(ServiceAtLocation)):
        hours = seeded.scalars(
            select(Schedule).where(
                Schedule.location_id == sal.location_id,
                Schedule.service_at_location_id.is_(None),
            )
        ).all()
        for schedule in sal.schedules:
            for day in (schedule.byday or "").split(","):
                open_rows = [h for h in hours if day[-2:] in (h.byday or "").split(",")]
                where = (sal.service.name, sal.location.name, day)
                assert open_rows, where
                assert any(
                    h.opens_at <= schedule.opens_at and schedule.closes_at <= h.closes_at
                    for h in open_rows
                ), where


def test_the_design_examples_are_there(seeded: Session) -> None:
    sessions = _sessions(seeded)
    assert any(s.session_kind == "dads_group" and "SA" in (s.byday or "") for s in sessions)
    assert any(s.session_kind == "registration" and s.freq == "MONTHLY" for s in sessions)
    assert any(s.session_kind == "youth_club" and s.opens_at == dt.time(15, 30) for s in sessions)
    quiet = {s.byday: s.booking_required for s in sessions if s.session_kind == "send_group"}
    assert quiet.get("MO") is True and quiet.get("FR") is False
    haf = [s for s in sessions if s.session_kind == "holiday_activities"]
    assert any(
        s.valid_from and s.valid_to and 25 <= (s.valid_to - s.valid_from).days <= 28 for s in haf
    )
    names = {service.name for service in seeded.scalars(select(Service))}
    for expected in ("Chat Play Read", "Waiting Well", "Dad Matters", "Freedom Programme"):
        assert expected in names


def test_service_languages_are_supported_languages(seeded: Session) -> None:
    contract = yaml.safe_load((REPO_ROOT / "data" / "intents.yml").read_text(encoding="utf-8"))
    codes = {language.code for language in seeded.scalars(select(Language))}
    assert codes <= set(contract["languages"])
    assert len(codes) >= 8


def test_pregnancy_services_are_marked(seeded: Session) -> None:
    pregnancy = seeded.scalars(
        select(Service)
        .join(ServiceTaxonomy, ServiceTaxonomy.service_id == Service.id)
        .join(TaxonomyTerm, TaxonomyTerm.id == ServiceTaxonomy.taxonomy_term_id)
        .where(TaxonomyTerm.code == "pregnancy")
    ).all()
    assert sum(service.for_pregnancy for service in pregnancy) >= 5


def test_paid_services_have_cost_options(seeded: Session) -> None:
    paid = seeded.scalars(select(Service).where(Service.is_free.is_(False))).all()
    assert paid
    for service in paid:
        assert service.cost_options and service.fees_description, service.name


# ------------------------------------------------------------------ idempotent


def test_seeding_twice_changes_nothing(session: Session) -> None:
    load_sample(session)
    session.commit()
    before = _counts(session)
    load_sample(session)
    session.commit()
    assert _counts(session) == before


def test_reseeding_applies_edits_and_drops_removed_sessions(
    session: Session, tmp_path: Path
) -> None:
    data_dir = tmp_path / "sample_data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    load_sample(session, data_dir)
    session.commit()
    before = _counts(session)

    path = data_dir / "services" / "03_parenting_relationships_and_dads.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    stay = next(item for item in data["services"] if item["key"] == "stay-and-play")
    stay["description"] = "Edited by hub staff. " + stay["description"]
    stay["at"]["millbrook"] = stay["at"]["millbrook"][:1]
    stay["languages"] = ["en"]
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_sample(session, data_dir)
    session.commit()
    session.expire_all()

    service = session.scalars(select(Service).where(Service.name == "Stay and play")).one()
    assert service.description.startswith("Edited by hub staff.")
    after = _counts(session)
    assert after["schedule"] == before["schedule"] - 1
    assert after["language"] == before["language"] - 2
    assert {k: v for k, v in after.items() if k not in ("schedule", "language")} == {
        k: v for k, v in before.items() if k not in ("schedule", "language")
    }


def test_seed_commits_to_a_database_url_and_reports(database_url: str, session: Session) -> None:
    first = seed(database_url)
    assert first == seed(database_url)
    assert first.startswith("Seeded 8 hubs, ")
    assert len(_hubs(session)) == 8


# ------------------------------------------------------------------ the parsers staff rely on


def test_parsers_accept_the_documented_forms() -> None:
    assert parse_ages("0-3 years") == (0, 47)
    assert parse_ages("6-18 months") == (6, 18)
    assert parse_byday("mo, we", monthly=False) == "MO,WE"
    assert parse_byday("1TH", monthly=True) == "1TH"
    assert parse_every("2 weeks") == ("WEEKLY", 2)
    assert parse_every("month") == ("MONTHLY", 1)
    assert parse_time_range("9:30-11:00") == (dt.time(9, 30), dt.time(11))
    assert set(RFC5545_DAYS) == {"MO", "TU", "WE", "TH", "FR", "SA", "SU"}


@pytest.mark.parametrize(
    ("parse", "value"),
    [
        (parse_ages, "3-0 years"),
        (parse_ages, "toddlers"),
        (lambda v: parse_byday(v, monthly=False), "1TU"),
        (lambda v: parse_byday(v, monthly=True), "Tuesday"),
        (parse_time_range, "11:00-09:30"),
        (parse_time_range, "09:30-25:00"),
        (parse_every, "fortnightly"),
    ],
)
def test_parsers_reject_mistakes_with_a_clear_error(
    parse: Callable[[str], object], value: str
) -> None:
    with pytest.raises(SampleDataError):
        parse(value)


def test_a_mistake_in_a_file_names_the_service(session: Session, tmp_path: Path) -> None:
    data_dir = tmp_path / "sample_data"
    shutil.copytree(DATA_DIR, data_dir, ignore=shutil.ignore_patterns("*.py", "__pycache__"))
    path = data_dir / "services" / "01_pregnancy_and_babies.yml"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{day: WE, time: ", "{day: WEDS, time: ", 1),
        encoding="utf-8",
    )
    with pytest.raises(
        SampleDataError, match=r"breastfeeding-drop-in: hollins-park session #1: day 'WEDS'"
    ):
        load_sample(session, data_dir)


@pytest.mark.postgres
def test_seeding_postgresql_twice_gives_the_same_rows() -> None:
    url = postgres_url_or_skip()
    reset_postgres(url)
    migrate(url)
    first = seed(url)
    assert first == seed(url)
    engine = make_engine(url)
    with sessionmaker(bind=engine)() as session:
        counts = _counts(session)
        assert len(_hubs(session)) == 8
    engine.dispose()
    assert counts["schedule"] > 90 and counts["postcode"] >= 40
