"""The web chat's pages and assets: the demo council page, the privacy notice, the widget.

- `GET /` a fictional "Calderbrook Family Hubs" council page showing the widget, served with
  a strict Content-Security-Policy (the widget needs no inline script or style);
- `GET /privacy` what happens to what parents type in the chat (the widget links here);
- `GET /widget.js`, `GET /widget.css` the widget, with an ETag, a short public cache
  lifetime (the URL never changes, so a council's page picks up a new version within the
  hour) and a gzip copy for browsers that accept it.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, FileSystemLoader, select_autoescape

from directory.core.config import get_settings

HERE = Path(__file__).resolve().parent
STATIC_DIR = HERE / "static"
TEMPLATES_DIR = HERE / "templates"

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)
PAGE_HEADERS = {
    "Content-Security-Policy": CSP,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-cache",
}
ASSET_CACHE_CONTROL = "public, max-age=3600, stale-while-revalidate=86400"
ASSETS = {
    "widget.js": "text/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
}

router = APIRouter(tags=["web chat pages"])


@dataclass(frozen=True)
class Asset:
    body: bytes
    gzipped: bytes
    etag: str


@lru_cache(maxsize=16)
def _load_asset(name: str, mtime_ns: int) -> Asset:
    body = (STATIC_DIR / name).read_bytes()
    return Asset(
        body=body,
        gzipped=gzip.compress(body, compresslevel=9, mtime=0),
        etag='"' + hashlib.sha256(body).hexdigest()[:20] + '"',
    )


def load_asset(name: str) -> Asset:
    """An asset's bytes, gzip copy and ETag (re-read when the file changes)."""
    return _load_asset(name, (STATIC_DIR / name).stat().st_mtime_ns)


@lru_cache(maxsize=1)
def _templates() -> Environment:
    return Environment(
        loader=FileSystemLoader(TEMPLATES_DIR), autoescape=select_autoescape(["html"])
    )


def _asset_response(name: str, request: Request) -> Response:
    asset = load_asset(name)
    headers = {
        "ETag": asset.etag,
        "Cache-Control": ASSET_CACHE_CONTROL,
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "no-referrer",
        "Vary": "Accept-Encoding",
    }
    if asset.etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if "gzip" in request.headers.get("accept-encoding", "").lower():
        headers["Content-Encoding"] = "gzip"
        return Response(asset.gzipped, media_type=ASSETS[name], headers=headers)
    return Response(asset.body, media_type=ASSETS[name], headers=headers)


def _page(template: str, **context: object) -> HTMLResponse:
    settings = get_settings()
    html = (
        _templates()
        .get_template(template)
        .render(
            council_name=settings.council_name,
            council_phone=settings.council_phone,
            council_contact_url=settings.council_contact_url,
            retention_days=settings.retention_days,
            **context,
        )
    )
    return HTMLResponse(html, headers=PAGE_HEADERS)


@router.get("/", response_class=HTMLResponse, summary="Demo council page with the web chat")
async def demo_page() -> HTMLResponse:
    return _page("demo.html")


@router.get("/privacy", response_class=HTMLResponse, summary="Privacy notice for the web chat")
async def privacy_page() -> HTMLResponse:
    return _page("privacy.html")


@router.get("/widget.js", summary="The embeddable web chat widget")
async def widget_js(request: Request) -> Response:
    return _asset_response("widget.js", request)


@router.get("/widget.css", summary="The web chat widget's styles")
async def widget_css(request: Request) -> Response:
    return _asset_response("widget.css", request)


@router.get("/webchat/demo.css", include_in_schema=False)
async def demo_css(request: Request) -> Response:
    return _asset_response("demo.css", request)
