"""Every console route refuses anonymous visitors and the wrong role (OWASP ASVS 4.1.1, 4.1.3,
4.1.5), over real HTTP against `python -m bot.console`. The routes come from the app's router
(tests/security/routes.py), so a new route is tested without anyone writing a test for it."""
from __future__ import annotations

import pytest
import requests

from tests.security.routes import ROLES, allowed_roles, console_routes, protected_routes

PROTECTED = protected_routes()
RULED = [route for route in PROTECTED if allowed_roles(route) is not None]   # the others fail the rule test
WRONG_ROLE = [(route, role) for route in RULED for role in ROLES if role not in allowed_roles(route)]
RIGHT_ROLE = [(route, role) for route in RULED for role in sorted(allowed_roles(route))]


def ids(cases) -> list[str]:
    return [f"{route} as {role}" for route, role in cases]


def send(session: requests.Session, console, route, csrf: str | None = None) -> requests.Response:
    if route.method == "POST":
        return session.post(console.url + route.path, data={"csrf": csrf} if csrf else {}, allow_redirects=False)
    return session.request(route.method, console.url + route.path, allow_redirects=False)


@pytest.fixture(scope="module")
def sessions(console) -> dict[str, requests.Session]:
    """One logged-in session per role, shared by the tests that are refused (they change nothing)."""
    return {role: console.login(role) for role in ROLES}


def test_the_router_lists_the_consoles():
    patterns = {route.pattern for route in console_routes()}
    # a sanity check on the route listing itself, so that an empty list cannot pass everything
    assert {"/staff/", "/staff/login", "/staff/handovers/<handover_id>/claim", "/editor/",
            "/editor/products/<product_slug>/publish"} <= patterns
    assert len(PROTECTED) >= 20


def test_every_route_has_an_access_rule():
    missing = [str(route) for route in console_routes() if allowed_roles(route) is None]
    assert not missing, ("routes outside /staff/ and /editor/ without an access rule in "
                         f"tests/security/routes.py: {missing}")


@pytest.mark.parametrize("route", PROTECTED, ids=str)
def test_anonymous_visitors_are_refused(console, route):
    reply = send(requests.Session(), console, route, csrf="anonymous")
    if route.method == "GET" and not route.api:
        assert reply.status_code == 302 and reply.headers["location"] == "/staff/login"
    else:
        assert reply.status_code == 401, reply.text[:300]
    assert "set-cookie" not in {name.lower() for name in reply.headers}


@pytest.mark.parametrize("route,role", WRONG_ROLE, ids=ids(WRONG_ROLE))
def test_the_wrong_role_gets_403(console, sessions, route, role):
    session = sessions[role]
    # a valid CSRF token of the session: the refusal must come from the role, not from the token
    reply = send(session, console, route, csrf=console.csrf(session))
    assert reply.status_code == 403, reply.text[:300]
    assert "invalid CSRF token" not in reply.text


@pytest.mark.parametrize("route,role", RIGHT_ROLE, ids=ids(RIGHT_ROLE))
def test_the_right_roles_get_in(console, route, role):
    session = console.login(role)       # its own session: logging out must not end the shared ones
    reply = send(session, console, route, csrf=console.csrf(session))
    assert reply.status_code not in (401, 403), reply.text[:300]
    assert reply.status_code < 500, reply.text[:300]
    if route.pattern != "/staff/logout":          # logging out ends on the login page
        assert reply.headers.get("location") != "/staff/login"
