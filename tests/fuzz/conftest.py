"""Every server of the project, once for the tests in tests/fuzz: action server, Rasa server (REST,
socket.io and the HTTP API), the web app with the widget (`python -m bot.web`) and the consoles
(`python -m bot.console`, with a staff member and an editor), all on a copy of knowledge/ and
temporary databases.

The Rasa server runs with the default rate limits and trusts 127.0.0.2 as a reverse proxy
(TRUSTED_PROXIES): requests the tests send from 127.0.0.2 name their client in X-Forwarded-For,
so each test can be a different client; requests from 127.0.0.1 (and the browser's) are the
socket's own address, whatever X-Forwarded-For says."""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests
from requests.adapters import HTTPAdapter

from bot.handover.store import HandoverStore
from bot.servers import RunningAssistant, free_port, running_assistant, running_web_app
from tests.browser.conftest import context_factory  # noqa: F401 - a fixture, used by the browser test here
from tests.conftest import MODEL
from tests.e2e.conftest import build_always_open_catalogue
from tests.fuzz.processes import children_by_command

TOKEN = "fuzz-test-token"
PROXY = "127.0.0.2"
LIMITS = {"MAX_MESSAGE_CHARS": "1000", "RATE_LIMIT_CONVERSATION": "20/10", "RATE_LIMIT_ADDRESS": "60/10"}
PASSWORDS = {"sanne": "fuzz-staff-password", "eva": "fuzz-editor-password"}
ROLES = {"sanne": "staff", "eva": "editor"}


class SourceAddress(HTTPAdapter):
    """Connections from a chosen local address (any 127.x.y.z reaches a server on 127.0.0.1)."""

    def __init__(self, address: str, **kwargs):
        self.address = address
        super().__init__(**kwargs)

    def init_poolmanager(self, *args, **kwargs):
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


def session_from(address: str, pool: int = 10) -> requests.Session:
    session = requests.Session()
    session.mount("http://", SourceAddress(address, pool_connections=pool, pool_maxsize=pool))
    return session


@dataclass
class Stack:
    assistant: RunningAssistant
    web: str
    console: str
    root: Path

    @property
    def rasa(self) -> str:
        return self.assistant.url

    @property
    def actions(self) -> str:
        return self.assistant.action_url

    def pids(self) -> dict[str, int]:
        """Each server's process id."""
        found = {name: process.pid for name, process in self.assistant.processes.items()}
        for command, pid in children_by_command().items():
            for name, module in (("web", "-m bot.web"), ("console", "-m bot.console")):
                if command.endswith(module):
                    found[name] = pid
        assert set(found) == {"rasa", "actions", "web", "console"}, found
        return found

    def login(self, username: str, session: requests.Session | None = None) -> tuple[requests.Session, str]:
        """A console session logged in through the login form, and its CSRF token."""
        session = session or requests.Session()
        form = session.get(f"{self.console}/staff/login", timeout=30).text
        csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
        reply = session.post(f"{self.console}/staff/login", timeout=30,
                             data={"csrf": csrf, "username": username, "password": PASSWORDS[username]})
        assert reply.status_code == 200, reply.text[:500]
        page = session.get(f"{self.console}/{'editor' if ROLES[username] == 'editor' else 'staff'}/", timeout=30).text
        return session, re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def always_open_workspace(root: Path) -> tuple[Path, Path]:
    """A copy of knowledge/ with the chat channel open day and night (so a live handover can be
    tested at any hour), and its catalogue database."""
    database = build_always_open_catalogue(root)
    return root / "knowledge", database


@pytest.fixture(scope="session")
def stack(tmp_path_factory) -> Stack:
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does this)")
    root = tmp_path_factory.mktemp("fuzz")
    knowledge, database = always_open_workspace(root)
    store = HandoverStore(root / "handover.db")
    for username, role in ROLES.items():
        store.create_user(username, PASSWORDS[username], role, [], username.capitalize())
    web_port = free_port()
    data = {"CATALOGUE_SOURCES": str(knowledge), "CATALOGUE_DB": str(database), "HANDOVER_DB": str(store.path),
            "TRACKER_DB": str(root / "tracker.db"), "INSIGHTS_DB": str(root / "insights.db")}
    rasa_env = {**data, **LIMITS, "TRUSTED_PROXIES": PROXY, "WIDGET_ORIGINS": f"http://127.0.0.1:{web_port}"}
    with running_assistant(MODEL, database, TOKEN, root, extra_env=rasa_env) as assistant:
        apps = {**data, "RASA_URL": assistant.url, "RASA_TOKEN": TOKEN}
        with running_web_app("bot.web", "WEB_PORT", "/healthz", apps, root / "web.log", port=web_port) as web, \
                running_web_app("bot.console", "CONSOLE_PORT", "/health", apps, root / "console.log") as console:
            yield Stack(assistant, web, console, root)
