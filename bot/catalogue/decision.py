"""What to do with the products a message may be about: answer one, offer a few, or none.

One rule for the assistant and for its evaluation, so that the figures measure what citizens
get. The thresholds were tuned on the development split of the held-out set
(`python -m bot.evaluation.tuning`), never on the test split.
"""
from __future__ import annotations

from dataclasses import dataclass, field

# A product this likely, ahead of the next by CLEAR_LEAD of its own score, is taken as meant:
# answered at once.
CONFIDENT = 0.2
CLEAR_LEAD = 0.2
# Below this even the best candidate says nothing: the message is about no known product.
PLAUSIBLE = 0.3
# Buttons offer products within this distance of the best one (relative), so that every button
# is related to the question and not just the next in line.
RELATED = 0.2
MAX_OPTIONS = 4


@dataclass(frozen=True)
class Decision:
    answer: str | None = None                       # the product meant, answered at once
    options: list[str] = field(default_factory=list)  # else: products to offer as buttons

    @property
    def understood(self) -> bool:
        return self.answer is not None or bool(self.options)


def decide(matches: list) -> Decision:
    """`matches`: resolve()'s result (objects with product_id and score, best first)."""
    if not matches or matches[0].score < PLAUSIBLE:
        return Decision()
    best = matches[0]
    runner_up = matches[1].score if len(matches) > 1 else 0.0
    if best.score >= CONFIDENT and best.score - runner_up >= CLEAR_LEAD * best.score:
        return Decision(answer=best.product_id)
    floor = max(PLAUSIBLE, best.score * RELATED)
    # One plausible product, not confident: a single button asks "did you mean X?".
    return Decision(options=[m.product_id for m in matches[:MAX_OPTIONS] if m.score >= floor])
