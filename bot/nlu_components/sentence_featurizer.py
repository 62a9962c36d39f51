"""Rasa's CountVectorsFeaturizer without the per-token features nobody here reads.

For a message's text, Rasa's featurizer computes one sparse row per token (the "sequence"
features, for DIET and TED) and one row for the whole message (the "sentence" features).
Our intent classifier (a logistic regression) reads only the sentence features, and there is
no DIET or TED in the pipeline, so the per-token rows were pure cost: with character 2-5
grams over ~37,000 examples they took about a minute of every training run, and a few
milliseconds of every chat turn. This featurizer computes the sentence rows only, for all
messages in one vectoriser call, and leaves every other attribute (intents, responses) to
Rasa's own code. The sentence rows are the same as Rasa's (checked in
tests/rasa_side/speedup_checks.py).

Do not use it with DIET, TED or any component that reads sequence features.

Runs inside `.venv-rasa` only (imports rasa); the app never imports it.
"""

from __future__ import annotations

from typing import Any

import scipy.sparse
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.nlu.constants import DENSE_FEATURIZABLE_ATTRIBUTES
from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
    CountVectorsFeaturizer,
)
from rasa.shared.nlu.training_data.message import Message

Rows = list[Any]  # one sparse matrix or None per message


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.MESSAGE_FEATURIZER, is_trainable=True)
class SentenceCountVectorsFeaturizer(CountVectorsFeaturizer):
    """`CountVectorsFeaturizer` that gives message texts sentence features only."""

    def _create_features(self, attribute: str, all_tokens: list[list[str]]) -> tuple[Rows, Rows]:
        """(sequence, sentence) features per message; no sequence features for texts."""
        vectorizer = self.vectorizers.get(attribute) if self.vectorizers else None
        if attribute not in DENSE_FEATURIZABLE_ATTRIBUTES or vectorizer is None:
            return super()._create_features(attribute, all_tokens)  # type: ignore[no-any-return]
        sentence: Rows = [None] * len(all_tokens)
        present = [i for i, tokens in enumerate(all_tokens) if tokens]
        if present:
            matrix = scipy.sparse.csr_matrix(
                vectorizer.transform([" ".join(all_tokens[i]) for i in present])
            )
            matrix.sort_indices()
            for row, index in enumerate(present):
                sentence[index] = matrix[row].tocoo()
        return [None] * len(all_tokens), sentence

    def process(self, messages: list[Message]) -> list[Message]:
        """Featurise all messages with one vectoriser call per attribute."""
        if self.vectorizers is None:
            return super().process(messages)  # type: ignore[no-any-return]
        for attribute in self._attributes:
            if not self.vectorizers.get(attribute):
                continue
            tokens = [
                self._get_processed_message_tokens_by_attribute(message, attribute)
                for message in messages
            ]
            sequence, sentence = self._create_features(attribute, tokens)
            for message, sequence_rows, sentence_row in zip(
                messages, sequence, sentence, strict=True
            ):
                self.add_features_to_message(sequence_rows, sentence_row, attribute, message)
        return messages
