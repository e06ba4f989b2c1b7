"""The decision rule (bot.catalogue.decision): answer one product, offer a few, or none; and the
"or did you mean ...?" alternatives beside an answer that is not sure."""
from bot.catalogue.decision import ALTERNATIVE_FLOOR, PLAUSIBLE, SURE, Match, Thresholds, decide


def matches(*scores: float) -> list[Match]:
    return [Match(f"product-{index}", score) for index, score in enumerate(scores)]


def test_a_sure_answer_comes_alone():
    decision = decide(matches(SURE + 0.1, 0.5))
    assert decision.answer == "product-0" and decision.alternatives == [] and decision.options == []


def test_an_answer_that_is_not_sure_offers_the_products_close_behind_it():
    decision = decide(matches(0.6, 0.45, 0.35, 0.34))
    assert decision.answer == "product-0"
    assert decision.alternatives == ["product-1", "product-2"]          # at most two
    assert decision.within_three() == ["product-0", "product-1", "product-2"]


def test_alternatives_far_behind_are_not_offered():
    decision = decide(matches(0.6, 0.25, ALTERNATIVE_FLOOR - 0.01))
    assert decision.answer == "product-0" and decision.alternatives == []


def test_without_a_clear_lead_the_plausible_products_are_buttons():
    decision = decide(matches(0.5, 0.45, 0.4, 0.1))
    assert decision.answer is None
    assert decision.options == ["product-0", "product-1", "product-2"]


def test_nothing_plausible_is_no_product():
    decision = decide(matches(PLAUSIBLE - 0.01, 0.1))
    assert not decision.understood and decision.within_three() == []


def test_other_thresholds_are_passed_in_not_copied():
    assert decide(matches(0.6, 0.45), Thresholds(sure=0.5)).alternatives == []
