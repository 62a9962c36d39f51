"""Start Rasa with two speed fixes: `python -m bot.serve run ...` is `rasa run ...`.

Measured with py-spy on the `rasa` process under load (docs/benchmarks.md), about a quarter
of Rasa's CPU went to two things that do no useful work:

1. `jsonschema.validate()` checks the *schema* against its metaschema on every call before
   checking the instance. Rasa validates every action-server and NLG response this way,
   three to five times a turn. Here each schema gets one validator, built on first use;
   invalid responses are still rejected with the same `ValidationError`.
2. `EndpointConfig.request()` opens a new HTTP session, and so a new connection, for every
   call to the action server. Here each endpoint keeps one session per event loop.

Rasa 3.6 is the last open-source Rasa and will not change under us; the fixes touch public
names only, and `tests/test_rasa_speedups.py` checks they still behave as Rasa's own.
"""

from __future__ import annotations

import asyncio
import json
import sys
from typing import Any

import aiohttp
import jsonschema
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

IDLE_CONNECTION_S = 3.0

_VALIDATORS: dict[str, Any] = {}
_SESSIONS: dict[tuple[int, int], aiohttp.ClientSession] = {}
_rasa_session = EndpointConfig.session
_jsonschema_validate = jsonschema.validate


def validate(instance: Any, schema: dict[str, Any], cls: Any = None, *args: Any, **kwargs: Any) -> None:
    """`jsonschema.validate` with the schema checked once, not on every call."""
    if cls is not None or args or kwargs:
        _jsonschema_validate(instance, schema, cls, *args, **kwargs)
        return
    key = json.dumps(schema, sort_keys=True)
    validator = _VALIDATORS.get(key)
    if validator is None:
        validator_class = jsonschema.validators.validator_for(schema)
        validator_class.check_schema(schema)
        validator = _VALIDATORS[key] = validator_class(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


class _KeptSession:
    """`async with` yields the endpoint's kept session and leaves it open."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self._session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self._session

    async def __aexit__(self, *_exc: object) -> None:
        return None


def kept_session(endpoint: EndpointConfig) -> _KeptSession | aiohttp.ClientSession:
    """The endpoint's session for the running event loop, made on first use (as Rasa makes
    it, but closing idle connections before the servers do: uvicorn and Sanic wait 5 s)."""
    try:
        key = (id(endpoint), id(asyncio.get_running_loop()))
    except RuntimeError:  # no event loop: Rasa's own behaviour
        return _rasa_session(endpoint)
    session = _SESSIONS.get(key)
    if session is None or session.closed:
        auth = (
            aiohttp.BasicAuth(endpoint.basic_auth["username"], endpoint.basic_auth["password"])
            if endpoint.basic_auth
            else None
        )
        session = _SESSIONS[key] = aiohttp.ClientSession(
            headers=endpoint.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            connector=aiohttp.TCPConnector(keepalive_timeout=IDLE_CONNECTION_S),
        )
    return _KeptSession(session)


def install() -> None:
    """Apply both fixes (idempotent)."""
    jsonschema.validate = validate
    EndpointConfig.session = kept_session  # type: ignore[assignment,method-assign]


def main() -> None:
    install()
    from rasa.__main__ import main as rasa_main

    sys.argv[0] = "rasa"
    rasa_main()


if __name__ == "__main__":
    main()
