"""The rule-based entity extractor: ages, pregnancy, postcodes, places, days and sessions."""

from __future__ import annotations

import pytest

from actions.entities import (
    Place,
    PlaceIndex,
    extract,
    extract_age,
    extract_day,
    extract_session_kind,
    find_postcode,
    place_phrases,
)


@pytest.mark.parametrize(
    ("text", "months"),
    [
        ("my 18 month old won't eat", 18.0),
        ("18-month-old", 18.0),
        ("she's 18months", 18.0),
        ("my 2 year old hits", 24.0),
        ("2yo tantrums", 24.0),
        ("he's 3", 36.0),
        ("she is two and a half", 30.0),
        ("a year and a half", 18.0),
        ("my baby is 6 weeks old", 1.4),
        ("newborn baby won't settle", 0.5),
        ("my 15 year old is getting into trouble", 180.0),
        ("worried about my teenager", 180.0),
        ("my toddler bites", 24.0),
        ("aged 7", 84.0),
        ("twelve year old son", 144.0),
    ],
)
def test_ages_in_words_and_numbers(text: str, months: float) -> None:
    assert extract_age(text)[0] == months


@pytest.mark.parametrize(
    "text",
    [
        "a year ago we moved",
        "it's 10 minutes walk",
        "there are 3 kids",
        "open for 1 hour",
        "is there a breastfeeding group",
    ],
)
def test_no_age_where_none_is_said(text: str) -> None:
    assert extract_age(text)[0] is None


@pytest.mark.parametrize(
    "text", ["I'm pregnant", "we're expecting", "I am 20 weeks pregnant", "7 months pregnant"]
)
def test_pregnancy_is_not_a_childs_age(text: str) -> None:
    assert extract_age(text) == (None, True)


def test_pregnant_with_an_older_child_keeps_both() -> None:
    assert extract_age("I'm pregnant and my son is 18 months old") == (18.0, True)


def test_a_bare_number_is_years_only_when_the_age_was_asked() -> None:
    assert extract_age("2")[0] is None
    assert extract_age("2", expect_age=True)[0] == 24.0
    assert extract_age("he's 14", expect_age=True)[0] == 168.0


@pytest.mark.parametrize(
    ("text", "day", "time_of_day"),
    [
        ("is it open today", "today", None),
        ("is it open now", "today", None),
        ("anything tomorrow", "tomorrow", None),
        ("what's on this weekend", "weekend", None),
        ("any stay and play on tuesdays", "tuesday", None),
        ("saturday morning", "saturday", "morning"),
        ("something after school on thurs", "thursday", "after_school"),
        ("in the evening", None, "evening"),
        ("where is the hub", None, None),
    ],
)
def test_days_and_times(text: str, day: str | None, time_of_day: str | None) -> None:
    assert extract_day(text) == (day, time_of_day)


@pytest.mark.parametrize(
    ("text", "postcode"),
    [
        ("CK1 1LB", "CK1 1LB"),
        ("my postcode is ck11lb", "CK1 1LB"),
        ("near  CK2   3AB please", "CK2 3AB"),
        ("no postcode here", None),
        ("CK1", None),
    ],
)
def test_postcodes(text: str, postcode: str | None) -> None:
    assert find_postcode(text) == postcode


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("any stay and play on tuesday", "stay_and_play"),
        ("anything for dads on saturday", "dads_group"),
        ("where can I get my baby weighed", "weigh_in"),
        ("is there a youth club", "youth_club"),
        ("what's on this week", None),
    ],
)
def test_session_kinds(text: str, kind: str | None) -> None:
    assert extract_session_kind(text) == kind


def test_place_phrases_drop_hub_words() -> None:
    phrases = place_phrases("Calderbrook Central", "Calderbrook Central Family Hub", "Town Centre")
    assert {"calderbrook central", "calderbrook central family hub", "town centre"} <= set(phrases)


def test_places_are_found_case_insensitively_and_refreshed() -> None:
    index = PlaceIndex(
        [Place("eastgate", "Eastgate", "id-e"), Place("hollins park", "Hollins Park", "id-h")]
    )
    assert index.find("near Eastgate please").location_id == "id-e"  # type: ignore[union-attr]
    assert index.find("HOLLINS PARK hub").name == "Hollins Park"  # type: ignore[union-attr]
    assert index.find("somewhere else") is None
    index.refresh([Place("new town", "New Town", "id-n")])  # a hub staff just added
    assert index.find("new town").location_id == "id-n"  # type: ignore[union-attr]
    assert index.find("eastgate") is None


def test_longest_place_wins() -> None:
    index = PlaceIndex(
        [Place("millbrook", "Millbrook", "a"), Place("millbrook village", "Millbrook Village", "b")]
    )
    assert index.find("in millbrook village").location_id == "b"  # type: ignore[union-attr]


def test_extract_everything_at_once() -> None:
    index = PlaceIndex([Place("eastgate", "Eastgate", "id-e")])
    found = extract("stay and play for my 2 year old near eastgate on saturday", "en", index)
    assert (found.age_months, found.location_id, found.day) == (24.0, "id-e", "saturday")


def test_payloads_and_other_languages_fall_back_to_english_words() -> None:
    assert extract('/inform{"child_age_months":6}').age_months is None
    assert extract("my 2 year old", "pl").age_months == 24.0
