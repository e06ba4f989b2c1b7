"""Production or laptop: whether the consoles' cookies are Secure, and the start-up check that keeps
a production console from running with the local development token.

Production is where cookies are Secure, which needs HTTPS (from the reverse proxy). Unless
CONSOLE_SECURE_COOKIES says otherwise, it is assumed as soon as the console listens on anything
but a loopback address, or sits behind a reverse proxy (TRUSTED_PROXIES set, as deploy/ does);
only a laptop (CONSOLE_HOST 127.0.0.1, the default, and no proxy) gets plain-http cookies.
"""
from __future__ import annotations

import ipaddress
import logging

from bot.settings import LOCAL_DEV_TOKEN, Servers

log = logging.getLogger(__name__)

PLACEHOLDER_PREFIX = "change-me"       # the placeholders in .env.example start with this
MIN_TOKEN_LENGTH = 16
TRUE, FALSE = ("true", "1", "yes", "on"), ("false", "0", "no", "off")


class UnsafeSettings(SystemExit):
    """Raised at start-up; as a SystemExit it ends `python -m bot.console` with only its message."""


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:      # a host name: it may resolve to anything
        return False


def secure_cookies(servers: Servers) -> bool:
    """Whether the consoles' cookies carry Secure (and the __Host- name): as set, else on when
    behind a proxy or listening beyond this machine."""
    value = servers.console_secure_cookies
    if not value:
        behind_proxy = bool(servers.trusted_proxies)
        return behind_proxy or not is_loopback(servers.console_host)
    if value in TRUE:
        return True
    if value in FALSE:
        return False
    raise UnsafeSettings(f"CONSOLE_SECURE_COOKIES must be true or false, not {value!r}.")


def check_rasa_token(secure: bool, rasa_token: str) -> None:
    """In production the token that guards Rasa's HTTP API (the whole conversation history) must
    be a real secret: refuse the development default, the .env.example placeholder and short ones."""
    if not secure:
        return
    if rasa_token == LOCAL_DEV_TOKEN or rasa_token.startswith(PLACEHOLDER_PREFIX) or len(rasa_token) < MIN_TOKEN_LENGTH:
        raise UnsafeSettings(
            "Refusing to start: the consoles run as in production (Secure cookies: CONSOLE_SECURE_COOKIES=true, or "
            "unset with TRUSTED_PROXIES set or CONSOLE_HOST not a loopback address), but RASA_TOKEN is unset, the "
            f"local development default, the .env.example placeholder or shorter than {MIN_TOKEN_LENGTH} characters. "
            "Set RASA_TOKEN to the Rasa server's --auth-token, e.g. from: "
            "python -c 'import secrets; print(secrets.token_urlsafe(32))'. "
            "For local development over plain http, set CONSOLE_SECURE_COOKIES=false instead.")


def warn_if_exposed_without_secure_cookies(secure: bool, host: str) -> None:
    if not secure and not is_loopback(host):
        log.warning("The consoles listen on %s with CONSOLE_SECURE_COOKIES=false: session cookies may travel "
                    "without HTTPS. Use this only on a trusted network for development.", host)
