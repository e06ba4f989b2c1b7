"""Signs of immediate danger in what a citizen reports (knowledge/reports/danger.yml).

A gas smell or an open manhole must not wait for a category, an address and a summary: the
assistant gives the emergency number and the municipality's phone number before anything else.
A sign is a few words that must all be in the message; a trailing * matches longer words. Kept as
words an editor can read and extend, not as a model: a missed danger costs more than a needless
warning, and every sign can be checked by eye.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.catalogue import text
from bot.catalogue.errors import CatalogueError
from bot.catalogue.yamlfile import LocatedYaml

DANGER_FILE = Path("reports") / "danger.yml"


@dataclass(frozen=True)
class Sign:
    words: tuple[str, ...]          # folded; a word ending in * is a prefix
    source: str                     # as written in the file

    def found_in(self, message_words: list[str]) -> bool:
        return all(any(w.startswith(part[:-1]) if part.endswith("*") else w == part for w in message_words)
                   for part in self.words)


class DangerSigns:
    def __init__(self, signs: list[Sign]):
        self.signs = signs

    @classmethod
    def load(cls, knowledge_dir: Path, languages: list[str]) -> "DangerSigns":
        doc = LocatedYaml(knowledge_dir / DANGER_FILE, str(DANGER_FILE))
        problems, signs = [], []
        for language, entries in (doc.data or {}).items():
            if language not in languages:
                problems.append(doc.problem(f"language '{language}' is not configured", language))
                continue
            for index, entry in enumerate(entries if isinstance(entries, list) else []):
                words = tuple(w + ("*" if part.endswith("*") else "")
                              for part in str(entry).split() for w in text.words(part))
                if not isinstance(entry, str) or not words:
                    problems.append(doc.problem("must be one or more words", language, index))
                    continue
                signs.append(Sign(words, entry))
        if problems:
            raise CatalogueError(problems)
        return cls(signs)

    def sign_in(self, message: str) -> Sign | None:
        """The first sign of danger in `message`, or None."""
        message_words = text.words(message)
        return next((sign for sign in self.signs if sign.found_in(message_words)), None)
