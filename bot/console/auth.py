"""Login and roles, shared by the consoles' blueprints (staff, editor).

`make_login_required(store, sessions, render)` returns the `login_required(roles, api)` decorator:
without a live session a page redirects to the login form (an API call gets 401); a user whose
role is not in `roles` gets 403; every POST must carry the session's CSRF token (form field
`csrf` or header `X-CSRF-Token`). The handler finds the user and session in `request.ctx`.
"""
from __future__ import annotations

import functools
import secrets

from sanic import Request, response

from bot.console.sessions import COOKIE, Sessions
from bot.handover.store import HandoverStore

LOGIN_PAGE = "/staff/login"


def make_login_required(store: HandoverStore, sessions: Sessions, render):
    def login_required(roles=("staff", "admin"), api=False):
        def decorator(handler):
            @functools.wraps(handler)
            async def wrapper(request: Request, *args, **kwargs):
                session = sessions.find(request.cookies.get(COOKIE))
                if session is None:
                    return response.json({"error": "login required"}, status=401) if api \
                        else response.redirect(LOGIN_PAGE)
                user = store.user(session["username"])
                if user is None or user["role"] not in roles:
                    return response.json({"error": "forbidden"}, status=403) if api \
                        else render("error.html", status=403, message="U heeft geen toegang tot deze pagina.")
                if request.method == "POST":
                    sent = request.headers.get("x-csrf-token") or (request.form.get("csrf") if request.form else None)
                    if not sent or not secrets.compare_digest(sent, session["csrf"]):
                        return response.json({"error": "invalid CSRF token"}, status=403)
                store.touch_presence(user["username"])
                request.ctx.user, request.ctx.session = user, session
                return await handler(request, *args, **kwargs)
            return wrapper
        return decorator
    return login_required
