"""bot/storage.py: URLs from the environment, SQLite's settings, what both databases must do alike,
and databases that sqlite-utils created before the port."""
import subprocess
import sys
from datetime import timedelta

import pytest
import sqlite_utils
from sqlalchemy import inspect, text, update

from bot import storage
from bot.settings import PROJECT_DIR
from bot.handover import store as store_module
from bot.handover.store import HandoverStore


def test_urls_come_from_the_environment_with_sqlite_files_as_defaults(monkeypatch, tmp_path):
    for name in ("DATABASE_URL", "HANDOVER_DB", "INSIGHTS_DB", "TRACKER_DB", "TRACKER_STORE_URL"):
        monkeypatch.delenv(name, raising=False)
    assert storage.database_url() == f"sqlite:///{PROJECT_DIR}/build/handover.db"
    assert storage.feedback_url() == f"sqlite:///{PROJECT_DIR}/build/insights.db"
    assert storage.tracker_store_url() == f"sqlite:///{PROJECT_DIR}/build/tracker.db"
    monkeypatch.setenv("HANDOVER_DB", str(tmp_path / "h.db"))
    monkeypatch.setenv("TRACKER_DB", "build/t.db")                      # relative: from the project folder
    assert storage.database_url() == f"sqlite:///{tmp_path}/h.db"
    assert storage.tracker_store_url() == f"sqlite:///{PROJECT_DIR}/build/t.db"
    monkeypatch.setenv("DATABASE_URL", "postgresql://app:secret@db.internal:5432/assistant")
    monkeypatch.setenv("TRACKER_STORE_URL", "postgresql://rasa@db.internal/rasa")
    assert storage.database_url() == storage.feedback_url() == "postgresql://app:secret@db.internal:5432/assistant"
    assert storage.tracker_store_url() == "postgresql://rasa@db.internal/rasa"
    assert HandoverStore().url == storage.database_url() and HandoverStore().path is None
    assert "secret" not in storage.redacted(storage.database_url())
    assert HandoverStore(tmp_path / "x.db").path == tmp_path / "x.db"


def test_sqlite_gets_wal_a_busy_timeout_and_normal_sync(tmp_path):
    engine = storage.engine_for(storage.sqlite_url(tmp_path / "nested" / "app.db"))
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA busy_timeout")).scalar() == 5000
        assert connection.execute(text("PRAGMA synchronous")).scalar() == 1          # NORMAL
    assert storage.engine_for(storage.sqlite_url(tmp_path / "nested" / "app.db")) is engine


def test_nothing_is_created_before_first_use_and_reading_creates_nothing(tmp_path):
    store = HandoverStore(tmp_path / "handover.db")
    assert not (tmp_path / "handover.db").exists()
    assert storage.reader_for(storage.sqlite_url(tmp_path / "tracker.db")) is None
    assert not (tmp_path / "tracker.db").exists()
    assert store.queue() == []
    assert {"handovers", "handover_messages", "callbacks", "staff", "sessions", "catalogue_changes",
            "feedback"} <= set(inspect(store.engine).get_table_names())


def test_a_database_written_by_sqlite_utils_keeps_working(tmp_path):
    """build/handover.db files from before the port: same tables, booleans stored as 0/1."""
    path = tmp_path / "handover.db"
    old = sqlite_utils.Database(path)
    old["handovers"].insert({"id": "h1", "conversation_id": "c1", "team": "burgerzaken", "status": "queued",
                             "language": "nl", "product": None, "reason": "asked", "created_at": store_module.stamp(),
                             "claimed_at": None, "claimed_by": None, "closed_at": None, "satisfaction": None},
                            pk="id", columns={"product": str, "claimed_at": str, "claimed_by": str,
                                              "closed_at": str, "satisfaction": int})
    old["staff"].insert({"username": "sanne", "password_hash": "x", "role": "staff", "teams": "burgerzaken",
                         "display_name": "Sanne", "created_at": store_module.stamp(), "last_seen": store_module.stamp(),
                         "available": True}, pk="username")
    old.close()
    store = HandoverStore(path)
    assert [h["id"] for h in store.queue(["burgerzaken"])] == ["h1"]
    assert store.user("sanne")["available"] is True
    assert store.staff_online("burgerzaken")
    store.claim("h1", "sanne")
    assert store.get("h1")["claimed_by"] == "sanne"


def test_upsert_keeps_what_it_does_not_set_and_booleans_filter(database_url):
    store = HandoverStore(database_url)
    store.create_user("sanne", "first-password-1", "staff", ["burgerzaken"], "Sanne")
    assert not store.staff_online("burgerzaken")                  # never seen
    store.touch_presence("sanne")
    seen = store.user("sanne")["last_seen"]
    store.create_user("sanne", "second-password-2", "staff", ["burgerzaken", "belastingen"], "Sanne B")
    user = store.user("sanne")
    assert user["last_seen"] == seen and user["display_name"] == "Sanne B" and user["available"] is True
    assert store.verify_user("sanne", "second-password-2") and not store.verify_user("sanne", "first-password-1")
    assert store.staff_online("belastingen") and not store.staff_online("parkeren")
    with store.engine.begin() as connection:
        connection.execute(update(storage.staff).values(available=False))
    assert not store.staff_online("burgerzaken")


def test_timestamps_order_and_compare_as_text(database_url, monkeypatch):
    store = HandoverStore(database_url)
    start = store_module.now()
    for minutes, conversation in ((30, "later"), (0, "first"), (10, "middle")):
        monkeypatch.setattr(store_module, "now", lambda m=minutes: start + timedelta(minutes=m))
        store.open_handover(conversation, "algemeen", "nl", None, "asked", [])
    assert [h["conversation_id"] for h in store.queue()] == ["first", "middle", "later"]
    monkeypatch.setattr(store_module, "now", lambda: start + timedelta(days=30, minutes=5))
    assert store.purge(30) == {"handovers": 1, "callbacks": 0}               # only "first" is older
    assert [h["conversation_id"] for h in store.queue()] == ["middle", "later"]


def test_a_tracker_event_enters_the_transcript_once_and_ids_increase(database_url):
    store = HandoverStore(database_url)
    handover = store.open_handover("c1", "algemeen", "nl", None, "asked", [{"sender": "citizen", "text": "hallo"}])
    for _ in range(3):
        store.add_message(handover["id"], "citizen", "nog iemand?", source_key="user:1700000000.5")
    store.add_message(handover["id"], "staff", "Ja, ik", staff_name="Sanne")
    messages = store.messages(handover["id"])
    assert [m["text"] for m in messages] == ["hallo", "nog iemand?", "Ja, ik"]
    assert [m["id"] for m in messages] == sorted(m["id"] for m in messages)
    other = store.open_handover("c2", "algemeen", "nl", None, "asked", [])
    store.add_message(other["id"], "citizen", "nog iemand?", source_key="user:1700000000.5")   # same key, other handover
    assert len(store.messages(other["id"])) == 1


def test_a_failed_handover_leaves_nothing_half_written(database_url):
    store = HandoverStore(database_url)
    with pytest.raises(KeyError):      # the second transcript message has no text
        store.open_handover("c1", "algemeen", "nl", None, "asked", [{"sender": "citizen", "text": "a"}, {"sender": "x"}])
    assert store.queue() == [] and store.active_for_conversation("c1") is None
    with store.engine.connect() as connection:
        assert connection.execute(text("select count(*) from handover_messages")).scalar() == 0


CREATE_AND_USE = """
import sys
from bot.handover.store import HandoverStore
store = HandoverStore(sys.argv[1])
store.request_callback("c-" + sys.argv[2], "Jan", "0612345678", "phone", "morgen", "algemeen", "nl", None)
"""


def test_several_processes_may_create_the_tables_at_once(database_url):
    processes = [subprocess.Popen([sys.executable, "-c", CREATE_AND_USE, database_url, str(n)], cwd=PROJECT_DIR,
                                  stderr=subprocess.PIPE, text=True) for n in range(3)]
    errors = [process.communicate(timeout=120)[1] for process in processes]
    assert [process.returncode for process in processes] == [0, 0, 0], errors
    assert sorted(c["conversation_id"] for c in HandoverStore(database_url).callbacks()) == ["c-0", "c-1", "c-2"]
