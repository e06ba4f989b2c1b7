"""The blind held-out set of citizen messages (evaluation/heldout/): loading and checking it.

Written by people who saw only the product names, before the matcher was tuned; never used for
training. `dev.yml` is for tuning thresholds, `test.yml` for the figures. Each message has its
language, the product(s) it means (or none: a negative, with its kind) and its question type.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from bot.answers import QUESTION_TYPES
from bot.catalogue.errors import CatalogueError
from bot.catalogue.yamlfile import LocatedYaml
from bot.settings import PROJECT_DIR

HELD_OUT_DIR = PROJECT_DIR / "evaluation" / "heldout"
TEST = HELD_OUT_DIR / "test.yml"
DEV = HELD_OUT_DIR / "dev.yml"
NEGATIVE_KINDS = ("chitchat", "out_of_scope", "gibberish", "markup")
FLEMISH = "vl"


@dataclass(frozen=True)
class Case:
    text: str
    language: str
    products: tuple[str, ...]      # acceptable products; empty for a negative
    question: str | None           # question type of a product message
    kind: str | None               # kind of a negative
    variant: str | None            # "vl": Flemish Dutch
    line: int | None

    @property
    def negative(self) -> bool:
        return not self.products

    def groups(self, most_asked: set[str] | frozenset = frozenset()) -> list[str]:
        """The rows of the report this case counts in."""
        if self.negative:
            return ["negatives", f"negatives {self.language}"]
        groups = [self.language, "all"]
        if self.variant == FLEMISH:
            groups.append("nl (Flemish)")
        if most_asked:
            groups.append("most-asked" if set(self.products) & most_asked else "less-asked")
        return groups


def load_cases(path: Path, product_ids: set[str] | None = None) -> list[Case]:
    """The cases of one file; refuses the file with file, line and field of each problem (an
    unknown product id, a missing language, an unknown question type)."""
    shown = str(Path(path).relative_to(PROJECT_DIR)) if Path(path).is_relative_to(PROJECT_DIR) else str(path)
    doc = LocatedYaml(Path(path), shown)
    problems, cases = [], []
    for index, item in enumerate(doc.data or []):
        products = item.get("product") or []
        products = [products] if isinstance(products, str) else products
        for position, product in enumerate(products):
            if product_ids is not None and product not in product_ids:
                problems.append(doc.problem(f"unknown product '{product}'", index, "product", position))
        if item.get("language") not in ("nl", "en", "fr"):
            problems.append(doc.problem("must be nl, en or fr", index, "language"))
        if products and item.get("question") not in QUESTION_TYPES:
            problems.append(doc.problem(f"must be one of {', '.join(QUESTION_TYPES)}", index, "question"))
        if not products and item.get("kind") not in NEGATIVE_KINDS:
            problems.append(doc.problem(f"must be one of {', '.join(NEGATIVE_KINDS)}", index, "kind"))
        cases.append(Case(str(item.get("text", "")), item.get("language"), tuple(products), item.get("question"),
                          item.get("kind"), item.get("variant"), doc.line_of(index)))
    if problems:
        raise CatalogueError(problems)
    return cases
