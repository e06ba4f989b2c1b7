"""REST round trip and throughput of the whole assistant (Rasa server, action server, catalogue).

python -m bot.evaluation.speed [--model models/assistant.tar.gz] [--messages 300]

A benchmark, not a test: it prints figures. Messages are held-out citizen questions, in
conversations of eight messages; 1 or 8 conversations run at the same time.
"""
from __future__ import annotations

import argparse
import statistics
import threading
import time
import uuid
from pathlib import Path

import requests
import yaml

from bot.catalogue.paths import PROJECT_DIR
from bot.evaluation.conversations import HELD_OUT
from bot.evaluation import ONE_ADDRESS_ENV
from bot.servers import running_assistant


def resident_mb(pid: int) -> float:
    """Resident memory of a process and its children, from /proc."""
    total = 0
    pids = [pid]
    children = Path(f"/proc/{pid}/task/{pid}/children")
    if children.exists():
        pids += [int(p) for p in children.read_text().split()]
    for each in pids:
        for line in Path(f"/proc/{each}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                total += int(line.split()[1])
    return total / 1024


# Citizens' conversations are short: after this many messages a new conversation starts.
MESSAGES_PER_CONVERSATION = 8


def conversation(url: str, texts: list[str], timings: list[float], errors: list[int]) -> None:
    session = requests.Session()
    for index, text in enumerate(texts):
        if index % MESSAGES_PER_CONVERSATION == 0:
            sender = f"speed-{uuid.uuid4()}"
        started = time.perf_counter()
        response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": text}, timeout=60)
        timings.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            errors.append(response.status_code)


def run(url: str, texts: list[str], concurrent: int) -> dict:
    timings: list[float] = []
    errors: list[int] = []
    per_conversation = len(texts) // concurrent
    threads = [threading.Thread(target=conversation, args=(url, texts[i * per_conversation:(i + 1) * per_conversation], timings, errors))
               for i in range(concurrent)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    timings.sort()
    return {"concurrent": concurrent, "messages": len(timings), "errors": len(errors),
            "p50": statistics.median(timings), "p95": timings[int(len(timings) * 0.95) - 1],
            "throughput": len(timings) / elapsed}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--model", type=Path, default=PROJECT_DIR / "models" / "assistant.tar.gz")
    parser.add_argument("--messages", type=int, default=320)
    args = parser.parse_args(argv)
    held_out = [case["text"] for case in yaml.safe_load(HELD_OUT.read_text(encoding="utf-8"))]
    texts = (held_out * (args.messages // len(held_out) + 1))[:args.messages]
    with running_assistant(args.model, extra_env=ONE_ADDRESS_ENV) as assistant:
        run(assistant.url, texts[:40], 1)                      # warm-up: first calls load models
        rows = [run(assistant.url, texts, 1), run(assistant.url, texts, 8)]
        memory = {name: resident_mb(process.pid) for name, process in assistant.processes.items()}
    print("\n| conversations | messages | errors | p50 ms | p95 ms | messages/s |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['concurrent']} | {r['messages']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} | {r['throughput']:.1f} |")
    print(f"\nresident memory: Rasa server {memory['rasa']:.0f} MB, action server {memory['actions']:.0f} MB")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
