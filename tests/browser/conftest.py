"""Browser tests of the citizen chat widget: the real assistant (action server + Rasa), the real web
app (`python -m bot.web`) and the system Chromium (/usr/bin/chromium, Debian's package), driven by
Playwright. No browser is ever downloaded: `scripts/install-browser.sh` installs Chromium."""
from __future__ import annotations

import contextlib
from pathlib import Path

import pytest
import yaml

from bot.servers import free_port, running_assistant, running_web_app
from tests.conftest import CHROMIUM, MODEL, PROJECT

ARTIFACTS = PROJECT / "test-artifacts" / "browser"
AXE = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
TOKEN = "browser-test-token"
CHANNEL = "bot.web.channel.SocketIOInput"


@pytest.fixture(scope="session")
def chromium() -> Path:
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/install-browser.sh` (Debian packages chromium "
                    "and chromium-driver); the browser tests never download a browser")
    return CHROMIUM


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def web_port() -> int:
    return free_port()


@pytest.fixture(scope="session")
def third_party_port() -> int:
    """The port of a page of another site with a third-party widget (test_third_party_clients)."""
    return free_port()


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, catalogue_db, web_port, third_party_port, chromium):
    """The assistant, with the widget's origin and the third-party page's allowed on its socket.io channel."""
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does this)")
    credentials = yaml.safe_load((PROJECT / "credentials.yml").read_text()) or {}
    if CHANNEL not in credentials:
        pytest.fail(f"credentials.yml must configure the socket.io channel as `{CHANNEL}:` (not `socketio:`): "
                    "Rasa 3.6's own channel never delivers replies with python-socketio >= 5.10 "
                    "(RasaHQ/rasa#13027) and cannot send custom payloads; see bot/web/channel.py")
    with contextlib.ExitStack() as stack:
        # Read by bot.web.channel in the Rasa server; set only while the servers start.
        with pytest.MonkeyPatch.context() as environment:
            environment.setenv("WIDGET_ORIGINS", f"http://127.0.0.1:{web_port},http://127.0.0.1:{third_party_port}")
            running = stack.enter_context(
                running_assistant(MODEL, catalogue_db, TOKEN, tmp_path_factory.mktemp("servers")))
        yield running


@pytest.fixture(scope="session")
def web(assistant, web_port, tmp_path_factory):
    """`python -m bot.web` on a free port, pointing at the assistant; yields (base URL, insights db)."""
    scratch = tmp_path_factory.mktemp("web")
    insights = scratch / "insights.db"
    env = {"RASA_URL": assistant.url, "RASA_TOKEN": assistant.token, "INSIGHTS_DB": str(insights)}
    with running_web_app("bot.web", "WEB_PORT", "/healthz", env, scratch / "web.log", port=web_port) as base:
        yield base, insights


class PageProblems:
    """Console errors, page errors, CSP violations and dialogs seen by a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", self._console)
        page.on("dialog", self._dialog)

    def _console(self, message):
        if message.type == "error" and "net::ERR_INTERNET_DISCONNECTED" not in message.text \
                and "Failed to load resource" not in message.text:
            self.errors.append(f"console error: {message.text}")
        if "Content Security Policy" in message.text:
            self.errors.append(f"CSP violation: {message.text}")

    def _dialog(self, dialog):
        self.dialogs.append(dialog.message)
        dialog.dismiss()


@pytest.fixture
def context_factory(browser):
    contexts = []

    def make(**options):
        options = {"viewport": {"width": 1280, "height": 800}, "locale": "nl-NL", **options}
        context = browser.new_context(**options)
        context.set_default_timeout(30_000)
        contexts.append(context)
        return context

    yield make
    for context in contexts:
        context.close()


def load_demo(context, base: str):
    page = context.new_page()
    problems = PageProblems(page)
    page.route("**/__test__/axe.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=AXE.read_text(encoding="utf-8")))
    page.goto(base + "/")
    page.locator(".vbs-launcher").wait_for()
    return page, problems


@pytest.fixture
def demo(web, context_factory):
    """The demo page in a fresh browser context (fresh sessionStorage); yields (page, problems)."""
    base, _ = web
    page, problems = load_demo(context_factory(), base)
    yield page, problems
    assert not problems.errors, problems.errors
