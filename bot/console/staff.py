"""The staff console: queue, conversation view, claim, reply, transfer, close, callbacks.

Everything a citizen wrote is rendered by Jinja2 with autoescaping, or by the console's script
with textContent: it is always shown as text, never as HTML.
"""
from __future__ import annotations

import asyncio
import logging
import math
import secrets
from datetime import datetime, timezone
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Request, response

from bot.console.auth import cookie_name, expire_cookie, make_login_required, same_secret, session_token, set_cookie
from bot.console.labels import label, labels
from bot.console.sessions import COOKIE, Sessions
from bot.console.throttle import LoginThrottle
from bot.contract import HandoverState, HandoverStatus
from bot.handover.store import HandoverStore
from bot.integrations.rasa import RasaClient, RasaUnavailable
from bot.web.limits import client_address

log = logging.getLogger(__name__)


HERE = Path(__file__).parent
LOGIN_CSRF_COOKIE = "console_login_csrf"
MAX_REPLY = 2000

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))


def render(name: str, status: int = 200, **context) -> response.HTTPResponse:
    return response.html(templates.get_template(name).render(labels=labels(), **context), status=status)


def waiting_minutes(handover: dict) -> int:
    created = datetime.fromisoformat(handover["created_at"])
    return int((datetime.now(timezone.utc) - created).total_seconds() // 60)


def refuse(request: Request, status: int, code: str, **values) -> response.HTTPResponse:
    """A refused form, said in the console's language (labels `staff_errors`): JSON for the page's
    script (it sends X-CSRF-Token), a readable page for a plain form post (no script)."""
    message = label("staff_errors", code).format(**values)
    if request.headers.get("x-csrf-token"):
        return response.json({"error": message}, status=status)
    return render("error.html", status=status, message=message)


def create_blueprint(store: HandoverStore, rasa: RasaClient, catalogue, secure_cookies: bool,
                     trusted_proxies: tuple = ()) -> Blueprint:
    bp = Blueprint("staff", url_prefix="/staff")
    sessions = Sessions(store)
    throttle = LoginThrottle()
    # the same setting as the chat channels: behind nginx every peer is 127.0.0.1, and counting
    # failures per peer would let anyone lock the login for everybody
    # One password check at a time: parallel guesses cannot all pass the throttle before the first
    # failure is counted, and a flood of logins uses one core at most.
    checking_password = asyncio.Lock()
    bp.static("/static", str(HERE / "static"), name="static")

    login_required = make_login_required(store, sessions, render)

    def teams_of(user: dict) -> list[str] | None:
        teams = [t for t in (user["teams"] or "").split(",") if t]
        return None if user["role"] == "admin" or not teams else teams

    # ── login ──────────────────────────────────────────────────────────────────────────────
    def login_page(status: int = 200, error: str | None = None):
        """The login form with a fresh CSRF token (double submit: form field and cookie)."""
        token = secrets.token_urlsafe(32)
        resp = render("login.html", status=status, csrf=token, error=error)
        set_cookie(resp, LOGIN_CSRF_COOKIE, token, secure_cookies, max_age=1800)
        return resp

    @bp.get("/login")
    async def login_form(request: Request):
        return login_page()

    @bp.post("/login")
    async def login(request: Request):
        form = request.form or {}
        expected = request.cookies.get(cookie_name(LOGIN_CSRF_COOKIE, secure_cookies))
        if not same_secret(form.get("csrf"), expected):
            return login_page(status=403, error="expired")
        username, password = form.get("username", "")[:100], form.get("password", "")[:200]
        address = client_address(request.ip, request.headers.get("x-forwarded-for"), trusted_proxies)
        async with checking_password:
            wait = throttle.wait_seconds(username, address)
            if wait:    # the same answer for unknown and existing usernames: both are counted alike
                resp = render("login.html", status=429, csrf=expected, error="throttled",
                              minutes=math.ceil(wait / 60))
                resp.headers["Retry-After"] = str(wait)
                return resp
            # argon2 takes a fifth of a second of CPU: in a thread, so pages keep loading meanwhile
            user = await asyncio.to_thread(store.verify_user, username, password)
            if user is None:
                throttle.failed(username, address)
                return render("login.html", status=401, csrf=expected, error="invalid")
            throttle.succeeded(username)
        sessions.end(session_token(request))     # a new session id at every login; the old one ends
        token, _ = sessions.start(user["username"])
        resp = response.redirect("/editor/" if user["role"] == "editor" else "/staff/")
        set_cookie(resp, COOKIE, token, secure_cookies)
        expire_cookie(resp, LOGIN_CSRF_COOKIE, secure_cookies)
        return resp

    @bp.post("/logout")
    @login_required(roles=("staff", "editor", "admin"))
    async def logout(request: Request):
        sessions.end(session_token(request))
        resp = response.redirect("/staff/login")
        expire_cookie(resp, COOKIE, secure_cookies)
        # not "cookies": that would clear the cookies of every site under the municipality's domain
        resp.headers["Clear-Site-Data"] = '"cache", "storage"'
        return resp

    # ── queue and callbacks ────────────────────────────────────────────────────────────────
    @bp.get("/")
    @login_required()
    async def queue_page(request: Request):
        user = request.ctx.user
        handovers = store.queue(teams_of(user))
        for handover in handovers:
            handover["waiting"] = waiting_minutes(handover)
        return render("queue.html", user=user, handovers=handovers, callbacks=store.callbacks(teams=teams_of(user)),
                      csrf=request.ctx.session["csrf"])

    @bp.get("/api/queue")
    @login_required(api=True)
    async def queue_api(request: Request):
        handovers = store.queue(teams_of(request.ctx.user))
        return response.json([{**h, "waiting_minutes": waiting_minutes(h)} for h in handovers])

    @bp.post("/callbacks/<callback_id>")
    @login_required()
    async def callback_status(request: Request, callback_id: str):
        try:
            store.set_callback_status(callback_id, request.form.get("status", ""), request.ctx.user["username"],
                                      teams=teams_of(request.ctx.user))
        except ValueError:
            return refuse(request, 400, "unknown_status")
        except LookupError:       # unknown, or another team's: the same answer, so ids cannot be probed
            return refuse(request, 404, "not_found")
        return response.redirect("/staff/")

    # ── one conversation ───────────────────────────────────────────────────────────────────
    async def sync_citizen_messages(handover: dict) -> None:
        """Citizen messages arrive in Rasa's tracker (the conversation is paused there)."""
        if handover["status"] == HandoverStatus.CLOSED:
            return
        tracker = await rasa.tracker(handover["conversation_id"])
        since = datetime.fromisoformat(handover["created_at"]).timestamp() - 1
        for event in tracker.get("events", []):
            if event.get("event") == "user" and event.get("timestamp", 0) >= since and event.get("text"):
                sent_at = datetime.fromtimestamp(event["timestamp"], timezone.utc).isoformat(timespec="seconds")
                store.add_message(handover["id"], "citizen", event["text"], sent_at=sent_at,
                                  source_key=f"user:{event['timestamp']}")

    def handover_or_404(handover_id: str, user: dict) -> dict | None:
        handover = store.get(handover_id)
        teams = teams_of(user)
        if handover is None or (teams and handover["team"] not in teams and handover["claimed_by"] != user["username"]):
            return None
        return handover

    @bp.get("/handovers/<handover_id>")
    @login_required()
    async def handover_page(request: Request, handover_id: str):
        handover = handover_or_404(handover_id, request.ctx.user)
        if handover is None:
            return refuse(request, 404, "not_found")
        try:
            await sync_citizen_messages(handover)
            unreachable = None
        except RasaUnavailable:     # the stored transcript is still shown, with why it may be behind
            unreachable = label("staff_errors", "assistant_unreachable")
        return render("handover.html", user=request.ctx.user, handover=handover, messages=store.messages(handover_id),
                      teams=store_teams(), csrf=request.ctx.session["csrf"], unreachable=unreachable)

    @bp.get("/api/handovers/<handover_id>/messages")
    @login_required(api=True)
    async def messages_api(request: Request, handover_id: str):
        handover = handover_or_404(handover_id, request.ctx.user)
        if handover is None:
            return response.json({"error": "not found"}, status=404)
        try:
            await sync_citizen_messages(handover)
            reachable = True
        except RasaUnavailable:     # what is stored is still shown; the page says the rest may be late
            reachable = False
        return response.json({"handover": store.get(handover_id), "messages": store.messages(handover_id),
                              "assistant_reachable": reachable})

    @bp.post("/handovers/<handover_id>/claim")
    @login_required()
    async def claim(request: Request, handover_id: str):
        handover = handover_or_404(handover_id, request.ctx.user)
        if handover is None:
            return refuse(request, 404, "not_found")
        try:
            store.claim(handover_id, request.ctx.user["username"])
        except ValueError:
            return refuse(request, 409, "changed")
        try:
            await rasa.set_slots(handover["conversation_id"], handover=HandoverState.LIVE)
        except RasaUnavailable:
            return refuse(request, 502, "claimed_not_told")
        return response.redirect(f"/staff/handovers/{handover_id}")

    @bp.post("/handovers/<handover_id>/reply")
    @login_required()
    async def reply(request: Request, handover_id: str):
        handover = handover_or_404(handover_id, request.ctx.user)
        text = ((request.form or {}).get("text") or "").strip()
        if (handover is None or handover["status"] != HandoverStatus.LIVE
                or handover["claimed_by"] != request.ctx.user["username"]):
            return refuse(request, 409, "claim_first")
        if not text or len(text) > MAX_REPLY:
            return refuse(request, 400, "reply_length", limit=MAX_REPLY)
        name = request.ctx.user["display_name"] or request.ctx.user["username"]
        try:
            await rasa.set_slots(handover["conversation_id"], staff_message=text, staff_name=name)
            await rasa.execute(handover["conversation_id"], "action_relay_staff_message")
        except RasaUnavailable:
            # Not stored: the transcript shows what the citizen received. The text stays in the
            # form (the page's script keeps it) so that it can be sent again.
            log.warning("a staff reply could not be delivered: the assistant did not answer")
            return refuse(request, 502, "reply_not_delivered")
        store.add_message(handover_id, "staff", text, staff_name=name)
        if request.headers.get("x-csrf-token"):
            return response.json({"ok": True})
        return response.redirect(f"/staff/handovers/{handover_id}")

    @bp.post("/handovers/<handover_id>/transfer")
    @login_required()
    async def transfer(request: Request, handover_id: str):
        team = (request.form or {}).get("team", "")
        if handover_or_404(handover_id, request.ctx.user) is None or team not in store_teams():
            return refuse(request, 400, "unknown_team")
        store.transfer(handover_id, team)
        return response.redirect("/staff/")

    @bp.post("/handovers/<handover_id>/close")
    @login_required()
    async def close(request: Request, handover_id: str):
        handover = handover_or_404(handover_id, request.ctx.user)
        if handover is None:
            return refuse(request, 404, "not_found")
        try:
            store.close(handover_id)
        except ValueError:
            return refuse(request, 409, "changed")
        try:
            await rasa.append_events(handover["conversation_id"], [{"event": "resume"}])
            await rasa.execute(handover["conversation_id"], "action_handover_closed")
        except RasaUnavailable:
            return refuse(request, 502, "closed_not_told")
        return response.redirect("/staff/")

    def store_teams() -> list[str]:
        return list(catalogue.municipality().get("teams", {"algemeen": []}))

    return bp
