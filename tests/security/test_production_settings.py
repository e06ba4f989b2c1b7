"""Production defaults to Secure cookies, and a production console refuses to start with the local
development token (OWASP ASVS 2.10.4, 14.1.3): decided in bot/console/deployment.py, checked here
in the function and by starting `python -m bot.console` for real."""
from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest

from bot.console import deployment
from bot.console.deployment import UnsafeSettings
from bot.servers import free_port
from bot.settings import Servers
from tests.conftest import PROJECT
from tests.security.conftest import STRONG_TOKEN


@pytest.mark.parametrize("environ,secure", [
    ({}, False),                                                     # a laptop: 127.0.0.1
    ({"CONSOLE_HOST": "127.0.0.1"}, False),
    ({"CONSOLE_HOST": "::1"}, False),
    ({"CONSOLE_HOST": "localhost"}, False),
    ({"CONSOLE_HOST": "0.0.0.0"}, True),                             # exposed: production unless told otherwise
    ({"CONSOLE_HOST": "10.1.2.3"}, True),
    ({"CONSOLE_HOST": "console.internal"}, True),
    ({"TRUSTED_PROXIES": "127.0.0.1"}, True),                        # behind nginx on the same machine
    ({"TRUSTED_PROXIES": ""}, False),
    ({"CONSOLE_SECURE_COOKIES": ""}, False),                         # as in .env.example: automatic
    ({"CONSOLE_SECURE_COOKIES": "false", "TRUSTED_PROXIES": "127.0.0.1"}, False),
    ({"CONSOLE_SECURE_COOKIES": "true"}, True),
    ({"CONSOLE_SECURE_COOKIES": "TRUE"}, True),
    ({"CONSOLE_SECURE_COOKIES": "false", "CONSOLE_HOST": "0.0.0.0"}, False),
])
def test_secure_cookies_are_the_default_except_on_a_laptop(environ, secure):
    assert deployment.secure_cookies(Servers.from_environment(environ)) is secure


def test_a_misspelt_setting_is_refused_rather_than_guessed():
    with pytest.raises(UnsafeSettings, match="CONSOLE_SECURE_COOKIES must be true or false"):
        deployment.secure_cookies(Servers.from_environment({"CONSOLE_SECURE_COOKIES": "ture"}))


@pytest.mark.parametrize("token", ["local-dev-token", "change-me-to-a-long-random-token", "", "short-token"])
def test_production_refuses_development_and_placeholder_tokens(token):
    with pytest.raises(UnsafeSettings, match="RASA_TOKEN"):
        deployment.check_rasa_token(True, token)
    deployment.check_rasa_token(False, token)        # on a laptop they are fine


def test_production_accepts_a_real_token():
    deployment.check_rasa_token(True, STRONG_TOKEN)


def test_an_exposed_console_without_secure_cookies_is_warned_about(caplog):
    with caplog.at_level(logging.WARNING, logger="bot.console.deployment"):
        deployment.warn_if_exposed_without_secure_cookies(False, "127.0.0.1")
        assert caplog.records == []
        deployment.warn_if_exposed_without_secure_cookies(False, "0.0.0.0")
    assert "CONSOLE_SECURE_COOKIES=false" in caplog.text


def start_console(**env: str) -> subprocess.CompletedProcess:
    environ = {key: value for key, value in os.environ.items()
               if key not in ("RASA_TOKEN", "CONSOLE_SECURE_COOKIES", "CONSOLE_HOST", "TRUSTED_PROXIES")}
    environ.update(CONSOLE_PORT=str(free_port()), **env)
    return subprocess.run([sys.executable, "-m", "bot.console"], cwd=PROJECT, env=environ, capture_output=True,
                          text=True, timeout=60)


@pytest.mark.parametrize("env", [
    {"CONSOLE_SECURE_COOKIES": "true", "RASA_TOKEN": "local-dev-token"},
    {"CONSOLE_SECURE_COOKIES": "true"},                              # RASA_TOKEN unset: the development default
    {"CONSOLE_SECURE_COOKIES": "true", "RASA_TOKEN": "change-me-to-a-long-random-token"},
], ids=["development token", "no token", "placeholder"])
def test_a_production_console_refuses_to_start_with_a_development_token(env):
    """If the check were missing, the console would start and this would time out."""
    finished = start_console(**env)
    assert finished.returncode == 1
    assert "Refusing to start" in finished.stderr and "RASA_TOKEN" in finished.stderr
    assert "Traceback" not in finished.stderr          # one clear message, not a stack trace
