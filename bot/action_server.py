"""`python -m bot.action_server [--port 5055]`: the action server, as `rasa run actions` starts it,
with three changes for production.

- A call that no Rasa server with this domain would make (a body that is not a JSON object,
  keys missing or of the wrong type, a slot value of another type than the domain declares) gets
  400 and a short reason, before any action runs. rasa_sdk answers such calls with 500.
- An action that fails answers 500 with a fixed text; rasa_sdk echoes the whole request, the
  citizen's messages included, in the answer and in the log.
- No CORS headers unless `--cors` asks for them: only the Rasa server calls this server.
"""
from __future__ import annotations

import argparse
import json
import logging
import zlib
from pathlib import Path

import yaml

from bot.settings import PROJECT_DIR, Servers
from bot.web.api_guard import has_lone_surrogate

log = logging.getLogger(__name__)

DEFAULT_PORT = 5055
SLOT_TYPES = {   # Rasa slot type -> the JSON types its value can have (None: not set)
    "text": (str,), "categorical": (str,), "float": (int, float), "bool": (bool,), "list": (list,),
}


def declared_slot_types(domain_path: Path) -> dict[str, tuple[type, ...]]:
    """The JSON types of each slot's value, from the domain; slots of type `any` are left out."""
    domain = yaml.safe_load(domain_path.read_text(encoding="utf-8")) or {}
    return {name: SLOT_TYPES[spec["type"]] for name, spec in (domain.get("slots") or {}).items()
            if isinstance(spec, dict) and spec.get("type") in SLOT_TYPES}


def problem_with(action_call, slot_types: dict[str, tuple[type, ...]]) -> str | None:
    """Why this is not an action call from a Rasa server with this domain; None if it is one."""
    if not isinstance(action_call, dict):
        return "the body is not a JSON object"
    if not isinstance(action_call.get("next_action"), str) or not action_call["next_action"]:
        return "next_action is not a name"
    kind: type                  # the loops below check values against several types
    for key, kind in (("sender_id", str), ("version", str), ("domain", dict)):
        if action_call.get(key) is not None and not isinstance(action_call[key], kind):
            return f"{key} is not a {kind.__name__}"
    tracker = action_call.get("tracker")
    if not isinstance(tracker, dict):
        return "tracker is not an object"
    if not isinstance(tracker.get("sender_id"), str):
        return "tracker.sender_id is not a text"
    for key, kind in (("slots", dict), ("latest_message", dict), ("events", list),
                      ("active_loop", dict), ("latest_action_name", str)):
        if tracker.get(key) is not None and not isinstance(tracker[key], kind):
            return f"tracker.{key} is not a {'list' if kind is list else 'object' if kind is dict else 'text'}"
    if has_lone_surrogate(action_call):
        return "the call holds text that is not valid Unicode"
    if any(not isinstance(event, dict) for event in tracker.get("events") or []):
        return "tracker.events holds something that is not an event"
    latest = tracker.get("latest_message") or {}
    for key, kind in (("text", str), ("intent", dict), ("entities", list)):
        if latest.get(key) is not None and not isinstance(latest[key], kind):
            return f"tracker.latest_message.{key} has the wrong type"
    if any(not isinstance(entity, dict) for entity in latest.get("entities") or []):
        return "tracker.latest_message.entities holds something that is not an entity"
    for name, value in (tracker.get("slots") or {}).items():
        kinds = slot_types.get(name)
        # bool is an int in Python, but never a float slot's value in JSON
        if value is not None and kinds is not None and (not isinstance(value, kinds)
                                                         or (isinstance(value, bool) and bool not in kinds)):
            return f"slot {name} does not have the type the domain declares"
    return None


class UnreadableBody(ValueError):
    pass


def decoded(request) -> object:
    """The request's JSON as rasa_sdk will read it: deflated (as Rasa can send it) with the json
    module, else with Sanic's parser (ujson), which accepts less than the json module."""
    try:
        if request.headers.get("Content-Encoding") == "deflate":
            return json.loads(zlib.decompress(request.body))
        return request.json
    except zlib.error as error:
        raise UnreadableBody("the body is not deflated data") from error
    except Exception as error:   # noqa: BLE001 - InvalidUsage, ValueError, RecursionError (deep nesting)
        raise UnreadableBody("the body is not JSON") from error


def create_app(actions: str = "actions", cors_origins: list[str] | None = None,
               domain_path: Path = PROJECT_DIR / "domain.yml"):
    from rasa_sdk import endpoint
    from sanic import response

    app = endpoint.create_app(actions, cors_origins=cors_origins or "")
    slot_types = declared_slot_types(domain_path)

    @app.on_request
    async def refuse_calls_rasa_does_not_make(request):
        if request.path != "/webhook" or request.method != "POST":
            return None
        try:
            problem = problem_with(decoded(request), slot_types)
        except UnreadableBody as error:
            problem = str(error)
        if problem is not None:
            log.warning("refused an action call: %s", problem)
            return response.json({"error": problem}, status=400)
        return None

    @app.exception(Exception)
    async def action_failed(request, exception: Exception):
        # Not the request: it holds the conversation, and the answer goes back to the caller.
        log.error("an action failed on %s %s", request.method, request.path, exc_info=exception)
        return response.json({"error": "the action failed; see the action server's log"}, status=500)

    return app


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bot.action_server", description=__doc__.split("\n")[0])
    servers = Servers.from_environment()
    parser.add_argument("--port", type=int, default=servers.actions_port)
    parser.add_argument("--host", default=servers.actions_host)
    parser.add_argument("--actions", default="actions", help="the package with the actions")
    parser.add_argument("--cors", nargs="*", default=None, help="origins allowed to call (none by default)")
    args = parser.parse_args(argv)
    if not logging.getLogger().handlers:        # `python -m bot.ops serve` configures logging first
        logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    from rasa_sdk import utils

    app = create_app(args.actions, args.cors)
    log.info("action server on http://%s:%s", args.host, args.port)
    app.run(args.host, args.port, workers=utils.number_of_sanic_workers(), access_log=False)


if __name__ == "__main__":
    main()
