"""The few calls the consoles make to the Rasa server's HTTP API."""
from __future__ import annotations

import asyncio

import aiohttp


class RasaUnavailable(RuntimeError):
    """The Rasa server did not do what was asked: down, slow, or an error answer."""


class RasaClient:
    def __init__(self, url: str, token: str):
        self.url = url.rstrip("/")
        self.token = token

    async def _request(self, method: str, path: str, **kwargs):
        params = {"token": self.token, **kwargs.pop("params", {})}
        try:
            async with aiohttp.ClientSession(timeout=aiohttp.ClientTimeout(total=30)) as session:
                async with session.request(method, f"{self.url}{path}", params=params, **kwargs) as response:
                    if response.status >= 400:
                        raise RasaUnavailable(f"Rasa {method} {path}: HTTP {response.status}")
                    return await response.json(content_type=None)
        except (aiohttp.ClientError, asyncio.TimeoutError) as error:
            raise RasaUnavailable(f"Rasa {method} {path}: {type(error).__name__}") from error

    async def tracker(self, conversation_id: str) -> dict:
        return await self._request("GET", f"/conversations/{conversation_id}/tracker")

    async def append_events(self, conversation_id: str, events: list[dict]) -> None:
        await self._request("POST", f"/conversations/{conversation_id}/tracker/events", json=events,
                            params={"include_events": "NONE"})

    async def execute(self, conversation_id: str, action: str) -> dict:
        """Run an action and send what it says to the citizen's own channel (socket.io, ...).
        The assistant then listens, as after any turn of its own: without that, the citizen's
        next message would follow the action directly and match no rule."""
        result = await self._request("POST", f"/conversations/{conversation_id}/execute", json={"name": action},
                                     params={"output_channel": "latest", "include_events": "NONE"})
        await self.append_events(conversation_id, [{"event": "action", "name": "action_listen"}])
        return result

    async def set_slots(self, conversation_id: str, **slots) -> None:
        await self.append_events(conversation_id, [{"event": "slot", "name": k, "value": v} for k, v in slots.items()])
