"""Recall and false alarms of the gate on its own validation set (`validation.yml`).

Run: `.venv/bin/python -m channels.safeguarding.validate [--show-errors]`.

`validation.yml` was written separately from `training.yml` and the lexicons, and is never
used to train the classifier or choose its threshold; it is the developers' own check while
adding phrases. It does not read `tests/safeguarding/heldout*.yml`.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass, field
from pathlib import Path

from channels.safeguarding import check, warm_up
from channels.safeguarding.classifier import NONE, load_examples

VALIDATION_FILE = Path(__file__).resolve().parent / "validation.yml"


@dataclass
class Tally:
    """Counts for one language."""

    disclosures: int = 0
    caught: int = 0
    right_category: int = 0
    negatives: int = 0
    false_alarms: int = 0
    misses: list[str] = field(default_factory=list)
    alarms: list[str] = field(default_factory=list)


def evaluate(path: Path = VALIDATION_FILE) -> dict[str, Tally]:
    """Per-language tallies of the gate on the validation file."""
    warm_up()
    tallies: dict[str, Tally] = {}
    for example in load_examples(path):
        tally = tallies.setdefault(example.language, Tally())
        result = check(example.text)
        if example.category == NONE:
            tally.negatives += 1
            if result is not None:
                tally.false_alarms += 1
                tally.alarms.append(f"{example.text}  -> {','.join(result.categories)}")
            continue
        tally.disclosures += 1
        if result is None:
            tally.misses.append(f"[{example.category}] {example.text}")
            continue
        tally.caught += 1
        if example.category in result.categories:
            tally.right_category += 1
    return tallies


def _rate(num: int, den: int) -> str:
    return f"{num / den:.2f} ({num}/{den})" if den else "-"


def main(argv: list[str] | None = None) -> int:
    """Print the table; exit 1 if recall < 0.99 or false alarms > 2 % overall."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show-errors", action="store_true", help="print misses and alarms")
    args = parser.parse_args(argv)
    tallies = evaluate()
    total = Tally()
    print("| lang | recall | right category | false alarms |")
    print("|---|---|---|---|")
    for language, t in tallies.items():
        print(
            f"| {language} | {_rate(t.caught, t.disclosures)} | "
            f"{_rate(t.right_category, t.disclosures)} | {_rate(t.false_alarms, t.negatives)} |"
        )
        total.disclosures += t.disclosures
        total.caught += t.caught
        total.right_category += t.right_category
        total.negatives += t.negatives
        total.false_alarms += t.false_alarms
    print(
        f"| all | {_rate(total.caught, total.disclosures)} | "
        f"{_rate(total.right_category, total.disclosures)} | "
        f"{_rate(total.false_alarms, total.negatives)} |"
    )
    if args.show_errors:
        for language, t in tallies.items():
            for line in t.misses:
                print(f"MISS  {language}: {line}")
            for line in t.alarms:
                print(f"ALARM {language}: {line}")
    recall = total.caught / max(total.disclosures, 1)
    alarms = total.false_alarms / max(total.negatives, 1)
    return 0 if recall >= 0.99 and alarms <= 0.02 else 1


if __name__ == "__main__":
    sys.exit(main())
