"""bot/contract.py against domain.yml, data/rules.yml and the consoles' labels."""
from __future__ import annotations

import yaml

from bot.answers import QUESTION_TYPES
from bot.console.labels import labels
from bot.contract import HandoverReason, HandoverState, HandoverStatus, QuestionType, Slot
from bot.handover.store import CALLBACK_STATUSES, STATUSES
from bot.insights.repository import HANDED_OVER
from tests.conftest import PROJECT

DOMAIN = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
RULES = yaml.safe_load((PROJECT / "data" / "rules.yml").read_text(encoding="utf-8"))


def rule_steps():
    return [step for rule in RULES["rules"] for step in rule.get("steps", []) + rule.get("condition", [])]


def test_every_question_type_is_an_intent_with_a_rule_that_answers_it():
    intents = set(DOMAIN["intents"])
    assert set(QuestionType) <= intents
    answered = {step["intent"] for rule in RULES["rules"] for step in rule["steps"][:1] if "intent" in step
                and {"action": "action_answer_question"} in rule["steps"]}
    assert {QuestionType.INFO, QuestionType.APPLY, QuestionType.COST, QuestionType.BRING, QuestionType.DURATION} <= answered
    assert QUESTION_TYPES == tuple(QuestionType)


def test_the_rules_use_only_the_domains_intents_and_slots():
    steps = rule_steps()
    assert {s["intent"] for s in steps if "intent" in s} <= set(DOMAIN["intents"]) | {"nlu_fallback"}   # Rasa's own
    slots = {name for s in steps if "slot_was_set" in s for item in s["slot_was_set"] for name in item}
    assert slots - {"requested_slot"} <= set(Slot)


def test_the_slots_are_the_domains():
    assert set(Slot) == set(DOMAIN["slots"])
    assert DOMAIN["slots"][Slot.HANDOVER]["values"] == [state.value for state in HandoverState]


def test_store_insights_and_labels_speak_the_same_states_and_reasons():
    assert STATUSES == tuple(HandoverStatus)
    assert set(HANDED_OVER) == set(HandoverState) - {HandoverState.OFFERED}
    assert set(labels()["reasons"]) - {"unknown"} == set(HandoverReason)
    assert set(labels()["statuses"]) == set(HandoverStatus)
    assert set(labels()["callback_statuses"]) == set(CALLBACK_STATUSES)
