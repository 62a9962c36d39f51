"""Composition root of the `web` process: one FastAPI app mounting every area's router.

Run with `uvicorn channels.web:create_app --factory`.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from channels import health, language, safeguarding
from channels.pipeline import Gate
from channels.rasa_client import RasaClient
from channels.telegram import webhook as telegram_webhook
from channels.webchat import api as webchat_api
from channels.webchat import pages as webchat_pages
from directory import api as directory_api
from directory.core.config import get_settings
from directory.core.db import get_sessionmaker
from directory.core.logging import configure_logging


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    # Build the safeguarding matcher and the language models before the first parent writes.
    await asyncio.to_thread(safeguarding.warm_up)
    await asyncio.to_thread(language.warm_up)
    rasa = RasaClient(settings.rasa_url, settings.rasa_timeout_s)
    app.state.gate = Gate(rasa, get_sessionmaker())
    async with telegram_webhook.lifespan(app, app.state.gate, get_sessionmaker()):
        yield
    await rasa.aclose()


def create_app() -> FastAPI:
    """Build the web app (no side effects at import; called by uvicorn's --factory)."""
    configure_logging()
    app = FastAPI(
        title="Family Hubs Front Door",
        description=(
            "Public chat API, directory API (Open Referral UK / HSDS 3.0 shaped), search, "
            "hub timetables and health. Sample data is fictional (Calderbrook Borough Council)."
        ),
        version="0.1.0",
        lifespan=lifespan,
    )
    app.include_router(health.router)
    app.include_router(webchat_api.router)
    app.include_router(telegram_webhook.create_router())
    app.include_router(webchat_pages.router)
    directory_api.mount(app)
    return app
