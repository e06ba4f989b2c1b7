"""When the assistant does not understand: rephrase first, with suggestions; then offer a person.

Not understanding the question type is not not understanding the question: when the words name
a product as clearly as the decision rule asks of any answer, that product is answered (about
what it is), as it would be with a known intent. On the development split this answered 2 of
the 4 messages that the matcher got right and the fallback turned into one "did you mean" button.
"""
from __future__ import annotations

from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import FollowupAction, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shared
from actions.products import OFFER_PERSON_AFTER, clarification_buttons
from actions.shared import language_of, latest_text
from bot.catalogue.decision import decide
from bot.contract import Slot
from bot.nlu.nonsense import is_nonsense


class ActionFallback(Action):
    def name(self) -> str:
        return "action_fallback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = language_of(tracker)
        text = latest_text(tracker)
        decision = decide(shared.catalogue().resolve(text, language, limit=4)) if not is_nonsense(text) else None
        if decision and decision.answer:
            # The words name a product clearly: answered (the answer warns of danger itself).
            return [SlotSet(Slot.FALLBACK_COUNT, 0), FollowupAction("action_answer_question")]
        shared.warn_if_dangerous(dispatcher, text, language)
        count = int(tracker.get_slot(Slot.FALLBACK_COUNT) or 0) + 1
        if count >= OFFER_PERSON_AFTER:
            return [SlotSet(Slot.FALLBACK_COUNT, 0), FollowupAction("action_offer_handover")]
        suggestions = decision.options[:3] if decision else []
        if suggestions:
            dispatcher.utter_message(response="utter_rephrase_suggestions",
                                     buttons=clarification_buttons(suggestions, domain, language))
        else:
            dispatcher.utter_message(response="utter_rephrase")
        return [SlotSet(Slot.FALLBACK_COUNT, count)]
