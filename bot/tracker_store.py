"""Rasa's SQLTrackerStore, set up for a chat server on one machine.

Profiling the Rasa server showed the tracker store taking a third of the CPU time of a message
(docs: README "Speed"). Three changes, each keeping what is stored exactly as Rasa stores it:

1. SQLite pragmas. With SQLite's defaults every message waits for several disk flushes (about
   30 ms here). Write-ahead logging with synchronous=NORMAL keeps every committed message across a
   crash of the process and costs one flush at checkpoints instead.
2. A connection pool for SQLite. SQLAlchemy 1.4 opens and closes a new SQLite connection for every
   query of a file database; Rasa's server queries from its one event-loop thread.
3. `recent_conversations: N` keeps the trackers of the N most recent conversations in memory after
   they are saved, so the next message does not read and replay all their events again. Only for
   a single Rasa process (the in-memory lock store): with several processes another one may have
   added events, so production scale-out leaves it at 0 (endpoints.scaleout.yml). A cached tracker
   is used only while it is exactly what a fresh read would return: unchanged since it was saved
   and still in the same conversation session.

Other databases (PostgreSQL) get only what Rasa itself does. `url: postgresql://user:pw@host:port/db`
may stand for Rasa's separate dialect/host/port/db/username/password settings, so that one
variable (TRACKER_STORE_URL) tells the Rasa servers and the insights where conversations are.
"""
from __future__ import annotations

import itertools
import time
from collections import OrderedDict
from typing import Any, Iterator, Optional

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import SessionStarted
from rasa.shared.core.trackers import DialogueStateTracker
from sqlalchemy import event

from bot import rasa_speedups

# A conversation idle for longer is read from the database again: a safety margin against any
# change made outside this process (retention purge, restore from backup).
CACHE_IDLE_SECONDS = 15 * 60


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class ConversationStore(SQLTrackerStore):
    engine: sa.engine.Engine            # created by SQLTrackerStore, replaced below for SQLite

    def __init__(self, *args: Any, recent_conversations: int = 0, url: Optional[str] = None, **kwargs: Any) -> None:
        if url:
            kwargs.update(_settings_from_url(url))
        super().__init__(*args, **kwargs)
        # The Rasa server builds its tracker store once at start-up: the one place where the project
        # runs code inside that process before the first message.
        rasa_speedups.install()
        if self.engine.dialect.name == "sqlite":
            url = self.engine.url
            self.engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, pool_size=4, max_overflow=4,
                                           connect_args={"check_same_thread": False})
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)
        self.recent_conversations = int(recent_conversations or 0)
        # sender id -> (tracker, number of its events in the database, time of the save)
        self._recent: OrderedDict[str, tuple[DialogueStateTracker, int, float]] = OrderedDict()
        # trackers handed out by retrieve() and not saved yet: sender id -> (tracker, events in the database)
        self._checked_out: dict[str, tuple[DialogueStateTracker, int]] = {}

    async def retrieve(self, sender_id: str) -> Optional[DialogueStateTracker]:
        if self.recent_conversations <= 0:
            return await super().retrieve(sender_id)
        cached = self._recent.pop(sender_id, None)
        if cached is not None:
            tracker, stored, saved_at = cached
            if len(tracker.events) == stored and time.monotonic() - saved_at < CACHE_IDLE_SECONDS:
                self._check_out(tracker, stored)
                return tracker
        tracker = await super().retrieve(sender_id)
        if tracker is not None:
            self._check_out(tracker, len(tracker.events))
        return tracker

    def _check_out(self, tracker: DialogueStateTracker, stored: int) -> None:
        self._checked_out[tracker.sender_id] = (tracker, stored)
        # A tracker handed out and never saved (an HTTP API read) must not pile up.
        while len(self._checked_out) > 2 * self.recent_conversations:
            self._checked_out.pop(next(iter(self._checked_out)))

    def _additional_events(self, session, tracker: DialogueStateTracker) -> Iterator:
        """Events not yet in the database. Rasa counts the stored events with a query; for a tracker
        this store handed out, the count is known."""
        checked_out = self._checked_out.get(tracker.sender_id)
        if checked_out is not None and checked_out[0] is tracker:
            return itertools.islice(tracker.events, checked_out[1], len(tracker.events))
        return super()._additional_events(session, tracker)

    async def save(self, tracker: DialogueStateTracker) -> None:
        await super().save(tracker)
        if self.recent_conversations <= 0:
            return
        self._checked_out.pop(tracker.sender_id, None)
        self._recent.pop(tracker.sender_id, None)
        if _as_read_from_database(tracker):
            self._recent[tracker.sender_id] = (tracker, len(tracker.events), time.monotonic())
            while len(self._recent) > self.recent_conversations:
                self._recent.popitem(last=False)


def _settings_from_url(url: str) -> dict[str, Any]:
    parsed = sa.engine.make_url(url)
    settings = {"dialect": parsed.drivername, "host": parsed.host, "port": parsed.port, "db": parsed.database,
                "username": parsed.username, "password": parsed.password}
    return {key: value for key, value in settings.items() if value is not None}


def _as_read_from_database(tracker: DialogueStateTracker) -> bool:
    """Whether `retrieve` would give back these same events: it returns the events from the latest
    session start on (by timestamp), so a tracker in which a new session began during this turn
    still holds the previous session's events and must be read again."""
    starts = [e.timestamp for e in tracker.events if isinstance(e, SessionStarted)]
    return not starts or all(e.timestamp >= starts[-1] for e in tracker.events)
