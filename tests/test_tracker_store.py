"""The project's tracker store keeps recent trackers in memory: it must store and return exactly
what Rasa's own SQLTrackerStore does, turn by turn, including across a new conversation session."""
from __future__ import annotations

import asyncio
import itertools

import pytest
from jsonschema import ValidationError
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, SessionStarted, SlotSet, UserUttered

from bot import rasa_speedups
from bot.settings import PROJECT_DIR
from bot.tracker_store import ConversationStore

SENDER = "citizen-1"


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(PROJECT_DIR / "domain.yml")


def run(coroutine):
    return asyncio.run(coroutine)


class Clock:
    """Strictly increasing event timestamps, as a real conversation has."""

    def __init__(self) -> None:
        self._ticks = itertools.count(1_700_000_000)

    def __call__(self) -> float:
        return float(next(self._ticks))


def turn(store, clock: Clock, text: str, product: str | None = None, new_session: bool = False):
    tracker = run(store.retrieve(SENDER))
    if tracker is None:
        tracker = store.init_tracker(SENDER)
        new_session = True
    if new_session:
        tracker.update(ActionExecuted("action_session_start", timestamp=clock()))
        tracker.update(SessionStarted(timestamp=clock()))
        tracker.update(ActionExecuted("action_listen", timestamp=clock()))
    tracker.update(UserUttered(text, {"name": "ask_cost"}, timestamp=clock()))
    if product:
        tracker.update(SlotSet("product", product, timestamp=clock()))
    tracker.update(ActionExecuted("action_listen", timestamp=clock()))
    run(store.save(tracker))
    return tracker


def stored_rows(store) -> list[tuple]:
    with store.session_scope() as session:
        return [(e.type_name, e.intent_name, e.action_name, e.data)
                for e in session.query(store.SQLEvent).order_by(store.SQLEvent.id)]


def test_same_events_stored_and_returned_as_rasas_own_store(tmp_path, domain):
    cached = ConversationStore(domain, dialect="sqlite", db=str(tmp_path / "cached.db"), recent_conversations=10)
    plain = SQLTrackerStore(domain, dialect="sqlite", db=str(tmp_path / "plain.db"))
    script = [("hallo", None, False), ("wat kost een paspoort", "paspoort", False), ("en meenemen?", None, False),
              ("ik ben terug", None, True), ("rijbewijs verlengen", "rijbewijs", False), ("dank u", None, False)]
    clocks = {id(cached): Clock(), id(plain): Clock()}
    for text, product, new_session in script:
        for store in (cached, plain):
            turn(store, clocks[id(store)], text, product, new_session)
        assert stored_rows(cached) == stored_rows(plain)
        from_cached, from_plain = run(cached.retrieve(SENDER)), run(plain.retrieve(SENDER))
        assert [e.as_dict() for e in from_cached.events] == [e.as_dict() for e in from_plain.events]
        assert from_cached.get_slot("product") == from_plain.get_slot("product")
        run(cached.save(from_cached))
        run(plain.save(from_plain))
    assert len(stored_rows(cached)) == len(stored_rows(plain)) >= 20


def test_saved_tracker_is_kept_and_an_unsaved_change_is_not_trusted(tmp_path, domain):
    store = ConversationStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"), recent_conversations=10)
    clock = Clock()
    saved = turn(store, clock, "hallo")
    saved = turn(store, clock, "paspoort", "paspoort")
    assert run(store.retrieve(SENDER)) is saved
    saved.update(UserUttered("never saved", timestamp=clock()))
    fresh = run(store.retrieve(SENDER))
    assert fresh is not saved
    assert "never saved" not in [e.text for e in fresh.events if isinstance(e, UserUttered)]


def test_a_turn_that_starts_a_new_session_is_read_again(tmp_path, domain):
    store = ConversationStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"), recent_conversations=10)
    clock = Clock()
    turn(store, clock, "hallo")
    turn(store, clock, "paspoort", "paspoort")
    second_session = turn(store, clock, "weer hier", new_session=True)
    fresh = run(store.retrieve(SENDER))
    assert fresh is not second_session
    assert "paspoort" not in [e.text for e in fresh.events if isinstance(e, UserUttered)]


def test_only_the_most_recent_conversations_are_kept(tmp_path, domain):
    store = ConversationStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"), recent_conversations=2)
    trackers = {}
    for sender in ("a", "b", "c"):
        tracker = store.init_tracker(sender)
        tracker.update(SessionStarted(timestamp=1.0))
        tracker.update(UserUttered("hallo", timestamp=2.0))
        run(store.save(tracker))
        trackers[sender] = tracker
    assert run(store.retrieve("a")) is not trackers["a"]
    assert run(store.retrieve("c")) is trackers["c"]


def test_without_recent_conversations_every_read_goes_to_the_database(tmp_path, domain):
    store = ConversationStore(domain, dialect="sqlite", db=str(tmp_path / "t.db"))
    saved = turn(store, Clock(), "hallo")
    assert run(store.retrieve(SENDER)) is not saved


def test_action_responses_are_still_validated():
    from rasa.core.actions.action import RemoteAction

    rasa_speedups.install()
    rasa_speedups.install()
    action = RemoteAction("action_answer", None)
    assert action._validate_action_result({"events": [{"event": "slot", "name": "product", "value": "x"}],
                                           "responses": [{"text": "hallo"}]})
    with pytest.raises(ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list", "responses": []})
