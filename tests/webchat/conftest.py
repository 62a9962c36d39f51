"""Fixtures for the web chat: the app on a test database, a stand-in Rasa, a live server.

The stand-in Rasa answers `/webhooks/rest/webhook` like Rasa's REST channel does. It is only
for failure modes (a slow Rasa) and the XSS case (a reply containing HTML); every
conversation flow is tested against the real stack (`scripts/local_stack.py`).
"""

from __future__ import annotations

import contextlib
import json
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest
import uvicorn
from fastapi import FastAPI

from directory.core import config

XSS_TEXT = "Hello <img src=x onerror=alert(1)> <script>alert(2)</script> & welcome"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class StandInRasa:
    """A tiny HTTP server shaped like Rasa's REST webhook, with a chosen behaviour."""

    url: str = ""
    sleep_s: float = 0.0
    replies: list[dict[str, Any]] = field(default_factory=list)
    received: list[dict[str, Any]] = field(default_factory=list)


def _handler(stand_in: StandInRasa) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def do_GET(self) -> None:
            self._send(200, {"version": "stand-in"})

        def do_POST(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            body = json.loads(self.rfile.read(length) or b"{}")
            stand_in.received.append(body)
            if stand_in.sleep_s:
                time.sleep(stand_in.sleep_s)
            replies = [dict(r, recipient_id=body.get("sender")) for r in stand_in.replies]
            self._send(200, replies)

        def _send(self, status: int, payload: Any) -> None:
            data = json.dumps(payload).encode()
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)
            except OSError:
                pass  # the client gave up (the slow case)

    return Handler


@pytest.fixture
def stand_in_rasa() -> Iterator[StandInRasa]:
    stand_in = StandInRasa(
        replies=[
            {
                "text": XSS_TEXT,
                "buttons": [{"title": "<b>Feeding</b>", "payload": "/infant_feeding"}],
            }
        ]
    )
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stand_in))
    server.daemon_threads = True
    stand_in.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield stand_in
    server.shutdown()
    server.server_close()


def make_app(monkeypatch: pytest.MonkeyPatch, rasa_url: str) -> FastAPI:
    """The real web app (composition root) with Rasa at `rasa_url`."""
    from channels.web import create_app

    monkeypatch.setenv("RASA_URL", rasa_url)
    config.get_settings.cache_clear()
    return create_app()


@pytest.fixture
def down_rasa_url() -> str:
    """A Rasa address where nothing listens (Rasa is down)."""
    return f"http://127.0.0.1:{free_port()}"


@pytest.fixture
def app_with_rasa_down(
    app_settings: config.Settings, monkeypatch: pytest.MonkeyPatch, down_rasa_url: str
) -> FastAPI:
    return make_app(monkeypatch, down_rasa_url)


@pytest.fixture
def app_with_stand_in(
    app_settings: config.Settings, monkeypatch: pytest.MonkeyPatch, stand_in_rasa: StandInRasa
) -> FastAPI:
    return make_app(monkeypatch, stand_in_rasa.url)


@contextlib.contextmanager
def live_server(app: FastAPI) -> Iterator[str]:
    """Serve `app` with uvicorn on a free port in a thread; yields its base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
