"""Password storage and login answers (OWASP ASVS 2.1.1, 2.4.1, 2.4.4, and no user enumeration):
argon2id hashes, wrong passwords fail, and an unknown username looks exactly like a wrong password,
in the answer and in the time it takes."""
from __future__ import annotations

import re
import statistics
import time

import argon2
import pytest
import requests

from bot.handover.store import HandoverStore
from tests.security.conftest import ACCOUNTS

PASSWORD = "a-long-enough-password"


@pytest.fixture
def store(tmp_path) -> HandoverStore:
    store = HandoverStore(tmp_path / "handover.db")
    store.create_user("sanne", PASSWORD, "staff", [], "Sanne")
    store.create_user("eva", "another-long-password", "editor", [], "Eva")
    return store


def test_passwords_are_stored_as_argon2id_with_owasp_parameters(store):
    stored = store.user("sanne")["password_hash"]
    assert stored.startswith("$argon2id$") and PASSWORD not in stored
    parameters = argon2.extract_parameters(stored)
    # OWASP password storage cheat sheet: argon2id with at least 19 MiB, 2 iterations
    assert parameters.memory_cost >= 19 * 1024 and parameters.time_cost >= 2
    assert parameters.salt_len >= 16
    # the same password twice gives two different hashes (a random salt per account)
    store.create_user("sanne2", PASSWORD, "staff", [], "Sanne")
    assert store.user("sanne2")["password_hash"] != stored


def test_only_the_right_password_logs_in(store):
    assert store.verify_user("sanne", PASSWORD)["username"] == "sanne"
    for wrong in ("", "wrong-password-123", PASSWORD.upper(), PASSWORD + " ", PASSWORD[:-1], "another-long-password"):
        assert store.verify_user("sanne", wrong) is None, wrong
    assert store.verify_user("nobody", PASSWORD) is None
    assert store.verify_user("SANNE", PASSWORD) is None          # usernames are exact


def test_short_passwords_are_refused(store):
    with pytest.raises(ValueError):
        store.create_user("kim", "elevenchars", "staff", [], "Kim")
    store.create_user("kim", "twelve-chars", "staff", [], "Kim")       # 12 is enough (ASVS 2.1.1)
    long = "ő" * 64 + " spaces and unicode are fine " + "x" * 100        # ASVS 2.1.2, 2.1.4
    store.create_user("lu", long, "staff", [], "Lu")
    assert store.verify_user("lu", long) is not None


def test_an_unknown_username_takes_as_long_as_a_wrong_password(store):
    def seconds(username: str) -> float:
        started = time.perf_counter()
        store.verify_user(username, "wrong-password-123")
        return time.perf_counter() - started
    seconds("sanne"), seconds("nobody")                      # warm-up: first hashes, connections
    known, unknown = [], []
    for _ in range(5):
        known.append(seconds("sanne"))
        unknown.append(seconds("nobody"))
    ratio = statistics.median(unknown) / statistics.median(known)
    assert 0.7 < ratio < 1.4, f"unknown {statistics.median(unknown):.3f} s, known {statistics.median(known):.3f} s"


def answer(console, username: str, password: str) -> tuple[int, str]:
    reply = console.try_login(requests.Session(), username, password)
    return reply.status_code, re.sub(r'name="csrf" value="[^"]+"', "", reply.text)


def test_unknown_user_and_wrong_password_get_the_same_answer(console):
    username, _ = ACCOUNTS["editor"]
    wrong_password = answer(console, username, "not-the-password")
    unknown_user = answer(console, "no-such-user", "not-the-password")
    assert wrong_password == unknown_user
    assert wrong_password[0] == 401 and "De gebruikersnaam of het wachtwoord klopt niet." in wrong_password[1]
