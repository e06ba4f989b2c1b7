"""Offering a person, with the citizen's consent: live chat, callback, phone, desk, digital help."""
from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import ConversationPaused, SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import shared
from actions.products import send_answer
from actions.shared import (
    STORE_ERRORS,
    language_of,
    latest_intent,
    latest_text,
    municipality_values,
    response_text,
    supported_language_names,
    tell_not_saved,
)
from bot.catalogue.decision import decide
from bot.contract import HandoverReason, HandoverState, Slot
from bot.handover.availability import OpeningHours, team_for

# Why a person is offered, from what just happened; the reason travels with the handover.
REASONS = {
    "request_human": HandoverReason.ASKED,
    "struggling": HandoverReason.NOT_DIGITALLY_CONFIDENT,
    "sensitive_situation": HandoverReason.SENSITIVE,
    "nlu_fallback": HandoverReason.NOT_UNDERSTOOD,
    "out_of_scope": HandoverReason.NOT_UNDERSTOOD,
    "unsupported_language": HandoverReason.LANGUAGE,
    "feedback": HandoverReason.FRUSTRATION,
}
OFFER_RESPONSES: dict[str, str] = {
    HandoverReason.SENSITIVE: "utter_handover_offer_sensitive",
    HandoverReason.NOT_UNDERSTOOD: "utter_handover_offer_stuck",
    HandoverReason.REPEATED_QUESTION: "utter_handover_offer_stuck",
    HandoverReason.FRUSTRATION: "utter_handover_offer_stuck",
    HandoverReason.LANGUAGE: "utter_unsupported_language",
}
PHONE = re.compile(r"^\+?[\d\s\-().]{9,20}$")
EMAIL = re.compile(r"^[\w.+-]+@[\w-]+(\.[\w-]+)+$")


def offer_reason(tracker: Tracker) -> str:
    """Why a person is offered: from the message, or as set by the action that led here."""
    intent = latest_intent(tracker)
    if intent in REASONS:
        return REASONS[intent]
    return tracker.get_slot(Slot.HANDOVER_REASON) or HandoverReason.STUCK


def conversation_team(tracker: Tracker) -> str:
    product_id = tracker.get_slot(Slot.PRODUCT)
    product = shared.catalogue().product(product_id) if product_id else None
    return team_for(product.theme if product else None, shared.catalogue().municipality())


def transcript(tracker: Tracker) -> list[dict]:
    lines = []
    for event in tracker.events:
        if event.get("event") in ("user", "bot") and event.get("text"):
            moment = datetime.fromtimestamp(event.get("timestamp", 0), timezone.utc).isoformat(timespec="seconds")
            sender = "citizen" if event["event"] == "user" else "bot"
            line = {"sender": sender, "text": event["text"], "sent_at": moment}
            if event["event"] == "user":      # the key the staff console syncs later messages by: never twice
                line["source_key"] = f"user:{event.get('timestamp', 0)}"
            lines.append(line)
    return lines


def chat_available(team: str) -> bool:
    hours = OpeningHours(shared.catalogue().municipality())
    return hours.options(datetime.now(timezone.utc), shared.handover_store().staff_online(team)).chat


class ActionOfferHandover(Action):
    def name(self) -> str:
        return "action_offer_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = language_of(tracker)
        reason = offer_reason(tracker)
        team = conversation_team(tracker)
        buttons = []
        chat = chat_available(team)
        if chat:
            buttons.append(("utter_button_chat", "/handover_chat"))
        buttons += [("utter_button_callback", "/request_callback"), ("utter_button_phone", "/handover_phone"),
                    ("utter_button_desk", "/handover_desk"), ("utter_button_digital_help", "/handover_digital_help"),
                    ("utter_button_no_thanks", "/deny")]
        values = {**municipality_values(language), **supported_language_names()}
        dispatcher.utter_message(response=OFFER_RESPONSES.get(reason, "utter_handover_offer"), **values)
        answered = []
        if reason == "sensitive":
            # "mijn vader is overleden, wat moet ik regelen": the person is offered, and the
            # service the situation clearly calls for is answered at once as well.
            product = decide(shared.catalogue().resolve(latest_text(tracker), language)).answer
            if product:
                answered = send_answer(dispatcher, product, language, "ask_info")
        if not chat:
            dispatcher.utter_message(response="utter_handover_chat_unavailable")
        dispatcher.utter_message(buttons=[{"title": response_text(domain, name, language), "payload": payload}
                                          for name, payload in buttons])
        return [*answered, SlotSet(Slot.HANDOVER, HandoverState.OFFERED), SlotSet(Slot.HANDOVER_REASON, reason),
                SlotSet(Slot.FALLBACK_COUNT, 0)]


class ActionStartChatHandover(Action):
    def name(self) -> str:
        return "action_start_chat_handover"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        language = language_of(tracker)
        team = conversation_team(tracker)
        if not chat_available(team):
            dispatcher.utter_message(response="utter_handover_chat_unavailable", buttons=[
                {"title": response_text(domain, "utter_button_callback", language), "payload": "/request_callback"},
                {"title": response_text(domain, "utter_button_phone", language), "payload": "/handover_phone"}])
            return []
        try:
            reason = tracker.get_slot(Slot.HANDOVER_REASON) or HandoverReason.ASKED
            shared.handover_store().open_handover(tracker.sender_id, team, language, tracker.get_slot(Slot.PRODUCT),
                                                  reason, transcript(tracker))
        except STORE_ERRORS as error:
            return tell_not_saved(dispatcher, language, "a chat handover", error)
        dispatcher.utter_message(response="utter_handover_queued")
        return [SlotSet(Slot.HANDOVER, HandoverState.QUEUED), ConversationPaused()]


class ActionHandoverInfo(Action):
    """Phone, desk or digital help: information only, nothing is handed over."""

    RESPONSES = {"handover_phone": "utter_handover_phone", "handover_desk": "utter_handover_desk",
                 "handover_digital_help": "utter_handover_digital_help"}

    def name(self) -> str:
        return "action_handover_info"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        intent = latest_intent(tracker)
        language = language_of(tracker)
        municipality = shared.catalogue().municipality()
        values = municipality_values(language, channel="phone")
        values["appointment_url"] = municipality.get("appointment_url") or municipality.get("website", "")
        dispatcher.utter_message(response=self.RESPONSES.get(intent or "", "utter_handover_phone"), **values)
        return [SlotSet(Slot.HANDOVER, None)]


class ValidateCallbackForm(FormValidationAction):
    def name(self) -> str:
        return "validate_callback_form"

    def validate_callback_name(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                               domain: dict) -> dict:
        name = str(value or "").strip()
        if 2 <= len(name) <= 100 and not any(ch.isdigit() for ch in name) and not name.startswith("/"):
            return {"callback_name": name}
        dispatcher.utter_message(response="utter_callback_name_invalid")
        return {"callback_name": None}

    def validate_callback_contact(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                  domain: dict) -> dict:
        contact = str(value or "").strip()
        digits = re.sub(r"\D", "", contact)
        if EMAIL.match(contact) or (PHONE.match(contact) and 9 <= len(digits) <= 13):
            return {"callback_contact": contact}
        dispatcher.utter_message(response="utter_callback_contact_invalid")
        return {"callback_contact": None}

    def validate_callback_moment(self, value: Any, dispatcher: CollectingDispatcher, tracker: Tracker,
                                 domain: dict) -> dict:
        return {"callback_moment": str(value or "").strip()[:200] or None}


class ActionRequestCallback(Action):
    def name(self) -> str:
        return "action_request_callback"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        contact = tracker.get_slot(Slot.CALLBACK_CONTACT) or ""
        try:
            shared.handover_store().request_callback(
                tracker.sender_id, tracker.get_slot(Slot.CALLBACK_NAME) or "", contact,
                "email" if "@" in contact else "phone", tracker.get_slot(Slot.CALLBACK_MOMENT) or "",
                conversation_team(tracker), language_of(tracker), tracker.get_slot(Slot.PRODUCT))
        except STORE_ERRORS as error:
            # The citizen's details stay in the slots; the answer says so and gives the phone number.
            return tell_not_saved(dispatcher, language_of(tracker), "a callback request", error)
        dispatcher.utter_message(response="utter_callback_confirmed")
        # The details are in the callback list; the conversation's slots need not keep them.
        return [SlotSet(Slot.HANDOVER, HandoverState.CALLBACK), SlotSet(Slot.CALLBACK_NAME, None),
                SlotSet(Slot.CALLBACK_CONTACT, None), SlotSet(Slot.CALLBACK_MOMENT, None)]


class ActionRelayStaffMessage(Action):
    """Sends a staff member's reply to the citizen's chat window, marked as from a person.
    Executed by the staff console through Rasa's HTTP API after it set `staff_message`."""

    def name(self) -> str:
        return "action_relay_staff_message"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        text = tracker.get_slot(Slot.STAFF_MESSAGE)
        if text:
            dispatcher.utter_message(json_message={"type": "staff_message", "text": text,
                                                   "staff_name": tracker.get_slot(Slot.STAFF_NAME) or ""})
        return [SlotSet(Slot.STAFF_MESSAGE, None)]


class ActionHandoverClosed(Action):
    def name(self) -> str:
        return "action_handover_closed"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        dispatcher.utter_message(response="utter_handover_closed", buttons=[
            {"title": str(score), "payload": '/rate{"score":%d}' % score} for score in range(1, 6)])
        return [SlotSet(Slot.HANDOVER, HandoverState.CLOSED), SlotSet(Slot.HANDOVER_REASON, None)]


class ActionStoreRating(Action):
    def name(self) -> str:
        return "action_store_rating"

    def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]) -> list:
        score = next(tracker.get_latest_entity_values("score"), None)
        try:
            store = shared.handover_store()
            if score is not None:           # no score given: nothing to store
                store.set_satisfaction(tracker.sender_id, int(score))
        except (TypeError, ValueError):     # a score that is not a number
            pass
        except STORE_ERRORS as error:
            return tell_not_saved(dispatcher, language_of(tracker), "a rating", error)
        dispatcher.utter_message(response="utter_rating_thanks")
        return []
