"""Third-party Rasa clients against the real assistant: rasa-webchat 1.0.1 (npm, bundling
socket.io-client 3) with its documented settings, and socket.io-client 4 with its defaults, on a
page of another site whose origin is in WIDGET_ORIGINS.

The package comes from the npm registry through `scripts/install-webchat.sh` (cached in
build/vendor/), as the browser comes from Debian's. Issue #17: such clients used to flood the
server with polling requests because the WebSocket upgrade failed (bot.web.sanic_websockets)."""
from __future__ import annotations

import re
import shutil
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

import pytest
import requests
from playwright.sync_api import expect

from tests.browser.conftest import PageProblems
from tests.conftest import PROJECT

WEBCHAT = PROJECT / "build" / "vendor" / "rasa-webchat-1.0.1" / "lib" / "index.js"
SOCKET_IO_4 = PROJECT / "bot" / "web" / "static" / "socket.io.min.js"
# The measure: an idle page makes at most one request per 20 seconds, over 60 seconds.
IDLE_SECONDS = 60
MAX_IDLE_REQUESTS = IDLE_SECONDS // 20
# rasa-webchat's messages from the assistant; its typing indicator is one too, while it waits.
RESPONSES = ".rw-message:not(.rw-typing-indication) .rw-response"

WEBCHAT_PAGE = """<!doctype html>
<html lang="nl"><head><meta charset="utf-8"><title>Another site</title></head>
<body><h1>Another site with rasa-webchat</h1>
<script src="/rasa-webchat.js"></script>
<script>
  WebChat.default({{
    socketUrl: "{socket_url}", socketPath: "/socket.io/", initPayload: "/greet",
    customData: {{ language: "nl" }}, title: "Gemeente Voorbeeldstad"
  }}, null);
</script></body></html>
"""

SOCKET_IO_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>socket.io client, default settings</title></head>
<body><h1>socket.io-client 4, default settings</h1>
<script src="/socket.io.min.js"></script>
<script>
  window.socketState = {{ connected: false, transport: null }};
  // Default settings; ?transports=polling only for the control page that checks the counting.
  var forced = new URLSearchParams(location.search).get("transports");
  var socket = forced ? io("{socket_url}", {{ transports: forced.split(",") }}) : io("{socket_url}");
  socket.on("connect", function () {{
    window.socketState.connected = true;
    socket.io.engine.on("upgrade", function () {{ window.socketState.transport = socket.io.engine.transport.name; }});
    window.socketState.transport = socket.io.engine.transport.name;
  }});
</script></body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:   # the test's output, not a log line per file
        pass


@pytest.fixture(scope="module")
def site(assistant, third_party_port, tmp_path_factory):
    """A page of another site (its own origin) with the third-party clients; yields its base URL."""
    if not WEBCHAT.exists():
        pytest.fail(f"{WEBCHAT} is missing: run `bash scripts/install-webchat.sh` (make test does this)")
    root = tmp_path_factory.mktemp("third-party-site")
    shutil.copy(WEBCHAT, root / "rasa-webchat.js")
    shutil.copy(SOCKET_IO_4, root / "socket.io.min.js")
    (root / "webchat.html").write_text(WEBCHAT_PAGE.format(socket_url=assistant.url), encoding="utf-8")
    (root / "socketio.html").write_text(SOCKET_IO_PAGE.format(socket_url=assistant.url), encoding="utf-8")
    server = ThreadingHTTPServer(("127.0.0.1", third_party_port), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{third_party_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


class Traffic:
    """The socket.io HTTP requests and WebSockets of a page, and the session id rasa-webchat logs."""

    def __init__(self, page) -> None:
        self.requests: list[float] = []
        self.websockets: list[str] = []
        self.session_ids: list[str] = []
        page.on("request", lambda r: self.requests.append(time.monotonic()) if "/socket.io/" in r.url else None)
        page.on("websocket", lambda ws: self.websockets.append(ws.url))
        page.on("console", self._console)

    def _console(self, message) -> None:
        found = re.search(r"session_confirm:\S* session_id:(\S+)", message.text)
        if found:
            self.session_ids.append(found.group(1))

    def since(self, moment: float) -> int:
        return sum(1 for t in self.requests if t >= moment)


def open_webchat(context, site: str):
    page = context.new_page()
    problems, traffic = PageProblems(page), Traffic(page)
    page.goto(f"{site}/webchat.html")
    launcher = page.locator(".rw-launcher")
    expect(launcher).to_be_visible()          # rasa-webchat shows itself only once connected
    return page, problems, traffic


def bot_texts(page) -> list[str]:
    return [text.strip() for text in page.locator(RESPONSES).all_inner_texts()]


def say(page, text: str) -> None:
    """Types a message and waits for the answer: a response after the citizen's last message."""
    clients = page.locator(".rw-client").count()
    page.locator(".rw-new-message").fill(text)
    page.locator(".rw-new-message").press("Enter")
    page.wait_for_function("""n => {
        const messages = [...document.querySelectorAll('.rw-message:not(.rw-typing-indication)')];
        const last = messages.map(m => !!m.querySelector('.rw-client')).lastIndexOf(true);
        return document.querySelectorAll('.rw-client').length > n && last >= 0 && last < messages.length - 1;
    }""", arg=clients, timeout=30_000)
    page.wait_for_timeout(1000)    # the rest of the same answer


def open_chat(page) -> None:
    page.locator(".rw-launcher").click()
    expect(page.locator(RESPONSES).first).to_contain_text("digitale assistent")   # the /greet payload
    page.wait_for_timeout(1000)


def test_rasa_webchat_renders_greets_and_answers(site, context_factory):
    page, problems, traffic = open_webchat(context_factory(), site)
    open_chat(page)
    say(page, "hoeveel kost een paspoort")
    answer = " ".join(bot_texts(page))
    assert "paspoort" in answer.lower() and "€" in answer
    assert traffic.websockets, "the client should have upgraded to a WebSocket"
    assert not [e for e in problems.errors if "fonts.googleapis.com" not in e], problems.errors


def test_rasa_webchat_buttons_lead_to_an_answer(site, context_factory):
    page, _, _ = open_webchat(context_factory(), site)
    open_chat(page)
    say(page, "ik heb een vraag over een vergunning")
    replies = page.locator(".rw-reply")
    expect(replies.first).to_be_visible()
    assert 2 <= replies.count() <= 6
    assert page.locator(RESPONSES).filter(has_text="Meer informatie: https://").count() == 0
    replies.first.click()
    # rasa-webchat shows each further message after a delay by its length (up to 3 s)
    expect(page.locator(RESPONSES).filter(has_text="Meer informatie: https://").first).to_be_visible(timeout=20_000)


def test_rasa_webchat_keeps_the_conversation_after_a_reload(site, context_factory):
    page, _, traffic = open_webchat(context_factory(), site)
    open_chat(page)
    say(page, "hoeveel kost een paspoort")
    shown = bot_texts(page)
    page.reload()
    expect(page.locator(".rw-launcher")).to_be_visible()
    if not page.locator(".rw-new-message").is_visible():
        page.locator(".rw-launcher").click()
    expect(page.locator(RESPONSES).last).to_be_visible()
    assert bot_texts(page)[:len(shown)] == shown                  # the transcript is still there
    assert len(set(traffic.session_ids)) == 1, traffic.session_ids  # and the same conversation on the server
    say(page, "en wat moet ik meenemen")                          # the product is remembered
    assert "paspoort" in " ".join(bot_texts(page)[len(shown):]).lower()


def test_staff_message_during_a_live_handover_reaches_rasa_webchat(site, context_factory, assistant):
    page, _, traffic = open_webchat(context_factory(), site)
    open_chat(page)
    assert traffic.session_ids
    conversation = traffic.session_ids[-1]
    events = [{"event": "slot", "name": "staff_message", "value": "Dag, u spreekt met Sam van de gemeente."},
              {"event": "slot", "name": "staff_name", "value": "Sam"}]
    assert requests.post(f"{assistant.url}/conversations/{conversation}/tracker/events",
                         params={"token": assistant.token}, json=events, timeout=30).ok
    executed = requests.post(f"{assistant.url}/conversations/{conversation}/execute",
                             params={"token": assistant.token, "output_channel": "latest"},
                             json={"name": "action_relay_staff_message"}, timeout=60)
    assert executed.ok, executed.text
    expect(page.locator(RESPONSES).last).to_have_text("Sam: Dag, u spreekt met Sam van de gemeente.")


def test_idle_pages_of_socket_io_clients_make_almost_no_requests(site, context_factory):
    """socket.io-client 3 (in rasa-webchat) and 4, default settings: open, connected, then idle.
    A control page forced to long-polling shows that the counting sees polling requests."""
    webchat, _, webchat_traffic = open_webchat(context_factory(), site)
    plain = context_factory().new_page()
    plain_traffic = Traffic(plain)
    plain.goto(f"{site}/socketio.html")
    plain.wait_for_function("() => window.socketState.connected && window.socketState.transport === 'websocket'")
    control = context_factory().new_page()
    control_traffic = Traffic(control)
    control.goto(f"{site}/socketio.html?transports=polling")
    control.wait_for_function("() => window.socketState.connected")
    plain.wait_for_timeout(2000)            # the upgrade's last polling request
    start = time.monotonic()
    # Playwright's events (the requests counted) arrive while it waits, not during time.sleep.
    plain.wait_for_timeout(IDLE_SECONDS * 1000)
    counts = {"rasa-webchat (socket.io-client 3)": webchat_traffic.since(start),
              "socket.io-client 4": plain_traffic.since(start)}
    assert all(count <= MAX_IDLE_REQUESTS for count in counts.values()), counts
    assert control_traffic.since(start) >= 2, "the control page's long-polling requests were not counted"
    assert webchat_traffic.websockets and plain_traffic.websockets
    assert plain.evaluate("() => window.socketState.connected")
    assert webchat.locator(".rw-launcher").is_visible()
