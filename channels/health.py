"""`GET /healthz`: the state of each component the parent's conversation depends on."""

from __future__ import annotations

import asyncio
from typing import Literal

import httpx
from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import text

from directory.core.config import REPO_ROOT, get_settings
from directory.core.db import get_engine

State = Literal["up", "starting", "down", "absent"]
router = APIRouter(tags=["health"])
PROBE_TIMEOUT_S = 2.0


def _database_state() -> State:
    try:
        with get_engine().connect() as conn:
            conn.execute(text("SELECT 1"))
        return "up"
    except Exception:
        return "down"


async def _http_state(url: str, built: bool, params: dict[str, str] | None = None) -> State:
    if not built:
        return "absent"
    try:
        async with httpx.AsyncClient(timeout=PROBE_TIMEOUT_S) as client:
            response = await client.get(url, params=params)
    except httpx.HTTPError:
        return "down"
    if response.status_code == 200:
        return "up"
    # Rasa answers 409 while its model is still loading (half a minute after a start): a
    # parent writing then would only get the "trouble answering" message.
    return "starting" if response.status_code == 409 else "down"


def _rasa_is_built() -> bool:
    return (REPO_ROOT / "bot" / "config.yml").exists()


def _actions_are_built() -> bool:
    return any(p.name != "__init__.py" for p in (REPO_ROOT / "actions").glob("*.py"))


@router.get("/healthz", summary="Health of web, database, Rasa and the action server")
async def healthz() -> JSONResponse:
    """200 when every component is up; 503 naming what is down (or not built) otherwise."""
    settings = get_settings()
    database, rasa, actions = await asyncio.gather(
        asyncio.to_thread(_database_state),
        # `/status` answers 200 only once the model is loaded; `/` answers as soon as the
        # HTTP server is up.
        _http_state(
            f"{settings.rasa_url}/status", _rasa_is_built(), {"token": settings.rasa_token}
        ),
        _http_state(f"{settings.action_server_url}/health", _actions_are_built()),
    )
    components: dict[str, State] = {
        "web": "up",
        "database": database,
        "rasa": rasa,
        "action_server": actions,
    }
    not_up = [name for name, state in components.items() if state != "up"]
    body: dict[str, object] = {
        "status": "ok" if not_up == [] else "degraded",
        "components": components,
    }
    if not_up:
        body["not_up"] = not_up
    return JSONResponse(body, status_code=200 if not not_up else 503)
