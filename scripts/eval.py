"""`make eval`: every quality evaluation (NLU, language identification, safeguarding)."""

from __future__ import annotations

import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / ".venv" / "bin" / "python")
RASA = str(ROOT / ".venv-rasa" / "bin" / "python")

STEPS = [
    [APP, "scripts/train_if_changed.py"],
    [RASA, "scripts/eval_nlu.py"],
    [APP, "scripts/eval_language.py"],
    [APP, "scripts/eval_safeguarding.py"],
]

if __name__ == "__main__":
    for step in STEPS:
        print("$", *step, flush=True)
        subprocess.run(step, cwd=ROOT, check=True)
    print("Figures written to docs/nlu.md, docs/languages.md and docs/safeguarding.md")
