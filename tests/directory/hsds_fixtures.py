"""A small, realistic (and fictional) directory for the HSDS import/export and API tests.

Two organisations, three topics (one a child of another), four places (a main hub with a
spoke, a second hub and a town hall that is not a hub), five services with phones, contacts,
languages, costs, weekly/fortnightly/monthly sessions, hub opening hours, closures, a
translation and a few postcodes.
"""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

from sqlalchemy.orm import Session

from directory.models import (
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
    TaxonomyTerm,
    Translation,
)

_NS = uuid.UUID("5d3c8a41-0a6e-4f0e-b7f6-2f1a9c7d1e00")


def fid(kind: str, slug: str) -> str:
    """The fixture's id for a record (a uuid, as HSDS requires)."""
    return str(uuid.uuid5(_NS, f"{kind}:{slug}"))


COUNCIL = fid("org", "council")
NHS = fid("org", "nhs")
T_FEEDING = fid("term", "infant_feeding")
T_PARENTING = fid("term", "parenting_support")
T_DADS = fid("term", "dads_support")
CENTRAL = fid("loc", "central")
MILLBROOK = fid("loc", "millbrook")
OAKLEIGH = fid("loc", "oakleigh")
TOWN_HALL = fid("loc", "town-hall")
S_BREASTFEEDING = fid("service", "breastfeeding")
S_STAY_PLAY = fid("service", "stay-play")
S_DADS = fid("service", "dads")
S_COURSE = fid("service", "course")
S_REGISTRATION = fid("service", "registration")

SERVICE_IDS = [S_BREASTFEEDING, S_STAY_PLAY, S_DADS, S_COURSE, S_REGISTRATION]


def _time(text: str) -> dt.time:
    return dt.time.fromisoformat(text)


def _session(sal: ServiceAtLocation, slug: str, **kwargs: object) -> Schedule:
    fields: dict[str, object] = {"freq": "WEEKLY", "interval": 1} | kwargs
    fields["opens_at"] = _time(str(fields["opens_at"]))
    fields["closes_at"] = _time(str(fields["closes_at"]))
    schedule = Schedule(id=fid("schedule", slug), **fields)
    sal.schedules.append(schedule)
    return schedule


def _place(service: Service, location_id: str, slug: str) -> ServiceAtLocation:
    sal = ServiceAtLocation(id=fid("sal", slug), location_id=location_id, description="")
    service.service_at_locations.append(sal)
    return sal


def build_directory(session: Session) -> None:
    """Add the fixture directory to `session` and commit."""
    council = Organization(
        id=COUNCIL,
        name="Calderbrook Borough Council",
        description="FICTIONAL. Runs the Family Hubs.",
        email="familyhubs@calderbrook.example.gov.uk",
        website="https://www.calderbrook.example.gov.uk/familyhubs",
        phone="01632 960000",
    )
    nhs = Organization(
        id=NHS,
        name="NHS Calderbrook Health Visiting",
        description="FICTIONAL. Health visitors and infant feeding team.",
    )
    session.add_all([council, nhs])

    parenting = TaxonomyTerm(
        id=T_PARENTING, code="parenting_support", name="Behaviour, sleep and parenting"
    )
    feeding = TaxonomyTerm(
        id=T_FEEDING,
        code="infant_feeding",
        name="Feeding your baby",
        description="Breast and bottle feeding",
    )
    dads = TaxonomyTerm(
        id=T_DADS, code="dads_support", name="Support for dads", parent_id=T_PARENTING
    )
    session.add_all([parenting, feeding, dads])
    session.flush()

    central = Location(
        id=CENTRAL,
        organization_id=COUNCIL,
        name="Calderbrook Central",
        alternate_name="Calderbrook Central Family Hub",
        description="Ground floor of the Central Library.",
        is_family_hub=True,
        address_1="Central Library, 12 Market Street",
        city="Calderbrook",
        area="Town Centre",
        postal_code="CK1 1LB",
        latitude=53.70021,
        longitude=-1.94962,
        phone="01632 960001",
        email="central.hub@calderbrook.example.gov.uk",
        accessibility="Step-free entrance, accessible toilet, baby change.",
        transport="Bus station 2 minutes' walk.",
    )
    millbrook = Location(
        id=MILLBROOK,
        organization_id=COUNCIL,
        name="Millbrook Family Hub",
        is_family_hub=True,
        address_1="Millbrook Children's Centre, Brook Lane",
        city="Calderbrook",
        area="Millbrook",
        postal_code="CK2 3MB",
        latitude=53.72000,
        longitude=-1.90000,
    )
    oakleigh = Location(
        id=OAKLEIGH,
        organization_id=COUNCIL,
        name="Oakleigh (GP surgery spoke)",
        is_family_hub=True,
        main_hub_id=CENTRAL,
        address_1="Oakleigh Surgery, 3 Oak Road",
        city="Calderbrook",
        postal_code="CK4 9OA",
        latitude=53.65000,
        longitude=-2.05000,
    )
    town_hall = Location(
        id=TOWN_HALL,
        name="Calderbrook Town Hall",
        address_1="Town Hall Square",
        city="Calderbrook",
        postal_code="CK1 1TH",
    )
    session.add_all([central, millbrook, oakleigh, town_hall])
    session.flush()

    for day, opens, closes in (("MO,TU,WE,TH,FR", "09:00", "17:00"), ("SA", "10:00", "13:00")):
        session.add(
            Schedule(
                id=fid("hours", f"central-{day}"),
                location_id=CENTRAL,
                byday=day,
                opens_at=_time(opens),
                closes_at=_time(closes),
            )
        )
    session.add(
        Schedule(
            id=fid("hours", "millbrook"),
            location_id=MILLBROOK,
            byday="MO,WE,FR",
            opens_at=_time("08:30"),
            closes_at=_time("16:30"),
        )
    )

    breastfeeding = Service(
        id=S_BREASTFEEDING,
        organization_id=NHS,
        name="Breastfeeding drop-in",
        description="Friendly help with feeding from the infant feeding team.",
        how_to_access="Just come along.",
        eligibility_description="Anyone feeding a baby, and pregnant parents.",
        minimum_age_months=0,
        maximum_age_months=18,
        for_pregnancy=True,
        url="https://www.calderbrook-nhs.example/feeding",
    )
    breastfeeding.taxonomy_terms = [feeding]
    breastfeeding.phones = [
        Phone(id=fid("phone", "bf"), number="01632 960200", description="Infant feeding team")
    ]
    breastfeeding.languages = [
        Language(id=fid("lang", "bf-en"), code="en", name="English"),
        Language(id=fid("lang", "bf-pl"), code="pl", name="Polish", note="Tuesdays only"),
    ]
    sal = _place(breastfeeding, CENTRAL, "bf-central")
    _session(sal, "bf-central-tue", byday="TU", opens_at="10:00", closes_at="11:30")
    sal = _place(breastfeeding, OAKLEIGH, "bf-oakleigh")
    _session(
        sal,
        "bf-oakleigh-monthly",
        freq="MONTHLY",
        byday="1TH",
        opens_at="13:30",
        closes_at="15:00",
        name="Feeding clinic",
        notes="Weigh-ins too",
    )

    stay_play = Service(
        id=S_STAY_PLAY,
        organization_id=COUNCIL,
        name="Stay and Play",
        description="Play, songs and a cuppa for under-5s and their grown-ups.",
        minimum_age_months=0,
        maximum_age_months=60,
        email="central.hub@calderbrook.example.gov.uk",
    )
    stay_play.taxonomy_terms = [parenting]
    stay_play.contacts = [
        Contact(id=fid("contact", "sp"), name="Amira Shah", title="Family Hub worker")
    ]
    for hub, day in ((CENTRAL, "MO,WE"), (MILLBROOK, "TU")):
        sal = _place(stay_play, hub, f"sp-{hub}")
        _session(
            sal,
            f"sp-{hub}",
            byday=day,
            opens_at="09:30",
            closes_at="11:00",
            session_kind="stay_and_play",
            valid_from=dt.date(2026, 1, 5),
            valid_to=dt.date(2026, 12, 18),
        )

    dads_group = Service(
        id=S_DADS,
        organization_id=COUNCIL,
        name="Dads' Saturday group",
        description="Dads, granddads and male carers with their children.",
        maximum_age_months=96,
    )
    dads_group.taxonomy_terms = [dads, parenting]
    sal = _place(dads_group, MILLBROOK, "dads-millbrook")
    _session(
        sal,
        "dads-fortnightly",
        byday="SA",
        interval=2,
        dtstart=dt.date(2026, 1, 10),
        opens_at="10:00",
        closes_at="12:00",
    )

    course = Service(
        id=S_COURSE,
        organization_id=COUNCIL,
        name="Incredible Years parenting course",
        description="A 14-week course for parents of children aged 3 to 6.",
        minimum_age_months=36,
        maximum_age_months=78,
        is_free=False,
        fees_description="£20 for the course; free with a referral.",
        how_to_access="Book through your hub.",
    )
    course.taxonomy_terms = [parenting]
    course.cost_options = [
        CostOption(
            id=fid("cost", "course"),
            option="Whole course",
            amount=Decimal("20.00"),
            amount_description="Free with a referral",
        )
    ]
    sal = _place(course, CENTRAL, "course-central")
    _session(
        sal,
        "course-thu",
        byday="TH",
        opens_at="18:00",
        closes_at="20:00",
        booking_required=True,
    )

    registration = Service(
        id=S_REGISTRATION,
        organization_id=COUNCIL,
        name="Birth registration",
        description="Register your baby's birth.",
        status="temporarily closed",
        how_to_access="Book an appointment online.",
    )
    sal = _place(registration, TOWN_HALL, "reg-townhall")
    _session(
        sal,
        "reg-monthly",
        freq="MONTHLY",
        byday="-1FR",
        opens_at="09:15",
        closes_at="12:45",
        booking_required=True,
    )
    session.add_all([breastfeeding, stay_play, dads_group, course, registration])

    session.add_all(
        [
            Closure(
                id=fid("closure", "christmas"),
                start_date=dt.date(2026, 12, 24),
                end_date=dt.date(2027, 1, 1),
                reason="Christmas and New Year",
            ),
            Closure(
                id=fid("closure", "central-training"),
                location_id=CENTRAL,
                start_date=dt.date(2026, 3, 9),
                end_date=dt.date(2026, 3, 9),
                reason="Staff training day",
            ),
        ]
    )
    session.add(
        Translation(
            entity_type="service",
            entity_id=S_STAY_PLAY,
            field="name",
            language="pl",
            text="Zabawa z dziećmi",
        )
    )
    session.add_all(
        [
            Postcode(pcds="CK1 1LB", pcd_compact="CK11LB", latitude=53.7001, longitude=-1.9497),
            Postcode(pcds="CK2 3MB", pcd_compact="CK23MB", latitude=53.7199, longitude=-1.9001),
        ]
    )
    session.commit()
