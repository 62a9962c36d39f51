"""Compare intent-classifier settings on a dev split of the *training* data (never held-out).

Runs under the Rasa venv (it uses Rasa's tokenizer and our featurizers, so the features are
the ones `rasa train` builds):

    .venv-rasa/bin/python scripts/tune_intent_classifier.py \
        '[{}, {"min_df": 2, "C": 8}, {"min_df": 2, "C": 8, "max_iter": 70}]'

Each variant is a JSON object: `min_df` (drop word and character n-grams seen in fewer
training messages, as the featurizers' `min_df` does), `C` and `max_iter` (the logistic
regression's). For each it prints the number of feature columns, the training time, and the
accuracy on a stratified 10% of the training data held back (the FallbackClassifier's 0.4
threshold applies, and a fallback counts as wrong), and the share of CLINC150's *validation*
queries (`val` + `oos_val`, none of them in scope; the test splits are left for eval_nlu.py)
wrongly signposted to a topic or hub intent. The held-out files in tests/nlu/ are not read:
choose on these, then measure the chosen config once with scripts/eval_nlu.py.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import yaml
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
from rasa.shared.nlu.training_data.loading import load_data
from rasa.shared.nlu.training_data.message import Message
from rasa.shared.nlu.training_data.training_data import TrainingData
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import train_test_split

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.nlu_components.intent_classifier import sentence_matrix  # noqa: E402
from bot.nlu_components.sentence_featurizer import SentenceCountVectorsFeaturizer  # noqa: E402

CLINC = ROOT.parent / "shared" / "eval-data" / "clinc150" / "data_full.json"
FALLBACK_THRESHOLD = 0.4
FEATURIZERS = [
    {"min_ngram": 1, "max_ngram": 2},
    {"analyzer": "char_wb", "min_ngram": 2, "max_ngram": 5},
]


def main() -> None:
    variants = json.loads(sys.argv[1]) if len(sys.argv) > 1 else [{}]
    examples = load_data(str(ROOT / "data" / "nlu")).intent_examples
    examples = [e for e in examples if e.get("text") and e.get("intent")]
    labels = np.array([e.get("intent") for e in examples])
    train, dev = train_test_split(
        np.arange(len(examples)), test_size=0.1, random_state=0, stratify=labels
    )

    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    context = ExecutionContext(GraphSchema({}), "tune")
    tokenizer = WhitespaceTokenizer.create(
        WhitespaceTokenizer.get_default_config(), storage, Resource("tokenizer"), context
    )
    tokenizer.process_training_data(TrainingData(examples))
    clinc_splits = json.loads(CLINC.read_text(encoding="utf-8"))
    clinc = [Message.build(text=text) for text, _ in clinc_splits["val"] + clinc_splits["oos_val"]]
    tokenizer.process(clinc)
    contract = yaml.safe_load((ROOT / "data" / "intents.yml").read_text(encoding="utf-8"))
    signposting = {i["name"] for i in contract["intents"] if i["kind"] in ("topic", "hub")}
    # Vocabularies from the training part only; min_df is applied below as column pruning,
    # which gives the same counts as refitting each vocabulary with that min_df.
    widths = []
    for number, config in enumerate(FEATURIZERS):
        featurizer = SentenceCountVectorsFeaturizer.create(
            {**SentenceCountVectorsFeaturizer.get_default_config(), **config},
            storage,
            Resource(f"featurizer{number}"),
            context,
        )
        featurizer.train(TrainingData([examples[i] for i in train]))
        featurizer.process(examples)
        featurizer.process(clinc)
        widths.append(len(featurizer.vectorizers["text"].vocabulary_))
    matrix = sentence_matrix(examples)
    clinc_matrix = sentence_matrix(clinc)
    assert matrix is not None and clinc_matrix is not None
    x_train, x_dev = matrix[train], matrix[dev]
    seen_in = np.asarray((x_train > 0).sum(axis=0)).ravel()

    print(
        "| variant | columns | train s | iterations | dev accuracy | CLINC val wrongly signposted |"
    )
    print("|---|---|---|---|---|---|")
    for variant in variants:
        columns = np.where(seen_in >= variant.get("min_df", 1))[0]
        classifier = LogisticRegression(
            solver="lbfgs",
            max_iter=variant.get("max_iter", 100),
            class_weight="balanced",
            tol=1e-4,
            random_state=42,
            C=variant.get("C", 1.0),
        )
        start = time.perf_counter()
        classifier.fit(x_train[:, columns], labels[train])
        seconds = time.perf_counter() - start
        probabilities = classifier.predict_proba(x_dev[:, columns])
        predicted = classifier.classes_[probabilities.argmax(axis=1)]
        predicted[probabilities.max(axis=1) < FALLBACK_THRESHOLD] = "nlu_fallback"
        accuracy = float((predicted == labels[dev]).mean())
        on_clinc = classifier.predict_proba(clinc_matrix[:, columns])
        wrong = np.isin(classifier.classes_[on_clinc.argmax(axis=1)], list(signposting)) & (
            on_clinc.max(axis=1) >= FALLBACK_THRESHOLD
        )
        print(
            f"| {json.dumps(variant)} | {len(columns):,} | {seconds:.0f} | "
            f"{int(classifier.n_iter_.max())} | {accuracy:.3f} | {wrong.mean():.2%} |",
            flush=True,
        )
    print(f"\n{len(train):,} training and {len(dev):,} dev messages; widths {widths}")


if __name__ == "__main__":
    main()
