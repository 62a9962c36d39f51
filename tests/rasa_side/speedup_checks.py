"""Checks of bot/serve.py, bot/nlg.py and bot/tracker_store.py, run with .venv-rasa's Python
(Rasa needs Python 3.10): `python tests/rasa_side/speedup_checks.py <check>`.
tests/test_rasa_speedups.py runs each one; a failed assert exits non-zero."""

from __future__ import annotations

import asyncio
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from aiohttp import web


async def _server(handler: object) -> tuple[web.AppRunner, str]:
    app = web.Application()
    app.router.add_post("/{tail:.*}", handler)  # type: ignore[arg-type]
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
    return runner, f"http://127.0.0.1:{port}"


def cached_validation_still_rejects_bad_responses() -> None:
    import jsonschema

    from bot import serve

    serve.install()
    schema = {"type": "object", "properties": {"events": {"type": "array"}}}
    for _ in range(3):
        jsonschema.validate({"events": []}, dict(schema))
    assert len(serve._VALIDATORS) == 1, serve._VALIDATORS
    try:
        jsonschema.validate({"events": "not a list"}, dict(schema))
    except jsonschema.ValidationError as error:
        assert "not of type 'array'" in error.message
    else:
        raise AssertionError("an invalid response passed validation")


def action_calls_reuse_one_connection() -> None:
    from rasa.utils.endpoints import EndpointConfig

    from bot import serve

    serve.install()
    peers: set[object] = set()

    async def handler(request: web.Request) -> web.Response:
        peers.add(request.transport.get_extra_info("peername"))  # type: ignore[union-attr]
        return web.json_response({"events": [], "responses": []})

    async def run() -> None:
        runner, url = await _server(handler)
        endpoint = EndpointConfig(url=f"{url}/webhook")
        for _ in range(5):
            assert await endpoint.request(json={"next_action": "x"}) == {
                "events": [],
                "responses": [],
            }
        await runner.cleanup()

    asyncio.run(run())
    assert len(peers) == 1, peers


def nlg_sends_slots_not_the_whole_conversation() -> None:
    from rasa.shared.core.events import ActionExecuted, SlotSet, UserUttered
    from rasa.shared.core.slots import TextSlot
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.endpoints import EndpointConfig

    from bot.nlg import ContentStoreNLG

    bodies: list[dict] = []

    async def handler(request: web.Request) -> web.Response:
        bodies.append(await request.json())
        return web.json_response({"text": "Cześć!", "buttons": []})

    async def run() -> dict:
        runner, url = await _server(handler)
        tracker = DialogueStateTracker.from_events(
            "parent-1",
            [ActionExecuted("action_listen"), UserUttered("hej"), SlotSet("language", "pl")],
            slots=[TextSlot("language", mappings=[])],
        )
        nlg = ContentStoreNLG(EndpointConfig(url=f"{url}/nlg"))
        reply = await nlg.generate("utter_greet", tracker, "rest", name="Ola")
        await runner.cleanup()
        return reply

    reply = asyncio.run(run())
    assert reply["text"] == "Cześć!"
    (body,) = bodies
    assert body["response"] == "utter_greet" and body["arguments"] == {"name": "Ola"}
    assert body["tracker"]["slots"]["language"] == "pl"
    assert "events" not in body["tracker"] and body["channel"] == {"name": "rest"}


def sqlite_tracker_store_keeps_conversations_in_wal_mode() -> None:
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.events import ActionExecuted, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    from bot.tracker_store import FrontDoorTrackerStore

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "tracker.db"
        store = FrontDoorTrackerStore(domain=Domain.empty(), dialect="sqlite", db=str(path))
        tracker = DialogueStateTracker.from_events(
            "parent-2", [ActionExecuted("action_listen"), UserUttered("is millbrook open")]
        )
        asyncio.run(store.save(tracker))
        again = asyncio.run(store.retrieve("parent-2"))
        assert again is not None and again.latest_message.text == "is millbrook open"
        with store.engine.connect() as connection:
            synchronous = connection.exec_driver_sql("PRAGMA synchronous").scalar()
        assert synchronous == 1, synchronous  # NORMAL
        assert sqlite3.connect(path).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def intent_features_match_rasas_own_matrix() -> None:
    import numpy as np
    import scipy.sparse as sp
    from rasa.nlu.classifiers.logistic_regression_classifier import LogisticRegressionClassifier
    from rasa.shared.nlu.training_data.features import Features
    from rasa.shared.nlu.training_data.message import Message

    from bot.nlu_components.intent_classifier import sentence_matrix

    rng = np.random.default_rng(7)
    messages = []
    for tokens in (1, 4, 9):
        message = Message(data={"text": " ".join(["word"] * tokens)})
        for origin, width in (("words", 30), ("chars", 50)):
            sentence = sp.random(1, width, density=0.2, format="coo", random_state=rng) * 5
            sequence = sp.random(tokens, width, density=0.2, format="coo", random_state=rng)
            message.add_features(Features(sequence, "sequence", "text", origin))
            message.add_features(Features(sentence.tocoo(), "sentence", "text", origin))
        messages.append(message)
    ours = sentence_matrix(messages)
    rasas = LogisticRegressionClassifier._create_X(None, messages)  # type: ignore[arg-type]
    assert ours is not None and ours.shape == rasas.shape == (3, 80), (ours, rasas.shape)
    assert abs(ours - rasas).max() == 0


def sentence_featurizer_matches_rasas_sentence_rows() -> None:
    from rasa.engine.graph import ExecutionContext, GraphSchema
    from rasa.engine.storage.local_model_storage import LocalModelStorage
    from rasa.engine.storage.resource import Resource
    from rasa.nlu.featurizers.sparse_featurizer.count_vectors_featurizer import (
        CountVectorsFeaturizer,
    )
    from rasa.nlu.tokenizers.whitespace_tokenizer import WhitespaceTokenizer
    from rasa.shared.nlu.training_data.message import Message
    from rasa.shared.nlu.training_data.training_data import TrainingData

    from bot.nlu_components.sentence_featurizer import SentenceCountVectorsFeaturizer

    texts = {
        "infant_feeding": ["help with breastfeeding", "baby wont latch", "bottle feeding tips"],
        "hub_opening_times": ["is millbrook open today", "opening times saturday"],
        "greet": ["hi", "hello there"],
    }
    storage = LocalModelStorage(Path(tempfile.mkdtemp()))
    context = ExecutionContext(GraphSchema({}), "check")
    tokenizer = WhitespaceTokenizer(WhitespaceTokenizer.get_default_config())

    def featurised(cls: type, config: dict[str, object], name: str) -> list[Message]:
        examples = [Message(data={"text": t, "intent": i}) for i, ts in texts.items() for t in ts]
        data = TrainingData(examples)
        tokenizer.process_training_data(data)
        component = cls.create(  # type: ignore[attr-defined]
            {**cls.get_default_config(), **config}, storage, Resource(name), context
        )
        component.train(data)
        component.process_training_data(data)
        unseen = [Message(data={"text": "is the hub open on saturday"}), Message(data={})]
        tokenizer.process(unseen)
        component.process(unseen)
        return [*data.training_examples, *unseen]

    for config in ({"min_ngram": 1, "max_ngram": 2}, {"analyzer": "char_wb", "max_ngram": 5}):
        theirs = featurised(CountVectorsFeaturizer, config, "rasa" + str(len(config)))
        ours = featurised(SentenceCountVectorsFeaturizer, config, "ours" + str(len(config)))
        for mine, rasas in zip(ours, theirs, strict=True):
            seq, sen = mine.get_sparse_features("text")
            _, rasa_sen = rasas.get_sparse_features("text")
            assert seq is None, "no per-token features for texts"
            assert (sen is None) == (rasa_sen is None), mine.data
            if sen is not None:
                assert sen.features.shape == rasa_sen.features.shape
                assert abs(sen.features - rasa_sen.features).max() == 0, mine.data
            # Intents keep Rasa's own features.
            assert (mine.get_sparse_features("intent")[0] is None) == (
                rasas.get_sparse_features("intent")[0] is None
            )


if __name__ == "__main__":
    globals()[sys.argv[1]]()
    print("ok")
