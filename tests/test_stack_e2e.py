"""End to end: the real stack (web + Rasa + action server) answers parents through /api/chat."""

from __future__ import annotations

import re
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from sqlalchemy import create_engine, select, text

from directory.models import Service, ServiceTaxonomy, TaxonomyTerm
from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(
        not (REPO_ROOT / ".venv-rasa" / "bin" / "rasa").exists(), reason=".venv-rasa is missing"
    ),
]


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from local_stack import running_stack

    with running_stack(tmp_path_factory.mktemp("stack"), port_base=18200) as running:
        yield running


def say(stack: object, sender: str, message: str, language: str | None = None) -> list[dict]:
    body: dict[str, object] = {"sender": sender, "message": message}
    if language:
        body["metadata"] = {"language": language}
    response = httpx.post(f"{stack.web_url}/api/chat", json=body, timeout=30)  # type: ignore[attr-defined]
    assert response.status_code == 200, response.text
    return response.json()


def all_text(replies: list[dict]) -> str:
    parts = []
    for reply in replies:
        parts.append(reply.get("text") or "")
        parts.extend(button["title"] for button in reply.get("buttons") or [])
    return "\n".join(parts)


def service_names(stack: object, topic: str) -> set[str]:
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        names = conn.execute(
            select(Service.name)
            .join(ServiceTaxonomy, ServiceTaxonomy.service_id == Service.id)
            .join(TaxonomyTerm, TaxonomyTerm.id == ServiceTaxonomy.taxonomy_term_id)
            .where(TaxonomyTerm.code == topic)
        ).scalars()
        result = set(names)
    engine.dispose()
    return result


def pick_answer(buttons: list[dict], topic: str) -> str:
    """The button a parent would press: the topic itself if offered, else a hub or age band."""
    payloads = [b["payload"] for b in buttons]
    if f"/{topic}" in payloads:
        return f"/{topic}"
    usable = [p for p in payloads if "use_postcode" not in p and p != "/help"]
    return (usable or payloads)[0]


def follow_until_services(stack: object, sender: str, replies: list[dict], topic: str) -> str:
    """Answer the bot's age/area questions with its first button until services appear."""
    names = service_names(stack, topic)
    seen = all_text(replies)
    for _ in range(3):
        if any(name in seen for name in names):
            return seen
        buttons = [b for r in replies for b in r.get("buttons") or []]
        assert buttons, f"no services and no question to answer: {seen}"
        replies = say(stack, sender, pick_answer(buttons, topic))
        seen += "\n" + all_text(replies)
    assert any(name in seen for name in names), seen
    return seen


def new_sender() -> str:
    return uuid.uuid4().hex[:20]


def test_health_is_green_when_everything_is_up(stack: object) -> None:
    body = httpx.get(f"{stack.web_url}/healthz").json()  # type: ignore[attr-defined]
    assert set(body["components"].values()) == {"up"}


def test_greeting_says_what_it_can_do_and_that_it_is_not_for_emergencies(stack: object) -> None:
    replies = say(stack, new_sender(), "hello")
    assert "999" in all_text(replies)
    assert any(r.get("buttons") for r in replies)


@pytest.mark.parametrize(
    ("message", "topic"),
    [
        ("my 2 year old isn't really talking yet", "speech_language"),
        ("I'm in debt and the letters keep coming", "money_benefits"),
        ("anything for dads on saturday", "dads_support"),
        ("is there a breastfeeding group I can just turn up to", "infant_feeding"),
    ],
)
def test_a_parent_is_signposted_to_real_services(stack: object, message: str, topic: str) -> None:
    sender = new_sender()
    seen = follow_until_services(stack, sender, say(stack, sender, message), topic)
    assert re.search(r"\b0\d{3,4} ?\d{3} ?\d{3,4}\b|@|https?://", seen), "no way to get in touch"


def test_opening_times_of_a_named_hub(stack: object) -> None:
    seen = all_text(say(stack, new_sender(), "is millbrook open now"))
    assert "Millbrook" in seen
    assert re.search(r"\bopen\b|\bclosed\b", seen, re.IGNORECASE)


def test_about_family_hubs_is_reassuring(stack: object) -> None:
    seen = all_text(
        say(stack, new_sender(), "what is a family hub, is it only for problem families")
    )
    assert re.search(r"\b(every|all|any) famil", seen, re.IGNORECASE), seen


def test_out_of_scope_points_to_the_council(stack: object) -> None:
    seen = all_text(say(stack, new_sender(), "when are my bins collected"))
    assert "01632 960000" in seen or "calderbrook.example.gov.uk" in seen, seen


def test_forget_me_deletes_the_transcript(stack: object) -> None:
    sender = new_sender()
    say(stack, sender, "hello")
    replies = say(stack, sender, "please forget me and delete my chat")
    for _ in range(2):
        if any((r.get("custom") or {}).get("forget_me") for r in replies):
            break
        buttons = [b for r in replies for b in r.get("buttons") or []]
        assert buttons, all_text(replies)
        replies = say(stack, sender, buttons[0]["payload"])
    assert any((r.get("custom") or {}).get("forget_me") for r in replies)
    time.sleep(0.5)
    engine = create_engine(stack.tracker_store_url)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        count = conn.execute(
            text("SELECT count(*) FROM events WHERE sender_id = :s"), {"s": f"web-{sender}"}
        ).scalar()
    engine.dispose()
    assert count == 0


def test_personal_details_do_not_reach_the_logs(stack: object) -> None:
    sender = new_sender()
    say(stack, sender, "my number is 07700 900987 and email jo.test@example.org, CK1 4QP")
    say(stack, sender, "asdkjh qwe zzxq")  # likely unanswered, stored for staff (redacted)
    log = Path(stack.log_path).read_text(errors="replace")  # type: ignore[attr-defined]
    for secret in ("07700 900987", "jo.test@example.org", "CK1 4QP", "asdkjh qwe zzxq"):
        assert secret not in log
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        stored = " ".join(
            conn.execute(text("SELECT text_redacted FROM unanswered_question")).scalars()
        )
    engine.dispose()
    assert "07700 900987" not in stored
