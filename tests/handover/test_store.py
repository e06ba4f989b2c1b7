import threading
from datetime import timedelta

import pytest

from bot.handover import store as store_module
from bot.handover.store import HandoverStore


@pytest.fixture
def store(database_url):
    """A store on an empty SQLite file, then on an empty PostgreSQL database."""
    return HandoverStore(database_url)


def test_a_handover_moves_through_its_states_and_survives_reopening(store, database_url):
    handover = store.open_handover("conv-1", "burgerzaken", "nl", "paspoort", "asked",
                                   [{"sender": "citizen", "text": "paspoort verlopen"}])
    assert store.open_handover("conv-1", "burgerzaken", "nl", "paspoort", "asked", []) == handover
    store.claim(handover["id"], "sanne")
    store.add_message(handover["id"], "citizen", "hallo?", source_key="user:1")
    store.add_message(handover["id"], "citizen", "hallo?", source_key="user:1")     # same tracker event
    store.add_message(handover["id"], "staff", "Goedemiddag", staff_name="Sanne")
    reopened = HandoverStore(database_url)                                           # another instance
    assert reopened.get(handover["id"])["status"] == "live"
    assert [m["text"] for m in reopened.messages(handover["id"])] == ["paspoort verlopen", "hallo?", "Goedemiddag"]
    reopened.transfer(handover["id"], "algemeen")
    assert reopened.get(handover["id"])["status"] == "queued"
    reopened.close(handover["id"])
    with pytest.raises(ValueError):
        reopened.claim(handover["id"], "sanne")


def test_purge_removes_only_what_is_older_than_the_retention(store, monkeypatch):
    old = store.open_handover("old", "algemeen", "nl", None, "asked", [{"sender": "citizen", "text": "oud"}])
    store.request_callback("old", "Jan", "06 12345678", "phone", "morgen", "algemeen", "nl", None)
    later = store_module.now() + timedelta(days=31)
    monkeypatch.setattr(store_module, "now", lambda: later)
    recent = store.open_handover("new", "algemeen", "nl", None, "asked", [{"sender": "citizen", "text": "nieuw"}])
    assert store.purge(30) == {"handovers": 1, "callbacks": 1}
    assert store.get(old["id"]) is None and store.messages(old["id"]) == []
    assert store.get(recent["id"]) is not None and store.callbacks() == []


def test_passwords_are_hashed_and_checked(store):
    store.create_user("sanne", "a-long-password", "staff", ["burgerzaken"], "Sanne")
    assert "a-long-password" not in store.user("sanne")["password_hash"]
    assert store.user("sanne")["password_hash"].startswith("$argon2")
    assert store.verify_user("sanne", "a-long-password")["username"] == "sanne"
    assert store.verify_user("sanne", "wrong-password!") is None
    assert store.verify_user("nobody", "a-long-password") is None
    with pytest.raises(ValueError):
        store.create_user("kees", "short", "staff", [], "Kees")


def test_a_transcript_message_synced_again_from_the_tracker_is_not_shown_twice(store):
    """The transcript given at the handover and the console's later sync from Rasa's tracker can
    both hold the citizen's last messages: they share the tracker event's key."""
    handover = store.open_handover("conv-sync", "burgerzaken", "nl", None, "asked", [
        {"sender": "citizen", "text": "ik wil een medewerker", "source_key": "user:1700000000.25"},
        {"sender": "bot", "text": "Wilt u chatten?"}])
    store.add_message(handover["id"], "citizen", "ik wil een medewerker", source_key="user:1700000000.25")
    store.add_message(handover["id"], "citizen", "hallo?", source_key="user:1700000009.5")
    assert [m["text"] for m in store.messages(handover["id"])] == ["ik wil een medewerker", "Wilt u chatten?", "hallo?"]


def test_of_two_staff_members_claiming_at_once_exactly_one_gets_the_conversation(store, database_url):
    """Two consoles (two store instances, each with its own connections) claim the same handover at
    the same moment, many times over: the status is checked by the UPDATE itself."""
    consoles = [HandoverStore(database_url), HandoverStore(database_url)]
    for round_ in range(10):
        handover = store.open_handover(f"race-{round_}", "burgerzaken", "nl", None, "asked", [])
        start, outcomes = threading.Barrier(2), {}

        def claim(console: HandoverStore, username: str) -> None:
            start.wait()
            try:
                outcomes[username] = console.claim(handover["id"], username)["claimed_by"]
            except ValueError:
                outcomes[username] = None

        threads = [threading.Thread(target=claim, args=(console, name))
                   for console, name in zip(consoles, ("sanne", "ahmed"))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        winners = [name for name, claimed_by in outcomes.items() if claimed_by == name]
        refused = [name for name, claimed_by in outcomes.items() if claimed_by is None]
        assert len(winners) == 1 and len(refused) == 1, outcomes
        assert store.get(handover["id"])["claimed_by"] == winners[0]


def test_a_status_change_that_is_not_allowed_says_why(store):
    with pytest.raises(LookupError):
        store.claim("no-such-handover", "sanne")
    handover = store.open_handover("conv-2", "algemeen", "nl", None, "asked", [])
    store.close(handover["id"])
    with pytest.raises(ValueError, match="closed"):
        store.transfer(handover["id"], "burgerzaken")
