"""Evaluate the trained pipeline on held-out test sets and compare lemmatizers.

For every test set NAME it writes OUTPUT/NAME.json with
  * the same keys `spacy evaluate MODEL NAME.spacy --output NAME.json` writes
    (token_acc, pos_acc, morph_acc, lemma_acc, sents_*, speed, morph_per_feat;
    computed the same way: raw text -> pipeline -> spaCy Scorer), plus
  * "lemma_variants": lemma accuracy with the gold lemma as published, with
    the compound separators of the 2025 release removed ("basis_niveau" ->
    "basisniveau"; the 2017 training lemmas have none), and additionally
    case-folded,
  * "lemmatizers": the same three lemma figures for the trained edit-tree
    lemmatizer and for spaCy's Dutch lookup and rule lemmatizers (tables from
    spacy-lookups-data; the rule mode uses the POS predicted by this pipeline),
  * corpus sizes.

Usage:
    python scripts/evaluate.py --model DIR --corpus-dir DIR --output OUT_DIR SET [SET ...]
"""
import argparse
import json
import sys
import time
from pathlib import Path

sys.modules.setdefault("tensorflow", None)  # see spacy_cli.py

import spacy  # noqa: E402
from spacy.scorer import Scorer  # noqa: E402
from spacy.training import Corpus, Example  # noqa: E402

EVALUATE_KEYS = ["token_acc", "tag_acc", "pos_acc", "morph_acc", "lemma_acc",
                 "dep_uas", "dep_las", "sents_p", "sents_r", "sents_f", "speed"]
TRAINED = "trainable_lemmatizer"
BASELINES = {"lookup": {"mode": "lookup"}, "rule": {"mode": "rule"}}


def lemma_scores(examples):
    def nocompound(tok, attr):
        return tok.lemma_.replace("_", "") if tok.lemma_ != "_" else tok.lemma_

    def casefold(tok, attr):
        return nocompound(tok, attr).casefold()

    return {
        "exact": Scorer.score_token_attr(examples, "lemma")["lemma_acc"],
        "nocompound": Scorer.score_token_attr(examples, "lemma", getter=nocompound)["lemma_acc"],
        "nocompound_casefold": Scorer.score_token_attr(examples, "lemma", getter=casefold)["lemma_acc"],
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", required=True)
    ap.add_argument("--corpus-dir", type=Path, required=True)
    ap.add_argument("--output", type=Path, required=True)
    ap.add_argument("sets", nargs="+")
    args = ap.parse_args()
    args.output.mkdir(parents=True, exist_ok=True)

    nlp = spacy.load(args.model)
    pipe_names = list(nlp.pipe_names)
    # Baseline lemmatizers from spacy-lookups-data, added disabled: applied
    # below to copies of the predicted docs (same tokens and POS).
    baselines = {}
    for name, cfg in BASELINES.items():
        comp = nlp.add_pipe("lemmatizer", name=f"lemmatizer_{name}",
                            config={**cfg, "overwrite": True})
        comp.initialize()
        nlp.disable_pipe(f"lemmatizer_{name}")
        baselines[name] = comp

    for set_name in args.sets:
        path = args.corpus_dir / f"{set_name}.spacy"
        examples = list(Corpus(path)(nlp))
        # == Language.evaluate (what `spacy evaluate` calls)
        t0 = time.perf_counter()
        for eg in examples:
            nlp.make_doc(eg.reference.text)
        docs = nlp.pipe((eg.predicted for eg in examples), batch_size=nlp.batch_size)
        examples = [Example(doc, eg.reference) for eg, doc in zip(examples, docs)]
        elapsed = time.perf_counter() - t0
        scores = Scorer(nlp).score(examples)
        n_words = sum(len(eg.predicted) for eg in examples)
        scores["speed"] = n_words / elapsed

        result = {k: scores[k] for k in EVALUATE_KEYS if k in scores}
        if "morph_per_feat" in scores:
            result["morph_per_feat"] = scores["morph_per_feat"]
        result["lemma_variants"] = lemma_scores(examples)
        comparison = {}
        if TRAINED in pipe_names:
            comparison["trainable_lemmatizer (edit tree, trained)"] = result["lemma_variants"]
        for name, comp in baselines.items():
            copies = []
            for eg in examples:
                doc = eg.predicted.copy()
                comp(doc)
                copies.append(Example(doc, eg.reference))
            comparison[f"{name} (spacy-lookups-data)"] = lemma_scores(copies)
        result["lemmatizers"] = comparison
        result["corpus"] = {
            "name": set_name,
            "docs": len(examples),
            "sentences": sum(len(list(eg.reference.sents)) for eg in examples),
            "tokens": sum(len(eg.reference) for eg in examples),
        }
        result["model"] = {"path": str(args.model), "pipeline": pipe_names}
        out = args.output / f"{set_name}.json"
        out.write_text(json.dumps(result, indent=2) + "\n")
        print(f"[evaluate] {set_name:22s} POS {result.get('pos_acc', 0):.4f}  "
              f"MORPH {result.get('morph_acc', 0):.4f}  LEMMA {result.get('lemma_acc', 0):.4f}  "
              f"({result['corpus']['tokens']} tokens, {scores['speed']:.0f} words/s)", flush=True)
        for name, s in comparison.items():
            print(f"[evaluate]   lemma {name:42s} exact {s['exact']:.4f}  "
                  f"nocompound {s['nocompound']:.4f}  +casefold {s['nocompound_casefold']:.4f}",
                  flush=True)


if __name__ == "__main__":
    main()
