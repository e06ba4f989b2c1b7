"""Print the evaluation results as markdown tables.

Usage:
    python scripts/report.py EVAL_DIR [--stats CORPUS_DIR/stats.json]

Reads EVAL_DIR/*.json (written by scripts/evaluate.py; same keys as
`spacy evaluate --output`) and prints, per test set: UPOS accuracy (pos_acc),
tag accuracy (tag_acc: token.tag_ vs XPOS; "n/a" when the pipeline has no
tagger), morphology accuracy (morph_acc) and lemma accuracy (lemma_acc), then
the lemmatizer comparison. Standard library only.
"""
import argparse
import json
from pathlib import Path

ORDER = ["lassysmall-test", "alpino-test", "lassysmall-test-full"]
NOTES = {
    "lassysmall-test": "LassySmall test 2025, held out (sentences in train 2017 removed)",
    "alpino-test": "Alpino test 2025 (news; no overlap with train)",
    "lassysmall-test-full": "LassySmall test 2025, all sentences (~46% also in train: inflated)",
}


def pct(value):
    return "n/a" if value is None else f"{100 * value:.2f}"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("eval_dir", type=Path)
    ap.add_argument("--stats", type=Path)
    args = ap.parse_args()

    results = {f.stem: json.loads(f.read_text()) for f in args.eval_dir.glob("*.json")}
    names = [n for n in ORDER if n in results] + sorted(set(results) - set(ORDER))
    if not names:
        raise SystemExit(f"no evaluation JSONs in {args.eval_dir}")

    print("| test set | sentences | tokens | POS (UPOS) acc | tag (XPOS) acc | morph acc "
          "| lemma acc | lemma acc, gold without `_` |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for n in names:
        r = results[n]
        c = r.get("corpus", {})
        print(f"| {n} | {c.get('sentences', '')} | {c.get('tokens', '')} "
              f"| {pct(r.get('pos_acc'))} | {pct(r.get('tag_acc'))} | {pct(r.get('morph_acc'))} "
              f"| {pct(r.get('lemma_acc'))} | {pct(r.get('lemma_variants', {}).get('nocompound'))} |")
    print()
    for n in names:
        if n in NOTES:
            print(f"- {n}: {NOTES[n]}")
    print("- tag acc n/a: the training file (LassySmall train 2017) has no XPOS, so the "
          "pipeline has no tagger.")
    print("- `_`: the 2025 gold lemmas mark compound parts (`basis_niveau`); the 2017 "
          "training lemmas do not.")

    if args.stats and args.stats.exists():
        agree = json.loads(args.stats.read_text()).get("annotation_agreement_2017_vs_2025")
        if agree:
            print(f"- ceiling: on {agree['tokens']} tokens annotated in both releases, the 2017 "
                  f"gold matches the 2025 gold for {pct(agree['pos_acc'])} % UPOS, "
                  f"{pct(agree['morph_acc'])} % morph, {pct(agree['lemma_acc'])} % lemma "
                  f"({pct(agree['lemma_acc_nocompound'])} % without `_`).")

    print("\nLemmatizer comparison (lemma accuracy %: exact / gold without `_` / "
          "without `_` and case-folded):\n")
    lemmatizers = list(results[names[0]].get("lemmatizers", {}))
    print("| lemmatizer | " + " | ".join(names) + " |")
    print("|---|" + "---:|" * len(names))
    for lem in lemmatizers:
        cells = []
        for n in names:
            s = results[n].get("lemmatizers", {}).get(lem)
            cells.append(" / ".join(pct(s[k]) for k in ("exact", "nocompound", "nocompound_casefold"))
                         if s else "n/a")
        print(f"| {lem} | " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
