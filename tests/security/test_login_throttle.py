"""Brute-force protection of the login (OWASP ASVS 2.2.1): at most 5 failed logins per username
and 20 per client address in 15 minutes, with a polite answer that is the same for existing and
unknown usernames."""
from __future__ import annotations

import re

import pytest
import requests

from bot.console.throttle import LoginThrottle
from tests.security.conftest import ACCOUNTS, running_console


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


def test_five_failures_lock_a_username_for_fifteen_minutes(clock):
    throttle = LoginThrottle(clock=clock)
    for _ in range(5):
        assert throttle.wait_seconds("sanne", "10.0.0.1") == 0
        throttle.failed("sanne", "10.0.0.1")
        clock.now += 10
    assert throttle.wait_seconds("sanne", "10.0.0.1") == 15 * 60 - 50     # until the first failure is 15 min old
    assert throttle.wait_seconds("Sanne ", "10.0.0.2") > 0                 # same name, other case, other address
    assert throttle.wait_seconds("eva", "10.0.0.1") == 0                   # the address has room left
    clock.now += 15 * 60 - 50
    assert throttle.wait_seconds("sanne", "10.0.0.1") == 0                 # one failure left the window


def test_twenty_failures_lock_an_address_whatever_the_usernames(clock):
    throttle = LoginThrottle(clock=clock)
    for attempt in range(20):
        throttle.failed(f"guess-{attempt}", "10.0.0.9")
    assert throttle.wait_seconds("someone-else", "10.0.0.9") == 15 * 60
    assert throttle.wait_seconds("someone-else", "10.0.0.10") == 0


def test_success_clears_the_username_but_not_the_address(clock):
    throttle = LoginThrottle(clock=clock)
    for _ in range(4):
        throttle.failed("sanne", "10.0.0.1")
    throttle.succeeded("sanne")
    assert throttle.wait_seconds("sanne", "10.0.0.1") == 0
    for attempt in range(16):
        throttle.failed(f"guess-{attempt}", "10.0.0.1")
    throttle.succeeded("eva")       # an attacker's own valid account does not reset the address
    assert throttle.wait_seconds("eva", "10.0.0.1") > 0


def test_memory_stays_bounded_under_a_username_spray(clock):
    throttle = LoginThrottle(clock=clock, max_keys=1000)
    for attempt in range(5000):
        throttle.failed(f"spray-{attempt}", f"10.1.{attempt // 250}.{attempt % 250}")
        throttle.wait_seconds(f"other-{attempt}", "10.2.0.1")       # checking alone stores nothing
    assert len(throttle._failures) <= 1001


# ── over HTTP, on a console of its own: these tests use up 127.0.0.1's failures ──────────────
@pytest.fixture(scope="module")
def throttled_console(workspace):
    with running_console(workspace, "throttle-console") as console:
        yield console


def attempt(console, username: str, password: str, forwarded_for: str | None = None) -> requests.Response:
    session = requests.Session()
    if forwarded_for:
        session.headers["X-Forwarded-For"] = forwarded_for
    return console.try_login(session, username, password)


def without_token(page: str) -> str:
    return re.sub(r'name="csrf" value="[^"]+"', "", page)


def test_a_locked_login_refuses_even_the_right_password_politely(throttled_console):
    console = throttled_console
    username, password = ACCOUNTS["staff"]
    for _ in range(5):
        assert attempt(console, username, "not-the-password").status_code == 401
    locked = attempt(console, username, password)
    assert locked.status_code == 429
    assert "console_session" not in locked.headers.get("set-cookie", "")
    assert 0 < int(locked.headers["Retry-After"]) <= 15 * 60
    assert "Probeer het over 15 minuten opnieuw." in locked.text

    # an unknown username is counted and answered exactly alike: the lock reveals no accounts
    for _ in range(5):
        assert attempt(console, "no-such-user", "not-the-password").status_code == 401
    unknown = attempt(console, "no-such-user", "not-the-password")
    assert unknown.status_code == 429 and without_token(unknown.text) == without_token(locked.text)

    # meanwhile others log in from the same address (10 failures of the 20 it may have)
    assert attempt(console, *ACCOUNTS["editor"]).status_code == 302

    for guess in range(10):
        assert attempt(console, f"guess-{guess}", "not-the-password").status_code == 401
    assert attempt(console, *ACCOUNTS["admin"]).status_code == 429        # the address is locked now
    # without TRUSTED_PROXIES a client cannot pose as another address
    assert attempt(console, *ACCOUNTS["admin"], forwarded_for="203.0.113.99").status_code == 429


@pytest.fixture(scope="module")
def proxied_console(workspace):
    """The consoles behind a reverse proxy on the same machine, as deploy/nginx has them."""
    with running_console(workspace, "proxied-console", TRUSTED_PROXIES="127.0.0.1") as console:
        yield console


def test_behind_a_trusted_proxy_each_client_address_counts_on_its_own(proxied_console):
    console, attacker, colleague = proxied_console, "198.51.100.7, 203.0.113.5", "203.0.113.6"
    for guess in range(20):
        assert attempt(console, f"guess-{guess}", "not-the-password", attacker).status_code == 401
    assert attempt(console, *ACCOUNTS["staff"], forwarded_for=attacker).status_code == 429
    # the proxy's own address is not what is counted: a colleague elsewhere logs in
    assert attempt(console, *ACCOUNTS["staff"], forwarded_for=colleague).status_code == 302
    # the left-most hops are the client's own words: changing them does not escape the limit
    assert attempt(console, *ACCOUNTS["staff"], forwarded_for="10.9.9.9, 203.0.113.5").status_code == 429
