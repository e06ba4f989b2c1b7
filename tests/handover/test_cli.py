"""`python -m bot.handover` on a database URL, as an operator runs it against PostgreSQL."""
import os
import subprocess
import sys
from datetime import timedelta

from bot.settings import PROJECT_DIR
from bot.handover import store as store_module
from bot.handover.store import HandoverStore


def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.handover", *args], cwd=PROJECT_DIR, capture_output=True,
                          text=True, timeout=120, env={**os.environ, "CONSOLE_PASSWORD": "a-long-cli-password"})


def test_create_user_and_purge_on_a_database_url(database_url, monkeypatch):
    created = cli("--database", database_url, "create-user", "sanne", "--role", "staff", "--teams", "burgerzaken")
    assert created.returncode == 0, created.stderr
    store = HandoverStore(database_url)
    assert store.verify_user("sanne", "a-long-cli-password")["teams"] == "burgerzaken"

    monkeypatch.setattr(store_module, "now", lambda: store_module.datetime.now(store_module.timezone.utc)
                        - timedelta(days=40))
    store.open_handover("old", "algemeen", "nl", None, "asked", [{"sender": "citizen", "text": "oud"}])
    monkeypatch.undo()
    store.open_handover("new", "algemeen", "nl", None, "asked", [])
    purged = cli("--database", database_url, "purge", "--days", "30")
    assert purged.returncode == 0, purged.stderr
    assert "removed 1 handovers and 0 callback requests" in purged.stdout
    assert [h["conversation_id"] for h in store.queue()] == ["new"]
