"""The intent contract (data/intents.yml): the one place that names intents and languages."""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import yaml

from directory.core.config import REPO_ROOT

CONTRACT_FILE = REPO_ROOT / "data" / "intents.yml"


@lru_cache(maxsize=1)
def _contract() -> dict[str, Any]:
    return yaml.safe_load(CONTRACT_FILE.read_text(encoding="utf-8"))


def languages() -> tuple[str, ...]:
    """The supported language codes, English first."""
    return tuple(_contract()["languages"])


def intents(kind: str) -> tuple[str, ...]:
    """The intent names of one kind: "topic", "hub" or "meta"."""
    return tuple(i["name"] for i in _contract()["intents"] if i.get("kind") == kind)
