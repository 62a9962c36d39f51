"""A small trained classifier that catches disclosures the lexicon has no phrase for.

Features are character n-grams (2–5, within words, as scikit-learn's `char_wb`) plus words
and word pairs of the folded text, so typos, mixed scripts and Roman Urdu/Punjabi still share
features with the training examples. The model is a one-vs-"none" naive Bayes log-count
ratio per category (as in NBSVM), averaged over the features of a window of words; the
message's score is its best window, so a disclosure at the end of a long message still
counts. Pure Python: it trains from `training.yml` in well under a second at first use and
needs no extra package.

The decision threshold is chosen on a validation split of `training.yml` (every fourth
example of each language and category): the lowest threshold whose false alarms on the
validation negatives stay within `MAX_VALIDATION_FALSE_ALARMS`. `tests/safeguarding/
heldout.yml` is never read here.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import yaml

from channels.safeguarding.lexicon import CATEGORIES, mask_folded
from channels.safeguarding.normalise import fold, plain

TRAINING_FILE = Path(__file__).resolve().parent / "training.yml"
NONE = "none"
MAX_VALIDATION_FALSE_ALARMS = 0.02
_SMOOTHING = 0.5
_WINDOW = 8
_STRIDE = 3
_MIN_FEATURES = 8


@dataclass(frozen=True)
class Example:
    """One labelled training text."""

    text: str
    language: str
    category: str


def load_examples(path: Path = TRAINING_FILE) -> list[Example]:
    """The training examples: `{language: {category: [text, ...]}}` in the YAML file."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader) or {}
    examples: list[Example] = []
    for language, categories in data.items():
        for category, texts in (categories or {}).items():
            if category != NONE and category not in CATEGORIES:
                raise ValueError(f"unknown category in training data: {category}")
            examples.extend(Example(str(t), str(language), str(category)) for t in texts or [])
    return examples


def prepare(text: str) -> str:
    """The text the classifier sees: folded, with harmless phrases blanked out."""
    return mask_folded(fold(plain(text)))


def word_features(word: str) -> list[str]:
    """Character 2–5-grams of one space-padded word, and the word itself."""
    padded = f" {word} "
    found = [padded[i : i + n] for n in range(2, 6) for i in range(len(padded) - n + 1)]
    found.append("w:" + word)
    return found


def features(words: Sequence[str]) -> set[str]:
    """Character 2–5-grams within words, words and word pairs."""
    found: set[str] = set()
    for word in words:
        found.update(word_features(word))
    for first, second in itertools.pairwise(words):
        found.add(f"b:{first} {second}")
    return found


def window_bounds(count: int) -> Iterable[tuple[int, int]]:
    """(start, stop) of overlapping windows of words (the whole text when it is short)."""
    if count <= _WINDOW + 2:
        yield 0, count
        return
    for start in range(0, count - _WINDOW + _STRIDE, _STRIDE):
        yield start, min(start + _WINDOW, count)


class Model:
    """Per-category log-count ratios against "none", and a decision threshold."""

    def __init__(self, labelled: Sequence[tuple[str, set[str]]]) -> None:
        doc_freq: dict[str, Counter[str]] = {c: Counter() for c in (*CATEGORIES, NONE)}
        for category, feats in labelled:
            doc_freq[category].update(feats)
        self.categories = tuple(c for c in CATEGORIES if doc_freq[c])
        vocabulary = list(dict.fromkeys(f for counts in doc_freq.values() for f in counts))
        self.index = {f: i for i, f in enumerate(vocabulary)}
        none = self._counts(doc_freq[NONE], len(vocabulary))
        log_none = np.log((none + _SMOOTHING) / (none.sum() + 1.0))
        columns = []
        for category in self.categories:
            own = self._counts(doc_freq[category], len(vocabulary))
            column = np.log((own + _SMOOTHING) / (own.sum() + 1.0)) - log_none
            column[(own == 0) & (none == 0)] = 0.0
            columns.append(column)
        self.matrix = np.stack(columns, axis=1) if columns else np.zeros((len(vocabulary), 0))
        self.threshold = 0.0

    def _counts(self, counts: Counter[str], size: int) -> np.ndarray:
        """Document frequencies as a vector over the vocabulary."""
        vector = np.zeros(size, dtype=np.float64)
        if counts:
            vector[[self.index[f] for f in counts]] = list(counts.values())
        return vector

    def _vector(self, feats: Iterable[str]) -> tuple[np.ndarray, int]:
        rows = [self.index[f] for f in feats if f in self.index]
        count = len(rows) + sum(1 for f in feats if f not in self.index)
        return self.matrix[rows].sum(axis=0), count

    def score(self, prepared: str) -> tuple[str, float]:
        """The likeliest category and its raw score (best window of words)."""
        words = prepared.split()
        if not words or not self.categories:
            return NONE, -math.inf
        cache: dict[str, tuple[np.ndarray, int]] = {}
        word_vectors = []
        for word in words:
            if word not in cache:
                cache[word] = self._vector(word_features(word))
            word_vectors.append(cache[word])
        pair_vectors = [self._vector([f"b:{a} {b}"]) for a, b in itertools.pairwise(words)]
        best: tuple[str, float] = (NONE, -math.inf)
        for start, stop in window_bounds(len(words)):
            parts = word_vectors[start:stop] + pair_vectors[start : stop - 1]
            total = np.sum([v for v, _ in parts], axis=0)
            denominator = max(sum(n for _, n in parts), _MIN_FEATURES)
            column = int(np.argmax(total))
            value = float(total[column]) / denominator
            if value > best[1]:
                best = (self.categories[column], value)
        return best

    def classify(self, prepared: str) -> tuple[str, float] | None:
        """(category, probability-like score, 0.5 at the threshold) or None; see `prepare`."""
        category, raw = self.score(prepared)
        if raw < self.threshold:
            return None
        return category, 1.0 / (1.0 + math.exp(-8.0 * (raw - self.threshold)))


def split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """Deterministic split: every fourth example of each (language, category) validates."""
    seen: Counter[tuple[str, str]] = Counter()
    train: list[Example] = []
    validation: list[Example] = []
    for example in examples:
        key = (example.language, example.category)
        (validation if seen[key] % 4 == 3 else train).append(example)
        seen[key] += 1
    return train, validation


def choose_threshold(model: Model, validation: Sequence[tuple[str, str]]) -> float:
    """The lowest threshold whose validation false alarms stay within the allowed rate.

    `validation` holds (category, prepared text) pairs.
    """
    negatives = sorted(
        (model.score(text)[1] for category, text in validation if category == NONE),
        reverse=True,
    )
    allowed = int(MAX_VALIDATION_FALSE_ALARMS * len(negatives))
    if not negatives:
        return 0.0
    # Just above the (allowed+1)-th highest negative score.
    return negatives[min(allowed, len(negatives) - 1)] + 1e-6


def train(examples: Sequence[Example]) -> Model:
    """Choose the threshold on a validation split, then fit on every example."""
    prepared = {e.text: prepare(e.text) for e in examples}
    train_part, validation = split(examples)
    labelled = {e.text: (e.category, features(prepared[e.text].split())) for e in examples}
    first = Model([labelled[e.text] for e in train_part])
    threshold = choose_threshold(first, [(e.category, prepared[e.text]) for e in validation])
    model = Model(list(labelled.values()))
    model.threshold = threshold
    return model


@lru_cache(maxsize=1)
def get_model() -> Model:
    """The classifier trained from `training.yml`, built on first use."""
    return train(load_examples())
