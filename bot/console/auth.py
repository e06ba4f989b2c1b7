"""Login and roles, shared by the consoles' blueprints (staff, editor).

`make_login_required(store, sessions, render)` returns the `login_required(roles, api)` decorator:
without a live session a page redirects to the login form, while an API call or a POST gets 401
(a POST is never replayed after logging in, so the sender must know it was not processed); a
user whose role is not in `roles` gets 403; every POST must carry the session's CSRF token (form
field `csrf` or header `X-CSRF-Token`). The handler finds the user and session in `request.ctx`.

Cookies: HttpOnly, SameSite=Strict, Path=/; in production (`app.ctx.secure_cookies`, see
bot/console/deployment.py) also Secure, with the `__Host-` prefix that keeps them bound to this
host (OWASP ASVS 3.4.1-3.4.4).
"""
from __future__ import annotations

import functools
import secrets

from sanic import Request, response

from bot.console.sessions import COOKIE, Sessions
from bot.handover.store import HandoverStore

LOGIN_PAGE = "/staff/login"
SECURE_PREFIX = "__Host-"


def cookie_name(name: str, secure: bool) -> str:
    return SECURE_PREFIX + name if secure else name


def secure_cookies(request: Request) -> bool:
    return getattr(request.app.ctx, "secure_cookies", False)


def session_token(request: Request) -> str | None:
    return request.cookies.get(cookie_name(COOKIE, secure_cookies(request)))


def set_cookie(resp, name: str, value: str, secure: bool, max_age: int | None = None) -> None:
    """Set cookie `name` (prefixed with __Host- when secure) with the flags every console cookie has."""
    name = cookie_name(name, secure)
    resp.cookies[name] = value
    resp.cookies[name]["httponly"] = True
    resp.cookies[name]["samesite"] = "Strict"
    resp.cookies[name]["path"] = "/"
    resp.cookies[name]["secure"] = secure
    if max_age is not None:
        resp.cookies[name]["max-age"] = max_age


def expire_cookie(resp, name: str, secure: bool) -> None:
    # with the same flags as when it was set: browsers ignore a __Host- cookie without Secure
    set_cookie(resp, name, "", secure, max_age=0)


def same_secret(sent: str | None, expected: str | None) -> bool:
    """Constant-time comparison; as bytes, since compare_digest refuses non-ASCII text (a 500)."""
    if not sent or not expected:
        return False
    return secrets.compare_digest(sent.encode(), expected.encode())


def make_login_required(store: HandoverStore, sessions: Sessions, render):
    def login_required(roles=("staff", "admin"), api=False):
        def decorator(handler):
            @functools.wraps(handler)
            async def wrapper(request: Request, *args, **kwargs):
                session = sessions.find(session_token(request))
                if session is None:
                    if api or request.headers.get("x-csrf-token"):
                        return response.json({"error": "login required"}, status=401)
                    if request.method == "POST":
                        return render("session_ended.html", status=401)
                    return response.redirect(LOGIN_PAGE)
                user = store.user(session["username"])
                if user is None or user["role"] not in roles:
                    return response.json({"error": "forbidden"}, status=403) if api \
                        else render("error.html", status=403, message="U heeft geen toegang tot deze pagina.")
                if request.method == "POST":
                    sent = request.headers.get("x-csrf-token") or (request.form.get("csrf") if request.form else None)
                    if not same_secret(sent, session["csrf"]):
                        return response.json({"error": "invalid CSRF token"}, status=403)
                store.touch_presence(user["username"])
                request.ctx.user, request.ctx.session = user, session
                return await handler(request, *args, **kwargs)
            return wrapper
        return decorator
    return login_required
