"""Conversations over Rasa's REST channel against the real servers; slots read from the HTTP API."""
import uuid

import pytest
import requests

from tests.e2e.conftest import TOKEN


def say(base: str, sender: str, text: str) -> list[dict]:
    response = requests.post(f"{base}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
    assert response.status_code == 200
    return response.json()


def slots(base: str, sender: str) -> dict:
    tracker = requests.get(f"{base}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30)
    assert tracker.status_code == 200
    return tracker.json()["slots"]


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text", "") for m in messages)


def test_question_follow_up_and_product_slot(assistant):
    sender = f"e2e-{uuid.uuid4()}"
    answer = texts(say(assistant, sender, "mijn paspoort is verlopen, hoe vraag ik een nieuwe aan?"))
    assert "voorbeeldstad.example" in answer
    assert slots(assistant, sender)["product"] == "paspoort"
    cost = texts(say(assistant, sender, "en wat kost dat?"))
    assert "€" in cost
    assert slots(assistant, sender)["product"] == "paspoort"
    assert slots(assistant, sender)["language"] == "nl"


def test_english_conversation_is_answered_in_english(assistant):
    sender = f"e2e-{uuid.uuid4()}"
    answer = texts(say(assistant, sender, "I just moved here, how do I register my new address?"))
    assert slots(assistant, sender)["language"] == "en"
    assert "More information" in answer or "Is it one of these" in answer


def test_clarification_buttons_carry_the_product_id(assistant):
    sender = f"e2e-{uuid.uuid4()}"
    messages = say(assistant, sender, "ik heb een vraag over een vergunning")
    buttons = [b for m in messages for b in m.get("buttons", [])]
    assert 2 <= len(buttons) <= 5
    chosen = buttons[0]["payload"]
    assert chosen.startswith('/choose_product{"product":')
    answer = say(assistant, sender, chosen)
    assert answer
    assert slots(assistant, sender)["product"] == buttons[0]["title"]


def test_a_person_is_offered_after_two_misunderstandings(assistant):
    sender = f"e2e-{uuid.uuid4()}"
    say(assistant, sender, "qwrtp zxvbn klmnq")
    second = say(assistant, sender, "plofgrt snirk wabbel")
    payloads = [b["payload"] for m in second for b in m.get("buttons", [])]
    assert "/request_callback" in payloads and "/handover_phone" in payloads
    assert slots(assistant, sender)["handover"] == "offered"


@pytest.mark.parametrize("hostile", ["x" * 10_000, "🙂" * 500, "<script>alert('x')</script>", "", "' OR 1=1 --"])
def test_hostile_messages_get_an_answer_not_a_crash(assistant, hostile):
    response = requests.post(f"{assistant}/webhooks/rest/webhook",
                             json={"sender": f"e2e-{uuid.uuid4()}", "message": hostile}, timeout=120)
    assert response.status_code == 200
    assert isinstance(response.json(), list)


@pytest.mark.parametrize("kind, text, language, product", [
    ("typo", "mijn pasport is verlopn", "nl", "paspoort"),
    ("object", "waar kan ik mijn oude matras kwijt", "nl", "afvalinzameling grofvuil"),
    ("situation", "mijn vader is vannacht overleden, wat moet ik nu regelen", "nl", "overlijdensaangifte"),
    ("Flemish word", "wanneer is het containerpark open", "nl", "afvalinzamelstation"),
    ("foreign word for a Dutch service", "how much does a dutch passport cost", "en", "paspoort"),
    ("French", "combien coute une carte d'identite", "fr", "identiteitskaart"),
])
def test_citizens_own_words_get_the_product_at_once_in_their_language(assistant, kind, text, language, product):
    sender = f"e2e-{uuid.uuid4()}"
    messages = say(assistant, sender, text)
    current = slots(assistant, sender)
    assert current["product"] == product, (kind, messages)
    assert current["language"] == language, kind
    assert not [b for m in messages for b in m.get("buttons", []) if b["payload"].startswith("/choose_product")]


@pytest.mark.parametrize("text", ["<script>alert(1)</script>", "{{7*7}} ${7*7}", "' OR 1=1; --",
                                  "plofgrt snirk", "wie wint het wk voetbal"])
def test_a_message_about_no_service_gets_no_product_and_no_handover_first(assistant, text):
    sender = f"e2e-{uuid.uuid4()}"
    messages = say(assistant, sender, text)
    assert messages, "the citizen always gets an answer"
    assert slots(assistant, sender)["product"] is None
    assert not [b for m in messages for b in m.get("buttons", []) if b["payload"].startswith(("/choose_product", "/handover", "/request_callback"))]
    events = requests.get(f"{assistant}/conversations/{sender}/tracker", params={"token": TOKEN}, timeout=30).json()["events"]
    assert "action_offer_handover" not in {e.get("name") for e in events if e.get("event") == "action"}
