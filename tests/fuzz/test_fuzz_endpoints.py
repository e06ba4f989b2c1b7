"""Fuzz test: more than 10,000 hostile requests to every HTTP endpoint of the project, with the real
servers (tests/fuzz/conftest.py): the REST webhook, the socket.io polling endpoint, the Rasa HTTP
API with and without token, the web app (pages, widget files, /api/feedback), the consoles
(login, staff and editor routes, anonymous and logged in with a CSRF token) and the action
server's /webhook.

Inputs come from a seeded generator (tests/fuzz/inputs.py): FUZZ_SEED=<n> reproduces a run; the
seed is in every failure message. Most requests go to paths that are cheap to answer (over-long,
empty and malformed messages, rate-limited floods, the consoles, feedback): Rasa answers about 30
full messages a second on this machine, so only a few hundred go through NLU. What went where is
printed and written to test-artifacts/fuzz/report.json.

Asserted: no 5xx and no unanswered request anywhere; JSON endpoints answer JSON (REST a list of
messages); every process is alive at the end and still answers a real question; no process's
resident memory grows past a margin between warm-up and the end (see MEMORY_MARGIN_MB).
"""
from __future__ import annotations

import collections
import json
import os
import random
import re
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote as _quote

import requests

from tests.conftest import PROJECT
from tests.fuzz import inputs
from tests.fuzz.conftest import PROXY, TOKEN, session_from
from bot.web.limits import screen_message
from tests.fuzz.processes import alive, resident_mb

SEED = int(os.environ.get("FUZZ_SEED", "20261123"))
WORKERS = 6
WARM_UP_SHARE = 0.1
REPORT = PROJECT / "test-artifacts" / "fuzz" / "report.json"
# Growth allowed between warm-up and the end. Freed memory is not handed back to the system at
# once (Python's allocator keeps arenas, glibc keeps heap pages), SQLite and SQLAlchemy fill their
# caches as the databases grow, and TensorFlow sizes its buffers on the longest inputs it has seen:
# so some growth is normal. A leak of what the fuzz sends (about 10,000 requests of up to 4 MB)
# would be far larger than these.
# The action server loads the product matcher (about 70 MB) on its first product question.
MEMORY_MARGIN_MB = {"rasa": 150, "actions": 120, "web": 40, "console": 60}
MISSING = object()


def quote(text: str, safe: str = "") -> str:
    # unpaired surrogates become the bytes of an invalid UTF-8 sequence, percent-encoded
    return _quote(text, safe=safe, errors="surrogatepass")


def as_bytes(values: dict | None) -> dict | None:
    """Form fields and query parameters as UTF-8 bytes, unpaired surrogates included."""
    if not isinstance(values, dict):
        return values
    return {key: value.encode("utf-8", "surrogatepass") if isinstance(value, str) else value
            for key, value in values.items()}


INTRUDER = "127.0.0.4"


@dataclass
class Probe:
    target: str                     # where it goes, e.g. "rest/nlu": counted in the report
    method: str
    url: str
    via: str = "proxy"              # proxy (127.0.0.2 + X-Forwarded-For), direct, anonymous, staff, editor
    json: Any = MISSING
    data: Any = None
    headers: dict = field(default_factory=dict)
    params: dict | None = None
    expect: str = "any"             # json, messages (a JSON list), html, any
    csrf: str | None = None         # "form" or "header": add the logged-in session's CSRF token


class Plan:
    """Every probe of the run, drawn from the seed before anything is sent."""

    def __init__(self, stack, rng: random.Random, handover_id: str | None):
        self.stack, self.rng, self.handover_id = stack, rng, handover_id
        self.probes: list[Probe] = []
        self.clients = [f"198.51.100.{n}" for n in range(1, 80)] + [f"2001:db8::{n:x}" for n in range(1, 40)]
        self.senders = [f"fuzz-{n:04d}-{uuid.UUID(int=rng.getrandbits(128)).hex[:8]}" for n in range(300)]

    def add(self, count: int, make) -> None:
        self.probes += [make() for _ in range(count)]

    def forwarded(self) -> dict:
        return {"X-Forwarded-For": self.rng.choice(self.clients)}

    # ── Rasa: REST channel ───────────────────────────────────────────────────────────────────
    def rest(self) -> None:
        url = f"{self.stack.rasa}/webhooks/rest/webhook"
        rng = self.rng

        def message(kind: str):
            return lambda: Probe(f"rest/{kind}", "POST", url, json={"sender": rng.choice(self.senders),
                                                                   "message": inputs.text(rng, kind)},
                                 headers=self.forwarded(), expect="messages")
        self.add(260, message("nlu"))
        self.add(160, message("payload"))
        self.add(500, message("too_long"))
        self.add(200, message("empty"))
        sample = {"sender": "fuzz-sample", "message": "paspoort"}
        self.add(1200, lambda: Probe("rest/malformed", "POST", url, data=inputs.malformed_json(rng, sample),
                                     headers={"Content-Type": rng.choice(["application/json", "text/plain", ""]),
                                              **self.forwarded()}, expect="json"))
        self.add(8, lambda: Probe("rest/oversized", "POST", url, headers=self.forwarded(), expect="json",
                                  data=json.dumps({"sender": rng.choice(self.senders),
                                                   "message": "x" * rng.randint(2, 4) * 1_000_000}).encode()))
        flood = {"X-Forwarded-For": "203.0.113.66"}          # one client: rate-limited after 60
        self.add(1200, lambda: Probe("rest/flood", "POST", url, headers=flood, expect="json",
                                     json={"sender": rng.choice(self.senders[:20]), "message": inputs.text(rng, "empty")}))
        self.add(60, lambda: Probe("rest/stream", "POST", url, params={"stream": "true"}, headers=self.forwarded(),
                                   json={"sender": rng.choice(self.senders),
                                         "message": inputs.text(rng, rng.choice(["payload", "too_long", "nlu"]))}))

    def rest_direct(self) -> list[Probe]:
        """From 127.0.0.1, not a trusted proxy, with forged X-Forwarded-For headers: sent first,
        so that this address's bucket is full again when the browser tests use it."""
        rng, url = self.rng, f"{self.stack.rasa}/webhooks/rest/webhook"
        forged = ["1.2.3.4", "127.0.0.1, 10.0.0.1", "<script>", "unknown", "::1", "a" * 5000, "1.1.1.1, " * 200]
        return [Probe("rest/direct-forged-forwarded-for", "POST", url, via="direct", expect="json",
                      headers={"X-Forwarded-For": rng.choice(forged)},
                      json={"sender": rng.choice(self.senders), "message": inputs.text(rng, "empty")})
                for _ in range(100)]

    # ── Rasa: socket.io polling endpoint (engine.io protocol, raw) ───────────────────────────
    def socketio(self) -> None:
        rng, url = self.rng, f"{self.stack.rasa}/socket.io/"

        def raw():
            params = rng.choice([{"EIO": "4", "transport": "polling"}, {"EIO": "3", "transport": "polling"},
                                 {"EIO": "x", "transport": "polling"}, {"EIO": "4", "transport": "websocket"},
                                 {"EIO": "4", "transport": "polling", "sid": inputs.path_segment(rng)},
                                 {"EIO": "4", "transport": "<script>"}, {}])
            method = rng.choice(["GET", "POST", "OPTIONS"])
            data = rng.choice([None, inputs.garbage_bytes(rng), "4" * 20, "42[\"user_uttered\"", "\x1e".join(["4"] * 40)])
            return Probe("socketio/raw", method, url, params=params, data=data, headers=self.forwarded())
        self.add(600, raw)
        # messages over a real engine.io session: sent by SocketSession, counted per kind
        kinds = ["nlu"] * 50 + ["too_long"] * 120 + ["empty"] * 60 + ["payload"] * 40 + ["malformed"] * 80
        for kind in kinds:
            if kind == "malformed":
                packet = rng.choice(['42["user_uttered", 5]', '42["user_uttered", {"message": 7, "session_id": "%s"}]',
                                     '42["user_uttered", {"message": "hoi"}]', '42["user_uttered", {"message": "x", '
                                     '"session_id": "../../etc"}]', '42["session_request", "x"]', '42[', '42["nope"]',
                                     '42["user_uttered", {"message": "x", "session_id": "%s", "metadata": '
                                     + json.dumps({"k": "v" * 10000}) + "}]", "43", "41", '42["user_uttered", null]'])
                packet = packet.replace("%s", uuid.UUID(int=rng.getrandbits(128)).hex)
            else:
                packet = "42" + json.dumps(["user_uttered", {"message": inputs.text(rng, kind),
                                                             "session_id": uuid.UUID(int=rng.getrandbits(128)).hex}])
            self.probes.append(Probe(f"socketio/{kind}", "PACKET", url, data=packet, headers=self.forwarded()))

    # ── Rasa: HTTP API ───────────────────────────────────────────────────────────────────────
    def rasa_api(self) -> None:
        rng, base = self.rng, self.stack.rasa

        def conversation() -> str:
            return quote(rng.choice([rng.choice(self.senders), inputs.path_segment(rng), inputs.text(rng, "nlu")[:50]]),
                         safe="")

        def anonymous():
            method, path = rng.choice([("GET", "/conversations/{}/tracker"), ("POST", "/conversations/{}/messages"),
                                       ("PUT", "/conversations/{}/tracker/events"), ("DELETE", "/model"),
                                       ("PUT", "/model"), ("POST", "/model/train"), ("POST", "/model/parse"),
                                       ("GET", "/domain"), ("POST", "/conversations/{}/execute"), ("GET", "/status")])
            params = rng.choice([None, {"token": "wrong"}, {"token": ""}, {"token": inputs.text(rng, "nlu")[:100]}])
            headers = rng.choice([{}, {"Authorization": "Bearer " + "x" * 40}, {"Authorization": "Bearer"}])
            return Probe("rasa-api/no-token", method, base + path.format(conversation()), params=params,
                         headers=headers, data=inputs.garbage_bytes(rng, 50))
        self.add(450, anonymous)

        def authorised():
            token = {"token": TOKEN}
            choice = rng.randrange(9)
            if choice < 3:
                return Probe("rasa-api/read", "GET", f"{base}/conversations/{conversation()}/"
                             + rng.choice(["tracker", "story"]), params=token)
            if choice == 3:
                return Probe("rasa-api/token-body-events", "POST", f"{base}/conversations/{conversation()}/tracker/events",
                             params=token, data=rng.choice([inputs.malformed_json(rng, {"event": "slot"}),
                                                            json.dumps({"event": rng.choice(["slot", "user", "x", ""]),
                                                                        "name": inputs.text(rng, "nlu"),
                                                                        "value": inputs.text(rng, "nlu")})]))
            if choice == 4:
                return Probe("rasa-api/token-body-execute", "POST", f"{base}/conversations/{conversation()}/"
                             + rng.choice(["execute", "trigger_intent"]), params=token,
                             data=rng.choice([inputs.malformed_json(rng, {"name": "x"}),
                                              json.dumps({"name": rng.choice(["utter_nonexistent", "<script>", "",
                                                                              "action_nonexistent", "x" * 500]),
                                                          "entities": rng.choice([None, {"a": 1}, [1], "x"])})]))
            if choice == 5:
                return Probe("rasa-api/predict", "POST", f"{base}/conversations/{conversation()}/predict", params=token)
            if choice == 6:
                return Probe("rasa-api/token-body-messages", "POST", f"{base}/conversations/{conversation()}/messages",
                             params=token, data=rng.choice([inputs.malformed_json(rng, {"text": "x", "sender": "user"}),
                                                            json.dumps({"text": inputs.text(rng, "nlu"),
                                                                        "sender": rng.choice(["user", "bot", "x"])})]))
            if choice == 7:
                return Probe("rasa-api/token-body-parse", "POST", f"{base}/model/parse", params=token,
                             data=rng.choice([inputs.malformed_json(rng, {"text": "x"}),
                                              json.dumps({"text": inputs.text(rng, rng.choice(["payload", "empty"]))})]))
            return Probe("rasa-api/status", "GET", base + rng.choice(["/status", "/version", "/domain", "/"]),
                         params=token)
        self.add(450, authorised)
        # a few parses of full messages: NLU without the dialogue
        self.add(40, lambda: Probe("rasa-api/token-body-parse-nlu", "POST", f"{base}/model/parse", params={"token": TOKEN},
                                   json={"text": inputs.text(rng, "nlu")}, expect="json"))

    # ── web app ──────────────────────────────────────────────────────────────────────────────
    def web(self) -> None:
        rng, base = self.rng, self.stack.web
        self.add(300, lambda: Probe("web/pages", rng.choice(["GET", "HEAD", "POST"]),
                                    base + rng.choice(["/", "/privacy", "/healthz", "/favicon.ico"]),
                                    via="anonymous", params=rng.choice([None, {"q": inputs.text(rng, "nlu")}])))
        self.add(300, lambda: Probe("web/files", "GET", base + "/widget/" + quote(rng.choice(
            ["widget.js", "widget.css", "socket.io.min.js", "demo.css", inputs.path_segment(rng),
             "../app.py", "..%2F..%2Fcredentials.yml", "widget.js%00.png"]), safe="%"), via="anonymous"))
        self.add(150, lambda: Probe("web/unknown-paths", rng.choice(["GET", "POST", "PUT", "DELETE"]),
                                    base + "/" + quote(inputs.path_segment(rng), safe=""), via="anonymous"))
        sample = {"conversation_id": "a" * 16, "vote": "up", "message_text": "x"}

        def feedback():
            choice = rng.randrange(3)
            if choice == 0:
                body = inputs.malformed_json(rng, sample)
            elif choice == 1:
                body = json.dumps({"conversation_id": rng.choice([*self.senders[:5], inputs.path_segment(rng),
                                                                  uuid.UUID(int=rng.getrandbits(128)).hex]),
                                   "vote": rng.choice(["up", "down", "sideways", "", None, 1]),
                                   "message_text": inputs.text(rng, rng.choice(["nlu", "too_long"]))}).encode()
            else:
                body = b'{"conversation_id": "' + b"a" * rng.choice([10, 70_000]) + b'", "vote": "up"}'
            return Probe("web/feedback", "POST", base + "/api/feedback", via="anonymous", data=body,
                         headers={"Content-Type": "application/json"}, expect="json")
        self.add(1000, feedback)

    # ── consoles ─────────────────────────────────────────────────────────────────────────────
    def consoles(self) -> None:
        rng, base = self.rng, self.stack.console
        protected = ["/staff/", "/staff/api/queue", "/editor/", "/editor/insights", "/editor/changes",
                     "/staff/handovers/x", "/editor/insights.csv"]

        def anonymous():
            choice = rng.randrange(4)
            if choice == 0:
                return Probe("console/anonymous-pages", "GET", base + rng.choice([*protected, "/", "/health",
                                                                                  "/staff/login"]), via="anonymous")
            if choice == 1:
                return Probe("console/anonymous-posts", "POST", base + rng.choice(
                    ["/staff/handovers/x/reply", "/staff/logout", "/editor/products/paspoort/publish",
                     "/editor/insights/synonym", "/staff/callbacks/1"]), via="anonymous",
                    data={"csrf": inputs.text(rng, "nlu")[:50], "text": inputs.text(rng, "nlu")})
            if choice == 2:       # a login without a valid CSRF token, or with a hostile body
                return Probe("console/login-rejected", "POST", base + "/staff/login", via="intruder",
                             data=rng.choice([{"username": inputs.text(rng, "nlu"), "password": "x"},
                                              inputs.garbage_bytes(rng), b"a=" + b"x" * 70_000]),
                             headers=rng.choice([{}, {"Content-Type": "application/x-www-form-urlencoded"},
                                                 {"Content-Type": "multipart/form-data; boundary=x"}]))
            return Probe("console/unknown-paths", rng.choice(["GET", "POST"]),
                         base + "/" + rng.choice(["staff", "editor", "static"]) + "/"
                         + quote(inputs.path_segment(rng), safe=""), via="anonymous")
        self.add(800, anonymous)
        # logins with a valid CSRF token and hostile credentials (each costs an argon2 hash or a throttle)
        self.add(60, lambda: Probe("console/login-attempts", "POST", base + "/staff/login", via="intruder-csrf",
                                   data={"username": inputs.text(rng, rng.choice(["nlu", "too_long"]))[:5000],
                                         "password": inputs.text(rng, "nlu")}))

        def staff():
            choice = rng.randrange(6)
            target = quote(rng.choice([self.handover_id or "none", inputs.path_segment(rng), str(rng.randrange(99))]),
                           safe="")
            if choice == 0:
                return Probe("console/staff-read", "GET", base + rng.choice(
                    ["/staff/", "/staff/api/queue", f"/staff/handovers/{target}", f"/staff/api/handovers/{target}/messages"]),
                    via="staff")
            if choice == 1 and self.handover_id:
                return Probe("console/staff-reply", "POST", f"{base}/staff/handovers/{self.handover_id}/reply",
                             via="staff", csrf=rng.choice(["form", "header"]),
                             data={"text": inputs.text(rng, rng.choice(["nlu", "nlu", "empty", "too_long"]))})
            if choice == 3:
                return Probe("console/staff-actions", "POST", base + f"/staff/handovers/{target}/"
                             + rng.choice(["claim", "transfer", "reply"]), via="staff", csrf="form",
                             data={"team": inputs.text(rng, "nlu"), "text": inputs.text(rng, "nlu")})
            if choice == 4:
                return Probe("console/staff-callbacks", "POST", base + f"/staff/callbacks/{target}", via="staff",
                             csrf="form", data={"status": inputs.text(rng, "nlu")})
            return Probe("console/staff-no-csrf", "POST", base + f"/staff/handovers/{target}/close", via="staff",
                         data={"csrf": inputs.text(rng, "nlu")[:100]})
        self.add(900, staff)

        def editor():
            choice = rng.randrange(8)
            if choice < 3:
                return Probe("console/editor-search", "GET", base + "/editor/", via="editor",
                             params={"q": inputs.text(rng, rng.choice(["nlu", "too_long", "payload"])),
                                     "language": rng.choice(["nl", "en", "fr", "xx", "<b>", ""])})
            if choice == 3:
                return Probe("console/editor-product", "GET", base + "/editor/products/"
                             + quote(rng.choice(["paspoort", inputs.path_segment(rng)]), safe=""), via="editor",
                             params=rng.choice([None, {"published": inputs.path_segment(rng)}]))
            if choice == 4:
                fields = {f"{language}.{name}": inputs.text(rng, rng.choice(["nlu", "nlu", "too_long"]))
                          for language in ("nl", "en", "fr", "xx") for name in ("summary", "synonyms", "cost")
                          if rng.random() < 0.4}
                return Probe("console/editor-preview", "POST", base + "/editor/products/"
                             + rng.choice(["paspoort", "bestaat-niet"]) + "/preview", via="editor", csrf="form",
                             data={**fields, "question": rng.choice(["ask_cost", "<x>", ""]), "language": "nl"})
            if choice == 5:
                return Probe("console/editor-changes", "GET", base + rng.choice(
                    ["/editor/changes", f"/editor/changes/{rng.randrange(10**12)}"]), via="editor",
                    params={"product": inputs.text(rng, "nlu")[:200]})
            if choice == 6:
                return Probe("console/editor-insight-tables", "GET", base + "/editor/insights/"
                             + quote(inputs.path_segment(rng), safe=""), via="editor",
                             params={"from": inputs.path_segment(rng), "to": "2026-13-45",
                                     "language": inputs.text(rng, "nlu")[:20]})
            # a synonym for a product that does not exist: validated and refused, nothing rebuilt
            return Probe("console/editor-synonym", "POST", base + "/editor/insights/synonym", via="editor",
                         csrf="form", data={"phrase": inputs.text(rng, "nlu"), "language": rng.choice(["nl", "xx"]),
                                            "product": "bestaat-niet-" + str(rng.randrange(1000))})
        self.add(900, editor)
        # the insights pages read every conversation: a few
        self.add(6, lambda: Probe("console/editor-insights", "GET", base + rng.choice(
            ["/editor/insights", "/editor/insights.csv"]), via="editor",
            params=rng.choice([None, {"language": "fr"}, {"from": "2020-01-01", "to": "2030-01-01"}])))

    # ── action server ────────────────────────────────────────────────────────────────────────
    def action_server(self) -> None:
        rng, url = self.rng, self.stack.actions
        actions = ["action_answer_question", "action_choose_product", "action_respond", "action_fallback",
                   "action_change_language", "action_offer_handover", "action_where_when", "action_store_rating"]

        def forged():
            """Calls no Rasa server makes: not JSON, not an object, keys missing, wrong types."""
            choice = rng.randrange(3)
            if choice == 0:
                body = inputs.malformed_json(rng, {"next_action": "action_respond", "tracker": {}, "domain": {}})
            elif choice == 1:
                body = json.dumps({"next_action": rng.choice(["nope", "", "<script>", None, 5]),
                                   "sender_id": "x", "tracker": {}, "domain": {}}).encode()
            else:
                body = json.dumps({"next_action": rng.choice(actions), "sender_id": "x", "tracker": tracker(
                    inputs.text(rng, "nlu"), rng.choice([5, None, ["nl"]]), rng.choice(["x", -1, 1e308])),
                    "domain": {}}).encode()
            return Probe("actions/forged", "POST", url, via="anonymous", data=body, expect="json",
                         headers={"Content-Type": "application/json"})

        def from_rasa():
            """Calls as Rasa makes them, with what a citizen can put in them through the channels:
            any text (as the channel passes it on), and slot values from typed intent payloads."""
            _, text = screen_message(inputs.text(rng, rng.choice(["nlu", "payload"])), 1000)
            language = rng.choice(["nl", "en", "fr", "xx", "<b>", "de", "", "nl-BE"])
            body = json.dumps({"next_action": rng.choice(actions), "sender_id": "x", "version": "3.6.21",
                               "tracker": tracker(text, language, rng.choice([0, 1, 2])),
                               "domain": rng.choice([{}, {"responses": {}}])}).encode()
            return Probe("actions/from-rasa", "POST", url, via="anonymous", data=body, expect="json",
                         headers={"Content-Type": "application/json"})

        def tracker(text: str, language, fallback_count) -> dict:
            return {"sender_id": rng.choice(self.senders), "slots": {
                "language": language, "product": rng.choice([None, text[:50], "paspoort"]),
                "fallback_count": fallback_count}, "latest_message": {
                "text": text, "intent": {"name": rng.choice(["ask_cost", "rate", "greet", "choose_product"]),
                                         "confidence": 0.9},
                "entities": rng.choice([[], [{"entity": "product", "value": text[:30]}],
                                        [{"entity": "score", "value": text[:5]}]])},
                "events": rng.choice([[], [{"event": "user", "text": text}]]),
                "paused": False, "followup_action": None, "active_loop": {}, "latest_action_name": "action_listen"}
        self.add(450, forged)
        self.add(450, from_rasa)


class Runner:
    """Sends probes from several threads, each with its own HTTP sessions, and tallies the answers."""

    def __init__(self, stack, seed: int):
        self.stack, self.seed = stack, seed
        self.local = threading.local()
        self.lock = threading.Lock()
        self.counts: collections.Counter = collections.Counter()
        self.failures: list[str] = []

    def sessions(self) -> dict:
        if not hasattr(self.local, "sessions"):
            staff, staff_csrf = self.stack.login("sanne")
            editor, editor_csrf = self.stack.login("eva")
            # Hostile logins come from 127.0.0.4: the console locks an address out after 20 failures.
            self.local.sessions = {"proxy": session_from(PROXY), "direct": requests.Session(),
                                   "anonymous": requests.Session(), "intruder": session_from(INTRUDER),
                                   "staff": staff, "editor": editor}
            self.local.csrf = {"staff": staff_csrf, "editor": editor_csrf}
            self.local.socket = None
        return self.local.sessions

    def send(self, probe: Probe) -> None:
        try:
            try:
                status, kind, body = self.packet(probe) if probe.method == "PACKET" else self.http(probe)
            except requests.ConnectionError as error:
                if "Connection reset" not in str(error) and "Connection aborted" not in str(error):
                    raise
                # A kept-alive connection that the server closed just as it was reused: send once more.
                status, kind, body = self.packet(probe) if probe.method == "PACKET" else self.http(probe)
        except requests.RequestException as error:
            self.fail(probe, f"no answer: {type(error).__name__}: {str(error)[:200]}")
            return
        with self.lock:
            self.counts[(probe.target, status)] += 1
        if status >= 500:
            self.fail(probe, f"HTTP {status}: {body[:300]!r}")
        elif status in (204, 304) or probe.method == "HEAD":
            return
        elif "json" in kind or probe.expect in ("json", "messages"):
            try:
                parsed = json.loads(body)
            except ValueError:
                self.fail(probe, f"HTTP {status} {kind}: not JSON: {body[:200]!r}")
                return
            if probe.expect == "messages" and status == 200 and not isinstance(parsed, list):
                self.fail(probe, f"HTTP 200 but not a list of messages: {body[:200]!r}")
        elif probe.expect == "html" and "text/html" not in kind:
            self.fail(probe, f"HTTP {status}: {kind}, not HTML")

    def http(self, probe: Probe) -> tuple[int, str, str]:
        sessions = self.sessions()
        data, headers = probe.data, dict(probe.headers)
        if probe.via == "intruder-csrf":         # a login form's CSRF token first, then hostile credentials
            session = sessions["intruder"]
            page = session.get(f"{self.stack.console}/staff/login", timeout=60).text
            found = re.search(r'name="csrf" value="([^"]+)"', page)
            data = {**data, "csrf": found.group(1) if found else ""}
        else:
            session = sessions[probe.via]
        if probe.csrf == "form":
            data = {**data, "csrf": self.local.csrf[probe.via]}
        elif probe.csrf == "header":
            headers["X-CSRF-Token"] = self.local.csrf[probe.via]
        if probe.json is not MISSING:     # as bytes: json.dumps keeps unpaired surrogates as \\udxxx escapes
            data, headers = json.dumps(probe.json).encode(), {"Content-Type": "application/json", **headers}
        elif isinstance(data, str):
            data = data.encode("utf-8", "surrogatepass")
        reply = session.request(probe.method, probe.url, params=as_bytes(probe.params), headers=headers, timeout=120,
                                allow_redirects=False, data=as_bytes(data))
        return reply.status_code, reply.headers.get("Content-Type", ""), reply.content.decode("utf-8", "replace")

    def packet(self, probe: Probe) -> tuple[int, str, str]:
        """One socket.io packet over an engine.io long-polling session of this thread."""
        session = self.sessions()["proxy"]
        if self.local.socket is None:
            handshake = session.get(probe.url, params={"EIO": "4", "transport": "polling"}, headers=probe.headers,
                                    timeout=60)
            if handshake.status_code != 200:
                return handshake.status_code, handshake.headers.get("Content-Type", ""), handshake.text
            sid = json.loads(handshake.text[1:])["sid"]
            session.post(probe.url, params={"EIO": "4", "transport": "polling", "sid": sid}, data="40", timeout=60)
            self.local.socket = sid
        reply = session.post(probe.url, params={"EIO": "4", "transport": "polling", "sid": self.local.socket},
                             data=probe.data.encode("utf-8", "surrogatepass"), headers=probe.headers, timeout=120)
        if reply.status_code != 200:
            # Closed by the server (a bad packet, or no pong: this client never polls, since a poll
            # waits up to 25 s for answers that go to conversation rooms it has not joined).
            self.local.socket = None
        return reply.status_code, reply.headers.get("Content-Type", ""), reply.text

    def fail(self, probe: Probe, problem: str) -> None:
        with self.lock:
            self.counts[(probe.target, "failed")] += 1
            self.failures.append(f"{probe.target} {probe.method} {probe.url[:120]} via {probe.via}: {problem}")

    def run(self, probes: list[Probe]) -> None:
        with ThreadPoolExecutor(WORKERS) as pool:
            list(pool.map(self.send, probes))


def start_live_handover(stack) -> str | None:
    """A conversation handed over to a person and claimed by the staff member, for fuzzing replies."""
    sender = f"fuzz-handover-{uuid.uuid4().hex[:8]}"
    staff, csrf = stack.login("sanne")          # live chat is offered only while someone is online
    http = session_from(PROXY)
    for text in ("ik wil een medewerker spreken", "/handover_chat"):
        http.post(f"{stack.rasa}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                  headers={"X-Forwarded-For": "192.0.2.10"}, timeout=120)
    queued = [h for h in staff.get(f"{stack.console}/staff/api/queue", timeout=60).json()
              if h["conversation_id"] == sender]
    if not queued:
        return None
    staff.post(f"{stack.console}/staff/handovers/{queued[0]['id']}/claim", data={"csrf": csrf}, timeout=60)
    return str(queued[0]["id"])


def memory(pids: dict[str, int]) -> dict[str, float]:
    return {name: round(resident_mb(pid), 1) for name, pid in pids.items()}


def test_fuzz_every_endpoint(stack):
    started = time.monotonic()
    rng = random.Random(SEED)
    handover_id = start_live_handover(stack)
    plan = Plan(stack, rng, handover_id)
    for part in (plan.rest, plan.socketio, plan.rasa_api, plan.web, plan.consoles, plan.action_server):
        part()
    first = plan.rest_direct()
    rng.shuffle(plan.probes)
    # the flood of one client as one block, so that it outruns the refill of its bucket
    flood = [probe for probe in plan.probes if probe.target == "rest/flood"]
    plan.probes = [probe for probe in plan.probes if probe.target != "rest/flood"]
    middle = len(plan.probes) // 2
    plan.probes[middle:middle] = flood
    warm_up_count = int(len(plan.probes) * WARM_UP_SHARE)
    runner = Runner(stack, SEED)
    pids = stack.pids()

    runner.run(first + plan.probes[:warm_up_count])
    after_warm_up = memory(pids)
    runner.run(plan.probes[warm_up_count:])
    at_end = memory(pids)
    seconds = time.monotonic() - started

    dead = [name for name, pid in pids.items() if not alive(pid)]
    health = {name: requests.get(url, timeout=30).status_code for name, url in {
        "rasa": f"{stack.rasa}/status?token={TOKEN}", "web": f"{stack.web}/healthz",
        "console": f"{stack.console}/health", "actions": stack.actions.replace("/webhook", "/health")}.items()}
    answer = session_from(PROXY).post(f"{stack.rasa}/webhooks/rest/webhook", timeout=120,
                                      json={"sender": f"after-fuzz-{uuid.uuid4().hex[:8]}", "message": "wat kost een paspoort"},
                                      headers={"X-Forwarded-For": "192.0.2.99"})
    sent = len(first) + len(plan.probes)
    report = {"seed": SEED, "requests": sent, "seconds": round(seconds, 1), "live_handover": handover_id is not None,
              "memory_mb_after_warm_up": after_warm_up, "memory_mb_at_end": at_end,
              "by_target_and_status": {f"{target} {status}": count
                                       for (target, status), count in sorted(runner.counts.items(), key=str)},
              "failures": runner.failures[:200]}
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, indent=1, ensure_ascii=False), encoding="utf-8")
    print(json.dumps({k: v for k, v in report.items() if k != "failures"}, indent=1, ensure_ascii=False))

    reproduce = f"(FUZZ_SEED={SEED} reproduces this run; report in {REPORT})"
    assert sent >= 10_000
    assert not runner.failures, f"{len(runner.failures)} failures {reproduce}:\n" + "\n".join(runner.failures[:30])
    assert not dead, f"processes ended: {dead} {reproduce}"
    assert set(health.values()) == {200}, f"health after the fuzz: {health} {reproduce}"
    assert answer.status_code == 200 and any("paspoort" in (m.get("text") or "").lower() for m in answer.json()), \
        f"no real answer after the fuzz: {answer.status_code} {answer.text[:300]} {reproduce}"
    grown = {name: at_end[name] - after_warm_up[name] for name in pids
             if at_end[name] - after_warm_up[name] > MEMORY_MARGIN_MB[name]}
    assert not grown, f"resident memory grew (MB) past the margin {MEMORY_MARGIN_MB}: {grown} {reproduce}"
    assert handover_id, "no live handover could be started to fuzz the staff replies"
