"""Speed fixes inside the Rasa server process, installed by the tracker store at start-up.

1. Rasa 3.6 checks every action server response with `jsonschema.validate(result, schema)`. That
function first validates the schema itself against the JSON Schema meta-schema, on every call:
about 9% of the server's CPU time per message (py-spy, README "Speed"). The schema is Rasa's own
constant, so it is checked once here and the compiled validator is reused. Responses are
validated exactly as before and a bad response raises the same ValidationError with Rasa's hint.
2. Rasa opens a new HTTP client session, and so a new TCP connection, for every call to the action
   server (`EndpointConfig.request`). Here each endpoint keeps one session with keep-alive
   connections. They are dropped after 2 s idle, before Sanic's own 5 s keep-alive timeout, so a
   reused connection is not one the server is just closing.
"""
from __future__ import annotations

import functools
from typing import Any, Dict

_installed = False
KEEP_ALIVE_SECONDS = 2


@functools.lru_cache(maxsize=1)
def _action_response_validator():
    from jsonschema.validators import validator_for
    from rasa.core.actions.action import RemoteAction

    schema = RemoteAction.action_response_format_spec()
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def _validate_action_result(self, result: Dict[str, Any]) -> bool:
    from jsonschema.exceptions import best_match
    from rasa.shared.constants import DOCS_BASE_URL

    error = best_match(_action_response_validator().iter_errors(result))
    if error is not None:
        error.message += (". Failed to validate Action server response from API, make sure your response from the "
                          "Action endpoint is valid. For more information about the format visit "
                          f"{DOCS_BASE_URL}/custom-actions")
        raise error
    return True


class _Borrowed:
    """`async with endpoint.session() as session` without closing the shared session at the end."""

    def __init__(self, session) -> None:
        self._session = session

    async def __aenter__(self):
        return self._session

    async def __aexit__(self, *_exc) -> bool:
        return False


def _kept_session(self) -> _Borrowed:
    import asyncio

    import aiohttp
    from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT

    loop = asyncio.get_running_loop()
    kept, kept_loop = self.__dict__.get("_kept_session", (None, None))
    if kept is None or kept.closed or kept_loop is not loop:
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        kept = aiohttp.ClientSession(headers=self.headers, auth=auth,
                                     timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
                                     connector=aiohttp.TCPConnector(keepalive_timeout=KEEP_ALIVE_SECONDS))
        self.__dict__["_kept_session"] = (kept, loop)
    return _Borrowed(kept)


def install() -> None:
    global _installed
    if _installed:
        return
    from rasa.core.actions.action import RemoteAction
    from rasa.utils.endpoints import EndpointConfig

    RemoteAction._validate_action_result = _validate_action_result
    EndpointConfig.session = _kept_session
    _installed = True
