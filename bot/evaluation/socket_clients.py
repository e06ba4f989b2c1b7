"""Socket.io clients in a real browser: what idle pages cost the server, and the round trip per
transport. A benchmark, not a test: it prints figures (issue #17).

python -m bot.evaluation.socket_clients [--pages 50] [--seconds 60] [--messages 40]

1. Idle pages. For each client, `--pages` pages of another site are opened in headless Chromium
   (one browser context each), connected, then left alone for `--seconds`; the Rasa server's CPU
   time (user + system, from /proc) and the clients' socket.io HTTP requests are counted over that
   time. Clients: rasa-webchat 1.0.1 with its documented settings (socket.io-client 3, default
   transports), the project's widget (WebSocket after long-polling, its default), and the
   project's widget forced to long-polling (`data-transports="polling"`).
2. Round trip. One page with socket.io-client 4 sends `--messages` held-out citizen questions,
   one at a time, over long-polling only and over WebSocket only, and times each until the first
   answer message arrives (Rasa, NLU, action server and catalogue included).

Needs Chromium (scripts/install-browser.sh) and rasa-webchat (scripts/install-webchat.sh).
"""
from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import statistics
import tempfile
import threading
import time
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bot.evaluation.heldout import TEST, load_cases
from bot.evaluation.setups import MODEL
from bot.servers import free_port, running_assistant
from bot.settings import PROJECT_DIR

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
WEBCHAT = PROJECT_DIR / "build" / "vendor" / "rasa-webchat-1.0.1" / "lib" / "index.js"
STATIC = PROJECT_DIR / "bot" / "web" / "static"
TOKEN = "socket-clients-test-token"

PAGES = {
    "webchat.html": """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>rasa-webchat</title></head>
<body><script src="/rasa-webchat.js"></script><script>
WebChat.default({{socketUrl: "{socket_url}", socketPath: "/socket.io/", initPayload: "/greet",
                  customData: {{language: "nl"}}}}, null);
</script></body></html>""",
    "widget.html": """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>widget</title></head>
<body><script src="/widget.js" data-socket-url="{socket_url}" defer></script></body></html>""",
    "widget-polling.html": """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>widget</title></head>
<body><script src="/widget.js" data-socket-url="{socket_url}"
  data-transports="polling" defer></script></body></html>""",
    "roundtrip.html": """<!doctype html><html lang="nl"><head><meta charset="utf-8"><title>round trip</title></head>
<body><script src="/socket.io.min.js"></script><script>
window.roundTrips = async function (transports, texts) {{
  const socket = io("{socket_url}", {{ transports: transports, upgrade: false }});
  const answers = [];
  socket.on("bot_uttered", () => {{ const next = answers.shift(); if (next) next(); }});
  const session = await new Promise(resolve => {{
    socket.on("session_confirm", id => resolve(typeof id === "string" ? id : id.session_id));
    socket.on("connect", () => socket.emit("session_request", {{ session_id: null }}));
  }});
  const timings = [];
  for (const text of texts) {{
    const started = performance.now();
    await new Promise(resolve => {{
      answers.push(resolve);
      socket.emit("user_uttered", {{ message: text, session_id: session }});
    }});
    timings.push(performance.now() - started);
    await new Promise(resolve => setTimeout(resolve, 300));   // the rest of the answer
    answers.length = 0;
  }}
  socket.disconnect();
  return timings;
}};
</script></body></html>""",
}
IDLE_CLIENTS = {
    "rasa-webchat 1.0.1 (socket.io-client 3, default settings)": ("webchat.html", ".rw-launcher", None),
    "project widget (WebSocket after long-polling: default)": ("widget.html", ".vbs-launcher",
                                                              "() => window.VoorbeeldstadWidget.connected()"),
    "project widget (long-polling only)": ("widget-polling.html", ".vbs-launcher",
                                           "() => window.VoorbeeldstadWidget.connected()"),
}


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@contextlib.contextmanager
def serving(root: Path, port: int):
    server = ThreadingHTTPServer(("127.0.0.1", port), partial(_QuietHandler, directory=str(root)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process so far, from /proc/<pid>/stat."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def idle_pages(browser, site: str, page_file: str, launcher: str, connected: str | None, pages: int,
               seconds: float, rasa_pid: int) -> dict:
    requests_seen: list[float] = []
    contexts, page = [], None
    try:
        for _ in range(pages):
            context = browser.new_context()
            contexts.append(context)
            page = context.new_page()
            page.on("request", lambda r: requests_seen.append(time.monotonic()) if "/socket.io/" in r.url else None)
            page.goto(f"{site}/{page_file}")
            page.locator(launcher).wait_for(timeout=60_000)
            if connected:
                page.locator(launcher).click()
                page.wait_for_function(connected, timeout=60_000)
        if page is None:
            raise ValueError("idle_pages needs at least one page")
        page.wait_for_timeout(5000)          # upgrades and greetings done
        start, cpu_before = time.monotonic(), cpu_seconds(rasa_pid)
        # Playwright delivers the pages' events (the requests counted) while it waits, not during time.sleep.
        page.wait_for_timeout(seconds * 1000)
        cpu = cpu_seconds(rasa_pid) - cpu_before
        requests = sum(1 for t in requests_seen if t >= start)
        return {"cpu_seconds": cpu, "cpu_share": cpu / seconds, "requests": requests,
                "requests_per_page_per_minute": requests / pages * 60 / seconds}
    finally:
        for context in contexts:
            context.close()


def round_trips(browser, site: str, texts: list[str], transports: list[str]) -> list[float]:
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{site}/roundtrip.html")
        return page.evaluate("([transports, texts]) => window.roundTrips(transports, texts)", [transports, texts])
    finally:
        context.close()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pages", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--messages", type=int, default=40)
    args = parser.parse_args(argv)
    for needed, how in ((CHROMIUM, "bash scripts/install-browser.sh"), (WEBCHAT, "bash scripts/install-webchat.sh")):
        if not needed.exists():
            parser.error(f"{needed} is missing: run `{how}`")
    from playwright.sync_api import sync_playwright

    texts = [case.text for case in load_cases(TEST) if not case.negative][:args.messages]
    started = time.time()
    with tempfile.TemporaryDirectory() as scratch:
        root, site_port = Path(scratch) / "site", free_port()
        root.mkdir()
        origin = f"http://127.0.0.1:{site_port}"
        env = {"WIDGET_ORIGINS": origin}
        with running_assistant(MODEL, token=TOKEN, workdir=Path(scratch), extra_env=env) as assistant, \
                serving(root, site_port) as site, sync_playwright() as playwright:
            shutil.copy(WEBCHAT, root / "rasa-webchat.js")
            for name in ("widget.js", "widget.css", "socket.io.min.js"):
                shutil.copy(STATIC / name, root / name)
            for name, template in PAGES.items():
                (root / name).write_text(template.format(socket_url=assistant.url), encoding="utf-8")
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            rasa_pid = assistant.processes["rasa"].pid
            print(f"\nIdle pages: {args.pages} pages per client, {args.seconds:.0f} s, Rasa server CPU and "
                  "socket.io HTTP requests\n")
            print("| client | Rasa server CPU | share of one core | requests | per page per minute |")
            print("|---|---|---|---|---|")
            for client, (page_file, launcher, connected) in IDLE_CLIENTS.items():
                figures = idle_pages(browser, site, page_file, launcher, connected, args.pages, args.seconds,
                                     rasa_pid)
                print(f"| {client} | {figures['cpu_seconds']:.2f} s | {figures['cpu_share']:.1%} | "
                      f"{figures['requests']} | {figures['requests_per_page_per_minute']:.2f} |", flush=True)
            print(f"\nRound trip to the first answer message, {len(texts)} held-out questions one at a time\n")
            print("| transport | p50 | p95 |")
            print("|---|---|---|")
            round_trips(browser, site, texts[:5], ["websocket"])      # warm-up: the first answers are slower
            for transports in (["polling"], ["websocket"]):
                timings = round_trips(browser, site, texts, transports)
                print(f"| {transports[0]} | {statistics.median(timings):.0f} ms | "
                      f"{percentile(timings, 0.95):.0f} ms |", flush=True)
            browser.close()
    print(f"\nsocket.io client benchmark took {time.time() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
