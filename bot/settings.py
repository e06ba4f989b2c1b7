"""Every setting the assistant's programs take from the environment, read in one place.

Why one module: when each part read os.environ itself, defaults were written twice (and drifted),
a relative path counted from the project folder in one place and from the working directory in
another, TRUSTED_PROXIES was parsed three times and the development token was spelt out twice.
Here each variable is read once, into frozen objects; relative paths always count from the
project folder, wherever the clone lives. `.env.example` lists every variable.

A program builds what it needs in its `main()` and passes it on (the consoles' and the web
app's factories take it; Sanic keeps it on `app.ctx`). Rasa constructs its channels and NLU
components itself, so those read their settings here when they first need them.
"""
from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Mapping

PROJECT_DIR = Path(__file__).resolve().parents[1]
# The token of Rasa's HTTP API on a laptop (scripts/run.sh starts Rasa with it); the consoles
# refuse it in production (bot.console.deployment).
LOCAL_DEV_TOKEN = "local-dev-token"
Network = ipaddress.IPv4Network | ipaddress.IPv6Network


def _environment(environ: Mapping[str, str] | None) -> Mapping[str, str]:
    return os.environ if environ is None else environ


def project_path(value: str | os.PathLike | None, default: str, base: Path = PROJECT_DIR) -> Path:
    """`value` (or `default` when empty) as a path; a relative one counts from `base`."""
    path = Path(value) if value else Path(default)
    return path if path.is_absolute() else base / path


def parse_networks(text: str) -> tuple[Network, ...]:
    """'127.0.0.1, 10.0.0.0/8' as networks."""
    return tuple(ipaddress.ip_network(part.strip(), strict=False) for part in text.split(",") if part.strip())


def trusted_proxies(environ: Mapping[str, str] | None = None) -> tuple[Network, ...]:
    """Reverse proxies whose X-Forwarded-For names the client: the chat channels and the staff
    login count per client, and behind nginx every peer is 127.0.0.1."""
    environ = _environment(environ)
    return parse_networks(environ.get("TRUSTED_PROXIES", ""))


@dataclass(frozen=True)
class Storage:
    """Where the catalogue and the app's data live."""
    catalogue_sources: Path
    catalogue_db: Path
    tracker_db: Path
    handover_db: Path
    insights_db: Path
    database_url: str | None          # handovers, staff, audit and thumbs in one server database
    tracker_store_url: str | None     # Rasa's conversations in a server database

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None, base: Path = PROJECT_DIR) -> "Storage":
        environ = _environment(environ)
        return cls(
            catalogue_sources=project_path(environ.get("CATALOGUE_SOURCES"), "knowledge", base),
            catalogue_db=project_path(environ.get("CATALOGUE_DB"), "build/catalogue.db", base),
            tracker_db=project_path(environ.get("TRACKER_DB"), "build/tracker.db", base),
            handover_db=project_path(environ.get("HANDOVER_DB"), "build/handover.db", base),
            insights_db=project_path(environ.get("INSIGHTS_DB"), "build/insights.db", base),
            database_url=environ.get("DATABASE_URL") or None,
            tracker_store_url=environ.get("TRACKER_STORE_URL") or None,
        )


@dataclass(frozen=True)
class Servers:
    """Where the programs listen and how they reach each other."""
    rasa_url: str
    rasa_token: str
    rasa_public_url: str | None
    web_host: str
    web_port: int
    console_host: str
    console_port: int
    console_secure_cookies: str       # "", true or false: checked by bot.console.deployment
    actions_host: str
    actions_port: int
    widget_origins: tuple[str, ...]
    trusted_proxies: tuple[Network, ...]

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Servers":
        environ = _environment(environ)
        rasa_port = environ.get("RASA_PORT", "5005")
        return cls(
            rasa_url=environ.get("RASA_URL") or f"http://127.0.0.1:{rasa_port}",
            rasa_token=environ.get("RASA_TOKEN") or LOCAL_DEV_TOKEN,
            rasa_public_url=environ.get("RASA_PUBLIC_URL") or None,
            web_host=environ.get("WEB_HOST", "127.0.0.1"),
            web_port=int(environ.get("WEB_PORT", "8080")),
            console_host=environ.get("CONSOLE_HOST", "127.0.0.1"),
            console_port=int(environ.get("CONSOLE_PORT", "8090")),
            console_secure_cookies=environ.get("CONSOLE_SECURE_COOKIES", "").strip().lower(),
            actions_host=environ.get("ACTIONS_HOST", "127.0.0.1"),
            actions_port=int(environ.get("ACTIONS_PORT", "5055")),
            widget_origins=tuple(origin.strip().rstrip("/") for origin in environ.get("WIDGET_ORIGINS", "").split(",")
                                 if origin.strip()),
            trusted_proxies=trusted_proxies(environ),
        )


@dataclass(frozen=True)
class Channels:
    """What the chat channels accept (bot.web.limits parses and applies it)."""
    max_message_chars: int
    rate_limit_conversation: str      # COUNT/SECONDS or off
    rate_limit_address: str
    trusted_proxies: tuple[Network, ...]

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Channels":
        environ = _environment(environ)
        return cls(max_message_chars=int(environ.get("MAX_MESSAGE_CHARS", "1000")),
                   rate_limit_conversation=environ.get("RATE_LIMIT_CONVERSATION", "20/10"),
                   rate_limit_address=environ.get("RATE_LIMIT_ADDRESS", "60/10"),
                   trusted_proxies=trusted_proxies(environ))


@dataclass(frozen=True)
class Endpoint:
    """How to reach one outside system (bot.integrations): its base URL, its token, and how long
    to wait for an answer."""
    url: str
    token: str | None
    timeout_seconds: float


@dataclass(frozen=True)
class Reports:
    """Where reports about public space go besides the staff console, and how often the outbox
    is worked through (bot.reports.delivery)."""
    signalen: Endpoint | None          # None: Signalen is not used
    signalen_source: str | None        # Signalen's `source` for reports from the chat, when it wants one
    deliver_every_seconds: float

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Reports":
        environ = _environment(environ)
        url = environ.get("SIGNALEN_URL", "").strip()
        signalen = Endpoint(url, environ.get("SIGNALEN_TOKEN") or None,
                            float(environ.get("SIGNALEN_TIMEOUT") or 10)) if url else None
        return cls(signalen=signalen, signalen_source=environ.get("SIGNALEN_SOURCE") or None,
                   deliver_every_seconds=float(environ.get("REPORTS_DELIVER_EVERY") or 30))


@dataclass(frozen=True)
class Logging:
    format: str                       # json (default) or text
    process_name: str | None          # set by bot.ops.serve for the processes it starts

    @classmethod
    def from_environment(cls, environ: Mapping[str, str] | None = None) -> "Logging":
        environ = _environment(environ)
        return cls(format=environ.get("LOG_FORMAT", "json").strip().lower() or "json",
                   process_name=environ.get("LOG_PROCESS_NAME") or None)


def console_password(environ: Mapping[str, str] | None = None) -> str | None:
    """The password for `python -m bot.handover create-user` without a prompt (scripts, tests)."""
    environ = _environment(environ)
    return environ.get("CONSOLE_PASSWORD") or None
