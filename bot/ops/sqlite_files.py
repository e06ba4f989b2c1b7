"""SQLite files: a consistent copy of a live database, and what a copy holds."""
from __future__ import annotations

import hashlib
import os
import sqlite3
from pathlib import Path

CHUNK = 1 << 20


def copy_live(source: Path, target: Path) -> None:
    """Copy `source` to `target` with SQLite's online backup API: one read transaction, so the copy
    is the database as it was at one moment, while servers keep reading and writing (in WAL mode
    writers never wait for it; otherwise SQLite retries while a writer holds the lock)."""
    # mode=rw: never create an empty database where there was none.
    with _closing(sqlite3.connect(f"file:{source}?mode=rw", uri=True, timeout=30)) as live, \
            _closing(sqlite3.connect(target)) as copy:
        live.execute("PRAGMA busy_timeout=30000")
        live.backup(copy, pages=-1)     # one step: a stepped copy restarts whenever another process writes
        # A copy in WAL mode would grow -wal/-shm files beside it whenever it is read; in rollback
        # mode it is one self-contained file. Restore puts the original mode back.
        copy.execute("PRAGMA journal_mode=DELETE")


def journal_mode(path: Path) -> str:
    with _closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=30)) as db:
        return db.execute("PRAGMA journal_mode").fetchone()[0]


def set_journal_mode(path: Path, mode: str) -> None:
    with _closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True)) as db:
        db.execute(f"PRAGMA journal_mode={'WAL' if mode.lower() == 'wal' else 'DELETE'}")


def describe(path: Path) -> dict:
    """Schema version (PRAGMA user_version), a fingerprint of the schema, and rows per table."""
    with _closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
        tables = [name for (name,) in db.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")]
        schema = "\n".join(sql for (sql,) in db.execute(
            "select sql from sqlite_master where sql is not null and name not like 'sqlite_%' order by type, name"))
        return {
            "user_version": db.execute("PRAGMA user_version").fetchone()[0],
            "schema_sha256": hashlib.sha256(schema.encode()).hexdigest(),
            "tables": {name: db.execute(f'select count(*) from "{name}"').fetchone()[0] for name in tables},
        }


def check(path: Path) -> str | None:
    """None when `path` is a sound SQLite database, else what is wrong (PRAGMA quick_check)."""
    try:
        with _closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True)) as db:
            result = [row[0] for row in db.execute("PRAGMA quick_check")]
    except sqlite3.DatabaseError as error:
        return str(error)
    return None if result == ["ok"] else "; ".join(result[:3])


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def fsync_file(path: Path) -> None:
    with open(path, "rb") as file:
        os.fsync(file.fileno())


def fsync_dir(path: Path) -> None:
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


class _closing:
    """sqlite3's own context manager commits but does not close."""

    def __init__(self, connection: sqlite3.Connection):
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        return self.connection

    def __exit__(self, *_exc) -> None:
        self.connection.close()
