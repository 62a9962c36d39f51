"""Chat benchmark: turn latency through POST /api/chat vs straight to Rasa (the floor).

Starts the real stack (scripts/local_stack.py), then for 1, 5 and 20 concurrent conversations
sends realistic parent messages and reports p50/p95 latency and turns per second; also the
full training time (optional, --train) and each process's resident memory. Writes a
"## Chat" section to docs/benchmarks.md.

    .venv/bin/python scripts/bench_chat.py [--turns 200] [--train]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_report import machine_description, replace_section
from local_stack import ROOT, running_stack

MESSAGES = [
    "hi",
    "is there a breastfeeding group I can just turn up to",
    "my 2 year old isn't really talking yet",
    "anything for dads on saturday",
    "is millbrook open now",
    "I'm in debt and the letters keep coming",
    "what is a family hub",
    "where is my nearest family hub",
    "thanks",
]


# 20 parents each sending a message every 2 s: far busier than real parents, who read the
# reply and type (10-30 s), and than a council's busiest hour.
BUSY_PARENTS_RATE = 10.0


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(p / 100 * (len(ordered) - 1))))
    return ordered[index]


async def _drive(
    url: str, conversations: int, turns_each: int, to_rasa: bool, period: float = 0.0
) -> dict[str, float]:
    """`conversations` at once, each sending `turns_each` messages (a new sender every 9 turns:
    a parent's conversation is ~9 turns, not 200). With `period`, each sends its next message
    on a schedule (one every `period` seconds, starts staggered); a late reply makes the next
    message go at once. Without, each sends as soon as the reply arrives."""
    latencies: list[float] = []
    errors = 0

    async def conversation(client: httpx.AsyncClient, offset: float, start: float) -> None:
        nonlocal errors
        sender = uuid.uuid4().hex[:16]
        for i in range(turns_each):
            if i and i % len(MESSAGES) == 0:
                sender = uuid.uuid4().hex[:16]
            delay = start + offset + i * period - time.perf_counter()
            if period and delay > 0:
                await asyncio.sleep(delay)
            message = MESSAGES[i % len(MESSAGES)]
            body = (
                {"sender": f"web-{sender}", "message": message, "metadata": {"language": "en"}}
                if to_rasa
                else {"sender": sender, "message": message}
            )
            sent = time.perf_counter()
            response = await client.post(url, json=body)
            latencies.append((time.perf_counter() - sent) * 1000)
            if response.status_code != 200 or not response.json():
                errors += 1

    async with httpx.AsyncClient(timeout=30) as client:
        start = time.perf_counter()
        await asyncio.gather(
            *(conversation(client, period * c / conversations, start) for c in range(conversations))
        )
        elapsed = time.perf_counter() - start
    return {
        "p50": statistics.median(latencies),
        "p95": percentile(latencies, 95),
        "turns_per_s": len(latencies) / elapsed,
        "turns": len(latencies),
        "errors": errors,
    }


async def run_load(url: str, concurrency: int, turns: int, to_rasa: bool) -> dict[str, float]:
    """No pauses at all: the most the stack can do."""
    return await _drive(url, concurrency, max(1, turns // concurrency), to_rasa)


async def run_paced_load(
    url: str, conversations: int, rate: float, seconds: float, to_rasa: bool
) -> dict[str, float]:
    """`conversations` parents together offering `rate` turns/s for `seconds`: the latency
    at a given load."""
    period = conversations / rate
    return await _drive(url, conversations, max(1, round(seconds / period)), to_rasa, period)


def _descendants(root_pid: int) -> set[int]:
    """The pids of `root_pid` and everything it started (honcho puts each in its own session)."""
    children: dict[int, list[int]] = {}
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                ppid = int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(proc.name))
    found, stack = set(), [root_pid]
    while stack:
        pid = stack.pop()
        found.add(pid)
        stack.extend(children.get(pid, []))
    return found


def resident_memory_mb(root_pid: int) -> dict[str, float]:
    """RSS of each process of the stack, by a short name."""
    memory: dict[str, float] = {}
    for pid in _descendants(root_pid):
        proc = Path("/proc") / str(pid)
        try:
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            rss_kb = next(
                int(line.split()[1])
                for line in (proc / "status").read_text().splitlines()
                if line.startswith("VmRSS:")
            )
        except (OSError, StopIteration):
            continue
        name = (
            "rasa"
            if "rasa run" in cmdline or "bot.serve run" in cmdline
            else "actions"
            if "rasa_sdk" in cmdline
            else "web"
            if "uvicorn" in cmdline
            else "worker"
            if "channels.worker" in cmdline
            else "supervisor"
        )
        memory[name] = memory.get(name, 0.0) + rss_kb / 1024
    return memory


def training_seconds() -> float:
    out = Path(tempfile.mkdtemp())
    command = [
        str(ROOT / ".venv-rasa/bin/rasa"),
        "train",
        "--config",
        "bot/config.yml",
        "--domain",
        "bot/domain",
        "--data",
        "bot/data",
        "data/nlu",
        "--out",
        str(out),
        "--force",
        "--skip-validation",  # as `make train` does; `make test` validates the data
    ]
    started = time.monotonic()
    subprocess.run(
        command,
        cwd=ROOT,
        check=True,
        capture_output=True,
        env=os.environ | {"RASA_TELEMETRY_ENABLED": "false"},
    )
    elapsed = time.monotonic() - started
    shutil.rmtree(out, ignore_errors=True)
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--turns", type=int, default=200)
    parser.add_argument("--train", action="store_true", help="also time a full retrain")
    parser.add_argument("--rate", type=float, default=30.0, help="offered turns/s, paced run")
    parser.add_argument("--seconds", type=float, default=20.0, help="length of the paced run")
    args = parser.parse_args()
    rows = []
    paced = []
    with (
        tempfile.TemporaryDirectory() as tmp,
        running_stack(
            Path(tmp),
            port_base=18100,
            # The load comes from one address in bursts no parent sends: lift the rate limits.
            extra_env={
                "CHAT_LIMIT_SENDER_PER_MINUTE": "100000",
                "CHAT_LIMIT_IP_PER_MINUTE": "100000",
            },
        ) as stack,
    ):
        for url, to_rasa in (
            (f"{stack.web_url}/api/chat", False),
            (f"{stack.rasa_url}/webhooks/rest/webhook", True),
        ):
            asyncio.run(run_load(url, 2, 20, to_rasa))  # warm up
            for concurrency in (1, 5, 20):
                result = asyncio.run(run_load(url, concurrency, args.turns, to_rasa))
                rows.append(
                    ("Rasa REST (floor)" if to_rasa else "POST /api/chat", concurrency, result)
                )
                print(rows[-1], flush=True)
            for rate in (BUSY_PARENTS_RATE, args.rate):
                result = asyncio.run(run_paced_load(url, 20, rate, args.seconds, to_rasa))
                paced.append(("Rasa REST (floor)" if to_rasa else "POST /api/chat", rate, result))
                print(paced[-1], flush=True)
        memory = resident_memory_mb(stack.process.pid)
    train_s = training_seconds() if args.train else None

    lines = [
        f"Command: `{' '.join(['.venv/bin/python', 'scripts/bench_chat.py', *sys.argv[1:]])}`  ",
        f"Machine: {machine_description()}  ",
        f"Run: {time.strftime('%Y-%m-%d %H:%M %Z')}, Python {platform.python_version()}",
        "",
        "| path | concurrent conversations | turns | p50 ms | p95 ms | turns/s | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, concurrency, r in rows:
        lines.append(
            f"| {path} | {concurrency} | {r['turns']:.0f} | {r['p50']:.0f} | "
            f"{r['p95']:.0f} | {r['turns_per_s']:.1f} | {r['errors']:.0f} |"
        )
    lines += [
        "",
        f"Paced: 20 conversations together, each sending its next message on a schedule as "
        f"parents who read the reply and type do, for {args.seconds:.0f} s: at "
        f"{BUSY_PARENTS_RATE:.0f} turns/s (each parent every {20 / BUSY_PARENTS_RATE:.0f} s, "
        "faster than people type) and at "
        f"{args.rate:.0f} turns/s (the throughput goal). The table above sends without pauses, "
        "so it shows the most the stack can do:",
        "",
        "| path | offered turns/s | turns | p50 ms | p95 ms | achieved turns/s | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for path, rate, r in paced:
        lines.append(
            f"| {path} | {rate:.0f} | {r['turns']:.0f} | {r['p50']:.0f} | {r['p95']:.0f} | "
            f"{r['turns_per_s']:.1f} | {r['errors']:.0f} |"
        )
    lines += ["", "Resident memory after the load (MB):", "", "| process | RSS MB |", "|---|---|"]
    lines += [f"| {name} | {mb:.0f} |" for name, mb in sorted(memory.items())]
    lines.append(f"| **total** | **{sum(memory.values()):.0f}** |")
    if train_s is not None:
        lines += ["", f"Full retrain (`rasa train --force`, all languages): {train_s:.0f} s"]
    lines += [
        "",
        "Goals: p95 ≤ 150 ms at 20 concurrent, ≥ 30 turns/s, retrain ≤ 5 min, stack RSS ≤ 2.5 GB.",
    ]
    replace_section("Chat", "\n".join(lines))


if __name__ == "__main__":
    main()
