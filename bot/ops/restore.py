"""`python -m bot.ops restore FROM`: put a backup back.

1. Every file of the backup is checked against its manifest (size, sha256) and every database
   by SQLite; any difference refuses the restore, naming the file.
2. A database that a running process uses is not overwritten (it would keep writing to the old
   file, or mix its write-ahead log into the new one); --force overrides, after which those
   processes must be restarted.
3. Every file is first copied beside its target under a hidden name and checked again; only when
   all are in place is each renamed over its target (an atomic rename; the old -wal/-shm go), so
   a failure before that point leaves everything as it was.
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

from bot.ops import holders, inventory, manifest, sqlite_files


class RestoreRefused(Exception):
    pass


@dataclass
class _Item:
    label: str
    source: Path
    target: Path
    staged: Path
    entry: dict


def verify(source: Path, report=print) -> dict:
    """The manifest of a whole backup; RestoreRefused naming every file that does not match."""
    with manifest.opened(source) as folder:
        return _verified(folder, report)


def _verified(folder: Path, report) -> dict:
    try:
        data = manifest.read(folder)
    except ValueError as error:
        raise RestoreRefused(str(error)) from None
    found = manifest.problems(folder, data, report)
    if found:
        raise RestoreRefused("the backup does not match its manifest:\n  " + "\n  ".join(found))
    report(f"backup of {data.get('created_at')} is whole: {len(data.get('files') or {})} files match the manifest")
    return data


def restore(source: Path, force: bool = False, report=print) -> None:
    started = time.monotonic()
    with manifest.opened(source) as folder:
        data = _verified(folder, report)
        items = _plan(folder, data, report)
        if not items:
            raise RestoreRefused("the backup holds nothing this configuration keeps in files")
        _check_not_in_use([item for item in items if item.label != "knowledge"], force, report)
        try:
            for number, item in enumerate(items, 1):
                _stage(item, data)
                report(f"[{number}/{len(items)}] {item.label}: copied and checked beside {item.target}")
            for item in items:
                _swap(item)
        finally:
            for item in items:
                _remove(item.staged)
    for item in items:
        rows = sum((item.entry.get("tables") or {}).values())
        what = f"{rows} rows" if item.label != "knowledge" else f"{item.entry.get('files')} files"
        report(f"restored {item.label}: {item.target} ({what}, as of {data.get('created_at')})")
    report("next: `python -m bot.catalogue build` (the catalogue is built from knowledge/), then "
           "`python -m bot.handover purge` (the backup may hold transcripts past the retention period), "
           "then (re)start the servers")
    report(f"restore finished in {time.monotonic() - started:.1f} s")


def _plan(folder: Path, data: dict, report) -> list[_Item]:
    current = inventory.databases()
    items = []
    for name, entry in sorted((data.get("databases") or {}).items()):
        if not entry.get("file"):
            report(f"{name} database: {_why_not_copied(entry)}; the current one is left as it is")
            continue
        target = current.get(name)
        if target is None or target.path is None:
            where = f"in {target.elsewhere}" if target and target.elsewhere else "not in a file of its own"
            raise RestoreRefused(f"{entry['file']}: this configuration keeps the {name} database {where}; "
                                 "restore it there with pg_restore (README, Deployment)")
        items.append(_Item(f"{name} database", folder / entry["file"], target.path, _hidden(target.path), entry))
        _note_schema(name, entry, target.path, report)
    knowledge = data.get("knowledge") or {}
    if knowledge.get("folder"):
        knowledge_dir = inventory.knowledge_dir()
        items.append(_Item("knowledge", folder / knowledge["folder"], knowledge_dir, _hidden(knowledge_dir),
                           knowledge))
    return items


def _why_not_copied(entry: dict) -> str:
    if entry.get("elsewhere"):
        return f"was on a database server ({entry['elsewhere']}), restore it with pg_restore"
    if entry.get("shared_with"):
        return f"was kept in the {entry['shared_with']} database"
    return "did not exist when the backup was made"


def _hidden(target: Path) -> Path:
    return target.parent / f".{target.name}.restore-{os.getpid()}"


def _note_schema(name: str, entry: dict, live: Path, report) -> None:
    if not live.is_file():
        return
    try:
        current = sqlite_files.describe(live)
    except Exception:           # an unreadable current database is what restores are for
        return
    if current["schema_sha256"] != entry.get("schema_sha256") or current["user_version"] != entry.get("user_version"):
        report(f"note: the current {name} database's schema differs from the backup's; the backup's is restored")


def _check_not_in_use(items: list[_Item], force: bool, report) -> None:
    found = holders.survey([item.target for item in items])
    busy = [f"{item.label} ({item.target}) is in use by {', '.join(map(str, found.holders[item.target]))}"
            for item in items if found.holders.get(item.target)]
    if found.uninspected and os.geteuid() != 0:
        report(f"note: {found.uninspected} processes of other users could not be inspected")
    if busy and not force:
        raise RestoreRefused("refusing to overwrite databases in use:\n  " + "\n  ".join(busy)
                             + "\nstop the servers first (see README, Deployment), or pass --force")
    for line in busy:
        report(f"warning: {line}; restart it after the restore (--force)")


def _stage(item: _Item, data: dict) -> None:
    item.target.parent.mkdir(parents=True, exist_ok=True)
    _remove(item.staged)
    if item.label == "knowledge":
        shutil.copytree(item.source, item.staged)
        return
    shutil.copyfile(item.source, item.staged)
    relative = item.entry["file"]
    if sqlite_files.sha256(item.staged) != data["files"][relative]["sha256"]:
        raise RestoreRefused(f"{relative}: the copy beside {item.target} differs from the backup (disk full?)")
    sqlite_files.set_journal_mode(item.staged, item.entry.get("journal_mode", "delete"))
    sqlite_files.fsync_file(item.staged)


def _swap(item: _Item) -> None:
    if item.label == "knowledge":
        previous = item.target.parent / f".{item.target.name}.before-restore-{os.getpid()}"
        if item.target.exists():
            os.rename(item.target, previous)
        try:
            os.rename(item.staged, item.target)
        except OSError:
            if previous.exists():
                os.rename(previous, item.target)
            raise
        _remove(previous)
    else:
        # The old database's write-ahead log must not be replayed into the restored file.
        for suffix in ("-wal", "-shm", "-journal"):
            _remove(Path(f"{item.target}{suffix}"))
        os.replace(item.staged, item.target)
    sqlite_files.fsync_dir(item.target.parent)


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()
