"""Where the catalogue lives; overridable by environment variables for deployments."""
from __future__ import annotations

import os
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def knowledge_dir() -> Path:
    return Path(os.environ.get("CATALOGUE_SOURCES", PROJECT_DIR / "knowledge"))


def database_path() -> Path:
    return Path(os.environ.get("CATALOGUE_DB", PROJECT_DIR / "build" / "catalogue.db"))
