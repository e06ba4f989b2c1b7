"""Small talk, the municipality's own details, language switches and the way to a person."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.products import OFFER_PERSON_AFTER
from actions.shared import language_of, latest_intent, latest_text, municipality_values
from bot.contract import Slot

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
        intent = latest_intent(tracker)
        if intent == "feedback" and shows_frustration(latest_text(tracker)):
            return [SlotSet(Slot.HANDOVER_REASON, "frustration"), FollowupAction("action_offer_handover")]
        if intent == "out_of_scope":
            # Twice in a row "I cannot help with that" is as stuck as twice "I did not understand".
            count = int(tracker.get_slot(Slot.FALLBACK_COUNT) or 0) + 1
            if count >= OFFER_PERSON_AFTER:
                return [SlotSet(Slot.FALLBACK_COUNT, 0), FollowupAction("action_offer_handover")]
            dispatcher.utter_message(response="utter_out_of_scope")
            return [SlotSet(Slot.FALLBACK_COUNT, count)]
        dispatcher.utter_message(response=RESPONSES.get(intent or "", "utter_how_can_help"))
        return [SlotSet(Slot.FALLBACK_COUNT, 0)]


class ActionWhereWhen(Action):
    def name(self) -> str:
        return "action_where_when"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(response="utter_where_when", **municipality_values(language_of(tracker)))
        return [SlotSet(Slot.FALLBACK_COUNT, 0)]


class ActionChangeLanguage(Action):
    """The language slot was already set from the message (see bot.nlu.components); confirm it."""

    def name(self) -> str:
        return "action_change_language"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(response="utter_language_switched")
        return []
