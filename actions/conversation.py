"""Small talk, the municipality's own details, language switches and the way to a person."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.products import OFFER_PERSON_AFTER
from actions.shared import catalogue, language_of, municipality_values
from bot.answers import plan_product_answer

# Intents answered by one fixed response each.
RESPONSES = {
    "greet": "utter_greet",
    "goodbye": "utter_goodbye",
    "thanks": "utter_thanks",
    "affirm": "utter_how_can_help",
    "deny": "utter_how_can_help",
    "feedback": "utter_feedback",
    "bot_challenge": "utter_bot_challenge",
    "chitchat": "utter_chitchat",
    "out_of_scope": "utter_out_of_scope",
}


class ActionRespond(Action):
    def name(self) -> str:
        return "action_respond"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        from bot.nlu.language import shows_frustration
        intent = (tracker.latest_message.get("intent") or {}).get("name")
        if intent == "feedback" and shows_frustration(tracker.latest_message.get("text") or ""):
            return [SlotSet("handover_reason", "frustration"), FollowupAction("action_offer_handover")]
        if intent == "out_of_scope":
            # Twice in a row "I cannot help with that" is as stuck as twice "I did not understand".
            count = int(tracker.get_slot("fallback_count") or 0) + 1
            if count >= OFFER_PERSON_AFTER:
                return [SlotSet("fallback_count", 0), FollowupAction("action_offer_handover")]
            dispatcher.utter_message(response="utter_out_of_scope")
            return [SlotSet("fallback_count", count)]
        dispatcher.utter_message(response=RESPONSES.get(intent, "utter_how_can_help"))
        return [SlotSet("fallback_count", 0)]


class ActionWhereWhen(Action):
    def name(self) -> str:
        return "action_where_when"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(response="utter_where_when", **municipality_values(language_of(tracker)))
        return [SlotSet("fallback_count", 0)]


class ActionReportProblem(Action):
    """Reports about public space: answered from the matching 'melding openbare ruimte' product."""

    def name(self) -> str:
        return "action_report_problem"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = language_of(tracker)
        matches = catalogue().resolve(tracker.latest_message.get("text") or "", language, limit=5)
        reports = [m.product_id for m in matches if m.product_id.startswith("melding openbare ruimte")]
        product_id = reports[0] if reports else "melding openbare ruimte (algemeen)"
        for utterance in plan_product_answer(catalogue(), product_id, language, "ask_apply"):
            dispatcher.utter_message(response=utterance.response, **utterance.values)
        return [SlotSet("product", product_id), SlotSet("question", "ask_apply"), SlotSet("fallback_count", 0)]


class ActionChangeLanguage(Action):
    """The language slot was already set from the message (see bot.nlu.components); confirm it."""

    def name(self) -> str:
        return "action_change_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(response="utter_language_switched")
        return []
