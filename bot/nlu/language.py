"""Which language a message is in, and whether the citizen asks to switch language.

The conversation's language is sticky: a message changes it only when the detector is sure
or when the citizen names a language. "ok", "paspoort" or "DigiD" keep the language the
conversation already has.

Two detectors, because citizens' first messages are short and mix languages: "how much does a
dutch passport cost" went to Dutch with the character-based detector alone (lingua). The word
detector weighs each word by how common it is in each language (wordfreq's word lists) and
leaves out the catalogue's own Dutch service names ("gemeente", "grofvuil", "huurtoeslag"),
which citizens use in every language. It decides when one language leads clearly; otherwise
lingua decides on messages of three words or more. Lingua alone recognises the languages the
assistant does not speak.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from bot.catalogue import text
from bot.settings import Storage

MIN_WORDS_TO_SWITCH = 3
MIN_CONFIDENCE_TO_SWITCH = 0.50
MIN_MARGIN_TO_SWITCH = 0.25
# The word detector decides when one language's summed word frequencies (Zipf scale, log10)
# lead the next by this much: about ten times likelier. Chosen on the catalogue's example
# messages, whose language is known.
WORD_MARGIN = 1.0
# Words before a language's name that make the message a request for that language.
LANGUAGE_REQUEST_WORDS = {"in", "het", "en", "auf", "op", "speak", "spreek", "spreekt", "spreken", "praten",
                          "talk", "parle", "parlez", "parler", "vous", "sprechen", "sie", "switch", "to", "naar"}
# The leading language must know at least this share of the message's words.
MIN_KNOWN_SHARE = 0.5
# A word missing from a language's list counts as this frequent in it (smoothing).
UNSEEN_ZIPF = 0.5


def languages_file() -> Path:
    """knowledge/languages.yml of the catalogue's sources (CATALOGUE_SOURCES)."""
    return Storage.from_environment().catalogue_sources / "languages.yml"


def _settings(path: Path | None = None) -> dict:
    return _read_settings(path or languages_file())


@functools.lru_cache(maxsize=None)
def _read_settings(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def configured_languages(path: Path | None = None) -> dict[str, dict]:
    return {code: spec for code, spec in _settings(path).items() if code != "unsupported"}


class LanguageDetector:
    def __init__(self, languages: list[str], path: Path | None = None, neutral_words=frozenset()):
        """`neutral_words`: words that say nothing about the language (the catalogue's Dutch
        service names), or a function that gives them when first needed."""
        settings = _settings(path)
        self._neutral_words = neutral_words
        self.languages = list(languages)
        self.lingua_names = {code: settings[code]["lingua"] for code in self.languages}
        unsupported = settings.get("unsupported", {})
        self.lingua_names.update({code: spec["lingua"] for code, spec in unsupported.items()})
        self.word_languages = self.languages + [code for code, spec in unsupported.items() if spec.get("words")]
        self.names = {text.fold(name): code for code in self.languages for name in settings[code].get("names", [])}
        self._detector = None

    def _lingua(self):
        if self._detector is None:   # loading the language models takes a moment: only when needed
            from lingua import Language, LanguageDetectorBuilder
            self._by_name = {getattr(Language, name): code for code, name in self.lingua_names.items()}
            builder = LanguageDetectorBuilder.from_languages(*self._by_name)
            self._detector = builder.with_preloaded_language_models().build()
        return self._detector

    def requested(self, message: str) -> str | None:
        """A language the citizen asks for ("in English please", "Nederlands graag", "parlez-vous
        anglais"): its name after a word that asks for a language, or at the start or end of a
        short message. "how much does a dutch passport cost" names a language but asks for none."""
        words = text.words(message)
        if len(words) > 8:
            return None
        for position, word in enumerate(words):
            if word not in self.names:
                continue
            asked = position > 0 and words[position - 1] in LANGUAGE_REQUEST_WORDS
            if asked or (len(words) <= 4 and position in (0, len(words) - 1)):
                return self.names[word]
        return None

    def detect(self, message: str) -> str | None:
        """The message's language if the detectors are sure of it, else None (keep the current one)."""
        words = text.words(message[:1000])
        # The words first: "hoe regel ik een knurft" is Dutch by its words, though its characters
        # looked German to lingua. The word detector also weighs the unsupported languages marked
        # `words` in languages.yml (German, which shares many words with Dutch).
        return self._by_words(words) or (self._by_characters(message) if len(words) >= MIN_WORDS_TO_SWITCH else None)

    def _by_characters(self, message: str) -> str | None:
        values = self._lingua().compute_language_confidence_values(message[:1000])
        runner_up = values[1].value if len(values) > 1 else 0.0
        if (not values or values[0].value < MIN_CONFIDENCE_TO_SWITCH
                or values[0].value - runner_up < MIN_MARGIN_TO_SWITCH):
            return None
        return self._by_name[values[0].language]

    def _by_words(self, words: list[str]) -> str | None:
        from wordfreq import available_languages, zipf_frequency
        if callable(self._neutral_words):
            self._neutral_words = frozenset(self._neutral_words())
        languages = [code for code in self.word_languages if code in available_languages()]
        scores = dict.fromkeys(languages, 0.0)
        known = dict.fromkeys(languages, 0)
        weighed = 0
        for word in words:
            if (len(word) < 2 and not word.isdigit()) or word in self._neutral_words:
                continue
            weighed += 1
            frequencies = {code: zipf_frequency(word, code) for code in languages}
            if max(frequencies.values(), default=0.0) == 0.0:
                continue                  # a name, a typo, nonsense: no language
            for code, frequency in frequencies.items():
                scores[code] += max(frequency, UNSEEN_ZIPF)
                known[code] += frequency > 0
        if len(scores) < 2:
            return None
        ranked = sorted(scores.items(), key=lambda item: -item[1])
        leader = ranked[0][0]
        # A clear lead from one word among strangers ("ne" in a Turkish sentence) is no lead.
        if ranked[0][1] - ranked[1][1] < WORD_MARGIN or known[leader] < MIN_KNOWN_SHARE * weighed:
            return None
        return leader


def shows_frustration(message: str, path: Path | None = None) -> bool:
    """Whether a message contains a frustration phrase of any configured language."""
    folded = " " + " ".join(text.words(message)) + " "
    for spec in configured_languages(path).values():
        for phrase in spec.get("frustration", []):
            if " " + " ".join(text.words(phrase)) + " " in folded:
                return True
    return False
