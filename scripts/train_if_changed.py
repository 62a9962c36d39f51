"""Train the Rasa model only when its inputs changed (content hash of config, domain, data).

The model is written to models/frontdoor-<hash>.tar.gz, so an unchanged hash means the
model on disk is current. Prints the model path on the last line.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RASA = ROOT / ".venv-rasa" / "bin" / "rasa"
INPUTS = [
    ROOT / "bot" / "config.yml",
    ROOT / "bot" / "domain",
    ROOT / "bot" / "data",
    ROOT / "bot" / "nlu_components",
    ROOT / "data" / "nlu",
]
KEEP_MODELS = 3


def training_hash() -> str:
    """A hash of every file Rasa trains from."""
    digest = hashlib.sha256()
    for base in INPUTS:
        files = (
            [base]
            if base.is_file()
            else sorted(p for p in base.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        )
        for path in files:
            digest.update(str(path.relative_to(ROOT)).encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def model_path(fingerprint: str) -> Path:
    return ROOT / "models" / f"frontdoor-{fingerprint}.tar.gz"


def rasa_env() -> dict[str, str]:
    return os.environ | {
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def train(fingerprint: str) -> Path:
    target = model_path(fingerprint)
    command = [
        str(RASA),
        "train",
        "--config",
        "bot/config.yml",
        "--domain",
        "bot/domain",
        "--data",
        "bot/data",
        "data/nlu",
        "--out",
        "models",
        "--fixed-model-name",
        target.name.removesuffix(".tar.gz"),
        # `make test` runs `rasa data validate --fail-on-warnings` (tests/test_rasa_project.py);
        # skipping it here saves ~20 s of the retrain budget.
        "--skip-validation",
    ]
    print("Training the Rasa model (inputs changed)...", flush=True)
    started = time.monotonic()
    subprocess.run(command, cwd=ROOT, env=rasa_env(), check=True)
    print(f"Trained in {time.monotonic() - started:.0f} s", flush=True)
    old = sorted((ROOT / "models").glob("frontdoor-*.tar.gz"), key=lambda p: p.stat().st_mtime)
    for stale in old[:-KEEP_MODELS]:
        stale.unlink()
    return target


def ensure_model() -> Path:
    """The path of a model trained on the current inputs, training one if needed."""
    fingerprint = training_hash()
    target = model_path(fingerprint)
    if target.exists():
        print(f"Model is up to date ({target.name})", flush=True)
        return target
    return train(fingerprint)


if __name__ == "__main__":
    try:
        print(ensure_model())
    except subprocess.CalledProcessError as error:
        sys.exit(f"Training failed (exit {error.returncode}); see the output above.")
