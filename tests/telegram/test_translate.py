"""Telegram ↔ bot translation, without network: pure functions and the token table."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from telegram import Update

from channels.language import SUPPORTED
from channels.telegram import models, translate
from channels.telegram.bot import Admission, InboundLimiter, TelegramConfig
from directory.models import Base
from tests.telegram.fake_bot_api import _message


def update_of(data: dict[str, Any]) -> Update:
    update = Update.de_json(data, None)
    assert update is not None
    return update


def visible(html_text: str) -> str:
    """What Telegram shows for our HTML: tags removed, entities decoded."""
    return html.unescape(re.sub(r"<[^>]+>", "", html_text))


# ------------------------------------------------------------------ incoming


def test_a_text_update_becomes_a_message_for_the_gate() -> None:
    update = update_of({"update_id": 1, "message": _message(4242, "pl-PL", text="gdzie jest hub?")})
    incoming = translate.incoming_from_update(update)
    assert incoming is not None
    assert incoming.conversation_id == "tg-4242"
    assert incoming.channel == "telegram"
    assert incoming.text == "gdzie jest hub?"
    assert incoming.language_hint == "pl"
    assert incoming.chosen_language is None


def test_unsupported_or_missing_language_codes_give_no_hint() -> None:
    assert translate.incoming(1, "hi", "zh-hans").language_hint is None
    assert translate.incoming(1, "hi", None).language_hint is None
    assert translate.incoming(-5, "hi", "uk").conversation_id == "tg--5"


def test_group_messages_and_non_text_updates_are_not_turned_into_messages() -> None:
    group = _message(-100, "en", text="hello")
    group["chat"] = {"id": -100, "type": "group", "title": "Parents"}
    assert translate.incoming_from_update(update_of({"update_id": 2, "message": group})) is None
    located = _message(7, "en", location={"latitude": 53.0, "longitude": -2.0})
    assert translate.incoming_from_update(update_of({"update_id": 3, "message": located})) is None


def test_commands_map_to_the_gate_messages() -> None:
    assert translate.command_text("/start") == "/greet"
    assert translate.command_text("/start deep-link-arg") == "/greet"
    assert translate.command_text("/help@calderbrook_hubs_bot") == "/help"
    assert translate.command_text("/privacy") == "/privacy"
    assert translate.command_text("/forget") == "/forget_me"
    assert translate.command_text("/stop") == "/unsubscribe"
    assert translate.command_text("/whatever") == "/help"
    assert translate.command_text("/affirm") == "/help"  # no typing intents directly


def test_language_buttons_name_each_language_natively_and_choose_it() -> None:
    buttons = translate.language_buttons()
    assert [translate.language_from_payload(b.payload) for b in buttons] == list(SUPPORTED)
    titles = {b.title for b in buttons}
    assert {"Polski", "Українська", "ਪੰਜਾਬੀ", "اردو", "বাংলা", "العربية"} <= titles
    assert translate.language_from_payload("/change_language{oops") is None
    assert translate.language_from_payload('/change_language{"language":"xx"}') is None
    assert translate.language_from_payload("/help") is None


# ------------------------------------------------------------------ outgoing


def test_bot_text_is_escaped_so_it_never_injects_markup() -> None:
    text = 'Try <b>bold</b> & <img src=x onerror="alert(1)"> now'
    out = translate.to_html(text)
    assert "<b>" not in out and "<img" not in out
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;img" in out
    assert visible(out) == text


def test_http_links_are_clickable_and_other_schemes_are_not() -> None:
    text = (
        "See https://www.calderbrook.example.gov.uk/hubs?a=1&b=2. "
        'Or javascript:alert(1) or http://x.test/"><script>'
    )
    out = translate.to_html(text)
    assert (
        '<a href="https://www.calderbrook.example.gov.uk/hubs?a=1&amp;b=2">'
        "https://www.calderbrook.example.gov.uk/hubs?a=1&amp;b=2</a>. " in out
    )
    assert 'href="javascript' not in out
    assert "<script>" not in out
    assert visible(out) == text


def test_phone_numbers_and_addresses_stay_plain_readable_text() -> None:
    text = "Call 01632 960000 or visit 12 Mill Lane, Calderbrook CK1 1LB (Mon–Fri)."
    assert translate.to_html(text) == text


def test_long_replies_are_split_at_paragraphs_under_the_limit() -> None:
    paragraphs = [f"Paragraph {i}. " + "word " * 300 for i in range(12)]
    text = "\n\n".join(paragraphs)
    chunks = translate.split_text(text)
    assert len(chunks) > 1
    assert all(translate.utf16_len(c) <= 4096 for c in chunks)
    # Cut only between paragraphs: every paragraph is whole in exactly one chunk.
    for paragraph in paragraphs:
        assert sum(paragraph.strip() in c for c in chunks) == 1
    assert "\n\n".join(chunks).split() == text.split()


def test_a_single_huge_paragraph_is_cut_at_lines_then_words_then_characters() -> None:
    assert all(len(c) <= 50 for c in translate.split_text("x" * 120, limit=50))
    words = translate.split_text("alpha " * 40, limit=50)
    assert all(len(c) <= 50 for c in words) and all(" alph " not in c for c in words)
    emoji = translate.split_text("👶" * 3000)  # 2 UTF-16 units each
    assert all(translate.utf16_len(c) <= 4096 for c in emoji)
    assert "".join(emoji) == "👶" * 3000


def test_replies_become_sends_with_buttons_on_the_last_part() -> None:
    replies: list[dict[str, Any]] = [
        {"recipient_id": "tg-1", "text": "These are the hubs nearest to you:"},
        {
            "recipient_id": "tg-1",
            "text": "Millbrook Family Hub <b>",
            "buttons": [
                {"title": "What's on", "payload": '/whats_on{"location_id":"' + "x" * 80 + '"}'},
                {"title": "Opening times", "payload": "/hub_opening_times"},
            ],
        },
        {"recipient_id": "tg-1", "text": "Anything else?"},
    ]
    planned = translate.plan_messages(replies)
    assert [p.text for p in planned] == [
        "These are the hubs nearest to you:\n\nMillbrook Family Hub <b>",
        "Anything else?",
    ]
    assert planned[0].html.endswith("Millbrook Family Hub &lt;b&gt;")
    assert [b.title for b in planned[0].buttons] == ["What's on", "Opening times"]
    assert planned[1].buttons == ()


def test_a_long_reply_with_buttons_keeps_the_buttons_on_its_last_part() -> None:
    long_text = "\n\n".join("Paragraph " + "word " * 500 for _ in range(5))
    planned = translate.plan_messages(
        [{"text": long_text, "buttons": [{"title": "Menu", "payload": "/help"}]}]
    )
    assert len(planned) > 1
    assert all(p.buttons == () for p in planned[:-1])
    assert planned[-1].buttons == (translate.Button("Menu", "/help"),)


def test_empty_and_malformed_replies_are_skipped_and_buttons_alone_still_show() -> None:
    replies: list[Any] = [
        {"text": None},
        "not a dict",
        {"buttons": [{"title": "Yes", "payload": "/affirm"}, {"title": "", "payload": "/x"}]},
    ]
    planned = translate.plan_messages(replies)
    assert len(planned) == 1
    assert planned[0].buttons == (translate.Button("Yes", "/affirm"),)
    assert planned[0].text.strip()


def test_inline_keyboards_carry_short_tokens_only() -> None:
    token = "A" * 16
    keyboard = translate.inline_keyboard([("Yes", token), ("No", "B" * 16)])
    assert keyboard is not None
    rows = keyboard.inline_keyboard
    assert [[b.text for b in row] for row in rows] == [["Yes", "No"]]
    assert all(len(str(b.callback_data).encode()) <= 64 for row in rows for b in row)
    long_titles = translate.inline_keyboard([("Your child's development", token), ("Hi", token)])
    assert long_titles is not None and len(long_titles.inline_keyboard) == 2
    with pytest.raises(ValueError):
        translate.inline_keyboard([("Too long", "x" * 65)])
    assert translate.inline_keyboard([]) is None


def test_the_forget_me_signal_is_recognised() -> None:
    assert translate.asks_to_forget([{"text": "Done.", "custom": {"forget_me": True}}])
    assert not translate.asks_to_forget([{"text": "Done."}, {"custom": {"other": 1}}])


def test_hub_cards_link_to_a_map_and_payload_in_the_actions_format() -> None:
    variables = translate.hub_card_variables(
        hub_id="loc-1",
        name="Millbrook",
        distance_km=1.234,
        address="1 Mill Lane",
        latitude=53.5,
        longitude=-2.25,
        phone=None,
        transport=None,
        accessibility="Step-free",
        default_phone="01632 960000",
    )
    assert variables["hub"] == "Millbrook – 1.2 km"
    assert variables["map"].startswith("https://www.openstreetmap.org/?mlat=53.50000&mlon=-2.25000")
    assert variables["phone"] == "01632 960000"
    assert variables["whats_on_payload"] == '/whats_on{"location_id":"loc-1"}'
    assert translate.drop_empty_fields("A\nGetting there:\nAccess: ok") == "A\nAccess: ok"


# ------------------------------------------------------------------ tokens and limits


@pytest.fixture
def telegram_session(engine: Engine, session: Session) -> Session:
    """The test database with the Telegram tables (until a migration creates them)."""
    Base.metadata.create_all(
        engine,
        tables=[
            models.TelegramCallbackToken.__table__,  # type: ignore[list-item]
            models.TelegramProcessedUpdate.__table__,  # type: ignore[list-item]
        ],
    )
    return session


NOW = dt.datetime(2025, 3, 1, 12, 0, tzinfo=dt.UTC)


def test_a_token_maps_back_to_its_payload_for_its_own_chat_only(
    telegram_session: Session,
) -> None:
    long_payload = '/whats_on{"location_id":"' + "f" * 200 + '"}'
    [token, other] = models.issue_tokens(telegram_session, 10, [long_payload, "/help"], NOW)
    assert len(token.encode()) <= 64 and token != other
    assert models.resolve_token(telegram_session, 10, token, NOW) == long_payload
    assert models.resolve_token(telegram_session, 11, token, NOW) is None  # another chat


def test_expired_forged_and_malformed_tokens_give_nothing(telegram_session: Session) -> None:
    [token] = models.issue_tokens(telegram_session, 10, ["/help"], NOW, dt.timedelta(hours=1))
    later = NOW + dt.timedelta(hours=1, seconds=1)
    assert models.resolve_token(telegram_session, 10, token, later) is None
    assert models.resolve_token(telegram_session, 10, "A" * 16, NOW) is None  # forged
    assert models.resolve_token(telegram_session, 10, "/forget_me", NOW) is None  # raw payload
    assert models.resolve_token(telegram_session, 10, None, NOW) is None
    assert models.purge_expired(telegram_session, later) == (1, 0)


def test_forgetting_a_chat_deletes_its_tokens(telegram_session: Session) -> None:
    models.issue_tokens(telegram_session, 10, ["/a", "/b"], NOW)
    models.issue_tokens(telegram_session, 20, ["/c"], NOW)
    assert models.forget_chat(telegram_session, 10) == 2
    assert models.tokens_of_chat(telegram_session, 10) == []
    assert len(models.tokens_of_chat(telegram_session, 20)) == 1


def test_an_update_is_claimed_once_and_old_ids_are_purged(telegram_session: Session) -> None:
    assert models.claim_update(telegram_session, 1, 500, NOW)
    assert not models.claim_update(telegram_session, 1, 500, NOW)
    assert models.claim_update(telegram_session, 2, 500, NOW)  # another bot
    assert models.purge_expired(telegram_session, NOW + dt.timedelta(days=3)) == (0, 2)


def test_the_inbound_limit_allows_a_burst_then_one_message_per_refill() -> None:
    limiter = InboundLimiter(burst=3, refill_s=2.0, notice_every_s=60.0)
    results = [limiter.check(1, 100.0) for _ in range(5)]
    assert results == [Admission.ADMIT] * 3 + [Admission.DROP_AND_NOTIFY, Admission.DROP]
    assert limiter.check(2, 100.0) is Admission.ADMIT  # other chats are unaffected
    assert limiter.check(1, 102.0) is Admission.ADMIT
    assert limiter.check(1, 102.5) is Admission.DROP  # one notice a minute at most
    assert limiter.check(1, 170.0) is Admission.ADMIT
    assert [limiter.check(1, 170.0) for _ in range(3)][-1] is Admission.DROP_AND_NOTIFY


def test_webhook_settings_are_checked() -> None:
    good = TelegramConfig(
        "1:abc",
        "https://fd.example/telegram/webhook",
        "s" * 40,
    )
    good.check_webhook()
    assert good.webhook_path == "/telegram/webhook"
    assert TelegramConfig("1:abc", "https://fd.example/", "s").webhook_path == "/telegram/webhook"
    with pytest.raises(ValueError, match="https"):
        TelegramConfig("1:abc", "http://fd.example/hook", "s" * 40).check_webhook()
    with pytest.raises(ValueError, match="SECRET"):
        TelegramConfig("1:abc", "https://fd.example/hook", "bad secret!").check_webhook()
    with pytest.raises(ValueError, match="32"):
        TelegramConfig(
            "1:abc", "https://fd.example/hook", "short", environment="production"
        ).check_webhook()
