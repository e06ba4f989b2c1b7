"""Copy the best trained pipeline to the directory Rasa loads, with metadata.

Writes a directory that `spacy.load(DIR)` loads: the files of model-best, a
meta.json naming the pipeline nl_citizen (licence, data sources, test-set
figures from the evaluation step), a README.md model card and the CC BY-SA 4.0
licence text. Run through scripts/step.py so the directory is published only
when complete.

Usage:
    python scripts/package.py --model MODEL_BEST --eval-dir EVAL --license-text FILE --output OUT
"""
import argparse
import json
import shutil
from pathlib import Path

NAME, VERSION = "citizen", "0.1.0"
SOURCES = [
    {"name": "UD Dutch LassySmall (train, UD 2017 release)",
     "url": "https://github.com/UniversalDependencies/UD_Dutch-LassySmall",
     "license": "CC BY-SA 4.0",
     "author": "Gosse Bouma, Gertjan van Noord (University of Groningen)"},
]
EVAL_ONLY = [
    {"name": "UD Dutch LassySmall dev/test (2025 release; sentences also in train 2017 removed)",
     "url": "https://github.com/UniversalDependencies/UD_Dutch-LassySmall",
     "license": "CC BY-SA 4.0"},
    {"name": "UD Dutch Alpino test (2025 release)",
     "url": "https://github.com/UniversalDependencies/UD_Dutch-Alpino",
     "license": "CC BY-SA 4.0"},
]
KEYS = ["token_acc", "pos_acc", "morph_acc", "lemma_acc"]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--model", type=Path, required=True)
    ap.add_argument("--eval-dir", type=Path, required=True)
    ap.add_argument("--license-text", type=Path, required=True)
    ap.add_argument("--output", type=Path, required=True)
    args = ap.parse_args()

    shutil.copytree(args.model, args.output)
    meta_path = args.output / "meta.json"
    meta = json.loads(meta_path.read_text())
    evaluation = {}
    for f in sorted(args.eval_dir.glob("*.json")):
        scores = json.loads(f.read_text())
        evaluation[f.stem] = {k: scores[k] for k in KEYS if k in scores}
        evaluation[f.stem]["lemma_acc_nocompound"] = scores["lemma_variants"]["nocompound"]
    meta.update({
        "name": NAME,
        "version": VERSION,
        "description": (
            "Small Dutch pipeline for the citizen-service assistant: default Dutch "
            "tokenizer, tok2vec, morphologizer (UPOS + morphology), edit-tree "
            "lemmatizer, rule-based sentencizer. Trained only on UD Dutch LassySmall "
            "train (2017 release, Wikipedia). No tagger (token.tag_ is empty), no "
            "parser, no NER, no word vectors."
        ),
        "author": "citizen-service assistant project (trained with pipelines/nl)",
        "license": "CC BY-SA 4.0",
        "sources": SOURCES + EVAL_ONLY,
        "test_evaluation": evaluation,
    })
    meta_path.write_text(json.dumps(meta, indent=2, ensure_ascii=False) + "\n")
    shutil.copyfile(args.license_text, args.output / "LICENSE")
    rows = "\n".join(
        f"| {k} | " + " | ".join(f"{100 * v:.2f}" for v in s.values()) + " |"
        for k, s in evaluation.items()
    )
    (args.output / "README.md").write_text(f"""# nl_{NAME} {VERSION}

{meta['description']}

Load with `spacy.load("<this directory>")` (spaCy {meta.get('spacy_version', '')}).

## Test-set accuracy (%)

| test set | {' | '.join(next(iter(evaluation.values())).keys()) if evaluation else ''} |
|---|{'---|' * (len(KEYS) + 1)}
{rows}

lassysmall-test = LassySmall test (2025) minus sentences that occur in the
training file; lassysmall-test-full includes them (inflated, reference only).

## Licence and attribution

This trained pipeline is a derivative of UD Dutch LassySmall
(https://github.com/UniversalDependencies/UD_Dutch-LassySmall; Gosse Bouma,
Gertjan van Noord, University of Groningen), licensed CC BY-SA 4.0, and is
itself distributed under CC BY-SA 4.0 (see LICENSE,
https://creativecommons.org/licenses/by-sa/4.0/). Changes: the treebank was
converted to spaCy's format and used to train statistical models; the data
itself is not included.
""")
    print(f"[package] {args.output}: {meta['lang']}_{meta['name']} {meta['version']}, "
          f"pipeline {meta['pipeline']}")


if __name__ == "__main__":
    main()
