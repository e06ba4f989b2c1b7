"""The blind held-out set through the REST channel of running servers: what citizens get.

python -m bot.evaluation.conversations [--file evaluation/heldout/test.yml] [--model M ...] [--misses]

Every message of the held-out set (never used for training, written blind: see
evaluation/heldout/README.md) opens a fresh conversation at /webhooks/rest/webhook; then the
tracker is read: the intent, the `product` and `language` slots, the clarification buttons and
the actions that ran. Per language it reports product hit@1 (the slot holds the right product),
hit@3 (or it is among the first three buttons), question-type accuracy (the intent, on product
messages) and language detection (the `language` slot); on the negatives the false-product
rate (a product answered or offered) and the handover offers. The configuration is measured
beside Rasa's default pipeline (models/baseline.tar.gz) on the same data and action server.
"""
from __future__ import annotations

import argparse
import json
import time
import uuid
from collections import defaultdict
from pathlib import Path

import requests

from bot.evaluation import ONE_ADDRESS_ENV
from bot.evaluation.heldout import TEST, Case, load_cases
from bot.servers import running_assistant
from bot.settings import PROJECT_DIR

HANDOVER_ACTIONS = {"action_offer_handover", "action_start_chat_handover", "action_handover_info"}


def ask(url: str, token: str, text: str) -> dict:
    sender = f"eval-{uuid.uuid4()}"
    messages = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text},
                             timeout=60).json()
    tracker = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=30).json()
    offered = []
    for message in messages:
        for button in message.get("buttons", []):
            payload = button.get("payload", "")
            if payload.startswith("/choose_product"):
                offered.append(json.loads(payload[len("/choose_product"):])["product"])
    actions = {e.get("name") for e in tracker.get("events", []) if e.get("event") == "action"}
    return {"intent": (tracker["latest_message"].get("intent") or {}).get("name"),
            "product": tracker["slots"].get("product"), "language": tracker["slots"].get("language"),
            "offered": offered, "handover": bool(actions & HANDOVER_ACTIONS)}


def evaluate(url: str, token: str, cases: list[Case], most_asked: set[str], misses: list | None = None) -> dict:
    """The totals per group; each product message answered wrongly or not at once, and each
    negative given a product, is added to `misses` when it is a list."""
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        result = ask(url, token, case.text)
        expected = set(case.products)
        if misses is not None and (bool(result["product"] or result["offered"]) if case.negative
                                   else result["product"] not in expected):
            misses.append((case, result))
        for group in case.groups(most_asked):
            t = totals[group]
            t["n"] += 1
            t["language"] += result["language"] == case.language
            t["handover"] += result["handover"]
            if case.negative:
                t["false_product"] += bool(result["product"] or result["offered"])
            else:
                t["hit1"] += result["product"] in expected
                t["hit3"] += result["product"] in expected or bool(expected & set(result["offered"][:3]))
                t["question"] += result["intent"] == case.question
    return totals


def table(name: str, totals: dict) -> str:
    lines = [f"\n{name}\n",
             "| group | messages | hit@1 | hit@3 | question type | language | false product | handover offered |",
             "|---|---|---|---|---|---|---|---|"]
    order = ["nl", "nl (Flemish)", "en", "fr", "all", "most-asked", "less-asked", "negatives", "negatives nl",
             "negatives en", "negatives fr"]
    for group in [g for g in order if g in totals]:
        t = totals[group]
        n = t["n"]
        if group.startswith("negatives"):
            lines.append(f"| {group} | {n} | | | | {t['language'] / n:.3f} | {t['false_product'] / n:.3f} | "
                         f"{t['handover'] / n:.3f} |")
        else:
            lines.append(f"| {group} | {n} | {t['hit1'] / n:.3f} | {t['hit3'] / n:.3f} | "
                         f"{t['question'] / n:.3f} | {t['language'] / n:.3f} | | |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", type=Path,
                        help="model(s) to evaluate (default: models/assistant.tar.gz and models/baseline.tar.gz)")
    parser.add_argument("--file", type=Path, default=TEST)
    parser.add_argument("--misses", action="store_true",
                        help="list every miss (the development split: never the test split's, to tune on)")
    args = parser.parse_args(argv)
    models = args.model or [PROJECT_DIR / "models" / "assistant.tar.gz", PROJECT_DIR / "models" / "baseline.tar.gz"]
    from bot.catalogue.paths import database_path
    from bot.catalogue.repository import CatalogueRepository
    catalogue = CatalogueRepository(database_path())
    cases = load_cases(args.file, set(catalogue.product_ids()))
    most_asked = set(catalogue.most_asked())
    output = []
    for model in models:
        started = time.perf_counter()
        print(f"[evaluate] {model.name}: starting servers", flush=True)
        with running_assistant(model, extra_env=ONE_ADDRESS_ENV) as assistant:
            print(f"[evaluate] {model.name}: {len(cases)} held-out messages", flush=True)
            misses: list | None = [] if args.misses else None
            totals = evaluate(assistant.url, assistant.token, cases, most_asked, misses)
        for case, result in misses or []:
            print(f"  miss [{case.language}] {case.text!r}: expected {list(case.products) or 'none'}, got intent "
                  f"{result['intent']}, product {result['product']}, offered {result['offered']}")
        output.append(table(f"{model.name}, {args.file.name} ({time.perf_counter() - started:.0f} s)", totals))
        print(output[-1], flush=True)
    results = PROJECT_DIR / "results"
    results.mkdir(exist_ok=True)
    (results / "evaluation.md").write_text("\n".join(output) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
