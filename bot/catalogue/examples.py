"""Citizens' example messages in product files: read, and refused when they would teach the
matcher badly.

Examples are what the product matcher learns from, so a repeated example weighs twice, a
near-duplicate ("paspoort kwijt" / "pasport kwijt") adds nothing but weight, and one example
under two products teaches both that it is theirs. Each is refused with file, line and field.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Iterable

from rapidfuzz import fuzz

from bot.catalogue import text
from bot.catalogue.errors import SourceProblem

# Two examples of one product this similar (rapidfuzz ratio of their words) are the same
# message with a typo or one word more.
NEAR_DUPLICATE_RATIO = 94
MAX_LENGTH = 300
# The product id of messages about no service (knowledge/not-products.yml).
NO_PRODUCT = ""


@dataclass(frozen=True)
class Example:
    product_id: str
    language: str
    text: str
    file: str
    line: int | None
    field: str

    @cached_property
    def words(self) -> str:
        # Cached: the near-duplicate check compares every pair of a product's examples.
        return " ".join(text.words(self.text))

    @property
    def content_key(self) -> str:
        """The example's content words in order of the alphabet: word order and stop words aside,
        two examples with the same key say the same."""
        return " ".join(sorted(set(text.content_words(self.text, self.language))))

    def problem(self, message: str) -> SourceProblem:
        return SourceProblem(self.file, self.line, self.field, message)


def read_examples(doc, product_id: str, languages: list[str], problems: list[SourceProblem]) -> list[Example]:
    """The `examples` block of a product file (language -> list of messages), checked one by one
    and against each other."""
    block = doc.data.get("examples") or {}
    if not isinstance(block, dict):
        problems.append(doc.problem("must be a mapping of language to a list of messages", "examples"))
        return []
    result: list[Example] = []
    for language, messages in block.items():
        if language not in languages:
            problems.append(doc.problem(f"language '{language}' is not configured", "examples", language))
            continue
        if not isinstance(messages, list):
            problems.append(doc.problem("must be a list of messages", "examples", language))
            continue
        for index, message in enumerate(messages):
            where = ("examples", language, index)
            if not isinstance(message, str) or not message.strip():
                problems.append(doc.problem("must be a non-empty text", *where))
                continue
            if len(message) > MAX_LENGTH:
                problems.append(doc.problem(f"longer than {MAX_LENGTH} characters", *where))
                continue
            example = Example(product_id, language, message.strip(), doc.name, doc.line_of(*where),
                              ".".join(str(p) for p in where))
            if not example.words:
                problems.append(example.problem("has no words"))
                continue
            result.append(example)
    problems.extend(_repeated_within(result))
    return result


def _repeated_within(items: list[Example]) -> Iterable[SourceProblem]:
    kept: list[Example] = []
    for example in items:
        twin = next((k for k in kept if k.language == example.language and _near(k, example)), None)
        if twin is None:
            kept.append(example)
        elif twin.words == example.words:
            yield example.problem(f"duplicate of line {twin.line}")
        else:
            yield example.problem(f"near-duplicate of line {twin.line} ('{twin.text}')")


def _near(one: Example, other: Example) -> bool:
    """The same message, give or take a typo or a short word. ("wat kost een X" and "hoe lang
    duurt een X" are different questions: both stay.)"""
    return one.words == other.words or fuzz.ratio(one.words, other.words) >= NEAR_DUPLICATE_RATIO


def shared_examples(items: Iterable[Example]) -> list[SourceProblem]:
    """Examples that say the same under two products: each names the other's file and line."""
    first: dict[str, Example] = {}
    problems = []
    for example in items:
        key = example.content_key or example.words
        other = first.setdefault(key, example)
        if other.product_id != example.product_id:
            owner = f"'{other.product_id}'" if other.product_id != NO_PRODUCT else "no product"
            problems.append(example.problem(
                f"also an example of {owner} ({other.file}:{other.line}): an example belongs to one product"))
    return problems


def by_language(items: list[Example]) -> dict[str, list[str]]:
    result: dict[str, list[str]] = {}
    for example in items:
        result.setdefault(example.language, []).append(example.text)
    return result
