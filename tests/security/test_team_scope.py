"""Object-level access (OWASP ASVS 4.2.1): a staff member limited to some teams cannot read or act
on another team's conversations by guessing or copying their ids."""
from __future__ import annotations

import uuid

import pytest
import requests

from bot.handover.store import HandoverStore

PASSWORD = "team-password-tim"


@pytest.fixture(scope="module")
def other_teams_handover(console, workspace) -> tuple[HandoverStore, dict, requests.Session]:
    """A conversation queued for burgerzaken, and Tim, who works for belastingen only."""
    store = HandoverStore(workspace.handover_db)
    store.create_user("tim", PASSWORD, "staff", ["belastingen"], "Tim")
    handover = store.open_handover(f"security-{uuid.uuid4()}", "burgerzaken", "nl", "paspoort", "request_human",
                                   [{"sender": "citizen", "text": "Mijn paspoort is gestolen."}])
    tim = requests.Session()
    assert console.try_login(tim, "tim", PASSWORD).status_code == 302
    return store, handover, tim


def test_another_teams_conversation_cannot_be_read(console, other_teams_handover):
    _, handover, tim = other_teams_handover
    page = tim.get(f"{console.url}/staff/handovers/{handover['id']}", allow_redirects=False)
    assert page.status_code == 404 and "gestolen" not in page.text
    api = tim.get(f"{console.url}/staff/api/handovers/{handover['id']}/messages")
    assert api.status_code == 404 and "gestolen" not in api.text
    assert handover["id"] not in tim.get(f"{console.url}/staff/api/queue").text
    assert handover["id"] not in tim.get(f"{console.url}/staff/").text


def test_another_teams_conversation_cannot_be_changed(console, other_teams_handover):
    store, handover, tim = other_teams_handover
    csrf = console.csrf(tim)
    for action, data in (("claim", {}), ("reply", {"text": "Hallo"}), ("transfer", {"team": "belastingen"}),
                         ("close", {})):
        reply = tim.post(f"{console.url}/staff/handovers/{handover['id']}/{action}", data={"csrf": csrf, **data},
                         allow_redirects=False)
        assert reply.status_code in (400, 404, 409), (action, reply.status_code)
    after = store.get(handover["id"])
    assert (after["status"], after["team"], after["claimed_by"]) == ("queued", "burgerzaken", None)
    assert [m["text"] for m in store.messages(handover["id"])] == ["Mijn paspoort is gestolen."]


def test_another_teams_callback_requests_stay_hidden(console, other_teams_handover):
    store, _, tim = other_teams_handover
    callback = store.request_callback(f"security-{uuid.uuid4()}", "Jan Jansen", "0612345678", "phone", "morgen",
                                      "burgerzaken", "nl", "paspoort")
    assert "Jan Jansen" not in tim.get(f"{console.url}/staff/").text
    reply = tim.post(f"{console.url}/staff/callbacks/{callback['id']}", data={"csrf": console.csrf(tim),
                                                                               "status": "done"})
    assert reply.status_code == 404
