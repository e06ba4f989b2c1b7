"""InsightsRepository: every query behind the editors' insights, read-only.

Sources:
- Rasa's tracker store (env TRACKER_STORE_URL, default the SQLite file TRACKER_DB, build/tracker.db),
  table `events` as SQLTrackerStore writes it: one row per event with sender_id, type_name,
  timestamp, intent_name (user messages), action_name (the action's name; for a `slot` event the
  slot's name) and data (the event as JSON). SQLite files are opened read-only.
- The handover store (HandoverStore): `handovers` (team, reason, language, satisfaction) and
  `callbacks` (team, language).
- The chat widget's thumbs, table `feedback` (created_at, conversation_id, vote, product, language),
  when it exists: DATABASE_URL, else the SQLite file INSIGHTS_DB (build/insights.db).

Definitions (per ISO week in Europe/Amsterdam and per conversation language):
- a *conversation* is a sender id with at least one message from the citizen in the period; its
  week is that of its first message, its language the language most of its messages had;
- a message *could not be answered* when NLU gave `nlu_fallback`, `action_fallback` ran, the
  assistant counted it as not understood (slot `fallback_count` > 0), or it led to offering a
  person because the assistant was stuck (`handover_reason` not_understood/stuck); a thumbs-down
  counts too, with the citizen's last message before it as the question;
- a conversation is *handed over* when a person took it on: slot `handover` queued, live,
  callback or closed, or a row in `handovers` or `callbacks`; *containment* is the share of
  conversations without that (an offer the citizen declined still counts as contained);
- *asked products* are `product` slot events (each answer about a product), with the number of
  distinct conversations beside it.

Nothing that leaves this class carries a conversation id; every citizen text is redacted.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from itertools import groupby
from pathlib import Path

from sqlalchemy import and_, or_, select

from bot import storage
from bot.contract import HandoverReason, HandoverState, Slot
from bot.insights import tables
from bot.insights.clusters import Group, group_questions
from bot.insights.periods import Period
from bot.insights.tables import DEFAULT_LANGUAGE, Conversation, Turn, timestamp_of

DEFAULT_LANGUAGES = ("nl", "en", "fr")
SLOTS = (Slot.PRODUCT, Slot.LANGUAGE, Slot.HANDOVER, Slot.HANDOVER_REASON, Slot.FALLBACK_COUNT)
FALLBACK_INTENTS = ("nlu_fallback",)
FALLBACK_ACTIONS = ("action_fallback",)
STUCK_REASONS = (HandoverReason.NOT_UNDERSTOOD, HandoverReason.STUCK)
HANDED_OVER = tuple(state for state in HandoverState if state != HandoverState.OFFERED)
# Slots carry over between sessions: events from a day before the period give the language
# a conversation already had.
LOOK_BACK_SECONDS = 86400
TOP_PRODUCTS = 15


def tracker_db_path() -> Path:
    return storage.tracker_db_path()


def insights_db_path() -> Path:
    return storage.insights_db_path()


def _reader(url: str, table: str):
    """An engine reading `url`, or None when the database or the table does not exist yet."""
    engine = storage.reader_for(url)
    return engine if engine is not None and storage.has_table(engine, table) else None


def _select(engine, query) -> list[dict]:
    with engine.connect() as connection:
        return [dict(row) for row in connection.execute(query).mappings()]


def _created_between(engine, table, start: float, end: float, columns: tuple[str, ...]) -> list[dict]:
    """The rows of `table` created in [start, end), with these columns."""
    low, high = _margin(start, end)
    query = select(*(table.c[name] for name in columns)).where(table.c.created_at >= low, table.c.created_at < high)
    return _within(_select(engine, query), start, end)


def _utc(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, timezone.utc).isoformat(timespec="seconds")


def _margin(start: float, end: float) -> list[str]:
    """Bounds for comparing ISO texts in SQL: a day wider, so that any UTC offset is inside;
    _within then keeps the rows that are really in the period."""
    return [_utc(start - LOOK_BACK_SECONDS), _utc(end + LOOK_BACK_SECONDS)]


def _within(rows, start: float, end: float) -> list[dict]:
    return [row for row in rows if (moment := timestamp_of(row["created_at"])) is not None and start <= moment < end]


@dataclass
class GroupRow:
    """A group of similar questions, with the products `resolve` suggests for it."""
    group: Group
    suggestions: list[str]
    known: bool = False         # its question is already a synonym (set by the editors' console)

    @property
    def suggested(self) -> str | None:
        return self.suggestions[0] if self.suggestions else None


@dataclass
class Report:
    period: Period
    language: str | None
    languages: list[str]                 # the series shown: all languages, or the chosen one
    weeks: list[str]
    unanswered: list[dict]               # week, language, not_understood, thumbs_down
    groups: list[GroupRow]
    products: list[dict]                 # week, language, product, questions, conversations
    top_products: list[dict]             # product, questions, conversations
    containment: list[dict]              # week, language, conversations, handed_over, contained, containment,
                                         # handover_rate
    handovers: list[dict]                # week, language, kind, reason, team, count
    satisfaction: list[dict]             # week, language, scores, average, score_1..score_5, thumbs_up, thumbs_down
    totals: dict

    def series(self, rows: list[dict], value: str, ratio_of: tuple[str, str] | None = None) -> dict[str, list[float]]:
        """Per language, the week-by-week values of `value` in `rows` (or the ratio of two sums)."""
        result = {}
        for language in self.languages:
            values = []
            for week in self.weeks:
                selected = [r for r in rows if r["week"] == week and r["language"] == language]
                if ratio_of:
                    numerator = sum(r[ratio_of[0]] for r in selected)
                    denominator = sum(r[ratio_of[1]] for r in selected)
                    values.append(numerator / denominator if denominator else 0)
                else:
                    values.append(sum(r[value] or 0 for r in selected))
            result[language] = values
        return result


class InsightsRepository:
    """`tracker_db` and `insights_db`: database URLs or SQLite files (default: see the module)."""

    def __init__(self, tracker_db: str | os.PathLike | None = None, handover_store=None,
                 insights_db: str | os.PathLike | None = None, catalogue=None):
        self.tracker_url = storage.url_of(tracker_db) if tracker_db else storage.tracker_store_url()
        self.feedback_url = storage.url_of(insights_db) if insights_db else storage.feedback_url()
        self.store = handover_store
        self.catalogue = catalogue

    # ── the report ─────────────────────────────────────────────────────────────────────────
    def languages(self) -> list[str]:
        if self.catalogue is not None:
            try:
                return list(self.catalogue.languages())
            except FileNotFoundError:
                pass
        return list(DEFAULT_LANGUAGES)

    def report(self, period: Period, language: str | None = None, suggest: bool = True) -> Report:
        start, end = period.bounds()
        conversations = self._conversations(start, end)
        handover_rows = self._handover_rows(start, end)
        callback_rows = self._callback_rows(start, end)
        feedback = self._feedback_rows(start, end)
        known = self.languages()
        found = {c.language for c in conversations.values()} | {r["language"] for r in handover_rows if r["language"]}
        languages = [language] if language else known + sorted(found - set(known) - {None})

        def wanted(week: str | None, lang: str | None) -> bool:
            return period.contains(week) and (language is None or lang == language)

        questions = tables.questions(conversations, feedback, wanted)
        unanswered = tables.unanswered_table(questions, wanted)
        products = tables.products_table(conversations, wanted)
        containment = tables.containment_table(conversations, handover_rows, callback_rows, wanted)
        handovers = tables.handovers_table(conversations, handover_rows, callback_rows, wanted)
        satisfaction = tables.satisfaction_table(handover_rows, feedback, conversations, wanted)
        groups = [GroupRow(g, self.suggest(g.representative, g.language) if suggest else [])
                  for g in group_questions(questions)]

        top: dict[str, dict] = {}
        for row in products:
            entry = top.setdefault(row["product"], {"product": row["product"], "questions": 0, "conversations": 0})
            entry["questions"] += row["questions"]
            entry["conversations"] += row["conversations"]
        top_products = sorted(top.values(), key=lambda r: (-r["questions"], r["product"]))[:TOP_PRODUCTS]
        total_conversations = sum(r["conversations"] for r in containment)
        handed_over = sum(r["handed_over"] for r in containment)
        scores = [r for r in satisfaction if r["scores"]]
        score_sum = sum((r["average"] or 0) * r["scores"] for r in scores)
        score_count = sum(r["scores"] for r in scores)
        totals = {
            "conversations": total_conversations,
            "handed_over": handed_over,
            "containment": (total_conversations - handed_over) / total_conversations if total_conversations else None,
            "not_understood": sum(r["not_understood"] for r in unanswered),
            "thumbs_down": sum(r["thumbs_down"] for r in satisfaction),
            "thumbs_up": sum(r["thumbs_up"] for r in satisfaction),
            "scores": score_count,
            "satisfaction": score_sum / score_count if score_count else None,
            "product_questions": sum(r["questions"] for r in products),
        }
        return Report(period, language, languages, period.weeks(), unanswered, groups, products, top_products,
                      containment, handovers, satisfaction, totals)

    def suggest(self, question: str, language: str, limit: int = 3) -> list[str]:
        """Products the catalogue's search finds for a question, best first."""
        if self.catalogue is None or not question.strip():
            return []
        try:
            return [m.product_id for m in self.catalogue.resolve(question, language, limit=limit)]
        except FileNotFoundError:
            return []

    # ── reading the sources ────────────────────────────────────────────────────────────────
    def _conversations(self, start: float, end: float) -> dict[str, Conversation]:
        engine = _reader(self.tracker_url, "events")
        if engine is None:
            return {}
        events = storage.events
        query = (select(events.c.sender_id, events.c.type_name, events.c.timestamp, events.c.intent_name,
                        events.c.action_name, events.c.data)
                 .where(events.c.timestamp >= start - LOOK_BACK_SECONDS, events.c.timestamp < end,
                        or_(events.c.type_name == "user",
                            and_(events.c.type_name == "slot", events.c.action_name.in_(SLOTS)),
                            and_(events.c.type_name == "action", events.c.action_name.in_(FALLBACK_ACTIONS))))
                 .order_by(events.c.id))
        with engine.connect() as connection:
            rows = connection.execute(query).fetchall()
        # Grouped by conversation, each in the order of its events; sorted here rather than in SQL,
        # where the order of sender ids would depend on the database's collation.
        rows.sort(key=lambda row: row[0])
        conversations: dict[str, Conversation] = {}
        for sender_id, events in groupby(rows, key=lambda r: r[0]):
            conversation = Conversation()
            language, reason, turn = DEFAULT_LANGUAGE, None, None
            for _, type_name, timestamp, intent, action, data in events:
                timestamp = timestamp or 0.0
                inside = timestamp >= start
                try:
                    event = json.loads(data or "{}")
                except ValueError:
                    event = {}
                if type_name == "user":
                    turn = Turn(timestamp, str(event.get("text") or ""), language) if inside else None
                    if turn is not None:
                        conversation.turns.append(turn)
                        turn.unanswered = intent in FALLBACK_INTENTS
                elif type_name == "action":
                    if turn is not None:
                        turn.unanswered = True
                else:
                    value = event.get("value")
                    if action == "language" and isinstance(value, str) and value:
                        language = value
                        if turn is not None:
                            turn.language = value
                    elif action == "product" and isinstance(value, str) and value and inside:
                        conversation.products.append((timestamp, language, value))
                    elif action == "fallback_count" and isinstance(value, (int, float)) and value > 0:
                        if turn is not None:
                            turn.unanswered = True
                    elif action == "handover_reason":
                        reason = value if isinstance(value, str) else None
                        if turn is not None and reason in STUCK_REASONS:
                            turn.unanswered = True
                    elif action == "handover" and value in HANDED_OVER and inside:
                        conversation.handovers.append((timestamp, value, reason))
            if conversation.turns:
                conversations[sender_id] = conversation
        return conversations

    def _handover_rows(self, start: float, end: float) -> list[dict]:
        if self.store is None:
            return []
        return _created_between(self.store.engine, storage.handovers, start, end, (
            "conversation_id", "team", "status", "language", "product", "reason", "created_at", "satisfaction"))

    def _callback_rows(self, start: float, end: float) -> list[dict]:
        if self.store is None:
            return []
        return _created_between(self.store.engine, storage.callbacks, start, end, (
            "conversation_id", "team", "language", "product", "created_at"))

    def _feedback_rows(self, start: float, end: float) -> list[dict]:
        engine = _reader(self.feedback_url, "feedback")
        if engine is None:
            return []
        return _created_between(engine, storage.feedback, start, end, (
            "created_at", "conversation_id", "vote", "product", "language"))
