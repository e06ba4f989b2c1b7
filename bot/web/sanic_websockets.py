"""WebSockets on Rasa 3.6's web server: Sanic 21.12 on Python 3.11.

Rasa 3.6 pins Sanic 21.12. Its WebSocket implementation hands a coroutine to ``asyncio.wait``
(``WebsocketImplProtocol.recv`` and ``recv_burst``), which Python 3.11 forbids. So every WebSocket
closed at the first message a client sent: python-engineio then wrote its HTTP response into the
WebSocket stream ("Invalid frame header" in the browser), and a socket.io client with default
settings (long-polling first, then the upgrade the server offers) fell back to polling in a loop
of about 440 requests a second (issue #17). Sanic 22 wraps the coroutine in a task; this does the
same for Sanic's WebSocket module only, by giving it an ``asyncio`` whose ``wait`` accepts
coroutines. Nothing else changes, and with a Sanic that no longer has the bug it does nothing.

``enable()`` is called by the socket.io channel (``bot.web.channel``) when Rasa builds its app.
"""
from __future__ import annotations

import asyncio
import inspect
from typing import Any, Iterable


class _AsyncioThatWaitsForCoroutines:
    """The asyncio module, except that ``wait`` turns coroutines into tasks first (as before 3.11)."""

    def __getattr__(self, name: str) -> Any:
        return getattr(asyncio, name)

    @staticmethod
    async def wait(awaitables: Iterable[Any], **options: Any):
        return await asyncio.wait([asyncio.ensure_future(a) for a in awaitables], **options)


def needs_fix() -> bool:
    """Whether Sanic's WebSocket receive still passes coroutines to asyncio.wait."""
    from sanic.server.websockets import impl
    source = inspect.getsource(impl.WebsocketImplProtocol.recv)
    return "asyncio.wait(" in source and "self.assembler.get(" in source and "ensure_future" not in source


def enable() -> bool:
    """Make Sanic's WebSockets work on this Python; True when the fix was needed (idempotent)."""
    from sanic.server.websockets import impl
    if isinstance(impl.asyncio, _AsyncioThatWaitsForCoroutines):
        return True
    if not needs_fix():
        return False
    impl.asyncio = _AsyncioThatWaitsForCoroutines()    # type: ignore[assignment]  # a stand-in for the module
    return True
