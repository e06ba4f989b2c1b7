"""Databases for the app's data on both backends: `database_url` gives each test an empty SQLite
file or an empty PostgreSQL database (one private server per test session, bot/services.py)."""
from __future__ import annotations

import contextlib
import uuid
from typing import Iterator

import pytest
import sqlalchemy
from sqlalchemy.engine import make_url

from bot import storage

BACKENDS = ("sqlite", "postgresql")


@pytest.fixture(scope="session")
def postgresql_server(tmp_path_factory) -> Iterator[str]:
    """The URL of one private PostgreSQL for the whole session (its first database)."""
    from bot.services import running_postgresql
    with running_postgresql(tmp_path_factory.mktemp("postgresql")) as url:
        yield url


@contextlib.contextmanager
def fresh_postgresql_database(server_url: str, name: str | None = None) -> Iterator[str]:
    """A new, empty database on the server; dropped afterwards with every connection to it."""
    name = name or f"test_{uuid.uuid4().hex[:12]}"
    admin = sqlalchemy.create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(sqlalchemy.text(f'CREATE DATABASE "{name}"'))
        url = make_url(server_url).set(database=name).render_as_string(hide_password=False)
        try:
            yield url
        finally:
            storage.dispose(url)
            with admin.connect() as connection:
                connection.execute(sqlalchemy.text(f'DROP DATABASE "{name}" WITH (FORCE)'))
    finally:
        admin.dispose()


@contextlib.contextmanager
def empty_database(backend: str, folder, request) -> Iterator[str]:
    if backend == "sqlite":
        url = storage.sqlite_url(folder / "app.db")
        try:
            yield url
        finally:
            storage.dispose(url)
    else:
        with fresh_postgresql_database(request.getfixturevalue("postgresql_server")) as url:
            yield url


@pytest.fixture(params=BACKENDS)
def database_url(request, tmp_path) -> Iterator[str]:
    """An empty database for the app's data: an SQLite file, then a PostgreSQL database."""
    with empty_database(request.param, tmp_path, request) as url:
        yield url
