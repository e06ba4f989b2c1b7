"""Rasa's SQLTrackerStore, with SQLite set up for a chat server.

With SQLite's defaults every message waits for several disk flushes (about 30 ms here).
Write-ahead logging with synchronous=NORMAL keeps every committed message across a crash of the
process and costs one flush at checkpoints instead. Other databases (PostgreSQL) are unchanged.
"""
from __future__ import annotations

from typing import Any

from rasa.core.tracker_store import SQLTrackerStore
from sqlalchemy import event


def _sqlite_pragmas(connection, _record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.close()


class ConversationStore(SQLTrackerStore):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.engine.dialect.name == "sqlite":
            event.listen(self.engine, "connect", _sqlite_pragmas)
            self.engine.dispose()   # connections opened during set-up get the pragmas too
