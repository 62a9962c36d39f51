"""NLU evaluation: held-out intent accuracy per language and CLINC150 wrongly-signposted rate.

Runs under the Rasa venv (it imports rasa):

    .venv-rasa/bin/python scripts/eval_nlu.py [--model models/x.tar.gz] [--out docs/nlu.md]
        [--languages en,pl,...] [--config bot/config.yml] [--variant NAME]

Without --model it trains an NLU-only model from --config and data/nlu/ into a temporary
directory (and times that training). Held-out sets are tests/nlu/<lang>_heldout.yml (Rasa NLU
YAML, never trained on). A `nlu_fallback` prediction counts as wrong on held-out data. A
CLINC150 query (`test` + `oos_test`, none of them in scope) is "wrongly signposted" when the
model predicts a `topic` or `hub` intent (kind from data/intents.yml) rather than
out_of_scope, a meta intent or nlu_fallback (the FallbackClassifier threshold applies).

The report is written to --out (docs/nlu.md). Its "Pipeline comparison" table is kept
across runs; --variant NAME adds or replaces the row NAME with this run's figures.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import platform
import re
import shlex
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the custom NLU components in bot/nlu_components
CLINC = ROOT.parent / "shared" / "eval-data" / "clinc150" / "data_full.json"
FALLBACK = "nlu_fallback"
COMPARISON_START = "<!-- comparison:start -->"
COMPARISON_END = "<!-- comparison:end -->"
COMPARISON_HEADER = (
    "| variant | held-out en acc | macro-F1 | CLINC wrongly signposted | train s | date |\n"
    "|---|---|---|---|---|---|"
)


@dataclass
class Result:
    """Predictions for one labelled set."""

    gold: list[str] = field(default_factory=list)
    pred: list[str] = field(default_factory=list)
    conf: list[float] = field(default_factory=list)
    texts: list[str] = field(default_factory=list)
    # the two best intents other than nlu_fallback, for the threshold sweep
    ranking: list[list[tuple[str, float]]] = field(default_factory=list)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--model", help="trained model (.tar.gz); trains one if omitted")
    parser.add_argument("--config", default="bot/config.yml", help="config used to train")
    parser.add_argument("--nlu", default="data/nlu", help="NLU training data used to train")
    parser.add_argument("--out", default="docs/nlu.md", help="markdown report to write")
    parser.add_argument("--languages", default="en", help="comma-separated, e.g. en,pl,ro")
    parser.add_argument("--variant", help="record this run as a row of the comparison table")
    parser.add_argument("--no-clinc", action="store_true", help="skip the CLINC150 check")
    parser.add_argument("--json", help="also write the figures as JSON to this file")
    return parser.parse_args()


def rasa_env() -> dict[str, str]:
    return os.environ | {
        "RASA_TELEMETRY_ENABLED": "false",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "2",
    }


def train_model(config: str, nlu: str, out_dir: Path) -> tuple[Path, float]:
    """Train an NLU-only model; return its path and the wall-clock training time."""
    command = [sys.executable, "-m", "rasa", "train", "nlu", "--config", config]
    command += ["--nlu", nlu, "--out", str(out_dir), "--fixed-model-name", "eval-nlu"]
    print("$", shlex.join(command), flush=True)
    started = time.perf_counter()
    # no training cache, so the time is that of a full retrain
    env = rasa_env() | {"RASA_MAX_CACHE_SIZE": "0"}
    subprocess.run(command, cwd=ROOT, env=env, check=True, stdout=subprocess.DEVNULL)
    return out_dir / "eval-nlu.tar.gz", time.perf_counter() - started


def intent_kinds() -> dict[str, str]:
    contract = yaml.safe_load((ROOT / "data" / "intents.yml").read_text(encoding="utf-8"))
    return {item["name"]: item["kind"] for item in contract["intents"]}


def fallback_threshold(config: str) -> float | None:
    pipeline = yaml.safe_load((ROOT / config).read_text(encoding="utf-8")).get("pipeline") or []
    for component in pipeline:
        if component.get("name") == "FallbackClassifier":
            return float(component.get("threshold", 0.3))
    return None


def read_rasa_nlu(path: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from a Rasa NLU YAML file without entity annotations."""
    pairs = []
    for item in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu") or []:
        if "intent" not in item:
            continue
        for line in str(item["examples"]).splitlines():
            text = line.strip()
            if text.startswith("- "):
                pairs.append((text[2:].strip(), item["intent"]))
    return pairs


def read_clinc() -> list[tuple[str, str]]:
    data = json.loads(CLINC.read_text(encoding="utf-8"))
    return [(text, label) for text, label in data["test"] + data["oos_test"]]


async def predict(agent: Any, pairs: list[tuple[str, str]]) -> Result:
    result = Result()
    for text, gold in pairs:
        parsed = await agent.parse_message(text)
        intent = parsed.get("intent") or {}
        result.texts.append(text)
        result.gold.append(gold)
        result.pred.append(intent.get("name") or FALLBACK)
        result.conf.append(float(intent.get("confidence") or 0.0))
        ranked = [
            (str(r["name"]), float(r["confidence"]))
            for r in parsed.get("intent_ranking") or []
            if r.get("name") != FALLBACK
        ]
        result.ranking.append(ranked[:2] or [(FALLBACK, 0.0)])
    return result


SWEEP = (0.0, 0.3, 0.4, 0.45, 0.5, 0.6, 0.7)


def with_threshold(result: Result, threshold: float, ambiguity: float) -> list[str]:
    """Predictions as a FallbackClassifier with these thresholds would make them."""
    preds = []
    for ranked in result.ranking:
        top, conf = ranked[0]
        second = ranked[1][1] if len(ranked) > 1 else 0.0
        fallback = conf < threshold or (threshold > 0 and conf - second < ambiguity)
        preds.append(FALLBACK if fallback else top)
    return preds


def sweep(results: dict[str, Result], clinc: Result | None, kinds: dict[str, str]) -> list[dict]:
    """Held-out accuracy and CLINC150 wrong share for several fallback thresholds."""
    rows = []
    for threshold in SWEEP:
        row: dict[str, Any] = {"threshold": threshold}
        for lang, result in results.items():
            preds = with_threshold(result, threshold, 0.1)
            row[lang] = sum(g == p for g, p in zip(result.gold, preds, strict=True)) / max(
                1, len(preds)
            )
        if clinc is not None:
            preds = with_threshold(clinc, threshold, 0.1)
            row["clinc"] = sum(kinds.get(p) in {"topic", "hub"} for p in preds) / len(preds)
        rows.append(row)
    return rows


def per_intent_scores(result: Result) -> dict[str, dict[str, float]]:
    labels = sorted(set(result.gold))
    scores = {}
    for label in labels:
        tp = sum(g == label and p == label for g, p in zip(result.gold, result.pred, strict=True))
        n_pred = sum(p == label for p in result.pred)
        n_gold = sum(g == label for g in result.gold)
        precision = tp / n_pred if n_pred else 0.0
        recall = tp / n_gold if n_gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        scores[label] = {"precision": precision, "recall": recall, "f1": f1, "support": n_gold}
    return scores


def summarise_heldout(result: Result) -> dict[str, Any]:
    total = len(result.gold)
    correct = sum(g == p for g, p in zip(result.gold, result.pred, strict=True))
    scores = per_intent_scores(result)
    errors = [
        (g, p, c, t)
        for g, p, c, t in zip(result.gold, result.pred, result.conf, result.texts, strict=True)
        if g != p
    ]
    return {
        "n": total,
        "accuracy": correct / total if total else 0.0,
        "macro_f1": sum(s["f1"] for s in scores.values()) / len(scores) if scores else 0.0,
        "fallback_share": result.pred.count(FALLBACK) / total if total else 0.0,
        "per_intent": scores,
        "errors": errors,
        "confusions": Counter((g, p) for g, p, _, _ in errors).most_common(),
    }


def summarise_clinc(result: Result, kinds: dict[str, str]) -> dict[str, Any]:
    wrong = [
        (t, p, c, g)
        for t, p, c, g in zip(result.texts, result.pred, result.conf, result.gold, strict=True)
        if kinds.get(p) in {"topic", "hub"}
    ]
    outcome = Counter(
        "signposted (wrong)"
        if kinds.get(p) in {"topic", "hub"}
        else ("out_of_scope" if p == "out_of_scope" else (FALLBACK if p == FALLBACK else "meta"))
        for p in result.pred
    )
    in_scope = [w for w in wrong if w[3] != "oos"]
    return {
        "n": len(result.pred),
        "wrong_share": len(wrong) / len(result.pred) if result.pred else 0.0,
        "wrong_share_oos_test": (len(wrong) - len(in_scope)) / max(1, result.gold.count("oos")),
        "outcomes": dict(outcome),
        "by_intent": Counter(p for _, p, _, _ in wrong).most_common(),
        "examples": sorted(wrong, key=lambda w: -w[2])[:15],
    }


def machine() -> str:
    cpu = platform.processor() or "unknown CPU"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        for line in cpuinfo.read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    import rasa

    return (
        f"{cpu}, {os.cpu_count()} cores, {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, Rasa {rasa.__version__}"
    )


def comparison_rows(existing: str) -> list[str]:
    match = re.search(
        re.escape(COMPARISON_START) + r"(.*?)" + re.escape(COMPARISON_END), existing, re.S
    )
    if not match:
        return []
    lines = [line for line in match.group(1).strip().splitlines() if line.startswith("|")]
    return [line for line in lines[2:] if line.strip()]


def update_rows(rows: list[str], variant: str, figures: dict[str, Any]) -> list[str]:
    en = figures["heldout"].get("en")
    clinc = figures.get("clinc")
    row = "| {} | {} | {} | {} | {} | {} |".format(
        variant,
        f"{en['accuracy']:.3f}" if en else "-",
        f"{en['macro_f1']:.3f}" if en else "-",
        f"{clinc['wrong_share']:.2%}" if clinc else "-",
        f"{figures['train_seconds']:.0f}" if figures.get("train_seconds") else "-",
        time.strftime("%Y-%m-%d"),
    )
    kept = [r for r in rows if r.split("|")[1].strip() != variant]
    return [*kept, row]


def render(figures: dict[str, Any], rows: list[str], existing: str) -> str:
    out = ["# NLU quality", ""]
    out.append("Written by `scripts/eval_nlu.py` (do not edit the figures by hand).")
    out += ["", f"- Command: `{figures['command']}`", f"- Machine: {figures['machine']}"]
    out.append(f"- Model: `{figures['model']}`; config `{figures['config']}`")
    if figures.get("train_seconds"):
        out.append(
            f"- Training time (NLU only, all languages in data/nlu): "
            f"{figures['train_seconds']:.0f} s"
        )
    out.append(
        f"- Evaluation time: {figures['eval_seconds']:.0f} s; "
        f"FallbackClassifier threshold: {figures['threshold']}"
    )
    out.append(f"- Date: {figures['date']}")
    out.append(
        "- 1-minute load average at start and end: {:.1f} and {:.1f} (above {} means other "
        "work shared the CPU and the timings are inflated)".format(*figures["load"], os.cpu_count())
    )
    out += ["", "## Held-out intent accuracy", ""]
    out.append("`nlu_fallback` counts as wrong. Goals: English ≥ 0.95, other languages ≥ 0.90.")
    out += [
        "",
        "| language | examples | accuracy | macro-F1 | fallback share |",
        "|---|---|---|---|---|",
    ]
    for lang, h in figures["heldout"].items():
        out.append(
            f"| {lang} | {h['n']} | {h['accuracy']:.3f} | {h['macro_f1']:.3f} | "
            f"{h['fallback_share']:.1%} |"
        )
    for lang, h in figures["heldout"].items():
        weak = [(i, s) for i, s in h["per_intent"].items() if s["f1"] < 0.9]
        out += ["", f"### {lang}: weak intents (F1 < 0.90)", ""]
        if weak:
            out += ["| intent | precision | recall | F1 | support |", "|---|---|---|---|---|"]
            for intent, s in sorted(weak, key=lambda x: x[1]["f1"]):
                out.append(
                    f"| {intent} | {s['precision']:.2f} | {s['recall']:.2f} | "
                    f"{s['f1']:.2f} | {s['support']} |"
                )
        else:
            out.append("None.")
        if h["errors"]:
            out += ["", f"Errors ({lang}): expected → predicted (confidence): text", ""]
            for gold, pred, conf, text in h["errors"]:
                out.append(f"- {gold} → {pred} ({conf:.2f}): {text}")
    clinc = figures.get("clinc")
    if clinc:
        out += ["", "## CLINC150: wrongly signposted", ""]
        out.append(
            f"{clinc['n']} queries (`test` + `oos_test`), none of them in scope. Wrongly "
            f"signposted (a topic or hub intent above the fallback threshold): "
            f"**{clinc['wrong_share']:.2%}** (goal ≤ 5%); on `oos_test` alone "
            f"{clinc['wrong_share_oos_test']:.2%}."
        )
        out += ["", "| outcome | queries |", "|---|---|"]
        for name, count in sorted(clinc["outcomes"].items()):
            out.append(f"| {name} | {count} |")
        out += [
            "",
            "Wrongly signposted, by predicted intent: "
            + ", ".join(f"{intent} {count}" for intent, count in clinc["by_intent"]),
            "",
            "Most confident mistakes:",
            "",
        ]
        for text, pred, conf, gold in clinc["examples"]:
            out.append(f"- {text} → {pred} ({conf:.2f}; CLINC label {gold})")
    out += ["", "## Fallback threshold sweep", ""]
    out.append(
        "The same model's intent ranking re-read with other FallbackClassifier thresholds "
        "(ambiguity threshold 0.1; 0.0 means no fallback). Held-out accuracy per language "
        "and CLINC150 wrongly-signposted share."
    )
    langs = list(figures["heldout"])
    out += ["", "| threshold | " + " | ".join(langs) + " | CLINC150 wrong |"]
    out.append("|---" * (len(langs) + 2) + "|")
    for row in figures["sweep"]:
        cells = [f"{row[lang]:.3f}" for lang in langs]
        cells.append(f"{row['clinc']:.2%}" if "clinc" in row else "-")
        out.append(f"| {row['threshold']} | " + " | ".join(cells) + " |")
    out += ["", "## Pipeline comparison", ""]
    notes = re.search(r"<!-- notes:start -->.*?<!-- notes:end -->", existing, re.S)
    out.append(notes.group(0) if notes else "<!-- notes:start -->\n<!-- notes:end -->")
    out += ["", COMPARISON_START, COMPARISON_HEADER, *rows, COMPARISON_END, ""]
    return "\n".join(out)


async def evaluate(model: Path, languages: list[str], clinc: bool) -> dict[str, Any]:
    from rasa.core.agent import Agent
    from rasa.utils.common import configure_logging_and_warnings
    from rasa.utils.log_utils import configure_structlog

    # never print parents' messages (structlog logs every parse at debug level)
    configure_logging_and_warnings(logging.ERROR)
    configure_structlog(logging.ERROR)
    agent = Agent.load(str(model))
    kinds = intent_kinds()
    results = {}
    for lang in languages:
        path = ROOT / "tests" / "nlu" / f"{lang}_heldout.yml"
        if not path.exists():
            print(f"skipping {lang}: {path.relative_to(ROOT)} is missing", file=sys.stderr)
            continue
        results[lang] = await predict(agent, read_rasa_nlu(path))
    figures: dict[str, Any] = {
        "heldout": {lang: summarise_heldout(result) for lang, result in results.items()}
    }
    clinc_result = await predict(agent, read_clinc()) if clinc else None
    if clinc_result is not None:
        figures["clinc"] = summarise_clinc(clinc_result, kinds)
    figures["sweep"] = sweep(results, clinc_result, kinds)
    return figures


def print_summary(figures: dict[str, Any]) -> None:
    for row in figures["sweep"]:
        print("  sweep", {k: round(v, 3) for k, v in row.items()})
    for lang, h in figures["heldout"].items():
        print(
            f"[{lang}] held-out accuracy {h['accuracy']:.3f} macro-F1 {h['macro_f1']:.3f} "
            f"(n={h['n']}, fallback {h['fallback_share']:.1%})"
        )
        for (gold, pred), count in h["confusions"]:
            print(f"    {gold} -> {pred}: {count}")
    if "clinc" in figures:
        c = figures["clinc"]
        print(
            f"[clinc150] wrongly signposted {c['wrong_share']:.2%} of {c['n']} "
            f"(oos_test {c['wrong_share_oos_test']:.2%}); by intent {c['by_intent'][:8]}"
        )


def main() -> None:
    args = parse_args()
    logging.basicConfig(level=logging.WARNING)
    for noisy in ("rasa", "tensorflow", "absl"):
        logging.getLogger(noisy).setLevel(logging.ERROR)
    os.environ.update(rasa_env() | {"LOG_LEVEL": "ERROR"})
    os.chdir(ROOT)
    languages = [lang.strip() for lang in args.languages.split(",") if lang.strip()]
    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="eval-nlu-") as tmp:
        train_seconds = None
        if args.model:
            model = Path(args.model)
        else:
            model, train_seconds = train_model(args.config, args.nlu, Path(tmp))
        started = time.perf_counter()
        figures = asyncio.run(evaluate(model, languages, not args.no_clinc))
        figures |= {
            "eval_seconds": time.perf_counter() - started,
            "train_seconds": train_seconds,
            "model": args.model or f"trained from {args.config} + {args.nlu} (temporary)",
            "config": args.config,
            "threshold": fallback_threshold(args.config),
            "command": shlex.join([".venv-rasa/bin/python", "scripts/eval_nlu.py", *sys.argv[1:]]),
            "machine": machine(),
            # other processes on the machine inflate the timings: say how busy it was
            "load": (load_before, os.getloadavg()[0]),
            "date": time.strftime("%Y-%m-%d %H:%M %Z"),
        }
    print_summary(figures)
    out = ROOT / args.out
    existing = out.read_text(encoding="utf-8") if out.exists() else ""
    rows = comparison_rows(existing)
    if args.variant:
        rows = update_rows(rows, args.variant, figures)
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(figures, rows, existing), encoding="utf-8")
    print(f"wrote {out}")
    if args.json:
        Path(args.json).write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")


if __name__ == "__main__":
    main()
