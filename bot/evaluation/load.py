"""Load: many citizens chatting at the same time for a fixed time, on localhost.

python -m bot.evaluation.load [--conversations 100] [--minutes 10] [--scaleout 2]

Each virtual citizen holds one conversation after another (4 to 8 held-out questions each) and
waits 2 to 8 seconds between messages, faster than people type. Without --scaleout the
single-machine set-up runs (one Rasa server, SQLite); with --scaleout N, N Rasa servers with their
action servers behind nginx, on PostgreSQL and Redis started for the run.

At the end every conversation's tracker is read back: a message the server accepted (HTTP 200)
but that is not in the conversation is counted as lost. Prints messages per second, latency
p50/p95/p99, errors by kind, lost messages and the resident memory of every process, and writes
them to results/load-<mode>.md. A benchmark, not a test.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path

import aiohttp

from bot.evaluation.heldout import TEST, load_cases
from bot.evaluation.setups import resident_mb, running_setup
from bot.settings import PROJECT_DIR

THINK_SECONDS = (2.0, 8.0)
MESSAGES_PER_CONVERSATION = (4, 8)
TOKEN = "load-test-token"


class Tally:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.errors: Counter[str] = Counter()
        self.accepted: dict[str, list[str]] = {}

    def report(self, elapsed: float, lost: int, memory: dict[str, float], mode: str, citizens: int) -> str:
        ordered = sorted(self.latencies)

        def percentile(share: float) -> float:
            return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else float("nan")

        lines = [f"## Load: {mode}, {citizens} concurrent conversations, {elapsed / 60:.1f} min",
                 "", "| messages | messages/s | p50 ms | p95 ms | p99 ms | server errors (5xx) | other errors | lost |",
                 "|---|---|---|---|---|---|---|---|",
                 f"| {len(ordered)} | {len(ordered) / elapsed:.1f} | "
                 f"{statistics.median(ordered) if ordered else 0:.0f} | "
                 f"{percentile(0.95):.0f} | {percentile(0.99):.0f} | "
                 f"{sum(n for kind, n in self.errors.items() if kind.startswith('5'))} | "
                 f"{sum(n for kind, n in self.errors.items() if not kind.startswith('5'))} | {lost} |", ""]
        if self.errors:
            lines.append("errors by kind: " + ", ".join(f"{kind}: {n}" for kind, n in self.errors.most_common()))
        lines.append("resident memory at the end (MB): " + ", ".join(f"{name} {mb:.0f}" for name, mb in memory.items()))
        return "\n".join(lines) + "\n"


async def citizen(session: aiohttp.ClientSession, url: str, texts: list[str], deadline: float, tally: Tally,
                  rng: random.Random) -> None:
    await asyncio.sleep(rng.uniform(*THINK_SECONDS))      # citizens do not all arrive in the same second
    while time.monotonic() < deadline:
        sender = f"load-{uuid.uuid4()}"
        tally.accepted[sender] = []
        for _ in range(rng.randint(*MESSAGES_PER_CONVERSATION)):
            if time.monotonic() >= deadline:
                return
            text = rng.choice(texts)
            started = time.perf_counter()
            try:
                async with session.post(f"{url}/webhooks/rest/webhook",
                                        json={"sender": sender, "message": text}) as reply:
                    await reply.read()
                    if reply.status == 200:
                        tally.accepted[sender].append(text)
                        tally.latencies.append((time.perf_counter() - started) * 1000)
                    else:
                        tally.errors[str(reply.status)] += 1
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                tally.errors[type(error).__name__] += 1
            await asyncio.sleep(rng.uniform(*THINK_SECONDS))


async def lost_messages(session: aiohttp.ClientSession, url: str, tally: Tally) -> int:
    """Accepted messages missing from their conversation's tracker."""
    lost = 0
    for sender, texts in tally.accepted.items():
        if not texts:
            continue
        async with session.get(f"{url}/conversations/{sender}/tracker", params={"token": TOKEN}) as reply:
            events = (await reply.json())["events"] if reply.status == 200 else []
        said = Counter(e.get("text") for e in events if e.get("event") == "user")
        expected = Counter(texts)
        lost += sum(max(0, n - said[text]) for text, n in expected.items())
    return lost


async def drive(url: str, citizens: int, minutes: float, texts: list[str], seed: int) -> tuple[Tally, float, int]:
    tally = Tally()
    rng = random.Random(seed)
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=citizens + 10)) as session:
        for text in texts[:10]:        # the first messages load models: not part of the measurement
            async with session.post(f"{url}/webhooks/rest/webhook",
                                    json={"sender": "load-warm-up", "message": text}) as reply:
                await reply.read()
        started = time.monotonic()
        deadline = started + minutes * 60
        await asyncio.gather(*(citizen(session, url, texts, deadline, tally, random.Random(rng.random()))
                               for _ in range(citizens)))
        elapsed = time.monotonic() - started
        print(f"[load] {len(tally.latencies)} messages in {elapsed:.0f} s; checking every conversation", flush=True)
        lost = await lost_messages(session, url, tally)
    return tally, elapsed, lost


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--conversations", type=int, default=100)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--scaleout", type=int, default=0, metavar="N", help="N Rasa servers on PostgreSQL + Redis")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args(argv)
    texts = [case.text for case in load_cases(TEST)]
    mode = f"scale-out, {args.scaleout} Rasa servers on PostgreSQL + Redis behind nginx" if args.scaleout \
        else "one machine, one Rasa server on SQLite"
    with tempfile.TemporaryDirectory() as scratch:
        print(f"[load] starting: {mode}", flush=True)
        with running_setup(args.scaleout, Path(scratch), TOKEN) as (url, pids):
            print(f"[load] {args.conversations} conversations for {args.minutes:g} min against {url}", flush=True)
            tally, elapsed, lost = asyncio.run(drive(url, args.conversations, args.minutes, texts, args.seed))
            memory = {name: resident_mb(pid) for name, pid in pids.items()}
    report = tally.report(elapsed, lost, memory, mode, args.conversations)
    print("\n" + report)
    results = PROJECT_DIR / "results"
    results.mkdir(exist_ok=True)
    (results / f"load-{'scaleout' if args.scaleout else 'single'}.md").write_text(report, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
