"""The public directory API in the Open Referral (HSDS 3.0 / Open Referral UK) shape.

Paths and query parameters follow HSDS 3.0's openapi.json: lists are "Page" objects
(`total_items`, `total_pages`, `page_number` from 1, `size`, `first_page`, `last_page`,
`empty`, `contents`); list items carry one-to-one fields unless `full=true`; single records
are fully nested. Records are serialised by `directory.hsds`, so the API and the JSON export
agree. Unknown query parameters and absurd values get a 422 that says what is wrong.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, HTTPException, Path, Query
from pydantic import BaseModel
from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import Session, selectinload

from directory import hsds
from directory.api.deps import SessionDep, only_params
from directory.models import (
    Location,
    Organization,
    Service,
    ServiceAtLocation,
    TaxonomyTerm,
)

router = APIRouter(tags=["Open Referral (HSDS 3.0)"])

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 50
MAX_PROXIMITY_M = 200_000

Search = Annotated[
    str | None, Query(max_length=200, description="Words to look for in names and descriptions.")
]
PageNo = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1.")]
PerPage = Annotated[
    int, Query(ge=1, le=MAX_PER_PAGE, description=f"Results per page (1-{MAX_PER_PAGE}).")
]
Full = Annotated[bool, Query(description="Return fully nested records.")]
Format = Annotated[Literal["json"], Query(description="Only `json` is offered.")]
TermId = Annotated[
    str | None, Query(max_length=100, description="Only records linked to this taxonomy term.")
]
OrgId = Annotated[
    str | None, Query(max_length=100, description="Only services of this organization.")
]
RecordId = Annotated[str, Path(max_length=100)]

_PAGED = ("page", "per_page", "format")


class Page(BaseModel):
    """A page of results (HSDS 3.0 openapi `Page`)."""

    total_items: int
    total_pages: int
    page_number: int
    size: int
    first_page: bool
    last_page: bool
    empty: bool
    contents: list[dict[str, Any]]


def make_page(contents: list[dict[str, Any]], total: int, page: int, per_page: int) -> Page:
    """Wrap one page of `contents` with the counts HSDS clients page by."""
    total_pages = math.ceil(total / per_page)
    return Page(
        total_items=total,
        total_pages=total_pages,
        page_number=page,
        size=len(contents),
        first_page=page == 1,
        last_page=page >= total_pages,
        empty=not contents,
        contents=contents,
    )


def _like(text: str) -> str:
    escaped = text.strip().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _service_filters(
    search: str | None,
    taxonomy_term_id: str | None,
    organization_id: str | None,
    modified_after: dt.datetime | None = None,
) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if search and search.strip():
        pattern = _like(search)
        conditions.append(
            or_(
                Service.name.ilike(pattern, escape="\\"),
                Service.alternate_name.ilike(pattern, escape="\\"),
                Service.description.ilike(pattern, escape="\\"),
                Service.taxonomy_terms.any(TaxonomyTerm.name.ilike(pattern, escape="\\")),
            )
        )
    if taxonomy_term_id:
        conditions.append(Service.taxonomy_terms.any(TaxonomyTerm.id == taxonomy_term_id))
    if organization_id:
        conditions.append(Service.organization_id == organization_id)
    if modified_after is not None:
        conditions.append(Service.updated_at >= modified_after)
    return conditions


def _count(session: Session, stmt: Select[Any]) -> int:
    return session.scalar(select(func.count()).select_from(stmt.order_by(None).subquery())) or 0


def _not_found(kind: str, ident: str) -> HTTPException:
    return HTTPException(status_code=404, detail=f"No {kind} with id '{ident}'.")


# --------------------------------------------------------------------------- services


@router.get(
    "/services",
    response_model=Page,
    summary="List services",
    dependencies=[
        Depends(
            only_params(
                "search", "taxonomy_term_id", "organization_id", "modified_after", "full", *_PAGED
            )
        )
    ],
)
def list_services(
    session: SessionDep,
    search: Search = None,
    taxonomy_term_id: TermId = None,
    organization_id: OrgId = None,
    modified_after: Annotated[
        dt.datetime | None, Query(description="Only services changed at or after this time.")
    ] = None,
    full: Full = False,
    page: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
) -> Page:
    """Services, by name; one-to-one fields, or fully nested with `full=true`."""
    if modified_after is not None:
        if modified_after.tzinfo is None:
            modified_after = modified_after.replace(tzinfo=dt.UTC)
        if session.get_bind().dialect.name == "sqlite":  # SQLite keeps naive UTC text
            modified_after = modified_after.astimezone(dt.UTC).replace(tzinfo=None)
    stmt = select(Service).where(
        *_service_filters(search, taxonomy_term_id, organization_id, modified_after)
    )
    total = _count(session, stmt)
    options = hsds.service_load_options() if full else [selectinload(Service.organization)]
    services = session.scalars(
        stmt.options(*options)
        .order_by(Service.name, Service.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    if full:
        hours = hsds.location_hours(
            session, (sal.location_id for s in services for sal in s.service_at_locations)
        )
        contents = [hsds.serialize_service(s, hours) for s in services]
    else:
        contents = [hsds.service_fields(s) for s in services]
    return make_page(contents, total, page, per_page)


@router.get(
    "/services/{id}",
    summary="One service, fully nested",
    dependencies=[Depends(only_params())],
)
def get_service(id: RecordId, session: SessionDep) -> dict[str, Any]:
    """A service with its organization, places, sessions, contacts and topics."""
    service = session.scalars(
        select(Service).where(Service.id == id).options(*hsds.service_load_options())
    ).first()
    if service is None:
        raise _not_found("service", id)
    hours = hsds.location_hours(session, (sal.location_id for sal in service.service_at_locations))
    return hsds.serialize_service(service, hours)


# --------------------------------------------------------------------------- service_at_locations


def _sal_options() -> list[Any]:
    service = selectinload(ServiceAtLocation.service)
    return [
        selectinload(ServiceAtLocation.location),
        selectinload(ServiceAtLocation.schedules),
        service.selectinload(Service.organization),
    ]


def _sal_contents(
    session: Session, sals: Sequence[ServiceAtLocation], full: bool
) -> list[dict[str, Any]]:
    if full:
        hours = hsds.location_hours(session, (sal.location_id for sal in sals))
        return [hsds.serialize_service_at_location(sal, hours, with_service=True) for sal in sals]
    return [
        {
            "id": sal.id,
            "service_id": sal.service_id,
            "location_id": sal.location_id,
            "description": sal.description or "",
            "location": hsds.serialize_location(sal.location),
            "service": hsds.service_fields(sal.service),
        }
        for sal in sals
    ]


def _point_of(session: Session, postcode: str) -> Any:
    """Where a postcode is, or a 422 that says why not."""
    from directory import geo  # the search layer's postcode table

    point = geo.lookup_postcode(session, postcode)
    if point is not None:
        return point
    if geo.normalise_postcode(postcode) is None:
        raise HTTPException(
            status_code=422,
            detail=f"'{postcode}' is not a UK postcode. Give a full postcode such as 'CK1 1LB'.",
        )
    raise HTTPException(
        status_code=422, detail=f"Postcode '{postcode}' is not in our postcode table."
    )


@router.get(
    "/service_at_locations",
    response_model=Page,
    summary="List services at their places (nearest first with a postcode)",
    dependencies=[
        Depends(
            only_params(
                "search",
                "taxonomy_term_id",
                "organization_id",
                "postcode",
                "proximity",
                "full",
                *_PAGED,
            )
        )
    ],
)
def list_service_at_locations(
    session: SessionDep,
    search: Search = None,
    taxonomy_term_id: TermId = None,
    organization_id: OrgId = None,
    postcode: Annotated[
        str | None, Query(max_length=20, description="Sort by distance from this postcode.")
    ] = None,
    proximity: Annotated[
        float | None,
        Query(
            gt=0,
            le=MAX_PROXIMITY_M,
            description="Only places within this many metres of the postcode.",
        ),
    ] = None,
    full: Full = False,
    page: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
) -> Page:
    """Services at places; with `postcode`, nearest first and with `x_distance_m`."""
    if proximity is not None and not postcode:
        raise HTTPException(
            status_code=422, detail="'proximity' needs a 'postcode' to measure from."
        )
    conditions = _service_filters(search, taxonomy_term_id, organization_id)
    base = (
        select(ServiceAtLocation.id)
        .join(ServiceAtLocation.service)
        .join(ServiceAtLocation.location)
        .where(*conditions)
    )
    distances: dict[str, float] = {}
    if postcode:
        from directory import geo

        centre = _point_of(session, postcode)
        stmt = base.add_columns(Location.latitude, Location.longitude, Service.name)
        if proximity is not None:
            # A cheap box around the circle first; the exact distance is checked below.
            dlat = proximity / 111_000
            dlon = proximity / (111_000 * max(math.cos(math.radians(centre.lat)), 0.01))
            stmt = stmt.where(
                Location.latitude.between(centre.lat - dlat, centre.lat + dlat),
                Location.longitude.between(centre.lon - dlon, centre.lon + dlon),
            )
        ranked = []
        for sal_id, lat, lon, name in session.execute(stmt):
            if lat is None or lon is None:
                if proximity is None:  # places without coordinates go last
                    ranked.append((math.inf, name, sal_id))
                continue
            metres = geo.haversine_km(centre, geo.Point(lat, lon)) * 1000
            if proximity is None or metres <= proximity:
                distances[sal_id] = metres
                ranked.append((metres, name, sal_id))
        ranked.sort()
        total = len(ranked)
        ids = [sal_id for _, _, sal_id in ranked[(page - 1) * per_page : page * per_page]]
        found = {
            sal.id: sal
            for sal in session.scalars(
                select(ServiceAtLocation)
                .where(ServiceAtLocation.id.in_(ids))
                .options(*_sal_options())
            )
        }
        sals: Sequence[ServiceAtLocation] = [found[i] for i in ids]
    else:
        total = _count(session, base)
        sals = session.scalars(
            select(ServiceAtLocation)
            .join(ServiceAtLocation.service)
            .join(ServiceAtLocation.location)
            .where(*conditions)
            .options(*_sal_options())
            .order_by(Service.name, Location.name, ServiceAtLocation.id)
            .offset((page - 1) * per_page)
            .limit(per_page)
        ).all()
    contents = _sal_contents(session, sals, full)
    if postcode:
        for item in contents:
            if item["id"] in distances:
                item["x_distance_m"] = round(distances[item["id"]])
    return make_page(contents, total, page, per_page)


@router.get(
    "/service_at_locations/{id}",
    summary="One service at one place, fully nested",
    dependencies=[Depends(only_params())],
)
def get_service_at_location(id: RecordId, session: SessionDep) -> dict[str, Any]:
    """The service at this place with its sessions, the place's opening hours and topics."""
    sal = session.scalars(
        select(ServiceAtLocation).where(ServiceAtLocation.id == id).options(*_sal_options())
    ).first()
    if sal is None:
        raise _not_found("service_at_location", id)
    return _sal_contents(session, [sal], full=True)[0]


# --------------------------------------------------------------------------- organizations


@router.get(
    "/organizations",
    response_model=Page,
    summary="List organizations",
    dependencies=[Depends(only_params("search", *_PAGED))],
)
def list_organizations(
    session: SessionDep,
    search: Search = None,
    page: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
) -> Page:
    """Organizations that provide services, by name."""
    stmt = select(Organization)
    if search and search.strip():
        pattern = _like(search)
        stmt = stmt.where(
            or_(
                Organization.name.ilike(pattern, escape="\\"),
                Organization.description.ilike(pattern, escape="\\"),
            )
        )
    total = _count(session, stmt)
    orgs = session.scalars(
        stmt.order_by(Organization.name, Organization.id)
        .offset((page - 1) * per_page)
        .limit(per_page)
    ).all()
    return make_page([hsds.serialize_organization(o) for o in orgs], total, page, per_page)


@router.get(
    "/organizations/{id}",
    summary="One organization with its services",
    dependencies=[Depends(only_params())],
)
def get_organization(id: RecordId, session: SessionDep) -> dict[str, Any]:
    """An organization and the services it provides (their one-to-one fields)."""
    org = session.get(Organization, id)
    if org is None:
        raise _not_found("organization", id)
    services = session.scalars(
        select(Service).where(Service.organization_id == id).order_by(Service.name, Service.id)
    ).all()
    result = hsds.serialize_organization(org)
    result["services"] = [
        {k: v for k, v in hsds.service_fields(s).items() if k != "organization"} for s in services
    ]
    return result


# --------------------------------------------------------------------------- taxonomy terms


@router.get(
    "/taxonomy_terms",
    response_model=Page,
    summary="List taxonomy terms (the directory's topics)",
    dependencies=[Depends(only_params("search", "vocabulary", "parent_id", "top_only", *_PAGED))],
)
def list_taxonomy_terms(
    session: SessionDep,
    search: Search = None,
    vocabulary: Annotated[
        str | None, Query(max_length=100, description="Only terms of this vocabulary.")
    ] = None,
    parent_id: Annotated[
        str | None, Query(max_length=100, description="Only children of this term.")
    ] = None,
    top_only: Annotated[bool, Query(description="Only terms without a parent.")] = False,
    page: PageNo = 1,
    per_page: PerPage = DEFAULT_PER_PAGE,
    format: Format = "json",
) -> Page:
    """Taxonomy terms, by code."""
    stmt = select(TaxonomyTerm)
    if search and search.strip():
        pattern = _like(search)
        stmt = stmt.where(
            or_(
                TaxonomyTerm.name.ilike(pattern, escape="\\"),
                TaxonomyTerm.code.ilike(pattern, escape="\\"),
                TaxonomyTerm.description.ilike(pattern, escape="\\"),
            )
        )
    if vocabulary:
        stmt = stmt.where(TaxonomyTerm.vocabulary == vocabulary)
    if parent_id:
        stmt = stmt.where(TaxonomyTerm.parent_id == parent_id)
    if top_only:
        stmt = stmt.where(TaxonomyTerm.parent_id.is_(None))
    total = _count(session, stmt)
    terms = session.scalars(
        stmt.order_by(TaxonomyTerm.code).offset((page - 1) * per_page).limit(per_page)
    ).all()
    return make_page([hsds.serialize_taxonomy_term(t) for t in terms], total, page, per_page)


@router.get(
    "/taxonomy_terms/{id}",
    summary="One taxonomy term",
    dependencies=[Depends(only_params())],
)
def get_taxonomy_term(id: RecordId, session: SessionDep) -> dict[str, Any]:
    """A taxonomy term."""
    term = session.get(TaxonomyTerm, id)
    if term is None:
        raise _not_found("taxonomy term", id)
    return hsds.serialize_taxonomy_term(term)
