"""`python -m bot.ops backup --to DIR`: a consistent copy of the assistant's data, safe while the
servers run.

DIR/assistant-backup-<UTC time>/ (or the same as .tar.gz with --archive) holds
  databases/<name>.db   each SQLite database, copied with SQLite's online backup API
  knowledge/            the catalogue's sources as editors left them
  manifest.json         every file's size and sha256; per database its schema version and rows
It is written under a hidden name and renamed when complete, so a backup that exists is whole.
Databases on PostgreSQL (TRACKER_STORE_URL, DATABASE_URL) are named in the manifest and left to
pg_dump (README "Deployment").
"""
from __future__ import annotations

import os
import re
import shutil
import tarfile
import time
from datetime import datetime, timezone
from pathlib import Path

from bot.ops import inventory, manifest, sqlite_files

PREFIX = "assistant-backup-"
NAME_PATTERN = re.compile(re.escape(PREFIX) + r"\d{8}T\d{6}Z(?:-\d+)?(?:\.tar\.gz)?$")


def size_text(size: int) -> str:
    for unit, scale in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}"
    return f"{size} B"


def _free_name(directory: Path, stem: str) -> str:
    for number in range(1, 1000):
        name = stem if number == 1 else f"{stem}-{number}"
        if not (directory / name).exists() and not (directory / f"{name}.tar.gz").exists():
            return name
    raise FileExistsError(f"{directory}: too many backups named {stem}")


def create(to: Path, archive: bool = False, keep: int | None = None, report=print) -> Path:
    """Write a backup into the folder `to`; return its path."""
    started = time.monotonic()
    moment = datetime.now(timezone.utc)
    to.mkdir(parents=True, exist_ok=True)
    name = _free_name(to, PREFIX + moment.strftime("%Y%m%dT%H%M%SZ"))
    staging = to / f".{name}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(mode=0o700)          # transcripts and staff accounts: for the owner only
    (staging / "databases").mkdir()
    try:
        databases = inventory.databases()
        steps = len(databases) + 1
        entries = {}
        for number, database in enumerate(databases.values(), 1):
            entries[database.name] = _copy_database(database, staging, f"[{number}/{steps}]", report)
        knowledge = _copy_knowledge(inventory.knowledge_dir(), staging, f"[{steps}/{steps}]", report)
        began = time.monotonic()
        files = manifest.file_entries(staging)
        report(f"checksums of {len(files)} files in {time.monotonic() - began:.1f} s")
        manifest.write(staging, {
            "format": manifest.FORMAT,
            "created_at": moment.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "duration_seconds": round(time.monotonic() - started, 2),
            "databases": entries,
            "knowledge": knowledge,
            "files": files,
        })
        target = _archive(staging, to, name) if archive else _publish(staging, to / name)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    report(f"backup written in {time.monotonic() - started:.1f} s: {target}")
    if keep:
        for old in prune(to, keep):
            report(f"removed old backup {old.name} (keeping the newest {keep})")
    return target


def _copy_database(database: inventory.Database, staging: Path, step: str, report) -> dict:
    if database.shared_with:
        report(f"{step} {database.name} database: kept in the {database.shared_with} database")
        return {"shared_with": database.shared_with}
    if database.elsewhere:
        report(f"{step} {database.name} database: on a database server ({database.elsewhere}); back it up with pg_dump")
        return {"elsewhere": database.elsewhere}
    # Neither shared nor on a server: a file (inventory.databases gives every database one of the three).
    assert database.path is not None
    if not database.path.is_file():
        report(f"{step} {database.name} database: not created yet, nothing to copy")
        return {"absent": True}
    began = time.monotonic()
    target = staging / "databases" / database.file_name
    sqlite_files.copy_live(database.path, target)
    sqlite_files.fsync_file(target)
    entry = {"file": f"databases/{database.file_name}", "journal_mode": sqlite_files.journal_mode(database.path),
             **sqlite_files.describe(target)}
    rows = sum(entry["tables"].values())
    report(f"{step} {database.name} database: {size_text(target.stat().st_size)}, {len(entry['tables'])} tables, "
           f"{rows} rows in {time.monotonic() - began:.1f} s")
    return entry


def _copy_knowledge(source: Path, staging: Path, step: str, report) -> dict:
    began = time.monotonic()
    if not source.is_dir():
        report(f"{step} knowledge: no folder {source.name}/, nothing to copy")
        return {"absent": True}
    shutil.copytree(source, staging / "knowledge", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    files = [p for p in (staging / "knowledge").rglob("*") if p.is_file()]
    size = sum(p.stat().st_size for p in files)
    report(f"{step} knowledge: {len(files)} files, {size_text(size)} in {time.monotonic() - began:.1f} s")
    return {"folder": "knowledge", "files": len(files)}


def _publish(staging: Path, target: Path) -> Path:
    os.rename(staging, target)
    sqlite_files.fsync_dir(target.parent)
    return target


def _archive(staging: Path, to: Path, name: str) -> Path:
    target = to / f"{name}.tar.gz"
    partial = to / f".{name}.tar.gz.partial"
    with open(os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as file, \
            tarfile.open(fileobj=file, mode="w:gz") as archive:
        archive.add(staging, arcname=name)
    sqlite_files.fsync_file(partial)
    os.rename(partial, target)
    sqlite_files.fsync_dir(to)
    return target


def backups(directory: Path) -> list[Path]:
    """Complete backups in `directory`, oldest first (their names sort by time)."""
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.iterdir() if NAME_PATTERN.match(p.name)),
                  key=lambda p: p.name.removesuffix(".tar.gz"))


def prune(directory: Path, keep: int) -> list[Path]:
    """Remove all but the `keep` newest backups: they hold transcripts, which must not outlive the
    retention period by much."""
    old = backups(directory)[:-keep] if keep > 0 else []
    for path in old:
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    return old
