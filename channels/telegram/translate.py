"""Pure translation between Telegram and the bot: updates → IncomingMessage, replies → sends.

No network, no database: everything here is unit-tested on plain values.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update

from channels.language import SUPPORTED, normalise_language_tag
from channels.pipeline import IncomingMessage

CHANNEL = "telegram"
MAX_MESSAGE_UTF16 = 4096  # Telegram's limit, counted in UTF-16 code units after parsing
MAX_CALLBACK_DATA_BYTES = 64
MAX_BUTTON_TITLE = 60
MAX_BUTTONS = 90  # Telegram allows 100 per keyboard
SHORT_TITLE = 16  # titles up to this long go two to a row

# Commands and the message each sends to the gate ("language" is answered by the channel).
COMMANDS: dict[str, str | None] = {
    "start": "/greet",
    "help": "/help",
    "language": None,
    "privacy": "/privacy",
    "forget": "/forget_me",
    "stop": "/unsubscribe",
}
UNKNOWN_COMMAND_TEXT = "/help"

# Each language by its own name, in the order of SUPPORTED.
NATIVE_NAMES: dict[str, str] = {
    "en": "English",
    "pl": "Polski",
    "ro": "Română",
    "pa": "ਪੰਜਾਬੀ",
    "ur": "اردو",
    "pt": "Português",
    "es": "Español",
    "ar": "العربية",
    "bn": "বাংলা",
    "uk": "Українська",
}

_URL = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_PARAGRAPH_BREAK = re.compile(r"\n[ \t]*\n\s*")
_TRAILING_PUNCTUATION = ".,;:!?"


@dataclass(frozen=True)
class Button:
    """A bot button: what the parent sees and the payload the gate gets when it is pressed."""

    title: str
    payload: str


@dataclass(frozen=True)
class OutgoingMessage:
    """One Telegram message to send: plain `text`, its escaped `html`, and its buttons."""

    text: str
    html: str
    buttons: tuple[Button, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------ incoming


def conversation_id(chat_id: int) -> str:
    """The gate's (and Rasa's) conversation id of a Telegram chat."""
    return f"tg-{chat_id}"


def incoming(
    chat_id: int, text: str, language_code: str | None, chosen_language: str | None = None
) -> IncomingMessage:
    """What the gate gets for one message or button press in `chat_id`."""
    return IncomingMessage(
        conversation_id=conversation_id(chat_id),
        channel=CHANNEL,
        text=text,
        language_hint=normalise_language_tag(language_code),
        chosen_language=normalise_language_tag(chosen_language),
    )


def incoming_from_update(update: Update) -> IncomingMessage | None:
    """A new text message in a private chat as an IncomingMessage; None for anything else."""
    message = update.message
    if message is None or message.text is None or message.chat.type != "private":
        return None
    user = message.from_user
    return incoming(message.chat.id, message.text, user.language_code if user else None)


def command_text(command: str) -> str:
    """The text a command sends to the gate ("/start" → "/greet"); unknown ones show help."""
    name = command.lstrip("/").split("@", 1)[0].split(maxsplit=1)[0].lower() if command else ""
    return COMMANDS.get(name) or UNKNOWN_COMMAND_TEXT


def change_language_payload(code: str) -> str:
    """The payload of a language button (the gate reads it as an explicit choice)."""
    return "/change_language" + json.dumps({"language": code}, separators=(",", ":"))


def language_from_payload(payload: str) -> str | None:
    """The language a `/change_language{...}` payload picks, or None."""
    if not payload.startswith("/change_language"):
        return None
    try:
        value = json.loads(payload[len("/change_language") :]).get("language")
    except (ValueError, AttributeError):
        return None
    return normalise_language_tag(value) if isinstance(value, str) else None


def language_buttons() -> list[Button]:
    """The ten languages by native name, each choosing itself."""
    return [Button(NATIVE_NAMES[code], change_language_payload(code)) for code in SUPPORTED]


# ------------------------------------------------------------------ outgoing


def utf16_len(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_MESSAGE_UTF16) -> list[str]:
    """`text` in chunks of at most `limit`, cut at paragraphs, then lines, then words."""
    text = text.strip()
    if not text:
        return []
    return [chunk for chunk in (c.strip() for c in _split(text, limit, 0)) if chunk]


_SEPARATORS = ("\n\n", "\n", " ")


def _split(text: str, limit: int, level: int) -> list[str]:
    if utf16_len(text) <= limit:
        return [text]
    if level == len(_SEPARATORS):
        return _hard_split(text, limit)
    separator = _SEPARATORS[level]
    parts = _PARAGRAPH_BREAK.split(text) if level == 0 else text.split(separator)
    pieces = [piece for part in parts if part.strip() for piece in _split(part, limit, level + 1)]
    chunks: list[str] = []
    current = ""
    for piece in pieces:
        candidate = f"{current}{separator}{piece}" if current else piece
        if utf16_len(candidate) <= limit:
            current = candidate
        else:
            chunks.append(current)
            current = piece
    if current:
        chunks.append(current)
    return chunks


def _hard_split(text: str, limit: int) -> list[str]:
    chunks: list[str] = []
    current = ""
    for ch in text:
        if utf16_len(current + ch) > limit:
            chunks.append(current)
            current = ""
        current += ch
    if current:
        chunks.append(current)
    return chunks


def _trim_url(url: str) -> str:
    """Drop sentence punctuation (and an unbalanced closing bracket) after a URL."""
    while url and (
        url[-1] in _TRAILING_PUNCTUATION or (url[-1] == ")" and url.count(")") > url.count("("))
    ):
        url = url[:-1]
    return url


def to_html(text: str) -> str:
    """`text` for parse_mode HTML: everything escaped; http(s) URLs become <a href> links."""
    out: list[str] = []
    position = 0
    for match in _URL.finditer(text):
        url = _trim_url(match.group(0))
        if len(url) <= len("https://"):
            continue
        out.append(html.escape(text[position : match.start()], quote=False))
        out.append(f'<a href="{html.escape(url, quote=True)}">{html.escape(url, quote=False)}</a>')
        position = match.start() + len(url)
    out.append(html.escape(text[position:], quote=False))
    return "".join(out)


def _buttons(reply: Mapping[str, Any]) -> list[Button]:
    found = []
    for raw in reply.get("buttons") or []:
        if not isinstance(raw, Mapping):
            continue
        title, payload = raw.get("title"), raw.get("payload")
        if isinstance(title, str) and title.strip() and isinstance(payload, str) and payload:
            title = " ".join(title.split())
            if len(title) > MAX_BUTTON_TITLE:
                title = title[: MAX_BUTTON_TITLE - 1] + "…"
            found.append(Button(title, payload))
    return found


def _reply_text(reply: Mapping[str, Any]) -> str:
    text = reply.get("text")
    parts = [text.strip()] if isinstance(text, str) and text.strip() else []
    image = reply.get("image")
    if isinstance(image, str) and _URL.fullmatch(image.strip()):
        parts.append(image.strip())
    return "\n\n".join(parts)


def plan_messages(replies: Iterable[Mapping[str, Any]]) -> list[OutgoingMessage]:
    """The Telegram messages for the gate's replies, in order.

    Consecutive replies without buttons are sent as one message (fewer messages, so fewer
    waits under Telegram's one-message-a-second-per-chat limit); a reply with buttons ends
    a message and its buttons become that message's inline keyboard. Texts longer than
    Telegram's limit are split at paragraphs; the buttons go with the last part.
    """
    planned: list[OutgoingMessage] = []
    texts: list[str] = []

    def flush(buttons: list[Button]) -> None:
        chunks = split_text("\n\n".join(texts)) or (["👇"] if buttons else [])
        for i, chunk in enumerate(chunks):
            last = i == len(chunks) - 1
            planned.append(
                OutgoingMessage(chunk, to_html(chunk), tuple(buttons[:MAX_BUTTONS]) if last else ())
            )
        texts.clear()

    for reply in replies:
        if not isinstance(reply, Mapping):
            continue
        text = _reply_text(reply)
        if text:
            texts.append(text)
        buttons = _buttons(reply)
        if buttons:
            flush(buttons)
    if texts:
        flush([])
    return planned


def inline_keyboard(buttons: Sequence[tuple[str, str]]) -> InlineKeyboardMarkup | None:
    """An inline keyboard of (title, callback token) pairs; short titles go two to a row."""
    if not buttons:
        return None
    for _, token in buttons:
        if not token or len(token.encode("utf-8")) > MAX_CALLBACK_DATA_BYTES:
            raise ValueError("callback data must be 1-64 bytes")
    per_row = 2 if all(len(title) <= SHORT_TITLE for title, _ in buttons) else 1
    keys = [InlineKeyboardButton(title, callback_data=token) for title, token in buttons]
    return InlineKeyboardMarkup([keys[i : i + per_row] for i in range(0, len(keys), per_row)])


def asks_to_forget(replies: Iterable[Mapping[str, Any]]) -> bool:
    """Whether the replies carry the forget-me signal (the gate has deleted the conversation)."""
    return any(
        isinstance(r, Mapping)
        and isinstance(r.get("custom"), Mapping)
        and r["custom"].get("forget_me")
        for r in replies
    )


# ------------------------------------------------------------------ nearest hubs


def map_link(latitude: float | None, longitude: float | None) -> str:
    """An OpenStreetMap link to a point ("" without coordinates)."""
    if latitude is None or longitude is None:
        return ""
    return (
        f"https://www.openstreetmap.org/?mlat={latitude:.5f}&mlon={longitude:.5f}"
        f"#map=17/{latitude:.5f}/{longitude:.5f}"
    )


def intent_payload(intent: str, **entities: Any) -> str:
    """A button payload such as `/whats_on{"location_id":"…"}` (the actions' format)."""
    values = {k: v for k, v in entities.items() if v is not None}
    return f"/{intent}{json.dumps(values, separators=(',', ':'))}" if values else f"/{intent}"


def hub_card_variables(
    *,
    hub_id: str,
    name: str,
    distance_km: float | None,
    address: str,
    latitude: float | None,
    longitude: float | None,
    phone: str | None,
    transport: str | None,
    accessibility: str | None,
    default_phone: str,
) -> dict[str, str]:
    """The variables of the content item `utter_hub_card` for one hub."""
    distance = f" – {distance_km:.1f} km" if distance_km is not None else ""
    return {
        "hub": f"{name}{distance}",
        "address": address,
        "transport": transport or "",
        "accessibility": accessibility or "",
        "phone": phone or default_phone,
        "map": map_link(latitude, longitude),
        "whats_on_payload": intent_payload("whats_on", location_id=hub_id),
        "times_payload": intent_payload("hub_opening_times", location_id=hub_id),
    }


def drop_empty_fields(text: str) -> str:
    """Leave out the lines of a card whose value is empty ("Getting there:")."""
    return "\n".join(line for line in text.splitlines() if not line.rstrip().endswith(":"))
