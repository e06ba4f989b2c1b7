"""Rasa's HTTP API behind bot.web.api_guard, on the real server: malformed calls with the token get
400 or 404 with a reason where Rasa 3.6 answers 500; calls without credentials still get Rasa's
401; the calls the consoles make still work."""
import json
import uuid

import pytest
import requests

from tests.e2e.conftest import TOKEN
from tests.e2e.test_rest import say, slots

# (method, path, body): each answered 500 by Rasa 3.6 without the guard
MALFORMED = [
    ("POST", "/model/parse", '{"x": 1}'),
    ("POST", "/model/parse", "{"),
    ("POST", "/model/parse", '{"text": 5}'),
    ("POST", "/model/parse", "[1]"),
    ("POST", "/model/parse", json.dumps({"text": "paspoort \ud800"})),
    ("POST", "/conversations/{}/tracker/events", '{"event": "user", "name": "x", "value": "y"}'),
    ("PUT", "/conversations/{}/tracker/events", '[{"event": "user", "text": "x"}]'),
    ("PUT", "/conversations/{}/tracker/events", '{"event": "user"}'),
    ("POST", "/conversations/{}/trigger_intent", '{"name": "greet", "entities": [1]}'),
    ("POST", "/conversations/{}/messages", json.dumps({"text": "hoi \udc80", "sender": "user"})),
    ("POST", "/conversations/{}/messages", '{"text": 5, "sender": "user"}'),
    ("POST", "/conversations/{}/messages", '{"text": "hoi", "sender": "user", "parse_data": 5}'),
]


@pytest.fixture(scope="module")
def conversation(assistant) -> str:
    sender = f"guard-{uuid.uuid4()}"
    say(assistant, sender, "wat kost een paspoort")
    return sender


@pytest.mark.parametrize("method, path, body", MALFORMED)
def test_malformed_calls_get_400_with_a_reason(assistant, conversation, method, path, body):
    reply = requests.request(method, assistant + path.format(conversation), params={"token": TOKEN},
                             data=body.encode("utf-8", "surrogatepass"), timeout=30)
    assert reply.status_code == 400, reply.text
    assert reply.json()["message"]


def test_an_unknown_action_is_404(assistant, conversation):
    reply = requests.post(f"{assistant}/conversations/{conversation}/execute", params={"token": TOKEN},
                          json={"name": "action_that_does_not_exist"}, timeout=30)
    assert reply.status_code == 404 and "action_that_does_not_exist" in reply.json()["message"]


def test_without_credentials_rasa_still_answers_401(assistant, conversation):
    reply = requests.post(f"{assistant}/model/parse", data="{", timeout=30)
    assert reply.status_code == 401


def test_the_calls_the_consoles_make_still_work(assistant, conversation):
    reply = requests.post(f"{assistant}/conversations/{conversation}/tracker/events", params={"token": TOKEN},
                          json=[{"event": "slot", "name": "question", "value": "ask_cost"},
                                {"event": "action", "name": "action_listen"}], timeout=30)
    assert reply.status_code == 200, reply.text
    assert slots(assistant, conversation)["question"] == "ask_cost"
    parsed = requests.post(f"{assistant}/model/parse", params={"token": TOKEN}, json={"text": "paspoort kwijt"},
                           timeout=30)
    assert parsed.status_code == 200 and parsed.json()["intent"]["name"]
