"""Logging set-up: one format, and personal data masked before anything is written.

Message text must never be logged at INFO or above; the redaction filter is a second line of
defence for identifiers (phone numbers, emails, postcodes, dates of birth) that slip into
log arguments.
"""

from __future__ import annotations

import logging
import re

from directory.core.config import get_settings

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+"), "[email]"),
    (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE), "[postcode]"),
    (re.compile(r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:19|20)?\d{2}\b"), "[date]"),
    (re.compile(r"\b(?:19|20)\d{2}-\d{2}-\d{2}\b"), "[date]"),
    (
        re.compile(
            r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
            r"[a-z]*\.?\s+(?:19|20)\d{2}\b",
            re.IGNORECASE,
        ),
        "[date]",
    ),
    (re.compile(r"(?:\+44\s?|\b0)(?:\d[\s-]?){9,10}\b"), "[phone]"),
]


def redact(text: str) -> str:
    """Mask phone numbers, emails, UK postcodes and dates in `text`."""
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactingFilter(logging.Filter):
    """Rewrites each record's message with personal identifiers masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = redact(message)
        record.args = None
        return True


def configure_logging() -> None:
    """Configure the root logger once per process."""
    root = logging.getLogger()
    if any(isinstance(f, RedactingFilter) for h in root.handlers for f in h.filters):
        return
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root.addHandler(handler)
    root.setLevel(get_settings().log_level)
    # httpx logs every request at INFO (health probes, Rasa calls): noise, and URLs can carry
    # query strings a parent typed.
    logging.getLogger("httpx").setLevel(logging.WARNING)
