"""Hostile inputs, drawn from a seeded random generator: the same seed gives the same inputs."""
from __future__ import annotations

import json
import random

QUESTIONS = ["hoe vraag ik een paspoort aan", "wat kost een rijbewijs", "ik ga verhuizen", "what does a passport cost",
             "combien coûte une carte d'identité", "wanneer is het gemeentehuis open", "grofvuil ophalen",
             "ik wil een medewerker spreken", "parkeervergunning", "mijn kliko is kapot"]
MARKUP = ['<script>alert("x")</script>', "<img src=x onerror=alert(1)>", "<svg onload=alert(1)>",
          '"><script>alert(document.cookie)</script>', "<iframe src=javascript:alert(1)>", "javascript:alert(1)",
          "<a href=\"javascript:alert(1)\">klik</a>", "<b>vet</b><i>schuin</i>", "</textarea><script>alert(1)</script>",
          "<style>*{display:none}</style>", "<!--", "]]>", "<math><mi xlink:href=javascript:alert(1)>x",
          "<details open ontoggle=alert(1)>", "&lt;script&gt;", "&#60;script&#62;alert(1)"]
SQL = ["' OR 1=1 --", "'; DROP TABLE events; --", "\" OR \"\"=\"", "1; SELECT * FROM users", "') UNION SELECT 1,2,3--",
       "%' AND 1=0 UNION SELECT sqlite_version() --", "admin'--", "\\'; PRAGMA writable_schema=1; --"]
TEMPLATES = ["{{7*7}}", "{% for x in range(9999999) %}x{% endfor %}", "${7*7}", "#{7*7}", "{phone}", "{product}",
             "{languages_en}", "{{config.items()}}", "{{''.__class__.__mro__[1].__subclasses__()}}", "%s%s%s%n",
             "{0.__class__}", "${jndi:ldap://127.0.0.1/a}", "<%= 7*7 %>", "{{constructor.constructor('alert(1)')()}}"]
PAYLOADS = ['/choose_product{"product": "<script>alert(1)</script>"}', "/handover_chat", "/choose_product{",
            '/choose_product{"product": ', "/choose_product{'product': 'paspoort'}", '/choose_product{"product": null}',
            '/choose_product{"product": ["a", "b"]}', '/choose_product{"product": {"nested": 1}}', "/nonexistent_intent",
            '/rate{"score": "NaN"}', '/rate{"score": 99999999999999999999}', '/rate{"score": -1}',
            '/change_language{"language": "de"}', '/change_language{"language": "<b>"}', "/message_too_long",
            "/message_empty", "/", "//", "/{}", "/ask_cost@1.5", "/ask_cost@abc", '/ask_cost{"product": "' + "a" * 300 + '"}',
            "/request_callback", "/handover_phone", "/handover_desk", "/handover_digital_help", "/greet{]",
            '/ask_info{"product": "paspoort", "language": "xx"}', "/restart", "/session_start", "/back",
            '/choose_product{"product": "../../etc/passwd"}', "/action_listen", '/unsupported_language{"x": 1}']
EMOJI = ["😀", "👍🏽", "👨‍👩‍👧‍👦", "🇳🇱", "🏳️‍🌈", "❤️", "🤷‍♀️", "🧑🏿‍🚀", "🔥", "\u200d", "\ufe0f"]
RTL = ["مرحبا كيف أحصل على جواز سفر", "שלום, איך מקבלים דרכון", "\u202eevil\u202c", "\u202dabc\u202c", "\u2067x\u2069",
       "آیا می‌توانم", "\u061c"]
WEIRD = ["\u0000", "\u0007", "\u001b[31m", "\u007f", "\u0085", "\u2028", "\u2029", "\ufeff", "\ufffd", "\uffff",
         "\U0010ffff", "\u0301" * 50, "Z̸̡̢͉̜̝a̷̧͍l̶̜̉g̵̛o̶", "ｆｕｌｌｗｉｄｔｈ", "İstanbul", "ß" * 10, "\r\n\r\n"]


def _some(rng: random.Random, pool: list[str], most: int = 4) -> str:
    return " ".join(rng.choice(pool) for _ in range(rng.randint(1, most)))


def text(rng: random.Random, kind: str) -> str:
    """One message of a kind: nlu (fits the limit: reaches NLU), payload, too_long, empty."""
    if kind == "payload":
        return rng.choice(PAYLOADS)
    if kind == "empty":
        return rng.choice(["", " ", "\n\n", "\t \u3000", "\u0000\u0001", "\u001b", "   \r\n  ", "\u0085\u2028"])
    if kind == "too_long":
        unit = rng.choice([*QUESTIONS, *MARKUP, *EMOJI, "x", "/choose_product{", *TEMPLATES])
        length = rng.choice([1001, 1500, 5000, 20000, 100000])
        return (unit * (length // max(1, len(unit)) + 1))[:length]
    flavour = rng.choice(["question", "markup", "sql", "template", "emoji", "rtl", "weird", "surrogate", "mixed"])
    if flavour == "question":
        result = rng.choice(QUESTIONS) + rng.choice(["", "?", "!!!", " " + _some(rng, EMOJI, 2)])
    elif flavour == "markup":
        result = rng.choice(QUESTIONS) + " " + _some(rng, MARKUP)
    elif flavour == "sql":
        result = _some(rng, SQL, 2) + " " + rng.choice(QUESTIONS)
    elif flavour == "template":
        result = _some(rng, TEMPLATES) + " " + rng.choice(QUESTIONS)
    elif flavour == "emoji":
        result = "".join(rng.choice(EMOJI) for _ in range(rng.randint(1, 300)))
    elif flavour == "rtl":
        result = _some(rng, RTL, 3)
    elif flavour == "weird":
        result = "".join(rng.choice(WEIRD) for _ in range(rng.randint(1, 20))) + rng.choice(["", rng.choice(QUESTIONS)])
    elif flavour == "surrogate":
        result = rng.choice(QUESTIONS) + chr(rng.randint(0xD800, 0xDFFF)) + rng.choice(["", "\udc80\ud800"])
    else:
        result = " ".join(rng.choice([*QUESTIONS, *MARKUP, *SQL, *TEMPLATES, *EMOJI, *RTL, *WEIRD]) for _ in range(6))
    return result[:1000]


def garbage_bytes(rng: random.Random, most: int = 400) -> bytes:
    return bytes(rng.randrange(256) for _ in range(rng.randint(1, most)))


def malformed_json(rng: random.Random, sample: dict) -> bytes:
    """A body that is not the JSON object an endpoint expects."""
    good = json.dumps(sample).encode()
    choice = rng.randrange(14)
    if choice == 0:
        return good[: rng.randint(0, max(0, len(good) - 1))]                     # cut short
    if choice == 1:
        return garbage_bytes(rng)
    if choice == 2:
        return b"[" * 50000 + b"]" * 50000                                         # deep nesting
    if choice == 3:
        return json.dumps(rng.choice([[1, 2], "text", 12, None, True, 1.5e308, []])).encode()
    if choice == 4:
        return json.dumps({key: rng.choice([None, 5, [], {}, True, "x" * 10, -1]) for key in sample}).encode()
    if choice == 5:
        return good.replace(b'"', b"'")
    if choice == 6:
        return b'\xef\xbb\xbf' + good                                               # byte order mark
    if choice == 7:
        return good[:-1] + b', "extra": ' + json.dumps(text(rng, "nlu")).encode() + b"}"
    if choice == 8:
        return good.replace(b"}", b', "a": NaN, "b": Infinity}')
    if choice == 9:
        return b'{"sender": "\xff\xfe", "message": "\xc3\x28 \xa0\xa1"}'               # invalid UTF-8
    if choice == 10:
        return json.dumps({**sample, "metadata": {"k" * 100: ["v" * 1000] * 10}}).encode()
    if choice == 11:
        return b"{" + b'"a":1,' * 20000 + b'"b":2}'
    if choice == 12:
        return json.dumps({k: v for k, v in sample.items() if rng.random() < 0.5}).encode()
    return b""


def path_segment(rng: random.Random) -> str:
    """A hostile URL path segment, percent-encoded by the caller."""
    return rng.choice(["..", "../../etc/passwd", "%00", "a" * 3000, "<script>", "'; --", "{{7*7}}", "💥", "\u202e",
                       "null", "-1", "99999999999999999999", "%2e%2e%2f", "CON", " ", "\\", "a/b", "%", "?x=1", "#"])
