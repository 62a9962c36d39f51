"""Language identification on shared/eval-data/language-id; tables go to docs/languages.md.

    .venv/bin/python scripts/eval_language.py [--limit N] [--tune] [--no-write]

Lines 1-300 of each file are the tuning split (`--tune` sweeps the switch threshold on them);
figures are reported on lines 301-1000 only (the first N of them with --limit).
"""

from __future__ import annotations

import argparse
import functools
import os
import platform
import re
import shlex
import sys
import time
from collections.abc import Callable
from importlib.metadata import version
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from channels import language  # noqa: E402

DATA = Path(os.environ.get("LANGUAGE_ID_DATA", "/work/shared/eval-data/language-id"))
KINDS = ("sentences", "word-pairs", "single-words")
TUNE_LINES = 300
DOC = ROOT / "docs" / "languages.md"
START, END = "<!-- eval:start -->", "<!-- eval:end -->"


def rss_mb() -> float:
    """Current resident memory of this process (Linux)."""
    status = Path("/proc/self/status").read_text()
    match = re.search(r"VmRSS:\s+(\d+) kB", status)
    return int(match.group(1)) / 1024 if match else float("nan")


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def measure_loading() -> list[tuple[str, float, float]]:
    """One-off cost of building each detector and loading lingua's ten models."""
    steps: list[tuple[str, Callable[[], object]]] = [
        ("langdetect: 10 profiles", language._langdetect_factory),
        ("lingua: build detector (10 languages)", language._lingua),
        ("lingua: first Latin-script text (5 models)", lambda: language.detect("help me please")),
        ("lingua: remaining 5 models (`warm_up()`)", language.warm_up),
    ]
    rows = []
    for name, step in steps:
        before, start = rss_mb(), time.perf_counter()
        step()
        rows.append((name, time.perf_counter() - start, rss_mb() - before))
    return rows


def load(kind: str, code: str, tune: bool, limit: int | None) -> list[str]:
    lines = (DATA / kind / f"{code}.txt").read_text(encoding="utf-8").splitlines()
    lines = lines[:TUNE_LINES] if tune else lines[TUNE_LINES:]
    return lines[:limit] if limit else lines


Answer = Callable[[int, str], str | None]


def timed(fn: Answer, texts: list[str]) -> tuple[list[str | None], float]:
    start = time.perf_counter()
    answers = [fn(i, text) for i, text in enumerate(texts)]
    return answers, (time.perf_counter() - start) * 1000 / max(1, len(texts))


def wrong_prior(code: str, index: int) -> str:
    """A different language for each line, cycling through the other nine."""
    others = [c for c in language.SUPPORTED if c != code]
    return others[index % len(others)]


def sticky_methods(code: str, with_wrong_prior: bool) -> dict[str, Answer]:
    """Each method answers (line index, text) with a language code or None."""

    def keep(i: int, text: str) -> str | None:
        return language.decide_language(text, code).language

    def correct(i: int, text: str) -> str | None:
        return language.decide_language(text, wrong_prior(code, i)).language

    methods: dict[str, Answer] = {
        "langdetect": lambda i, text: language.langdetect_only(text),
        "lingua": lambda i, text: language.lingua_only(text),
        "detect": lambda i, text: language.detect(text).language,
        "keep": keep,
    }
    if with_wrong_prior:
        methods["correct"] = correct
    return methods


def evaluate(tune: bool, limit: int | None) -> dict[str, dict]:
    results: dict[str, dict] = {}
    for kind in KINDS:
        per_lang: dict[str, dict[str, float]] = {}
        times: dict[str, list[float]] = {}
        for code in language.SUPPORTED:
            texts = load(kind, code, tune, limit)
            row: dict[str, float] = {"n": len(texts)}
            methods = sticky_methods(code, kind == "sentences")
            for name, fn in methods.items():
                answers, ms = timed(fn, texts)
                row[name] = sum(a == code for a in answers) / max(1, len(texts))
                times.setdefault(name, []).append(ms)
            per_lang[code] = row
        results[kind] = {
            "langs": per_lang,
            "ms": {name: sum(v) / len(v) for name, v in times.items()},
        }
    return results


def sweep(limit: int | None) -> str:
    """Switch-threshold sweep on the tuning split (sentences)."""
    cached = functools.lru_cache(maxsize=None)(language.detect)
    original = language.detect
    language.detect = cached
    lines = ["| threshold | keeps the right language | corrects a wrong one |", "|---|---|---|"]
    try:
        texts = {c: load("sentences", c, True, limit) for c in language.SUPPORTED}
        saved = language.SWITCH_CONFIDENCE
        for threshold in (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99):
            language.SWITCH_CONFIDENCE = threshold
            keep = correct = total = 0
            for code, items in texts.items():
                for i, text in enumerate(items):
                    total += 1
                    keep += language.decide_language(text, code).language == code
                    prior = wrong_prior(code, i)
                    correct += language.decide_language(text, prior).language == code
            lines.append(f"| {threshold} | {keep / total:.4f} | {correct / total:.4f} |")
        language.SWITCH_CONFIDENCE = saved
    finally:
        language.detect = original
    return "\n".join(lines)


def render(results: dict[str, dict], loading: list, limit: int | None, command: str) -> str:
    n = results["sentences"]["langs"]["en"]["n"]
    out = [
        START,
        f"Command: `{command}`  ",
        f"Machine: {cpu_model()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"langdetect {version('langdetect')}, lingua-language-detector "
        f"{version('lingua-language-detector')}  ",
        f"Data: lines 301-{300 + n} of each file in shared/eval-data/language-id "
        f"({n} texts per language and length; lines 1-300 were the tuning split).",
        "",
        "### One-off loading cost",
        "",
        "| step | seconds | resident memory added (MB) |",
        "|---|---|---|",
    ]
    out += [f"| {name} | {sec:.2f} | {mb:.0f} |" for name, sec, mb in loading]
    labels = {
        "langdetect": "langdetect",
        "lingua": "lingua",
        "detect": "`detect()`",
        "keep": "sticky, right prior",
        "correct": "sticky, wrong prior",
    }
    for kind in KINDS:
        data = results[kind]
        names = list(data["ms"])
        out += ["", f"### {kind}", ""]
        out.append("| language | " + " | ".join(labels[m] for m in names) + " |")
        out.append("|---" * (len(names) + 1) + "|")
        for code, row in data["langs"].items():
            out.append(f"| {code} | " + " | ".join(f"{row[m]:.3f}" for m in names) + " |")
        means = [sum(r[m] for r in data["langs"].values()) / len(data["langs"]) for m in names]
        out.append("| **mean** | " + " | ".join(f"**{v:.3f}**" for v in means) + " |")
        out.append("| ms per text | " + " | ".join(f"{data['ms'][m]:.2f}" for m in names) + " |")
    out.append(END)
    return "\n".join(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=None, help="texts per file (default 700)")
    parser.add_argument("--tune", action="store_true", help="threshold sweep on lines 1-300")
    parser.add_argument("--no-write", action="store_true", help="print only")
    args = parser.parse_args()
    command = ".venv/bin/python scripts/eval_language.py" + " ".join(
        [""] + [shlex.quote(a) for a in sys.argv[1:]]
    )
    print("$", command, flush=True)
    if args.tune:
        print(sweep(args.limit))
        return
    loading = measure_loading()
    started = time.perf_counter()
    results = evaluate(False, args.limit)
    report = render(results, loading, args.limit, command)
    print(report)
    print(f"evaluation took {time.perf_counter() - started:.0f} s", flush=True)
    if not args.no_write:
        text = DOC.read_text(encoding="utf-8") if DOC.exists() else f"{START}\n{END}\n"
        if START not in text:
            text += f"\n{START}\n{END}\n"
        head, rest = text.split(START, 1)
        tail = rest.split(END, 1)[1] if END in rest else ""
        DOC.write_text(head + report + tail, encoding="utf-8")
        print(f"Wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
