"""Every response an action sends exists in the domain, and every action is registered."""

from __future__ import annotations

import re
from typing import Any

import yaml

from tests.conftest import REPO_ROOT

ACTIONS_DIR = REPO_ROOT / "actions"


def _domain() -> dict[str, Any]:
    merged: dict[str, Any] = {"responses": {}, "actions": [], "forms": {}}
    for path in sorted((REPO_ROOT / "bot" / "domain").glob("*.yml")):
        data = yaml.safe_load(path.read_text())
        merged["responses"].update(data.get("responses") or {})
        merged["actions"] += data.get("actions") or []
        merged["forms"].update(data.get("forms") or {})
    return merged


def test_every_response_used_by_an_action_is_in_the_domain() -> None:
    responses = _domain()["responses"]
    used: set[str] = set()
    for path in ACTIONS_DIR.glob("*.py"):
        used |= set(re.findall(r"\"(utter_[a-z0-9_]+)\"", path.read_text()))
    missing = sorted(u for u in used if u not in responses)
    assert not missing, missing


def test_every_action_class_is_declared_in_the_domain() -> None:
    declared = set(_domain()["actions"])
    names: set[str] = set()
    for path in ACTIONS_DIR.glob("*.py"):
        names |= set(re.findall(r'return "((?:action|validate)_[a-z_]+)"', path.read_text()))
    assert names and names <= declared, sorted(names - declared)


def test_payload_placeholders_are_whole_payloads() -> None:
    """JSON payloads are passed as arguments, so `{...}` templating never breaks them."""
    for name, variants in _domain()["responses"].items():
        for button in variants[0].get("buttons") or []:
            payload = button["payload"]
            assert payload.startswith("/") or re.fullmatch(r"\{[a-z_0-9]+\}", payload), name
            assert "{" not in payload or re.fullmatch(r"\{[a-z_0-9]+\}", payload), name


def test_tone_emergency_and_not_medical() -> None:
    responses = _domain()["responses"]
    assert "999" in responses["utter_greet"][0]["text"]
    privacy = responses["utter_privacy"][0]["text"]
    assert "30 days" in privacy and "social services" in privacy and "forget me" in privacy
    unavailable = responses["utter_directory_unavailable"][0]["text"]
    assert "01632 960000" in unavailable
