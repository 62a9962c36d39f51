"""The safeguarding gate: detection, replies in ten languages, fallback and review flags."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from channels import conversations, safeguarding
from channels.safeguarding import classifier, lexicon
from channels.safeguarding.replies import LANGUAGES
from directory.content import seed_content
from directory.models import Conversation

ISSUE_EXAMPLES = [
    ("he's outside and says he'll kill me", "domestic_abuse"),
    ("I'm 12 and my stepdad hurts me", "child_at_risk"),
    ("I think my baby would be better off without me", "suicide"),
    ("I'm scared I'll hurt the baby", "harm_to_baby"),
    ("I feel like shaking him", "harm_to_baby"),
    ("my baby is not breathing", "medical_emergency"),
    ("baby is turning blue", "medical_emergency"),
    ("she swallowed a button battery", "medical_emergency"),
    ("he drank bleach", "medical_emergency"),
    ("I've been cutting myself again", "self_harm"),
    ("I was raped last night", "sexual_violence"),
    ("mera husband mujhe maar raha hai he is outside", "domestic_abuse"),
    ("main khud ko khatam karna chahti hoon", "suicide"),
    ("I want to go to sleep and not wake up", "suicide"),
    ("I just want to end it all", "suicide"),
    ("i cant do this anymore i just want to die", "suicide"),
    ("HE SAYS HELL KILL ME", "domestic_abuse"),
    ("i wanna kil myself plzzz help", "suicide"),
    ("my babys not breathing!!!", "medical_emergency"),
]

HARD_NEGATIVES = [
    "the wait is killing me",
    "my toddler is killing me with these tantrums",
    "I could murder a coffee",
    "he screams bloody murder at bath time",
    "I'm dying to know when the hub opens",
    "dead tired",
    "baby bit me while feeding",
    "my son hit his sister with a toy",
    "is there a domestic abuse course",
    "how do I get my baby weighed",
    "self harm support group times?",
    "what time is the car seat fitting",
]

ONE_PER_LANGUAGE = {
    "en": ("my husband is hitting me", "domestic_abuse"),
    "pl": ("mąż mnie bije", "domestic_abuse"),
    "ro": ("vreau să mor", "suicide"),
    "pa": ("ਬੱਚਾ ਸਾਹ ਨਹੀਂ ਲੈ ਰਿਹਾ", "medical_emergency"),
    "ur": ("میں خودکشی کرنا چاہتی ہوں", "suicide"),
    "pt": ("o bebé não respira", "medical_emergency"),
    "es": ("mi marido me pega", "domestic_abuse"),
    "ar": ("زوجي يضربني", "domestic_abuse"),
    "bn": ("আমি মরে যেতে চাই", "suicide"),
    "uk": ("дитина не дихає", "medical_emergency"),
}

# Script each language's reply must be written in (beyond the ASCII numbers and names).
SCRIPTS = {
    "ar": r"[\u0600-\u06FF]",
    "ur": r"[\u0600-\u06FF]",
    "pa": r"[\u0A00-\u0A7F]",
    "bn": r"[\u0980-\u09FF]",
    "uk": r"[\u0400-\u04FF]",
    "pl": r"[ąęłńśźżó]",
    "ro": r"[ăâîșț]",
    "pt": r"[ãõçáéêó]",
    "es": r"[ñáéíóú¿]",
    "en": r"[a-z]",
}
HELPLINES = {
    "domestic_abuse": "0808 2000 247",
    "child_at_risk": "0808 800 5000",
    "suicide": "116 123",
    "self_harm": "116 123",
    "harm_to_baby": "0800 448 0737",
    "medical_emergency": "111",
    "sexual_violence": "0808 500 2222",
}
NON_ASCII_DIGITS = re.compile(r"[\u0660-\u0669\u06F0-\u06F9\u09E6-\u09EF\u0A66-\u0A6F]")


@pytest.mark.parametrize(("text", "category"), ISSUE_EXAMPLES)
def test_issue_examples_are_caught_with_the_right_category(text: str, category: str) -> None:
    result = safeguarding.check(text)
    assert result is not None
    assert category in result.categories


@pytest.mark.parametrize("text", HARD_NEGATIVES)
def test_everyday_alarming_words_are_not_disclosures(text: str) -> None:
    assert safeguarding.check(text) is None


@pytest.mark.parametrize("language", LANGUAGES)
def test_one_disclosure_per_language_is_caught(language: str) -> None:
    text, category = ONE_PER_LANGUAGE[language]
    result = safeguarding.check(text)
    assert result is not None
    assert category in result.categories


def test_result_says_what_found_it() -> None:
    result = safeguarding.check("he hit me")
    assert result is not None
    assert result.matched_by in {"lexicon", "classifier", "lexicon+classifier"}
    assert 0.0 < result.score <= 1.0


def test_a_negative_phrase_does_not_hide_a_disclosure_in_the_same_message() -> None:
    result = safeguarding.check("the wait is killing me. also my partner hit me last night")
    assert result is not None
    assert "domestic_abuse" in result.categories


@pytest.mark.parametrize(
    ("text", "category"),
    [
        ("grupa wsparcia w czwartek? maz mnie bije codziennie", "domestic_abuse"),
        ("maz mnie bije codziennie. grupa wsparcia w czwartek?", "domestic_abuse"),
        ("support group on thursday? my partner hit me again last night", "domestic_abuse"),
    ],
)
def test_a_negative_with_free_words_around_it_hides_only_its_own_phrase(
    text: str, category: str
) -> None:
    result = safeguarding.check(text)
    assert result is not None and category in result.categories, result


def test_negative_patterns_have_no_free_words_at_their_edges() -> None:
    from channels.safeguarding.lexicon import without_free_edges

    assert without_free_edges(r"\bgrup\w* wsparcia\b(?: \S+){0,6}") == r"\bgrup\w* wsparcia\b"
    assert without_free_edges(r"(?:\S+ ){0,5}support group.{0,9}") == "support group"
    assert without_free_edges(r"\bnews\b.{0,40}\bswallowed\b") == r"\bnews\b.{0,40}\bswallowed\b"


@pytest.mark.parametrize(
    "lead_in",
    [
        "in the news today",
        "on the telly last night",
        "i saw on the news",
        "watched a documentary about suicide",
        "the wait is killing me",
        "my feet are killing me lol",
        "i could die of embarrassment",
        "read an article about domestic violence",
    ],
)
@pytest.mark.parametrize(
    ("disclosure", "category"),
    [
        ("my partner hit me again last night", "domestic_abuse"),
        ("i want to end my life", "suicide"),
    ],
)
def test_negative_lead_ins_never_hide_the_words_after_them(
    lead_in: str, disclosure: str, category: str
) -> None:
    """Negatives blank what they match; a parent may go straight on to their own danger."""
    result = safeguarding.check(f"{lead_in} {disclosure}")
    assert result is not None and category in result.categories, result


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "a" * 10_000,
        "kill " * 3000,
        "😀😭🔪💊" * 50,
        "\x00\x01\x02\ufffd\ud7ff" * 100,
        "<script>alert('x')</script><b>hi</b>",
        "١٢٣٤ ০১২৩ ੦੧੨",
        "‮RTL override‬ ‏",
    ],
)
def test_check_never_raises_on_odd_input(text: str) -> None:
    result = safeguarding.check(text)
    assert result is None or isinstance(result, safeguarding.SafeguardingResult)


def test_check_handles_non_string_input() -> None:
    assert safeguarding.check(None) is None  # type: ignore[arg-type]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("category", list(HELPLINES))
def test_replies_give_999_and_the_helpline_in_the_language(
    session: Session, language: str, category: str
) -> None:
    seed_content(session)
    result = safeguarding.SafeguardingResult((category,), "lexicon", 1.0)
    out = safeguarding.replies(
        result, language, session=session, recipient_id="web-abc", channel="web"
    )
    text = "\n".join(r["text"] for r in out)
    assert "999" in text
    assert HELPLINES[category] in text
    assert re.search(SCRIPTS[language], text.casefold())
    assert not NON_ASCII_DIGITS.search(text)
    assert all(r["recipient_id"] == "web-abc" for r in out)
    buttons = [b for r in out for b in r.get("buttons", [])]
    assert any(b["payload"] == "/human_handoff" for b in buttons)
    assert "01632 960000" in text


def test_web_channel_gets_the_leave_quickly_hint_and_telegram_does_not(session: Session) -> None:
    seed_content(session)
    result = safeguarding.SafeguardingResult(("domestic_abuse",), "lexicon", 1.0)
    web = safeguarding.replies(result, "en", session=session, recipient_id="w", channel="web")
    tg = safeguarding.replies(result, "en", session=session, recipient_id="t", channel="telegram")
    assert any("Leave quickly" in r["text"] for r in web)
    assert not any("Leave quickly" in r["text"] for r in tg)


def test_medical_emergency_puts_999_first(session: Session) -> None:
    seed_content(session)
    result = safeguarding.SafeguardingResult(("medical_emergency",), "lexicon", 1.0)
    out = safeguarding.replies(result, "en", session=session, recipient_id="w", channel="web")
    assert out[0]["text"].startswith("Call 999 now")


def test_replies_fall_back_to_shipped_texts_when_the_database_is_unreachable() -> None:
    broken = create_engine("postgresql+psycopg://nobody:nothing@127.0.0.1:1/none")
    with Session(broken) as session:
        for language in ("en", "ar", "pa"):
            result = safeguarding.SafeguardingResult(("suicide",), "lexicon", 1.0)
            out = safeguarding.replies(
                result, language, session=session, recipient_id="tg-1", channel="telegram"
            )
            text = "\n".join(r["text"] for r in out)
            assert "999" in text and "116 123" in text
            assert re.search(SCRIPTS[language], text.casefold())
            assert any(b["payload"] == "/human_handoff" for r in out for b in r.get("buttons", []))


def test_replies_use_shipped_texts_when_the_store_is_empty(session: Session) -> None:
    result = safeguarding.SafeguardingResult(("sexual_violence",), "lexicon", 1.0)
    out = safeguarding.replies(result, "uk", session=session, recipient_id="w", channel="web")
    text = "\n".join(r["text"] for r in out)
    assert "0808 500 2222" in text and re.search(SCRIPTS["uk"], text.casefold())


def test_unknown_language_gets_english(session: Session) -> None:
    seed_content(session)
    result = safeguarding.SafeguardingResult(("self_harm",), "lexicon", 1.0)
    out = safeguarding.replies(result, "fr", session=session, recipient_id="w", channel="web")
    assert "Samaritans" in "\n".join(r["text"] for r in out)


def test_flag_conversation_sets_the_flag_without_storing_text(session: Session) -> None:
    safeguarding.flag_conversation(session, "web-123", "web", ("suicide",))
    safeguarding.flag_conversation(session, "web-123", "web", ("suicide", "self_harm"))
    row = session.scalars(select(Conversation).where(Conversation.id == "web-123")).one()
    assert row.flagged_for_review is True
    assert row.flag_categories == "suicide,self_harm"
    assert row.started_at is not None and row.last_seen_at is not None
    stored = " ".join(str(getattr(row, c.key)) for c in Conversation.__table__.columns)
    assert "kill" not in stored and "die" not in stored


def test_flag_conversation_works_inside_the_pipelines_transaction(session: Session) -> None:
    conversation = conversations.get_or_create(session, "tg-9", "telegram")
    conversations.record_turn(conversation, "pl")
    safeguarding.flag_conversation(session, "tg-9", "telegram", ("domestic_abuse",))
    session.commit()
    row = session.get(Conversation, "tg-9")
    assert row is not None and row.flagged_for_review and row.language == "pl"


def test_classifier_threshold_is_chosen_on_training_data_only() -> None:
    model = classifier.get_model()
    examples = classifier.load_examples()
    assert len({e.language for e in examples}) == 10
    assert "heldout" not in str(classifier.TRAINING_FILE)
    assert model.threshold > 0


def test_every_lexicon_file_covers_every_category() -> None:
    files = lexicon.load_files()
    assert set(files) == set(LANGUAGES)
    for language, data in files.items():
        assert set(data["categories"]) == set(safeguarding.CATEGORIES), language
        assert data.get("negatives"), language


# Families of disclosure added for recall (new wordings, not copied from any evaluation file).
FAMILY_EXAMPLES = [
    ("he rammed me into the bannister and held my throat", "domestic_abuse"),
    ("my ex sits in his car outside my work every day", "domestic_abuse"),
    ("i'm 9 and i've been by myself since yesterday with no food", "child_at_risk"),
    ("i can hear the man next door beating his little boy", "child_at_risk"),
    ("i have written a goodbye note for my husband", "suicide"),
    ("they'd all be happier if i was gone", "suicide"),
    ("the urge to cut is really strong tonight", "self_harm"),
    ("i nearly shook her when she wouldn't stop screaming", "harm_to_baby"),
    ("her lips have gone a grey colour", "medical_emergency"),
    ("he bit into a liquitab and is coughing", "medical_emergency"),
    ("he pinned me down and i said no", "sexual_violence"),
]
FAMILY_NEGATIVES = [
    "my 2 year old slapped me when i took his phone away",
    "my boss will kill me for being late",
    "shoot me now, it's raining again",
    "is there a self harm support group for parents",
    "he bumped his head on the table but seems fine",
    "she threw her shoes across the room in a tantrum",
]


@pytest.mark.parametrize(("text", "category"), FAMILY_EXAMPLES)
def test_disclosure_families_are_caught(text: str, category: str) -> None:
    result = safeguarding.check(text)
    assert result is not None
    assert category in result.categories


@pytest.mark.parametrize("text", FAMILY_NEGATIVES)
def test_family_hard_negatives_are_not_disclosures(text: str) -> None:
    assert safeguarding.check(text) is None


def test_a_negative_pattern_also_masks_the_squeezed_form() -> None:
    # "samookaleczają" matches a Polish self-harm phrase; the support-group negative must hide it.
    assert safeguarding.check("czy jest grupa wsparcia dla osób które się samookaleczają") is None


def test_validation_set_regression_guard() -> None:
    from channels.safeguarding.validate import evaluate

    tallies = evaluate()
    caught = sum(t.caught for t in tallies.values())
    disclosures = sum(t.disclosures for t in tallies.values())
    alarms = sum(t.false_alarms for t in tallies.values())
    negatives = sum(t.negatives for t in tallies.values())
    assert len(tallies) == 10
    assert caught / disclosures >= 0.95
    assert alarms / negatives <= 0.02


def test_training_corpus_covers_every_language_and_category() -> None:
    corpus = classifier.load_corpus()
    for language in LANGUAGES:
        rows = [e for e in corpus if e.language == language]
        disclosures = [e for e in rows if e.category != classifier.NONE]
        least = 250 if language == "en" else 120
        assert len(disclosures) >= least, language
        assert len(rows) - len(disclosures) >= least, language
        for category in safeguarding.CATEGORIES:
            assert sum(e.category == category for e in disclosures) >= 15, (language, category)
        header = (classifier.CORPUS_DIR / f"{language}.yml").read_text(encoding="utf-8")[:300]
        assert "needs native review" in header


def test_model_cache_round_trip_and_key(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    model = classifier.get_model()
    path = tmp_path / "model.npz"
    classifier._save_cache(model, "key-1", path)
    loaded = classifier._load_cache("key-1", path)
    assert loaded is not None and loaded.threshold == model.threshold
    assert loaded.concern_threshold == model.concern_threshold
    assert classifier._load_cache("key-2", path) is None  # changed data: rebuild
    assert classifier._load_cache("key-1", tmp_path / "missing.npz") is None
    assert len(classifier.data_key()) == 64


def test_the_check_in_tier_sits_below_the_disclosure_bar() -> None:
    model = classifier.get_model()
    assert 0 < model.concern_threshold <= model.threshold
    # Ordinary questions stay below both tiers.
    for text in ("what time is stay and play on tuesday", "how do i apply for free childcare"):
        assert safeguarding.check(text) is None
        assert safeguarding.possible_concern(text) is None


def test_a_possible_concern_gets_a_check_in_with_999_in_every_language() -> None:
    from channels.safeguarding.replies import build_concern_replies

    for language in ("en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk"):
        replies = build_concern_replies(
            "suicide", language, session=None, recipient_id="r", channel="web"
        )
        text = "\n".join(r["text"] for r in replies)
        assert "999" in text and "116 123" in text, language
        assert any(b["payload"] == "/human_handoff" for r in replies for b in r.get("buttons", []))
