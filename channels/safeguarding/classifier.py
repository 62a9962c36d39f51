"""A trained classifier that catches disclosures the lexicon has no phrase for.

Data: `training.yml` (`{language: {category: [text, ...]}}`) plus the larger corpus in
`training_corpus/<lang>.yml` (a list of `{text, category}`), both with hard negatives
(category `none`). `tests/safeguarding/heldout*.yml` and `validation.yml` are never read here.

Features (over the folded text with harmless lexicon phrases blanked out): words, word
pairs and character 2–5-grams within space-padded words (as scikit-learn's `char_wb`),
hashed with CRC-32 into `2**HASH_BITS` buckets, binary, L2-normalised. Typos, missing
accents, mixed scripts and Roman Urdu/Punjabi still share many character n-grams with the
training examples.

Model: multinomial logistic regression over the seven categories and "none", class-balanced,
L2-regularised, fitted by scikit-learn (L-BFGS) at training time only; scoring is a numpy
lookup in the hashed weight table. Every everyday message of the NLU data is an extra
negative (each weighing `_ORDINARY_WEIGHT` of a curated example). The risk score of
a text is 1 - P(none), taken over the whole text and over windows of `_WINDOW` words, so a
disclosure in the middle of a long message still counts; the category is the likeliest one.

Threshold: chosen on a held-back split of the training data (every fifth example of each
language and category): the lowest one whose false alarms on the held-back negatives stay
within `MAX_VALIDATION_FALSE_ALARMS`. The model is then refitted on everything.

Cache: training takes several seconds, so the weights and threshold are saved to
`var/safeguarding-model.npz`, keyed by a hash of the training files, the lexicons (their
negatives shape the text the model sees) and this module's and `normalise.py`'s source. Any
change rebuilds it; loading the cache takes a few milliseconds. Never commit the cache.
"""

from __future__ import annotations

import hashlib
import itertools
import logging
import math
import os
import tempfile
import zlib
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from channels.safeguarding.lexicon import CATEGORIES, LEXICON_DIR, mask_folded
from channels.safeguarding.normalise import fold, plain

logger = logging.getLogger(__name__)

_HERE = Path(__file__).resolve().parent
TRAINING_FILE = _HERE / "training.yml"
CORPUS_DIR = _HERE / "training_corpus"
# Ordinary parent messages (the NLU training data) teach the classifier what everyday traffic
# looks like, so "he won't go to bed before 11" or "nahi nahi" do not raise a 999 reply.
NLU_DIR = _HERE.parents[1] / "data" / "nlu"
# Topic questions about abuse are answered normally by design, but some read close to a
# disclosure: they are left out rather than taught as "none".
_NOT_ORDINARY_INTENTS = frozenset({"domestic_abuse"})
CACHE_FILE = Path(
    os.environ.get("SAFEGUARDING_MODEL_CACHE", _HERE.parents[1] / "var" / "safeguarding-model.npz")
)
NONE = "none"
CLASSES = (*CATEGORIES, NONE)
MAX_VALIDATION_FALSE_ALARMS = 0.01
# The softer "possible concern" tier: a short check-in with 999 and the helplines is added to
# the normal answer. It may be wrong more often, because it costs a parent little.
MAX_VALIDATION_CONCERN_FALSE_ALARMS = 0.05
HASH_BITS = 18
_MASK = (1 << HASH_BITS) - 1
_WINDOW = 12
_STRIDE = 4
_C = 4.0  # inverse L2 strength, chosen by `--cv` (see docs/safeguarding.md)
_MAX_ITER = 100
# Every everyday message of the NLU data is a negative, each counting this much of a curated
# example. With only a sample of them, or with less weight, function words common in
# disclosures ("please", "me", "and") made replies like "and on saturday please" or "please
# forget me and delete my chat" look risky; with more weight the threshold rises and recall
# falls (compared in docs/safeguarding.md).
_ORDINARY_WEIGHT = 0.3
_HOLD_OUT_EVERY = 5
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


@dataclass(frozen=True)
class Example:
    """One labelled training text."""

    text: str
    language: str
    category: str
    ordinary: bool = False  # an everyday message from the NLU data (category "none")


def _check_category(category: str) -> str:
    if category != NONE and category not in CATEGORIES:
        raise ValueError(f"unknown category in training data: {category}")
    return category


def load_examples(path: Path = TRAINING_FILE) -> list[Example]:
    """Examples from a `{language: {category: [text, ...]}}` YAML file."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    examples: list[Example] = []
    for language, categories in data.items():
        for category, texts in (categories or {}).items():
            _check_category(str(category))
            examples.extend(Example(str(t), str(language), str(category)) for t in texts or [])
    return examples


def load_corpus(directory: Path = CORPUS_DIR) -> list[Example]:
    """Examples from `training_corpus/<lang>.yml` (each a list of `{text, category}`)."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.yml")):
        for item in yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or []:
            category = _check_category(str(item["category"]))
            examples.append(Example(str(item["text"]), path.stem, category))
    return examples


def everyday_texts(path: Path) -> list[str]:
    """The example texts of a Rasa NLU file, without the abuse topic questions."""
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER) or {}
    texts: list[str] = []
    for item in data.get("nlu") or []:
        if "intent" not in item or item["intent"] in _NOT_ORDINARY_INTENTS:
            continue
        for line in str(item.get("examples", "")).splitlines():
            text = line.strip().removeprefix("- ").strip()
            if text:
                texts.append(text)
    return texts


def load_ordinary_messages(directory: Path = NLU_DIR) -> list[Example]:
    """Everyday parent messages from the NLU training data, labelled `none`."""
    examples: list[Example] = []
    for language_dir in sorted(p for p in directory.iterdir() if p.is_dir()):
        for path in sorted(language_dir.glob("*.yml")):
            examples.extend(
                Example(t, language_dir.name, NONE, ordinary=True) for t in everyday_texts(path)
            )
    return examples


def load_training() -> list[Example]:
    """Everything the classifier learns from: `training.yml`, the corpus, ordinary messages."""
    return load_examples(TRAINING_FILE) + load_corpus(CORPUS_DIR) + load_ordinary_messages()


def prepare(text: str) -> str:
    """The text the classifier sees: folded, with harmless phrases blanked out."""
    return mask_folded(fold(plain(text)))


def _hash(feature: str) -> int:
    return zlib.crc32(feature.encode("utf-8")) & _MASK


@lru_cache(maxsize=65536)
def word_indices(word: str) -> tuple[int, ...]:
    """Hashed character 2–5-grams of one space-padded word, and the word itself."""
    padded = f" {word} "
    grams = {padded[i : i + n] for n in range(2, 6) for i in range(len(padded) - n + 1)}
    return (*(_hash("c:" + g) for g in grams), _hash("w:" + word))


def _pair_index(first: str, second: str) -> int:
    return _hash(f"b:{first} {second}")


def text_indices(words: Sequence[str]) -> np.ndarray:
    """The distinct hashed features of a sequence of words."""
    found: list[int] = []
    for word in words:
        found.extend(word_indices(word))
    found.extend(_pair_index(a, b) for a, b in itertools.pairwise(words))
    return np.unique(np.asarray(found, dtype=np.int64))


def window_bounds(count: int) -> Iterable[tuple[int, int]]:
    """(start, stop) of the whole text and, when it is long, overlapping word windows."""
    yield 0, count
    if count <= _WINDOW + _STRIDE:
        return
    for start in range(0, count - _WINDOW + _STRIDE, _STRIDE):
        yield start, min(start + _WINDOW, count)


def _softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=-1, keepdims=True)
    exp = np.exp(shifted)
    return exp / exp.sum(axis=-1, keepdims=True)


class Model:
    """Hashed-feature weights per class, a bias, and a decision threshold on the risk."""

    def __init__(
        self,
        weights: np.ndarray,
        bias: np.ndarray,
        threshold: float = 0.5,
        concern_threshold: float | None = None,
    ) -> None:
        self.weights = weights  # (2**HASH_BITS, len(CLASSES)), float32
        self.bias = bias
        self.threshold = threshold
        self.concern_threshold = threshold if concern_threshold is None else concern_threshold
        self.categories = CATEGORIES

    def _probabilities(self, indices: np.ndarray) -> np.ndarray:
        if not len(indices):
            return _softmax(self.bias.astype(np.float64))
        logits = self.weights[indices].sum(axis=0, dtype=np.float64) / math.sqrt(len(indices))
        return _softmax(logits + self.bias)

    def score(self, prepared: str) -> tuple[str, float]:
        """The likeliest category and the risk (1 - P(none)) of the riskiest window."""
        words = prepared.split()
        if not words:
            return NONE, 0.0
        best: tuple[str, float] = (NONE, -1.0)
        for start, stop in window_bounds(len(words)):
            probabilities = self._probabilities(text_indices(words[start:stop]))
            risk = 1.0 - float(probabilities[-1])
            if risk > best[1]:
                best = (CATEGORIES[int(np.argmax(probabilities[:-1]))], risk)
        return best

    def concern(self, prepared: str) -> str | None:
        """The likeliest category if the risk reaches the softer "possible concern" tier."""
        category, risk = self.score(prepared)
        return category if risk >= self.concern_threshold else None

    def classify(self, prepared: str) -> tuple[str, float] | None:
        """(category, score, 0.5 at the threshold) or None; `prepared` as from `prepare`."""
        category, risk = self.score(prepared)
        if risk < self.threshold:
            return None
        return category, 1.0 / (1.0 + math.exp(-4.0 * (_logit(risk) - _logit(self.threshold))))


def _logit(p: float) -> float:
    p = min(max(p, 1e-9), 1 - 1e-9)
    return math.log(p / (1 - p))


def fit(
    texts: Sequence[str], labels: Sequence[str], example_weights: Sequence[float] | None = None
) -> Model:
    """Class-balanced multinomial logistic regression on prepared texts (scikit-learn, L-BFGS).

    `example_weights` scale single examples (ordinary messages count less than curated ones).
    Only the hashed columns that occur are given to scikit-learn; the weights are then put
    back into the full hashed table, so scoring needs numpy alone.
    """
    # Imported here: only training needs them, and scikit-learn takes a second to import.
    from scipy.sparse import csr_matrix
    from sklearn.linear_model import LogisticRegression

    rows = [text_indices(t.split()) for t in texts]
    y = np.array([CLASSES.index(label) for label in labels])
    extra = (
        np.ones(len(y))
        if example_weights is None
        else np.asarray(example_weights, dtype=np.float64)
    )
    counts = np.bincount(y, weights=extra, minlength=len(CLASSES)).astype(np.float64)
    class_weight = np.where(
        counts > 0, float(extra.sum()) / (len(CLASSES) * np.maximum(counts, 1e-9)), 0.0
    )
    lengths = np.array([len(r) for r in rows])
    columns_all = np.concatenate(rows) if rows else np.zeros(0, dtype=np.int64)
    used, columns = np.unique(columns_all, return_inverse=True)
    values = np.repeat(1.0 / np.sqrt(np.maximum(lengths, 1)), lengths)
    matrix = csr_matrix(
        (values, columns, np.r_[0, np.cumsum(lengths)]), shape=(len(rows), max(len(used), 1))
    )
    classifier = LogisticRegression(C=_C, max_iter=_MAX_ITER, tol=1e-3)
    classifier.fit(matrix, y, sample_weight=class_weight[y] * extra)
    present = classifier.classes_
    coef, intercept = classifier.coef_, classifier.intercept_
    if len(present) == 2:  # scikit-learn keeps one row for two classes: split it as softmax
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
    k = len(CLASSES)
    weights = np.zeros((1 << HASH_BITS, k), dtype=np.float32)
    bias = np.full(k, -50.0)  # a class without examples is never predicted
    if len(used):
        weights[np.ix_(used, present)] = coef.T.astype(np.float32)
    bias[present] = intercept
    return Model(weights, bias)


def split(examples: Sequence[Example]) -> tuple[list[Example], list[Example]]:
    """Deterministic split: every fifth example of each (language, category) is held back."""
    seen: Counter[tuple[str, str]] = Counter()
    train_part: list[Example] = []
    held_back: list[Example] = []
    for example in examples:
        key = (example.language, example.category)
        bucket = held_back if seen[key] % _HOLD_OUT_EVERY == _HOLD_OUT_EVERY - 1 else train_part
        bucket.append(example)
        seen[key] += 1
    return train_part, held_back


def choose_threshold(
    model: Model,
    held_back: Sequence[tuple[str, str]],
    allowed_rate: float = MAX_VALIDATION_FALSE_ALARMS,
) -> float:
    """The lowest risk threshold whose held-back false alarms stay within the allowed rate.

    `held_back` holds (category, prepared text) pairs; only `none` texts count.
    """
    negatives = sorted(
        (model.score(text)[1] for category, text in held_back if category == NONE),
        reverse=True,
    )
    if not negatives:
        return 0.5
    allowed = int(allowed_rate * len(negatives))
    # Just above the (allowed+1)-th highest negative score; never below 0.05.
    return max(negatives[min(allowed, len(negatives) - 1)] + 1e-6, 0.05)


def _example_weights(examples: Sequence[Example]) -> list[float]:
    """Each everyday message counts `_ORDINARY_WEIGHT` of a curated example."""
    return [_ORDINARY_WEIGHT if e.ordinary else 1.0 for e in examples]


def train(examples: Sequence[Example]) -> Model:
    """Choose the threshold on a held-back split, then fit on every example."""
    prepared = [prepare(e.text) for e in examples]
    by_id = {id(e): p for e, p in zip(examples, prepared, strict=True)}
    train_part, held_back = split(examples)
    first = fit(
        [by_id[id(e)] for e in train_part],
        [e.category for e in train_part],
        _example_weights(train_part),
    )
    # Few false alarms both on hard negatives and on everyday messages: the stricter wins.
    curated = [(e.category, by_id[id(e)]) for e in held_back if not e.ordinary]
    ordinary = [(e.category, by_id[id(e)]) for e in held_back if e.ordinary]
    threshold = max(choose_threshold(first, curated), choose_threshold(first, ordinary))
    rate = MAX_VALIDATION_CONCERN_FALSE_ALARMS
    concern = max(choose_threshold(first, curated, rate), choose_threshold(first, ordinary, rate))
    model = fit(prepared, [e.category for e in examples], _example_weights(examples))
    model.threshold = threshold
    model.concern_threshold = min(concern, threshold)
    return model


def data_key() -> str:
    """Hash of everything the trained model depends on (data, lexicons, code)."""
    digest = hashlib.sha256()
    files = [
        TRAINING_FILE,
        *sorted(CORPUS_DIR.glob("*.yml")),
        *sorted(NLU_DIR.glob("*/*.yml")),
        *sorted(LEXICON_DIR.glob("*.yml")),
        _HERE / "normalise.py",
        _HERE / "lexicon.py",
        Path(__file__).resolve(),
    ]
    for path in files:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _load_cache(key: str, path: Path) -> Model | None:
    try:
        with np.load(path, allow_pickle=False) as data:
            if str(data["key"]) != key:
                return None
            return Model(
                data["weights"],
                data["bias"],
                float(data["threshold"]),
                float(data["concern_threshold"]),
            )
    except (OSError, KeyError, ValueError):
        return None


def _save_cache(model: Model, key: str, path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, Any] = {
            "key": np.array(key),
            "weights": model.weights,
            "bias": model.bias,
            "threshold": np.array(model.threshold),
            "concern_threshold": np.array(model.concern_threshold),
        }
        with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".npz", delete=False) as tmp:
            np.savez(tmp, **arrays)
        os.chmod(tmp.name, 0o644)
        os.replace(tmp.name, path)
    except OSError as error:  # a read-only deployment just retrains at each start
        logger.warning("Could not cache the safeguarding model (%s)", type(error).__name__)


@lru_cache(maxsize=1)
def get_model() -> Model:
    """The classifier: from the cache if the data is unchanged, else trained (and cached)."""
    key = data_key()
    model = _load_cache(key, CACHE_FILE)
    if model is None:
        model = train(load_training())
        _save_cache(model, key, CACHE_FILE)
    return model


def cross_validate(examples: Sequence[Example], folds: int = 5) -> dict[str, dict[str, float]]:
    """Out-of-fold recall and false alarms per language (folds stratified by language+category).

    One threshold for all languages: the one giving at most `MAX_VALIDATION_FALSE_ALARMS`
    false alarms over all out-of-fold negatives.
    """
    seen: Counter[tuple[str, str]] = Counter()
    fold_of: list[int] = []
    for example in examples:
        key = (example.language, example.category)
        fold_of.append(seen[key] % folds)
        seen[key] += 1
    prepared = [prepare(e.text) for e in examples]
    risks = [0.0] * len(examples)
    right = [False] * len(examples)
    for k in range(folds):
        inside = [i for i, f in enumerate(fold_of) if f != k]
        model = fit([prepared[i] for i in inside], [examples[i].category for i in inside])
        for i, f in enumerate(fold_of):
            if f == k:
                category, risks[i] = model.score(prepared[i])
                right[i] = category == examples[i].category
    negatives = sorted((r for e, r in zip(examples, risks, strict=True) if e.category == NONE))
    negatives.reverse()
    allowed = int(MAX_VALIDATION_FALSE_ALARMS * len(negatives))
    threshold = negatives[min(allowed, len(negatives) - 1)]
    table: dict[str, dict[str, float]] = {}
    for language in dict.fromkeys(e.language for e in examples):
        rows = [i for i, e in enumerate(examples) if e.language == language]
        pos = [i for i in rows if examples[i].category != NONE]
        neg = [i for i in rows if examples[i].category == NONE]
        caught = [i for i in pos if risks[i] > threshold]
        table[language] = {
            "disclosures": len(pos),
            "recall": len(caught) / max(len(pos), 1),
            "right_category": sum(right[i] for i in caught) / max(len(pos), 1),
            "negatives": len(neg),
            "false_alarms": sum(risks[i] > threshold for i in neg) / max(len(neg), 1),
        }
    table["all"] = {"threshold": threshold}
    return table


def main() -> None:
    """`python -m channels.safeguarding.classifier [--cv]`: build the cache, or cross-validate."""
    import argparse
    import time

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cv", action="store_true", help="5-fold cross-validation per language")
    args = parser.parse_args()
    start = time.perf_counter()
    if not args.cv:
        model = get_model()
        seconds = time.perf_counter() - start
        print(f"Safeguarding classifier ready: threshold {model.threshold:.3f}, {seconds:.1f} s")
        return
    table = cross_validate(load_training())
    threshold = table.pop("all")["threshold"]
    print(f"threshold {threshold:.3f} ({MAX_VALIDATION_FALSE_ALARMS:.0%} false alarms out of fold)")
    print("| lang | recall | right category | false alarms |")
    print("|---|---|---|---|")
    for language, row in table.items():
        print(
            f"| {language} | {row['recall']:.2f} (n={row['disclosures']:.0f}) | "
            f"{row['right_category']:.2f} | {row['false_alarms']:.2f} (n={row['negatives']:.0f}) |"
        )
    print(f"{time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
