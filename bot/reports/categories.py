"""The categories of reports about public space, and the classifier that finds one in a description.

The tree is the municipality's (knowledge/reports/categories.yml), Signalen's main and sub
categories by default, so a report passed on to Signalen names its category with the same slug.
The classifier is the product matcher's kind (bot.catalogue.matcher: character and word n-grams,
a linear model and the nearest examples), trained on the example descriptions per sub category
and language in knowledge/reports/examples/<main slug>.yml. It trains in about a second, so it is
trained when first needed and again when an example file changes: an editor's edit is live
without any build step.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue.errors import CatalogueError, SourceProblem
from bot.catalogue.matcher import ProductMatcher, TrainingMessage
from bot.catalogue.yamlfile import LocatedYaml

CATEGORIES_FILE = Path("reports") / "categories.yml"
EXAMPLES_DIR = Path("reports") / "examples"


@dataclass(frozen=True)
class Category:
    slug: str
    main: str                      # the slug of its main category
    names: dict[str, str]          # language -> name shown to citizens


@dataclass(frozen=True)
class CategoryTree:
    mains: dict[str, dict[str, str]]             # main slug -> names per language
    categories: dict[str, Category]              # sub slug -> sub category
    examples: list[TrainingMessage] = field(default_factory=list)

    def name(self, slug: str, language: str) -> str:
        names = self.categories[slug].names
        return names.get(language) or names["nl"]


@dataclass(frozen=True)
class Guess:
    category: str
    score: float                   # the classifier's probability, 0..1


def _names(doc: LocatedYaml, value, path: tuple, languages: list[str], problems: list[SourceProblem]) -> dict:
    if not isinstance(value, dict):
        problems.append(doc.problem("must be a mapping of language to name", *path))
        return {}
    for language in languages:
        if not isinstance(value.get(language), str) or not value[language].strip():
            problems.append(doc.problem(f"needs a name in '{language}'", *path, language))
    return {k: v.strip() for k, v in value.items() if isinstance(v, str)}


def load(knowledge_dir: Path, languages: list[str]) -> CategoryTree:
    """The tree and its examples, checked; CatalogueError names file, line and field of every problem."""
    problems: list[SourceProblem] = []
    doc = LocatedYaml(knowledge_dir / CATEGORIES_FILE, str(CATEGORIES_FILE))
    mains: dict[str, dict[str, str]] = {}
    categories: dict[str, Category] = {}
    if not isinstance(doc.data, dict) or not doc.data:
        raise CatalogueError([doc.problem("must be a mapping of main categories")])
    for main, block in doc.data.items():
        if not isinstance(block, dict) or not isinstance(block.get("sub"), dict) or not block["sub"]:
            problems.append(doc.problem("needs 'name' and 'sub' (its sub categories)", main))
            continue
        mains[main] = _names(doc, block.get("name"), (main, "name"), languages, problems)
        for slug, names in block["sub"].items():
            if slug in categories:
                problems.append(doc.problem(f"sub category '{slug}' is named twice", main, "sub", slug))
                continue
            categories[slug] = Category(slug, main, _names(doc, names, (main, "sub", slug), languages, problems))
    examples = _read_examples(knowledge_dir, mains, categories, languages, problems)
    if problems:
        raise CatalogueError(problems)
    return CategoryTree(mains, categories, examples)


def _read_examples(knowledge_dir: Path, mains: dict, categories: dict[str, Category], languages: list[str],
                   problems: list[SourceProblem]) -> list[TrainingMessage]:
    examples: list[TrainingMessage] = []
    seen: dict[str, str] = {}
    for path in sorted((knowledge_dir / EXAMPLES_DIR).glob("*.yml")):
        doc = LocatedYaml(path, str(path.relative_to(knowledge_dir)))
        if path.stem not in mains:
            problems.append(doc.problem(f"'{path.stem}' is not a main category of {CATEGORIES_FILE}"))
            continue
        for slug, block in (doc.data or {}).items():
            if slug not in categories or categories[slug].main != path.stem:
                problems.append(doc.problem(f"'{slug}' is not a sub category of '{path.stem}'", slug))
                continue
            for language, texts in (block or {}).items():
                if language not in languages:
                    problems.append(doc.problem(f"language '{language}' is not configured", slug, language))
                    continue
                for index, text in enumerate(texts if isinstance(texts, list) else [texts]):
                    where = (slug, language, index)
                    if not isinstance(text, str) or not text.strip():
                        problems.append(doc.problem("must be a non-empty text", *where))
                        continue
                    key = " ".join(text.lower().split())
                    if key in seen:
                        problems.append(doc.problem(f"also an example of '{seen[key]}'", *where))
                        continue
                    seen[key] = slug
                    examples.append(TrainingMessage(text.strip(), language, slug))
    return examples


class CategoryClassifier:
    """The sub categories that best fit a description, trained on the tree's examples."""

    def __init__(self, tree: CategoryTree):
        self.tree = tree
        self.matcher = ProductMatcher.train(tree.examples)

    def guesses(self, description: str, language: str, limit: int = 3) -> list[Guess]:
        ranked, _ = self.matcher.score(description, language, limit=limit)
        return [Guess(category, probability) for category, probability, _ in ranked]


class LiveClassifier:
    """A classifier that follows its files: trained on first use, and again when the tree or an
    example file changed (compared by modification time), so an editor's edit is live."""

    def __init__(self, knowledge_dir: Path, languages: list[str]):
        self.knowledge_dir = knowledge_dir
        self.languages = languages
        self._lock = threading.Lock()
        self._stamp: tuple | None = None
        self._classifier: CategoryClassifier | None = None

    def _files_stamp(self) -> tuple:
        files = [self.knowledge_dir / CATEGORIES_FILE, *sorted((self.knowledge_dir / EXAMPLES_DIR).glob("*.yml"))]
        return tuple((str(f), f.stat().st_mtime_ns) for f in files if f.exists())

    def current(self) -> CategoryClassifier:
        with self._lock:
            stamp = self._files_stamp()
            if self._classifier is None or stamp != self._stamp:
                self._classifier = CategoryClassifier(load(self.knowledge_dir, self.languages))
                self._stamp = stamp
            return self._classifier
