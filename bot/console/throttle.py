"""Login brute-force protection (OWASP ASVS 2.2.1): a limit on failed logins per username and per
client address, in a sliding window, kept in memory of the console process.

In memory rather than in the database: one console process serves all staff (workers=1), and a
restart resetting the counts is acceptable for a lock that lasts minutes. With N console processes
an attacker gets N times the attempts; see docs/security.md.

Unknown usernames are counted exactly like existing ones, so the lock itself never tells whether
an account exists.
"""
from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

MAX_FAILURES_PER_USERNAME = 5
MAX_FAILURES_PER_ADDRESS = 20
WINDOW_SECONDS = 15 * 60
MAX_TRACKED_KEYS = 10_000      # bounds memory when an attacker sprays random usernames


@dataclass
class LoginThrottle:
    per_username: int = MAX_FAILURES_PER_USERNAME
    per_address: int = MAX_FAILURES_PER_ADDRESS
    window: float = WINDOW_SECONDS
    clock: Callable[[], float] = time.monotonic
    max_keys: int = MAX_TRACKED_KEYS
    _failures: dict[tuple[str, str], deque] = field(default_factory=dict)

    def wait_seconds(self, username: str, address: str) -> int:
        """Seconds until a login for `username` from `address` may be tried again; 0: now."""
        now = self.clock()
        waits = [self._wait(("user", _normal(username)), self.per_username, now),
                 self._wait(("address", address), self.per_address, now)]
        return max(waits)

    def failed(self, username: str, address: str) -> None:
        now = self.clock()
        for key in (("user", _normal(username)), ("address", address)):
            self._recent(key, now).append(now)
        if len(self._failures) > self.max_keys:
            self._forget_oldest(now)

    def succeeded(self, username: str) -> None:
        """A correct password clears its username's failures; the address keeps its count, or one
        valid account would let an attacker reset the limit for guesses at other accounts."""
        self._failures.pop(("user", _normal(username)), None)

    def _wait(self, key: tuple[str, str], limit: int, now: float) -> int:
        if key not in self._failures:
            return 0
        recent = self._recent(key, now)
        if len(recent) < limit:
            return 0
        # the attempt that would fall out of the window first decides when trying is allowed again
        return max(1, math.ceil(recent[-limit] + self.window - now))

    def _recent(self, key: tuple[str, str], now: float) -> deque:
        recent = self._failures.setdefault(key, deque())
        while recent and recent[0] <= now - self.window:
            recent.popleft()
        return recent

    def _forget_oldest(self, now: float) -> None:
        for key in [k for k, times in self._failures.items() if not times or times[-1] <= now - self.window]:
            del self._failures[key]
        while len(self._failures) > self.max_keys:
            oldest = min(self._failures, key=lambda k: self._failures[k][-1])
            del self._failures[oldest]


def _normal(username: str) -> str:
    return username.strip().casefold()[:100]
