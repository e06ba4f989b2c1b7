"""Handovers, their messages, callback requests and staff accounts, kept in SQLite (sqlite-utils).

Every process (action server, staff console) opens the same file; WAL mode lets them read while
another writes. Nothing is opened on import.
"""
from __future__ import annotations

import os
import threading
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

import sqlite_utils

from bot.catalogue.paths import PROJECT_DIR

STATUSES = ("queued", "live", "closed")
CALLBACK_STATUSES = ("open", "done", "cancelled")
ROLES = ("staff", "editor", "admin")
PRESENCE_WINDOW = timedelta(minutes=2)


def now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


def default_path() -> Path:
    return Path(os.environ.get("HANDOVER_DB", PROJECT_DIR / "build" / "handover.db"))


class HandoverStore:
    def __init__(self, path: str | os.PathLike | None = None):
        self.path = Path(path) if path else default_path()
        self._local = threading.local()

    @property
    def db(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            db = sqlite_utils.Database(self.path)
            db.execute("PRAGMA journal_mode=WAL")
            db.execute("PRAGMA busy_timeout=5000")
            self._create(db)
            self._local.db = db
        return db

    @staticmethod
    def _create(db: sqlite_utils.Database) -> None:
        db["handovers"].create({
            "id": str, "conversation_id": str, "team": str, "status": str, "language": str, "product": str,
            "reason": str, "created_at": str, "claimed_at": str, "claimed_by": str, "closed_at": str,
            "satisfaction": int,
        }, pk="id", if_not_exists=True)
        db["handovers"].create_index(["conversation_id"], if_not_exists=True)
        db["handovers"].create_index(["status", "team"], if_not_exists=True)
        db["handover_messages"].create({
            "id": int, "handover_id": str, "sender": str, "staff_name": str, "text": str, "sent_at": str,
            "source_key": str,
        }, pk="id", foreign_keys=[("handover_id", "handovers", "id")], if_not_exists=True)
        db["handover_messages"].create_index(["handover_id", "source_key"], unique=True, if_not_exists=True)
        db["callbacks"].create({
            "id": str, "conversation_id": str, "name": str, "contact": str, "contact_kind": str,
            "preferred_moment": str, "team": str, "language": str, "product": str, "status": str,
            "created_at": str, "updated_at": str, "handled_by": str,
        }, pk="id", if_not_exists=True)
        db["staff"].create({
            "username": str, "password_hash": str, "role": str, "teams": str, "display_name": str,
            "created_at": str, "last_seen": str, "available": bool,
        }, pk="username", if_not_exists=True)

    # ── handovers ──────────────────────────────────────────────────────────────────────────
    def open_handover(self, conversation_id: str, team: str, language: str, product: str | None,
                      reason: str, transcript: list[dict]) -> dict:
        """A conversation enters the queue of `team`; `transcript` is what was said so far."""
        existing = self.active_for_conversation(conversation_id)
        if existing:
            return existing
        handover = {"id": str(uuid.uuid4()), "conversation_id": conversation_id, "team": team, "status": "queued",
                    "language": language, "product": product, "reason": reason, "created_at": stamp()}
        with self.db.conn:
            self.db["handovers"].insert(handover)
            for index, message in enumerate(transcript):
                self._insert_message(handover["id"], message["sender"], message["text"], message.get("sent_at"),
                                     f"transcript:{index}")
        return self.get(handover["id"])

    def get(self, handover_id: str) -> dict | None:
        rows = list(self.db["handovers"].rows_where("id = ?", [handover_id]))
        return rows[0] if rows else None

    def active_for_conversation(self, conversation_id: str) -> dict | None:
        rows = list(self.db["handovers"].rows_where(
            "conversation_id = ? and status != 'closed'", [conversation_id], order_by="created_at desc", limit=1))
        return rows[0] if rows else None

    def latest_for_conversation(self, conversation_id: str) -> dict | None:
        rows = list(self.db["handovers"].rows_where(
            "conversation_id = ?", [conversation_id], order_by="created_at desc", limit=1))
        return rows[0] if rows else None

    def queue(self, teams: list[str] | None = None, include_live: bool = True) -> list[dict]:
        statuses = ("queued", "live") if include_live else ("queued",)
        where = f"status in ({','.join('?' * len(statuses))})"
        args: list = list(statuses)
        if teams:
            where += f" and team in ({','.join('?' * len(teams))})"
            args += teams
        return list(self.db["handovers"].rows_where(where, args, order_by="created_at"))

    def claim(self, handover_id: str, username: str) -> dict:
        handover = self._require(handover_id, ("queued",))
        self.db["handovers"].update(handover["id"], {"status": "live", "claimed_by": username, "claimed_at": stamp()})
        return self.get(handover_id)

    def transfer(self, handover_id: str, team: str) -> dict:
        handover = self._require(handover_id, ("queued", "live"))
        self.db["handovers"].update(handover["id"], {"team": team, "status": "queued", "claimed_by": None})
        return self.get(handover_id)

    def close(self, handover_id: str) -> dict:
        handover = self._require(handover_id, ("queued", "live"))
        self.db["handovers"].update(handover["id"], {"status": "closed", "closed_at": stamp()})
        return self.get(handover_id)

    def set_satisfaction(self, conversation_id: str, score: int) -> None:
        handover = self.latest_for_conversation(conversation_id)
        if handover and 1 <= score <= 5:
            self.db["handovers"].update(handover["id"], {"satisfaction": score})

    def _require(self, handover_id: str, statuses: tuple[str, ...]) -> dict:
        handover = self.get(handover_id)
        if handover is None:
            raise LookupError(f"no handover {handover_id}")
        if handover["status"] not in statuses:
            raise ValueError(f"handover is {handover['status']}")
        return handover

    # ── messages ───────────────────────────────────────────────────────────────────────────
    def _insert_message(self, handover_id: str, sender: str, text: str, sent_at: str | None,
                        source_key: str | None, staff_name: str | None = None) -> None:
        self.db["handover_messages"].insert(
            {"handover_id": handover_id, "sender": sender, "staff_name": staff_name, "text": text,
             "sent_at": sent_at or stamp(), "source_key": source_key or str(uuid.uuid4())},
            ignore=True)

    def add_message(self, handover_id: str, sender: str, text: str, staff_name: str | None = None,
                    sent_at: str | None = None, source_key: str | None = None) -> None:
        """Add a message; a `source_key` seen before (e.g. a tracker event) is not added twice."""
        with self.db.conn:
            self._insert_message(handover_id, sender, text, sent_at, source_key, staff_name)

    def messages(self, handover_id: str) -> list[dict]:
        return list(self.db["handover_messages"].rows_where("handover_id = ?", [handover_id], order_by="id"))

    # ── callbacks ──────────────────────────────────────────────────────────────────────────
    def request_callback(self, conversation_id: str, name: str, contact: str, contact_kind: str,
                         preferred_moment: str, team: str, language: str, product: str | None) -> dict:
        callback = {"id": str(uuid.uuid4()), "conversation_id": conversation_id, "name": name, "contact": contact,
                    "contact_kind": contact_kind, "preferred_moment": preferred_moment, "team": team,
                    "language": language, "product": product, "status": "open", "created_at": stamp(),
                    "updated_at": stamp()}
        self.db["callbacks"].insert(callback)
        return callback

    def callbacks(self, status: str | None = None) -> list[dict]:
        if status:
            return list(self.db["callbacks"].rows_where("status = ?", [status], order_by="created_at"))
        return list(self.db["callbacks"].rows_where(order_by="created_at"))

    def set_callback_status(self, callback_id: str, status: str, username: str) -> None:
        if status not in CALLBACK_STATUSES:
            raise ValueError(f"unknown status {status}")
        self.db["callbacks"].update(callback_id, {"status": status, "handled_by": username, "updated_at": stamp()})

    # ── retention ──────────────────────────────────────────────────────────────────────────
    def purge(self, older_than_days: int) -> dict:
        """Delete transcripts and callback requests older than the retention period."""
        cutoff = stamp(now() - timedelta(days=older_than_days))
        with self.db.conn:
            old = [r["id"] for r in self.db["handovers"].rows_where("created_at < ?", [cutoff])]
            for handover_id in old:
                self.db["handover_messages"].delete_where("handover_id = ?", [handover_id])
            self.db["handovers"].delete_where("created_at < ?", [cutoff])
            callbacks = self.db["callbacks"].count_where("created_at < ?", [cutoff])
            self.db["callbacks"].delete_where("created_at < ?", [cutoff])
        return {"handovers": len(old), "callbacks": callbacks}

    # ── staff ──────────────────────────────────────────────────────────────────────────────
    def create_user(self, username: str, password: str, role: str, teams: list[str], display_name: str) -> None:
        from argon2 import PasswordHasher
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 12:
            raise ValueError("a password needs at least 12 characters")
        self.db["staff"].upsert({
            "username": username, "password_hash": PasswordHasher().hash(password), "role": role,
            "teams": ",".join(teams), "display_name": display_name, "created_at": stamp(), "available": True,
        }, pk="username")

    def verify_user(self, username: str, password: str) -> dict | None:
        from argon2 import PasswordHasher
        from argon2.exceptions import VerificationError, InvalidHashError
        rows = list(self.db["staff"].rows_where("username = ?", [username]))
        hasher = PasswordHasher()
        if not rows:
            try:   # same work for unknown users, so timing does not tell which names exist
                hasher.verify(hasher.hash("unknown-user-padding"), password + "x")
            except VerificationError:
                pass
            return None
        try:
            hasher.verify(rows[0]["password_hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        return rows[0]

    def user(self, username: str) -> dict | None:
        rows = list(self.db["staff"].rows_where("username = ?", [username]))
        return rows[0] if rows else None

    def touch_presence(self, username: str) -> None:
        self.db["staff"].update(username, {"last_seen": stamp()})

    def staff_online(self, team: str | None = None) -> bool:
        cutoff = stamp(now() - PRESENCE_WINDOW)
        for row in self.db["staff"].rows_where("last_seen >= ? and available and role in ('staff', 'admin')", [cutoff]):
            teams = [t for t in (row["teams"] or "").split(",") if t]
            if team is None or not teams or team in teams or "algemeen" in teams:
                return True
        return False
