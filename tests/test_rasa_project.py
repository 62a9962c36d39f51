"""The Rasa project: data validates, the model trains, and the test stories pass."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.conftest import REPO_ROOT

RASA = REPO_ROOT / ".venv-rasa" / "bin" / "rasa"
RASA_ENV = os.environ | {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"}

pytestmark = pytest.mark.skipif(not RASA.exists(), reason=".venv-rasa is missing (run make)")


@pytest.fixture(scope="session")
def trained_model() -> Path:
    """A model trained on the current inputs (reused when nothing changed)."""
    sys.path.insert(0, str(REPO_ROOT / "scripts"))
    from train_if_changed import ensure_model

    return ensure_model()


def _rasa(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(RASA), *args], cwd=REPO_ROOT, env=RASA_ENV, capture_output=True, text=True
    )


def test_every_contract_intent_is_in_the_domain_and_the_training_data() -> None:
    contract = yaml.safe_load((REPO_ROOT / "data" / "intents.yml").read_text())
    names = {intent["name"] for intent in contract["intents"]}
    domain_intents: set[str] = set()
    for path in (REPO_ROOT / "bot" / "domain").glob("*.yml"):
        for intent in yaml.safe_load(path.read_text()).get("intents", []) or []:
            domain_intents.add(intent if isinstance(intent, str) else next(iter(intent)))
    trained: set[str] = set()
    for path in (REPO_ROOT / "data" / "nlu" / "en").glob("*.yml"):
        for item in yaml.safe_load(path.read_text()).get("nlu", []) or []:
            if "intent" in item:
                trained.add(item["intent"])
    assert names <= domain_intents, f"missing in domain: {sorted(names - domain_intents)}"
    assert names <= trained, f"missing in English training data: {sorted(names - trained)}"


def test_rasa_data_validate_is_clean() -> None:
    result = _rasa(
        "data",
        "validate",
        "--domain",
        "bot/domain",
        "--data",
        "bot/data",
        "data/nlu",
        "--config",
        "bot/config.yml",
        "--fail-on-warnings",
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_test_stories_pass(trained_model: Path, tmp_path: Path) -> None:
    result = _rasa(
        "test",
        "core",
        "--model",
        str(trained_model),
        "--stories",
        "tests/test_stories.yml",
        "--endpoints",
        "bot/endpoints.yml",
        "--fail-on-prediction-errors",
        "--out",
        str(tmp_path / "results"),
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
