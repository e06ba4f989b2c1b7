"""CSRF protection on every state-changing request (OWASP ASVS 4.2.2, 13.2.3): each POST route of
the router, without a token, with a wrong one and with another session's valid one, as form field
and as X-CSRF-Token header; and the login form's double-submit token."""
from __future__ import annotations

import pytest
import requests

from tests.security.conftest import ACCOUNTS, csrf_of
from tests.security.routes import ROLES, allowed_roles, console_routes

POSTS = [route for route in console_routes() if route.method == "POST" and not route.public]


def member(route) -> str:
    """A role allowed on `route`, preferring the one the route is for over admin."""
    return next(role for role in ROLES if role in allowed_roles(route))


def test_every_post_route_is_covered():
    assert {route.method for route in console_routes()} <= {"GET", "HEAD", "POST"}, \
        "a new HTTP method changes state too: add it to POSTS"
    assert len(POSTS) >= 10


@pytest.mark.parametrize("route", POSTS, ids=str)
def test_posts_without_the_sessions_token_are_refused(console, route):
    session = console.login(member(route))
    valid = console.csrf(session)
    other_session = console.csrf(console.login("admin"))     # valid, but for someone else
    attempts = [
        ({}, {}),                                            # no token at all
        ({"csrf": ""}, {}),
        ({"csrf": "wrong"}, {}),
        ({"csrf": valid[:-1]}, {}),                          # one character short
        ({"csrf": "é" * len(valid)}, {}),                    # non-ASCII must not crash the comparison
        ({"csrf": other_session}, {}),
        ({}, {"X-CSRF-Token": "wrong"}),
        ({}, {"X-CSRF-Token": other_session}),
    ]
    for data, headers in attempts:
        reply = session.post(console.url + route.path, data=data, headers=headers, allow_redirects=False)
        assert reply.status_code == 403 and reply.json() == {"error": "invalid CSRF token"}, (data, headers)
    # the same session with its own token gets past the check (as header, as the console's script sends it)
    reply = session.post(console.url + route.path, headers={"X-CSRF-Token": valid}, allow_redirects=False)
    assert reply.status_code not in (401, 403), reply.text[:300]


def test_refused_posts_change_nothing(console):
    """Logging out is the one POST whose effect is visible to every test: without the token the
    session stays alive."""
    session = console.login("staff")
    session.post(f"{console.url}/staff/logout", data={"csrf": "wrong"}, allow_redirects=False)
    assert session.get(f"{console.url}/staff/", allow_redirects=False).status_code == 200


def test_login_needs_the_forms_token(console):
    username, password = ACCOUNTS["staff"]
    for csrf, cookie in ((None, True), ("wrong", True), ("", True), ("form-token", False)):
        session = requests.Session()
        form = session.get(f"{console.url}/staff/login").text
        if not cookie:
            session.cookies.clear()
        data = {"username": username, "password": password}
        if csrf is not None:
            data["csrf"] = csrf_of(form) if csrf == "form-token" else csrf
        reply = session.post(f"{console.url}/staff/login", data=data, allow_redirects=False)
        assert reply.status_code == 403 and "Het formulier was verlopen" in reply.text, (csrf, cookie)
        assert "console_session" not in reply.headers.get("set-cookie", "")
        # the refusal offers a fresh form that works
        retry = session.post(f"{console.url}/staff/login", allow_redirects=False,
                             data={"csrf": csrf_of(reply.text), "username": username, "password": password})
        assert retry.status_code == 302, (csrf, cookie)
