"""Telling a message from nonsense: keyboard mashing, markup and code.

The intent classifier always picks some intent, and for "<script>alert(1)</script>" or
"plofgrt snirk" it picked `request_human` with near certainty, so the assistant offered a person
instead of asking to rephrase. A message is nonsense when, after its markup and code are taken
out, no word of it is a word of Dutch, English or French (wordfreq's word lists, the catalogue's
languages) or, when it had markup, fewer than two are. Such a message is "not understood", never
a product and never a reason to hand over on its own.
"""
from __future__ import annotations

import functools
import re

from bot.catalogue import text

WORD_LANGUAGES = ("nl", "en", "fr")
# Zipf frequency (log10 of occurrences per billion words) from which a word counts as a word:
# 1.0 keeps rare words and common misspellings ("pasport" 1.5), drops mashing ("snirk" 0).
KNOWN_ZIPF = 1.0
# Letters typed along one row of a QWERTY, AZERTY or QWERTZ keyboard. wordfreq counts "qwerty"
# and "asdf" as English words (they are common on the web), but in a message to the municipality
# four or more keys in a row are mashing. Three are not: "sdf" is French for homeless.
KEYBOARD_ROWS = ("qwertyuiop", "asdfghjkl", "zxcvbnm", "azertyuiop", "qsdfghjklm", "wxcvbn", "qwertzuiop",
                 "yxcvbnm")
MIN_KEYBOARD_RUN = 4
MIN_WORDS_BESIDE_MARKUP = 2
# Beside markup, these words are part of the code, not of a question.
CODE_WORDS = frozenset("""
admin alert and bash bin body cat cmd calc console const cookie delete div document drop echo etc eval exec
false from function html iframe img insert into javascript let log null onerror onload or passwd password
print return rm root script select sh src svg system table true union user users var where window
""".split())

_MARKUP = re.compile("|".join([
    r"<\s*/?\s*[a-z!][^>]*>",                  # HTML tags and comments
    r"\{\{.*?\}\}|\{%.*?%\}|<%.*?%>",          # template expressions
    r"[$#]\{[^}]*\}|\$\([^)]*\)|`[^`]*`",      # ${...}, #{...}, $(...), `...`
    r"&[a-z]+;|&#\d+;|%[0-9a-f]{2}|\\x[0-9a-f]{2}",   # escaped characters
    r"\b[a-z_][\w.]*\([^()]*\)",               # a call: alert(1), console.log(x)
    r"\b(?:javascript|data|vbscript):\S*",
    r"\bon[a-z]+\s*=\s*\S+",                   # onerror=...
    r"\bhttps?://\S+|\bwww\.\S+",
    r"'\s*(?:or|and)\s+'?\w+'?\s*=\s*'?\w+'?", # ' OR '1'='1
    r"\b(?:union\s+select|select\s+\S+\s+from|drop\s+table|insert\s+into|delete\s+from)\b.*",
    r"(?:;|--|/\*|\*/)\s*",
    r"\.\./",
    r"^\s*[=+@-]\s*\w+\s*[|(!]",               # a spreadsheet formula: =cmd|' /C calc'!A0
    r"[{}\[\]<>=;|\\]",
]), re.IGNORECASE)


def strip_markup(message: str) -> tuple[str, bool]:
    """The message without markup and code, and whether it had any."""
    stripped = _MARKUP.sub(" ", message)
    return stripped, stripped.split() != message.split()


def is_keyboard_run(word: str) -> bool:
    return len(word) >= MIN_KEYBOARD_RUN and any(word in row for row in KEYBOARD_ROWS)


@functools.lru_cache(maxsize=50_000)
def is_word(word: str) -> bool:
    from wordfreq import zipf_frequency
    if is_keyboard_run(word):
        return False
    return any(zipf_frequency(word, language) >= KNOWN_ZIPF for language in WORD_LANGUAGES)


def is_nonsense(message: str) -> bool:
    if not message.strip() or message.startswith("/"):
        return False          # empty, or a button's payload
    stripped, had_markup = strip_markup(message)
    words = text.words(stripped)
    if not had_markup and not any(ch.isalpha() for ch in message) and any(ch.isdigit() for ch in message):
        return False          # a number, a date or a phone number: an answer to a question
    known = [w for w in words if (len(w) > 1 or w.isdigit()) and is_word(w)]
    if had_markup:
        return len([w for w in known if w not in CODE_WORDS]) < MIN_WORDS_BESIDE_MARKUP
    return not known
