"""The translation files keep step with the English texts.

Every English response in `bot/domain/*.yml` (first variant, as the content store seeds it)
and every key of `directory/content/gate.yml` must have a text in each
`directory/content/translations_<lang>.yml`, with the same `{placeholders}`, the same button
payloads in the same order, and every phone number, email, web address and example postcode
copied exactly (ASCII digits, so they can be dialled).
"""

from __future__ import annotations

import copy
import re
import string
import unicodedata
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from directory.content import CONTENT_DIR, DOMAIN_DIR, domain_defaults

LANGUAGES = ("pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk")
GATE_FILE = CONTENT_DIR / "gate.yml"

# Things a parent must be able to dial, type or click exactly as in English.
VERBATIM = re.compile(
    r"https?://\S+?(?=[.,;:)]?(?:\s|$))"  # web addresses (without trailing punctuation)
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # email addresses
    r"|\b0\d{3,4}(?: ?\d{3,4}){1,2}\b"  # UK phone numbers
    r"|\b999\b|\b55\b"  # emergency number, and "press 55" on a silent 999 call
    r"|\b[A-Z]{1,2}\d{1,2} \d[A-Z]{2}\b"  # example postcodes
)
BIDI_CONTROLS = set("\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

Entry = dict[str, Any]


def english_texts(domain_dir: Path = DOMAIN_DIR, gate_file: Path = GATE_FILE) -> dict[str, Entry]:
    """Every English text the bot can send, by key: domain responses and gate messages."""
    texts = {key: langs["en"] for key, langs in domain_defaults(domain_dir).items()}
    gate = yaml.safe_load(gate_file.read_text(encoding="utf-8")) or {}
    for key, langs in gate.items():
        entry = langs["en"]
        texts[key] = {"text": entry, "buttons": []} if isinstance(entry, str) else entry
    return texts


def load_translations(language: str, content_dir: Path = CONTENT_DIR) -> dict[str, Any]:
    path = content_dir / f"translations_{language}.yml"
    return yaml.safe_load(path.read_text(encoding="utf-8")) or {}


def placeholders(text: str) -> set[str]:
    """The `{names}` in a template, as the content store's `fill` sees them."""
    try:
        return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}
    except ValueError as exc:  # unbalanced braces
        return {f"<unparseable: {exc}>"}


def problems(english: dict[str, Entry], language: str, translations: dict[str, Any]) -> list[str]:
    """Everything that keeps `translations` from matching `english`; empty when they match."""
    found: list[str] = []
    for key in sorted(set(translations) - set(english)):
        found.append(f"{key}: not an English key (stale or misspelt)")
    for key, en in english.items():
        langs = translations.get(key)
        if not isinstance(langs, dict) or language not in langs:
            found.append(f"{key}: no {language} text")
            continue
        if set(langs) != {language}:
            found.append(f"{key}: other languages in the {language} file: {sorted(langs)}")
        entry = langs[language]
        if isinstance(entry, str):
            entry = {"text": entry}
        if not isinstance(entry, dict):
            found.append(f"{key}: entry is not a mapping")
            continue
        text = str(entry.get("text") or "").strip()
        en_text = str(en.get("text") or "")
        if not text:
            found.append(f"{key}: empty text")
            continue
        if placeholders(text) != placeholders(en_text):
            found.append(
                f"{key}: placeholders {sorted(placeholders(text))} "
                f"!= English {sorted(placeholders(en_text))}"
            )
        for token in VERBATIM.findall(en_text):
            if token not in text:
                found.append(f"{key}: {token!r} not copied exactly")
        odd_digits = {ch for ch in text if unicodedata.category(ch) == "Nd" and not ch.isascii()}
        if odd_digits:
            found.append(f"{key}: non-ASCII digits {sorted(odd_digits)}")
        if BIDI_CONTROLS & set(text):
            found.append(f"{key}: bidi control characters")
        en_buttons = list(en.get("buttons") or [])
        buttons = list(entry.get("buttons") or [])
        en_payloads = [b["payload"] for b in en_buttons]
        payloads = [b.get("payload") for b in buttons if isinstance(b, dict)]
        if payloads != en_payloads:
            found.append(f"{key}: button payloads {payloads} != English {en_payloads}")
        for en_button, button in zip(en_buttons, buttons, strict=False):
            title = str(button.get("title") or "").strip() if isinstance(button, dict) else ""
            if not title:
                found.append(f"{key}: button {en_button['payload']} has no title")
            elif placeholders(title) != placeholders(str(en_button.get("title", ""))):
                found.append(f"{key}: button {en_button['payload']} title placeholders differ")
        unknown = set(entry) - {"text", "buttons", "needs_review"}
        if unknown:
            found.append(f"{key}: unknown fields {sorted(unknown)}")
    return found


@pytest.fixture(scope="module")
def english() -> dict[str, Entry]:
    return english_texts()


def test_english_texts_are_found(english: dict[str, Entry]) -> None:
    assert len(english) > 50
    assert "utter_greet" in english and "gate_trouble" in english


@pytest.mark.parametrize("language", LANGUAGES)
def test_translation_file_matches_english(english: dict[str, Entry], language: str) -> None:
    assert problems(english, language, load_translations(language)) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translation_file_says_it_needs_native_review(language: str) -> None:
    head = (CONTENT_DIR / f"translations_{language}.yml").read_text(encoding="utf-8")[:2000]
    assert "native speaker" in head.lower()


def drop_key(t: dict[str, Any]) -> None:
    del t["utter_greet"]


def change_payload(t: dict[str, Any]) -> None:
    t["utter_greet"]["pl"]["buttons"][0]["payload"] = "/karmienie"


def reorder_buttons(t: dict[str, Any]) -> None:
    t["utter_greet"]["pl"]["buttons"].reverse()


def drop_button(t: dict[str, Any]) -> None:
    t["utter_handoff_general"]["pl"]["buttons"].pop()


def rename_placeholder(t: dict[str, Any]) -> None:
    t["utter_hub_open_now"]["pl"]["text"] = "{centrum} jest otwarte do {closes}: {phone}"


def drop_phone(t: dict[str, Any]) -> None:
    t["gate_trouble"]["pl"]["text"] = "Przepraszamy, zadzwoń pod 999."


def eastern_digits(t: dict[str, Any]) -> None:
    t["utter_ask_postcode"]["pl"]["text"] = "CK1 1LB ٩٩٩"


def extra_key(t: dict[str, Any]) -> None:
    t["utter_no_such_thing"] = {"pl": {"text": "?"}}


BREAKAGES = [
    drop_key,
    change_payload,
    reorder_buttons,
    drop_button,
    rename_placeholder,
    drop_phone,
    eastern_digits,
    extra_key,
]


@pytest.mark.parametrize("breakage", BREAKAGES, ids=lambda f: f.__name__)
def test_the_check_catches(english: dict[str, Entry], breakage: Callable[[Any], None]) -> None:
    """The check can fail: each kind of drift from the English is reported."""
    broken = copy.deepcopy(load_translations("pl"))
    assert problems(english, "pl", broken) == []
    breakage(broken)
    assert problems(english, "pl", broken), f"{breakage.__name__} went unnoticed"
