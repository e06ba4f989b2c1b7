"""Handovers, their messages, callback requests and staff accounts, in SQLite or PostgreSQL.

Every process (action servers, staff consoles) opens the same database, chosen by DATABASE_URL
(see bot.storage; default the SQLite file HANDOVER_DB, build/handover.db, in WAL mode so that
readers never wait for the writer). Nothing is opened on import.
"""
from __future__ import annotations

import os
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

from sqlalchemy import delete, select, true, update
from sqlalchemy.engine import Engine

from bot import storage
from bot.contract import HandoverStatus
from bot.storage import callbacks, handover_messages, handovers, staff

STATUSES = tuple(HandoverStatus)
CALLBACK_STATUSES = ("open", "done", "cancelled")
ROLES = ("staff", "editor", "admin")
PRESENCE_WINDOW = timedelta(minutes=2)


def now() -> datetime:
    return datetime.now(timezone.utc)


def stamp(moment: datetime | None = None) -> str:
    return (moment or now()).isoformat(timespec="seconds")


def _rows(result) -> list[dict]:
    return [dict(row) for row in result.mappings()]


def _first(result) -> dict | None:
    row = result.mappings().first()
    return dict(row) if row else None


class HandoverStore:
    """`target`: a database URL, or the path of an SQLite file; default DATABASE_URL (bot.storage)."""

    def __init__(self, target: str | os.PathLike | None = None):
        self.url = storage.url_of(target) if target else storage.database_url()

    @property
    def path(self) -> Path | None:
        """The SQLite file, or None on another database."""
        return storage.sqlite_path(self.url)

    @property
    def engine(self) -> Engine:
        """The database's engine, with the tables created on first use."""
        return storage.create_tables(storage.engine_for(self.url))

    # ── handovers ──────────────────────────────────────────────────────────────────────────
    def open_handover(self, conversation_id: str, team: str, language: str, product: str | None,
                      reason: str, transcript: list[dict]) -> dict:
        """A conversation enters the queue of `team`; `transcript` is what was said so far."""
        existing = self.active_for_conversation(conversation_id)
        if existing:
            return existing
        handover_id = str(uuid.uuid4())
        handover = {"id": handover_id, "conversation_id": conversation_id, "team": team,
                    "status": HandoverStatus.QUEUED.value,
                    "language": language, "product": product, "reason": reason, "created_at": stamp()}
        with self.engine.begin() as connection:
            connection.execute(handovers.insert().values(handover))
            for index, message in enumerate(transcript):
                self._insert_message(connection, handover_id, message["sender"], message["text"],
                                     message.get("sent_at"), message.get("source_key") or f"transcript:{index}")
        return self._existing(handover_id)

    def get(self, handover_id: str) -> dict | None:
        return self._one(select(handovers).where(handovers.c.id == handover_id))

    def _existing(self, handover_id: str) -> dict:
        """A handover this store has just written: LookupError should it be gone after all."""
        handover = self.get(handover_id)
        if handover is None:
            raise LookupError(f"no handover {handover_id}")
        return handover

    def active_for_conversation(self, conversation_id: str) -> dict | None:
        return self._one(select(handovers)
                         .where(handovers.c.conversation_id == conversation_id,
                                handovers.c.status != HandoverStatus.CLOSED)
                         .order_by(handovers.c.created_at.desc()).limit(1))

    def latest_for_conversation(self, conversation_id: str) -> dict | None:
        return self._one(select(handovers).where(handovers.c.conversation_id == conversation_id)
                         .order_by(handovers.c.created_at.desc()).limit(1))

    def queue(self, teams: list[str] | None = None, include_live: bool = True) -> list[dict]:
        statuses = (HandoverStatus.QUEUED, HandoverStatus.LIVE) if include_live else (HandoverStatus.QUEUED,)
        query = select(handovers).where(handovers.c.status.in_(statuses))
        if teams:
            query = query.where(handovers.c.team.in_(teams))
        return self._all(query.order_by(handovers.c.created_at))

    def claim(self, handover_id: str, username: str) -> dict:
        return self._change(handover_id, (HandoverStatus.QUEUED,),
                            {"status": HandoverStatus.LIVE.value, "claimed_by": username, "claimed_at": stamp()})

    def transfer(self, handover_id: str, team: str) -> dict:
        return self._change(handover_id, (HandoverStatus.QUEUED, HandoverStatus.LIVE),
                            {"team": team, "status": HandoverStatus.QUEUED.value, "claimed_by": None})

    def close(self, handover_id: str) -> dict:
        return self._change(handover_id, (HandoverStatus.QUEUED, HandoverStatus.LIVE),
                            {"status": HandoverStatus.CLOSED.value, "closed_at": stamp()})

    def _change(self, handover_id: str, statuses: tuple[str, ...], values: dict) -> dict:
        """Changes a handover only while it has one of `statuses`, checked by the UPDATE itself:
        of two staff members claiming the same conversation at once, exactly one gets it (the
        other's UPDATE matches no row). LookupError when there is no such handover, ValueError
        when its status did not allow the change."""
        which = (handovers.c.id == handover_id) & handovers.c.status.in_(statuses)
        if not self._update(handovers, which, values):
            self._require(handover_id, statuses)          # says why
            raise ValueError("handover changed meanwhile")
        return self._existing(handover_id)

    def set_satisfaction(self, conversation_id: str, score: int) -> None:
        handover = self.latest_for_conversation(conversation_id)
        if handover and 1 <= score <= 5:
            self._update(handovers, handovers.c.id == handover["id"], {"satisfaction": score})

    def _require(self, handover_id: str, statuses: tuple[str, ...]) -> dict:
        handover = self.get(handover_id)
        if handover is None:
            raise LookupError(f"no handover {handover_id}")
        if handover["status"] not in statuses:
            raise ValueError(f"handover is {handover['status']}")
        return handover

    # ── messages ───────────────────────────────────────────────────────────────────────────
    @staticmethod
    def _insert_message(connection, handover_id: str, sender: str, text: str, sent_at: str | None,
                        source_key: str | None, staff_name: str | None = None) -> None:
        storage.insert_ignoring_duplicates(connection, handover_messages, {
            "handover_id": handover_id, "sender": sender, "staff_name": staff_name, "text": text,
            "sent_at": sent_at or stamp(), "source_key": source_key or str(uuid.uuid4())})

    def add_message(self, handover_id: str, sender: str, text: str, staff_name: str | None = None,
                    sent_at: str | None = None, source_key: str | None = None) -> None:
        """Add a message; a `source_key` seen before (e.g. a tracker event) is not added twice."""
        with self.engine.begin() as connection:
            self._insert_message(connection, handover_id, sender, text, sent_at, source_key, staff_name)

    def messages(self, handover_id: str) -> list[dict]:
        return self._all(select(handover_messages).where(handover_messages.c.handover_id == handover_id)
                         .order_by(handover_messages.c.id))

    # ── callbacks ──────────────────────────────────────────────────────────────────────────
    def request_callback(self, conversation_id: str, name: str, contact: str, contact_kind: str,
                         preferred_moment: str, team: str, language: str, product: str | None) -> dict:
        callback = {"id": str(uuid.uuid4()), "conversation_id": conversation_id, "name": name, "contact": contact,
                    "contact_kind": contact_kind, "preferred_moment": preferred_moment, "team": team,
                    "language": language, "product": product, "status": "open", "created_at": stamp(),
                    "updated_at": stamp()}
        with self.engine.begin() as connection:
            connection.execute(callbacks.insert().values(callback))
        return callback

    def callbacks(self, status: str | None = None, teams: list[str] | None = None) -> list[dict]:
        """Callback requests, of `teams` only when given (a staff member sees their own teams')."""
        query = select(callbacks).order_by(callbacks.c.created_at)
        if status:
            query = query.where(callbacks.c.status == status)
        if teams:
            query = query.where(callbacks.c.team.in_(teams))
        return self._all(query)

    def set_callback_status(self, callback_id: str, status: str, username: str,
                            teams: list[str] | None = None) -> None:
        if status not in CALLBACK_STATUSES:
            raise ValueError(f"unknown status {status}")
        which = callbacks.c.id == callback_id
        if teams:
            which = which & callbacks.c.team.in_(teams)
        if not self._update(callbacks, which, {"status": status, "handled_by": username, "updated_at": stamp()}):
            raise LookupError(f"no callback {callback_id}")

    # ── retention ──────────────────────────────────────────────────────────────────────────
    def purge(self, older_than_days: int) -> dict:
        """Delete transcripts and callback requests older than the retention period."""
        cutoff = stamp(now() - timedelta(days=older_than_days))
        with self.engine.begin() as connection:
            old = select(handovers.c.id).where(handovers.c.created_at < cutoff)
            connection.execute(delete(handover_messages).where(handover_messages.c.handover_id.in_(old)))
            removed = connection.execute(delete(handovers).where(handovers.c.created_at < cutoff)).rowcount
            removed_callbacks = connection.execute(delete(callbacks).where(callbacks.c.created_at < cutoff)).rowcount
        return {"handovers": removed, "callbacks": removed_callbacks}

    # ── staff ──────────────────────────────────────────────────────────────────────────────
    def create_user(self, username: str, password: str, role: str, teams: list[str], display_name: str) -> None:
        from argon2 import PasswordHasher
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if len(password) < 12:
            raise ValueError("a password needs at least 12 characters")
        with self.engine.begin() as connection:
            storage.upsert(connection, staff, {
                "username": username, "password_hash": PasswordHasher().hash(password), "role": role,
                "teams": ",".join(teams), "display_name": display_name, "created_at": stamp(), "available": True,
            }, key="username")

    _unknown_user_hash: str | None = None    # made once: hashing it at each login would double the time

    def verify_user(self, username: str, password: str) -> dict | None:
        from argon2 import PasswordHasher
        from argon2.exceptions import InvalidHashError, VerificationError
        user = self.user(username)
        hasher = PasswordHasher()
        if user is None:
            if HandoverStore._unknown_user_hash is None:
                HandoverStore._unknown_user_hash = hasher.hash("unknown-user-padding")
            try:   # same work for unknown users, so timing does not tell which names exist
                hasher.verify(HandoverStore._unknown_user_hash, password + "x")
            except VerificationError:
                pass
            return None
        try:
            hasher.verify(user["password_hash"], password)
        except (VerificationError, InvalidHashError):
            return None
        return user

    def user(self, username: str) -> dict | None:
        return self._one(select(staff).where(staff.c.username == username))

    def touch_presence(self, username: str) -> None:
        self._update(staff, staff.c.username == username, {"last_seen": stamp()})

    def staff_online(self, team: str | None = None) -> bool:
        cutoff = stamp(now() - PRESENCE_WINDOW)
        rows = self._all(select(staff.c.teams).where(staff.c.last_seen >= cutoff, staff.c.available == true(),
                                                     staff.c.role.in_(("staff", "admin"))))
        for row in rows:
            teams = [t for t in (row["teams"] or "").split(",") if t]
            if team is None or not teams or team in teams or "algemeen" in teams:
                return True
        return False

    # ── statements ─────────────────────────────────────────────────────────────────────────
    def _one(self, query) -> dict | None:
        with self.engine.connect() as connection:
            return _first(connection.execute(query))

    def _all(self, query) -> list[dict]:
        with self.engine.connect() as connection:
            return _rows(connection.execute(query))

    def _update(self, table, condition, values: dict) -> int:
        """Update the rows matching `condition`; how many there were."""
        with self.engine.begin() as connection:
            return connection.execute(update(table).where(condition).values(values)).rowcount
