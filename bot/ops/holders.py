"""Which running processes use a database file (Linux /proc).

A process counts when it has the file (or its -wal/-shm) open, or when it is one of the
assistant's servers and its configuration points at the file: a server with a connection pool
holds the file open, but one that opens a connection per request may not at this very moment.
Processes of other users can only be inspected as root; they are counted, not named.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from bot.ops import inventory

PROC = Path("/proc")
SERVER_MARKERS = (("rasa", "run"), ("bot.console",), ("bot.web",), ("bot.ops", "serve"))


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str

    def __str__(self) -> str:
        return f"{self.command} (pid {self.pid})"


@dataclass
class Survey:
    holders: dict[Path, list[Holder]]
    uninspected: int                    # processes this user may not look into


def _related(path: Path) -> set[str]:
    return {os.path.realpath(f"{path}{suffix}") for suffix in ("", "-wal", "-shm", "-journal")}


def _command(process: Path) -> list[str]:
    return [part for part in (process / "cmdline").read_bytes().decode(errors="replace").split("\0") if part]


def _is_server(command: list[str]) -> bool:
    words = [Path(part).name for part in command]
    return any(all(marker in words for marker in markers) for markers in SERVER_MARKERS)


def _environment(process: Path) -> dict[str, str]:
    pairs = (item.split("=", 1) for item in (process / "environ").read_bytes().decode(errors="replace").split("\0"))
    return {pair[0]: pair[1] for pair in pairs if len(pair) == 2}


def _configured_files(process: Path) -> set[str]:
    """The database files a server process was started to use (its environment, its folder)."""
    cwd = Path(os.readlink(process / "cwd"))
    found = set()
    for database in inventory.databases(_environment(process), base=cwd).values():
        if database.path is not None:
            found.add(os.path.realpath(database.path))
    return found


def _open_files(process: Path) -> set[str]:
    found = set()
    for descriptor in os.listdir(process / "fd"):
        try:
            found.add(os.readlink(process / "fd" / descriptor))
        except FileNotFoundError:
            pass                        # closed meanwhile
    return found


def _label(command: list[str]) -> str:
    return " ".join(Path(part).name if index < 2 else part for index, part in enumerate(command[:4]))


def survey(paths: list[Path]) -> Survey:
    wanted = {path: _related(path) for path in paths}
    holders: dict[Path, list[Holder]] = {path: [] for path in paths}
    uninspected = 0
    if not PROC.is_dir():
        return Survey(holders, 0)
    for process in PROC.iterdir():
        if not process.name.isdigit() or int(process.name) == os.getpid():
            continue
        try:
            command = _command(process)
            if not command:
                continue                # kernel threads
            open_files = _open_files(process)
            configured = _configured_files(process) if _is_server(command) else set()
        except PermissionError:
            uninspected += 1
            continue
        except (FileNotFoundError, ProcessLookupError, NotADirectoryError):
            continue                    # it ended meanwhile
        for path, names in wanted.items():
            if names & open_files or os.path.realpath(path) in configured:
                holders[path].append(Holder(int(process.name), _label(command)))
    return Survey(holders, uninspected)
