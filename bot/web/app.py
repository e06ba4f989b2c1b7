"""The web app around the chat widget: a demo municipal page, the privacy statement, the widget's
files and the feedback endpoint.

    create_app(rasa_url, rasa_token) -> Sanic
      GET  /                 demo page of "Gemeente Voorbeeldstad" with the widget's one script tag
      GET  /privacy          privacy statement of the chat
      GET  /widget/<file>    widget.js, widget.css, socket.io.min.js (and the demo page's CSS)
      POST /api/feedback     thumbs up/down (see bot.web.feedback)

Every response carries X-Content-Type-Options and Referrer-Policy; HTML responses also a
Content-Security-Policy that allows scripts and styles from this origin only and connections to
this origin and the Rasa server (http(s) and ws(s)).
"""
from __future__ import annotations

import html
import itertools
from pathlib import Path
from urllib.parse import urlsplit

import aiohttp
from sanic import Sanic, response
from sanic.exceptions import NotFound
from sanic.request import Request

from bot.ops import readiness
from bot.web import feedback

STATIC_DIR = Path(__file__).resolve().parent / "static"
WIDGET_FILES = {
    "widget.js": "text/javascript; charset=utf-8",
    "widget.css": "text/css; charset=utf-8",
    "socket.io.min.js": "text/javascript; charset=utf-8",
    "demo.css": "text/css; charset=utf-8",
}
_app_numbers = itertools.count(1)


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"not an http(s) URL: {url!r}")
    return f"{parts.scheme}://{parts.netloc}"


def content_security_policy(socket_url: str) -> str:
    rasa = origin_of(socket_url)
    websocket = ("wss" if rasa.startswith("https") else "ws") + rasa[rasa.index("://"):]
    return "; ".join([
        "default-src 'self'",
        f"connect-src 'self' {rasa} {websocket}",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
    ])


def render_page(name: str, values: dict[str, str]) -> str:
    text = (STATIC_DIR / name).read_text(encoding="utf-8")
    for key, value in values.items():
        text = text.replace("{{" + key + "}}", html.escape(value, quote=True))
    return text


def create_app(rasa_url: str, rasa_token: str, *, public_rasa_url: str | None = None,
               insights_db: Path | None = None) -> Sanic:
    """The Sanic app. `rasa_url` is where this server reaches Rasa's HTTP API (tracker look-ups);
    `public_rasa_url` is where citizens' browsers reach its socket.io channel (default: the same)."""
    socket_url = origin_of(public_rasa_url or rasa_url)
    csp = content_security_policy(socket_url)
    db_path = insights_db or feedback.database_url()      # a database URL or an SQLite file
    app = Sanic(f"voorbeeldstad_web_{next(_app_numbers)}")
    app.config.REQUEST_MAX_SIZE = 64 * 1024
    app.config.KEEP_ALIVE_TIMEOUT = 5
    page_values = {"socket_url": socket_url, "privacy_url": "/privacy"}

    @app.before_server_start
    async def open_client(app_, _loop):
        app_.ctx.http = aiohttp.ClientSession()

    @app.after_server_stop
    async def close_client(app_, _loop):
        await app_.ctx.http.close()

    @app.get("/")
    async def demo(_request: Request):
        return response.html(render_page("demo.html", page_values))

    @app.get("/privacy")
    async def privacy(_request: Request):
        return response.html(render_page("privacy.html", page_values))

    @app.route("/widget/<name:str>", methods=["GET", "HEAD"])
    async def widget_file(_request: Request, name: str):
        if name not in WIDGET_FILES:
            raise NotFound("no such file")
        return await response.file(STATIC_DIR / name, mime_type=WIDGET_FILES[name],
                                   headers={"Cache-Control": "no-cache"})

    @app.post("/api/feedback")
    async def give_feedback(request: Request):
        return await feedback.handle(request, rasa_url, rasa_token, db_path, request.app.ctx.http)

    @app.get("/favicon.ico")
    async def favicon(_request: Request):
        return response.empty(status=204)

    @app.get("/healthz")
    async def health(_request: Request):
        return response.json({"status": "ok"})

    @app.get("/ready")
    async def ready(request: Request):
        return await readiness.ready({"rasa": readiness.rasa_server(lambda: request.app.ctx.http, rasa_url)})

    @app.on_response
    async def security_headers(_request: Request, resp):
        resp.headers["X-Content-Type-Options"] = "nosniff"
        resp.headers["Referrer-Policy"] = "same-origin"
        if (resp.content_type or "").startswith("text/html"):
            resp.headers["Content-Security-Policy"] = csp
            resp.headers["X-Frame-Options"] = "SAMEORIGIN"

    return app
