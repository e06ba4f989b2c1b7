"""One NLU model for all languages, or one per language? Intent accuracy on held-out messages.

python -m bot.evaluation.language_models

Trains an NLU model per language (data/nlu/<language>/, same config.yml) and compares each with
the joint model (models/assistant.tar.gz) on the held-out messages of that language (the product
messages of evaluation/heldout/test.yml, never used for training, with their question type). The
per-language figures assume the language is known; in use it would come from the detector, so they
are an upper bound.
"""
from __future__ import annotations

import asyncio
import subprocess
import time
from collections import defaultdict

from bot.evaluation.heldout import TEST, load_cases
from bot.settings import PROJECT_DIR

OUT = PROJECT_DIR / "models" / "per-language"


def train(language: str) -> None:
    started = time.perf_counter()
    subprocess.run([str(PROJECT_DIR / ".venv" / "bin" / "rasa"), "train", "nlu", "--config", "config.yml",
                    "--nlu", f"data/nlu/{language}", "--out", str(OUT), "--fixed-model-name", f"nlu-{language}"],
                   cwd=PROJECT_DIR, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.STDOUT)
    print(f"[language models] trained nlu-{language} in {time.perf_counter() - started:.0f} s", flush=True)


async def accuracy(model, cases: list) -> float:
    from rasa.core.agent import Agent
    agent = Agent.load(str(model))
    correct = 0
    for case in cases:
        parsed = await agent.parse_message(case.text)
        correct += parsed["intent"]["name"] == case.question
    return correct / len(cases)


def main() -> int:
    by_language = defaultdict(list)
    for case in load_cases(TEST):
        if not case.negative:
            by_language[case.language].append(case)
    rows = []
    for language, language_cases in sorted(by_language.items()):
        train(language)
        joint = asyncio.run(accuracy(PROJECT_DIR / "models" / "assistant.tar.gz", language_cases))
        separate = asyncio.run(accuracy(OUT / f"nlu-{language}.tar.gz", language_cases))
        rows.append((language, len(language_cases), joint, separate))
    print("\n| language | held-out messages | intent accuracy, one model | intent accuracy, model per language |")
    print("|---|---|---|---|")
    for language, count, joint, separate in rows:
        print(f"| {language} | {count} | {joint:.3f} | {separate:.3f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
