"""Fixtures of the security tests (OWASP ASVS level 1, docs/security.md): the consoles' web app as
`python -m bot.console` on a free port, on a copy of the catalogue and its own handover database,
with one account per role. Nothing here touches the project's knowledge/ or build/."""
from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from bot.servers import running_web_app
from tests.editor.conftest import make_workspace as make_editor_workspace

# one account per role of bot/handover/store.py ROLES
ACCOUNTS = {"staff": ("sanne", "staff-password-sanne"), "editor": ("eva", "editor-password-eva"),
            "admin": ("adam", "admin-password-adam")}
STRONG_TOKEN = "security-test-token-0123456789abcdef"


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


@dataclass
class Console:
    url: str
    handover_db: Path
    log: Path

    def login(self, role: str, session: requests.Session | None = None) -> requests.Session:
        """A browser-like session, logged in through the login form as the account of `role`."""
        session = session or requests.Session()
        reply = self.try_login(session, *ACCOUNTS[role])
        assert reply.status_code == 302, (reply.status_code, reply.text[:300])
        return session

    def try_login(self, session: requests.Session, username: str, password: str) -> requests.Response:
        form = session.get(f"{self.url}/staff/login")
        return session.post(f"{self.url}/staff/login", allow_redirects=False,
                            data={"csrf": csrf_of(form.text), "username": username, "password": password})

    def csrf(self, session: requests.Session) -> str:
        """The CSRF token of `session`, from the logout form every console page carries."""
        for page in ("/staff/", "/editor/"):
            reply = session.get(self.url + page, allow_redirects=False)
            if reply.status_code == 200:
                return csrf_of(reply.text)
        raise AssertionError("no console page with a CSRF token for this session")


@dataclass
class Workspace:
    root: Path
    knowledge: Path
    catalogue: Path
    handover_db: Path

    def env(self, **extra: str) -> dict[str, str]:
        return {"HANDOVER_DB": str(self.handover_db), "CATALOGUE_DB": str(self.catalogue),
                "CATALOGUE_SOURCES": str(self.knowledge), "TRACKER_DB": str(self.root / "tracker.db"),
                "INSIGHTS_DB": str(self.root / "insights.db"), "RASA_URL": "http://127.0.0.1:9",
                "RASA_TOKEN": STRONG_TOKEN, "CONSOLE_SECURE_COOKIES": "false", "CONSOLE_HOST": "127.0.0.1",
                **extra}


def make_workspace(root: Path) -> Workspace:
    """The editor tests' workspace (a copy of knowledge/, its catalogue, a handover store) with one
    account per role."""
    editing = make_editor_workspace(root)
    for role, (username, password) in ACCOUNTS.items():
        editing.store.create_user(username, password, role, [], username.capitalize())
    return Workspace(root, editing.knowledge, editing.database, editing.store.path)


@pytest.fixture(scope="session")
def workspace(tmp_path_factory) -> Workspace:
    return make_workspace(tmp_path_factory.mktemp("security"))


@contextlib.contextmanager
def running_console(workspace: Workspace, name: str, **env: str):
    log = workspace.root / f"{name}.log"
    with running_web_app("bot.console", "CONSOLE_PORT", "/health", workspace.env(**env), log) as url:
        yield Console(url, workspace.handover_db, log)


@pytest.fixture(scope="session")
def console(workspace):
    """The consoles as on a laptop (plain HTTP, cookies without Secure)."""
    with running_console(workspace, "console") as running:
        yield running


@pytest.fixture(scope="session")
def secure_console(workspace):
    """The consoles as in production: CONSOLE_SECURE_COOKIES=true and a real RASA_TOKEN."""
    with running_console(workspace, "secure-console", CONSOLE_SECURE_COOKIES="true") as running:
        yield running
