"""Console login sessions (bot/console/sessions.py) on SQLite and on PostgreSQL."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.console import sessions as sessions_module
from bot.console.sessions import ABSOLUTE_TIMEOUT, IDLE_TIMEOUT, Sessions
from bot.handover import store as store_module
from bot.handover.store import HandoverStore
from bot.storage import sessions as sessions_table


@pytest.fixture
def sessions(database_url):
    return Sessions(HandoverStore(database_url))


@pytest.fixture
def clock(monkeypatch):
    """Moves the time both modules see (sessions compare, the store stamps)."""
    start = store_module.now()

    def move_to(offset: timedelta) -> None:
        monkeypatch.setattr(store_module, "now", lambda: start + offset)
        monkeypatch.setattr(sessions_module, "now", lambda: start + offset)
    return move_to


def stored(sessions) -> list[dict]:
    with sessions.store.engine.connect() as connection:
        return [dict(row) for row in connection.execute(select(sessions_table)).mappings()]


def test_a_session_is_found_by_its_token_which_is_kept_only_hashed(sessions):
    token, csrf = sessions.start("sanne")
    session = sessions.find(token)
    assert session["username"] == "sanne" and session["csrf"] == csrf
    assert token not in str(stored(sessions)) and len(stored(sessions)) == 1
    assert sessions.find("another-token") is None and sessions.find(None) is None
    assert sessions.find(sessions.start("eva")[0])["username"] == "eva"


def test_ending_a_session_removes_it(sessions):
    token, _ = sessions.start("sanne")
    other, _ = sessions.start("sanne")
    sessions.end(token)
    assert sessions.find(token) is None
    assert sessions.find(other) is not None


def test_use_keeps_a_session_alive_until_the_absolute_limit(sessions, clock):
    token, _ = sessions.start("sanne")
    step = IDLE_TIMEOUT - timedelta(minutes=5)
    moment = timedelta(0)
    while moment + step < ABSOLUTE_TIMEOUT:
        moment += step
        clock(moment)
        assert sessions.find(token) is not None, moment       # each use refreshes seen_at
    clock(ABSOLUTE_TIMEOUT + timedelta(minutes=1))
    assert sessions.find(token) is None
    assert stored(sessions) == []                              # an expired session is removed


def test_an_idle_session_expires(sessions, clock):
    token, _ = sessions.start("sanne")
    clock(IDLE_TIMEOUT - timedelta(minutes=1))
    assert sessions.find(token) is not None
    clock(IDLE_TIMEOUT * 2)
    assert sessions.find(token) is None
