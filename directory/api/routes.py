"""Registry of the directory's routers, in the order they appear in the OpenAPI page."""

from __future__ import annotations

from fastapi import APIRouter

from directory.api import hsds as hsds_api
from directory.api import nlg
from directory.api import search as search_api

ROUTERS: list[APIRouter] = [
    nlg.router,
    hsds_api.router,
    search_api.router,
]
