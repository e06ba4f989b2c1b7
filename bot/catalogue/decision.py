"""What to do with the products a message may be about: answer one, offer a few, or none.

One rule for the assistant and for its evaluation, so that the figures measure what citizens
get. The thresholds were tuned on the development split of the held-out set
(`python -m bot.evaluation.tuning`), never on the test split.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# A product this likely, ahead of the next by CLEAR_LEAD of its own score, is taken as meant:
# answered at once. Tuned with 9,000 more examples (sixth session): a small lead is enough, since
# a close runner-up is offered beside the answer (SURE below), which costs the citizen less than
# a question first. Only near ties (about 1 message in 70 on dev) are asked about with buttons:
# no lead at all scored 0.896 against 0.890, but leaves a vague "afval" no question to ask.
CONFIDENT = 0.2
CLEAR_LEAD = 0.05
# Three products nearly level (the third within CROWDED of the best's score): the message is vague
# ("vergunning", "ik heb een vraag over belasting"), so it is asked about with buttons. On dev it
# asks for 3 messages in 100 and costs 0.006 hit@1; without it a vague word gets a guess.
CROWDED = 0.8
# Below this even the best candidate says nothing: the message is about no known product.
PLAUSIBLE = 0.25
# Buttons offer products within this distance of the best one (relative), so that every button
# is related to the question and not just the next in line.
RELATED = 0.2
MAX_OPTIONS = 4
# An answer less sure than SURE also offers the products close behind it (at least
# ALTERNATIVE_SHARE of its score and ALTERNATIVE_FLOOR) as "or did you mean ...?" buttons: a
# wrong first guess then costs one click, not a rephrase. Chosen on the development split (sixth
# session): offered whenever a product is close behind (at least half the answer's score), they
# are shown beside about one answer in four and lift hit@3 from 0.924 to 0.933.
SURE = 1.0
ALTERNATIVE_SHARE = 0.5
ALTERNATIVE_FLOOR = 0.1
MAX_ALTERNATIVES = 2


@dataclass(frozen=True)
class Thresholds:
    """The rule's settings; the defaults are the assistant's, tuning tries others."""
    confident: float = CONFIDENT
    clear_lead: float = CLEAR_LEAD
    plausible: float = PLAUSIBLE
    related: float = RELATED
    crowded: float = CROWDED
    sure: float = SURE
    alternative_share: float = ALTERNATIVE_SHARE
    alternative_floor: float = ALTERNATIVE_FLOOR


@dataclass(frozen=True)
class Match:
    """A candidate product and its score (resolve() gives richer objects with these two fields)."""
    product_id: str
    score: float


@dataclass(frozen=True)
class Decision:
    answer: str | None = None                       # the product meant, answered at once
    options: list[str] = field(default_factory=list)  # else: products to offer as buttons
    alternatives: list[str] = field(default_factory=list)  # beside an answer: "or did you mean ...?"

    @property
    def understood(self) -> bool:
        return self.answer is not None or bool(self.options)

    def within_three(self) -> list[str]:
        """The products a citizen sees first: the answer and its alternatives, or three buttons."""
        return [self.answer, *self.alternatives] if self.answer else self.options[:3]


def decide(matches: list, thresholds: Thresholds = Thresholds()) -> Decision:
    """`matches`: resolve()'s result (objects with product_id and score, best first)."""
    if not matches or matches[0].score < thresholds.plausible:
        return Decision()
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    crowded = len(matches) > 2 and matches[2].score >= thresholds.crowded * best.score
    if best.score >= thresholds.confident and best.score - runner_up >= thresholds.clear_lead * best.score \
            and not crowded:
        alternatives = []
        if best.score < thresholds.sure:
            bar = max(thresholds.alternative_floor, best.score * thresholds.alternative_share)
            alternatives = [m.product_id for m in matches[1:1 + MAX_ALTERNATIVES] if m.score >= bar]
        return Decision(answer=best.product_id, alternatives=alternatives)
    floor = max(thresholds.plausible, best.score * thresholds.related)
    # One plausible product, not confident: a single button asks "did you mean X?".
    return Decision(options=[m.product_id for m in matches[:MAX_OPTIONS] if m.score >= floor])
