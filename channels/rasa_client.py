"""Talking to Rasa over HTTP (its REST channel). Channels never import `rasa`."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx


class RasaUnavailable(Exception):
    """Rasa did not answer in time or answered with an error."""


class RasaClient:
    """A small async client for Rasa's REST channel, sharing one connection pool."""

    def __init__(self, base_url: str, timeout_s: float) -> None:
        self._deadline_s = timeout_s
        self._client = httpx.AsyncClient(
            base_url=base_url,
            timeout=httpx.Timeout(timeout_s, connect=min(timeout_s, 2.0)),
            limits=httpx.Limits(max_connections=50, max_keepalive_connections=20),
        )

    async def send(self, sender: str, message: str, metadata: dict[str, Any]) -> list[dict]:
        """Send one user message; returns Rasa's replies in REST shape.

        The timeout is a deadline for the whole exchange (connect + send + read), so a parent
        always hears back within it.
        """
        try:
            response = await asyncio.wait_for(
                self._client.post(
                    "/webhooks/rest/webhook",
                    json={"sender": sender, "message": message, "metadata": metadata},
                ),
                timeout=self._deadline_s,
            )
            response.raise_for_status()
            replies = response.json()
        except (httpx.HTTPError, ValueError, TimeoutError) as error:
            raise RasaUnavailable(type(error).__name__) from error
        if not isinstance(replies, list):
            raise RasaUnavailable("unexpected reply shape")
        return replies

    async def aclose(self) -> None:
        await self._client.aclose()
