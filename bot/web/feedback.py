"""Thumbs up/down from the chat widget, stored for the insights without any message text.

POST /api/feedback with JSON {conversation_id, vote: "up"|"down", message_text}. The conversation's
`product` and `language` slots are read from the Rasa HTTP API; the table `feedback` (bot.storage:
DATABASE_URL, else the SQLite file INSIGHTS_DB, default build/insights.db) keeps {created_at (UTC),
conversation_id, vote, product, language}. message_text is checked but never stored: it can hold
personal data.
"""
from __future__ import annotations

import asyncio
import json
import os
import re
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from urllib.parse import quote, urlsplit

import aiohttp
from sanic import response
from sanic.request import Request

from bot import storage

MAX_BODY = 4096
MAX_MESSAGE_TEXT = 2000
CONVERSATION_ID = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
VOTES = ("up", "down")


def insights_db_path() -> Path:
    """The SQLite file of the thumbs when DATABASE_URL is not set."""
    return storage.insights_db_path()


def database_url() -> str:
    return storage.feedback_url()


class FeedbackError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Vote:
    conversation_id: str
    vote: str


def parse(body: bytes | None) -> Vote:
    """The validated vote from a request body; FeedbackError otherwise."""
    if body is None or len(body) == 0:
        raise FeedbackError(400, "empty body")
    if len(body) > MAX_BODY:
        raise FeedbackError(413, f"body larger than {MAX_BODY} bytes")
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        raise FeedbackError(400, "body is not JSON") from None
    if not isinstance(data, dict):
        raise FeedbackError(400, "body must be a JSON object")
    unknown = set(data) - {"conversation_id", "vote", "message_text"}
    if unknown:
        raise FeedbackError(400, f"unknown fields: {', '.join(sorted(unknown))}")
    conversation_id, vote, text = data.get("conversation_id"), data.get("vote"), data.get("message_text", "")
    if not isinstance(conversation_id, str) or not CONVERSATION_ID.match(conversation_id):
        raise FeedbackError(400, "conversation_id must be 8-64 letters, digits, '-' or '_'")
    if vote not in VOTES:
        raise FeedbackError(400, "vote must be 'up' or 'down'")
    if not isinstance(text, str) or len(text) > MAX_MESSAGE_TEXT:
        raise FeedbackError(400, f"message_text must be a string of at most {MAX_MESSAGE_TEXT} characters")
    return Vote(conversation_id, vote)


async def conversation_slots(session: aiohttp.ClientSession, rasa_url: str, token: str,
                             conversation_id: str) -> dict:
    """The conversation's slots from Rasa's tracker endpoint; FeedbackError if there is none."""
    url = f"{rasa_url.rstrip('/')}/conversations/{quote(conversation_id, safe='')}/tracker"
    try:
        async with session.get(url, params={"token": token, "include_events": "NONE"},
                               timeout=aiohttp.ClientTimeout(total=10)) as reply:
            if reply.status != 200:
                raise FeedbackError(502, f"the assistant answered {reply.status}")
            tracker = await reply.json(content_type=None)
    except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
        raise FeedbackError(503, "the assistant cannot be reached") from None
    # Rasa starts an empty conversation for any id it is asked about; one the citizen never wrote in
    # is not a conversation to give feedback on.
    if not ((tracker.get("latest_message") or {}).get("text")):
        raise FeedbackError(404, "unknown conversation")
    return tracker.get("slots") or {}


def store(target: str | os.PathLike, record: dict) -> None:
    """Keep one vote in `target`, a database URL or an SQLite file."""
    engine = storage.create_tables(storage.engine_for(storage.url_of(target)), [storage.feedback])
    with engine.begin() as connection:
        connection.execute(storage.feedback.insert().values(record))


def _text_slot(value) -> str | None:
    return value[:200] if isinstance(value, str) and value else None


def same_origin(request: Request) -> bool:
    """Browsers send Origin with a POST; the page and this endpoint share one origin."""
    origin = request.headers.get("origin")
    if not origin:
        return True
    return urlsplit(origin).netloc == request.headers.get("host", "")


async def handle(request: Request, rasa_url: str, token: str, db_path: str | os.PathLike,
                 session: aiohttp.ClientSession):
    length = request.headers.get("content-length")
    if length and length.isdigit() and int(length) > MAX_BODY:
        return response.json({"error": f"body larger than {MAX_BODY} bytes"}, status=413)
    if not same_origin(request):
        return response.json({"error": "cross-origin request"}, status=403)
    if (request.content_type or "").split(";")[0].strip().lower() != "application/json":
        return response.json({"error": "Content-Type must be application/json"}, status=415)
    try:
        vote = parse(request.body)
        slots = await conversation_slots(session, rasa_url, token, vote.conversation_id)
    except FeedbackError as error:
        return response.json({"error": error.message}, status=error.status)
    record = {
        # Milliseconds: the insights link a vote to the last question before it, often in the same second.
        "created_at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        "conversation_id": vote.conversation_id,
        "vote": vote.vote,
        "product": _text_slot(slots.get("product")),
        "language": _text_slot(slots.get("language")),
    }
    await asyncio.to_thread(store, db_path, record)
    return response.empty(status=204)
