"""bot.web.limits without servers: token buckets, client addresses, message screening."""
from __future__ import annotations

import ipaddress

import pytest

from bot.web.limits import (EMPTY_RESPONSE, TOO_LONG_RESPONSE, Rate, RateLimits, Settings, TokenBuckets,
                            client_address, screen_message)
from bot.settings import parse_networks


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def test_rate_parses_count_per_seconds_and_off():
    assert Rate.parse("20/10") == Rate(20, 10.0)
    assert Rate.parse(" 5/0.5 ") == Rate(5, 0.5)
    assert Rate.parse("off") is None and Rate.parse("0") is None
    with pytest.raises(ValueError):
        Rate.parse("-1/10")
    with pytest.raises(ValueError):
        Rate.parse("ten/10")


def test_settings_defaults_and_environment():
    assert Settings.from_environment({}) == Settings(1000, Rate(20, 10), Rate(60, 10), ())
    settings = Settings.from_environment({"MAX_MESSAGE_CHARS": "50", "RATE_LIMIT_CONVERSATION": "off",
                                          "RATE_LIMIT_ADDRESS": "3/1", "TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"})
    assert settings.max_chars == 50 and settings.conversation_rate is None and settings.address_rate == Rate(3, 1)
    assert settings.trusted_proxies == (ipaddress.ip_network("127.0.0.1/32"), ipaddress.ip_network("10.0.0.0/8"))


def test_bucket_allows_a_burst_then_refills_evenly():
    clock = Clock()
    buckets = TokenBuckets(Rate(3, 6), clock=clock)        # 3 at once, one more every 2 s
    for _ in range(3):
        assert buckets.wait("a") == 0
        buckets.take("a")
    assert buckets.wait("a") == pytest.approx(2.0)
    assert buckets.wait("b") == 0                          # other keys are not affected
    clock.now += 1.5
    assert buckets.wait("a") == pytest.approx(0.5)
    clock.now += 0.5
    assert buckets.wait("a") == 0


def test_idle_buckets_are_forgotten_and_memory_is_bounded():
    clock = Clock()
    buckets = TokenBuckets(Rate(2, 10), max_keys=100, clock=clock)
    for number in range(50):
        buckets.take(f"idle-{number}")
    clock.now += 10.5
    buckets.take("fresh")
    assert len(buckets) == 1                               # full again after 10 s: same as none
    for number in range(1000):                             # a flood of ever new keys
        buckets.take(f"flood-{number}")
    assert len(buckets) == 100


def test_rate_limits_count_a_message_only_when_both_limits_allow_it():
    clock = Clock()
    limits = RateLimits(Rate(2, 10), Rate(3, 10), clock=clock)
    assert limits.check("c1", "1.2.3.4") is None
    assert limits.check("c1", "1.2.3.4") is None
    refused = limits.check("c1", "1.2.3.4")
    assert refused.limit == "conversation" and refused.retry_after == 5
    assert limits.check("c2", "1.2.3.4") is None           # the refusal above used no address token
    refused = limits.check("c3", "1.2.3.4")
    assert refused.limit == "address" and refused.retry_after == 4
    assert limits.check("c3", "5.6.7.8") is None
    clock.now += 4
    assert limits.check("c3", "1.2.3.4") is None


def test_no_limits_when_both_are_off():
    limits = RateLimits(None, None)
    assert all(limits.check("c", "a") is None for _ in range(1000))


def test_client_address_uses_forwarded_for_only_from_a_trusted_proxy():
    proxies = parse_networks("127.0.0.1, 10.0.0.0/8")
    assert client_address("203.0.113.9", "198.51.100.1", proxies) == "203.0.113.9"
    assert client_address("127.0.0.1", "198.51.100.1", ()) == "127.0.0.1"
    assert client_address("127.0.0.1", "198.51.100.1", proxies) == "198.51.100.1"
    # the client may write anything left of what the proxies appended
    assert client_address("127.0.0.1", "1.1.1.1, 198.51.100.1, 10.1.2.3", proxies) == "198.51.100.1"
    assert client_address("127.0.0.1", "not-an-address", proxies) == "127.0.0.1"
    assert client_address("127.0.0.1", None, proxies) == "127.0.0.1"
    assert client_address("::ffff:127.0.0.1", "2001:db8::1", proxies) == "2001:db8::1"


def test_screen_message():
    assert screen_message("hoe vraag ik een paspoort aan", 1000) == (None, "hoe vraag ik een paspoort aan")
    assert screen_message("x" * 1001, 1000) == (TOO_LONG_RESPONSE, "")
    assert screen_message("😀" * 1000, 1000) == (None, "😀" * 1000)       # characters, not bytes
    assert screen_message("/choose_product{}" + "x" * 2000, 1000) == (TOO_LONG_RESPONSE, "")
    assert screen_message("", 1000) == (EMPTY_RESPONSE, "")
    assert screen_message(" \n\t\u3000 ", 1000) == (EMPTY_RESPONSE, "")
    assert screen_message("\x00\x01\x1b", 1000) == (EMPTY_RESPONSE, "")
    assert screen_message("pas\x00poort\x1b[31m", 1000) == (None, "paspoort[31m")
    assert screen_message("a\ud800b", 1000) == (None, "a?b")
    assert screen_message("regel 1\nregel 2\tmet tab", 1000) == (None, "regel 1\nregel 2\tmet tab")


def test_intent_payloads_keep_only_text_and_number_entities():
    assert screen_message('/choose_product{"product": "paspoort"}', 1000) == (None, '/choose_product{"product": "paspoort"}')
    assert screen_message('/choose_product{"product": {"nested": 1}}', 1000) == (None, "/choose_product{}")
    assert screen_message('/rate{"score": 4, "x": [1], "y": null}', 1000) == (None, '/rate{"score": 4}')
    assert screen_message("/choose_product{", 1000) == (None, "/choose_product{")        # Rasa ignores it
    assert screen_message("/handover_chat", 1000) == (None, "/handover_chat")
    assert screen_message('hoi {"a": [1]}', 1000) == (None, 'hoi {"a": [1]}')            # not a payload
