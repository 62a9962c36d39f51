"""Webhook mode: a FastAPI router served by the `web` process.

Telegram POSTs each update with the secret given to `setWebhook` in the header
`X-Telegram-Bot-Api-Secret-Token`; a request without the right secret is refused with 403
and nothing is processed. Accepted updates go on the Application's update queue, so they take
the same path as polled ones (taken once, in order per chat, through the shared gate).

Wire it in the composition root (channels/web.py)::

    async with telegram_webhook.lifespan(app, app.state.gate, get_sessionmaker()):
        yield
    ...
    app.include_router(telegram_webhook.create_router())
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import APIRouter, FastAPI, Request, Response
from telegram import Update
from telegram.error import TelegramError

from channels.pipeline import Gate
from channels.telegram.bot import SessionFactory, TelegramConfig, build_application
from directory.core.config import get_settings

logger = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
MAX_BODY_BYTES = 1_000_000


class TelegramWebhook:
    """The Application behind the webhook; started at web start-up, or on the next update."""

    def __init__(self, config: TelegramConfig, gate: Gate, session_factory: SessionFactory):
        self.config = config
        self._gate = gate
        self._session_factory = session_factory
        self._application: Any = None
        self._lock = asyncio.Lock()

    def secret_matches(self, given: str | None) -> bool:
        """Constant-time comparison with the configured secret (never matches an empty one)."""
        expected = self.config.webhook_secret.encode()
        return bool(expected) and hmac.compare_digest((given or "").encode(), expected)

    async def application(self) -> Any:
        """The running Application, starting it if an earlier start failed; None if down."""
        if self._application is not None:
            return self._application
        async with self._lock:
            if self._application is None:
                application = build_application(
                    self.config, self._gate, self._session_factory, polling=False
                )
                try:
                    await application.initialize()
                    await application.start()
                except (TelegramError, OSError) as error:
                    logger.error("Telegram webhook not ready (%s)", type(error).__name__)
                    return None
                self._application = application
        return self._application

    async def stop(self) -> None:
        application, self._application = self._application, None
        if application is not None:
            await application.stop()
            await application.shutdown()


@asynccontextmanager
async def lifespan(
    app: FastAPI,
    gate: Gate,
    session_factory: SessionFactory,
    config: TelegramConfig | None = None,
) -> AsyncIterator[None]:
    """Run the webhook's Application while `app` runs (nothing unless webhook mode is set)."""
    config = config or TelegramConfig.from_settings(get_settings())
    if not config.webhook_mode:
        app.state.telegram_webhook = None
        yield
        return
    config.check_webhook()
    webhook = TelegramWebhook(config, gate, session_factory)
    app.state.telegram_webhook = webhook
    await webhook.application()
    try:
        yield
    finally:
        await webhook.stop()
        app.state.telegram_webhook = None


def create_router(path: str | None = None) -> APIRouter:
    """The webhook route, at `path` or the path of TELEGRAM_WEBHOOK_URL."""
    router = APIRouter(tags=["telegram"])
    route = path or TelegramConfig.from_settings(get_settings()).webhook_path

    @router.post(route, include_in_schema=False)
    async def telegram_webhook(request: Request) -> Response:
        webhook: TelegramWebhook | None = getattr(request.app.state, "telegram_webhook", None)
        if webhook is None or not webhook.secret_matches(request.headers.get(SECRET_HEADER)):
            logger.warning("Telegram webhook request refused: wrong or missing secret")
            return Response(status_code=403)
        if int(request.headers.get("content-length") or 0) > MAX_BODY_BYTES:
            return Response(status_code=413)
        try:
            data = json.loads(await request.body())
        except ValueError:
            return Response(status_code=400)
        if not isinstance(data, dict) or not isinstance(data.get("update_id"), int):
            return Response(status_code=400)
        application = await webhook.application()
        if application is None:
            return Response(status_code=503)  # Telegram retries later
        try:
            update = Update.de_json(data, application.bot)
        except (TypeError, ValueError, KeyError):
            logger.warning("Telegram webhook: update %s could not be read", data["update_id"])
            return Response(status_code=200)  # a retry would not read it either
        await application.update_queue.put(update)
        return Response(status_code=200)

    return router
