"""Start the whole stack locally (what `make run` does after installing, seeding, training).

Processes mirror docker-compose.yml: rasa, actions, web, and telegram when a bot token is
set. Ctrl-C stops every process. Ports come from WEB_PORT, RASA_PORT and ACTIONS_PORT.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import urllib.request
from pathlib import Path

from honcho.manager import Manager

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_if_changed import ROOT, ensure_model, rasa_env


def stack_environment() -> dict[str, str]:
    """Environment shared by every process, with URLs derived from the ports."""
    web = os.environ.get("WEB_PORT", "8000")
    rasa = os.environ.get("RASA_PORT", "5005")
    actions = os.environ.get("ACTIONS_PORT", "5055")
    env = rasa_env() | {
        "WEB_PORT": web,
        "RASA_PORT": rasa,
        "ACTIONS_PORT": actions,
        "RASA_URL": f"http://127.0.0.1:{rasa}",
        "ACTION_SERVER_URL": f"http://127.0.0.1:{actions}",
        "NLG_URL": f"http://127.0.0.1:{web}/nlg",
        "ACTION_ENDPOINT_URL": f"http://127.0.0.1:{actions}/webhook",
        "PYTHONUNBUFFERED": "1",
    }
    env.setdefault("RASA_TOKEN", "dev-only-secret")
    env.setdefault("TRACKER_DB", str(ROOT / "var" / "rasa_tracker.db"))
    env.setdefault("TRACKER_STORE_URL", f"sqlite:///{env['TRACKER_DB']}")
    return env


def commands(env: dict[str, str], model: Path) -> dict[str, str]:
    venv, venv_rasa = ROOT / ".venv" / "bin", ROOT / ".venv-rasa" / "bin"
    procs = {
        "actions": f"{venv}/python -m rasa_sdk --actions actions --port {env['ACTIONS_PORT']}",
        "rasa": (
            # `rasa run` with two speed fixes (bot/serve.py)
            f"{venv_rasa}/python -m bot.serve run --enable-api --auth-token {env['RASA_TOKEN']} "
            f"--endpoints bot/endpoints.yml --credentials bot/credentials.yml "
            f"--model {model} --port {env['RASA_PORT']} --interface 127.0.0.1"
        ),
        "web": (
            f"{venv}/uvicorn channels.web:create_app --factory --host 127.0.0.1 "
            f"--port {env['WEB_PORT']} --no-access-log"
        ),
    }
    if env.get("TELEGRAM_BOT_TOKEN") and (ROOT / "channels" / "telegram").exists():
        procs["telegram"] = f"{venv}/python -m channels.telegram"
    if (ROOT / "channels" / "worker.py").exists():
        procs["worker"] = f"{venv}/python -m channels.worker"
    return procs


def announce_when_ready(port: str) -> None:
    """Print the chat URL once /healthz answers 200 (Rasa takes a while to load)."""
    url = f"http://localhost:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    print(
                        f"\n  Family Hubs Front Door is ready: {url}/  (API docs: {url}/docs)"
                        "\n  Press Ctrl-C to stop everything.\n",
                        flush=True,
                    )
                    return
        except OSError:
            pass
        time.sleep(1)
    print("\n  The stack did not become healthy in 5 minutes: see the logs above.\n", flush=True)


def main() -> int:
    model = ensure_model()
    env = stack_environment()
    (ROOT / "var").mkdir(exist_ok=True)
    manager = Manager()
    for name, command in commands(env, model).items():
        manager.add_process(name, command, env=env, cwd=str(ROOT))
    threading.Thread(target=announce_when_ready, args=(env["WEB_PORT"],), daemon=True).start()
    manager.loop()
    return manager.returncode or 0


if __name__ == "__main__":
    sys.exit(main())
