"""Evaluate the safeguarding gate on tests/safeguarding/heldout.yml; write docs/safeguarding.md.

Recall per category and language, false alarms on hard negatives per language, a category
confusion table and the mean time per check; and how often everyday questions (the NLU
held-out files) get the safeguarding reply or the check-in. The measured figures replace the section
between the `eval:start` and `eval:end` markers of docs/safeguarding.md; the rest of the
page (review process, hazard log) is kept as written.

    .venv/bin/python scripts/eval_safeguarding.py [--no-write] [--show-errors]
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from collections import Counter
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from channels import safeguarding  # noqa: E402
from channels.safeguarding.classifier import everyday_texts  # noqa: E402

HELDOUT_FILES = {
    "heldout.yml": "written with the gate (its misses were seen while building the lexicon)",
    "heldout_b.yml": "written by a second author without seeing the lexicon or training data",
    "heldout_c.yml": (
        "written by two further authors who saw nothing of the gate, after the last tuning round"
    ),
}
HELDOUT_DIR = ROOT / "tests" / "safeguarding"
# Everyday traffic: the NLU held-out files (never read by the safeguarding classifier).
EVERYDAY_DIR = ROOT / "tests" / "nlu"
EVERYDAY = "everyday"
DOC = ROOT / "docs" / "safeguarding.md"
LANGUAGES = ("en", "pl", "ro", "pa", "ur", "pt", "es", "ar", "bn", "uk")
START, END = "<!-- eval:start -->", "<!-- eval:end -->"


def machine() -> str:
    """One line naming the machine the figures were measured on."""
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    system = f"{platform.system()} {platform.release()}"
    return f"{system}, {cpu}, {os.cpu_count()} CPUs, Python {platform.python_version()}"


def evaluate(path: Path) -> dict[str, object]:
    """Run the gate over one held-out file and count what it got right."""
    items = yaml.safe_load(path.read_text(encoding="utf-8"))
    start = time.perf_counter()
    safeguarding.warm_up()
    warm_up = time.perf_counter() - start
    hits: Counter[tuple[str, str]] = Counter()
    totals: Counter[tuple[str, str]] = Counter()
    right_category: Counter[str] = Counter()
    false_alarms: Counter[str] = Counter()
    negatives: Counter[str] = Counter()
    confusion: Counter[tuple[str, str]] = Counter()
    by: Counter[str] = Counter()
    checked_in: Counter[str] = Counter()  # "disclosure" / "none": the softer tier's check-in
    errors: list[str] = []
    elapsed = 0.0
    for item in items:
        text, lang, gold = item["text"], item["language"], item["category"]
        t0 = time.perf_counter()
        result = safeguarding.check(text)
        elapsed += time.perf_counter() - t0
        predicted = result.categories[0] if result else "none"
        if result is None and safeguarding.possible_concern(text) is not None:
            checked_in["none" if gold == "none" else "disclosure"] += 1
        confusion[(gold, predicted)] += 1
        if result:
            by[result.matched_by] += 1
        if gold == "none":
            negatives[lang] += 1
            if result:
                false_alarms[lang] += 1
                errors.append(f"FALSE ALARM [{lang}] {predicted} ({result.matched_by}): {text}")
            continue
        totals[(lang, gold)] += 1
        if result:
            hits[(lang, gold)] += 1
            if gold in result.categories:
                right_category[lang] += 1
        else:
            errors.append(f"MISSED [{lang}] {gold}: {text}")
    return {
        "items": items,
        "hits": hits,
        "totals": totals,
        "right_category": right_category,
        "false_alarms": false_alarms,
        "negatives": negatives,
        "confusion": confusion,
        "by": by,
        "checked_in": checked_in,
        "errors": errors,
        "mean_ms": 1000 * elapsed / max(len(items), 1),
        "warm_up_s": warm_up,
    }


def _ratio(a: int, b: int) -> str:
    return f"{a / b:.2f} ({a}/{b})" if b else "–"


def report(r: dict[str, object], name: str) -> str:
    """The figures as Markdown."""
    hits: Counter[tuple[str, str]] = r["hits"]  # type: ignore[assignment]
    totals: Counter[tuple[str, str]] = r["totals"]  # type: ignore[assignment]
    fa: Counter[str] = r["false_alarms"]  # type: ignore[assignment]
    neg: Counter[str] = r["negatives"]  # type: ignore[assignment]
    right: Counter[str] = r["right_category"]  # type: ignore[assignment]
    confusion: Counter[tuple[str, str]] = r["confusion"]  # type: ignore[assignment]
    by: Counter[str] = r["by"]  # type: ignore[assignment]
    checked_in: Counter[str] = r["checked_in"]  # type: ignore[assignment]
    cats = safeguarding.CATEGORIES
    all_hits, all_total = sum(hits.values()), sum(totals.values())
    all_fa, all_neg = sum(fa.values()), sum(neg.values())
    lines = [
        f"Measured by `.venv/bin/python scripts/eval_safeguarding.py` on {machine()}.",
        f"Held-out file: `tests/safeguarding/{name}` ({HELDOUT_FILES[name]}), "
        f"{len(r['items'])} texts "  # type: ignore[arg-type]
        f"({all_total} disclosures, {all_neg} hard negatives).",
        "",
        f"- **Recall (disclosure flagged): {_ratio(all_hits, all_total)}** (goal ≥ 0.99)",
        f"- Flagged with the right category among its categories: "
        f"{_ratio(sum(right.values()), all_total)}",
        f"- **False alarms on hard negatives: {_ratio(all_fa, all_neg)}** (goal ≤ 0.02)",
        "- Found by: " + ", ".join(f"{k} {v}" for k, v in sorted(by.items())),
        "- With the softer check-in tier (normal answer + 999 and the helplines, not a full "
        "safeguarding reply): disclosures given 999 in the same turn "
        f"{_ratio(all_hits + checked_in['disclosure'], all_total)}; hard negatives given the "
        f"check-in {_ratio(checked_in['none'], all_neg)}",
        f"- Mean time per check: {r['mean_ms']:.2f} ms; first-use warm-up (compile lexicon, "
        f"train classifier): {r['warm_up_s']:.2f} s",
        "",
        "Recall per language and category (flagged at all), and false alarms per language:",
        "",
        "| lang | " + " | ".join(cats) + " | all | right category | false alarms |",
        "|---|" + "---|" * (len(cats) + 3),
    ]
    for lang in LANGUAGES:
        cells = []
        for cat in cats:
            t = totals[(lang, cat)]
            cells.append(f"{hits[(lang, cat)]}/{t}" if t else "–")
        lang_hits = sum(hits[(lang, c)] for c in cats)
        lang_total = sum(totals[(lang, c)] for c in cats)
        lines.append(
            f"| {lang} | " + " | ".join(cells) + f" | {_ratio(lang_hits, lang_total)} | "
            f"{_ratio(right[lang], lang_total)} | {_ratio(fa[lang], neg[lang])} |"
        )
    lines += [
        "",
        "Confusion table (rows: true category; columns: first category the gate gave):",
        "",
        "| true \\ given | " + " | ".join((*cats, "none")) + " |",
        "|---|" + "---|" * (len(cats) + 1),
    ]
    for gold in (*cats, "none"):
        lines.append(
            f"| {gold} | "
            + " | ".join(str(confusion[(gold, p)] or "·") for p in (*cats, "none"))
            + " |"
        )
    return "\n".join(lines)


def evaluate_everyday(directory: Path = EVERYDAY_DIR) -> str:
    """How often everyday parent questions get a safeguarding reply or the check-in.

    The NLU held-out questions (minus the abuse topic questions, which are meant to read
    close to a disclosure) stand for ordinary traffic: each one wrongly given the full
    safeguarding reply or the check-in costs a parent a fright.
    """
    safeguarding.warm_up()
    lines = [
        f"Everyday parent questions (`{directory.relative_to(ROOT)}/*_heldout.yml`, the NLU "
        "held-out files, abuse topic questions left out): how many got the full safeguarding "
        "reply, and how many the check-in added to the normal answer.",
        "",
        "| lang | messages | full reply | check-in |",
        "|---|---|---|---|",
    ]
    totals = Counter[str]()
    for lang in LANGUAGES:
        path = directory / f"{lang}_heldout.yml"
        if not path.exists():
            continue
        texts = everyday_texts(path)
        unflagged = [t for t in texts if safeguarding.check(t) is None]
        flagged = len(texts) - len(unflagged)
        checked_in = sum(safeguarding.possible_concern(t) is not None for t in unflagged)
        totals.update(messages=len(texts), flagged=flagged, checked_in=checked_in)
        lines.append(
            f"| {lang} | {len(texts)} | {_ratio(flagged, len(texts))} | "
            f"{_ratio(checked_in, len(texts))} |"
        )
    n = totals["messages"]
    lines.append(
        f"| **all** | {n} | {_ratio(totals['flagged'], n)} | {_ratio(totals['checked_in'], n)} |"
    )
    return "\n".join(lines)


def write_doc(markdown: str) -> None:
    """Replace the figures section of docs/safeguarding.md (create the page if missing)."""
    block = f"{START}\n{markdown}\n{END}"
    if DOC.exists():
        text = DOC.read_text(encoding="utf-8")
        if START in text and END in text:
            before, rest = text.split(START, 1)
            after = rest.split(END, 1)[1]
            DOC.write_text(before + block + after, encoding="utf-8")
            return
        DOC.write_text(text.rstrip() + "\n\n## Measured figures\n\n" + block + "\n", "utf-8")
        return
    DOC.write_text("# Safeguarding gate\n\n## Measured figures\n\n" + block + "\n", "utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-write", action="store_true", help="print only")
    parser.add_argument("--show-errors", action="store_true", help="list misses/false alarms")
    parser.add_argument(
        "--only",
        choices=[*sorted(HELDOUT_FILES), EVERYDAY],
        help="evaluate one held-out file or the everyday questions (implies --no-write)",
    )
    args = parser.parse_args()
    if args.only:
        args.no_write = True
    print("$ .venv/bin/python scripts/eval_safeguarding.py")
    print(machine())
    sections = []
    for name in [args.only] if args.only else [*HELDOUT_FILES, EVERYDAY]:
        if name == EVERYDAY:
            sections.append("### Everyday questions\n\n" + evaluate_everyday())
            continue
        results = evaluate(HELDOUT_DIR / name)
        sections.append(f"### {name}\n\n" + report(results, name))
        if args.show_errors:
            print("\n".join(results["errors"]))  # type: ignore[arg-type]
    markdown = "\n\n".join(sections)
    print(markdown)
    if not args.no_write:
        write_doc(markdown)
        print(f"Wrote {DOC.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
