import json

from rasa_sdk.events import SlotSet

from actions.fallback import ActionFallback
from actions.products import ActionAnswerQuestion, ActionChooseProduct
from tests.actions.conftest import load_tracker
from tests.conftest import PROJECT


def responses(dispatcher):
    return [m.get("response") for m in dispatcher.messages]


def test_cost_question_is_answered_from_the_catalogue(dispatcher, domain, action_catalogue):
    events = ActionAnswerQuestion().run(dispatcher, load_tracker("ask_cost_passport"), domain)
    assert SlotSet("product", "paspoort") in events
    cost = next(m for m in dispatcher.messages if m["response"] == "utter_product_cost")
    expected = action_catalogue.product("paspoort").costs[0]["eur"]
    assert f"{expected:.2f}".replace(".", ",") in cost["costs"]
    assert responses(dispatcher)[-1] == "utter_product_source"


def test_follow_up_uses_the_conversation_product(dispatcher, domain):
    events = ActionAnswerQuestion().run(dispatcher, load_tracker("follow_up_without_product"), domain)
    assert SlotSet("product", "rijbewijs") in events
    assert "utter_product_bring" in responses(dispatcher)


def test_vague_question_gets_at_most_four_buttons_and_something_else(dispatcher, domain):
    ActionAnswerQuestion().run(dispatcher, load_tracker("ambiguous_product"), domain)
    message = dispatcher.messages[0]
    assert message["response"] == "utter_clarify_product"
    products = [b for b in message["buttons"] if b["payload"].startswith("/choose_product")]
    assert 1 <= len(products) <= 4
    for button in products:
        assert json.loads(button["payload"][len("/choose_product"):])["product"] == button["title"]
    assert message["buttons"][-1]["title"] == "Iets anders"


def test_chosen_product_answers_the_pending_question(dispatcher, domain):
    events = ActionChooseProduct().run(dispatcher, load_tracker("choose_product"), domain)
    assert SlotSet("product", "rijbewijs") in events
    assert any(r.startswith("utter_product_duration") or r == "utter_fact_unknown" for r in responses(dispatcher))


def test_unknown_fact_is_never_invented(dispatcher, domain, action_catalogue):
    """A product without municipal values: the assistant says it does not know and gives link and phone."""
    product_id = next(p for p in action_catalogue.product_ids()
                      if action_catalogue.product(p).offered_by_municipality and not action_catalogue.product(p).costs)
    from bot.answers import plan_product_answer
    plan = plan_product_answer(action_catalogue, product_id, "nl", "ask_cost")
    unknown = next(u for u in plan if u.response == "utter_fact_unknown")
    assert unknown.values["link"] and unknown.values["phone"]


def test_second_fallback_offers_a_person(dispatcher, domain):
    from rasa_sdk.events import FollowupAction
    events = ActionFallback().run(dispatcher, load_tracker("fallback_second_time"), domain)
    assert dispatcher.messages == []
    assert FollowupAction("action_offer_handover") in events


def test_the_same_question_twice_offers_a_person(dispatcher, domain):
    from rasa_sdk.events import FollowupAction
    tracker = load_tracker("ask_cost_passport")
    tracker.events = [{"event": "user", "text": "wat kost een nieuw paspoort"},
                      {"event": "bot", "text": "..."},
                      {"event": "user", "text": "wat kost een nieuw paspoort?"}]
    events = ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert FollowupAction("action_offer_handover") in events
    assert SlotSet("handover_reason", "repeated_question") in events


def test_a_different_question_does_not(dispatcher, domain):
    tracker = load_tracker("ask_cost_passport")
    tracker.events = [{"event": "user", "text": "hoe vraag ik een rijbewijs aan"},
                      {"event": "user", "text": "wat kost een nieuw paspoort?"}]
    events = ActionAnswerQuestion().run(dispatcher, tracker, domain)
    assert not [e for e in events if e.get("event") == "followup"]


def test_an_answer_that_is_not_sure_offers_alternatives_as_buttons(dispatcher, domain, action_catalogue, monkeypatch):
    from bot.catalogue.decision import Match

    class Unsure:
        """The real catalogue, with a resolve() that is not sure between three products."""
        def __getattr__(self, name):
            return getattr(action_catalogue, name)

        def resolve(self, *args, **kwargs):
            return [Match("paspoort", 0.6), Match("identiteitskaart", 0.45), Match("rijbewijs", 0.1)]

    monkeypatch.setattr("actions.shared.catalogue", lambda: Unsure())
    events = ActionAnswerQuestion().run(dispatcher, load_tracker("ask_cost_passport"), domain)
    assert SlotSet("product", "paspoort") in events
    also = dispatcher.messages[-1]
    assert also["response"] == "utter_also_meant"
    assert [json.loads(b["payload"][len("/choose_product"):])["product"] for b in also["buttons"]] == ["identiteitskaart"]


def test_actions_reach_the_catalogue_and_the_store_only_through_actions_shared():
    """One patch in conftest serves every action module, a new one included: none may bind
    catalogue() or handover_store() to a name of its own."""
    import re
    imported = re.compile(r"^from actions\.shared import (?:\(([^)]*)\)|(.*))$", re.M)
    offenders = [path.name for path in (PROJECT / "actions").glob("*.py")
                 for group in imported.findall(path.read_text(encoding="utf-8"))
                 if {"catalogue", "handover_store"} & set(re.findall(r"\w+", " ".join(group)))]
    assert offenders == []


def tracker_saying(text: str, intent: str = "report_problem"):
    tracker = load_tracker("ask_cost_passport")
    tracker.latest_message = {**tracker.latest_message, "text": text, "intent": {"name": intent, "confidence": 0.9}}
    tracker.slots = {**tracker.slots, "product": None}
    return tracker


def test_immediate_danger_gets_112_and_the_phone_number_before_anything_else(dispatcher, domain):
    ActionAnswerQuestion().run(dispatcher, tracker_saying("ik ruik gas bij de flat aan de kerkstraat"), domain)
    first = dispatcher.messages[0]
    assert first["response"] == "utter_report_danger" and first["phone"].strip()
    assert len(dispatcher.messages) > 1                 # and then the usual answer


def test_danger_comes_first_in_the_fallback_too(dispatcher, domain):
    ActionFallback().run(dispatcher, tracker_saying("des câbles électriques pendent au-dessus du trottoir",
                                                    "nlu_fallback"), domain)
    assert responses(dispatcher)[0] == "utter_report_danger"


def test_an_ordinary_report_gets_no_danger_warning(dispatcher, domain):
    ActionAnswerQuestion().run(dispatcher, tracker_saying("de straatlamp bij ons brandt niet"), domain)
    assert "utter_report_danger" not in responses(dispatcher)
