"""The outbox worker: passes stored reports on to the outside systems that are configured.

`python -m bot.reports deliver` runs it (every REPORTS_DELIVER_EVERY seconds; `--once` for one
round, e.g. from a timer). With no outside system configured there is nothing to do: the reports
are in the staff console's Meldingen already. Several workers may run at once (each outbox row
is leased by one), and a worker may be killed at any moment (bot.reports.store).
"""
from __future__ import annotations

import asyncio
import logging
import time
from pathlib import Path

from bot.reports.store import Destination, ReportStore, deliver_due
from bot.settings import Reports

log = logging.getLogger(__name__)


def configured_destinations(settings: Reports, knowledge_dir: Path, languages: list[str],
                            fallback_point: tuple[float, float]) -> list[Destination]:
    """The outside systems reports go to, from the settings (none: the staff console only)."""
    destinations: list[Destination] = []
    if settings.signalen:
        from bot.integrations.signalen import SignalenClient
        from bot.reports.categories import load
        tree = load(knowledge_dir, languages)
        destinations.append(SignalenClient(settings.signalen, lambda sub: tree.categories[sub].main, fallback_point,
                                           settings.signalen_source))
    return destinations


async def work(store: ReportStore, destinations: list[Destination], every: float, once: bool = False) -> None:
    """Rounds over every destination; one round with `once`. Logs counts only, never a report."""
    while True:
        started = time.perf_counter()
        for destination in destinations:
            arrived = await deliver_due(store, destination)
            if arrived:
                log.info("reports delivered to %s: %d in %.1f s", destination.name, arrived,
                         time.perf_counter() - started)
        if once:
            return
        await asyncio.sleep(every)
