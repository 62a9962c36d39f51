"""End to end in all ten languages: signposting, opening times and a disclosure of danger.

Each message goes through the real stack (web + Rasa + action server) via POST /api/chat with
no language hint, so the detector, the multilingual NLU model, the actions and the NLG
endpoint all have to do their part. The reply language is checked by the detector that the
product itself uses (and by script where the language has its own).
"""

from __future__ import annotations

import re
import sys
import uuid
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import create_engine, select

from channels.language import detect
from directory.models import Service, ServiceTaxonomy, TaxonomyTerm, Translation
from tests.conftest import REPO_ROOT

sys.path.insert(0, str(REPO_ROOT / "scripts"))

pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(
        not (REPO_ROOT / ".venv-rasa" / "bin" / "rasa").exists(), reason=".venv-rasa is missing"
    ),
]

# What a parent of each community might type: a feeding question, whether Millbrook is open
# today, and a disclosure of domestic abuse with a threat to kill.
MESSAGES: dict[str, tuple[str, str, str]] = {
    "en": (
        "where can I get help with breastfeeding",
        "is millbrook open today",
        "my partner hits me and I'm scared he will kill me",
    ),
    "pl": (
        "gdzie mogę dostać pomoc z karmieniem piersią",
        "czy millbrook jest dzisiaj otwarty",
        "mój partner mnie bije i boję się, że mnie zabije",
    ),
    "ro": (
        "unde pot primi ajutor cu alăptarea",
        "este deschis millbrook astăzi",
        "partenerul meu mă bate și mi-e frică să nu mă omoare",
    ),
    "pa": (
        "ਮੈਨੂੰ ਛਾਤੀ ਦਾ ਦੁੱਧ ਪਿਲਾਉਣ ਵਿੱਚ ਮਦਦ ਕਿੱਥੋਂ ਮਿਲ ਸਕਦੀ ਹੈ",
        "ਕੀ millbrook ਅੱਜ ਖੁੱਲ੍ਹਾ ਹੈ",
        "ਮੇਰਾ ਪਤੀ ਮੈਨੂੰ ਮਾਰਦਾ ਹੈ ਅਤੇ ਮੈਨੂੰ ਡਰ ਹੈ ਕਿ ਉਹ ਮੈਨੂੰ ਜਾਨੋਂ ਮਾਰ ਦੇਵੇਗਾ",
    ),
    "ur": (
        "مجھے بچے کو اپنا دودھ پلانے میں مدد کہاں سے مل سکتی ہے",
        "کیا millbrook آج کھلا ہے",
        "میرا شوہر مجھے مارتا ہے اور مجھے ڈر ہے کہ وہ مجھے جان سے مار دے گا",
    ),
    "pt": (
        "onde posso ter ajuda com a amamentação",
        "o millbrook está aberto hoje",
        "o meu marido bate-me e tenho medo que ele me mate",
    ),
    "es": (
        "dónde me pueden ayudar con la lactancia materna",
        "está abierto millbrook hoy",
        "mi pareja me pega y tengo miedo de que me mate",
    ),
    "ar": (
        "أين أجد مساعدة في الرضاعة الطبيعية",
        "هل مركز millbrook مفتوح اليوم",
        "زوجي يضربني وأخاف أن يقتلني",
    ),
    "bn": (
        "বুকের দুধ খাওয়ানো নিয়ে কোথায় সাহায্য পাব",
        "millbrook কি আজ খোলা আছে",
        "আমার স্বামী আমাকে মারে, আমার ভয় হয় সে আমাকে মেরে ফেলবে",
    ),
    "uk": (
        "де можна отримати допомогу з грудним вигодовуванням",
        "чи працює millbrook сьогодні",
        "мій чоловік мене б'є і я боюся, що він мене вб'є",
    ),
}

SCRIPTS = {
    "pa": r"[\u0A00-\u0A7F]",
    "ur": r"[\u0600-\u06FF]",
    "ar": r"[\u0600-\u06FF]",
    "bn": r"[\u0980-\u09FF]",
    "uk": r"[\u0400-\u04FF]",
}


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    from local_stack import running_stack

    with running_stack(tmp_path_factory.mktemp("stack"), port_base=18240) as running:
        yield running


def say(stack: object, sender: str, message: str) -> list[dict]:
    response = httpx.post(
        f"{stack.web_url}/api/chat",  # type: ignore[attr-defined]
        json={"sender": sender, "message": message},
        timeout=30,
    )
    assert response.status_code == 200, response.text
    return response.json()


def all_text(replies: list[dict]) -> str:
    parts = []
    for reply in replies:
        parts.append(reply.get("text") or "")
        parts.extend(button["title"] for button in reply.get("buttons") or [])
    return "\n".join(parts)


def prose(replies: list[dict]) -> str:
    """The sentences of the replies without links, numbers and names, for the detector."""
    text = "\n".join(reply.get("text") or "" for reply in replies)
    text = re.sub(r"https?://\S+|\S+@\S+|[\d()+:–-]+", " ", text)
    return re.sub(r"\b(Millbrook|Eastgate|Westfield|Hollins Park|Calderbrook)\b", " ", text)


def assert_in_language(replies: list[dict], language: str) -> None:
    text = prose(replies)
    if language in SCRIPTS:
        letters = [ch for ch in text if ch.isalpha()]
        native = len(re.findall(SCRIPTS[language], text))
        assert native > len(letters) / 2, f"reply is not mostly in {language}'s script: {text}"
    if language not in ("ar", "ur"):  # the detector tells ar from ur by words, not script
        assert detect(text).language == language, f"reply is not in {language}: {text}"


def service_names(stack: object, topic: str, language: str) -> set[str]:
    """Names of the services of `topic`, in English and in `language`."""
    engine = create_engine(stack.database_url)  # type: ignore[attr-defined]
    with engine.connect() as conn:
        ids = list(
            conn.execute(
                select(Service.id)
                .join(ServiceTaxonomy, ServiceTaxonomy.service_id == Service.id)
                .join(TaxonomyTerm, TaxonomyTerm.id == ServiceTaxonomy.taxonomy_term_id)
                .where(TaxonomyTerm.code == topic)
            ).scalars()
        )
        names = set(conn.execute(select(Service.name).where(Service.id.in_(ids))).scalars())
        names |= set(
            conn.execute(
                select(Translation.text).where(
                    Translation.entity_type == "service",
                    Translation.field == "name",
                    Translation.language == language,
                    Translation.entity_id.in_(ids),
                )
            ).scalars()
        )
    engine.dispose()
    return names


def new_sender() -> str:
    return uuid.uuid4().hex[:20]


def pick_answer(buttons: list[dict], topic: str) -> str:
    """The button a parent would press: the topic itself if offered, else a hub or age band."""
    payloads = [b["payload"] for b in buttons]
    if f"/{topic}" in payloads:
        return f"/{topic}"
    usable = [p for p in payloads if "use_postcode" not in p and p != "/help"]
    return (usable or payloads)[0]


def follow_until_services(
    stack: object, sender: str, replies: list[dict], topic: str, language: str
) -> list[dict]:
    """Answer age/area questions with the first usable button until services appear."""
    names = service_names(stack, topic, language)
    seen = all_text(replies)
    for _ in range(3):
        if any(name in seen for name in names):
            break
        buttons = [b for r in replies for b in r.get("buttons") or []]
        assert buttons, f"no services and no question to answer: {seen}"
        replies = say(stack, sender, pick_answer(buttons, topic))
        seen += "\n" + all_text(replies)
    assert any(name in seen for name in names), seen
    return replies


@pytest.mark.parametrize("language", list(MESSAGES))
def test_signposting_in_each_language(stack: object, language: str) -> None:
    sender = new_sender()
    first = say(stack, sender, MESSAGES[language][0])
    assert_in_language(first, language)
    last = follow_until_services(stack, sender, first, "infant_feeding", language)
    assert_in_language(last, language)


@pytest.mark.parametrize("language", list(MESSAGES))
def test_opening_times_in_each_language(stack: object, language: str) -> None:
    replies = say(stack, new_sender(), MESSAGES[language][1])
    seen = all_text(replies)
    assert "Millbrook" in seen
    # Either today's hours (a time of day) or a closure, said in the parent's language.
    assert_in_language(replies, language)


@pytest.mark.parametrize("language", list(MESSAGES))
def test_danger_gets_999_and_the_helpline_in_each_language(stack: object, language: str) -> None:
    sender = new_sender()
    replies = say(stack, sender, MESSAGES[language][2])
    seen = all_text(replies)
    assert "999" in seen
    assert "0808 2000 247" in seen  # National Domestic Abuse Helpline, dialable as written
    assert_in_language(replies, language)
    # The conversation goes on normally afterwards, still in the parent's language.
    replies = say(stack, sender, MESSAGES[language][1])
    assert "Millbrook" in all_text(replies)
    assert_in_language(replies, language)


@pytest.mark.parametrize(
    ("message", "language", "expected"),
    [
        # The three messages the issue asks to try as a new user.
        ("gdzie mogę dostać pomoc z karmieniem piersią", "pl", "infant_feeding"),
        ("ਮੇਰਾ ਬੱਚਾ 2 ਸਾਲ ਦਾ ਹੈ ਅਤੇ ਬੋਲਦਾ ਨਹੀਂ", "pa", "speech_language"),
        ("mujhe universal credit ke bare mein madad chahiye", "ur", "money_benefits"),
    ],
)
def test_issue_examples_are_answered_in_their_language(
    stack: object, message: str, language: str, expected: str
) -> None:
    sender = new_sender()
    first = say(stack, sender, message)
    last = follow_until_services(stack, sender, first, expected, language)
    assert_in_language(last, language)
