"""The one way the project calls an outside system over HTTP.

Every call has a timeout (the endpoint's), and every way it can go wrong ends in one of two
errors, so a caller needs two `except` clauses and no knowledge of aiohttp:
- `Unavailable`: no connection, too slow, or a 5xx answer. It may work later; reads are retried
  once here, writes are not (an outbox retries those, so a write is never sent twice by accident).
- `Refused`: a 4xx answer. The system understood and said no (a time just taken, a bad token);
  retrying does not help.
"""
from __future__ import annotations

import asyncio
import logging
from typing import Any

import aiohttp

from bot.settings import Endpoint

logger = logging.getLogger(__name__)

# Methods that change nothing when repeated: retried once after a failure.
IDEMPOTENT = {"GET", "HEAD", "PUT", "DELETE"}


class OutsideSystemError(RuntimeError):
    """An outside system did not do what was asked."""

    def __init__(self, system: str, message: str):
        super().__init__(f"{system}: {message}")
        self.system = system


class Unavailable(OutsideSystemError):
    """Down, too slow, or a server error: it may work later."""


class Refused(OutsideSystemError):
    """The system answered with a 4xx status: it will not do this."""

    def __init__(self, system: str, message: str, status: int, detail: Any):
        super().__init__(system, message)
        self.status = status
        self.detail = detail


class PartlyDelivered(OutsideSystemError):
    """The main part arrived (its id: `remote_id`), a later part did not (a photo). Sending it all
    again would double it: the delivery is recorded with this note for staff."""

    def __init__(self, remote_id: str, note: str):
        super().__init__("delivery", note)
        self.remote_id = remote_id
        self.note = note


class HttpClient:
    """A JSON-over-HTTP client of one outside system. Subclasses add the system's own calls."""

    system = "outside system"          # its name in errors and logs

    def __init__(self, endpoint: Endpoint):
        self.endpoint = endpoint
        self.url = endpoint.url.rstrip("/")

    def authentication(self) -> tuple[dict[str, str], dict[str, str]]:
        """Headers and query parameters that authenticate a request: a bearer token by default."""
        return ({"Authorization": f"Bearer {self.endpoint.token}"} if self.endpoint.token else {}), {}

    async def request(self, method: str, path: str, *, params: dict | None = None, json: Any = None,
                      files: dict[str, tuple[str, bytes, str]] | None = None) -> Any:
        """The answer's JSON (None when empty); Unavailable or Refused when it went wrong.
        `files`: multipart fields (name -> file name, content, content type) instead of JSON."""
        attempts = 2 if method.upper() in IDEMPOTENT else 1
        for attempt in range(1, attempts + 1):
            try:
                return await self._once(method, path, params or {}, json, files)
            except Unavailable as error:
                if attempt == attempts:
                    raise
                logger.warning("%s, retrying once", error)
        raise AssertionError("unreachable")

    async def _once(self, method: str, path: str, params: dict, json: Any,
                    files: dict[str, tuple[str, bytes, str]] | None) -> Any:
        headers, auth_params = self.authentication()
        form = None
        if files:
            form = aiohttp.FormData()
            for field, (filename, content, content_type) in files.items():
                form.add_field(field, content, filename=filename, content_type=content_type)
        timeout = aiohttp.ClientTimeout(total=self.endpoint.timeout_seconds)
        where = f"{method} {path}"
        try:
            async with aiohttp.ClientSession(timeout=timeout) as session:
                async with session.request(method, f"{self.url}{path}", params={**auth_params, **params},
                                           json=json, data=form, headers=headers) as response:
                    body = await response.read()
                    if response.status >= 500:
                        raise Unavailable(self.system, f"{where}: HTTP {response.status}")
                    if response.status >= 400:
                        raise Refused(self.system, f"{where}: HTTP {response.status}", response.status,
                                      _decoded(body))
                    return _decoded(body)
        except asyncio.TimeoutError as error:
            raise Unavailable(self.system, f"{where}: no answer within {self.endpoint.timeout_seconds:g} s") from error
        except aiohttp.ClientError as error:
            raise Unavailable(self.system, f"{where}: {type(error).__name__}") from error


def _decoded(body: bytes) -> Any:
    """JSON when the body is JSON, else its text (an error page), None when empty."""
    import json
    if not body:
        return None
    try:
        return json.loads(body)
    except ValueError:
        return body.decode("utf-8", "replace")[:500]
