"""Server-side login sessions with CSRF tokens, in the handover store's database."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from bot.handover.store import HandoverStore, now, stamp

IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=9)
COOKIE = "console_session"


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Sessions:
    def __init__(self, store: HandoverStore):
        self.store = store

    @property
    def table(self):
        db = self.store.db
        db["sessions"].create({"token_hash": str, "username": str, "csrf": str, "created_at": str, "seen_at": str},
                              pk="token_hash", if_not_exists=True)
        return db["sessions"]

    def start(self, username: str) -> tuple[str, str]:
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        self.table.insert({"token_hash": _digest(token), "username": username, "csrf": csrf,
                           "created_at": stamp(), "seen_at": stamp()})
        return token, csrf

    def find(self, token: str | None) -> dict | None:
        """The live session for `token`, refreshed; None when unknown or expired (then removed)."""
        if not token:
            return None
        rows = list(self.table.rows_where("token_hash = ?", [_digest(token)]))
        if not rows:
            return None
        session = rows[0]
        from datetime import datetime
        created, seen = (datetime.fromisoformat(session[k]) for k in ("created_at", "seen_at"))
        if now() - seen > IDLE_TIMEOUT or now() - created > ABSOLUTE_TIMEOUT:
            self.table.delete(session["token_hash"])
            return None
        self.table.update(session["token_hash"], {"seen_at": stamp()})
        return session

    def end(self, token: str | None) -> None:
        if token:
            self.table.delete_where("token_hash = ?", [_digest(token)])
