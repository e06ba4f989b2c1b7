"""Rasa's socket.io channel with the fixes the citizen widget needs.

Use it in credentials.yml instead of the built-in ``socketio:`` key, with the same settings:

    bot.web.channel.SocketIOInput:
      user_message_evt: user_uttered
      bot_message_evt: bot_uttered
      session_persistence: true

1. Rasa 3.6 calls ``sio.enter_room(...)`` without ``await`` in its ``session_request`` handler
   (RasaHQ/rasa issue #13027). Since python-socketio 5.10 ``AsyncServer.enter_room`` is a
   coroutine, so with ``session_persistence: true`` the client never joins its session's room and
   never receives a reply. Here the call is awaited. The session id a client asks for is also
   checked (a short string of letters, digits, ``-`` and ``_``); anything else gets a new one.
2. Rasa's ``send_custom_json`` spreads the custom payload into ``emit(**payload)``, so a payload
   such as ``{"type": "staff_message", "text": ..., "staff_name": ...}`` raises a TypeError.
   Here a custom payload is sent as the event's data, as it is; the old form
   ``{"data": {...}}`` (optionally with ``room``) still works.
3. Cross-origin access for the widget's page is set here, for the socket.io path only: the
   origins in ``cors_allowed_origins`` (credentials) or, if that is absent, in the environment
   variable ``WIDGET_ORIGINS`` (comma-separated, e.g. ``http://127.0.0.1:8080``). python-engineio
   then answers those origins with CORS headers and refuses every other origin, also for
   WebSocket. With neither set, it behaves as Rasa's channel (origins from ``rasa run --cors``).
   Do not list the same origin in both places: the header would be sent twice.
4. A message with buttons and no text no longer breaks the reply (Rasa called ``text.strip()`` on
   ``None``), and an error while handling a message is logged and still acknowledged, so the widget
   does not send the same message again.

The channel keeps the name ``socketio``, its path (``/socket.io``) and its events.
"""
from __future__ import annotations

import logging
import os
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import UserMessage
from sanic import Blueprint

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_EMIT_KEYWORDS = {"data", "room", "to", "skip_sid", "namespace", "callback"}


class SocketIOOutput(rasa_socketio.SocketIOOutput):
    async def send_text_with_buttons(self, recipient_id: Text, text: Optional[Text], buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        # Rasa's version calls text.strip(): a message with buttons and no text raised AttributeError.
        await super().send_text_with_buttons(recipient_id, text or "", buttons, **kwargs)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        if "data" in json_message and set(json_message) <= _EMIT_KEYWORDS:
            room = json_message.get("room") or json_message.get("to") or recipient_id
            await self.sio.emit(self.bot_message_evt, json_message["data"], room=room)
        else:
            await self.sio.emit(self.bot_message_evt, dict(json_message), room=recipient_id)


def allowed_origins(configured: Any) -> List[Text]:
    """Origins from the credentials (list or comma-separated string), else from WIDGET_ORIGINS."""
    if configured is None:
        configured = os.environ.get("WIDGET_ORIGINS", "")
    if isinstance(configured, str):
        configured = configured.split(",")
    return [origin.strip().rstrip("/") for origin in configured or [] if origin and origin.strip()]


class SocketIOInput(rasa_socketio.SocketIOInput):
    """Rasa's socket.io input channel with the fixes above."""

    cors_allowed_origins: List[Text] = []

    @classmethod
    def from_credentials(cls, credentials: Optional[Dict[Text, Any]]) -> "SocketIOInput":
        credentials = dict(credentials or {})
        origins = allowed_origins(credentials.pop("cors_allowed_origins", None))
        channel = super().from_credentials(credentials)
        channel.cors_allowed_origins = origins
        return channel

    def get_output_channel(self) -> Optional["SocketIOOutput"]:
        if self.sio is None:
            return super().get_output_channel()
        return SocketIOOutput(self.sio, self.bot_message_evt)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        if self.cors_allowed_origins:
            sio.eio.cors_allowed_origins = list(self.cors_allowed_origins)

        # Registering a handler again for the same event replaces Rasa's.
        @sio.on("session_request", namespace=self.namespace)
        async def session_request(sid: Text, data: Optional[Dict]) -> None:
            requested = data.get("session_id") if isinstance(data, dict) else None
            session_id = requested if isinstance(requested, str) and SESSION_ID.match(requested) else uuid.uuid4().hex
            if self.session_persistence:
                await sio.enter_room(sid, session_id, namespace=self.namespace)
            await sio.emit("session_confirm", session_id, room=sid, namespace=self.namespace)
            logger.debug(f"User {sid} joined session {session_id}.")

        @sio.on(self.user_message_evt, namespace=self.namespace)
        async def handle_message(sid: Text, data: Any) -> None:
            if not isinstance(data, dict):
                return
            if self.session_persistence:
                sender_id = data.get("session_id")
                if not isinstance(sender_id, str) or not SESSION_ID.match(sender_id):
                    logger.warning("A socket.io message without a valid session_id was ignored.")
                    return
            else:
                sender_id = sid
            text = data.get("message", "")
            if not isinstance(text, str):
                return
            metadata = data.get(self.metadata_key) or {}
            if not isinstance(metadata, dict):
                metadata = {}
            output_channel = SocketIOOutput(sio, self.bot_message_evt)
            try:
                await on_new_message(UserMessage(text, output_channel, sender_id, input_channel=self.name(),
                                                 metadata=metadata))
            except Exception:  # noqa: BLE001 - logged; the client still gets its acknowledgement
                logger.exception(f"Handling a socket.io message of {sender_id} failed.")

        return blueprint
