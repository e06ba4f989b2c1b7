"""Held-out evaluation through the REST channel of running servers.

python -m bot.evaluation.conversations [--model models/assistant.tar.gz --model models/baseline.tar.gz]

For every message of evaluation/conversations.yml (never used for training) a fresh conversation
sends it to /webhooks/rest/webhook, then reads the tracker: the predicted intent, the `product`
slot and any clarification buttons. Reports intent accuracy, product hit@1 (the slot) and hit@3
(the slot or one of the offered buttons), and the fallback rate, overall and per language.
"""
from __future__ import annotations

import argparse
import json
import time
import uuid
from collections import defaultdict
from pathlib import Path

import requests
import yaml

from bot.catalogue.paths import PROJECT_DIR
from bot.evaluation import ONE_ADDRESS_ENV
from bot.servers import running_assistant

HELD_OUT = PROJECT_DIR / "evaluation" / "conversations.yml"


def ask(url: str, token: str, text: str) -> dict:
    sender = f"eval-{uuid.uuid4()}"
    messages = requests.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60).json()
    tracker = requests.get(f"{url}/conversations/{sender}/tracker", params={"token": token}, timeout=30).json()
    offered = []
    for message in messages:
        for button in message.get("buttons", []):
            payload = button.get("payload", "")
            if payload.startswith("/choose_product"):
                offered.append(json.loads(payload[len("/choose_product"):])["product"])
    return {"intent": (tracker["latest_message"].get("intent") or {}).get("name"),
            "product": tracker["slots"].get("product"), "offered": offered}


def evaluate(url: str, token: str, cases: list[dict]) -> dict:
    totals: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for case in cases:
        result = ask(url, token, case["text"])
        for key in (case["language"], "all"):
            t = totals[key]
            t["messages"] += 1
            t["intent_correct"] += result["intent"] == case["intent"]
            t["fallback"] += result["intent"] == "nlu_fallback"
            if case.get("product"):
                t["with_product"] += 1
                t["hit1"] += result["product"] == case["product"]
                t["hit3"] += result["product"] == case["product"] or case["product"] in result["offered"][:3]
    return totals


def table(name: str, totals: dict) -> str:
    lines = [f"\n{name}\n", "| language | messages | intent accuracy | product hit@1 | product hit@3 | fallback rate |",
             "|---|---|---|---|---|---|"]
    for language, t in sorted(totals.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        with_product = max(t["with_product"], 1)
        lines.append(f"| {language} | {t['messages']} | {t['intent_correct'] / t['messages']:.3f} | "
                     f"{t['hit1'] / with_product:.3f} | {t['hit3'] / with_product:.3f} | {t['fallback'] / t['messages']:.3f} |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", action="append", type=Path,
                        help="model(s) to evaluate (default: models/assistant.tar.gz and models/baseline.tar.gz)")
    parser.add_argument("--file", type=Path, default=HELD_OUT)
    args = parser.parse_args(argv)
    models = args.model or [PROJECT_DIR / "models" / "assistant.tar.gz", PROJECT_DIR / "models" / "baseline.tar.gz"]
    cases = yaml.safe_load(args.file.read_text(encoding="utf-8"))
    output = []
    for model in models:
        started = time.perf_counter()
        print(f"[evaluate] {model.name}: starting servers", flush=True)
        with running_assistant(model, extra_env=ONE_ADDRESS_ENV) as assistant:
            print(f"[evaluate] {model.name}: {len(cases)} held-out messages", flush=True)
            totals = evaluate(assistant.url, assistant.token, cases)
        output.append(table(f"{model.name} ({time.perf_counter() - started:.0f} s)", totals))
        print(output[-1], flush=True)
    results = PROJECT_DIR / "results"
    results.mkdir(exist_ok=True)
    (results / "evaluation.md").write_text("\n".join(output) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
