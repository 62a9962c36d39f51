"""Personal identifiers are masked before anything is logged or stored for analytics."""

from __future__ import annotations

import logging

import pytest

from directory.core.logging import RedactingFilter, redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("call me on 07700 900123 please", "07700 900123"),
        ("my number is +44 7700 900123", "7700 900123"),
        ("landline 01632-960-000", "01632-960-000"),
        ("email jo.bloggs+kids@example.com", "jo.bloggs+kids@example.com"),
        ("we live at CK1 4QP", "CK1 4QP"),
        ("postcode ck14qp", "ck14qp"),
        ("she was born 03/04/2024", "03/04/2024"),
        ("dob 2019-07-21", "2019-07-21"),
        ("born on 3rd March 2021", "3rd March 2021"),
    ],
)
def test_identifiers_are_masked(text: str, secret: str) -> None:
    assert secret not in redact(text)


def test_ordinary_words_and_ages_are_kept() -> None:
    text = "my 2 year old isn't talking, is Millbrook open at 10:30 on Tuesday"
    assert redact(text) == text


def test_the_log_filter_masks_arguments(caplog: pytest.LogCaptureFixture) -> None:
    logger = logging.getLogger("test.redaction")
    logger.addFilter(RedactingFilter())
    with caplog.at_level(logging.INFO):
        logger.info("contact %s", "jo@example.org 07700 900123")
    assert "jo@example.org" not in caplog.text
    assert "07700 900123" not in caplog.text
    assert "[email]" in caplog.text
