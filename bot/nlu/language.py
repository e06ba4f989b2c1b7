"""Which language a message is in, and whether the citizen asks to switch language.

The conversation's language is sticky: a message changes it only when the detector is sure
(enough words, a clear winner) or when the citizen names a language. "ok", "paspoort" or
"DigiD" keep the language the conversation already has.
"""
from __future__ import annotations

import functools
from pathlib import Path

import yaml

from bot.catalogue import text

MIN_WORDS_TO_SWITCH = 3
MIN_CONFIDENCE_TO_SWITCH = 0.50
MIN_MARGIN_TO_SWITCH = 0.25
LANGUAGES_FILE = Path(__file__).resolve().parents[2] / "knowledge" / "languages.yml"


@functools.lru_cache(maxsize=None)
def _settings(path: Path = LANGUAGES_FILE) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def configured_languages(path: Path = LANGUAGES_FILE) -> dict[str, dict]:
    return {code: spec for code, spec in _settings(path).items() if code != "unsupported"}


class LanguageDetector:
    def __init__(self, languages: list[str], path: Path = LANGUAGES_FILE):
        settings = _settings(path)
        self.languages = list(languages)
        self.lingua_names = {code: settings[code]["lingua"] for code in self.languages}
        self.lingua_names.update({code: spec["lingua"] for code, spec in settings.get("unsupported", {}).items()})
        self.names = {text.fold(name): code for code in self.languages for name in settings[code].get("names", [])}
        self._detector = None

    def _lingua(self):
        if self._detector is None:   # loading the language models takes a moment: only when needed
            from lingua import Language, LanguageDetectorBuilder
            self._by_name = {getattr(Language, name): code for code, name in self.lingua_names.items()}
            self._detector = LanguageDetectorBuilder.from_languages(*self._by_name).with_preloaded_language_models().build()
        return self._detector

    def requested(self, message: str) -> str | None:
        """A language the citizen names ("in English please"), if the message is short enough
        to be a request rather than a sentence that mentions a language."""
        words = text.words(message)
        if len(words) > 8:
            return None
        return next((self.names[w] for w in words if w in self.names), None)

    def detect(self, message: str) -> str | None:
        """The message's language if the detector is sure of it, else None (keep the current one)."""
        if len(text.words(message)) < MIN_WORDS_TO_SWITCH:
            return None
        values = self._lingua().compute_language_confidence_values(message[:1000])
        runner_up = values[1].value if len(values) > 1 else 0.0
        if not values or values[0].value < MIN_CONFIDENCE_TO_SWITCH or values[0].value - runner_up < MIN_MARGIN_TO_SWITCH:
            return None
        return self._by_name[values[0].language]


def shows_frustration(message: str, path: Path = LANGUAGES_FILE) -> bool:
    """Whether a message contains a frustration phrase of any configured language."""
    folded = " " + " ".join(text.words(message)) + " "
    for spec in configured_languages(path).values():
        for phrase in spec.get("frustration", []):
            if " " + " ".join(text.words(phrase)) + " " in folded:
                return True
    return False
