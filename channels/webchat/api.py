"""`POST /api/chat`: the public chat API in Rasa's REST shape, in front of the gate."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from channels.pipeline import MAX_MESSAGE_CHARS, Gate, IncomingMessage, clean_text

router = APIRouter(tags=["chat"])

SenderId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9_-]{1,64}$")]


class ChatMetadata(BaseModel):
    model_config = ConfigDict(extra="ignore")
    language: str | None = Field(default=None, max_length=35)


class ChatRequest(BaseModel):
    """One message from the web chat."""

    model_config = ConfigDict(extra="forbid")
    sender: SenderId = Field(description="An opaque id the widget keeps for this conversation.")
    message: str = Field(description="What the parent typed, or a button's payload.")
    metadata: ChatMetadata = Field(default_factory=ChatMetadata)

    @field_validator("message")
    @classmethod
    def _message_is_sensible(cls, value: str) -> str:
        if "\x00" in value:
            raise ValueError("The message contains characters we can't read.")
        if not clean_text(value):
            raise ValueError("The message is empty. Please type a question.")
        if len(value) > MAX_MESSAGE_CHARS:
            raise ValueError(
                f"The message is too long. Please keep it under {MAX_MESSAGE_CHARS} characters."
            )
        return value


class BotReply(BaseModel):
    recipient_id: str
    text: str | None = None
    buttons: list[dict[str, str]] | None = None
    custom: dict[str, Any] | None = None
    image: str | None = None


def web_conversation_id(sender: str) -> str:
    return f"web-{sender}"


@router.post("/api/chat", response_model=list[BotReply], response_model_exclude_none=True)
async def chat(body: ChatRequest, request: Request) -> list[dict[str, Any]]:
    """Send one message; returns the bot's replies (Rasa REST shape)."""
    gate: Gate = request.app.state.gate
    incoming = IncomingMessage(
        conversation_id=web_conversation_id(body.sender),
        channel="web",
        text=body.message,
        language_hint=body.metadata.language,
    )
    replies = await gate.handle(incoming)
    for reply in replies:
        reply["recipient_id"] = body.sender
    return replies
