"""Build the training/evaluation corpora from the UD Dutch CoNLL-U files.

What it does, in one process (no network):

1. Reads LassySmall train (2017 release). That is the only training data.
2. Removes from the LassySmall dev/test (2025 release) every sentence that also
   occurs in the 2017 train file (same sent_id, or the same token sequence).
   The 2025 release re-split a larger LassySmall, so ~40 % of its dev/test
   sentences are *in* the 2017 train file; scoring on them would measure
   memorisation. Kept: `lassysmall-dev` and `lassysmall-test` (held out) and
   `lassysmall-test-full` (all of test, for reference only).
3. Measures how far the 2017 and 2025 annotations of the *same* sentences agree
   (UPOS, FEATS, LEMMA). The guidelines changed between releases, so this is a
   ceiling for any model trained on the 2017 file and scored on 2025 gold.
4. Converts every CoNLL-U file with spaCy's `conllu` converter - the same code
   as `spacy convert <file> <dir> -c conllu -n 10` - into .spacy DocBins.

Usage:
    python scripts/prepare.py --data-dir DIR --output OUT_DIR
"""
import argparse
import json
import re
import sys
from collections import Counter
from pathlib import Path

sys.modules.setdefault("tensorflow", None)  # see spacy_cli.py

FILES = {
    "train": "lassysmall-nl_lassysmall-ud-train-2017.conllu",
    "lassysmall-dev": "lassysmall-nl_lassysmall-ud-dev.conllu",
    "lassysmall-test": "lassysmall-nl_lassysmall-ud-test.conllu",
    "alpino-test": "alpino-nl_alpino-ud-test.conllu",
}
N_SENTS = 10  # sentences per Doc, as in spaCy's UD benchmarks


def read_conllu(path):
    """Yield (sent_id, comment_lines, token_rows) per sentence."""
    comments, rows = [], []
    with open(path, encoding="utf8") as f:
        for line in f:
            line = line.rstrip("\n")
            if line.startswith("#"):
                comments.append(line)
            elif not line.strip():
                if rows:
                    yield sent_id(comments), comments, rows
                comments, rows = [], []
            else:
                rows.append(line.split("\t"))
    if rows:
        yield sent_id(comments), comments, rows


def sent_id(comments):
    for c in comments:
        m = re.match(r"# sent_id = (\S+)", c)
        if m:
            return m.group(1)
    for c in comments:  # 2017 file: "# wiki-659.p.13.s.1.xml"
        m = re.match(r"# (\S+)\.xml$", c)
        if m:
            return m.group(1)
    return None


def token_rows(rows):
    """Syntactic words only: skip multiword ranges (1-2) and empty nodes (8.1)."""
    return [r for r in rows if r[0].isdigit()]


def words(rows):
    return tuple(r[1] for r in token_rows(rows))


def write_conllu(path, sents):
    with open(path, "w", encoding="utf8") as f:
        for _, comments, rows in sents:
            for c in comments:
                f.write(c + "\n")
            for r in rows:
                f.write("\t".join(r) + "\n")
            f.write("\n")


def agreement(old_by_id, new_sents):
    """Token-level agreement of 2017 vs 2025 gold on identical sentences."""
    c, n = Counter(), 0
    for sid, _, rows in new_sents:
        old = old_by_id.get(sid)
        if old is None or words(old) != words(rows):
            continue
        for a, b in zip(token_rows(old), token_rows(rows)):
            n += 1
            c["pos_acc"] += a[3] == b[3]
            c["morph_acc"] += a[5] == b[5]
            c["lemma_acc"] += a[2] == b[2]
            c["lemma_acc_nocompound"] += a[2] == b[2].replace("_", "")
    return {"tokens": n, **{k: round(v / n, 4) for k, v in c.items()}} if n else {}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data-dir", type=Path, required=True)
    ap.add_argument("--output", type=Path, required=True)
    args = ap.parse_args()

    from spacy.cli.convert import convert

    out = args.output
    conllu_dir = out / "conllu"
    conllu_dir.mkdir(parents=True, exist_ok=True)

    data = {k: list(read_conllu(args.data_dir / v)) for k, v in FILES.items()}
    train = data["train"]
    train_ids = {s[0] for s in train if s[0]}
    train_words = {words(s[2]) for s in train}
    train_by_id = {s[0]: s[2] for s in train if s[0]}

    def held_out(sents):
        return [s for s in sents if s[0] not in train_ids and words(s[2]) not in train_words]

    corpora = {
        "train": train,
        "lassysmall-dev": held_out(data["lassysmall-dev"]),
        "lassysmall-test": held_out(data["lassysmall-test"]),
        "lassysmall-test-full": data["lassysmall-test"],
        "alpino-test": held_out(data["alpino-test"]),
    }
    stats = {"source_files": FILES, "corpora": {}}
    for name, sents in corpora.items():
        src = "lassysmall-test" if name == "lassysmall-test-full" else name
        n_src = len(data[src])
        stats["corpora"][name] = {
            "sentences": len(sents),
            "tokens": sum(len(words(s[2])) for s in sents),
            "removed_overlapping_train": n_src - len(sents),
        }
        print(f"[prepare] {name:22s} {len(sents):5d} sentences "
              f"({n_src - len(sents)} removed: also in train 2017)", flush=True)
        write_conllu(conllu_dir / f"{name}.conllu", sents)

    stats["annotation_agreement_2017_vs_2025"] = agreement(
        train_by_id, data["lassysmall-dev"] + data["lassysmall-test"]
    )
    print("[prepare] 2017-vs-2025 gold agreement on identical sentences:",
          stats["annotation_agreement_2017_vs_2025"], flush=True)

    for name in corpora:
        # == spacy convert conllu/<name>.conllu OUT -c conllu -n 10
        convert(conllu_dir / f"{name}.conllu", out, file_type="spacy",
                n_sents=N_SENTS, converter="conllu", silent=False)
    (out / "stats.json").write_text(json.dumps(stats, indent=2) + "\n")


if __name__ == "__main__":
    main()
