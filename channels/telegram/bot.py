"""The Telegram front door: the python-telegram-bot Application, its handlers, one error handler.

Every parent message goes through the shared gate (`channels.pipeline.Gate`). Around it:

- updates are taken once (`telegram_processed_update`, survives restarts), for polling and
  webhook alike;
- one chat's updates are handled in order, different chats concurrently
  (`ChatOrderedProcessor`); a chat sending far faster than a person types is slowed down
  (`InboundLimiter`), except that a message the safeguarding check flags is always answered;
- sends are paced by `ChatRateLimiter`: one message a second per private chat, 30 a second
  overall, 20 a minute per group, with retries after Telegram's RetryAfter;
- buttons become inline keyboards whose callback data is a short server-side token.

Message text is never logged; logs name update ids and kinds only.
"""

from __future__ import annotations

import asyncio
import contextlib
import enum
import inspect
import logging
import os
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from aiolimiter import AsyncLimiter
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from telegram import Bot, BotCommand, LinkPreviewOptions, Message, Update
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationHandlerStop,
    BaseUpdateProcessor,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from channels import conversations, language, safeguarding
from channels.pipeline import Gate, IncomingMessage
from channels.telegram import models, translate
from directory.content import get_content, load_builtin_text
from directory.core.config import Settings
from directory.geo import Point
from directory.models import Conversation, Location
from directory.search import nearest_hubs

logger = logging.getLogger(__name__)

ALLOWED_UPDATES = ["message", "callback_query"]
DEFAULT_WEBHOOK_PATH = "/telegram/webhook"
TYPING_REPEAT_S = 4.5  # Telegram shows "typing…" for about 5 s
FAR_FROM_HUBS_KM = 25.0
PURGE_EVERY_S = 3600.0
MAX_COMMAND_DESCRIPTION = 256

# Outgoing pace (Telegram: about 1 message a second per chat, 30 a second overall, 20 a
# minute per group). Only requests that put a message in the chat count per chat.
PER_CHAT_MESSAGES = 1
PER_CHAT_PERIOD_S = 1.0
OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
MAX_RETRIES = 3
_MESSAGE_ENDPOINTS = frozenset(
    {
        "sendMessage",
        "sendPhoto",
        "sendDocument",
        "sendLocation",
        "sendVenue",
        "sendContact",
        "sendMediaGroup",
        "copyMessage",
        "forwardMessage",
    }
)

# Incoming pace: a burst of this many messages, then one more every INBOUND_REFILL_S.
INBOUND_BURST = 6
INBOUND_REFILL_S = 2.0
INBOUND_NOTICE_EVERY_S = 60.0

SessionFactory = Callable[[], Session]


# ------------------------------------------------------------------ configuration


def _setting(settings: Settings, name: str, default: str = "") -> str:
    """A Settings field, or the environment variable until Settings has the field."""
    value = getattr(settings, name, None)
    if value is None:
        value = os.environ.get(name.upper(), default)
    return str(value or default)


@dataclass(frozen=True)
class TelegramConfig:
    """What the Telegram channel needs from the settings."""

    token: str
    webhook_url: str = ""
    webhook_secret: str = ""
    api_base_url: str = "https://api.telegram.org/bot"
    api_file_url: str = "https://api.telegram.org/file/bot"
    environment: str = "development"
    default_phone: str = "01632 960000"

    @classmethod
    def from_settings(cls, settings: Settings) -> TelegramConfig:
        return cls(
            token=settings.telegram_bot_token,
            webhook_url=_setting(settings, "telegram_webhook_url"),
            webhook_secret=settings.telegram_webhook_secret,
            api_base_url=_setting(settings, "telegram_api_base_url", cls.api_base_url),
            api_file_url=_setting(settings, "telegram_api_file_url", cls.api_file_url),
            environment=settings.environment,
            default_phone=settings.council_phone,
        )

    @property
    def webhook_mode(self) -> bool:
        return bool(self.token and self.webhook_url)

    @property
    def webhook_path(self) -> str:
        """The path the web process serves, taken from TELEGRAM_WEBHOOK_URL."""
        path = urlsplit(self.webhook_url).path if self.webhook_url else ""
        return path if path and path != "/" else DEFAULT_WEBHOOK_PATH

    def check_webhook(self) -> None:
        """Fail fast on a webhook set-up Telegram would reject or that is unsafe."""
        problems = []
        if not self.token:
            problems.append("TELEGRAM_BOT_TOKEN is not set")
        if urlsplit(self.webhook_url).scheme != "https":
            problems.append("TELEGRAM_WEBHOOK_URL must be an https URL")
        secret = self.webhook_secret
        if not (1 <= len(secret) <= 256) or any(
            not (ch.isascii() and (ch.isalnum() or ch in "_-")) for ch in secret
        ):
            problems.append("TELEGRAM_WEBHOOK_SECRET must be 1-256 characters A-Z a-z 0-9 _ -")
        elif self.environment == "production" and len(secret) < 32:
            problems.append("TELEGRAM_WEBHOOK_SECRET must be at least 32 characters in production")
        if problems:
            raise ValueError("; ".join(problems))


# ------------------------------------------------------------------ pacing


class ChatRateLimiter(AIORateLimiter):
    """AIORateLimiter plus a per-private-chat limit on the requests that post a message.

    AIORateLimiter limits the whole bot and each group, but not private chats; parents talk
    to the bot in private chats, so this adds one limiter per chat (kept only while in use).
    """

    def __init__(
        self,
        per_chat_messages: float = PER_CHAT_MESSAGES,
        per_chat_period_s: float = PER_CHAT_PERIOD_S,
        overall_per_second: float = OVERALL_PER_SECOND,
        group_per_minute: float = GROUP_PER_MINUTE,
        max_retries: int = MAX_RETRIES,
    ) -> None:
        super().__init__(
            overall_max_rate=overall_per_second,
            overall_time_period=1,
            group_max_rate=group_per_minute,
            group_time_period=60,
            max_retries=max_retries,
        )
        self._per_chat = (per_chat_messages, per_chat_period_s)
        self._chat_limiters: dict[int, AsyncLimiter] = {}

    def _chat_limiter(self, chat_id: int) -> AsyncLimiter:
        if len(self._chat_limiters) > 1024:
            for key, limiter in list(self._chat_limiters.items()):
                if key != chat_id and limiter.has_capacity(limiter.max_rate):
                    del self._chat_limiters[key]
        if chat_id not in self._chat_limiters:
            rate, period = self._per_chat
            self._chat_limiters[chat_id] = AsyncLimiter(max_rate=rate, time_period=period)
        return self._chat_limiters[chat_id]

    async def process_request(
        self,
        callback: Callable[..., Any],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: int | None,
    ) -> Any:
        chat_id = _int_or_none(data.get("chat_id"))
        if endpoint in _MESSAGE_ENDPOINTS and chat_id is not None and chat_id > 0:
            async with self._chat_limiter(chat_id):
                return await super().process_request(
                    callback, args, kwargs, endpoint, data, rate_limit_args
                )
        return await super().process_request(
            callback, args, kwargs, endpoint, data, rate_limit_args
        )


def _int_or_none(value: object) -> int | None:
    try:
        return int(value)  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return None


class Admission(enum.Enum):
    ADMIT = "admit"
    DROP = "drop"
    DROP_AND_NOTIFY = "drop_and_notify"


@dataclass
class _Bucket:
    tokens: float
    last: float
    noticed_at: float | None = None


@dataclass
class InboundLimiter:
    """Per-chat token bucket on incoming updates (times in seconds, from any one clock).

    Over the limit, the first dropped update asks for a notice, then at most one notice
    every `notice_every_s`.
    """

    burst: int = INBOUND_BURST
    refill_s: float = INBOUND_REFILL_S
    notice_every_s: float = INBOUND_NOTICE_EVERY_S
    _buckets: dict[int, _Bucket] = field(default_factory=dict)

    def check(self, chat_id: int, now: float) -> Admission:
        """ADMIT, or DROP / DROP_AND_NOTIFY when the chat is over its limit."""
        bucket = self._buckets.get(chat_id)
        if bucket is None:
            self._prune(now)
            bucket = self._buckets[chat_id] = _Bucket(float(self.burst), now)
        elapsed = max(0.0, now - bucket.last)
        bucket.tokens = min(float(self.burst), bucket.tokens + elapsed / self.refill_s)
        bucket.last = max(bucket.last, now)
        if bucket.tokens >= 1.0:
            bucket.tokens -= 1.0
            return Admission.ADMIT
        if bucket.noticed_at is not None and now - bucket.noticed_at < self.notice_every_s:
            return Admission.DROP
        bucket.noticed_at = now
        return Admission.DROP_AND_NOTIFY

    def _prune(self, now: float) -> None:
        if len(self._buckets) < 10_000:
            return
        idle_after = max(self.burst * self.refill_s, self.notice_every_s)
        for key, bucket in list(self._buckets.items()):
            if now - bucket.last > idle_after:
                del self._buckets[key]


def _chat_id(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_chat is not None:
        return update.effective_chat.id
    return None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """One chat's updates in arrival order, different chats concurrently.

    `admit` runs when an update arrives (before waiting for the chat's earlier updates), so
    the inbound limit sees arrival times; `refused` runs in order for updates not admitted.
    """

    def __init__(
        self,
        admit: Callable[[object], Admission],
        refused: Callable[[object, Admission], Awaitable[None]],
        max_concurrent_updates: int = 256,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self._admit = admit
        self._refused = refused
        self._locks: dict[int, asyncio.Lock] = {}
        self._users: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        chat_id = _chat_id(update)
        if chat_id is None:
            await coroutine
            return
        admission = self._admit(update)
        lock = self._locks.setdefault(chat_id, asyncio.Lock())
        self._users[chat_id] = self._users.get(chat_id, 0) + 1
        try:
            async with lock:
                if admission is Admission.ADMIT:
                    await coroutine
                else:
                    if inspect.iscoroutine(coroutine):
                        coroutine.close()
                    await self._refused(update, admission)
        finally:
            self._users[chat_id] -= 1
            if not self._users[chat_id]:
                del self._users[chat_id], self._locks[chat_id]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""


# ------------------------------------------------------------------ the front door


class FrontDoor:
    """The handlers: every message and button press goes through the shared gate."""

    def __init__(
        self,
        gate: Gate,
        session_factory: SessionFactory,
        config: TelegramConfig,
        inbound: InboundLimiter | None = None,
    ) -> None:
        self.gate = gate
        self.session_factory = session_factory
        self.config = config
        self.inbound = inbound or InboundLimiter()

    # -- wiring

    def install(self, application: Application[Any, Any, Any, Any, Any, Any]) -> None:
        """Add the handlers and the one error handler to `application`."""
        private = filters.ChatType.PRIVATE & filters.UpdateType.MESSAGE
        application.add_handler(TypeHandler(Update, self.claim), group=-1)
        application.add_handler(CommandHandler("language", self.on_language, filters=private))
        application.add_handler(MessageHandler(private & filters.COMMAND, self.on_command))
        application.add_handler(MessageHandler(private & filters.TEXT, self.on_text))
        application.add_handler(MessageHandler(private & filters.LOCATION, self.on_location))
        application.add_handler(MessageHandler(private, self.on_other))
        application.add_handler(CallbackQueryHandler(self.on_button))
        application.add_error_handler(on_error)

    def processor(self) -> ChatOrderedProcessor:
        return ChatOrderedProcessor(self.admit, self.refused)

    # -- before any handler

    def admit(self, update: object) -> Admission:
        """Whether this update is within the chat's inbound limit (disclosures always are)."""
        chat_id = _chat_id(update)
        if chat_id is None or not isinstance(update, Update):
            return Admission.ADMIT
        message = update.message
        now = message.date.timestamp() if message is not None else time.time()
        admission = self.inbound.check(chat_id, now)
        urgent = (
            admission is not Admission.ADMIT
            and message is not None
            and bool(message.text)
            and safeguarding.check(message.text or "") is not None
        )
        if urgent:
            return Admission.ADMIT
        return admission

    async def refused(self, update: object, admission: Admission) -> None:
        """An update over the inbound limit: answer its button, tell the parent once."""
        if not isinstance(update, Update):
            return
        logger.info("Telegram update %s over the chat's inbound limit; dropped", update.update_id)
        if update.callback_query is not None:
            with contextlib.suppress(TelegramError):
                await update.callback_query.answer()
        chat = update.effective_chat
        if admission is Admission.DROP_AND_NOTIFY and chat is not None and chat.type == "private":
            lang = await asyncio.to_thread(self._language, chat.id, _language_code(update))
            text = await asyncio.to_thread(self._text, "telegram_slow_down", lang)
            await self._send(update.get_bot(), chat.id, [{"text": text}])

    async def claim(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """Take the update once; a replay (same bot and update id) stops here."""
        try:
            fresh = await asyncio.to_thread(self._claim, context.bot.id, update.update_id)
        except SQLAlchemyError:
            logger.error("Could not record Telegram update %s; handling it", update.update_id)
            return
        if not fresh:
            logger.info("Telegram update %s was already handled; skipped", update.update_id)
            raise ApplicationHandlerStop

    def _claim(self, bot_id: int, update_id: int) -> bool:
        with self.session_factory() as session:
            return models.claim_update(session, bot_id, update_id, models.utcnow())

    # -- handlers

    async def on_text(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        incoming = translate.incoming_from_update(update)
        if incoming is not None and update.message is not None:
            await self._turn(context.bot, update.message.chat.id, incoming)

    async def on_command(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.text is None:
            return
        text = translate.command_text(message.text)
        await self._turn(
            context.bot,
            message.chat.id,
            translate.incoming(message.chat.id, text, _language_code(update)),
        )

    async def on_language(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        lang = await asyncio.to_thread(self._language, message.chat.id, _language_code(update))
        prompt = await asyncio.to_thread(self._text, "telegram_language_prompt", lang)
        buttons = [{"title": b.title, "payload": b.payload} for b in translate.language_buttons()]
        await self._send(context.bot, message.chat.id, [{"text": prompt, "buttons": buttons}])

    async def on_button(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        if query is None:
            return
        try:
            await query.answer()
        except TelegramError as error:  # e.g. too old after downtime; still act on the press
            logger.info("Could not answer callback of update %s (%s)", update.update_id, error)
        chat = update.effective_chat
        if chat is None or chat.type != "private":
            return
        code = _language_code(update)
        payload = await asyncio.to_thread(self._resolve, chat.id, query.data)
        if payload is None:
            logger.info("Telegram update %s pressed an unknown or expired button", update.update_id)
            lang = await asyncio.to_thread(self._language, chat.id, code)
            expired = await asyncio.to_thread(self._text, "telegram_option_expired", lang)
            menu = await self._gate(
                context.bot, chat.id, translate.incoming(chat.id, "/help", code)
            )
            await self._send(context.bot, chat.id, [{"text": expired}, *menu])
            return
        chosen = translate.language_from_payload(payload)
        await self._turn(context.bot, chat.id, translate.incoming(chat.id, payload, code, chosen))

    async def on_location(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None or message.location is None:
            return
        point = Point(message.location.latitude, message.location.longitude)
        replies = await asyncio.to_thread(
            self._nearest_hub_replies, message.chat.id, point, _language_code(update)
        )
        await self._send(context.bot, message.chat.id, replies)

    async def on_other(self, update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        message = update.message
        if message is None:
            return
        logger.info("Telegram update %s is a message kind we cannot read", update.update_id)
        lang = await asyncio.to_thread(self._language, message.chat.id, _language_code(update))
        text = await asyncio.to_thread(self._text, "telegram_text_only", lang)
        await self._send(context.bot, message.chat.id, [{"text": text}])

    # -- one turn

    async def _turn(self, bot: Bot, chat_id: int, incoming: IncomingMessage) -> None:
        replies = await self._gate(bot, chat_id, incoming)
        if translate.asks_to_forget(replies):
            await asyncio.to_thread(self._forget_chat, chat_id)
        await self._send(bot, chat_id, replies)

    async def _gate(
        self, bot: Bot, chat_id: int, incoming: IncomingMessage
    ) -> list[dict[str, Any]]:
        async with _typing(bot, chat_id):
            return await self.gate.handle(incoming)

    async def _send(self, bot: Bot, chat_id: int, replies: Sequence[Mapping[str, Any]]) -> None:
        for outgoing in translate.plan_messages(replies):
            keyboard = None
            if outgoing.buttons:
                tokens = await asyncio.to_thread(
                    self._issue, chat_id, [b.payload for b in outgoing.buttons]
                )
                keyboard = translate.inline_keyboard(
                    [(b.title, t) for b, t in zip(outgoing.buttons, tokens, strict=True)]
                )
            await _send_html(bot, chat_id, outgoing, keyboard)

    # -- database work (run in a thread)

    def _issue(self, chat_id: int, payloads: list[str]) -> list[str]:
        with self.session_factory() as session:
            return models.issue_tokens(session, chat_id, payloads, models.utcnow())

    def _resolve(self, chat_id: int, data: object) -> str | None:
        if not models.looks_like_token(data):
            return None
        try:
            with self.session_factory() as session:
                return models.resolve_token(session, chat_id, data, models.utcnow())
        except SQLAlchemyError:
            logger.error("Could not look up a Telegram button; the database is down")
            return None

    def _forget_chat(self, chat_id: int) -> None:
        try:
            with self.session_factory() as session:
                models.forget_chat(session, chat_id)
        except SQLAlchemyError:
            logger.error("Could not delete a Telegram chat's buttons; the database is down")

    def _language(self, chat_id: int, language_code: str | None) -> str:
        """The conversation language (as the gate decided it), else Telegram's, else English."""
        current = None
        try:
            with self.session_factory() as session:
                conversation = session.get(Conversation, translate.conversation_id(chat_id))
                current = conversation.language if conversation is not None else None
        except SQLAlchemyError:
            pass
        return language.decide_language("", current, hint=language_code).language

    def _text(self, key: str, lang: str) -> str:
        try:
            with self.session_factory() as session:
                content = get_content(session, key, lang)
            if content is not None:
                return content.text
        except SQLAlchemyError:
            pass
        return load_builtin_text(key, lang)

    def _nearest_hub_replies(
        self, chat_id: int, point: Point, language_code: str | None
    ) -> list[dict[str, Any]]:
        """The nearest hubs to a shared location, in the conversation language.

        The location itself is not stored; the turn is counted like any other.
        """
        conversation_id = translate.conversation_id(chat_id)
        try:
            with self.session_factory() as session:
                conversation = conversations.get_or_create(
                    session, conversation_id, translate.CHANNEL
                )
                lang = language.decide_language(
                    "", conversation.language, hint=language_code
                ).language
                conversations.record_turn(conversation, lang)
                session.commit()
                hubs = nearest_hubs(session, point, 3)
                if not hubs:
                    return [{"text": self._text("telegram_location_no_hubs", lang)}]
                far = (hubs[0].distance_km or 0.0) > FAR_FROM_HUBS_KM
                intro = get_content(
                    session, "telegram_location_far" if far else "utter_nearest_hubs_intro", lang
                )
                replies = [intro.as_reply(conversation_id)] if intro is not None else []
                for hub in hubs:
                    location = session.get(Location, hub.id)
                    variables = translate.hub_card_variables(
                        hub_id=hub.id,
                        name=hub.name,
                        distance_km=hub.distance_km,
                        address=hub.address,
                        latitude=hub.latitude,
                        longitude=hub.longitude,
                        phone=hub.phone,
                        transport=location.transport if location else None,
                        accessibility=location.accessibility if location else None,
                        default_phone=self.config.default_phone,
                    )
                    card = get_content(session, "utter_hub_card", lang, variables)
                    if card is not None:
                        reply = card.as_reply(conversation_id)
                        reply["text"] = translate.drop_empty_fields(card.text)
                        replies.append(reply)
                return replies
        except SQLAlchemyError:
            logger.error("Could not find the nearest hubs; the database is down")
            lang = normalised_or_default(language_code)
            return [{"text": load_builtin_text("telegram_location_no_hubs", lang)}]


def normalised_or_default(language_code: str | None) -> str:
    return language.normalise_language_tag(language_code) or language.DEFAULT_LANGUAGE


def _language_code(update: Update) -> str | None:
    user = update.effective_user
    return user.language_code if user is not None else None


@contextlib.asynccontextmanager
async def _typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Show "typing…" while the gate works (repeated, as Telegram clears it after ~5 s)."""

    async def keep_typing() -> None:
        while True:
            try:
                await bot.send_chat_action(chat_id, ChatAction.TYPING)
            except TelegramError:
                return
            await asyncio.sleep(TYPING_REPEAT_S)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task


async def _send_html(
    bot: Bot, chat_id: int, outgoing: translate.OutgoingMessage, keyboard: Any
) -> Message:
    """Send one message as escaped HTML; if Telegram still rejects the markup, as plain text."""
    no_preview = LinkPreviewOptions(is_disabled=True)
    try:
        return await bot.send_message(
            chat_id,
            outgoing.html,
            parse_mode=ParseMode.HTML,
            reply_markup=keyboard,
            link_preview_options=no_preview,
        )
    except BadRequest as error:
        if "parse entities" not in str(error).lower():
            raise
        logger.error("Telegram rejected our HTML (%s); sent as plain text", error)
        return await bot.send_message(
            chat_id, outgoing.text, reply_markup=keyboard, link_preview_options=no_preview
        )


# ------------------------------------------------------------------ errors


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The one error handler: log what happened (never message text) and carry on."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    kind = type(error).__name__
    if isinstance(error, Forbidden):
        logger.warning("Telegram update %s: the user blocked the bot; stopped", update_id)
    elif isinstance(error, BadRequest) and "chat not found" in str(error).lower():
        logger.warning("Telegram update %s: chat not found; stopped", update_id)
    elif isinstance(error, RetryAfter):
        logger.warning(
            "Telegram update %s: still flood-limited after %d retries", update_id, MAX_RETRIES
        )
    elif isinstance(error, NetworkError):  # includes TimedOut
        logger.warning("Telegram update %s: network error (%s)", update_id, kind)
    elif isinstance(error, TelegramError):
        logger.error("Telegram update %s: %s (%s)", update_id, kind, error.message)
    else:
        logger.error("Telegram update %s: unexpected %s", update_id, kind, exc_info=error)


# ------------------------------------------------------------------ building and running


def build_application(
    config: TelegramConfig,
    gate: Gate,
    session_factory: SessionFactory,
    *,
    polling: bool,
    front_door: FrontDoor | None = None,
    post_init: Callable[[Application[Any, Any, Any, Any, Any, Any]], Coroutine[Any, Any, None]]
    | None = None,
    post_shutdown: Callable[[Application[Any, Any, Any, Any, Any, Any]], Coroutine[Any, Any, None]]
    | None = None,
) -> Application[Any, Any, Any, Any, Any, Any]:
    """The Application with our handlers; with an Updater only for polling."""
    quiet_library_logs()
    door = front_door or FrontDoor(gate, session_factory, config)
    builder = (
        Application.builder()
        .token(config.token)
        .base_url(config.api_base_url)
        .base_file_url(config.api_file_url)
        .rate_limiter(ChatRateLimiter())
        .concurrent_updates(door.processor())
    )
    if not polling:
        builder = builder.updater(None)
    if post_init is not None:
        builder = builder.post_init(post_init)
    if post_shutdown is not None:
        builder = builder.post_shutdown(post_shutdown)
    application = builder.build()
    door.install(application)
    return application


async def command_menus(session_factory: SessionFactory) -> dict[str | None, list[BotCommand]]:
    """The command menu per language (None = the default, English) from the content store."""

    def load() -> dict[str | None, list[BotCommand]]:
        menus: dict[str | None, list[BotCommand]] = {}
        for code in (None, *language.SUPPORTED):
            lang = code or language.DEFAULT_LANGUAGE
            menus[code] = [
                BotCommand(name, _description(session_factory, f"telegram_command_{name}", lang))
                for name in translate.COMMANDS
            ]
        return menus

    return await asyncio.to_thread(load)


def _description(session_factory: SessionFactory, key: str, lang: str) -> str:
    text = ""
    try:
        with session_factory() as session:
            content = get_content(session, key, lang)
            text = content.text if content is not None else ""
    except SQLAlchemyError:
        pass
    text = " ".join((text or load_builtin_text(key, lang)).split())
    return text[:MAX_COMMAND_DESCRIPTION]


async def register_commands(bot: Bot, session_factory: SessionFactory) -> None:
    """Set the command menu for every supported language and the default."""
    for code, commands in (await command_menus(session_factory)).items():
        await bot.set_my_commands(commands, language_code=code)
    logger.info("Telegram command menus set for %d languages", len(language.SUPPORTED))


async def register_webhook(bot: Bot, config: TelegramConfig) -> None:
    """Point Telegram at our webhook, with the secret it must send back."""
    config.check_webhook()
    await bot.set_webhook(
        config.webhook_url,
        secret_token=config.webhook_secret,
        allowed_updates=ALLOWED_UPDATES,
        max_connections=40,
    )
    logger.info("Telegram webhook registered")


def purge_once(session_factory: SessionFactory) -> None:
    """Delete expired button tokens and old update ids."""
    try:
        with session_factory() as session:
            tokens, updates = models.purge_expired(session, models.utcnow())
        logger.info("Telegram purge: %d button tokens, %d update ids", tokens, updates)
    except SQLAlchemyError:
        logger.error("Telegram purge failed; the database is down")


async def purge_forever(session_factory: SessionFactory, every_s: float = PURGE_EVERY_S) -> None:
    """Purge now and then every `every_s` seconds, until cancelled."""
    while True:
        await asyncio.to_thread(purge_once, session_factory)
        await asyncio.sleep(every_s)


def quiet_library_logs() -> None:
    """httpx logs request URLs (which contain the bot token); PTB logs updates at DEBUG."""
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    for name in ("telegram", "telegram.ext"):
        logging.getLogger(name).setLevel(max(logging.INFO, logging.getLogger(name).level))
