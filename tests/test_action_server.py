"""The action server (`python -m bot.action_server`) over real HTTP: calls no Rasa server with this
domain makes get 400 with a reason, an action that fails gets 500 without the request echoed,
and well-formed calls run the actions as `rasa run actions` would."""
import json
import os
import subprocess
import sys
import zlib

import pytest
import requests

from bot.action_server import declared_slot_types, problem_with
from bot.servers import _stop, _wait_until, free_port
from tests.conftest import PROJECT

SLOT_TYPES = declared_slot_types(PROJECT / "domain.yml")


def call(action: str = "action_fallback", **slots) -> dict:
    """An action call shaped as Rasa 3.6 sends it."""
    return {"next_action": action, "sender_id": "c1", "version": "3.6.21", "domain": {},
            "tracker": {"sender_id": "c1", "slots": {"language": "nl", "fallback_count": 0.0, **slots},
                        "latest_message": {"text": "zqxv", "intent": {"name": "nlu_fallback", "confidence": 0.2},
                                           "entities": []},
                        "events": [], "paused": False, "followup_action": None, "active_loop": {},
                        "latest_action_name": "action_listen"}}


def test_slot_types_come_from_the_domain():
    assert SLOT_TYPES["language"] == (str,) and SLOT_TYPES["fallback_count"] == (int, float)


@pytest.mark.parametrize("body, reason", [
    ([1, 2], "not a JSON object"),
    (1.5e308, "not a JSON object"),
    ({"tracker": {}}, "next_action"),
    ({"next_action": "", "tracker": {}}, "next_action"),
    ({"next_action": 5, "tracker": {}}, "next_action"),
    ({"next_action": "action_respond", "domain": {}}, "tracker is not an object"),
    ({**call(), "sender_id": ["x"]}, "sender_id"),
    ({**call(), "tracker": {**call()["tracker"], "events": [1]}}, "tracker.events"),
    ({**call(), "tracker": {**call()["tracker"], "latest_message": {"entities": ["x"]}}}, "entities"),
    (call(fallback_count="x"), "slot fallback_count"),
    (call(fallback_count=True), "slot fallback_count"),
    (call(language=5), "slot language"),
    (call(language=["nl"]), "slot language"),
])
def test_calls_rasa_does_not_make_are_named(body, reason):
    assert reason in problem_with(body, SLOT_TYPES)


def test_calls_as_rasa_makes_them_pass():
    assert problem_with(call(), SLOT_TYPES) is None
    assert problem_with(call(language=None, product=None, fallback_count=1e308), SLOT_TYPES) is None
    assert problem_with({**call(), "tracker": {"sender_id": "c1"}}, SLOT_TYPES) is None


@pytest.fixture(scope="module")
def action_server(tmp_path_factory, catalogue_db):
    port = free_port()
    log = tmp_path_factory.mktemp("actions") / "actions.log"
    env = {**os.environ, "CATALOGUE_DB": str(catalogue_db)}
    process = subprocess.Popen([sys.executable, "-m", "bot.action_server", "--port", str(port)], cwd=PROJECT,
                               env=env, stdout=log.open("w"), stderr=subprocess.STDOUT)
    try:
        _wait_until(f"http://127.0.0.1:{port}/health", process, 120, log)
        yield f"http://127.0.0.1:{port}", log
    finally:
        _stop([process])


def test_malformed_calls_get_400_and_the_server_goes_on(action_server):
    url, log = action_server
    bodies = [b"", b"{", b"[1,2]", b"true", json.dumps(call(fallback_count="x")).encode(),
              b'{"next_action": "action_fallback", "tracker": {"slots": {']
    for body in bodies:
        reply = requests.post(f"{url}/webhook", data=body, headers={"Content-Type": "application/json"})
        assert reply.status_code == 400, (body, reply.text)
        assert set(reply.json()) == {"error"}
    reply = requests.post(f"{url}/webhook", data=b"not deflated", headers={"Content-Encoding": "deflate"})
    assert reply.status_code == 400 and "deflated" in reply.json()["error"]
    assert requests.get(f"{url}/health").json() == {"status": "ok"}


def test_a_well_formed_call_runs_the_action_also_deflated(action_server):
    url, _ = action_server
    for body, headers in ((json.dumps(call()).encode(), {}),
                          (zlib.compress(json.dumps(call()).encode()), {"Content-Encoding": "deflate"})):
        reply = requests.post(f"{url}/webhook", data=body, headers=headers)
        assert reply.status_code == 200, reply.text
        slots = {e["name"]: e["value"] for e in reply.json()["events"] if e["event"] == "slot"}
        assert slots["fallback_count"] == 1


def test_unknown_actions_are_404_and_no_cors_headers(action_server):
    url, _ = action_server
    reply = requests.post(f"{url}/webhook", json=call("action_does_not_exist"), headers={"Origin": "https://elders.example"})
    assert reply.status_code == 404
    assert "access-control-allow-origin" not in {k.lower() for k in reply.headers}
