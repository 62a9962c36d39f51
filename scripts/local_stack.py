"""Start the real stack in the background for tests and benchmarks, and stop it again.

Uses scripts/run_stack.py (the same path as `make run`) on its own ports and databases, so a
developer's running stack is not disturbed.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PY = ROOT / ".venv" / "bin" / "python"


@dataclass(frozen=True)
class Stack:
    web_url: str
    rasa_url: str
    actions_url: str
    database_url: str
    tracker_store_url: str
    log_path: Path
    process: subprocess.Popen[bytes]


def prepare_database(database_url: str) -> None:
    """Migrate and seed a database for the stack."""
    env = os.environ | {"DATABASE_URL": database_url}
    for command in ("migrate", "seed"):
        subprocess.run(
            [str(PY), "-m", "directory", command],
            cwd=ROOT,
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )


def _healthy(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


@contextlib.contextmanager
def running_stack(
    workdir: Path,
    port_base: int = 18000,
    timeout_s: float = 300,
    extra_env: dict[str, str] | None = None,
) -> Iterator[Stack]:
    """Run web, rasa and actions on port_base, +1, +2 with databases under `workdir`."""
    workdir.mkdir(parents=True, exist_ok=True)
    database_url = f"sqlite:///{workdir / 'frontdoor.db'}"
    tracker_db = workdir / "rasa_tracker.db"
    prepare_database(database_url)
    env = (
        os.environ
        | {
            "DATABASE_URL": database_url,
            "TRACKER_DB": str(tracker_db),
            "TRACKER_STORE_URL": f"sqlite:///{tracker_db}",
            "WEB_PORT": str(port_base),
            "RASA_PORT": str(port_base + 1),
            "ACTIONS_PORT": str(port_base + 2),
            "ENVIRONMENT": "test",
        }
        | (extra_env or {})
    )
    log_path = workdir / "stack.log"
    log = log_path.open("wb")
    process = subprocess.Popen(
        [str(PY), str(ROOT / "scripts" / "run_stack.py")],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    stack = Stack(
        f"http://127.0.0.1:{port_base}",
        f"http://127.0.0.1:{port_base + 1}",
        f"http://127.0.0.1:{port_base + 2}",
        database_url,
        env["TRACKER_STORE_URL"],
        log_path,
        process,
    )
    try:
        deadline = time.monotonic() + timeout_s
        while not _healthy(stack.web_url):
            if process.poll() is not None or time.monotonic() > deadline:
                tail = log_path.read_text(errors="replace")[-3000:]
                raise RuntimeError(f"The stack did not become healthy:\n{tail}")
            time.sleep(1)
        yield stack
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
        log.close()


if __name__ == "__main__":
    with running_stack(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "var" / "stack-try") as s:
        print(f"Stack up at {s.web_url}; Ctrl-C to stop")
        with contextlib.suppress(KeyboardInterrupt):
            s.process.wait()
