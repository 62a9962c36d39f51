"""Rasa-side speed fixes (bot/serve.py, bot/nlg.py, bot/tracker_store.py) keep Rasa's behaviour.

Each check runs in .venv-rasa (Rasa needs Python 3.10); see tests/rasa_side/speedup_checks.py.
The real stack tests (tests/test_stack_e2e.py) run Rasa with all three.
"""

from __future__ import annotations

import os
import subprocess

import pytest

from tests.conftest import REPO_ROOT

PYTHON_RASA = REPO_ROOT / ".venv-rasa" / "bin" / "python"
CHECKS = REPO_ROOT / "tests" / "rasa_side" / "speedup_checks.py"

pytestmark = pytest.mark.skipif(not PYTHON_RASA.exists(), reason=".venv-rasa is missing (run make)")


@pytest.mark.parametrize(
    "check",
    [
        "cached_validation_still_rejects_bad_responses",
        "action_calls_reuse_one_connection",
        "nlg_sends_slots_not_the_whole_conversation",
        "sqlite_tracker_store_keeps_conversations_in_wal_mode",
        "intent_features_match_rasas_own_matrix",
        "sentence_featurizer_matches_rasas_sentence_rows",
    ],
)
def test_rasa_side(check: str) -> None:
    result = subprocess.run(
        [str(PYTHON_RASA), str(CHECKS), check],
        cwd=REPO_ROOT,
        env=os.environ
        | {"RASA_TELEMETRY_ENABLED": "false", "SQLALCHEMY_SILENCE_UBER_WARNING": "1"},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-4000:]
