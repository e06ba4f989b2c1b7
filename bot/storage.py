"""The app's own databases, on SQLite or PostgreSQL: the same code, chosen by a database URL.

- `DATABASE_URL`: handovers, their messages, callback requests, staff accounts, login sessions,
  the editors' audit trail and the widget's thumbs. Unset, they stay in SQLite files: `HANDOVER_DB`
  (default build/handover.db) and, for the thumbs, `INSIGHTS_DB` (default build/insights.db).
- `TRACKER_STORE_URL`: where the insights read Rasa's `events` table (default: SQLite `TRACKER_DB`,
  build/tracker.db), the same database Rasa's tracker store writes.

`engine_for(url)` gives one engine per URL and process. SQLite gets write-ahead logging (readers
never wait for the writer, several processes share a file), a busy timeout and synchronous=NORMAL.
Tables are defined here once and created by `create_tables` on first use, never on import.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import TypeGuard

from sqlalchemy import (
    Boolean,
    Column,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    Table,
    Text,
    create_engine,
    event,
    inspect,
    text,
)
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import QueuePool

from bot.settings import Storage

# ISO-8601 texts are compared and sorted as text; PostgreSQL's language-aware collations may skip
# punctuation, so its columns use the byte order that SQLite uses.
Stamp = Text().with_variant(Text(collation="C"), "postgresql")

metadata = MetaData()

handovers = Table(
    "handovers", metadata,
    Column("id", Text, primary_key=True),
    Column("conversation_id", Text), Column("team", Text), Column("status", Text), Column("language", Text),
    Column("product", Text), Column("reason", Text), Column("created_at", Stamp), Column("claimed_at", Stamp),
    Column("claimed_by", Text), Column("closed_at", Stamp), Column("satisfaction", Integer),
    # The names sqlite-utils gave them, so databases it created keep matching.
    Index("idx_handovers_conversation_id", "conversation_id"),
    Index("idx_handovers_status_team", "status", "team"),
)

handover_messages = Table(
    "handover_messages", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("handover_id", Text, ForeignKey("handovers.id")), Column("sender", Text), Column("staff_name", Text),
    Column("text", Text), Column("sent_at", Stamp), Column("source_key", Text),
    # A tracker event (source_key) is copied into a handover's transcript once, whoever syncs first.
    Index("idx_handover_messages_handover_id_source_key", "handover_id", "source_key", unique=True),
)

callbacks = Table(
    "callbacks", metadata,
    Column("id", Text, primary_key=True),
    Column("conversation_id", Text), Column("name", Text), Column("contact", Text), Column("contact_kind", Text),
    Column("preferred_moment", Text), Column("team", Text), Column("language", Text), Column("product", Text),
    Column("status", Text), Column("created_at", Stamp), Column("updated_at", Stamp), Column("handled_by", Text),
)

staff = Table(
    "staff", metadata,
    Column("username", Text, primary_key=True),
    Column("password_hash", Text), Column("role", Text), Column("teams", Text), Column("display_name", Text),
    Column("created_at", Stamp), Column("last_seen", Stamp), Column("available", Boolean),
)

sessions = Table(
    "sessions", metadata,
    Column("token_hash", Text, primary_key=True),
    Column("username", Text), Column("csrf", Text), Column("created_at", Stamp), Column("seen_at", Stamp),
)

catalogue_changes = Table(
    "catalogue_changes", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("changed_at", Stamp), Column("username", Text), Column("product_id", Text), Column("file", Text),
    Column("action", Text), Column("before", Text), Column("after", Text), Column("reverts", Integer),
    Index("idx_catalogue_changes_product_id", "product_id"),
)

# No key of its own: a vote is never looked up or changed, only counted.
feedback = Table(
    "feedback", metadata,
    Column("created_at", Stamp, nullable=False), Column("conversation_id", Text, nullable=False),
    Column("vote", Text, nullable=False), Column("product", Text), Column("language", Text),
    Index("idx_feedback_created_at", "created_at"),
)

# Reports about public space (bot.reports.store): stored first, then delivered through the outbox.
reports = Table(
    "reports", metadata,
    Column("id", Text, primary_key=True),
    Column("reference", Text, nullable=False, unique=True), Column("conversation_id", Text),
    Column("language", Text), Column("category", Text), Column("description", Text),
    Column("location_kind", Text), Column("location", Text), Column("lat", Float), Column("lon", Float),
    Column("photo", LargeBinary), Column("photo_type", Text), Column("contact", Text), Column("contact_kind", Text),
    Column("status", Text), Column("status_note", Text), Column("created_at", Stamp), Column("updated_at", Stamp),
    Index("idx_reports_status_category", "status", "category"),
)

# One row per report and destination. A worker leases a row (leased_until) before it delivers;
# only the lease holder (attempts) may mark it delivered, so a delivery is recorded once.
report_outbox = Table(
    "report_outbox", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("report_id", Text, ForeignKey("reports.id"), nullable=False), Column("destination", Text, nullable=False),
    Column("state", Text, nullable=False), Column("attempts", Integer, nullable=False),
    Column("next_attempt_at", Stamp), Column("leased_until", Stamp), Column("last_error", Text),
    Column("remote_id", Text), Column("delivered_at", Stamp),
    Index("idx_report_outbox_report_destination", "report_id", "destination", unique=True),
    Index("idx_report_outbox_state_next", "state", "next_attempt_at"),
)


# Rasa's SQLTrackerStore owns this table; it is only read here, never created.
tracker_metadata = MetaData()
events = Table(
    "events", tracker_metadata,
    Column("id", Integer, primary_key=True),
    Column("sender_id", Text), Column("type_name", Text), Column("timestamp", Float),
    Column("intent_name", Text), Column("action_name", Text), Column("data", Text),
)


# ── URLs ───────────────────────────────────────────────────────────────────────────────────────
def sqlite_url(path: str | os.PathLike) -> str:
    return f"sqlite:///{Path(path).absolute()}"


def is_url(target: str | os.PathLike) -> TypeGuard[str]:
    return isinstance(target, str) and "://" in target


def url_of(target: str | os.PathLike) -> str:
    """A URL as it is, a file path as an SQLite URL."""
    return target if is_url(target) else sqlite_url(target)


def handover_db_path() -> Path:
    return Storage.from_environment().handover_db


def insights_db_path() -> Path:
    return Storage.from_environment().insights_db


def tracker_db_path() -> Path:
    return Storage.from_environment().tracker_db


def database_url() -> str:
    """Where handovers, staff, sessions and the audit trail live."""
    return Storage.from_environment().database_url or sqlite_url(handover_db_path())


def feedback_url() -> str:
    """Where the widget's thumbs live: with the rest when DATABASE_URL is set."""
    return Storage.from_environment().database_url or sqlite_url(insights_db_path())


def tracker_store_url() -> str:
    """Where Rasa's tracker store keeps the conversations' events."""
    return Storage.from_environment().tracker_store_url or sqlite_url(tracker_db_path())


def sqlite_path(url: str) -> Path | None:
    """The file of an SQLite URL; None for other databases (and SQLite in memory)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    return Path(parsed.database)


def redacted(url: str) -> str:
    """The URL without its password, for messages and logs."""
    return make_url(url).render_as_string(hide_password=True)


# ── engines ────────────────────────────────────────────────────────────────────────────────────
_engines: dict[tuple[str, bool], Engine] = {}
_created: set[tuple[Engine, tuple[str, ...] | None]] = set()
# Any fixed number: PostgreSQL's advisory lock that lets one process at a time create the tables.
SCHEMA_LOCK = 7_470_733
_lock = threading.Lock()


def _sqlite_pragmas(read_only: bool):
    def on_connect(connection, _record) -> None:
        cursor = connection.cursor()
        if not read_only:
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.close()
    return on_connect


def engine_for(url: str, read_only: bool = False) -> Engine:
    """The process's engine for `url` (an SQLite file is created with its folder when missing).
    `read_only` opens an SQLite file read-only; other databases rely on the account's rights."""
    key = (url, read_only)
    with _lock:
        engine = _engines.get(key)
        if engine is None:
            engine = _engines[key] = _create_engine(url, read_only)
        return engine


def _create_engine(url: str, read_only: bool) -> Engine:
    path = sqlite_path(url)
    if path is None:
        # pool_pre_ping: a PostgreSQL restart or failover must not fail the next request.
        return create_engine(url, pool_pre_ping=True, future=True)
    if read_only:
        url = f"sqlite:///file:{path.absolute()}?mode=ro&uri=true"
    else:
        path.parent.mkdir(parents=True, exist_ok=True)
    # Pooled (SQLAlchemy 1.4 opens a new SQLite connection per use by default); a pooled connection
    # is used by one thread at a time, so it may move between threads.
    engine = create_engine(url, poolclass=QueuePool, pool_size=5, max_overflow=10,
                           connect_args={"check_same_thread": False}, future=True)
    event.listen(engine, "connect", _sqlite_pragmas(read_only))
    return engine


def dispose(url: str | None = None) -> None:
    """Close the pooled connections of `url`'s engines (all engines: None) and forget them, e.g.
    before the database is dropped or a process forks."""
    with _lock:
        for key in [key for key in _engines if url is None or key[0] == url]:
            engine = _engines.pop(key)
            engine.dispose()
            _created.difference_update({done for done in _created if done[0] is engine})


def reader_for(url: str) -> Engine | None:
    """An engine to read `url`, or None when it is an SQLite file that does not exist (yet):
    reading never creates a database."""
    path = sqlite_path(url)
    if path is not None and not path.exists():
        return None
    return engine_for(url, read_only=path is not None)


def create_tables(engine: Engine, tables: list[Table] | None = None) -> Engine:
    """The app's tables (or only `tables`) in `engine`'s database, created once per engine and process."""
    key = (engine, tuple(t.name for t in tables) if tables is not None else None)
    if key not in _created:
        with _lock:
            if key not in _created:
                _create_all(engine, tables)
                _created.add(key)
    return engine


def _create_all(engine: Engine, tables: list[Table] | None, attempts: int = 3) -> None:
    for attempt in range(attempts):
        try:
            with engine.begin() as connection:
                if engine.dialect.name == "postgresql":
                    connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": SCHEMA_LOCK})
                metadata.create_all(connection, tables=tables)
            return
        except DBAPIError as error:
            # Another process created a table between the check and the CREATE (SQLite has no
            # advisory lock); the next check sees it.
            if attempt == attempts - 1 or "already exists" not in str(error).lower():
                raise


def has_table(engine: Engine, name: str) -> bool:
    return inspect(engine).has_table(name)


# ── statements both databases understand ───────────────────────────────────────────────────────
def _insert(engine_or_connection, table: Table):
    dialect = engine_or_connection.dialect.name
    if dialect == "postgresql":
        return postgresql.insert(table)
    if dialect == "sqlite":
        return sqlite.insert(table)
    raise NotImplementedError(f"no upsert for {dialect}: use SQLite or PostgreSQL")


def insert_ignoring_duplicates(connection, table: Table, row: dict) -> None:
    """INSERT ... ON CONFLICT DO NOTHING: a row whose unique key exists already is left as it is."""
    connection.execute(_insert(connection, table).values(row).on_conflict_do_nothing())


def upsert(connection, table: Table, row: dict, key: str) -> None:
    """Insert `row`, or update the given columns of the row with the same `key`."""
    statement = _insert(connection, table).values(row)
    changes = {name: statement.excluded[name] for name in row if name != key}
    connection.execute(statement.on_conflict_do_update(index_elements=[key], set_=changes))
