"""The insights' tables, computed from conversations read by InsightsRepository: questions that
could not be answered, asked products, containment, handovers and satisfaction (definitions in
bot/insights/repository.py). Pure functions of what was read: no database here.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime, timezone

from bot.handover.privacy import redact
from bot.insights.clusters import Question
from bot.insights.periods import week_of, week_of_iso

DEFAULT_LANGUAGE = "nl"              # the domain's initial value of the `language` slot
MAX_QUESTION = 300


def timestamp_of(stamp: str | None) -> float | None:
    try:
        moment = datetime.fromisoformat(stamp or "")
    except ValueError:
        return None
    return (moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)).timestamp()


@dataclass
class Turn:
    timestamp: float
    text: str
    language: str
    unanswered: bool = False

    @property
    def is_payload(self) -> bool:          # a button ("/choose_product{...}"), not typed words
        return self.text.startswith("/")


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)
    products: list[tuple[float, str, str]] = field(default_factory=list)   # (timestamp, language, product)
    handovers: list[tuple[float, str, str | None]] = field(default_factory=list)   # (timestamp, state, reason)

    @property
    def language(self) -> str:
        counts = Counter(t.language for t in self.turns)
        return min(counts, key=lambda lang: (-counts[lang], lang)) if counts else DEFAULT_LANGUAGE

    @property
    def week(self) -> str:
        return week_of(self.turns[0].timestamp)



def questions(conversations: dict[str, Conversation], feedback: list[dict], wanted) -> list[Question]:
    questions = []
    for conversation in conversations.values():
        for turn in conversation.turns:
            week = week_of(turn.timestamp)
            if turn.unanswered and not turn.is_payload and turn.text.strip() and wanted(week, turn.language):
                questions.append(Question(redact(turn.text.strip())[:MAX_QUESTION], turn.language, week, "fallback"))
    for row in feedback:
        if row["vote"] != "down":
            continue
        voted_in = conversations.get(row["conversation_id"])
        moment = timestamp_of(row["created_at"])
        # Older votes were stored in whole seconds: their question can be up to a second later.
        slack = 0.0 if "." in (row["created_at"] or "") else 1.0
        turns = [t for t in (voted_in.turns if voted_in else [])
                 if not t.is_payload and t.text.strip() and moment is not None and t.timestamp <= moment + slack]
        language = row["language"] or (voted_in.language if voted_in else DEFAULT_LANGUAGE)
        vote_week = week_of_iso(row["created_at"])      # None (never wanted) when unreadable
        if turns and vote_week is not None and wanted(vote_week, language):
            questions.append(Question(redact(turns[-1].text.strip())[:MAX_QUESTION], language, vote_week,
                                      "thumbs_down", row["product"]))
    return questions

def unanswered_table(questions: list[Question], wanted) -> list[dict]:
    counts: dict[tuple, Counter] = defaultdict(Counter)
    for question in questions:
        counts[(question.week, question.language)][question.source] += 1
    return [{"week": week, "language": language, "not_understood": c["fallback"], "thumbs_down": c["thumbs_down"]}
            for (week, language), c in sorted(counts.items())]

def products_table(conversations: dict[str, Conversation], wanted) -> list[dict]:
    questions: Counter = Counter()
    senders: dict[tuple, set] = defaultdict(set)
    for sender_id, conversation in conversations.items():
        for timestamp, language, product in conversation.products:
            key = (week_of(timestamp), language, product)
            if wanted(key[0], language):
                questions[key] += 1
                senders[key].add(sender_id)
    return [{"week": w, "language": lang, "product": p, "questions": n, "conversations": len(senders[(w, lang, p)])}
            for (w, lang, p), n in sorted(questions.items())]

def containment_table(conversations, handover_rows, callback_rows, wanted) -> list[dict]:
    with_person = {r["conversation_id"] for r in handover_rows} | {r["conversation_id"] for r in callback_rows}
    table: dict[tuple, dict] = {}
    for sender_id, conversation in conversations.items():
        key = (conversation.week, conversation.language)
        if not wanted(*key):
            continue
        row = table.setdefault(key, {"week": key[0], "language": key[1], "conversations": 0, "handed_over": 0})
        row["conversations"] += 1
        row["handed_over"] += bool(conversation.handovers or sender_id in with_person)
    for row in table.values():
        row["contained"] = row["conversations"] - row["handed_over"]
        row["containment"] = round(row["contained"] / row["conversations"], 4)
        row["handover_rate"] = round(row["handed_over"] / row["conversations"], 4)
    return [table[k] for k in sorted(table)]

def handovers_table(conversations, handover_rows, callback_rows, wanted) -> list[dict]:
    counts: Counter = Counter()
    for row in handover_rows:
        key = (week_of_iso(row["created_at"]), row["language"] or DEFAULT_LANGUAGE, "chat",
               row["reason"] or "unknown", row["team"] or "unknown")
        if wanted(key[0], key[1]):
            counts[key] += 1
    for row in callback_rows:
        conversation = conversations.get(row["conversation_id"])
        reasons = [r for _, state, r in (conversation.handovers if conversation else []) if state == "callback"]
        key = (week_of_iso(row["created_at"]), row["language"] or DEFAULT_LANGUAGE, "callback",
               (reasons[-1] if reasons else None) or "unknown", row["team"] or "unknown")
        if wanted(key[0], key[1]):
            counts[key] += 1
    return [{"week": w, "language": lang, "kind": k, "reason": r, "team": t, "count": n}
            for (w, lang, k, r, t), n in sorted(counts.items())]

def satisfaction_table(handover_rows, feedback, conversations, wanted) -> list[dict]:
    table: dict[tuple, dict] = {}

    def row_for(week, language):
        return table.setdefault((week, language), {
            "week": week, "language": language, "scores": 0, "average": None,
            **{f"score_{n}": 0 for n in range(1, 6)}, "thumbs_up": 0, "thumbs_down": 0})

    for handover in handover_rows:
        score = handover["satisfaction"]
        week, language = week_of_iso(handover["created_at"]), handover["language"] or DEFAULT_LANGUAGE
        if isinstance(score, int) and 1 <= score <= 5 and wanted(week, language):
            row = row_for(week, language)
            row["scores"] += 1
            row[f"score_{score}"] += 1
    for vote in feedback:
        conversation = conversations.get(vote["conversation_id"])
        language = vote["language"] or (conversation.language if conversation else DEFAULT_LANGUAGE)
        week = week_of_iso(vote["created_at"])
        if vote["vote"] in ("up", "down") and wanted(week, language):
            row_for(week, language)[f"thumbs_{vote['vote']}"] += 1
    for row in table.values():
        if row["scores"]:
            row["average"] = round(sum(n * row[f"score_{n}"] for n in range(1, 6)) / row["scores"], 2)
    return [table[k] for k in sorted(table)]
