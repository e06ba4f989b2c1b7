"""Grouping citizens' questions that say the same thing in other words.

Each question is normalised (bot.catalogue.text: lower case, accents folded, stop words dropped,
and the placeholders of redacted personal data left out); questions with the same normalised
words are one group at once, and a group joins the first larger (or, among equals, more specific)
group whose words are similar enough. Similarity is the mean of rapidfuzz's token_set_ratio (word
order and repeated words do not matter, typos count a little) and token_sort_ratio (so that one
common word, e.g. "bel", does not swallow every question containing it). Texts are redacted
before they get here.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field

from rapidfuzz import fuzz, process

from bot.catalogue import text

SIMILARITY = 75          # similarity (0-100) from which two questions are one group
PLACEHOLDER = re.compile(r"\[(?:IBAN|EMAIL|PHONE|BSN|POSTCODE|ADDRESS)\]")
MAX_EXAMPLES = 5


@dataclass(frozen=True)
class Question:
    text: str            # redacted
    language: str
    week: str
    source: str          # "fallback" (not understood) or "thumbs_down"
    product: str | None = None   # the product the conversation was about (thumbs down)


@dataclass
class Group:
    key: str                                   # normalised words of the first (largest) member
    questions: list[Question] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.questions)

    @property
    def representative(self) -> str:
        """The wording that stands for the group: of its most frequent words, the most frequent
        text; among equals one without redacted personal data, then the shortest."""
        keys = Counter(normalise(q.text, q.language) for q in self.questions)
        texts = Counter(q.text.strip() for q in self.questions)
        candidates = {q.text.strip(): normalise(q.text, q.language) for q in self.questions}
        return min(candidates, key=lambda t: (-keys[candidates[t]], -texts[t], bool(PLACEHOLDER.search(t)), len(t), t))

    @property
    def language(self) -> str:
        counts = Counter(q.language for q in self.questions)
        return min(counts, key=lambda lang: (-counts[lang], lang))

    @property
    def languages(self) -> list[str]:
        return sorted({q.language for q in self.questions})

    @property
    def weeks(self) -> list[str]:
        return sorted({q.week for q in self.questions})

    @property
    def sources(self) -> dict[str, int]:
        return dict(Counter(q.source for q in self.questions))

    @property
    def examples(self) -> list[str]:
        counts = Counter(q.text.strip() for q in self.questions)
        return [t for t, _ in counts.most_common(MAX_EXAMPLES)]

    @property
    def products(self) -> list[str]:
        return [p for p, _ in Counter(q.product for q in self.questions if q.product).most_common()]


def normalise(message: str, language: str) -> str:
    message = PLACEHOLDER.sub(" ", message)
    words = text.content_words(message, language) or text.words(message)
    return " ".join(words)


def similarity(a: str, b: str, **_) -> float:
    return (fuzz.token_set_ratio(a, b) + fuzz.token_sort_ratio(a, b)) / 2


def group_questions(questions: list[Question], threshold: int = SIMILARITY) -> list[Group]:
    """Groups, largest first (then alphabetically by their words)."""
    exact: dict[str, list[Question]] = {}
    for question in questions:
        exact.setdefault(normalise(question.text, question.language), []).append(question)
    groups: list[Group] = []
    keys: list[str] = []          # the groups' keys, for rapidfuzz's batch comparison
    for key in sorted(exact, key=lambda k: (-len(exact[k]), -len(k.split()), k)):
        best: Group | None = None
        best_score: float = threshold
        if key:
            # A mean of at least `threshold` needs token_sort_ratio >= 2 * threshold - 100.
            for choice, sort_score, index in process.extract(key, keys, scorer=fuzz.token_sort_ratio, limit=None,
                                                             score_cutoff=2 * threshold - 100):
                score = (fuzz.token_set_ratio(key, choice) + sort_score) / 2
                if choice and (score > best_score or (score == best_score and best is None)):
                    best, best_score = groups[index], score
        if best is not None:
            best.questions.extend(exact[key])
        else:
            groups.append(Group(key, list(exact[key])))
            keys.append(key)
    groups.sort(key=lambda g: (-g.count, g.key))
    return groups
