"""Turning citizens' text and catalogue text into comparable search terms.

Both sides go through the same steps: lower-case, accents folded, split into words, stop words
dropped, words stemmed (Snowball) per language. Dutch compounds that the catalogue does not know
as a whole ("paspoortaanvraag") are split into known parts.
"""
from __future__ import annotations

import functools
import re
import unicodedata
from pathlib import Path

import snowballstemmer

# ISO 639-1 codes of the languages Snowball has a stemmer for; any other language is searched
# on whole words.
SNOWBALL_LANGUAGES = {
    "ar": "arabic", "ca": "catalan", "da": "danish", "nl": "dutch", "en": "english", "fi": "finnish",
    "fr": "french", "de": "german", "el": "greek", "hi": "hindi", "hu": "hungarian", "id": "indonesian",
    "ga": "irish", "it": "italian", "lt": "lithuanian", "ne": "nepali", "no": "norwegian", "pt": "portuguese",
    "ro": "romanian", "ru": "russian", "sr": "serbian", "es": "spanish", "sv": "swedish", "ta": "tamil",
    "tr": "turkish", "yi": "yiddish", "pl": "polish", "cs": "czech", "et": "estonian", "fa": "persian",
    "hy": "armenian", "eu": "basque", "eo": "esperanto",
}
BASE_LANGUAGE = "nl"
_WORD = re.compile(r"[a-z0-9]+")
_STOPWORD_DIR = Path(__file__).with_name("stopwords")


def fold(text: str) -> str:
    """Lower-case and strip accents: 'Déménagement' -> 'demenagement'."""
    decomposed = unicodedata.normalize("NFKD", text.lower())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


@functools.lru_cache(maxsize=None)
def stopwords(language: str) -> frozenset[str]:
    path = _STOPWORD_DIR / f"{language}.txt"
    if not path.exists():
        return frozenset()
    return frozenset(
        fold(line.strip()) for line in path.read_text(encoding="utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    )


@functools.lru_cache(maxsize=None)
def _stemmer(language: str):
    algorithm = SNOWBALL_LANGUAGES.get(language)
    if algorithm not in snowballstemmer.algorithms():
        return None
    return snowballstemmer.stemmer(algorithm)


@functools.lru_cache(maxsize=200_000)
def stem(word: str, language: str) -> str:
    stemmer = _stemmer(language)
    return stemmer.stemWord(word) if stemmer else word


def content_words(text: str, language: str) -> list[str]:
    """Words of `text` without the stop words of `language` (and of the base language)."""
    ignored = stopwords(language) | stopwords(BASE_LANGUAGE)
    return [w for w in words(text) if w not in ignored and (len(w) > 1 or w.isdigit())]


def stems(text: str, language: str) -> list[str]:
    return [stem(w, language) for w in content_words(text, language)]
