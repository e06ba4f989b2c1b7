"""Server-side login sessions with CSRF tokens, in the handover store's database."""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update

from bot.handover.store import HandoverStore, now, stamp
from bot.storage import sessions

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=9)
COOKIE = "console_session"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, store: HandoverStore):
        self.store = store

    def start(self, username: str) -> tuple[str, str]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.store.engine.begin() as connection:
            connection.execute(sessions.insert().values({"token_hash": _digest(token), "username": username,
                                                         "csrf": csrf, "created_at": stamp(), "seen_at": stamp()}))
        return token, csrf

    def find(self, token: str | None) -> dict | None:
        """The live session for `token`, refreshed; None when unknown or expired (then removed)."""
        if not token:
            return None
        key = sessions.c.token_hash == _digest(token)
        with self.store.engine.begin() as connection:
            row = connection.execute(select(sessions).where(key)).mappings().first()
            if row is None:
                return None
            session = dict(row)
            created, seen = (datetime.fromisoformat(session[k]) for k in ("created_at", "seen_at"))
            if now() - seen > IDLE_TIMEOUT or now() - created > ABSOLUTE_TIMEOUT:
                connection.execute(delete(sessions).where(key))
                return None
            connection.execute(update(sessions).where(key).values(seen_at=stamp()))
        return session

    def end(self, token: str | None) -> None:
        if token:
            with self.store.engine.begin() as connection:
                connection.execute(delete(sessions).where(sessions.c.token_hash == _digest(token)))
