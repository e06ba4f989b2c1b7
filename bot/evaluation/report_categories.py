"""Finding the category of a report, measured on the blind held-out set.

python -m bot.evaluation.report_categories [--file evaluation/reports/test.yml] [--misses]

Every description is classified by bot.reports.categories as the assistant will; top-1 counts
the best guess, top-3 whether the category is among the three buttons offered when unsure. A
description whose writer named a second fitting category (`also`) counts with either. The signs
of immediate danger are counted too: how many `danger: true` items get the warning, and how
many others get it needlessly.
"""
from __future__ import annotations

import argparse
import time
from collections import defaultdict
from pathlib import Path

import yaml

from bot.reports.categories import CategoryClassifier, load
from bot.reports.danger import DangerSigns
from bot.settings import PROJECT_DIR, Storage

REPORTS_DIR = PROJECT_DIR / "evaluation" / "reports"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--file", type=Path, default=REPORTS_DIR / "test.yml")
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args(argv)
    knowledge = Storage.from_environment().catalogue_sources
    languages = yaml.safe_load((knowledge / "municipality.yml").read_text(encoding="utf-8"))["languages"]
    started = time.perf_counter()
    tree = load(knowledge, languages)
    classifier = CategoryClassifier(tree)
    print(f"classifier trained on {len(tree.examples)} examples of {len(tree.categories)} categories "
          f"in {time.perf_counter() - started:.1f} s")
    cases = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    signs = DangerSigns.load(knowledge, languages)
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        warned = signs.sign_in(case["text"]) is not None
        kind = "danger" if case.get("danger") else "other"
        totals[kind]["n"] += 1
        totals[kind]["warned"] += warned
        if args.misses and warned != (kind == "danger"):
            print(f"  danger {'missed' if kind == 'danger' else 'false alarm'} [{case['language']}] {case['text']!r}")
        if case["category"] == "none":
            continue
        if case["category"] not in tree.categories:
            raise SystemExit(f"{args.file}: unknown category {case['category']!r}")
        wanted = {case["category"], *case.get("also", [])}
        guesses = [g.category for g in classifier.guesses(case["text"], case["language"], limit=3)]
        for group in ("all", case["language"]):
            totals[group]["n"] += 1
            totals[group]["top1"] += bool(guesses) and guesses[0] in wanted
            totals[group]["top3"] += bool(wanted & set(guesses))
        if args.misses and (not guesses or guesses[0] not in wanted):
            print(f"  miss [{case['language']}] {case['text']!r}: expected {sorted(wanted)}, got {guesses}")
    print(f"\n{args.file.name}\n\n| group | descriptions | top-1 | top-3 |\n|---|---|---|---|")
    for group in ("nl", "en", "fr", "all"):
        t = totals[group]
        if t["n"]:
            print(f"| {group} | {t['n']} | {t['top1'] / t['n']:.3f} | {t['top3'] / t['n']:.3f} |")
    danger, other = totals["danger"], totals["other"]
    print(f"\nimmediate danger (knowledge/reports/danger.yml): {danger['warned']} of {danger['n']} warned; "
          f"false alarms {other['warned']} of {other['n']}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
