"""Registry of the directory's routers, in the order they appear in the OpenAPI page."""

from __future__ import annotations

from fastapi import APIRouter

from directory.api import nlg

ROUTERS: list[APIRouter] = [
    nlg.router,
]
