"""Fixtures of the editors' console tests. Nothing here touches the project's own knowledge/ or
build/: every test works on a copy of knowledge/ and databases in a temporary folder."""
from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.catalogue.repository import CatalogueRepository
from bot.console.publishing import CatalogueEditor
from bot.handover.store import HandoverStore
from bot.servers import running_web_app
from tests.conftest import PROJECT, build_catalogue
from tests.databases import BACKENDS, fresh_postgresql_database
from tests.editor import data

PASSWORDS = {"eva": "editor-password-eva", "sanne": "staff-password-sanne", "adam": "admin-password-adam"}
ROLES = {"eva": "editor", "sanne": "staff", "adam": "admin"}


@dataclass
class Workspace:
    knowledge: Path
    database: Path
    store: HandoverStore
    editor: CatalogueEditor
    repository: CatalogueRepository


def make_workspace(root: Path) -> Workspace:
    knowledge = root / "knowledge"
    shutil.copytree(PROJECT / "knowledge", knowledge)
    database = root / "catalogue.db"
    build_catalogue(knowledge, database)
    store = HandoverStore(root / "handover.db")
    return Workspace(knowledge, database, store, CatalogueEditor(knowledge, database, store, report=lambda *_: None),
                     CatalogueRepository(database))


@pytest.fixture
def workspace(tmp_path) -> Workspace:
    """A copy of knowledge/, its database, a handover store and the editor working on them."""
    return make_workspace(tmp_path)


@pytest.fixture(scope="session")
def sqlite_conversation_data(tmp_path_factory):
    """Tracker, handover and feedback SQLite files with the conversations of tests/editor/data.py."""
    root = tmp_path_factory.mktemp("insights")
    tracker = data.write_tracker(root / "tracker.db")
    store = HandoverStore(root / "handover.db")
    data.write_handovers(store)
    feedback = data.write_feedback(root / "insights.db")
    return tracker, store, feedback


@pytest.fixture(scope="session", params=BACKENDS)
def conversation_data(request):
    """The same conversations in SQLite files, then in PostgreSQL: Rasa's events in one database
    (TRACKER_STORE_URL), handovers, callbacks and thumbs in another (DATABASE_URL)."""
    if request.param == "sqlite":
        yield request.getfixturevalue("sqlite_conversation_data")
        return
    server = request.getfixturevalue("postgresql_server")
    with fresh_postgresql_database(server) as tracker, fresh_postgresql_database(server) as app_data:
        data.write_tracker(tracker)
        store = HandoverStore(app_data)
        data.write_handovers(store)
        yield tracker, store, data.write_feedback(app_data)


@dataclass
class Console:
    url: str
    workspace: Workspace
    log: Path

    def session(self, username: str | None) -> requests.Session:
        """A browser-like session, logged in through the login form (None: anonymous)."""
        session = requests.Session()
        if username is None:
            return session
        form = session.get(f"{self.url}/staff/login").text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        reply = session.post(f"{self.url}/staff/login", allow_redirects=False,
                             data={"csrf": csrf, "username": username, "password": PASSWORDS[username]})
        assert reply.status_code == 302, reply.text
        return session


def console_app(root: Path, workspace: Workspace, extra_env: dict[str, str]):
    """`python -m bot.console` on the workspace (a context manager yielding its URL; log in root)."""
    env = {"HANDOVER_DB": str(workspace.store.path), "CATALOGUE_DB": str(workspace.database),
           "CATALOGUE_SOURCES": str(workspace.knowledge), "RASA_URL": "http://127.0.0.1:9", "RASA_TOKEN": "unused",
           **extra_env}
    return running_web_app("bot.console", "CONSOLE_PORT", "/health", env, root / "console.log")


def create_users(store: HandoverStore) -> None:
    for username, role in ROLES.items():
        store.create_user(username, PASSWORDS[username], role, [], username.capitalize())


@pytest.fixture(scope="module")
def console(tmp_path_factory, sqlite_conversation_data):
    """`python -m bot.console` on a copy of the catalogue, with the insight fixtures and three users."""
    root = tmp_path_factory.mktemp("console")
    workspace = make_workspace(root)
    tracker, _, feedback = sqlite_conversation_data
    data.write_handovers(workspace.store)       # the console's handover store gets the fixture's too
    create_users(workspace.store)
    with console_app(root, workspace, {"TRACKER_DB": str(tracker), "INSIGHTS_DB": str(feedback)}) as url:
        yield Console(url, workspace, root / "console.log")
