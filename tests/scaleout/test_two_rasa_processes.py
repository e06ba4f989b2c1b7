"""Two Rasa servers share one PostgreSQL tracker store and one Redis lock store: a conversation can
move between them message by message, and a handover started on one is seen by the other."""
import re
import threading
import uuid

import requests

from tests.e2e.conftest import staff_session
from tests.e2e.test_rest import say, texts
from tests.scaleout.conftest import TOKEN


def slots(base: str, sender: str) -> dict:
    response = requests.get(f"{base}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
    assert response.status_code == 200
    return response.json()["slots"]


def test_a_conversation_alternating_between_the_processes_keeps_its_context(cluster):
    first, second = cluster.rasa_urls
    sender = f"scaleout-{uuid.uuid4()}"
    say(first, sender, "mijn paspoort is verlopen")
    assert slots(second, sender)["product"] == "paspoort"
    cost = say(second, sender, "en wat kost dat?")               # no product named: it comes from the context
    assert "€" in texts(cost) and "paspoort" in texts(cost).lower()
    bring = say(first, sender, "wat moet ik meenemen?")
    assert "pasfoto" in texts(bring).lower()
    say(second, sender, "en een rijbewijs?")
    assert slots(first, sender)["product"] == "rijbewijs"


def test_the_same_conversation_on_both_processes_at_once_loses_no_message(cluster):
    """Redis serialises the messages of one conversation: each is stored once, none is lost."""
    sender = f"scaleout-race-{uuid.uuid4()}"
    say(cluster.rasa_urls[0], sender, "hallo")
    questions = ["wat kost een paspoort", "wat kost een rijbewijs", "wat kost een id-kaart", "grofvuil ophalen"]
    errors = []

    def ask(base, text):
        try:
            say(base, sender, text)
        except AssertionError as error:
            errors.append(error)

    threads = [threading.Thread(target=ask, args=(cluster.rasa_urls[i % 2], text)) for i, text in enumerate(questions)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    events = requests.get(f"{cluster.url}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30).json()["events"]
    said = [e["text"] for e in events if e["event"] == "user"]
    assert sorted(said) == sorted(["hallo", *questions])
    # Every message was answered after the one before it was finished: user and action_listen alternate.
    kinds = [e["event"] if e["event"] == "user" else e.get("name") for e in events
             if e["event"] == "user" or (e["event"] == "action" and e.get("name") == "action_listen")]
    assert all(a != b for a, b in zip(kinds, kinds[1:]) if "user" in (a, b)), kinds


def test_through_nginx_round_robin_a_conversation_keeps_its_context(cluster):
    sender = f"scaleout-nginx-{uuid.uuid4()}"
    say(cluster.url, sender, "ik wil grofvuil laten ophalen")
    product = slots(cluster.url, sender)["product"]
    assert product
    for question in ("wat kost dat?", "hoe lang duurt het?", "kan dat ook online?"):
        say(cluster.url, sender, question)
        assert slots(cluster.url, sender)["product"] == product


def test_a_handover_started_on_one_process_is_seen_on_the_other_and_in_the_console(cluster, console):
    first, second = cluster.rasa_urls
    staff = staff_session(console)
    sender = f"scaleout-handover-{uuid.uuid4()}"
    say(first, sender, "mijn paspoort is verlopen")
    say(first, sender, "ik wil een medewerker spreken")
    say(first, sender, "/handover_chat")
    assert slots(second, sender)["handover"] == "queued"
    assert say(second, sender, "hallo, is daar iemand?") == []          # paused on the other process too

    handover = next(h for h in staff.get(f"{console}/staff/api/queue").json() if h["conversation_id"] == sender)
    page = staff.get(f"{console}/staff/").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', page).group(1)
    claimed = staff.post(f"{console}/staff/handovers/{handover['id']}/claim", data={"csrf": csrf})
    assert claimed.status_code == 200
    assert slots(first, sender)["handover"] == slots(second, sender)["handover"] == "live"
    texts = [m["text"] for m in staff.get(f"{console}/staff/api/handovers/{handover['id']}/messages").json()["messages"]]
    assert "mijn paspoort is verlopen" in texts and "hallo, is daar iemand?" in texts
