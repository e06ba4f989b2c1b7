"""Cookie flags (OWASP ASVS 3.4.1-3.4.4) on a laptop and in production, and the security headers
on every response, errors included (ASVS 14.4.1-14.4.7, 14.5.3, 8.2.1)."""
from __future__ import annotations

import re

import pytest
import requests

from tests.security.conftest import ACCOUNTS, csrf_of
from tests.security.routes import console_routes

REQUIRED_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
CSP_DIRECTIVES = ("default-src 'self'", "script-src 'self'", "object-src 'none'", "base-uri 'none'",
                  "frame-ancestors 'none'", "form-action 'self'")


def set_cookies(reply: requests.Response) -> dict[str, str]:
    """name -> the whole Set-Cookie header, one per cookie."""
    headers = reply.raw.headers.getlist("Set-Cookie")
    return {header.split("=", 1)[0]: header for header in headers}


def attributes(header: str) -> dict[str, str]:
    parts = [part.strip() for part in header.split(";")[1:]]
    return {part.split("=", 1)[0].lower(): (part.split("=", 1)[1] if "=" in part else "") for part in parts}


def login_by_hand(console, username: str, password: str) -> tuple[requests.Response, requests.Response]:
    """Log in sending cookies by hand: requests (rightly) never sends a Secure cookie over http."""
    form = requests.get(f"{console.url}/staff/login")
    name, header = next(iter(set_cookies(form).items()))
    value = header.split("=", 1)[1].split(";", 1)[0]
    reply = requests.post(f"{console.url}/staff/login", allow_redirects=False, headers={"Cookie": f"{name}={value}"},
                          data={"csrf": csrf_of(form.text), "username": username, "password": password})
    return form, reply


def assert_console_cookie(header: str, secure: bool) -> dict[str, str]:
    flags = attributes(header)
    assert "httponly" in flags and flags["samesite"].lower() == "strict" and flags["path"] == "/", header
    assert ("secure" in flags) == secure, header
    assert "domain" not in flags, header         # host-only
    return flags


def test_cookies_on_a_laptop_are_httponly_and_samesite(console):
    form, reply = login_by_hand(console, *ACCOUNTS["staff"])
    login_cookie = set_cookies(form)["console_login_csrf"]
    assert assert_console_cookie(login_cookie, secure=False)["max-age"] == "1800"
    cookies = set_cookies(reply)
    assert reply.status_code == 302
    session_flags = assert_console_cookie(cookies["console_session"], secure=False)
    assert "max-age" not in session_flags and "expires" not in session_flags     # ends with the browser
    assert attributes(cookies["console_login_csrf"])["max-age"] == "0"            # spent


def test_cookies_in_production_are_secure_and_host_bound(secure_console):
    form, reply = login_by_hand(secure_console, *ACCOUNTS["editor"])
    assert set(set_cookies(form)) == {"__Host-console_login_csrf"}
    assert_console_cookie(set_cookies(form)["__Host-console_login_csrf"], secure=True)
    cookies = set_cookies(reply)
    assert reply.status_code == 302, reply.text[:300]
    assert_console_cookie(cookies["__Host-console_session"], secure=True)
    assert_console_cookie(cookies["__Host-console_login_csrf"], secure=True)      # expired with Secure, or ignored
    token = cookies["__Host-console_session"].split("=", 1)[1].split(";", 1)[0]
    page = requests.get(f"{secure_console.url}/editor/", headers={"Cookie": f"__Host-console_session={token}"},
                        allow_redirects=False)
    assert page.status_code == 200
    # the same token under the name without the prefix (which any subdomain could set) is not accepted
    page = requests.get(f"{secure_console.url}/editor/", headers={"Cookie": f"console_session={token}"},
                        allow_redirects=False)
    assert page.status_code == 302 and page.headers["location"] == "/staff/login"
    assert page.headers["Strict-Transport-Security"] == "max-age=31536000"


def test_logout_expires_the_cookie_with_the_same_flags(secure_console):
    _, reply = login_by_hand(secure_console, *ACCOUNTS["staff"])
    cookie = set_cookies(reply)["__Host-console_session"].split(";", 1)[0]
    page = requests.get(f"{secure_console.url}/staff/", headers={"Cookie": cookie})
    out = requests.post(f"{secure_console.url}/staff/logout", headers={"Cookie": cookie}, allow_redirects=False,
                        data={"csrf": csrf_of(page.text)})
    assert out.status_code == 302
    flags = assert_console_cookie(set_cookies(out)["__Host-console_session"], secure=True)
    assert flags["max-age"] == "0"


def assert_security_headers(reply: requests.Response) -> None:
    where = f"{reply.request.method} {reply.request.path_url} -> {reply.status_code}"
    for header, value in REQUIRED_HEADERS.items():
        assert reply.headers.get(header) == value, (where, header)
    csp = reply.headers.get("Content-Security-Policy", "")
    assert all(directive in csp for directive in CSP_DIRECTIVES), (where, csp)
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, where
    assert "Access-Control-Allow-Origin" not in reply.headers, where
    assert "Server" not in reply.headers or not re.search(r"\d", reply.headers["Server"]), where
    if reply.headers.get("content-type", "").startswith(("text/", "application/json")) and reply.content:
        assert "charset=utf-8" in reply.headers["content-type"].lower() \
            or reply.headers["content-type"].startswith("application/json"), where


@pytest.mark.parametrize("who", ["anonymous", "staff", "editor", "admin"])
def test_every_route_sends_the_security_headers(console, who):
    session = requests.Session() if who == "anonymous" else console.login(who)
    for route in console_routes():
        if route.pattern == "/staff/logout":
            continue                                   # would end the session the loop uses
        data = {"csrf": console.csrf(session)} if route.method == "POST" and who != "anonymous" else None
        reply = session.request(route.method, console.url + route.path, data=data, allow_redirects=False)
        assert_security_headers(reply)


def test_errors_and_odd_requests_send_the_security_headers(console):
    anonymous = requests.Session()
    replies = [
        anonymous.get(f"{console.url}/no-such-page"),                           # 404
        anonymous.delete(f"{console.url}/staff/"),                              # 405
        anonymous.get(f"{console.url}/staff/static/../app.py"),                 # traversal attempt
        anonymous.post(f"{console.url}/staff/login", data="x" * 200_000),     # too large
        anonymous.post(f"{console.url}/staff/logout"),                          # 401
        anonymous.get(f"{console.url}/staff/static/"),                          # no directory listing
    ]
    statuses = [reply.status_code for reply in replies]
    assert statuses[0] == 404 and statuses[1] == 405 and statuses[2] in (400, 403, 404) and statuses[3] == 413
    assert statuses[4] == 401
    # Sanic 21.12 answers a static folder with a 500 (IsADirectoryError), never with a listing
    assert statuses[5] != 200 and "console.css" not in replies[5].text
    for reply in replies:
        assert_security_headers(reply)
        assert "Traceback" not in reply.text and "File \"" not in reply.text      # no debug output


def test_production_also_sends_hsts_on_every_response(secure_console):
    for path in ("/", "/health", "/staff/login", "/staff/static/console.css", "/no-such-page"):
        reply = requests.get(secure_console.url + path, allow_redirects=False)
        assert reply.headers.get("Strict-Transport-Security") == "max-age=31536000", path
        assert_security_headers(reply)


def test_a_laptop_console_sends_no_hsts(console):
    # HSTS on http://127.0.0.1 is ignored by browsers, but would pin a reused host name to HTTPS
    assert "Strict-Transport-Security" not in requests.get(f"{console.url}/staff/login").headers
