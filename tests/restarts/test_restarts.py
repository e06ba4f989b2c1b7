"""A crash (SIGKILL) and restart of the action server, the Rasa server or the consoles in the
middle of a conversation or of a live handover loses nothing: the citizen's next message is
answered, and staff still see the whole conversation."""
import re
import uuid

import pytest
import requests

from tests.e2e.conftest import staff_session
from tests.e2e.test_rest import say, texts
from tests.restarts.conftest import TOKEN, crash, kill_and_restart, launch_of, process_listening_on, start_again


def tracker(base: str, sender: str) -> dict:
    response = requests.get(f"{base}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
    assert response.status_code == 200
    return response.json()


def said(base: str, sender: str) -> list[str]:
    return [e["text"] for e in tracker(base, sender)["events"] if e["event"] == "user"]


def restart(assistant, name: str) -> None:
    health = {"actions": f"{assistant.action_url.rsplit('/', 1)[0]}/health",
              "rasa": f"{assistant.url}/status?token={TOKEN}"}[name]
    assistant.processes[name] = kill_and_restart(assistant.processes[name], assistant.logs[name], health)


def test_a_conversation_goes_on_after_each_server_crashes(assistant):
    sender = f"restart-{uuid.uuid4()}"
    say(assistant.url, sender, "mijn paspoort is verlopen")

    restart(assistant, "actions")
    assert "€" in texts(say(assistant.url, sender, "en wat kost dat?")).lower()          # the product is still known

    restart(assistant, "rasa")
    assert "pasfoto" in texts(say(assistant.url, sender, "wat moet ik meenemen?")).lower()
    assert said(assistant.url, sender) == ["mijn paspoort is verlopen", "en wat kost dat?", "wat moet ik meenemen?"]


def test_a_message_sent_while_the_rasa_server_is_down_is_refused_not_swallowed(assistant):
    """The REST client (and the widget's offline queue) learns that the message did not arrive and
    can send it again; nothing is half-stored."""
    sender = f"restart-down-{uuid.uuid4()}"
    say(assistant.url, sender, "grofvuil laten ophalen")
    launch = launch_of(assistant.processes["rasa"])
    crash(assistant.processes["rasa"])
    with pytest.raises(requests.ConnectionError):
        requests.post(f"{assistant.url}/webhooks/rest/webhook", json={"sender": sender, "message": "wat kost dat?"},
                      timeout=10)
    assistant.processes["rasa"] = start_again(launch, assistant.logs["rasa"], f"{assistant.url}/status?token={TOKEN}")
    assert say(assistant.url, sender, "wat kost dat?")
    assert said(assistant.url, sender) == ["grofvuil laten ophalen", "wat kost dat?"]


def test_a_live_handover_survives_crashes_of_every_server(assistant, console):
    console_url, console_log = console
    staff = staff_session(console_url)
    sender = f"restart-handover-{uuid.uuid4()}"
    say(assistant.url, sender, "mijn paspoort is verlopen")
    say(assistant.url, sender, "ik wil een medewerker spreken")
    say(assistant.url, sender, "/handover_chat")
    handover = next(h for h in staff.get(f"{console_url}/staff/api/queue").json() if h["conversation_id"] == sender)
    page = staff.get(f"{console_url}/staff/").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    assert staff.post(f"{console_url}/staff/handovers/{handover['id']}/claim", data={"csrf": csrf}).status_code == 200

    def transcript() -> list[str]:
        response = staff.get(f"{console_url}/staff/api/handovers/{handover['id']}/messages")
        assert response.status_code == 200, "the staff member's login must survive a restart of the consoles"
        return [m["text"] for m in response.json()["messages"]]

    say(assistant.url, sender, "ben ik nog in de wachtrij?")
    kill_and_restart(process_listening_on(console_url), console_log, f"{console_url}/health")
    assert {"mijn paspoort is verlopen", "ben ik nog in de wachtrij?"} <= set(transcript())

    restart(assistant, "rasa")
    assert tracker(assistant.url, sender)["slots"]["handover"] == "live"
    assert say(assistant.url, sender, "hallo, bent u daar nog?") == []          # still with the staff member
    assert "hallo, bent u daar nog?" in transcript()

    restart(assistant, "actions")
    page = staff.get(f"{console_url}/staff/handovers/{handover['id']}").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    reply = staff.post(f"{console_url}/staff/handovers/{handover['id']}/reply",
                       data={"csrf": csrf, "text": "Ja, ik ben er. Waarmee kan ik helpen?"})
    assert reply.status_code == 200
    staff_messages = [(e.get("data") or {}).get("custom", {}).get("text") for e in tracker(assistant.url, sender)["events"]
                      if e["event"] == "bot" and (e.get("data") or {}).get("custom")]
    assert "Ja, ik ben er. Waarmee kan ik helpen?" in staff_messages
    texts = transcript()
    for text in ("mijn paspoort is verlopen", "ben ik nog in de wachtrij?", "hallo, bent u daar nog?",
                 "Ja, ik ben er. Waarmee kan ik helpen?"):
        assert text in texts
