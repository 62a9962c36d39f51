"""The directory's HTTP API: HSDS-shaped public endpoints, search and hub timetables."""

from __future__ import annotations

from fastapi import FastAPI


def mount(app: FastAPI) -> None:
    """Include every directory router in the web app."""
    from directory.api import routes  # routers import the service layer

    for router in routes.ROUTERS:
        app.include_router(router)
