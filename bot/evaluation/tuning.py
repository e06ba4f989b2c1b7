"""Tuning the blend and the decision thresholds on the development split, never the test split.

python -m bot.evaluation.tuning [--file evaluation/heldout/dev.yml]

For every development message the lexical scores and the matcher's outputs are computed once
per softmax temperature; then every combination of blend weights and decision thresholds is
scored by what it costs citizens: an answer at once costs nothing, a right product among the
buttons one click, a wrong answer or none a new try after reading something useless (four):
maximise hit@1 + 3 x hit@3,
provided the false-product rate on the negatives stays within the target (0.03). The best
combination is printed; it is copied by hand into bot/catalogue/matcher.py and
bot/catalogue/decision.py, where the chosen values are documented.
"""
from __future__ import annotations

import argparse
import itertools
import time
from dataclasses import dataclass

from bot.catalogue import paths
from bot.catalogue.decision import Match, Thresholds, decide
from bot.catalogue.repository import CatalogueRepository
from bot.evaluation.heldout import DEV, load_cases

FALSE_PRODUCT_TARGET = 0.03
TEMPERATURES = (0.06, 0.1, 0.14, 0.2)
WEIGHTS = [(lex, prob, 1 - lex - prob) for lex in (0.0, 0.05, 0.1, 0.2) for prob in (0.3, 0.4, 0.5, 0.6, 0.7)
           if lex + prob <= 1.0]
CONFIDENT = (0.2, 0.3, 0.4, 0.5, 0.6)
CLEAR_LEAD = (0.0, 0.2, 0.3, 0.4, 0.5, 0.6)
PLAUSIBLE = (0.1, 0.15, 0.2, 0.25, 0.3)
RELATED = (0.2, 0.3, 0.5)


@dataclass
class Prepared:
    expected: set[str]
    lexical: dict[str, float]
    learned: dict[str, tuple[float, float]]
    no_product: float


def prepare(repository: CatalogueRepository, cases, temperature: float) -> list[Prepared]:
    prepared = []
    for case in cases:
        found = repository.candidates(case.text, case.language, temperature=temperature)
        prepared.append(Prepared(set(case.products), found.lexical, found.learned, found.no_product))
    return prepared


def ranked(item: Prepared, weights) -> list[tuple[float, str]]:
    lexical_weight, probability_weight, nearest_weight = weights
    scores = []
    for product in set(item.lexical) | set(item.learned):
        probability, nearest = item.learned.get(product, (0.0, 0.0))
        score = (lexical_weight * item.lexical.get(product, 0.0) + probability_weight * probability
                 + nearest_weight * nearest)
        scores.append((score * (1 - item.no_product), product))
    return sorted(scores, reverse=True)[:5]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", default=DEV)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    repository = CatalogueRepository(paths.database_path())
    cases = load_cases(args.file, set(repository.product_ids()))
    best = None
    for temperature in TEMPERATURES:
        prepared = prepare(repository, cases, temperature)
        for weights in WEIGHTS:
            tops = [ranked(item, weights) for item in prepared]
            if weights == (0.1, 0.5, 0.4):
                found = [(i.expected, [p for _, p in t]) for i, t in zip(prepared, tops) if i.expected]
                print(f"[tuning] temperature {temperature}, weights {weights}: ranking recall@1 "
                      f"{sum(bool(e & set(r[:1])) for e, r in found) / len(found):.3f}, recall@3 "
                      f"{sum(bool(e & set(r[:3])) for e, r in found) / len(found):.3f}", flush=True)
            for thresholds in itertools.product(CONFIDENT, CLEAR_LEAD, PLAUSIBLE, RELATED):
                hit1 = hit3 = false = negatives = 0
                for item, top in zip(prepared, tops):
                    confident, lead, plausible, related = thresholds
                    decision = decide([Match(product, score) for score, product in top],
                                      Thresholds(confident, lead, plausible, related))
                    if not item.expected:
                        negatives += 1
                        false += decision.understood
                    else:
                        hit1 += decision.answer in item.expected
                        hit3 += bool(item.expected & set(decision.within_three()))
                positives = len(prepared) - negatives
                if negatives and false / negatives > FALSE_PRODUCT_TARGET:
                    continue
                objective = hit1 / positives + 3 * hit3 / positives
                if best is None or objective > best[0]:
                    best = (objective, temperature, weights, thresholds, hit1 / positives, hit3 / positives,
                            false / max(negatives, 1))
        print(f"[tuning] temperature {temperature}: best so far {best[1:] if best else None}", flush=True)
    if best:
        _, temperature, weights, thresholds, hit1_rate, hit3_rate, false_rate = best
        print(f"\nTEMPERATURE = {temperature}\nLEXICAL/PROBABILITY/NEAREST_WEIGHT = {weights}\n"
              f"CONFIDENT, CLEAR_LEAD, PLAUSIBLE, RELATED = {thresholds}\n"
              f"dev: hit@1 {hit1_rate:.3f}, hit@3 {hit3_rate:.3f}, false-product rate {false_rate:.3f}")
    print(f"[tuning] {time.perf_counter() - started:.0f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
