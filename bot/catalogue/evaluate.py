"""Hit@1 and hit@3 of CatalogueRepository.resolve on held-out citizen phrasings."""
from __future__ import annotations

import time
from collections import defaultdict
from pathlib import Path

import yaml


def load_cases(path: Path) -> list[dict]:
    cases = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [c for c in cases if c.get("expected")]


def held_out_cases(repository, path: Path) -> tuple[list[dict], int]:
    """The phrasings that are not, word for word, a synonym in the catalogue: the set was written
    without looking at the synonyms, but where both happen to say the same thing, the case would
    measure recall of the catalogue's own words, so it is left out (and counted)."""
    from bot.catalogue.text import fold
    synonyms = {fold(phrase).strip() for phrase in repository.all_synonyms()}
    cases = load_cases(path)
    kept = [c for c in cases if fold(c["text"]).strip() not in synonyms]
    return kept, len(cases) - len(kept)


def score_resolution(repository, cases: list[dict]) -> dict:
    totals: dict[str, dict[str, float]] = defaultdict(lambda: {"n": 0, "hit1": 0, "hit3": 0})
    misses = []
    for case in cases:
        ranked = [m.product_id for m in repository.resolve(case["text"], case["language"], limit=3)]
        expected = set(case["expected"])
        hit1 = bool(ranked[:1]) and ranked[0] in expected
        hit3 = bool(expected & set(ranked))
        for key in (case["language"], "all"):
            totals[key]["n"] += 1
            totals[key]["hit1"] += hit1
            totals[key]["hit3"] += hit3
        if not hit1:
            misses.append((case["language"], case["text"], sorted(expected), ranked))
    return {"totals": dict(totals), "misses": misses}


def evaluate_resolution(repository, path: Path, show_misses: bool = True) -> int:
    started = time.perf_counter()
    cases, excluded = held_out_cases(repository, path)
    result = score_resolution(repository, cases)
    if show_misses:
        for language, text, expected, ranked in result["misses"]:
            print(f"  miss [{language}] {text!r}: expected {expected}, got {ranked}")
    print(f"\nresolution on {path.name}: {len(cases)} held-out phrasings "
          f"({excluded} left out because a synonym says the same)\n")
    print("| language | phrasings | hit@1 | hit@3 |\n|---|---|---|---|")
    for language, t in sorted(result["totals"].items(), key=lambda kv: (kv[0] == "all", kv[0])):
        print(f"| {language} | {t['n']} | {t['hit1'] / t['n']:.3f} | {t['hit3'] / t['n']:.3f} |")
    print(f"\n[evaluate] {time.perf_counter() - started:.1f} s")
    return 0
