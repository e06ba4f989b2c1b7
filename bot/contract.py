"""The public contract between domain.yml, data/rules.yml and the code, defined once: question
types, slots, the `handover` slot's states, a handover's status in the store and why a person was
offered. tests/test_contract.py checks these against the domain and the rules, so that a renamed
intent or slot fails a test instead of silently matching nothing. They are StrEnums: each member
is its own string, so Rasa's JSON and the databases see plain text.
"""
from __future__ import annotations

from enum import StrEnum


class QuestionType(StrEnum):
    """What a citizen asks about a product (the question-type intents); it chooses what is said,
    never which product."""
    INFO = "ask_info"
    APPLY = "ask_apply"
    COST = "ask_cost"
    BRING = "ask_bring"
    DURATION = "ask_duration"
    APPOINTMENT = "make_appointment"
    REPORT = "report_problem"


class Slot(StrEnum):
    PRODUCT = "product"
    LANGUAGE = "language"
    QUESTION = "question"
    FALLBACK_COUNT = "fallback_count"
    HANDOVER = "handover"
    HANDOVER_REASON = "handover_reason"
    CALLBACK_NAME = "callback_name"
    CALLBACK_CONTACT = "callback_contact"
    CALLBACK_MOMENT = "callback_moment"
    STAFF_MESSAGE = "staff_message"
    STAFF_NAME = "staff_name"


class HandoverState(StrEnum):
    """The `handover` slot: where the conversation stands with a person."""
    OFFERED = "offered"
    QUEUED = "queued"
    LIVE = "live"
    CALLBACK = "callback"
    CLOSED = "closed"


class HandoverStatus(StrEnum):
    """A live-chat handover in the store (bot.handover.store)."""
    QUEUED = "queued"
    LIVE = "live"
    CLOSED = "closed"


class HandoverReason(StrEnum):
    """Why a person was offered; it travels with the handover to staff and insights."""
    ASKED = "asked"
    NOT_DIGITALLY_CONFIDENT = "not_digitally_confident"
    SENSITIVE = "sensitive"
    NOT_UNDERSTOOD = "not_understood"
    STUCK = "stuck"
    REPEATED_QUESTION = "repeated_question"
    LANGUAGE = "language"
    FRUSTRATION = "frustration"
