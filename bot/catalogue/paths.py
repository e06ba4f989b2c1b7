"""Where the catalogue's sources and database are: bot.settings decides, this names them for
the catalogue's callers."""
from __future__ import annotations

from pathlib import Path

from bot.settings import Storage


def knowledge_dir() -> Path:
    return Storage.from_environment().catalogue_sources


def database_path() -> Path:
    return Storage.from_environment().catalogue_db
