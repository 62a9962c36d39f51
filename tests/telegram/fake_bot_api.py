"""A local stand-in for Telegram's Bot API, for running the real python-telegram-bot Application.

It speaks HTTP on a free port: `Application.builder().base_url(f"{fake.url}/bot")`. It serves
queued updates to getUpdates, records every call with its arrival time, and answers the
methods the channel uses. `block_chat(id)` makes sends to that chat fail with 403 like a
user who blocked the bot.
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

BOT_ID = 7000001
TRUE_METHODS = {
    "sendChatAction",
    "answerCallbackQuery",
    "setWebhook",
    "deleteWebhook",
    "setMyCommands",
    "editMessageReplyMarkup",
    "close",
    "logOut",
}


@dataclass
class Call:
    """One Bot API request: method, decoded parameters, arrival (time.monotonic)."""

    method: str
    params: dict[str, Any]
    at: float


@dataclass
class FakeBotApi:
    """The fake server's state; start() serves it on 127.0.0.1 in a thread."""

    calls: list[Call] = field(default_factory=list)
    pending: list[dict[str, Any]] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    next_update_id: int = 100
    next_message_id: int = 1
    _cond: threading.Condition = field(default_factory=threading.Condition)
    _delivered: set[int] = field(default_factory=set)

    def start(self) -> FakeBotApi:
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                method = self.path.rstrip("/").rsplit("/", 1)[-1]
                status, payload = outer.handle(method, _params(self.headers, body))
                data = json.dumps(payload).encode()
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(data)))
                    self.end_headers()
                    self.wfile.write(data)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up on a long poll while stopping

            do_GET = do_POST

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def close(self) -> None:
        with self._cond:
            self._cond.notify_all()
        self.server.shutdown()
        self.server.server_close()

    # ------------------------------------------------------------ queueing updates

    def push(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update as is (same update_id = a replay); returns it."""
        update = dict(update)  # a new object: delivered and confirmed on its own
        with self._cond:
            self.pending.append(update)
            self._cond.notify_all()
        return update

    def _new_id(self) -> int:
        self.next_update_id += 1
        return self.next_update_id

    def text(self, chat_id: int, text: str, language_code: str | None = "en") -> dict[str, Any]:
        """Queue a private text message (with a bot_command entity if it starts with '/')."""
        message = _message(chat_id, language_code, text=text)
        if text.startswith("/"):
            message["entities"] = [
                {"type": "bot_command", "offset": 0, "length": len(text.split()[0])}
            ]
        return self.push({"update_id": self._new_id(), "message": message})

    def location(
        self, chat_id: int, lat: float, lon: float, language_code: str | None = "en"
    ) -> dict[str, Any]:
        message = _message(chat_id, language_code, location={"latitude": lat, "longitude": lon})
        return self.push({"update_id": self._new_id(), "message": message})

    def press(self, chat_id: int, data: str, language_code: str | None = "en") -> dict[str, Any]:
        """Queue a button press with `data` as callback data."""
        query = {
            "id": f"cq{self.next_update_id}",
            "from": _user(chat_id, language_code),
            "chat_instance": f"ci{chat_id}",
            "data": data,
            "message": _message(chat_id, None, text="(an earlier bot message)", from_bot=True),
        }
        return self.push({"update_id": self._new_id(), "callback_query": query})

    # ------------------------------------------------------------ the API

    def handle(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        self.calls.append(Call(method, params, time.monotonic()))
        if method == "getMe":
            return 200, {
                "ok": True,
                "result": {
                    "id": BOT_ID,
                    "is_bot": True,
                    "first_name": "Family Hubs",
                    "username": "calderbrook_hubs_test_bot",
                    "can_join_groups": False,
                    "can_read_all_group_messages": False,
                    "supports_inline_queries": False,
                },
            }
        if method == "getUpdates":
            return 200, {"ok": True, "result": self._take_updates(params)}
        if method == "sendMessage":
            chat_id = int(params["chat_id"])
            if chat_id in self.blocked:
                return 403, {
                    "ok": False,
                    "error_code": 403,
                    "description": "Forbidden: bot was blocked by the user",
                }
            self.next_message_id += 1
            result = _message(chat_id, None, text=params.get("text", ""), from_bot=True)
            result["message_id"] = self.next_message_id
            return 200, {"ok": True, "result": result}
        if method == "getWebhookInfo":
            return 200, {"ok": True, "result": {"url": "", "pending_update_count": 0}}
        if method in TRUE_METHODS:
            return 200, {"ok": True, "result": True}
        return 404, {"ok": False, "error_code": 404, "description": "Not Found"}

    def _take_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Unconfirmed updates, as Telegram does: an update stays until a later call's offset
        passes it after it was delivered (so a pushed duplicate of an old id is delivered
        once, and one lost with a dropped connection is delivered again)."""
        timeout = min(float(params.get("timeout") or 0), 1.0)
        offset = int(params.get("offset") or 0)
        with self._cond:
            self.pending = [
                u
                for u in self.pending
                if not (id(u) in self._delivered and u["update_id"] < offset)
            ]
            if not self.pending and timeout:
                self._cond.wait(timeout)
            updates = list(self.pending)
            self._delivered.update(id(u) for u in updates)
        return updates

    # ------------------------------------------------------------ reading what happened

    def of(self, method: str, chat_id: int | None = None) -> list[Call]:
        return [
            c
            for c in list(self.calls)
            if c.method == method
            and (chat_id is None or int(c.params.get("chat_id", 0)) == chat_id)
        ]

    def sent(self, chat_id: int | None = None) -> list[Call]:
        return self.of("sendMessage", chat_id)

    def wait_for(self, condition: Callable[[], bool], timeout: float = 10.0) -> bool:
        """Poll `condition` until true or `timeout` (call from a thread or with asyncio)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if condition():
                return True
            time.sleep(0.02)
        return condition()


def _params(headers: Any, body: bytes) -> dict[str, Any]:
    """Decode form or JSON bodies; JSON-looking values (reply_markup, commands) are parsed."""
    content_type = headers.get("Content-Type") or ""
    if not body:
        return {}
    if "application/json" in content_type:
        loaded = json.loads(body)
        return loaded if isinstance(loaded, dict) else {}
    params: dict[str, Any] = {}
    for key, value in parse_qsl(body.decode(), keep_blank_values=True):
        if value[:1] in "[{":
            try:
                params[key] = json.loads(value)
                continue
            except ValueError:
                pass
        params[key] = value
    return params


def _user(chat_id: int, language_code: str | None) -> dict[str, Any]:
    user: dict[str, Any] = {"id": chat_id, "is_bot": False, "first_name": "Parent"}
    if language_code:
        user["language_code"] = language_code
    return user


def _message(
    chat_id: int, language_code: str | None, *, from_bot: bool = False, **content: Any
) -> dict[str, Any]:
    sender = (
        {"id": BOT_ID, "is_bot": True, "first_name": "Family Hubs"}
        if from_bot
        else _user(chat_id, language_code)
    )
    return {
        "message_id": 1,
        "date": int(time.time()),
        "chat": {"id": chat_id, "type": "private", "first_name": "Parent"},
        "from": sender,
        **content,
    }
