"""What the input channels accept from citizens: how long a message may be, how many messages a
conversation and an address may send, and which client address a request comes from.

Settings (environment variables, read once per process when a channel first needs them):

    MAX_MESSAGE_CHARS         1000    longest message, in characters (the widget's input allows 1000)
    RATE_LIMIT_CONVERSATION   20/10   messages per seconds for one conversation ("off": no limit)
    RATE_LIMIT_ADDRESS        60/10   messages per seconds for one client address ("off": no limit)
    TRUSTED_PROXIES           (none)  comma-separated addresses or networks (127.0.0.1, 10.0.0.0/8)
                                      whose X-Forwarded-For header names the client

The rate limits are token buckets kept in this process's memory: each process limits on its own,
so with several Rasa processes a client gets that many times the rate. The limit shared by all
processes belongs in front of them (nginx `limit_req`); these protect one process from one client.
"""
from __future__ import annotations

import ipaddress
import json
import math
import re
import time
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable, Iterable, Optional

from bot.settings import Channels, Network

# Domain responses (domain.yml) the channels answer with instead of handing a message to Rasa.
TOO_LONG_RESPONSE = "utter_message_too_long"
EMPTY_RESPONSE = "utter_message_empty"
RATE_LIMITED_RESPONSE = "utter_rate_limited"

# Control characters other than tab and newlines carry no meaning in a chat message, and NUL is
# refused by PostgreSQL text columns (the production tracker store).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# The last hops of X-Forwarded-For are the only ones a trusted proxy can have written.
_MAX_FORWARDED_HOPS = 16


@dataclass(frozen=True)
class Rate:
    count: int
    seconds: float

    @classmethod
    def parse(cls, text: str) -> Optional["Rate"]:
        """'20/10' is 20 messages per 10 seconds; 'off' (or 0) is no limit."""
        text = text.strip().lower()
        if text in ("off", "0", "none", ""):
            return None
        count, _, seconds = text.partition("/")
        rate = cls(int(count), float(seconds or 1))
        if rate.count < 1 or rate.seconds <= 0:
            raise ValueError(f"a rate is COUNT/SECONDS with both above zero, not {text!r}")
        return rate


class TokenBuckets:
    """One token bucket per key: `rate.count` messages at once, refilled evenly over `rate.seconds`.

    A bucket left alone for `rate.seconds` is full again, which is the same as having none, so
    such buckets are dropped; `max_keys` bounds memory when a flood uses ever new keys."""

    def __init__(self, rate: Rate, max_keys: int = 100_000, clock: Callable[[], float] = time.monotonic):
        self.rate = rate
        self.max_keys = max_keys
        self.clock = clock
        self._refill = rate.count / rate.seconds
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()   # key -> (tokens, when)

    def __len__(self) -> int:
        return len(self._buckets)

    def wait(self, key: str) -> float:
        """Seconds until `key` may send a message; 0 when it may now."""
        tokens = self._tokens(key)
        return 0.0 if tokens >= 1 else (1 - tokens) / self._refill

    def take(self, key: str) -> None:
        self._buckets[key] = (self._tokens(key) - 1, self.clock())
        self._buckets.move_to_end(key)
        self._forget_idle()

    def _tokens(self, key: str) -> float:
        tokens, when = self._buckets.get(key, (self.rate.count, 0.0))
        return min(self.rate.count, tokens + (self.clock() - when) * self._refill)

    def _forget_idle(self) -> None:
        # Buckets are kept in order of last use, so the idle ones are at the front.
        idle_before = self.clock() - self.rate.seconds
        while self._buckets:
            key, (_, when) = next(iter(self._buckets.items()))
            if when > idle_before and len(self._buckets) <= self.max_keys:
                break
            del self._buckets[key]


@dataclass
class Refusal:
    retry_after: int        # whole seconds, as for HTTP's Retry-After
    limit: str              # "conversation" or "address"


class RateLimits:
    """The per-conversation and per-address limits together: a message is counted against both,
    and only when both allow it."""

    def __init__(self, conversation: Optional[Rate], address: Optional[Rate],
                 clock: Callable[[], float] = time.monotonic):
        self.buckets = {name: TokenBuckets(rate, clock=clock)
                        for name, rate in (("conversation", conversation), ("address", address)) if rate}

    def check(self, conversation: str, address: str) -> Optional[Refusal]:
        keys = {"conversation": conversation, "address": address}
        waits = {name: buckets.wait(keys[name]) for name, buckets in self.buckets.items()}
        longest = max(waits, key=lambda name: waits[name], default=None)
        if longest and waits[longest] > 0:
            return Refusal(max(1, math.ceil(waits[longest])), longest)
        for name, buckets in self.buckets.items():
            buckets.take(keys[name])
        return None


@dataclass(frozen=True)
class Settings:
    max_chars: int = 1000
    conversation_rate: Optional[Rate] = Rate(20, 10)
    address_rate: Optional[Rate] = Rate(60, 10)
    trusted_proxies: tuple[Network, ...] = ()

    @classmethod
    def from_environment(cls, environ=None) -> "Settings":
        """From bot.settings: Rasa builds the channels, so no main() can pass them in."""
        channels = Channels.from_environment(environ)
        if channels.max_message_chars < 1:
            raise ValueError("MAX_MESSAGE_CHARS must be at least 1")
        return cls(max_chars=channels.max_message_chars,
                   conversation_rate=Rate.parse(channels.rate_limit_conversation),
                   address_rate=Rate.parse(channels.rate_limit_address),
                   trusted_proxies=channels.trusted_proxies)


@lru_cache(maxsize=None)
def process_settings() -> Settings:
    return Settings.from_environment()


@lru_cache(maxsize=None)
def process_rate_limits() -> RateLimits:
    """One set of buckets per process, shared by the REST and socket.io channels, so that a client
    does not get twice the rate by using both."""
    settings = process_settings()
    return RateLimits(settings.conversation_rate, settings.address_rate)




def _address(text: str) -> Optional[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    try:
        address = ipaddress.ip_address(text.strip().strip("[]"))
    except ValueError:
        return None
    return getattr(address, "ipv4_mapped", None) or address


def client_address(peer: str, forwarded_for: Optional[str], trusted: Iterable[Network]) -> str:
    """The client's address: the socket's peer, unless the peer is a trusted proxy; then the
    right-most address in X-Forwarded-For that is not a trusted proxy itself (the ones left of it
    were written by the client and prove nothing)."""
    trusted = tuple(trusted)
    current = _address(peer)
    if current is None:
        return peer
    hops = [hop for hop in (forwarded_for or "").split(",") if hop.strip()][-_MAX_FORWARDED_HOPS:]
    while trusted and any(current in network for network in trusted) and hops:
        previous = _address(hops.pop())
        if previous is None:
            break       # not written by our proxy: the last trusted hop is all we know
        current = previous
    return str(current)


def screen_message(text: str, max_chars: int) -> tuple[Optional[str], str]:
    """(response, text): for an over-long or empty message, the response that answers it instead
    of Rasa (the text is then never run through NLU nor stored); otherwise no response and the
    text for Rasa, without control characters and with unpaired surrogates (which JSON allows and
    UTF-8 does not) replaced."""
    if len(text) > max_chars:
        return TOO_LONG_RESPONSE, ""
    text = _CONTROL.sub("", text)
    if any("\ud800" <= char <= "\udfff" for char in text):
        text = text.encode("utf-8", "replace").decode("utf-8")
    if not text.strip():
        return EMPTY_RESPONSE, ""
    return None, _scalar_entities(text)


def _scalar_entities(text: str) -> str:
    """A typed intent payload ('/choose_product{"product": ...}') with only text and number
    entities: Rasa passes any JSON on as an entity value, and a list or object where the actions
    expect text fails them. Other payloads (and malformed JSON, which Rasa ignores) are unchanged."""
    name, brace, rest = text.partition("{")
    if not text.startswith("/") or not brace:
        return text
    try:
        entities = json.loads(brace + rest)
    except (ValueError, RecursionError):
        return text
    if not isinstance(entities, dict):
        return text
    kept = {key: value for key, value in entities.items()
            if isinstance(value, (str, int, float)) and not isinstance(value, bool)}
    return text if kept == entities else name + json.dumps(kept, ensure_ascii=False)
