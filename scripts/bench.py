"""`make bench`: every speed and memory benchmark, written to docs/benchmarks.md."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = sys.executable

if __name__ == "__main__":
    for script in (["scripts/bench_search.py"], ["scripts/bench_chat.py", "--train"]):
        print("$", PY, *script, flush=True)
        subprocess.run([PY, *script], cwd=ROOT, check=True)
    print("Figures written to docs/benchmarks.md")
