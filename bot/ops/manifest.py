"""A backup's manifest.json, and checking a backup against it.

    {"format": 1, "created_at": "...Z", "duration_seconds": 1.2,
     "databases": {"tracker": {"file": "databases/tracker.db", "journal_mode": "wal",
                               "user_version": 0, "schema_sha256": "...", "tables": {"events": 1234}},
                   "insights": {"absent": true} | {"elsewhere": "DATABASE_URL"} | {"shared_with": "handover"}},
     "knowledge": {"folder": "knowledge", "files": 470},
     "files": {"databases/tracker.db": {"bytes": 123, "sha256": "..."}, "knowledge/upl.csv": {...}}}
"""
from __future__ import annotations

import contextlib
import json
import tarfile
import tempfile
from pathlib import Path, PurePosixPath

from bot.ops import sqlite_files

NAME = "manifest.json"
FORMAT = 1


def write(folder: Path, manifest: dict) -> None:
    path = folder / NAME
    path.write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    sqlite_files.fsync_file(path)


def file_entries(folder: Path) -> dict[str, dict]:
    """Size and sha256 of every file under `folder` (relative POSIX paths), the manifest aside."""
    entries = {}
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        relative = path.relative_to(folder).as_posix()
        if relative != NAME:
            entries[relative] = {"bytes": path.stat().st_size, "sha256": sqlite_files.sha256(path)}
    return entries


@contextlib.contextmanager
def opened(source: Path):
    """The folder of a backup: `source` itself, or a .tar.gz unpacked into a temporary folder
    that is removed afterwards (it holds personal data)."""
    if source.is_dir():
        yield source
        return
    if not source.is_file() or not source.name.endswith(".tar.gz"):
        raise FileNotFoundError(f"{source}: not a backup folder or .tar.gz archive")
    with tempfile.TemporaryDirectory(prefix="assistant-restore-") as scratch:
        with tarfile.open(source, "r:gz") as archive:
            archive.extractall(scratch, filter="data")      # no links out, no absolute paths, no devices
        folders = [p for p in Path(scratch).iterdir() if p.is_dir()]
        yield folders[0] if len(folders) == 1 and not (Path(scratch) / NAME).exists() else Path(scratch)


def read(folder: Path) -> dict:
    path = folder / NAME
    if not path.is_file():
        raise ValueError(f"{NAME}: missing; not a backup made by `python -m bot.ops backup`")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ValueError(f"{NAME}: unreadable ({error})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"{NAME}: format {manifest.get('format') if isinstance(manifest, dict) else '?'} "
                         f"is not the supported format {FORMAT}")
    return manifest


def _safe(relative: str) -> bool:
    path = PurePosixPath(relative)
    return not path.is_absolute() and ".." not in path.parts and relative != ""


def problems(folder: Path, manifest: dict, report=lambda _line: None) -> list[str]:
    """Everything in `folder` that does not match `manifest`, each naming its file; [] when the
    backup is whole. Every file is read and hashed; every database is checked by SQLite."""
    found: list[str] = []
    listed = manifest.get("files") or {}
    for relative, expected in sorted(listed.items()):
        if not _safe(relative):
            found.append(f"{relative}: not a path inside the backup")
            continue
        path = folder / relative
        if not path.is_file():
            found.append(f"{relative}: missing")
        elif path.stat().st_size != expected.get("bytes"):
            found.append(f"{relative}: {path.stat().st_size} bytes, the manifest says {expected.get('bytes')}")
        elif sqlite_files.sha256(path) != expected.get("sha256"):
            found.append(f"{relative}: contents differ from the manifest (sha256)")
    present = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {NAME}
    found += [f"{relative}: not in the manifest" for relative in sorted(present - set(listed))]
    report(f"checked {len(listed)} files against the manifest")
    for name, database in sorted((manifest.get("databases") or {}).items()):
        relative = database.get("file")
        if not relative:
            continue
        if relative not in listed:
            found.append(f"{relative}: database {name} is not among the manifest's files")
        elif not any(problem.startswith(f"{relative}:") for problem in found):
            trouble = sqlite_files.check(folder / relative)
            if trouble:
                found.append(f"{relative}: not a sound SQLite database ({trouble})")
    return found
