from rasa_sdk.events import FollowupAction, SlotSet

from actions.conversation import (
    ActionChangeLanguage, ActionRespond, ActionWhereWhen,
)
from actions.fallback import ActionFallback
from actions.products import ActionAnswerQuestion
from tests.actions.conftest import load_tracker


def test_greeting_uses_the_greet_response(dispatcher, domain):
    events = ActionRespond().run(dispatcher, load_tracker("greet_english"), domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_greet"]
    assert SlotSet("fallback_count", 0) in events


def test_opening_hours_come_from_the_catalogue_in_the_conversation_language(dispatcher, domain, action_catalogue):
    ActionWhereWhen().run(dispatcher, load_tracker("where_when_french"), domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_where_when"
    assert "lundi" in message["hours"]
    assert action_catalogue.municipality()["address"]["street"] in message["address"]


def test_report_about_a_streetlight_is_answered_with_the_streetlight_report(dispatcher, domain):
    events = ActionAnswerQuestion().run(dispatcher, load_tracker("report_streetlight"), domain)
    assert SlotSet("product", "melding openbare ruimte (straatverlichting)") in events


def test_language_switch_is_confirmed(dispatcher, domain):
    ActionChangeLanguage().run(dispatcher, load_tracker("change_language"), domain)
    assert dispatcher.messages[0]["response"] == "utter_language_switched"


def fallback_tracker(text: str):
    tracker = load_tracker("first_fallback")
    tracker.latest_message = {**tracker.latest_message, "text": text}
    return tracker


def test_first_fallback_asks_to_rephrase_with_suggestions(dispatcher, domain):
    events = ActionFallback().run(dispatcher, fallback_tracker("ik heb een vraag over een vergunning"), domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_rephrase_suggestions"
    assert 2 <= len([b for b in message["buttons"] if b["payload"].startswith("/choose_product")]) <= 3
    assert SlotSet("fallback_count", 1) in events


def test_a_fallback_whose_words_name_a_product_clearly_is_answered(dispatcher, domain):
    events = ActionFallback().run(dispatcher, fallback_tracker("mijn paspoort is verlopen"), domain)
    assert FollowupAction("action_answer_question") in events and dispatcher.messages == []


def test_a_fallback_without_any_product_asks_to_rephrase(dispatcher, domain):
    events = ActionFallback().run(dispatcher, fallback_tracker("sdfkj qwpoei zxmcn"), domain)
    assert dispatcher.messages[0]["response"] == "utter_rephrase" and SlotSet("fallback_count", 1) in events


def test_missing_translation_is_said_and_dutch_text_given(dispatcher, domain):
    ActionAnswerQuestion().run(dispatcher, load_tracker("english_product_without_translation"), domain)
    responses = [m["response"] for m in dispatcher.messages]
    assert responses[0] == "utter_text_missing_in_language"
    summary = next(m for m in dispatcher.messages if m["response"] == "utter_product_summary")
    assert summary["content"]


def test_frustrated_feedback_offers_a_person(dispatcher, domain):
    from rasa_sdk.events import FollowupAction
    tracker = load_tracker("greet_english")
    tracker.latest_message = {"text": "hier heb ik echt niks aan", "intent": {"name": "feedback"}, "entities": []}
    events = ActionRespond().run(dispatcher, tracker, domain)
    assert FollowupAction("action_offer_handover") in events and dispatcher.messages == []


def test_positive_feedback_is_thanked(dispatcher, domain):
    tracker = load_tracker("greet_english")
    tracker.latest_message = {"text": "top, heel duidelijk", "intent": {"name": "feedback"}, "entities": []}
    ActionRespond().run(dispatcher, tracker, domain)
    assert dispatcher.messages[0]["response"] == "utter_feedback"


def test_out_of_scope_twice_in_a_row_offers_a_person(dispatcher, domain):
    from rasa_sdk.events import FollowupAction
    tracker = load_tracker("greet_english")
    tracker.latest_message = {"text": "wie wint de champions league", "intent": {"name": "out_of_scope"}, "entities": []}
    first = ActionRespond().run(dispatcher, tracker, domain)
    assert [m["response"] for m in dispatcher.messages] == ["utter_out_of_scope"]
    assert SlotSet("fallback_count", 1) in first
    tracker.slots["fallback_count"] = 1
    second = ActionRespond().run(dispatcher, tracker, domain)
    assert FollowupAction("action_offer_handover") in second and len(dispatcher.messages) == 1
