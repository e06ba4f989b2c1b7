"""A citizen conversation handed over to staff and back, through the real servers."""
import os
import re
import uuid

import requests

from bot.servers import running_web_app
from tests.e2e.conftest import TOKEN, staff_session
from tests.e2e.test_rest import say, slots


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def claimed_handover(assistant, console, staff, sender: str, *messages: str) -> dict:
    """The citizen sends `messages` (a handover to chat among them); `staff` claims the handover."""
    for message in messages:
        say(assistant, sender, message)
    handover = next(h for h in staff.get(f"{console}/staff/api/queue").json() if h["conversation_id"] == sender)
    staff.post(f"{console}/staff/handovers/{handover['id']}/claim", data={"csrf": csrf_of(staff.get(f"{console}/staff/").text)})
    return handover


def tracker_events(assistant, sender):
    return requests.get(f"{assistant}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30).json()["events"]


def test_live_handover_from_citizen_to_staff_and_back(assistant, console):
    staff = staff_session(console)            # a staff member is online
    sender = f"e2e-handover-{uuid.uuid4()}"
    say(assistant, sender, "mijn paspoort is verlopen")
    offer = say(assistant, sender, "ik wil een medewerker spreken")
    payloads = [b["payload"] for m in offer for b in m.get("buttons", [])]
    assert "/handover_chat" in payloads and "/request_callback" in payloads
    assert slots(assistant, sender)["handover"] == "offered"

    say(assistant, sender, "/handover_chat")
    assert slots(assistant, sender)["handover"] == "queued"
    assert say(assistant, sender, "hallo, is daar iemand?") == []      # the bot is paused

    queue = staff.get(f"{console}/staff/api/queue").json()
    handover = next(h for h in queue if h["conversation_id"] == sender)
    assert (handover["team"], handover["product"], handover["language"]) == ("burgerzaken", "paspoort", "nl")

    page = staff.get(f"{console}/staff/").text
    claimed = staff.post(f"{console}/staff/handovers/{handover['id']}/claim", data={"csrf": csrf_of(page)})
    assert claimed.status_code == 200
    assert slots(assistant, sender)["handover"] == "live"

    messages = staff.get(f"{console}/staff/api/handovers/{handover['id']}/messages").json()["messages"]
    texts = [m["text"] for m in messages]
    assert "mijn paspoort is verlopen" in texts and "hallo, is daar iemand?" in texts

    csrf = csrf_of(claimed.text)
    reply = staff.post(f"{console}/staff/handovers/{handover['id']}/reply",
                       data={"csrf": csrf, "text": "Goedemiddag, ik help u verder."})
    assert reply.status_code == 200
    staff_messages = [e["data"].get("custom") for e in tracker_events(assistant, sender)
                      if e.get("event") == "bot" and (e.get("data") or {}).get("custom")]
    assert {"type": "staff_message", "text": "Goedemiddag, ik help u verder.", "staff_name": "Sanne"} in staff_messages

    closed = staff.post(f"{console}/staff/handovers/{handover['id']}/close", data={"csrf": csrf})
    assert closed.status_code == 200
    assert slots(assistant, sender)["handover"] == "closed"
    last_bot = [e for e in tracker_events(assistant, sender) if e.get("event") == "bot"][-1]
    assert any(b["payload"] == '/rate{"score":5}' for b in last_bot["data"]["buttons"])

    say(assistant, sender, '/rate{"score":4}')
    answer = say(assistant, sender, "wat kost een rijbewijs?")       # the assistant is back
    assert any("€" in (m.get("text") or "") for m in answer), [
        (e.get("event"), e.get("name") or (e.get("parse_data") or {}).get("intent", {}).get("name"), e.get("value"))
        for e in tracker_events(assistant, sender) if e.get("event") != "bot"][-22:]


def test_console_refuses_anonymous_and_forged_requests(console):
    assert requests.get(f"{console}/staff/", allow_redirects=False).status_code == 302
    assert requests.get(f"{console}/staff/api/queue").status_code == 401
    staff = staff_session(console)
    assert staff.post(f"{console}/staff/handovers/x/claim", data={"csrf": "forged"}).status_code == 403


def test_citizen_text_is_shown_as_text_in_the_console(assistant, console):
    staff = staff_session(console)
    handover = claimed_handover(assistant, console, staff, f"e2e-html-{uuid.uuid4()}", "ik wil een medewerker spreken",
                                "/handover_chat", "<script>alert('x')</script><b>vet</b>")
    view = staff.get(f"{console}/staff/handovers/{handover['id']}").text
    assert "<script>alert" not in view and "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;" in view


PERSONAL = ["123456782", "06-12345678", "jan.jansen@example.nl", "NL91ABNA0417164300"]


def send_personal_data(assistant: str, sender: str) -> None:
    """A conversation that carries a BSN, a phone number, an e-mail address and an IBAN through the
    servers, ending in a callback request that stores the phone number (tests/ops reuses it with
    the deployment's JSON logging)."""
    say(assistant, sender, "mijn bsn is 123456782 en mijn nummer 06-12345678")
    say(assistant, sender, "mail me op jan.jansen@example.nl, rekening NL91ABNA0417164300")
    say(assistant, sender, "ik wil een medewerker spreken")
    say(assistant, sender, "/request_callback")
    say(assistant, sender, "Jan Jansen")
    say(assistant, sender, "06-12345678")
    say(assistant, sender, "morgenochtend")


def test_logs_never_contain_personal_data(running, assistant, console, handover_db):
    sender = f"e2e-privacy-{uuid.uuid4()}"
    send_personal_data(assistant, sender)
    logs = "".join(path.read_text(errors="replace") for path in running.logs.values())
    logs += (running.logs["rasa"].parent / "console.log").read_text(errors="replace")
    from bot.handover.store import HandoverStore
    stored = [c for c in HandoverStore(handover_db).callbacks() if c["conversation_id"] == sender]
    assert stored and stored[0]["contact"] == "06-12345678"        # the data did go through the servers
    assert len(logs) > 500                                          # and the servers did log
    assert [value for value in PERSONAL if value in logs] == []


def test_a_reply_that_cannot_reach_the_assistant_is_said_to_staff_not_dropped(assistant, console, handover_db,
                                                                               always_open_catalogue, e2e_dir):
    """The same handover database, a console whose assistant is down: the staff member is told, in
    Dutch, on a page (plain form) or to the page's script; the transcript holds no undelivered reply."""
    staff = staff_session(console)
    handover = claimed_handover(assistant, console, staff, f"e2e-unreachable-{uuid.uuid4()}",
                                "mijn rijbewijs is verlopen", "ik wil een medewerker spreken", "/handover_chat")
    env = {**os.environ, "HANDOVER_DB": str(handover_db), "CATALOGUE_DB": str(always_open_catalogue),
           "RASA_URL": "http://127.0.0.1:9", "RASA_TOKEN": TOKEN}          # port 9: nothing listens
    with running_web_app("bot.console", "CONSOLE_PORT", "/health", env, e2e_dir / "console-unreachable.log") as down:
        cut_off = staff_session(down)
        page = cut_off.get(f"{down}/staff/handovers/{handover['id']}")
        assert page.status_code == 200 and "niet bereikbaar" in page.text and 'id="reply-status"' in page.text
        plain = cut_off.post(f"{down}/staff/handovers/{handover['id']}/reply",
                             data={"csrf": csrf_of(page.text), "text": "Dit komt niet aan."})
        assert plain.status_code == 502 and "niet aangekomen" in plain.text and "<h1>" in plain.text
        scripted = cut_off.post(f"{down}/staff/handovers/{handover['id']}/reply",
                                data={"csrf": csrf_of(page.text), "text": "Dit ook niet."},
                                headers={"X-CSRF-Token": csrf_of(page.text)})
        assert scripted.status_code == 502 and "niet bereikbaar" in scripted.json()["error"]
        messages = cut_off.get(f"{down}/staff/api/handovers/{handover['id']}/messages").json()
        assert messages["assistant_reachable"] is False
    texts = [m["text"] for m in staff.get(f"{console}/staff/api/handovers/{handover['id']}/messages").json()["messages"]]
    assert "mijn rijbewijs is verlopen" in texts and "Dit komt niet aan." not in texts and "Dit ook niet." not in texts
