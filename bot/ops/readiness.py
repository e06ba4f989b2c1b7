"""`/ready` of the web processes: 200 only when what they depend on answers, else 503 naming it.

`/health` stays liveness (the process serves requests); `/ready` is what a load balancer or
systemd watchdog asks before sending traffic. The body names failing dependencies only: no
error texts, which could carry paths, URLs or credentials.
"""
from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

import aiohttp
from sanic import response

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 2.0

Check = Callable[[], Awaitable[None]]


def blocking(function: Callable[[], object]) -> Check:
    """A check that does blocking I/O (SQLite), run in a thread so a locked file cannot stall the
    event loop."""
    async def check() -> None:
        await asyncio.get_running_loop().run_in_executor(None, function)
    return check


def handover_database(store) -> Check:
    # A query through the store the console uses, on its staff table: the same code path as a login.
    return blocking(lambda: store.user(""))


def catalogue_database(catalogue) -> Check:
    def opens() -> None:
        if catalogue.setting("schema_version") is None:
            raise LookupError("catalogue without schema_version")
    return blocking(opens)


def rasa_server(session_of: Callable[[], aiohttp.ClientSession], rasa_url: str) -> Check:
    """Rasa's health endpoint `/` (no token needed) answers 200."""
    async def check() -> None:
        async with session_of().get(rasa_url.rstrip("/") + "/",
                                    timeout=aiohttp.ClientTimeout(total=TIMEOUT_SECONDS)) as answer:
            answer.raise_for_status()
    return check


async def _passes(name: str, check: Check) -> bool:
    try:
        await asyncio.wait_for(check(), TIMEOUT_SECONDS)
        return True
    except Exception as error:          # any failure means not ready; the type is enough for the log
        log.warning("not ready: %s failed (%s)", name, type(error).__name__)
        return False


async def ready(checks: dict[str, Check]):
    """The /ready response for `checks` (name -> check), all run at once."""
    results = dict(zip(checks, await asyncio.gather(*(_passes(name, check) for name, check in checks.items()))))
    failing = [name for name, ok in results.items() if not ok]
    body = {"status": "unavailable" if failing else "ready",
            "checks": {name: "ok" if ok else "failing" for name, ok in results.items()},
            "failing": failing}
    return response.json(body, status=503 if failing else 200, headers={"Cache-Control": "no-store"})
