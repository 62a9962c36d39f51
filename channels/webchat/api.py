"""`POST /api/chat`: the public chat API in Rasa's REST shape, in front of the gate.

What a browser can send never yields a 500:
- a body over `MAX_BODY_BYTES` → 413; bad JSON, wrong types, missing or unknown fields, an
  empty or over-long message, control characters → 422 with kind, plain-English messages in
  one stable shape: `{"detail": [{"loc": [...], "msg": "...", "type": "..."}]}`;
- too many messages from one sender or one IP address → 429 with `Retry-After`;
- a down or slow Rasa (or anything else going wrong behind the gate) → 200 with a kind
  reply, within `CHAT_DEADLINE_S` seconds.

Message text is never logged.
"""

from __future__ import annotations

import asyncio
import json
import logging
import unicodedata
from collections.abc import Callable, Coroutine
from typing import Annotated, Any

from fastapi import APIRouter, FastAPI, HTTPException, Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from channels import language
from channels.pipeline import MAX_MESSAGE_CHARS, Gate, IncomingMessage, clean_text
from channels.webchat.ratelimit import ChatRateLimiter, Limits
from directory.content import load_builtin_text
from directory.core.config import get_settings

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 16 * 1024
# The parent always hears back within 6 s: the Rasa client gives up first (its own timeout),
# and this deadline catches anything else that is slow behind the gate.
CHAT_DEADLINE_S = 5.5

MSG_UNREADABLE = "We couldn't read that message. Please type it again and press Send."
MSG_EMPTY = "The message is empty. Please type a question."
MSG_TOO_LONG = (
    f"The message is too long. Please keep it under {MAX_MESSAGE_CHARS:,} characters, "
    "or send it in parts."
)
MSG_BAD_CHARACTERS = (
    "The message contains characters we can't read. Please type it again in plain text."
)
MSG_NOT_TEXT = "The message must be text. Please type a question."
MSG_SENDER = (
    "The chat lost track of this conversation. Please press 'Start again' or reload the page."
)
MSG_LANGUAGE = "We didn't understand the language setting. Please choose your language again."
MSG_UNKNOWN_FIELD = "The chat sent something we don't expect. Please reload the page and try again."
MSG_TOO_BIG = (
    f"That message is too big to send. Please keep it under {MAX_MESSAGE_CHARS:,} characters."
)
MSG_SLOW_DOWN = "You're sending messages very quickly. Please wait a moment, then try again."
MSG_OTHER = "Something about that message wasn't right. Please type it again and press Send."

SenderId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]
LanguageTag = Annotated[
    str, StringConstraints(pattern=r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8}){0,4}$", max_length=35)
]


def unreadable_characters(value: str) -> bool:
    """Control characters (other than tab and newlines) and lone surrogates."""
    return any(ch not in "\t\n\r" and unicodedata.category(ch) in ("Cc", "Cs") for ch in value)


class ChatMetadata(BaseModel):
    model_config = ConfigDict(extra="forbid")
    language: LanguageTag | None = Field(
        default=None, description="A language hint such as the browser's language ('pl-PL')."
    )


class ChatRequest(BaseModel):
    """One message from the web chat."""

    model_config = ConfigDict(extra="forbid", strict=True)
    sender: SenderId = Field(description="An opaque id the widget keeps for this conversation.")
    message: str = Field(description="What the parent typed, or a button's payload.")
    metadata: ChatMetadata = Field(default_factory=ChatMetadata)

    @field_validator("message")
    @classmethod
    def _message_is_sensible(cls, value: str) -> str:
        if unreadable_characters(value):
            raise ValueError(MSG_BAD_CHARACTERS)
        if not clean_text(value):
            raise ValueError(MSG_EMPTY)
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(MSG_TOO_LONG)
        return value


class BotReply(BaseModel):
    """One bot message in Rasa's REST output shape (other keys Rasa sends pass through)."""

    model_config = ConfigDict(extra="allow")
    recipient_id: str
    text: str | None = None
    buttons: list[dict[str, str]] | None = None
    custom: dict[str, Any] | None = None
    image: str | None = None


class ErrorItem(BaseModel):
    loc: list[str | int]
    msg: str
    type: str


class ErrorBody(BaseModel):
    """Every refused request: a list of kind, plain-English messages."""

    detail: list[ErrorItem]


def error_response(
    status: int, msg: str, kind: str, headers: dict[str, str] | None = None
) -> JSONResponse:
    item = {"loc": ["body"], "msg": msg, "type": kind}
    return JSONResponse({"detail": [item]}, status_code=status, headers=headers)


def kind_message(error: dict[str, Any]) -> str:
    """A plain-English message for one of pydantic's / FastAPI's validation errors."""
    loc = [str(part) for part in error.get("loc", ())]
    kind = str(error.get("type", ""))
    field = loc[1] if len(loc) > 1 else ""
    if kind == "json_invalid" or len(loc) <= 1:
        return MSG_UNREADABLE
    if kind == "extra_forbidden":
        return MSG_UNKNOWN_FIELD
    if field == "sender":
        return MSG_SENDER
    if field == "metadata":
        return MSG_LANGUAGE
    if field == "message":
        if kind == "missing":
            return MSG_EMPTY
        if kind == "value_error":
            ctx_error = (error.get("ctx") or {}).get("error")
            return str(ctx_error) if ctx_error else MSG_OTHER
        if kind.startswith("string"):
            return MSG_NOT_TEXT
    return MSG_OTHER


def kind_errors(errors: Any) -> list[dict[str, Any]]:
    items = []
    for error in errors if isinstance(errors, list | tuple) else []:
        error = error if isinstance(error, dict) else {}
        loc = [p if isinstance(p, int) else str(p) for p in error.get("loc", ("body",))]
        items.append({"loc": loc, "msg": kind_message(error), "type": str(error.get("type"))})
    return items or [{"loc": ["body"], "msg": MSG_OTHER, "type": "invalid"}]


async def read_capped_body(request: Request, limit: int) -> bytes | None:
    """The body, or None when it is larger than `limit` bytes (reading stops there)."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > limit:
        return None
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > limit:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def readable_json_object(body: bytes) -> bool:
    """Strict UTF-8 JSON whose top level is an object (anything else is refused kindly)."""
    try:
        return isinstance(json.loads(body.decode("utf-8")), dict)
    except (ValueError, RecursionError):
        return False


Handler = Callable[[Request], Coroutine[Any, Any, Response]]


class KindErrorsRoute(APIRoute):
    """This router's routes answer bad requests with kind 413/422 messages, never a 500."""

    def get_route_handler(self) -> Handler:
        original = super().get_route_handler()

        async def handler(request: Request) -> Response:
            if request.method == "POST":
                body = await read_capped_body(request, MAX_BODY_BYTES)
                if body is None:
                    return error_response(413, MSG_TOO_BIG, "too_large")
                request._body = body  # what FastAPI's own parsing reads next
                if not readable_json_object(body):
                    return error_response(422, MSG_UNREADABLE, "json_invalid")
            try:
                return await original(request)
            except RequestValidationError as error:
                return JSONResponse({"detail": kind_errors(error.errors())}, status_code=422)
            except HTTPException as error:
                if error.status_code >= 500:
                    raise
                return error_response(422, MSG_UNREADABLE, "invalid")

        return handler


router = APIRouter(tags=["chat"], route_class=KindErrorsRoute)


def web_conversation_id(sender: str) -> str:
    return f"web-{sender}"


def chat_limiter(app: FastAPI) -> ChatRateLimiter:
    """The app's rate limiter, made on first use (tests may put their own in app.state)."""
    limiter = getattr(app.state, "chat_limiter", None)
    if limiter is None:
        settings = get_settings()
        limiter = ChatRateLimiter(
            Limits(
                sender_per_minute=settings.chat_limit_sender_per_minute,
                ip_per_minute=settings.chat_limit_ip_per_minute,
            )
        )
        app.state.chat_limiter = limiter
    return limiter


def fallback_language(hint: str | None) -> str:
    primary = (hint or "").replace("_", "-").split("-")[0].lower()
    return primary if primary in language.SUPPORTED else "en"


def tidy_replies(replies: Any, sender: str) -> list[dict[str, Any]]:
    """Rasa's replies in the public shape; anything malformed is dropped, never a 500."""
    tidy: list[dict[str, Any]] = []
    for reply in replies if isinstance(replies, list) else []:
        if not isinstance(reply, dict):
            continue
        out = {k: v for k, v in reply.items() if k not in ("recipient_id", "buttons")}
        out["recipient_id"] = sender
        if "text" in out and out["text"] is not None and not isinstance(out["text"], str):
            out["text"] = str(out["text"])
        if out.get("custom") is not None and not isinstance(out["custom"], dict):
            out.pop("custom")
        if out.get("image") is not None and not isinstance(out["image"], str):
            out.pop("image")
        buttons = [
            {"title": str(b["title"]), "payload": str(b["payload"])}
            for b in reply.get("buttons") or []
            if isinstance(b, dict) and b.get("title") is not None and b.get("payload") is not None
        ]
        if buttons:
            out["buttons"] = buttons
        tidy.append(out)
    return tidy


@router.post(
    "/api/chat",
    response_model=list[BotReply],
    response_model_exclude_none=True,
    summary="Send one message to the Family Hubs assistant",
    responses={
        413: {"model": ErrorBody, "description": "The request body is too big."},
        422: {"model": ErrorBody, "description": "The message could not be accepted."},
        429: {"model": ErrorBody, "description": "Too many messages; see Retry-After."},
    },
)
async def chat(body: ChatRequest, request: Request) -> Any:
    """Send one message; returns the bot's replies (Rasa REST shape)."""
    ip = request.client.host if request.client else "unknown"
    wait = chat_limiter(request.app).check(body.sender, ip)
    if wait:
        return error_response(429, MSG_SLOW_DOWN, "rate_limited", {"Retry-After": str(wait)})
    incoming = IncomingMessage(
        conversation_id=web_conversation_id(body.sender),
        channel="web",
        text=body.message,
        language_hint=body.metadata.language,
    )
    try:
        gate: Gate = request.app.state.gate
        replies = tidy_replies(
            await asyncio.wait_for(gate.handle(incoming), CHAT_DEADLINE_S), body.sender
        )
    except TimeoutError:
        logger.error("The gate took longer than %.1f s; sent the kind fallback", CHAT_DEADLINE_S)
        replies = []
    except Exception as error:  # never a 500 for the parent: a kind reply instead
        logger.error("Chat turn failed (%s); sent the kind fallback", type(error).__name__)
        replies = []
    if not replies:
        text = load_builtin_text("gate_trouble", fallback_language(body.metadata.language))
        replies = [{"recipient_id": body.sender, "text": text}]
    return replies
