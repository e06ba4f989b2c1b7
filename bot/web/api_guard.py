"""Checks in front of Rasa's HTTP API: a malformed call gets 400 (or 404) with a reason instead of
Rasa's HTTP 500.

Rasa 3.6 answers 500 to a `/model/parse` without `text`, to events it cannot read, to an unknown
action in `/execute`, to entities that are not objects, and to text with a lone surrogate (which
spaCy cannot process). Only the consoles and operators call this API, with the token; the checks
run for calls that carry credentials (a `token` or an `Authorization` header), so a call without
any still gets Rasa's own 401. A 400 before the token check says only that the body is malformed.

Installed by the REST channel (bot.web.channel.RestInput), the one piece of the project that Rasa
loads into its Sanic app (credentials.yml).
"""
from __future__ import annotations

import logging
import re
from typing import Any

logger = logging.getLogger(__name__)

CONVERSATION_ROUTE = re.compile(r"^/conversations/(?P<id>.+)/"
                                r"(?P<action>tracker/events|execute|trigger_intent|messages)$")
PARSE_ROUTE = "/model/parse"


class MalformedCall(Exception):
    def __init__(self, reason: str, status: int = 400):
        super().__init__(reason)
        self.reason, self.status = reason, status


def has_lone_surrogate(value: Any) -> bool:
    """Whether a string anywhere in this JSON value is not valid Unicode (walked without recursion:
    the parser accepts nesting deeper than Python's recursion limit)."""
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False


def _object(body: Any) -> dict:
    if not isinstance(body, dict):
        raise MalformedCall("the body is not a JSON object")
    return body


def _text(body: dict, key: str) -> str:
    if not isinstance(body.get(key), str):
        raise MalformedCall(f"{key} is not a text")
    return body[key]


def _check_entities(entities: Any) -> None:
    if entities is None or isinstance(entities, dict):
        return
    if not isinstance(entities, list) or not all(isinstance(e, dict) and isinstance(e.get("entity"), str)
                                                 for e in entities):
        raise MalformedCall("entities is not a list of entities")


def _check_parse_data(parse_data: Any) -> None:
    if parse_data is None:
        return
    if not isinstance(parse_data, dict) or not isinstance(parse_data.get("intent", {}), dict):
        raise MalformedCall("parse_data is not parse data")
    _check_entities(parse_data.get("entities"))


def _check_events(body: Any, domain, replace: bool) -> None:
    """Reads the events as Rasa will; anything it cannot read is refused before Rasa tries."""
    from rasa.shared.core.events import Event
    from rasa.shared.core.trackers import DialogueStateTracker

    if replace and not isinstance(body, list):
        raise MalformedCall("the body is not a list of events")
    events = body if isinstance(body, list) else [body]
    if not events or not all(isinstance(event, dict) for event in events):
        raise MalformedCall("the body is not an event or a list of events")
    try:
        parsed = [Event.from_parameters(event) for event in events]
        DialogueStateTracker.from_events("check", [e for e in parsed if e], domain.slots if domain else [])
    except Exception as error:   # noqa: BLE001 - whatever Rasa cannot read, it cannot store either
        raise MalformedCall(f"the events cannot be read ({type(error).__name__})") from None


def check(method: str, path: str, body: Any, domain) -> None:
    """Raises MalformedCall for a call Rasa would answer with HTTP 500."""
    if has_lone_surrogate(body):
        raise MalformedCall("the body holds text that is not valid Unicode")
    if path == PARSE_ROUTE:
        _text(_object(body), "text")
        return
    route = CONVERSATION_ROUTE.match(path)
    if route is None:
        return
    action = route.group("action")
    if action == "tracker/events":
        _check_events(body, domain, replace=method == "PUT")
    elif action == "messages":
        body = _object(body)
        _text(body, "text")
        _text(body, "sender")
        _check_parse_data(body.get("parse_data"))
    elif action in ("execute", "trigger_intent"):
        name = _text(_object(body), "name")
        _check_entities(body.get("entities"))
        if action == "execute" and domain is not None and name not in domain.action_names_or_texts:
            raise MalformedCall(f"the domain has no action {name[:100]!r}", 404)


def _checked(request) -> bool:
    if request.method not in ("POST", "PUT"):
        return False
    if request.path != PARSE_ROUTE and not CONVERSATION_ROUTE.match(request.path):
        return False
    return bool(request.args.get("token") or request.headers.get("Authorization"))


async def refuse_malformed_api_calls(request):
    if not _checked(request):
        return None
    from sanic import response

    try:
        try:
            body = request.json         # Sanic's parser, as Rasa's handlers read the body
        except Exception:   # noqa: BLE001 - InvalidUsage, RecursionError (deep nesting)
            raise MalformedCall("the body is not JSON") from None
        agent = getattr(request.app.ctx, "agent", None)
        check(request.method, request.path, body, getattr(agent, "domain", None))
    except MalformedCall as refusal:
        logger.info("refused an HTTP API call to %s: %s", request.path.split("/")[1], refusal.reason)
        return response.json({"status": "failure", "reason": "BadRequest" if refusal.status == 400 else "NotFound",
                              "message": refusal.reason, "code": refusal.status}, status=refusal.status)
    return None


def install(app) -> None:
    app.register_middleware(refuse_malformed_api_calls, "request")
