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
   ``{"data": {...}}`` (optionally with ``room``) still works. A staff message is sent so that
   every client shows it (``SocketIOOutput.send_staff_message``).
3. Cross-origin access for the widget's page is set here, for the socket.io path only: the
   origins in ``cors_allowed_origins`` (credentials) or, if that is absent, in the environment
   variable ``WIDGET_ORIGINS`` (comma-separated, e.g. ``http://127.0.0.1:8080``). python-engineio
   then answers those origins with CORS headers and refuses every other origin, also for
   WebSocket. With neither set, it behaves as Rasa's channel (origins from ``rasa run --cors``).
   Do not list the same origin in both places: the header would be sent twice.
4. WebSockets work (``bot.web.sanic_websockets``): Sanic 21.12 broke them on Python 3.11, and a
   socket.io client with default settings then polled the server hundreds of times a second.
5. A message with buttons and no text no longer breaks the reply (Rasa called ``text.strip()`` on
   ``None``), and an error while handling a message is logged and still acknowledged, so the widget
   does not send the same message again.

The channel keeps the name ``socketio``, its path (``/socket.io``) and its events.

Both input channels here (``RestInput`` keeps the name ``rest`` and the URL
``/webhooks/rest/webhook``) apply the limits of ``bot.web.limits`` before Rasa sees a message.
An over-long or empty message is answered by the channel itself with the domain response
``utter_message_too_long`` or ``utter_message_empty`` in the conversation's language, and never
reaches Rasa: not NLU, not the tracker store. (As an intent payload it would: a paused conversation
during a live handover would swallow the answer, an open callback form would take the payload as
the citizen's answer, and two intents more change the NLU model's labels.) A message over the
per-conversation or per-address rate is not processed either: REST answers HTTP 429 with
Retry-After, socket.io sends ``utter_rate_limited``.
"""
from __future__ import annotations

import json
import logging
import re
import uuid
from typing import Any, Awaitable, Callable, Dict, List, Optional, Text

import rasa.utils.endpoints
from rasa.core.channels import rest as rasa_rest
from rasa.core.channels import socketio as rasa_socketio
from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.shared.core.trackers import DialogueStateTracker
from sanic import Blueprint, response
from sanic.request import Request

from bot.settings import Servers
from bot.web import api_guard, limits, sanic_websockets

logger = logging.getLogger(__name__)

SESSION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
_EMIT_KEYWORDS = {"data", "room", "to", "skip_sid", "namespace", "callback"}
# REST senders are chosen by the client: any printable text that fits the tracker store's column.
REST_SENDER = re.compile(r"^[^\x00-\x1f\x7f\ud800-\udfff]{1,128}$")
# Metadata is stored with every message in the tracker; larger metadata is dropped.
MAX_METADATA_CHARS = 4000


def bounded_metadata(metadata: Any) -> Optional[Dict[Text, Any]]:
    if not isinstance(metadata, dict):
        return None
    try:
        size = len(json.dumps(metadata))
    except (TypeError, ValueError):
        return None
    if size > MAX_METADATA_CHARS:
        logger.warning(f"Metadata of {size} characters was dropped (at most {MAX_METADATA_CHARS}).")
        return None
    return metadata


async def rendered(agent: Any, response_name: Text, sender_id: Text, channel: Text) -> Dict[Text, Any]:
    """A domain response as the assistant would say it in this conversation (its language slot),
    without processing a message."""
    tracker = await agent.tracker_store.retrieve(sender_id)
    if tracker is None:
        tracker = DialogueStateTracker.from_events(sender_id, [], agent.domain.slots)
    return await agent.nlg.generate(response_name, tracker, channel) or {}


def peer_address(request: Optional[Request]) -> Text:
    """The client's address from the socket, or from X-Forwarded-For when the peer is a trusted proxy."""
    if request is None:
        return "unknown"
    return limits.client_address(request.ip or "unknown", request.headers.get("x-forwarded-for"),
                                 limits.process_settings().trusted_proxies)


# A staff member's message during a live handover (actions.handover.ActionRelayStaffMessage),
# and the socket.io event that carries it with its sender for the project's widget.
STAFF_MESSAGE_TYPE = "staff_message"
STAFF_MESSAGE_EVENT = "staff_uttered"


class SocketIOOutput(rasa_socketio.SocketIOOutput):
    async def send_text_with_buttons(self, recipient_id: Text, text: Optional[Text], buttons: List[Dict[Text, Any]],
                                     **kwargs: Any) -> None:
        # Rasa's version calls text.strip(): a message with buttons and no text raised AttributeError.
        await super().send_text_with_buttons(recipient_id, text or "", buttons, **kwargs)

    async def send_custom_json(self, recipient_id: Text, json_message: Dict[Text, Any], **kwargs: Any) -> None:
        if "data" in json_message and set(json_message) <= _EMIT_KEYWORDS:
            room = json_message.get("room") or json_message.get("to") or recipient_id
            await self.sio.emit(self.bot_message_evt, json_message["data"], room=room)
        elif json_message.get("type") == STAFF_MESSAGE_TYPE and isinstance(json_message.get("text"), str):
            await self.send_staff_message(recipient_id, dict(json_message))
        else:
            await self.sio.emit(self.bot_message_evt, dict(json_message), room=recipient_id)

    async def send_staff_message(self, recipient_id: Text, message: Dict[Text, Any]) -> None:
        """A staff member's message, for every client: third-party widgets (rasa-webchat) show only
        a bot message that is exactly ``{"text": ...}``, so that is sent, with the staff member's
        name before the text. Before it, the event ``staff_uttered`` carries the message with its
        sender and that plain text (``plain``): the project's widget shows it as from a person and
        skips the plain copy that follows (socket.io keeps the order of one connection's events)."""
        name = str(message.get("staff_name") or "").strip()
        plain = f"{name}: {message['text']}" if name else message["text"]
        await self.sio.emit(STAFF_MESSAGE_EVENT, {**message, "plain": plain}, room=recipient_id)
        await self.sio.emit(self.bot_message_evt, {"text": plain}, room=recipient_id)


def allowed_origins(configured: Any) -> List[Text]:
    """Origins from the credentials (list or comma-separated string), else from WIDGET_ORIGINS."""
    if configured is None:
        configured = list(Servers.from_environment().widget_origins)   # Rasa builds the channel: no main() passes it
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
        sanic_websockets.enable()      # before any client connects: see bot.web.sanic_websockets
        blueprint = super().blueprint(on_new_message)
        sio = self.sio
        if self.cors_allowed_origins:
            sio.eio.cors_allowed_origins = list(self.cors_allowed_origins)
        settings, rate_limits = limits.process_settings(), limits.process_rate_limits()
        handle_request = sio.eio.handle_request

        async def handle_request_or_400(*args: Any, **kwargs: Any) -> Any:
            try:
                return await handle_request(*args, **kwargs)
            except KeyError:
                # python-engineio raises (HTTP 500) on a POST to a session that has just closed,
                # e.g. after a missed ping; it answers a GET in the same state with 400.
                return response.text("Session is disconnected", status=400)

        sio.eio.handle_request = handle_request_or_400       # read when the blueprint attaches the route

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
            output_channel = SocketIOOutput(sio, self.bot_message_evt)
            # The HTTP request that opened this connection: its socket's address, and the app with the agent.
            request = (sio.get_environ(sid, namespace=self.namespace) or {}).get("sanic.request")
            refused, text = limits.screen_message(text, settings.max_chars)
            if rate_limits.check(sender_id, peer_address(request)):
                refused = limits.RATE_LIMITED_RESPONSE
            try:
                if refused:
                    if request is None:     # the agent that words the refusal is reached through the request
                        logger.error(f"No HTTP request for the socket.io connection of {sender_id}: "
                                     "a refused message is not answered.")
                        return
                    message = await rendered(request.app.ctx.agent, refused, sender_id, self.name())
                    await output_channel.send_response(sender_id, message)
                    return
                await on_new_message(UserMessage(text, output_channel, sender_id, input_channel=self.name(),
                                                 metadata=bounded_metadata(data.get(self.metadata_key)) or {}))
            except Exception:  # noqa: BLE001 - logged; the client still gets its acknowledgement
                logger.exception(f"Handling a socket.io message of {sender_id} failed.")

        return blueprint


class RestInput(rasa_rest.RestInput):
    """Rasa's REST channel (same name, URL and JSON contract) with the limits of bot.web.limits.

    Answers HTTP 400 with ``{"error": ...}`` to a body that is not a JSON object with a text
    ``message`` and a ``sender`` (1-128 printable characters), and HTTP 429 with Retry-After and
    ``{"error": "rate_limited", "retry_after": seconds, "messages": [...]}`` over a rate limit, where
    ``messages`` has the same form as a normal answer (the response ``utter_rate_limited``)."""

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        blueprint = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)
        settings, rate_limits = limits.process_settings(), limits.process_rate_limits()

        @blueprint.listener("before_server_start")
        async def guard_the_http_api(app, _loop):
            api_guard.install(app)

        @blueprint.route("/", methods=["GET"])
        async def health(_request: Request):
            return response.json({"status": "ok"})

        @blueprint.route("/webhook", methods=["POST"])
        async def receive(request: Request):
            body, problem = self._parse(request)
            if problem:
                return response.json({"error": "bad_request", "detail": problem}, status=400)
            sender_id = str(body["sender"])
            refusal = rate_limits.check(sender_id, peer_address(request))
            if refusal:
                collector = CollectingOutputChannel()       # the messages in the form of a normal answer
                await collector.send_response(sender_id, await rendered(
                    request.app.ctx.agent, limits.RATE_LIMITED_RESPONSE, sender_id, self.name()))
                return response.json(
                    {"error": "rate_limited", "limit": refusal.limit, "retry_after": refusal.retry_after,
                     "messages": collector.messages},
                    status=429, headers={"Retry-After": str(refusal.retry_after)})
            refused, text = limits.screen_message(body["message"], settings.max_chars)
            if refused:
                collector = CollectingOutputChannel()
                await collector.send_response(sender_id, await rendered(
                    request.app.ctx.agent, refused, sender_id, self.name()))
                return response.json(collector.messages)
            input_channel = body.get("input_channel")
            if not isinstance(input_channel, str) or not 0 < len(input_channel) <= 64:
                input_channel = self.name()
            metadata = bounded_metadata(body.get("metadata"))
            if rasa.utils.endpoints.bool_arg(request, "stream", default=False):
                return response.stream(self.stream_response(on_new_message, text, sender_id, input_channel, metadata),
                                       content_type="text/event-stream")
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender_id, input_channel=input_channel,
                                                 metadata=metadata))
            except Exception:  # noqa: BLE001 - as Rasa's channel: logged (without the text), answered with what was said
                logger.exception(f"Handling a REST message of {sender_id} failed.")
            return response.json(collector.messages)

        return blueprint

    @staticmethod
    def _parse(request: Request) -> tuple[Dict[Text, Any], Optional[Text]]:
        try:
            body = json.loads(request.body or b"")
        except (ValueError, RecursionError):       # RecursionError: arrays nested thousands deep
            return {}, "the body is not JSON"
        if not isinstance(body, dict):
            return {}, "the body is not a JSON object"
        if not isinstance(body.get("message"), str):
            return body, "`message` must be a string"
        sender = body.get("sender")
        if isinstance(sender, bool) or not isinstance(sender, (str, int)) or not REST_SENDER.match(str(sender)):
            return body, "`sender` must be a string of 1 to 128 printable characters"
        return body, None
