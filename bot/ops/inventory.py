"""What the assistant keeps, and where a given configuration (environment) puts it.

- `tracker`: Rasa's conversations. TRACKER_STORE_URL when set (PostgreSQL in the scale-out
  set-up), else the SQLite file TRACKER_DB (default build/tracker.db).
- `handover`: handovers, transcripts, callback requests, staff accounts, the editors' audit trail.
  DATABASE_URL when set, else the SQLite file HANDOVER_DB (default build/handover.db).
- `insights`: the widget's thumbs. With the rest when DATABASE_URL is set, else the SQLite file
  INSIGHTS_DB (default build/insights.db).
- the catalogue's sources: the folder CATALOGUE_SOURCES (default knowledge/), which editors change
  from the console. The catalogue database itself is built from them and needs no backup.

Relative paths count from the project folder, as the servers (started there) read them.
"""
from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.catalogue.paths import PROJECT_DIR

DATABASE_NAMES = ("tracker", "handover", "insights")


@dataclass(frozen=True)
class Database:
    name: str
    path: Path | None = None            # the SQLite file, when it is one
    elsewhere: str | None = None        # else the variable naming the database server (no URL: it may hold a password)
    shared_with: str | None = None      # kept inside another database of this list

    @property
    def file_name(self) -> str:
        return f"{self.name}.db"


def _path(value: str | None, default: str, base: Path) -> Path:
    path = Path(value) if value else Path(default)
    return path if path.is_absolute() else base / path


def _from_url(name: str, variable: str, url: str, base: Path) -> Database:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return Database(name, path=_path(parsed.database, "", base))
    return Database(name, elsewhere=variable)


def databases(environ: Mapping[str, str] | None = None, base: Path | None = None) -> dict[str, Database]:
    """The assistant's databases under the configuration `environ` (default: this process's),
    with relative paths counted from `base` (default: the project folder)."""
    environ = os.environ if environ is None else environ
    base = base or PROJECT_DIR
    result = {}
    if environ.get("TRACKER_STORE_URL"):
        result["tracker"] = _from_url("tracker", "TRACKER_STORE_URL", environ["TRACKER_STORE_URL"], base)
    else:
        result["tracker"] = Database("tracker", path=_path(environ.get("TRACKER_DB"), "build/tracker.db", base))
    if environ.get("DATABASE_URL"):
        result["handover"] = _from_url("handover", "DATABASE_URL", environ["DATABASE_URL"], base)
        result["insights"] = Database("insights", shared_with="handover")
    else:
        result["handover"] = Database("handover", path=_path(environ.get("HANDOVER_DB"), "build/handover.db", base))
        result["insights"] = Database("insights", path=_path(environ.get("INSIGHTS_DB"), "build/insights.db", base))
    return result


def knowledge_dir(environ: Mapping[str, str] | None = None, base: Path | None = None) -> Path:
    environ = os.environ if environ is None else environ
    return _path(environ.get("CATALOGUE_SOURCES"), "knowledge", base or PROJECT_DIR)
