"""Rasa's callback NLG, made lean for our `/nlg` endpoint (directory/api/nlg.py).

Rasa's `CallbackNaturalLanguageGenerator` posts the whole conversation (every event) for each
response and JSON-encodes it a second time for a debug line even when debug logging is off.
Our `/nlg` reads only the response name, its arguments, the slots (the language, and the
values that fill `{placeholders}`) and the channel, so this sends just those. Same endpoint,
same response format and validation; staff edits in the content store still go live at once.
(`bot/serve.py` keeps the HTTP connection open between calls.)

Used by endpoints.yml and endpoints.production.yml: `nlg: {type: bot.nlg.ContentStoreNLG, url: ...}`.
"""

from __future__ import annotations

from typing import Any

from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.core.nlg.callback import CallbackNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.exceptions import RasaException
from rasa.utils.endpoints import EndpointConfig


def request_body(
    response: str, tracker: DialogueStateTracker, channel: str, arguments: dict[str, Any]
) -> dict[str, Any]:
    """What `/nlg` needs: the response's name and arguments, the slots and the channel."""
    return {
        "response": response,
        "arguments": arguments,
        "tracker": {"sender_id": tracker.sender_id, "slots": tracker.current_slot_values()},
        "channel": {"name": channel},
    }


class ContentStoreNLG(CallbackNaturalLanguageGenerator):
    """Asks `/nlg` for each response, sending the slots instead of the whole conversation."""

    def __init__(self, endpoint_config: EndpointConfig, domain: Domain | None = None) -> None:
        # Rasa builds custom NLG classes with `domain=` as well; the callback NLG needs none.
        super().__init__(endpoint_config)

    async def generate(
        self,
        utter_action: str,
        tracker: DialogueStateTracker,
        output_channel: str,
        **kwargs: Any,
    ) -> dict[str, Any]:
        """The response `utter_action` from the content store, in the conversation's language."""
        kwargs.pop("domain_responses", None)
        body = request_body(utter_action, tracker, output_channel, kwargs)
        content = await self.nlg_endpoint.request(
            method="post", json=body, timeout=DEFAULT_REQUEST_TIMEOUT
        )
        if isinstance(content, dict) and self.validate_response(content):
            return content
        raise RasaException("NLG web endpoint returned an invalid response.")
