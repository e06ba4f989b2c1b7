"""The widget's server side without servers: feedback validation and storage, the CSP, the channel."""
from __future__ import annotations

import asyncio
import json

import pytest
import sqlite_utils

from bot.web import channel, feedback
from bot.web.app import content_security_policy, create_app

CONVERSATION = "0123456789abcdef0123456789abcdef"


def body(**fields) -> bytes:
    return json.dumps(fields).encode()


def test_a_valid_vote_is_parsed():
    vote = feedback.parse(body(conversation_id=CONVERSATION, vote="down", message_text="Meer informatie: ..."))
    assert vote == feedback.Vote(CONVERSATION, "down")


@pytest.mark.parametrize("raw, status", [
    (b"", 400),
    (b"x" * 4097, 413),
    (b"{not json", 400),
    (b"[1, 2]", 400),
    (body(conversation_id=CONVERSATION, vote="meh"), 400),
    (body(conversation_id="../../etc", vote="up"), 400),
    (body(conversation_id="short", vote="up"), 400),
    (body(conversation_id=CONVERSATION, vote="up", message_text=7), 400),
    (body(conversation_id=CONVERSATION, vote="up", message_text="x" * 2001), 400),
    (body(conversation_id=CONVERSATION, vote="up", email="a@b.nl"), 400),
])
def test_invalid_votes_are_refused(raw, status):
    with pytest.raises(feedback.FeedbackError) as error:
        feedback.parse(raw)
    assert error.value.status == status


def test_store_keeps_only_the_five_fields(tmp_path):
    path = tmp_path / "nested" / "insights.db"
    record = {"created_at": "2026-01-01T10:00:00+00:00", "conversation_id": CONVERSATION, "vote": "up",
              "product": "paspoort", "language": "nl"}
    feedback.store(path, record)
    feedback.store(path, {**record, "vote": "down", "product": None})
    table = sqlite_utils.Database(path)["feedback"]
    assert set(table.columns_dict) == {"created_at", "conversation_id", "vote", "product", "language"}
    assert [row["vote"] for row in table.rows] == ["up", "down"]


def test_insights_db_path_follows_the_environment(monkeypatch, tmp_path):
    monkeypatch.setenv("INSIGHTS_DB", str(tmp_path / "x.db"))
    assert feedback.insights_db_path() == tmp_path / "x.db"
    monkeypatch.delenv("INSIGHTS_DB")
    assert feedback.insights_db_path().parts[-2:] == ("build", "insights.db")


def test_content_security_policy():
    assert content_security_policy("http://127.0.0.1:5005/") == (
        "default-src 'self'; connect-src 'self' http://127.0.0.1:5005 ws://127.0.0.1:5005; script-src 'self'; "
        "style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; "
        "frame-ancestors 'self'")
    assert "connect-src 'self' https://chat.example.nl wss://chat.example.nl;" in \
        content_security_policy("https://chat.example.nl")
    with pytest.raises(ValueError):
        content_security_policy("javascript:alert(1)")


def test_create_app_does_no_work_until_asked_and_can_be_called_twice(tmp_path):
    first = create_app("http://127.0.0.1:5005", "t", insights_db=tmp_path / "a.db")
    second = create_app("http://127.0.0.1:5006", "t", insights_db=tmp_path / "b.db")
    assert first.name != second.name
    assert not (tmp_path / "a.db").exists()
    paths = {route.path for route in first.router.routes}
    assert {"", "privacy", "widget/<name:str>", "api/feedback"} <= paths


def test_allowed_origins_from_credentials_or_environment(monkeypatch):
    monkeypatch.setenv("WIDGET_ORIGINS", "http://127.0.0.1:8080, https://www.voorbeeldstad.example/")
    assert channel.allowed_origins(None) == ["http://127.0.0.1:8080", "https://www.voorbeeldstad.example"]
    assert channel.allowed_origins(["https://a.example"]) == ["https://a.example"]
    monkeypatch.delenv("WIDGET_ORIGINS")
    assert channel.allowed_origins(None) == []
    made = channel.SocketIOInput.from_credentials({"session_persistence": True,
                                                    "cors_allowed_origins": "https://a.example"})
    assert made.cors_allowed_origins == ["https://a.example"] and made.session_persistence


class FakeServer:
    def __init__(self):
        self.emitted = []

    async def emit(self, event, data=None, room=None, **kwargs):
        self.emitted.append((event, data, room))


def test_custom_payloads_reach_the_client_as_they_are():
    sio = FakeServer()
    output = channel.SocketIOOutput(sio, "bot_uttered")
    asyncio.run(output.send_custom_json("session-1", {"type": "survey", "score": 3}))
    asyncio.run(output.send_custom_json("session-1", {"data": {"x": 1}}))
    asyncio.run(output.send_custom_json("session-1", {"data": {"y": 2}, "room": "other"}))
    assert sio.emitted == [("bot_uttered", {"type": "survey", "score": 3}, "session-1"),
                           ("bot_uttered", {"x": 1}, "session-1"), ("bot_uttered", {"y": 2}, "other")]


def test_a_staff_message_reaches_every_client():
    """With its sender for the project's widget (staff_uttered), then as the plain text message that
    third-party widgets such as rasa-webchat show."""
    sio = FakeServer()
    output = channel.SocketIOOutput(sio, "bot_uttered")
    staff = {"type": "staff_message", "text": "Dag!", "staff_name": "Anna"}
    asyncio.run(output.send_custom_json("session-1", dict(staff)))
    asyncio.run(output.send_custom_json("session-2", {"type": "staff_message", "text": "Hallo", "staff_name": ""}))
    assert sio.emitted == [
        ("staff_uttered", {**staff, "plain": "Anna: Dag!"}, "session-1"), ("bot_uttered", {"text": "Anna: Dag!"}, "session-1"),
        ("staff_uttered", {"type": "staff_message", "text": "Hallo", "staff_name": "", "plain": "Hallo"}, "session-2"),
        ("bot_uttered", {"text": "Hallo"}, "session-2")]


def test_buttons_without_text_are_sent():
    sio = FakeServer()
    output = channel.SocketIOOutput(sio, "bot_uttered")
    asyncio.run(output.send_text_with_buttons("s", None, [{"title": "Ja", "payload": "/affirm"}]))
    assert sio.emitted == [("bot_uttered", {"text": "", "quick_replies": [
        {"content_type": "text", "title": "Ja", "payload": "/affirm"}]}, "s")]
