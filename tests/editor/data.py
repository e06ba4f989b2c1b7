"""Conversation data for the insight tests, written as the real stores write it.

The tracker database is written by the project's own tracker store (bot.tracker_store.ConversationStore,
Rasa's SQLTrackerStore) from Rasa events, so the rows have exactly the shape a running assistant
produces: sender_id, type_name, timestamp, intent_name, action_name (for slots: the slot name) and
data (the event as JSON). Handovers and callbacks go through HandoverStore, feedback through the
chat widget's own storage function.

Weeks are ISO weeks in Europe/Amsterdam: 2025-W10 is Monday 3 to Sunday 9 March 2025. One
conversation starts on Monday 10 March at 00:30 Amsterdam time (still Sunday in UTC): week 11.
"""
from __future__ import annotations

import asyncio
import warnings
from datetime import datetime, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.conftest import PROJECT

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
FIRST_WEEK, LAST_WEEK = "2025-W10", "2025-W11"

# Personal data that must never reach an export (each also in its usual spellings).
BSN = "123456782"
PHONES = ("06-12345678", "+31 6 12345678", "0201234567")
EMAILS = ("jan.jansen@example.com", "a.de-vries+gemeente@mail.example.nl")
IBANS = ("NL91ABNA0417164300", "NL91 ABNA 0417 1643 00")
PERSONAL = (BSN, *PHONES, *EMAILS, *IBANS)


def at(day: int, hour: int, minute: int = 0, month: int = 3) -> float:
    return datetime(2025, month, day, hour, minute, tzinfo=AMSTERDAM).timestamp()


def _user(text, intent, moment, language=None):
    from rasa.shared.core.events import UserUttered
    entities = [{"entity": "language", "value": language, "start": 0, "end": len(text), "extractor": "LanguageEntityExtractor"}] \
        if language else []
    return UserUttered(text, intent={"name": intent, "confidence": 0.9}, entities=entities, timestamp=moment)


def _turn(text: str, intent: str, moment: float, language: str | None = None, action: str = "action_answer_question",
          slots: dict | None = None, bot: str = "...") -> list:
    """One turn as Rasa records it: the message, the language slot (from the entity), the action,
    what the bot said, the slots the action set, and listening again."""
    from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet
    events = [_user(text, intent, moment, language)]
    if language:
        events.append(SlotSet("language", language, timestamp=moment + 0.01))
    events += [ActionExecuted(action, timestamp=moment + 0.2), BotUttered(bot, timestamp=moment + 0.21)]
    events += [SlotSet(name, value, timestamp=moment + 0.22) for name, value in (slots or {}).items()]
    events.append(ActionExecuted("action_listen", timestamp=moment + 0.23))
    return events


def _start(moment: float) -> list:
    from rasa.shared.core.events import ActionExecuted, SessionStarted
    return [ActionExecuted("action_session_start", timestamp=moment - 1), SessionStarted(timestamp=moment - 1),
            ActionExecuted("action_listen", timestamp=moment - 1)]


def conversations() -> dict[str, list]:
    day10, day11 = at(4, 10), at(11, 14)
    monday_night = at(10, 0, 30)        # 2025-03-09 23:30 UTC: week 10 in UTC, week 11 in Amsterdam
    return {
        # week 10, Dutch: a product question and a follow-up; contained
        "conv-nl-1": _start(day10) + _turn("hoe vraag ik een paspoort aan?", "ask_apply", day10, "nl",
                                          slots={"product": "paspoort", "question": "ask_apply", "fallback_count": 0})
        + _turn("wat kost dat?", "ask_cost", day10 + 30, slots={"product": "paspoort", "question": "ask_cost"}),
        # week 10, Dutch: not understood twice, then a live chat with a person
        "conv-nl-2": _start(day10 + 60)
        + _turn(f"mijn bsn is {BSN}, waar is de kattenopvang?", "nlu_fallback", day10 + 60, "nl", "action_fallback",
                slots={"fallback_count": 1})
        + _turn("kattenopvang buren", "nlu_fallback", day10 + 90, None, "action_fallback",
                slots={"fallback_count": 0, "handover": "offered", "handover_reason": "not_understood"})
        + _turn("/handover_chat", "handover_chat", day10 + 120, None, "action_start_chat_handover",
                slots={"handover": "queued"}),
        # week 10, Dutch: not understood (a phone number in it); contained
        "conv-nl-3": _start(day10 + 200)
        + _turn(f"bel mij op {PHONES[0]} over de kattenopvang", "nlu_fallback", day10 + 200, "nl", "action_fallback",
                slots={"fallback_count": 1}),
        # week 10, English: answered, then a thumbs down (the feedback database)
        "conv-en-1": _start(day10 + 300)
        + _turn("how do I get a parking permit?", "ask_apply", day10 + 300, "en",
                slots={"product": "parkeervergunning", "question": "ask_apply"}),
        # week 10, English: not understood (e-mail address and IBAN), then a callback request
        "conv-en-2": _start(day10 + 400)
        + _turn(f"my email is {EMAILS[0]}, where do I pay with {IBANS[0]}", "nlu_fallback", day10 + 400, "en",
                "action_fallback", slots={"fallback_count": 1})
        + _turn("I want to talk to a person", "request_human", day10 + 430, "en", "action_offer_handover",
                slots={"handover": "offered", "handover_reason": "asked"})
        + _turn("/request_callback", "request_callback", day10 + 460, None, "action_request_callback",
                slots={"handover": "callback"}),
        # week 11, French: a product question
        "conv-fr-1": _start(day11) + _turn("j'ai perdu mon passeport", "ask_info", day11, "fr",
                                           slots={"product": "paspoort", "question": "ask_info"}),
        # week 11, Dutch: no product found (the action counts it as not understood)
        "conv-nl-4": _start(day11 + 100)
        + _turn(f"IBAN {IBANS[1]} kattenopvang", "ask_info", day11 + 100, "nl",
                slots={"question": "ask_info", "fallback_count": 1}),
        # week 11 in Amsterdam (Sunday night in UTC): answered, thumbs up; a phone number and an e-mail address
        "conv-nl-5": _start(monday_night)
        + _turn(f"{PHONES[1]} rijbewijs verlopen, mail {EMAILS[1]}", "ask_apply", monday_night, "nl",
                slots={"product": "rijbewijs", "question": "ask_apply"}),
        # week 11, Dutch: a button payload after not being understood is no question of its own
        "conv-nl-6": _start(day11 + 200)
        + _turn(f"bel {PHONES[2]}", "nlu_fallback", day11 + 200, "nl", "action_fallback", slots={"fallback_count": 1})
        + _turn('/choose_product{"product":"rijbewijs"}', "choose_product", day11 + 230, None,
                "action_choose_product", slots={"product": "rijbewijs"}),
        # week 9: outside the period
        "conv-old": _start(at(25, 9, month=2)) + _turn("paspoort kwijt", "nlu_fallback", at(25, 9, month=2), "nl",
                                                      "action_fallback", slots={"fallback_count": 1}),
    }


def write_tracker(target: Path | str, chosen: dict[str, list] | None = None) -> Path | str:
    """The conversations (or the `chosen` ones), saved by the project's tracker store into a new SQLite file, or into the
    PostgreSQL database of a URL (as endpoints.yml configures Rasa: dialect, host, port, db, ...)."""
    warnings.filterwarnings("ignore")
    from rasa.shared.core.domain import Domain
    from rasa.shared.core.trackers import DialogueStateTracker
    from sqlalchemy.engine import make_url
    from bot.tracker_store import ConversationStore

    domain = Domain.load(PROJECT / "domain.yml")
    if isinstance(target, str) and "://" in target:
        url = make_url(target)
        store = ConversationStore(domain, dialect=url.get_backend_name(), host=url.host, port=url.port,
                                  db=url.database, username=url.username, password=url.password)
    else:
        store = ConversationStore(domain, dialect="sqlite", db=str(target))

    async def save_all():
        for sender_id, events in (chosen or conversations()).items():
            await store.save(DialogueStateTracker.from_events(sender_id, events, domain.slots))

    asyncio.run(save_all())
    store.engine.dispose()
    return target


def write_handovers(store) -> None:
    """The live chat of conv-nl-2 (score 4) and the callback of conv-en-2, at the tracker's times."""
    from sqlalchemy import update
    from bot.handover.store import stamp
    from bot.storage import callbacks, handovers
    handover = store.open_handover("conv-nl-2", "burgerzaken", "nl", None, "not_understood",
                                   [{"sender": "citizen", "text": f"mijn bsn is {BSN}", "sent_at": None}])
    callback = store.request_callback("conv-en-2", "Jan Jansen", PHONES[0], "phone", "morgen", "algemeen", "en", None)
    with store.engine.begin() as connection:      # back to the tracker's times
        connection.execute(update(handovers).where(handovers.c.id == handover["id"]).values(
            created_at=stamp(datetime.fromtimestamp(at(4, 10, 2), timezone.utc)), status="closed", satisfaction=4))
        connection.execute(update(callbacks).where(callbacks.c.id == callback["id"]).values(
            created_at=stamp(datetime.fromtimestamp(at(4, 10, 8), timezone.utc))))


def write_feedback(path: Path | str) -> Path | str:
    from bot.web.feedback import store as store_vote
    from bot.handover.store import stamp
    store_vote(path, {"created_at": stamp(datetime.fromtimestamp(at(4, 10, 6), timezone.utc)),
                      "conversation_id": "conv-en-1", "vote": "down", "product": "parkeervergunning", "language": "en"})
    store_vote(path, {"created_at": stamp(datetime.fromtimestamp(at(10, 0, 35), timezone.utc)),
                      "conversation_id": "conv-nl-5", "vote": "up", "product": "rijbewijs", "language": "nl"})
    return path
