"""`POST /api/chat`: validation with kind messages, 413, 429, never a 500, XSS, slow Rasa.

Also the web chat pages and assets: security headers, caching, size.
"""

from __future__ import annotations

import gzip
import json
import logging
import random
import time
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from channels.webchat.api import MAX_BODY_BYTES, MSG_EMPTY
from channels.webchat.pages import CSP
from channels.webchat.ratelimit import ChatRateLimiter, Limits, TokenBuckets
from tests.webchat.conftest import XSS_TEXT, StandInRasa

SENDER = "3f2a9c0d4b6e4f1a8c7d2e5b9a0c1d2e"
PHONE = "01632 960000"  # the hubs' number in the kind fallback reply
# An ordinary question (the safeguarding gate answers disclosures itself, before Rasa).
ORDINARY = "What time does Millbrook open?"
JARGON = ("Value error", "Input should", "pydantic", "Field required", "JSON decode", "Traceback")


def post(client: TestClient, payload: Any, **kwargs: Any) -> Any:
    return client.post("/api/chat", json=payload, **kwargs)


def assert_kind_422(response: Any) -> list[dict[str, Any]]:
    assert response.status_code == 422, response.text
    detail = response.json()["detail"]
    assert isinstance(detail, list) and detail
    for item in detail:
        assert set(item) == {"loc", "msg", "type"}
        assert isinstance(item["loc"], list) and isinstance(item["type"], str)
        assert item["msg"].endswith(".") and item["msg"][0].isupper()
        assert not any(word in item["msg"] for word in JARGON), item["msg"]
    return detail


@pytest.fixture
def client(app_with_rasa_down: FastAPI) -> Any:
    with TestClient(app_with_rasa_down) as c:
        c.app.state.chat_limiter = ChatRateLimiter(  # type: ignore[attr-defined]
            Limits(sender_burst=10_000, ip_burst=10_000)
        )
        yield c


# ------------------------------------------------------------------------- good input


def test_a_message_with_rasa_down_gets_a_kind_reply_with_the_hubs_number(client: Any) -> None:
    response = post(client, {"sender": SENDER, "message": ORDINARY, "metadata": {"language": "en"}})
    assert response.status_code == 200
    replies = response.json()
    assert replies and replies[0]["recipient_id"] == SENDER
    assert PHONE in replies[0]["text"]


@pytest.mark.parametrize(
    "payload",
    [
        {"sender": SENDER, "message": "x" * 1000},
        {"sender": SENDER, "message": "/greet"},
        {"sender": SENDER, "message": "Ile kosztuje żłobek?", "metadata": {"language": "pl-PL"}},
        {"sender": SENDER, "message": "مرحبا، أحتاج مساعدة", "metadata": {"language": "ar"}},
        {"sender": SENDER, "message": "line one\nline two\ttab", "metadata": {}},
        {"sender": SENDER, "message": "👨‍👩‍👧 family 🇬🇧", "metadata": {"language": "en_GB"}},
        {"sender": SENDER, "message": '/change_language{"language":"ur"}'},
        {"sender": "a", "message": "hi", "metadata": {"language": None}},
    ],
)
def test_good_messages_are_accepted(client: Any, payload: dict[str, Any]) -> None:
    response = post(client, payload)
    assert response.status_code == 200, response.text
    assert response.json()[0]["text"]


# -------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    ("payload", "expected_msg"),
    [
        ({"sender": SENDER, "message": ""}, MSG_EMPTY),
        ({"sender": SENDER, "message": "   \n\t  "}, MSG_EMPTY),
        ({"sender": SENDER, "message": "\u200b\u200b\u3000"}, MSG_EMPTY),
        ({"sender": SENDER}, MSG_EMPTY),
        ({"sender": SENDER, "message": "x" * 1001}, "too long"),
        ({"sender": SENDER, "message": "hi\x00there"}, "characters we can't read"),
        ({"sender": SENDER, "message": "ring \x07 bell"}, "characters we can't read"),
        ({"sender": SENDER, "message": "\x1b[31mred"}, "characters we can't read"),
        ({"sender": SENDER, "message": "C1 \x85 control"}, "characters we can't read"),
        ({"sender": SENDER, "message": 42}, "must be text"),
        ({"sender": SENDER, "message": ["hi"]}, "must be text"),
        ({"sender": SENDER, "message": None}, "must be text"),
        ({"sender": SENDER, "message": True}, "must be text"),
        ({"message": "hi"}, "lost track of this conversation"),
        ({"sender": "", "message": "hi"}, "lost track of this conversation"),
        ({"sender": "../../etc/passwd", "message": "hi"}, "lost track of this conversation"),
        ({"sender": "s" * 65, "message": "hi"}, "lost track of this conversation"),
        ({"sender": 12345, "message": "hi"}, "lost track of this conversation"),
        ({"sender": SENDER, "message": "hi", "admin": True}, "something we don't expect"),
        ({"sender": SENDER, "message": "hi", "metadata": {"x": 1}}, "something we don't expect"),
        ({"sender": SENDER, "message": "hi", "metadata": {"language": 7}}, "language setting"),
        ({"sender": SENDER, "message": "hi", "metadata": {"language": "<b>"}}, "language setting"),
        ({"sender": SENDER, "message": "hi", "metadata": "en"}, "language setting"),
        ([{"sender": SENDER, "message": "hi"}], "couldn't read"),
        ("hello", "couldn't read"),
        (None, "couldn't read"),
        (3.5, "couldn't read"),
    ],
)
def test_bad_input_gets_a_kind_422(client: Any, payload: Any, expected_msg: str) -> None:
    detail = assert_kind_422(post(client, payload))
    assert any(expected_msg in item["msg"] for item in detail), detail


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b"", "application/json"),
        (b"{", "application/json"),
        (b"{'sender': 'a', 'message': 'hi'}", "application/json"),
        (b'{"sender": "a", "message": "\\ud800"}', "application/json"),  # lone surrogate
        (b'{"sender": "a", "message": "caf\xe9"}', "application/json"),  # not UTF-8
        (bytes(range(256)), "application/json"),
        (b"\xff\xfe\x00\x00garbage", "application/octet-stream"),
        (b"sender=a&message=hi", "application/x-www-form-urlencoded"),
        (b'{"sender": "a", "message": "hi"}', "text/plain"),
        (b'{"sender": "a", "message": "hi"}', ""),
        (b"[" * 5000 + b"]" * 5000, "application/json"),
        (b'{"a":' * 2500 + b"1" + b"}" * 2500, "application/json"),
        (b"NaN", "application/json"),
    ],
)
def test_unreadable_bodies_get_a_kind_422(client: Any, body: bytes, content_type: str) -> None:
    headers = {"content-type": content_type} if content_type else {}
    assert_kind_422(client.post("/api/chat", content=body, headers=headers))


def test_a_body_over_16_kb_gets_413(client: Any) -> None:
    payload = {"sender": SENDER, "message": "x" * (MAX_BODY_BYTES + 1)}
    response = post(client, payload)
    assert response.status_code == 413
    assert "too big" in response.json()["detail"][0]["msg"]
    huge = client.post("/api/chat", content=b"[" * 2_000_000, headers={"content-type": "x/y"})
    assert huge.status_code == 413


def test_a_chunked_body_over_16_kb_gets_413_without_a_content_length(client: Any) -> None:
    def chunks() -> Any:
        for _ in range(40):
            yield b"x" * 1024

    response = client.post("/api/chat", content=chunks(), headers={"content-type": "text/plain"})
    assert response.status_code == 413


def test_the_openapi_schema_documents_the_error_shape(client: Any) -> None:
    spec = client.get("/openapi.json").json()
    responses = spec["paths"]["/api/chat"]["post"]["responses"]
    assert {"200", "413", "422", "429"} <= set(responses)


# ------------------------------------------------------------------------ rate limits


def test_a_sender_gets_429_with_retry_after_after_a_burst(app_with_rasa_down: FastAPI) -> None:
    with TestClient(app_with_rasa_down) as client:
        codes = [post(client, {"sender": SENDER, "message": f"hi {i}"}) for i in range(6)]
        assert [r.status_code for r in codes[:5]] == [200] * 5
        limited = codes[5]
        assert limited.status_code == 429
        assert int(limited.headers["Retry-After"]) >= 1
        assert "wait a moment" in limited.json()["detail"][0]["msg"]
        # Another conversation from the same address still gets through.
        assert post(client, {"sender": "another-sender", "message": "hi"}).status_code == 200


def test_an_ip_address_gets_429_across_senders(app_with_rasa_down: FastAPI) -> None:
    with TestClient(app_with_rasa_down) as client:
        client.app.state.chat_limiter = ChatRateLimiter(  # type: ignore[attr-defined]
            Limits(ip_burst=3, ip_per_minute=6)
        )
        codes = [post(client, {"sender": f"s{i}", "message": "hi"}).status_code for i in range(4)]
        assert codes == [200, 200, 200, 429]


def test_buckets_refill_over_time_and_keep_bounded_memory() -> None:
    now = [1000.0]
    buckets = TokenBuckets(capacity=5, rate_per_s=20 / 60, max_keys=100, clock=lambda: now[0])
    for _ in range(5):
        assert buckets.wait_s("a") == 0
        buckets.take("a")
    assert buckets.wait_s("a") == pytest.approx(3.0)
    now[0] += 3.0
    assert buckets.wait_s("a") == 0
    for i in range(1000):
        buckets.wait_s(f"sender-{i}")
    assert len(buckets) == 100

    limiter = ChatRateLimiter(Limits(sender_burst=1, sender_per_minute=6), clock=lambda: now[0])
    assert limiter.check("s", "ip") == 0
    assert limiter.check("s", "ip") == 10  # whole seconds until the next token


# ---------------------------------------------------------------------- never a 500


def test_fuzzed_requests_never_get_a_500(client: Any) -> None:
    rng = random.Random(20251123)
    odd_text = [
        "\ufeffBOM",
        "e\u0301\u0301\u0301",
        "𝕳𝖊𝖑𝖑𝖔 🧑🏽‍🍼",
        "\u202eevil rtl override",
        "ا" * 999,
        "\U0010ffff",
        "\ufffd\ufffe",
        "a\u2028b\u2029c",
        "Z̷̢͈̓a̸l̷g̸o̴",
        "' OR 1=1 --",
        "{{7*7}} ${7*7}",
        "/restart",
        "/change_language{not json}",
        '/change_language{"language": ["x"]}',
    ]
    bodies: list[bytes] = []
    for _ in range(60):
        bodies.append(rng.randbytes(rng.randint(0, 300)))
    for text in odd_text:
        bodies.append(json.dumps({"sender": SENDER, "message": text}).encode())
    for _ in range(60):
        value = rng.choice(
            [None, True, 1e308, -1, "", "x" * rng.randint(0, 1500), [], {}, {"language": "pl"}]
        )
        key = rng.choice(["sender", "message", "metadata", "other"])
        payload: dict[str, Any] = {"sender": SENDER, "message": "hi"}
        payload[key] = value
        bodies.append(json.dumps(payload).encode())
    bodies.append(json.dumps({"sender": SENDER, "message": "x" * 100_000}).encode())
    bodies.append(b'{"sender": "a", "message": "' + "é".encode() * 8000 + b'"}')
    for body in bodies:
        response = client.post(
            "/api/chat", content=body, headers={"content-type": "application/json"}
        )
        assert response.status_code in (200, 413, 422), (response.status_code, body[:80])
        assert isinstance(response.json(), list | dict)


def test_message_text_is_never_logged(client: Any, caplog: pytest.LogCaptureFixture) -> None:
    secret = "my-secret-postcode CK1 1LB and 07700 900123"
    with caplog.at_level(logging.DEBUG):
        post(client, {"sender": SENDER, "message": secret})
        post(client, {"sender": SENDER, "message": secret + "\x00"})
    assert "my-secret-postcode" not in caplog.text


# --------------------------------------------------------- XSS and a slow or down Rasa


def test_html_in_a_reply_comes_back_as_plain_json_text(
    app_with_stand_in: FastAPI, stand_in_rasa: StandInRasa
) -> None:
    with TestClient(app_with_stand_in) as client:
        response = post(client, {"sender": SENDER, "message": ORDINARY})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    reply = response.json()[0]
    assert reply["text"] == XSS_TEXT
    assert reply["buttons"] == [{"title": "<b>Feeding</b>", "payload": "/infant_feeding"}]
    assert reply["recipient_id"] == SENDER
    assert stand_in_rasa.received[0]["sender"] == f"web-{SENDER}"


def test_a_slow_rasa_gets_a_kind_reply_within_6_seconds(
    app_with_stand_in: FastAPI, stand_in_rasa: StandInRasa
) -> None:
    stand_in_rasa.sleep_s = 10
    with TestClient(app_with_stand_in) as client:
        started = time.monotonic()
        response = post(client, {"sender": SENDER, "message": ORDINARY})
        elapsed = time.monotonic() - started
    assert response.status_code == 200
    assert PHONE in response.json()[0]["text"]
    assert elapsed < 6.0, elapsed


def test_a_down_rasa_gets_a_kind_reply_quickly_in_the_parents_language(client: Any) -> None:
    started = time.monotonic()
    response = post(client, {"sender": SENDER, "message": "Dzień dobry, szukam pomocy"})
    assert time.monotonic() - started < 6.0
    assert response.status_code == 200
    assert response.json()[0]["text"]


# ------------------------------------------------------------------- pages and assets


def test_the_demo_page_has_the_security_headers(client: Any) -> None:
    response = client.get("/")
    assert response.status_code == 200
    assert response.headers["content-security-policy"] == CSP
    assert "default-src 'self'" in CSP and "frame-ancestors 'none'" in CSP
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"
    html = response.text
    assert "fictional" in html.lower() and "Calderbrook Family Hubs" in html
    assert '<script src="/widget.js" defer data-language="en"' in html
    assert "<style" not in html and "style=" not in html and "<script>" not in html
    privacy = client.get("/privacy")
    assert privacy.status_code == 200 and "forget me" in privacy.text
    assert privacy.headers["content-security-policy"] == CSP


@pytest.mark.parametrize(("path", "kind"), [("/widget.js", "javascript"), ("/widget.css", "css")])
def test_widget_assets_are_cached_and_compressed(client: Any, path: str, kind: str) -> None:
    response = client.get(path, headers={"accept-encoding": "identity"})
    assert response.status_code == 200
    assert kind in response.headers["content-type"]
    assert "max-age=" in response.headers["cache-control"]
    assert response.headers["x-content-type-options"] == "nosniff"
    etag = response.headers["etag"]
    assert client.get(path, headers={"if-none-match": etag}).status_code == 304
    zipped = client.get(path, headers={"accept-encoding": "gzip"})
    assert zipped.headers["content-encoding"] == "gzip"
    assert zipped.content == response.content  # httpx decodes it again


def test_the_widget_is_small_and_makes_no_third_party_requests(client: Any) -> None:
    js = client.get("/widget.js", headers={"accept-encoding": "identity"}).content
    css = client.get("/widget.css", headers={"accept-encoding": "identity"}).content
    total_gzip = len(gzip.compress(js, 9)) + len(gzip.compress(css, 9))
    assert total_gzip < 15 * 1024, total_gzip
    source = js.decode()
    assert "innerHTML" not in source and "insertAdjacentHTML" not in source
    assert "eval(" not in source and "document.write" not in source
    # The only absolute addresses are the exit page and the map search (both followed links).
    for address in ("https://www.bbc.co.uk/weather", "https://www.openstreetmap.org/search"):
        assert address in source
