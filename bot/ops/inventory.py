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

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.settings import PROJECT_DIR, Storage, project_path

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


def _from_url(name: str, variable: str, url: str, base: Path) -> Database:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return Database(name, path=project_path(parsed.database, "", base))
    return Database(name, elsewhere=variable)


def databases(environ: Mapping[str, str] | None = None, base: Path = PROJECT_DIR) -> dict[str, Database]:
    """The assistant's databases under the configuration `environ` (default: this process's),
    with relative paths counted from `base` (default: the project folder)."""
    storage = Storage.from_environment(environ, base)
    result = {}
    if storage.tracker_store_url:
        result["tracker"] = _from_url("tracker", "TRACKER_STORE_URL", storage.tracker_store_url, base)
    else:
        result["tracker"] = Database("tracker", path=storage.tracker_db)
    if storage.database_url:
        result["handover"] = _from_url("handover", "DATABASE_URL", storage.database_url, base)
        result["insights"] = Database("insights", shared_with="handover")
    else:
        result["handover"] = Database("handover", path=storage.handover_db)
        result["insights"] = Database("insights", path=storage.insights_db)
    return result


def knowledge_dir(environ: Mapping[str, str] | None = None, base: Path = PROJECT_DIR) -> Path:
    return Storage.from_environment(environ, base).catalogue_sources
