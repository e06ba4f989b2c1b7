"""The private PostgreSQL and Redis servers of bot/services.py start, answer, and leave nothing behind."""
import socket
from urllib.parse import urlparse

import sqlalchemy

from bot.services import running_postgresql, running_redis


def test_postgresql_runs_and_is_removed(tmp_path):
    with running_postgresql(tmp_path) as url:
        engine = sqlalchemy.create_engine(url)
        with engine.connect() as connection:
            assert connection.execute(sqlalchemy.text("select current_database()")).scalar() == "assistant"
        engine.dispose()
        port = urlparse(url).port
    with socket.socket() as probe:   # the port is free again: the server stopped
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    assert "database system is shut down" in (tmp_path / "postgresql.log").read_text()


def test_redis_runs_and_stops(tmp_path):
    with running_redis(tmp_path) as url:
        port = urlparse(url).port
        with socket.create_connection(("127.0.0.1", port)) as connection:
            connection.sendall(b"SET greeting hallo\r\nGET greeting\r\n")
            answer = b""
            while not answer.endswith(b"hallo\r\n"):
                answer += connection.recv(64)
        assert answer == b"+OK\r\n$5\r\nhallo\r\n"
    with socket.socket() as probe:
        assert probe.connect_ex(("127.0.0.1", port)) != 0
    assert not list(tmp_path.glob("*.rdb"))


def test_missing_binaries_fail_and_name_the_install_script(tmp_path, monkeypatch):
    import pytest
    from bot import services
    monkeypatch.setattr(services.glob, "glob", lambda pattern: [])
    monkeypatch.setattr(services.shutil, "which", lambda name: None)
    monkeypatch.setattr(services.os.path, "exists", lambda path: False)
    for start in (services.running_postgresql, services.running_redis):
        with pytest.raises(RuntimeError, match="scripts/install-services.sh"):
            with start(tmp_path):
                pass
