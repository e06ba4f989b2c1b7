"""The widget's thumbs (bot/web/feedback.py) on SQLite and on PostgreSQL, and where they go."""
from sqlalchemy import inspect, select

from bot import storage
from bot.web import feedback

RECORD = {"created_at": "2026-01-01T10:00:00+00:00", "conversation_id": "conversation-1", "vote": "up",
          "product": "paspoort", "language": "nl"}


def test_votes_are_kept_with_five_fields_only(database_url):
    feedback.store(database_url, RECORD)
    feedback.store(database_url, {**RECORD, "vote": "down", "product": None})
    engine = storage.engine_for(database_url)
    assert {c["name"] for c in inspect(engine).get_columns("feedback")} == set(RECORD)
    assert inspect(engine).get_table_names() == ["feedback"]          # not the handover tables
    with engine.connect() as connection:
        rows = [dict(r) for r in connection.execute(select(storage.feedback)).mappings()]
    assert rows == [RECORD, {**RECORD, "vote": "down", "product": None}]


def test_votes_go_to_database_url_when_it_is_set(monkeypatch, tmp_path):
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.setenv("INSIGHTS_DB", str(tmp_path / "insights.db"))
    assert feedback.database_url() == storage.sqlite_url(tmp_path / "insights.db")
    monkeypatch.setenv("DATABASE_URL", "postgresql://assistant@db.internal/assistant")
    assert feedback.database_url() == "postgresql://assistant@db.internal/assistant"
