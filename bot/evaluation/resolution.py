"""Finding the product, measured on the blind held-out set without the servers.

python -m bot.evaluation.resolution [--file evaluation/heldout/test.yml] [--misses]

Every message goes through the catalogue's resolve() and the assistant's decision rule
(bot.catalogue.decision), as the action server does. hit@1: the right product is answered at
once; hit@3: it is answered, or among the first three buttons offered. On the negatives, the
false-product rate counts messages that got a product answered or offered. The lexical search
alone (the assistant before the matcher) is measured beside it.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

from bot.catalogue import paths
from bot.catalogue.decision import decide
from bot.catalogue.repository import CatalogueRepository
from bot.evaluation.heldout import TEST, Case, load_cases


def score(repository: CatalogueRepository, cases: list[Case], most_asked: set[str]) -> tuple[dict, list]:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    misses = []
    for case in cases:
        decision = decide(repository.resolve(case.text, case.language, limit=5))
        expected = set(case.products)
        for group in case.groups(most_asked):
            t = totals[group]
            t["n"] += 1
            if case.negative:
                t["false_product"] += decision.understood
            else:
                t["hit1"] += decision.answer in expected
                t["hit3"] += bool(expected & set(decision.within_three()))
                t["wrong"] += decision.answer is not None and decision.answer not in expected
        if (case.negative and decision.understood) or (not case.negative and decision.answer not in expected):
            misses.append((case, decision))
    return totals, misses


def table(title: str, totals: dict) -> str:
    lines = [f"\n{title}\n", "| group | messages | hit@1 | hit@3 | wrong product answered | false-product rate |",
             "|---|---|---|---|---|---|"]
    order = ["nl", "nl (Flemish)", "en", "fr", "all", "most-asked", "less-asked", "negatives", "negatives nl",
             "negatives en", "negatives fr"]
    for group in [g for g in order if g in totals]:
        t = totals[group]
        if group.startswith("negatives"):
            lines.append(f"| {group} | {t['n']} | | | | {t['false_product'] / t['n']:.3f} |")
        else:
            lines.append(f"| {group} | {t['n']} | {t['hit1'] / t['n']:.3f} | {t['hit3'] / t['n']:.3f} | "
                         f"{t['wrong'] / t['n']:.3f} | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=TEST)
    parser.add_argument("--database", type=Path, default=paths.database_path())
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    for name, learnt in (("matcher and lexical search (this version)", True), ("lexical search alone (before)", False)):
        started = time.perf_counter()
        repository = CatalogueRepository(args.database, learnt=learnt)
        cases = load_cases(args.file, set(repository.product_ids()))
        totals, misses = score(repository, cases, set(repository.most_asked()))
        if args.misses and learnt:
            for case, decision in misses:
                print(f"  miss [{case.language}] {case.text!r}: expected {list(case.products) or 'none'}, "
                      f"answered {decision.answer}, offered {decision.options}")
        print(table(f"{name}, {args.file.name}: {len(cases)} messages ({time.perf_counter() - started:.1f} s)", totals))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
