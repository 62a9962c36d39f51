"""Language identification and the sticky conversation language."""

from __future__ import annotations

import pytest

from channels.language import (
    SUPPORTED,
    Detection,
    LanguageDecision,
    decide_language,
    detect,
    language_choice_from_text,
    normalise_language_tag,
)

# Natural parent questions, written for these tests (not taken from the eval data).
PARENT_QUESTIONS = [
    ("en", "Hi, is there a stay and play session near me this week for my toddler?"),
    ("en", "my son is 3 and still not talking, who can I speak to about it"),
    ("pl", "Dzień dobry, czy jest w pobliżu jakaś grupa dla mam z małymi dziećmi?"),
    ("pl", "moj syn ma 3 lata i jeszcze nie mowi, gdzie moge dostac pomoc"),
    ("ro", "Bună ziua, unde pot găsi ajutor pentru copilul meu care nu doarme noaptea?"),
    ("ro", "fetita mea are doi ani si nu vorbeste inca, ce pot sa fac"),
    ("pa", "ਮੇਰੇ ਬੱਚੇ ਦੀ ਬੋਲੀ ਬਾਰੇ ਮੈਨੂੰ ਮਦਦ ਕਿੱਥੋਂ ਮਿਲ ਸਕਦੀ ਹੈ?"),
    ("ur", "میرا بیٹا تین سال کا ہے اور ابھی تک بات نہیں کرتا، مجھے کہاں سے مدد مل سکتی ہے؟"),
    ("pt", "Olá, o meu bebé não dorme bem à noite, onde posso pedir ajuda?"),
    ("pt", "minha filha tem dois anos e ainda nao fala, quem pode me ajudar"),
    ("es", "Hola, ¿hay algún grupo de juego para niños pequeños cerca de mi casa?"),
    ("es", "mi hijo tiene tres años y todavia no habla, donde puedo pedir ayuda"),
    ("ar", "مرحبا، ابني عمره ثلاث سنوات ولا يتكلم بعد، أين يمكنني أن أجد المساعدة؟"),
    ("bn", "আমার ছেলের বয়স তিন বছর, সে এখনও কথা বলে না, কোথায় সাহায্য পাব?"),
    ("uk", "Доброго дня, мій син ще не говорить, де я можу отримати допомогу?"),
    ("uk", "Де найближчий сімейний центр і коли він відкритий?"),
]


@pytest.mark.parametrize(("code", "text"), PARENT_QUESTIONS)
def test_parent_questions_are_detected(code: str, text: str) -> None:
    assert detect(text).language == code


@pytest.mark.parametrize(
    ("text", "code", "method"),
    [
        ("ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ", "pa", "script:gurmukhi"),
        ("নমস্কার", "bn", "script:bengali"),
        ("Привіт", "uk", "script:cyrillic"),
        ("مدد چاہیے", "ur", "script:arabic"),
        ("مساعدة", "ar", "script:arabic"),
    ],
)
def test_script_cues(text: str, code: str, method: str) -> None:
    found = detect(text)
    assert (found.language, found.method) == (code, method)


def test_ukrainian_letters_raise_confidence_and_russian_still_maps_to_ukrainian() -> None:
    assert detect("Їжа і житло для сім'ї").confidence > detect("Где мой ребёнок?").confidence
    assert detect("Здравствуйте, мы ищем детский сад").language == "uk"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("کیا آپ میری مدد کر سکتے ہیں؟", "ur"),
        ("میرے بچے کے اسکول کے بارے میں سوال ہے", "ur"),
        ("بچوں کے کھیلنے کی جگہ کہاں ہے", "ur"),
        ("هل يمكنكم مساعدتي في العثور على حضانة؟", "ar"),
        ("أريد معلومات عن الخدمات التي تقدمونها للأطفال", "ar"),
        ("ما هي مواعيد فتح المركز؟", "ar"),
    ],
)
def test_arabic_and_urdu_are_told_apart(text: str, code: str) -> None:
    assert detect(text).language == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("mujhe universal credit ke bare mein madad chahiye", "ur"),
        ("mera bacha bolta nahi", "ur"),
        ("kya aap meri madad kar sakte hain", "ur"),
        ("mainu tuhadi madad chahidi hai", "pa"),
        ("mera bacha nahi bolda", "pa"),
    ],
)
def test_roman_urdu_and_punjabi(text: str, code: str) -> None:
    assert detect(text).language == code


@pytest.mark.parametrize(
    "text",
    [
        "hai sa mergem la parc cu copiii",
        "I want to know about the Hindi classes at the library",
        "Is the hub open at Diwali and Eid?",
    ],
)
def test_roman_urdu_cue_is_not_triggered_by_other_languages(text: str) -> None:
    assert not detect(text).method.startswith("wordlist:")


@pytest.mark.parametrize("text", ["", "   ", "2", "12345", "👍", "👍🙏❤️", "CK1 4QP", "/affirm"])
def test_nothing_to_detect(text: str) -> None:
    assert detect(text).language is None


def test_english_service_names_do_not_outweigh_the_parents_language() -> None:
    assert detect("czy moge dostac free school meals dla syna").language == "pl"
    decision = decide_language("Universal Credit and Child Benefit", "pl")
    assert decision.language == "pl"


# --- sticky conversation language ------------------------------------------------------


@pytest.mark.parametrize(
    "text", ["ok", "yes", "tak", "2", "CK1 4QP", "👍", "/affirm", "thank you very much"]
)
def test_short_replies_never_flip_a_polish_conversation(text: str) -> None:
    decision = decide_language(text, "pl", hint="en-GB")
    assert decision == LanguageDecision("pl", False, decision.reason)


def test_explicit_choice_always_wins() -> None:
    decision = decide_language("Dzień dobry, potrzebuję pomocy z przedszkolem", "pl", explicit="uk")
    assert decision == LanguageDecision("uk", True, "explicit choice")


def test_typed_language_request_switches() -> None:
    assert decide_language("po polsku proszę", "en").language == "pl"
    assert decide_language("/language es", "en").language == "es"


def test_long_confident_english_switches_an_urdu_conversation() -> None:
    decision = decide_language("Could you tell me when the baby weigh-in is on this week?", "ur")
    assert decision.language == "en" and decision.switched


def test_hint_is_used_for_the_first_short_message() -> None:
    assert decide_language("ok", None, hint="pl-PL").language == "pl"
    assert decide_language("👍", None, hint="uk").language == "uk"
    assert decide_language("ok", None).language == "en"
    assert decide_language("hi", None, hint="xx").language == "en"


def test_first_long_message_beats_the_hint() -> None:
    decision = decide_language("Bună ziua, caut un grup de joacă pentru copii mici", None, "en")
    assert decision == LanguageDecision("ro", False, decision.reason)


def test_first_short_message_with_own_letters_and_no_hint() -> None:
    assert decide_language("dzień dobry", None).language == "pl"


def test_a_different_script_switches_even_when_short() -> None:
    assert decide_language("ਮੈਨੂੰ ਮਦਦ ਚਾਹੀਦੀ ਹੈ", "pl").language == "pa"
    assert decide_language("مدد", "en").language == "ur"


def test_same_script_short_message_keeps_arabic_or_urdu() -> None:
    assert decide_language("شکریہ", "ar").language == "ar"
    assert decide_language("شكرا", "ur").language == "ur"


def test_short_arabic_script_first_message_follows_an_arabic_script_hint() -> None:
    assert decide_language("سلام", None, hint="ur-PK").language == "ur"
    assert decide_language("سلام", None, hint="ar").language == "ar"


def test_uncertain_or_unsupported_text_keeps_the_language() -> None:
    assert decide_language("नमस्ते, मुझे मदद चाहिए", "pl").language == "pl"
    assert decide_language("obrigada pela ajuda", "es").language == "es"


def test_reason_never_contains_the_message() -> None:
    text = "Could you tell me when the baby weigh-in is on this week?"
    assert "weigh" not in decide_language(text, "ur").reason


# --- tags and typed choices --------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "code"),
    [
        ("pl-PL", "pl"),
        ("pt-BR", "pt"),
        ("pt_PT", "pt"),
        ("uk-UA", "uk"),
        ("pa-IN", "pa"),
        ("pa-Guru", "pa"),
        ("ur-PK", "ur"),
        ("EN", "en"),
        ("es-419", "es"),
        ("ara", "ar"),
        ("ru", None),
        ("de-DE", None),
        ("", None),
        (None, None),
        ("   ", None),
    ],
)
def test_normalise_language_tag(tag: str | None, code: str | None) -> None:
    assert normalise_language_tag(tag) == code


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("polski", "pl"),
        ("in Polish", "pl"),
        ("Polish please", "pl"),
        ("urdu", "ur"),
        ("ਪੰਜਾਬੀ", "pa"),
        ("español", "es"),
        ("espanol", "es"),
        ("Română", "ro"),
        ("عربي", "ar"),
        ("বাংলা", "bn"),
        ("українською", "uk"),
        ("/language pl", "pl"),
        ('/change_language{"language":"bn"}', "bn"),
        ("em português, por favor", "pt"),
        ("can you speak English", "en"),
        ("اردو میں", "ur"),
        ("русский", None),
        ("my son speaks Polish at home and English at school", None),
        ("Polish and English", None),
        ("hello", None),
        ("", None),
    ],
)
def test_language_choice_from_text(text: str, code: str | None) -> None:
    assert language_choice_from_text(text) == code


# --- odd input ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "",
        " \t\n ",
        "🙂" * 50,
        "a" * 10_000,
        "Dzień dobry " * 1000,
        "\x00\x01\x02hello\x7f",
        "ਸਤਿ ਸ੍ਰੀ ਅਕਾਲ hello مرحبا Привіт নমস্কার",
        "\u200f\u202e",
        "http://example.com jo@example.com",
        "\ud800",  # lone surrogate
    ],
)
def test_odd_input_never_raises(text: str) -> None:
    found = detect(text)
    assert isinstance(found, Detection)
    assert found.language is None or found.language in SUPPORTED
    for current in (None, "pl", "ur", "nonsense"):
        decision = decide_language(text, current, hint="??", explicit="??")
        assert decision.language in SUPPORTED
    assert language_choice_from_text(text) in (*SUPPORTED, None)


def test_long_text_is_fast_enough_and_truncated() -> None:
    assert detect("where is the nearest family hub " * 2000).language == "en"


def test_hub_names_are_not_taken_as_language_evidence() -> None:
    """A hub name ("Millbrook") tipped this short Portuguese question to Spanish."""
    from channels import language

    language.set_place_names(["Millbrook", "Hollins Park"])
    try:
        assert language.detect("o millbrook está aberto hoje").language == "pt"
        assert language.detect("está abierto millbrook hoy").language == "es"
        assert language.detect("czy hollins park jest dzisiaj otwarty").language == "pl"
    finally:
        language.set_place_names([])
