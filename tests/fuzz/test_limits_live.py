"""The limits of bot/web/limits.py on the real Rasa server, over REST and socket.io: over-long and
empty messages get a polite answer in the conversation's language, the per-conversation and
per-address rates kick in and reset, and X-Forwarded-For counts only from a trusted proxy."""
from __future__ import annotations

import json
import re
import time
import uuid

import pytest
import requests
import socketio
import yaml

from bot.web.limits import Settings
from tests.conftest import PROJECT
from tests.fuzz.conftest import PROXY, TOKEN, session_from

DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
_addresses = iter(range(1, 250))


def said(response: str, language: str = "nl") -> str:
    """The text of a domain response in a language (the variation without condition is Dutch)."""
    for variation in DOMAIN["responses"][response]:
        values = [c["value"] for c in variation.get("condition", []) if c.get("name") == "language"]
        if (values == [language]) or (not values and language == "nl"):
            return variation["text"]
    raise KeyError((response, language))


def new_client() -> str:
    """An address from TEST-NET-2 that no other test uses (it is only ever written in a header)."""
    return f"198.51.100.{next(_addresses)}"


def new_sender() -> str:
    return f"limits-{uuid.uuid4().hex[:16]}"


class Client:
    """A REST client behind the trusted proxy, known to the server by its X-Forwarded-For address."""

    def __init__(self, stack, address: str | None = None, source: str = PROXY):
        self.url = f"{stack.rasa}/webhooks/rest/webhook"
        self.address = address or new_client()
        self.http = session_from(source)

    def post(self, sender: str, message, **body) -> requests.Response:
        return self.http.post(self.url, json={"sender": sender, "message": message, **body}, timeout=60,
                              headers={"X-Forwarded-For": self.address})

    def until_refused(self, senders, message: str = "", most: int = 200) -> tuple[int, requests.Response, float]:
        """Send until the server refuses: (messages accepted, the refusal, seconds it took)."""
        started = time.monotonic()
        for accepted, sender in zip(range(most), senders):
            reply = self.post(sender, message)
            if reply.status_code != 200:
                return accepted, reply, time.monotonic() - started
        raise AssertionError(f"no refusal after {most} messages")


def tracker(stack, sender: str) -> dict:
    reply = requests.get(f"{stack.rasa}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
    assert reply.status_code == 200
    return reply.json()


def test_defaults_match_the_widget():
    widget = (PROJECT / "bot" / "web" / "static" / "widget.js").read_text(encoding="utf-8")
    # maxLength counts UTF-16 units, Python characters: the widget never sends more than the server takes
    assert int(re.search(r"var MAX_INPUT = (\d+);", widget).group(1)) == Settings().max_chars


def test_over_long_message_is_answered_politely_and_never_stored(stack):
    client, sender = Client(stack), new_sender()
    long_text = "Ik wil weten hoe ik een paspoort aanvraag. " * 30          # 1,290 characters
    reply = client.post(sender, long_text)
    assert reply.status_code == 200
    assert [m.get("text") for m in reply.json()] == [said("utter_message_too_long")]
    events = tracker(stack, sender)["events"]
    assert [e for e in events if e["event"] == "user"] == []
    assert "paspoort aanvraag" not in json.dumps(events)
    # exactly at the limit it is an ordinary message
    at_limit = ("paspoort " * 200)[:1000]
    reply = client.post(sender, at_limit)
    assert reply.status_code == 200 and said("utter_message_too_long") not in [m.get("text") for m in reply.json()]


def test_refusals_are_in_the_conversations_language(stack):
    client, sender = Client(stack), new_sender()
    assert client.post(sender, "in English please").status_code == 200
    assert tracker(stack, sender)["slots"]["language"] == "en"
    for message, response in (("x" * 1001, "utter_message_too_long"), ("", "utter_message_empty"),
                              (" \n\t ", "utter_message_empty"), ("\x00\x1b", "utter_message_empty")):
        reply = client.post(sender, message)
        assert reply.status_code == 200
        assert [m.get("text") for m in reply.json()] == [said(response, "en")], message


@pytest.mark.parametrize("body", [
    b"", b"not json", b"[1, 2]", b'"text"', b'{"sender": "x1"}', b'{"message": "hoi"}',
    b'{"sender": "x1", "message": 5}', b'{"sender": ["x"], "message": "hoi"}', b'{"sender": "", "message": "hoi"}',
    b'{"sender": "' + b"s" * 129 + b'", "message": "hoi"}', b'{"sender": "a\\u0000b", "message": "hoi"}',
    b'{"sender": "a\\ud800", "message": "hoi"}', b'\xff\xfe{"sender": "x"}', b"[" * 50_000 + b"]" * 50_000,
])
def test_malformed_bodies_get_400_json(stack, body):
    reply = session_from(PROXY).post(f"{stack.rasa}/webhooks/rest/webhook", data=body, timeout=30,
                                     headers={"Content-Type": "application/json", "X-Forwarded-For": new_client()})
    assert reply.status_code == 400
    assert reply.json()["error"] == "bad_request"


def test_rest_conversation_limit_kicks_in_and_resets(stack):
    client, sender = Client(stack), new_sender()
    assert client.post(sender, "in English please").status_code == 200
    accepted, refusal, seconds = client.until_refused(iter(lambda: sender, None))
    # 20 at once, then one more every half second that passed meanwhile
    assert 19 <= accepted <= 19 + int(seconds * 2) + 1, (accepted, seconds)
    assert refusal.status_code == 429
    body = refusal.json()
    assert body["error"] == "rate_limited" and body["limit"] == "conversation"
    assert 1 <= int(refusal.headers["Retry-After"]) == body["retry_after"] <= 10
    assert body["messages"] == [{"recipient_id": sender, "text": said("utter_rate_limited", "en")}]
    assert client.post(new_sender(), "").status_code == 200          # other conversations go on
    time.sleep(body["retry_after"])
    assert client.post(sender, "").status_code == 200


def test_rest_address_limit_kicks_in_and_resets(stack):
    client = Client(stack)
    accepted, refusal, seconds = client.until_refused(iter(new_sender, None))
    assert 60 <= accepted <= 60 + int(seconds * 6) + 1, (accepted, seconds)
    assert refusal.status_code == 429 and refusal.json()["limit"] == "address"
    assert refusal.json()["messages"][0]["text"] == said("utter_rate_limited")
    assert Client(stack).post(new_sender(), "").status_code == 200   # another client is not affected
    time.sleep(int(refusal.headers["Retry-After"]))
    assert client.post(new_sender(), "").status_code == 200


def test_forwarded_for_counts_only_from_a_trusted_proxy(stack):
    """From 127.0.0.3, which is not a trusted proxy, every message counts against 127.0.0.3, whatever
    address X-Forwarded-For claims."""
    http = session_from("127.0.0.3")
    accepted = 0
    for accepted in range(200):
        reply = http.post(f"{stack.rasa}/webhooks/rest/webhook", json={"sender": new_sender(), "message": ""},
                          headers={"X-Forwarded-For": new_client()}, timeout=60)
        if reply.status_code != 200:
            break
    assert reply.status_code == 429 and reply.json()["limit"] == "address"
    assert 60 <= accepted <= 90


class SocketClient:
    """A widget-like socket.io client (long-polling) behind the trusted proxy."""

    def __init__(self, stack, address: str):
        self.texts: list[str] = []
        self.confirmed: list[str] = []
        self.sio = socketio.Client(http_session=session_from(PROXY), reconnection=False)
        self.sio.on("bot_uttered", lambda data: self.texts.append(data.get("text") if isinstance(data, dict) else data))
        self.sio.on("session_confirm", self.confirmed.append)
        self.sio.connect(stack.rasa, transports=["polling"], headers={"X-Forwarded-For": address}, wait_timeout=30)
        self.session_id = uuid.uuid4().hex
        self.join(self.session_id)

    def join(self, session_id: str) -> None:
        """Receive the answers of this conversation too (a connection may follow several)."""
        self.sio.emit("session_request", {"session_id": session_id})
        self.wait_for(lambda: session_id in self.confirmed)

    @staticmethod
    def wait_for(condition, seconds: float = 60) -> None:
        deadline = time.monotonic() + seconds
        while not condition():
            assert time.monotonic() < deadline, "timed out"
            time.sleep(0.02)

    def say(self, message: str) -> list[str]:
        """Send a message, wait for its acknowledgement (sent after the answer) and the answer."""
        before = len(self.texts)
        self.sio.call("user_uttered", {"message": message, "session_id": self.session_id}, timeout=60)
        self.wait_for(lambda: len(self.texts) > before)
        return self.texts[before:]

    def burst(self, count: int, session_ids=None, at_once: int = 8) -> None:
        """`count` empty messages, `at_once` at a time: the client sends what it has queued in one
        POST, and the server takes at most 16 packets per POST. (Messages of one conversation
        are best sent one at a time: Rasa's lock store lets a waiting message retry once a second.)"""
        acknowledged = []
        for number in range(count):
            session_id = session_ids[number] if session_ids else self.session_id
            self.sio.emit("user_uttered", {"message": "", "session_id": session_id},
                          callback=lambda *_: acknowledged.append(1))
            if (number + 1) % at_once == 0 or number + 1 == count:
                self.wait_for(lambda: len(acknowledged) == number + 1)

    def close(self):
        # abort: a clean disconnect waits for the pending long-poll, up to 25 s
        self.sio.eio.disconnect(abort=True)


@pytest.fixture
def socket_client(stack):
    clients = []

    def make(address: str | None = None) -> SocketClient:
        clients.append(SocketClient(stack, address or new_client()))
        return clients[-1]

    yield make
    for client in clients:
        client.close()


def test_socketio_too_long_and_empty(socket_client):
    client = socket_client()
    assert client.say("y" * 1001) == [said("utter_message_too_long")]
    assert client.say("   ") == [said("utter_message_empty")]


def test_socketio_conversation_limit_kicks_in_and_resets(socket_client):
    client = socket_client()
    started = time.monotonic()
    client.burst(60, at_once=1)
    seconds = time.monotonic() - started
    client.wait_for(lambda: len(client.texts) == 60)
    answered = client.texts.count(said("utter_message_empty"))
    assert answered + client.texts.count(said("utter_rate_limited")) == 60, client.texts
    # 20 at once, then one more every half second that passed meanwhile
    assert 20 <= answered <= 20 + int(seconds * 2) + 1, (answered, seconds)
    assert answered < 60, seconds
    time.sleep(1.0)
    assert client.say("") == [said("utter_message_empty")]


def test_socketio_address_limit_kicks_in_and_resets(socket_client):
    client = socket_client()
    others = [uuid.uuid4().hex for _ in range(100)]    # new conversations: only the address limit applies
    for session_id in others:
        client.join(session_id)
    started = time.monotonic()
    client.burst(100, others)
    seconds = time.monotonic() - started
    client.wait_for(lambda: len(client.texts) == 100)
    answered = client.texts.count(said("utter_message_empty"))
    assert answered + client.texts.count(said("utter_rate_limited")) == 100, client.texts
    assert 60 <= answered <= 60 + int(seconds * 6) + 1, (answered, seconds)
    assert answered < 100, seconds
    assert socket_client().say("") == [said("utter_message_empty")]        # another address goes on
    time.sleep(0.5)         # six messages a second
    assert client.say("") == [said("utter_message_empty")]
