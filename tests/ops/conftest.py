"""Operations tests: a data folder laid out as a deployment's, the `python -m bot.ops` command,
and real servers."""
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from bot.servers import running_assistant
from tests.conftest import MODEL, PROJECT

TOKEN = "ops-test-token-with-enough-length"
LOGGING_CONFIG = PROJECT / "deploy" / "logging.yml"


def ops(*args: str, env: dict[str, str] | None = None, timeout: int = 300) -> subprocess.CompletedProcess:
    """`python -m bot.ops ARGS` as an operator runs it, in the project folder."""
    return subprocess.run([sys.executable, "-m", "bot.ops", *args], cwd=PROJECT, env={**os.environ, **(env or {})},
                          capture_output=True, text=True, timeout=timeout)


def rows(path: Path) -> dict[str, list[tuple]]:
    """Every row of every table, in a stable order."""
    connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        tables = [name for (name,) in connection.execute(
            "select name from sqlite_master where type = 'table' and name not like 'sqlite_%' order by name")]
        return {name: sorted(connection.execute(f'select * from "{name}"').fetchall(), key=repr) for name in tables}
    finally:
        connection.close()


@pytest.fixture
def deployment(tmp_path) -> dict[str, str]:
    """Environment of a deployment whose data lives under tmp_path/data (nothing there yet)."""
    data = tmp_path / "data"
    data.mkdir()
    return {"TRACKER_DB": str(data / "tracker.db"), "HANDOVER_DB": str(data / "handover.db"),
            "INSIGHTS_DB": str(data / "insights.db"), "CATALOGUE_SOURCES": str(data / "knowledge"),
            "TRACKER_STORE_URL": "", "DATABASE_URL": ""}


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, catalogue_db):
    """The action server and the Rasa server, with the deployment's logging configuration, at debug
    level: Rasa then logs every message it receives, which the redaction must catch."""
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does this)")
    scratch = tmp_path_factory.mktemp("ops-assistant")
    with running_assistant(MODEL, catalogue_db, TOKEN, scratch, logging_config=LOGGING_CONFIG,
                           extra_env={"HANDOVER_DB": str(scratch / "handover.db"), "LOG_LEVEL": "DEBUG",
                                      "DATABASE_URL": ""}) as running:
        yield running
