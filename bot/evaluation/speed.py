"""REST round trip and throughput of the whole assistant (Rasa server, action server, catalogue).

python -m bot.evaluation.speed [--messages 320] [--scaleout N]

A benchmark, not a test: it prints figures. Messages are held-out citizen questions, in
conversations of eight messages; 1 or 8 conversations run at the same time.
"""
from __future__ import annotations

import argparse
import statistics
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

from bot.evaluation.heldout import TEST, load_cases
from bot.evaluation.setups import resident_mb, running_setup

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
    threads = [threading.Thread(target=conversation,
                                args=(url, texts[i * per_conversation:(i + 1) * per_conversation], timings, errors))
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


TOKEN = "speed-test-token"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--messages", type=int, default=320)
    parser.add_argument("--scaleout", type=int, default=0, metavar="N",
                        help="N Rasa servers on PostgreSQL + Redis behind nginx "
                             "(default: one machine, one Rasa server)")
    args = parser.parse_args(argv)
    held_out = [case.text for case in load_cases(TEST)]
    texts = (held_out * (args.messages // len(held_out) + 1))[:args.messages]
    with tempfile.TemporaryDirectory() as scratch, running_setup(args.scaleout, Path(scratch), TOKEN) as (url, pids):
        run(url, texts[:40], 8)                      # warm-up: first calls load models, in every process
        rows = [run(url, texts, 1), run(url, texts, 8)]
        memory = {name: resident_mb(pid) for name, pid in pids.items()}
    print("\n| conversations | messages | errors | p50 ms | p95 ms | messages/s |\n|---|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['concurrent']} | {r['messages']} | {r['errors']} | {r['p50']:.0f} | {r['p95']:.0f} "
              f"| {r['throughput']:.1f} |")
    print("\nresident memory (MB): " + ", ".join(f"{name} {mb:.0f}" for name, mb in memory.items()))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
