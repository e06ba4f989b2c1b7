"""The decision rule (bot.catalogue.decision): answer one product, offer a few, or none; and the
"or did you mean ...?" alternatives beside an answer that is not sure."""
from bot.catalogue.decision import Match, Thresholds, decide

# The rule's mechanics, with settings of its own: the shipped thresholds are tuned on the
# development split and change with the data.
RULE = Thresholds(confident=0.2, clear_lead=0.2, plausible=0.3, related=0.2, crowded=0.8, sure=0.8,
                  alternative_share=0.5, alternative_floor=0.2)


def matches(*scores: float) -> list[Match]:
    return [Match(f"product-{index}", score) for index, score in enumerate(scores)]


def test_a_sure_answer_comes_alone():
    decision = decide(matches(RULE.sure + 0.1, 0.5), RULE)
    assert decision.answer == "product-0" and decision.alternatives == [] and decision.options == []


def test_an_answer_that_is_not_sure_offers_the_products_close_behind_it():
    decision = decide(matches(0.6, 0.45, 0.35, 0.34), RULE)          # the third: not level
    assert decision.answer == "product-0"
    assert decision.alternatives == ["product-1", "product-2"]          # at most two
    assert decision.within_three() == ["product-0", "product-1", "product-2"]


def test_alternatives_far_behind_are_not_offered():
    decision = decide(matches(0.6, 0.25, RULE.alternative_floor - 0.01), RULE)
    assert decision.answer == "product-0" and decision.alternatives == []


def test_without_a_clear_lead_the_plausible_products_are_buttons():
    decision = decide(matches(0.5, 0.45, 0.4, 0.1), RULE)
    assert decision.answer is None
    assert decision.options == ["product-0", "product-1", "product-2"]


def test_nothing_plausible_is_no_product():
    decision = decide(matches(RULE.plausible - 0.01, 0.1), RULE)
    assert not decision.understood and decision.within_three() == []


def test_other_thresholds_are_passed_in_not_copied():
    assert decide(matches(0.6, 0.45), Thresholds(sure=0.5, alternative_floor=0.2)).alternatives == []


def test_the_shipped_rule_answers_a_plausible_product_and_offers_the_close_ones_beside_it():
    decision = decide(matches(0.5, 0.38, 0.3, 0.1))
    assert decision.answer == "product-0" and decision.alternatives == ["product-1", "product-2"]


def test_three_products_nearly_level_are_a_vague_question_asked_about():
    rule = Thresholds(clear_lead=0.0, crowded=0.8, plausible=0.3)
    decision = decide(matches(0.5, 0.45, 0.39), rule)
    assert decision.answer == "product-0"                         # the third is not level: no question
    decision = decide(matches(0.5, 0.42, 0.41, 0.1), rule)
    assert decision.answer is None and decision.options == ["product-0", "product-1", "product-2"]
