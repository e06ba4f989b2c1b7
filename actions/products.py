"""Answering questions about products: find the product, clarify when unsure, answer from the catalogue."""
from __future__ import annotations

import json
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shared
from actions.shared import language_of, latest_intent, latest_text, response_text
from bot.answers import QUESTION_TYPES, plan_product_answer
from bot.catalogue.decision import MAX_OPTIONS, decide
from bot.contract import Slot

# The same question again (this similar to the previous message) means the answer did not help.
REPEATED_SIMILARITY = 85
# In a conversation about a product, another product must score this high to change the subject.
FOLLOW_UP_BAR = 0.5
# Not understood this many times in a row: offer a person.
OFFER_PERSON_AFTER = 2


def question_type(tracker: Tracker) -> str:
    intent = latest_intent(tracker)
    if intent in QUESTION_TYPES:
        return intent
    return tracker.get_slot(Slot.QUESTION) or "ask_info"


def choose_product_payload(product_id: str) -> str:
    return "/choose_product" + json.dumps({"product": product_id}, ensure_ascii=False)


def clarification_buttons(candidates: list[str], domain: dict, language: str) -> list[dict]:
    buttons = [{"title": product_id, "payload": choose_product_payload(product_id)} for product_id in candidates]
    buttons.append({"title": response_text(domain, "utter_button_something_else", language),
                    "payload": "/deny"})
    return buttons


def asked_again(tracker: Tracker) -> bool:
    """The citizen sends (nearly) the same question as their previous message."""
    from rapidfuzz import fuzz
    texts = [e.get("text") or "" for e in tracker.events if e.get("event") == "user"]
    current = latest_text(tracker)
    if len(texts) >= 2 and texts[-1] == current:
        previous = texts[-2]
    elif texts and texts[-1] != current:
        previous = texts[-1]
    else:
        previous = ""
    return (len(current.split()) >= 3 and bool(previous)
            and fuzz.token_sort_ratio(current.lower(), previous.lower()) >= REPEATED_SIMILARITY)


def send_answer(dispatcher: CollectingDispatcher, product_id: str, language: str, question: str,
                tracker: Tracker | None = None) -> list:
    for utterance in plan_product_answer(shared.catalogue(), product_id, language, question):
        dispatcher.utter_message(response=utterance.response, **utterance.values)
    events = [SlotSet(Slot.PRODUCT, product_id), SlotSet(Slot.QUESTION, question), SlotSet(Slot.FALLBACK_COUNT, 0)]
    if tracker is not None and asked_again(tracker):
        events += [SlotSet(Slot.HANDOVER_REASON, "repeated_question"), FollowupAction("action_offer_handover")]
    return events


class ActionAnswerQuestion(Action):
    def name(self) -> str:
        return "action_answer_question"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = language_of(tracker)
        question = question_type(tracker)
        shared.warn_if_dangerous(dispatcher, latest_text(tracker), language)
        # The question type only chooses what to say about a product; the words choose the product.
        matches = shared.catalogue().resolve(latest_text(tracker), language, limit=MAX_OPTIONS + 1)
        decision = decide(matches)
        current = tracker.get_slot(Slot.PRODUCT)
        if current and decision.answer and matches[0].score < FOLLOW_UP_BAR:
            # "kan dat ook online?" names no product: a weak match is not a new subject.
            return send_answer(dispatcher, current, language, question, tracker)
        if decision.answer:
            events = send_answer(dispatcher, decision.answer, language, question, tracker)
            if decision.alternatives:
                dispatcher.utter_message(response="utter_also_meant", buttons=[
                    {"title": product_id, "payload": choose_product_payload(product_id)}
                    for product_id in decision.alternatives])
            return events
        if current and (not decision.options or current in decision.options):
            # A follow-up ("en wat kost dat?") is about the conversation's product.
            return send_answer(dispatcher, current, language, question, tracker)
        if decision.options:
            dispatcher.utter_message(response="utter_clarify_product",
                                     buttons=clarification_buttons(decision.options, domain, language))
            return [SlotSet(Slot.QUESTION, question)]
        # Neither a product nor context: the question was not understood, whatever the intent.
        misunderstood = int(tracker.get_slot(Slot.FALLBACK_COUNT) or 0) + 1
        if misunderstood >= OFFER_PERSON_AFTER:
            return [SlotSet(Slot.QUESTION, question), SlotSet(Slot.FALLBACK_COUNT, 0),
                    FollowupAction("action_offer_handover")]
        dispatcher.utter_message(response="utter_ask_which_product")
        return [SlotSet(Slot.QUESTION, question), SlotSet(Slot.FALLBACK_COUNT, misunderstood)]


class ActionChooseProduct(Action):
    """The citizen picked a product from the clarification buttons."""

    def name(self) -> str:
        return "action_choose_product"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        chosen = next(tracker.get_latest_entity_values("product"), None)
        if not chosen or not shared.catalogue().exists(chosen):
            dispatcher.utter_message(response="utter_ask_which_product")
            return []
        return send_answer(dispatcher, chosen, language_of(tracker), tracker.get_slot(Slot.QUESTION) or "ask_info")
