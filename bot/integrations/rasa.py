"""The few calls the consoles make to the Rasa server's HTTP API (taking over a conversation,
sending staff's replies). Rasa runs beside the consoles, but it can be down or busy like any
outside system, so it is called the same way: a failure is `Unavailable`, and the staff console
shows the reply as not sent instead of dropping it."""
from __future__ import annotations

from bot.integrations.http import HttpClient, Refused, Unavailable

# Waiting longer than this for Rasa means a staff member stares at a frozen console.
TIMEOUT_SECONDS = 30.0


class RasaUnavailable(Unavailable):
    """The Rasa server did not do what was asked: down, slow, or an error answer."""


class RasaClient(HttpClient):
    system = "Rasa"

    def authentication(self) -> tuple[dict[str, str], dict[str, str]]:
        return {}, {"token": self.endpoint.token or ""}       # Rasa's token is a query parameter

    async def _call(self, method: str, path: str, **kwargs):
        try:
            return await self.request(method, path, **kwargs)
        except (Unavailable, Refused) as error:       # to the console, any failure is "not done"
            raise RasaUnavailable(self.system, str(error)) from error

    async def tracker(self, conversation_id: str) -> dict:
        return await self._call("GET", f"/conversations/{conversation_id}/tracker")

    async def append_events(self, conversation_id: str, events: list[dict]) -> None:
        await self._call("POST", f"/conversations/{conversation_id}/tracker/events", json=events,
                         params={"include_events": "NONE"})

    async def execute(self, conversation_id: str, action: str) -> dict:
        """Run an action and send what it says to the citizen's own channel (socket.io, ...).
        The assistant then listens, as after any turn of its own: without that, the citizen's
        next message would follow the action directly and match no rule."""
        result = await self._call("POST", f"/conversations/{conversation_id}/execute", json={"name": action},
                                  params={"output_channel": "latest", "include_events": "NONE"})
        await self.append_events(conversation_id, [{"event": "action", "name": "action_listen"}])
        return result

    async def set_slots(self, conversation_id: str, **slots) -> None:
        await self.append_events(conversation_id, [{"event": "slot", "name": k, "value": v} for k, v in slots.items()])
