"""Composition root of the `web` process: one FastAPI app mounting every area's router.

Run with `uvicorn channels.web:create_app --factory`.
"""

from __future__ import annotations

from fastapi import FastAPI

from channels import health
from directory import api as directory_api
from directory.core.logging import configure_logging


def create_app() -> FastAPI:
    """Build the web app (no side effects at import; called by uvicorn's --factory)."""
    configure_logging()
    app = FastAPI(
        title="Family Hubs Front Door",
        description=(
            "Public directory API (Open Referral UK / HSDS 3.0 shaped), search, "
            "hub timetables and health. Sample data is fictional (Calderbrook Borough Council)."
        ),
        version="0.1.0",
    )
    app.include_router(health.router)
    directory_api.mount(app)
    return app
