"""When the assistant does not understand: rephrase first, with suggestions; then offer a person."""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.products import OFFER_PERSON_AFTER, PLAUSIBLE, clarification_buttons
from actions.shared import catalogue, language_of



class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = language_of(tracker)
        count = int(tracker.get_slot("fallback_count") or 0) + 1
        if count >= OFFER_PERSON_AFTER:
            return [SlotSet("fallback_count", 0), FollowupAction("action_offer_handover")]
        text = (tracker.latest_message.get("text") or "")
        suggestions = [m.product_id for m in catalogue().resolve(text, language, limit=3) if m.score >= PLAUSIBLE]
        if suggestions:
            dispatcher.utter_message(response="utter_rephrase_suggestions",
                                     buttons=clarification_buttons(suggestions, domain, language))
        else:
            dispatcher.utter_message(response="utter_rephrase")
        return [SlotSet("fallback_count", count)]
