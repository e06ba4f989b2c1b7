"""Handover actions against a real HandoverStore, on an empty SQLite file and on PostgreSQL."""
from datetime import datetime, timezone

import pytest
from rasa_sdk.events import ConversationPaused, SlotSet

import actions.handover
import actions.shared
from actions.handover import (
    ActionHandoverClosed, ActionOfferHandover, ActionRelayStaffMessage, ActionRequestCallback,
    ActionStartChatHandover, ActionStoreRating, ValidateCallbackForm,
)
from bot.handover.store import HandoverStore
from tests.actions.conftest import load_tracker


@pytest.fixture
def store(database_url, monkeypatch):
    store = HandoverStore(database_url)
    monkeypatch.setattr(actions.shared, "handover_store", lambda: store)
    return store


@pytest.fixture
def office_open(monkeypatch):
    """Monday 10:00 in Amsterdam, a working day."""
    monday = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
    monkeypatch.setattr(actions.handover, "datetime", type("FixedDatetime", (datetime,), {
        "now": classmethod(lambda cls, tz=None: monday)}))


def titles(dispatcher):
    return [b["title"] for m in dispatcher.messages for b in m.get("buttons", [])]


def test_offer_without_staff_online_has_no_chat_but_a_callback(dispatcher, domain, store, office_open):
    events = ActionOfferHandover().run(dispatcher, load_tracker("request_human"), domain)
    assert SlotSet("handover", "offered") in events
    assert "Chatten met een medewerker" not in titles(dispatcher)
    assert "Bel mij terug" in titles(dispatcher)
    assert "utter_handover_chat_unavailable" in [m.get("response") for m in dispatcher.messages]


def test_offer_with_staff_online_in_opening_hours_has_chat(dispatcher, domain, store, office_open, monkeypatch):
    monkeypatch.setattr(store, "staff_online", lambda team=None: True)
    ActionOfferHandover().run(dispatcher, load_tracker("request_human"), domain)
    assert titles(dispatcher)[0] == "Chatten met een medewerker"


def test_sensitive_situation_is_offered_with_care(dispatcher, domain, store, office_open):
    tracker = load_tracker("request_human")
    tracker.latest_message["intent"]["name"] = "sensitive_situation"
    ActionOfferHandover().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_handover_offer_sensitive"


def test_starting_a_chat_queues_the_conversation_with_its_transcript_and_pauses(dispatcher, domain, store, office_open, monkeypatch):
    monkeypatch.setattr(store, "staff_online", lambda team=None: True)
    tracker = load_tracker("request_human")
    tracker.events = [{"event": "user", "text": "mijn paspoort is verlopen", "timestamp": 1.0},
                      {"event": "bot", "text": "Een paspoort is ...", "timestamp": 2.0}]
    tracker.slots["product"] = "paspoort"
    events = ActionStartChatHandover().run(dispatcher, tracker, domain)
    assert SlotSet("handover", "queued") in events and ConversationPaused() in events
    handover = store.active_for_conversation(tracker.sender_id)
    assert (handover["team"], handover["product"], handover["status"]) == ("burgerzaken", "paspoort", "queued")
    assert [m["sender"] for m in store.messages(handover["id"])] == ["citizen", "bot"]


def test_callback_contact_is_validated(dispatcher, domain):
    form = ValidateCallbackForm()
    tracker = load_tracker("request_human")
    assert form.validate_callback_contact("06 12345678", dispatcher, tracker, domain) == {"callback_contact": "06 12345678"}
    assert form.validate_callback_contact("jan@example.nl", dispatcher, tracker, domain) == {"callback_contact": "jan@example.nl"}
    assert form.validate_callback_contact("morgen", dispatcher, tracker, domain) == {"callback_contact": None}
    assert dispatcher.messages[-1]["response"] == "utter_callback_contact_invalid"


def test_callback_is_stored_and_slots_cleared(dispatcher, domain, store):
    tracker = load_tracker("request_human")
    tracker.slots.update({"callback_name": "Jan", "callback_contact": "06 12345678", "callback_moment": "morgen"})
    events = ActionRequestCallback().run(dispatcher, tracker, domain)
    assert SlotSet("handover", "callback") in events and SlotSet("callback_contact", None) in events
    assert store.callbacks("open")[0]["contact"] == "06 12345678"


def test_staff_message_is_relayed_marked_as_from_a_person(dispatcher, domain):
    tracker = load_tracker("request_human")
    tracker.slots.update({"staff_message": "Goedemiddag, ik help u verder.", "staff_name": "Sanne"})
    ActionRelayStaffMessage().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["custom"] == {"type": "staff_message", "text": "Goedemiddag, ik help u verder.",
                                                "staff_name": "Sanne"}


def test_closing_asks_for_a_score_and_stores_it(dispatcher, domain, store):
    tracker = load_tracker("request_human")
    handover = store.open_handover(tracker.sender_id, "algemeen", "nl", None, "asked", [])
    ActionHandoverClosed().run(dispatcher, tracker, domain)
    assert [b["payload"] for b in dispatcher.messages[0]["buttons"]][-1] == '/rate{"score":5}'
    tracker.latest_message["entities"] = [{"entity": "score", "value": 4}]
    ActionStoreRating().run(dispatcher, tracker, domain)
    assert store.get(handover["id"])["satisfaction"] == 4


@pytest.fixture
def broken_store(monkeypatch, tmp_path):
    """A store whose database cannot be reached: PostgreSQL on a port where nothing listens."""
    from bot.servers import free_port
    store = HandoverStore(f"postgresql://assistant@127.0.0.1:{free_port()}/handover")
    monkeypatch.setattr(actions.shared, "handover_store", lambda: store)
    return store


def test_a_callback_that_cannot_be_stored_is_told_with_the_phone_number(dispatcher, domain, broken_store,
                                                                       action_catalogue):
    tracker = load_tracker("request_human")
    tracker.slots.update({"callback_name": "Jan", "callback_contact": "06 12345678", "callback_moment": "morgen"})
    events = ActionRequestCallback().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_saved"]
    assert dispatcher.messages[0]["phone"] == action_catalogue.municipality()["phone"]
    assert events == []          # the details are not cleared from the conversation: nothing is lost


def test_a_chat_handover_that_cannot_be_stored_is_told_and_not_paused(dispatcher, domain, broken_store, office_open,
                                                                      monkeypatch):
    monkeypatch.setattr(actions.handover, "chat_available", lambda team: True)
    events = ActionStartChatHandover().run(dispatcher, load_tracker("request_human"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_not_saved"]
    assert not any(isinstance(e, ConversationPaused) for e in events)


@pytest.mark.parametrize("language", ["nl", "en", "fr"])
def test_the_not_saved_response_exists_in_every_language_with_the_phone_number(domain, language):
    variants = domain["responses"]["utter_not_saved"]
    text = next(v["text"] for v in variants
                if (language == "nl" and not v.get("condition"))
                or any(c.get("value") == language for c in v.get("condition", [])))
    assert "{phone}" in text
