"""Rasa's NLG endpoint: Rasa asks for a response by name; we answer from the content store.

Rasa posts `{"response": "utter_x", "arguments": {...}, "tracker": {...}, "channel": {...}}`
(see Rasa's "NLG servers" docs). The conversation language comes from the tracker's
`language` slot, which the channels' gate sets; slot values and action arguments fill
`{name}` placeholders.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from directory.api.deps import SessionDep
from directory.content import DEFAULT_LANGUAGE, builtin_entry, fill, get_content

logger = logging.getLogger(__name__)
router = APIRouter(tags=["Rasa NLG"])


class NlgRequest(BaseModel):
    response: str = Field(max_length=200)
    arguments: dict[str, Any] = Field(default_factory=dict)
    tracker: dict[str, Any] = Field(default_factory=dict)
    channel: dict[str, Any] = Field(default_factory=dict)


class NlgResponse(BaseModel):
    text: str | None = None
    buttons: list[dict[str, str]] = Field(default_factory=list)
    image: str | None = None
    elements: list[Any] = Field(default_factory=list)
    attachments: list[Any] = Field(default_factory=list)
    custom: dict[str, Any] = Field(default_factory=dict)


@router.post("/nlg", response_model=NlgResponse, summary="Rasa NLG endpoint (content store)")
def nlg(request: NlgRequest, session: SessionDep) -> NlgResponse:
    """Serve response `request.response` in the conversation's language."""
    slots = request.tracker.get("slots") or {}
    language = str(slots.get("language") or DEFAULT_LANGUAGE)
    variables = {k: v for k, v in slots.items() if v is not None} | request.arguments
    content = get_content(session, request.response, language, variables)
    if content is not None:
        return NlgResponse(text=content.text, buttons=content.buttons)
    default = builtin_entry(request.response, DEFAULT_LANGUAGE)
    if default is None:
        logger.warning("NLG asked for an unknown response %s", request.response)
        return NlgResponse(text=None)
    return NlgResponse(
        text=fill(str(default.get("text", "")), variables), buttons=default.get("buttons", [])
    )
