"""Merging imported product texts into knowledge/products/<slug>.yml, shared by the importers.

An importer turns its records into `ProductTexts` (one per product) and, only when every record
was valid, hands them to `merge_and_write`. That reads the existing product files, merges, checks
the result, and writes nothing at all if any product cannot be merged; otherwise it writes every
changed file atomically. Files whose content would not change are not rewritten, so importing the
same file twice leaves every file byte-for-byte as the first import left it.

Merge rules: for every language in the import, the fields the import has replace the same fields
of the file; every other field, language, the synonyms, theme, handled_by, channels and any other
key are kept as they are.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue import product_yaml
from bot.catalogue.atomic import write_text
from bot.catalogue.errors import CatalogueError, SourceProblem
from bot.catalogue.model import LIST_TEXT_FIELDS, TEXT_FIELDS, Product, slug
from bot.catalogue.sources import read_upl
from bot.catalogue.yamlfile import LocatedYaml


@dataclass
class Context:
    knowledge_dir: Path
    products: dict[str, Product]        # the UPL, by id
    languages: list[str]                # configured in municipality.yml
    by_uri: dict[str, str] = field(default_factory=dict)

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.knowledge_dir.parent))
        except ValueError:
            return str(path)


def normalise_uri(uri: str) -> str:
    uri = uri.strip().rstrip("/")
    return "http://" + uri[len("https://"):] if uri.startswith("https://") else uri


def load_context(knowledge_dir: Path) -> Context:
    knowledge_dir = Path(knowledge_dir)
    upl_path = knowledge_dir / "upl.csv"
    municipality_path = knowledge_dir / "municipality.yml"
    context = Context(knowledge_dir, {}, [])
    for path in (upl_path, municipality_path):
        if not path.exists():
            raise CatalogueError([SourceProblem(context.display(path), None, "(file)",
                                                "missing; is this a knowledge directory?")])
    context.products = read_upl(upl_path, context.display(upl_path))
    municipality = LocatedYaml(municipality_path, context.display(municipality_path))
    languages = (municipality.data or {}).get("languages") if isinstance(municipality.data, dict) else None
    if not isinstance(languages, list) or not languages or not all(isinstance(code, str) for code in languages):
        raise CatalogueError([municipality.problem("missing or not a list of language codes", "languages")])
    context.languages = list(languages)
    context.by_uri = {normalise_uri(p.uri): p.id for p in context.products.values() if p.uri}
    return context


def read_json(path: Path) -> object:
    """The parsed JSON of `path`, or CatalogueError naming the file (and line) when it is not JSON."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise CatalogueError([SourceProblem(str(path), None, "(file)", "file not found")]) from None
    except (OSError, UnicodeDecodeError) as error:
        raise CatalogueError([SourceProblem(str(path), None, "(file)", f"cannot read: {error}")]) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise CatalogueError([SourceProblem(
            str(path), error.lineno, "(syntax)",
            f"not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})",
        )]) from None


def type_name(value: object) -> str:
    return {dict: "an object", list: "a list", str: "a text", bool: "true/false", type(None): "null",
            int: "a number", float: "a number"}.get(type(value), type(value).__name__)


_TEST_SUFFIX = r"\s+-\s+(?:{})\s*$"


def strip_test_suffix(text: str, *tags: str) -> str:
    """'Akte van Belgische nationaliteit - nl' -> 'Akte van Belgische nationaliteit' (for the given tags)."""
    if not tags:
        return text
    return re.sub(_TEST_SUFFIX.format("|".join(re.escape(t) for t in tags)), "", text)


@dataclass
class ProductTexts:
    """What one import has for one product."""
    product_id: str
    source: str                                   # record(s) it came from, for messages
    texts: dict[str, dict[str, str | list[str]]]  # language -> field -> value (only non-empty)
    local: bool = False                           # a product of the municipality's own (not in the UPL)


@dataclass
class _Plan:
    product_id: str
    path: Path
    text: str | None       # None: unchanged
    created: bool


def _check_texts(update: ProductTexts) -> None:
    for language, fields in update.texts.items():
        for name, value in fields.items():
            assert name in TEXT_FIELDS, name
            if name in LIST_TEXT_FIELDS:
                assert isinstance(value, list) and value and all(isinstance(v, str) and v.strip() for v in value)
            else:
                assert isinstance(value, str) and value.strip()


def _merge(existing: dict | None, update: ProductTexts) -> dict:
    """`existing` with the texts of `update` merged in (a new mapping; `existing` is not changed)."""
    if existing is None:
        data: dict = {"id": update.product_id, **({"local": True} if update.local else {}), "texts": {}}
    else:
        data = {}
        for key, value in existing.items():
            if key == "synonyms" and "texts" not in existing:
                data["texts"] = {}                 # where the README puts it: before the synonyms
            data[key] = value
        data.setdefault("texts", {})
        if data["texts"] is None:
            data["texts"] = {}
        if update.local and not data.get("local"):
            data["local"] = True
    texts = dict(data["texts"])
    for language, fields in update.texts.items():
        block = dict(texts[language]) if isinstance(texts.get(language), dict) else {}
        for name in TEXT_FIELDS:                   # fields new to the file in the README's order
            if name in fields:
                block[name] = fields[name]
        texts[language] = block
    data["texts"] = texts
    return data


def written(path: Path, merged: dict) -> str:
    """The file's new text: the existing file with only what the import changed (its comments,
    order and quoting stay, as the editors' console keeps them), or a new file."""
    if not path.exists():
        return product_yaml.dump(merged)
    document = product_yaml.load(path.read_text(encoding="utf-8"))
    product_yaml.update_in_place(document, merged)
    return product_yaml.dump(document)


@dataclass
class ImportReport:
    """What an import of product texts did: products created, updated or unchanged, and what it
    skipped with the reason (one line each), which the CLI prints."""
    records: int
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)


def merge_and_write(updates: list[ProductTexts], context: Context, records: int) -> ImportReport:
    """Merge every update into its product file; write all or nothing. Returns the import report."""
    problems: list[SourceProblem] = []
    plans: list[_Plan] = []
    skipped: list[str] = []
    unconfigured: dict[str, list[str]] = {}
    products_dir = context.knowledge_dir / "products"
    for update in updates:
        _check_texts(update)
        for language in [lang for lang in update.texts if lang not in context.languages]:
            unconfigured.setdefault(language, []).append(update.product_id)
        update.texts = {lang: fields for lang, fields in update.texts.items() if fields and lang in context.languages}
        path = products_dir / f"{slug(update.product_id)}.yml"
        existing = None
        if path.exists():
            doc = LocatedYaml(path, context.display(path))   # raises CatalogueError on broken YAML
            existing = doc.data
            if existing is not None:
                problem = _cannot_merge(doc, update)
                if problem:
                    problems.append(problem)
                    continue
        merged = _merge(existing, update)
        summary = (merged["texts"].get("nl") or {}).get("summary")
        if not (isinstance(summary, str) and summary.strip()):
            languages = ", ".join(sorted(update.texts)) or "no"
            skipped.append(f"{update.product_id}: {update.source} has no Dutch text and the product has no "
                           f"Dutch summary yet; its {languages} text was not imported")
            continue
        if existing is not None and merged == existing:
            plans.append(_Plan(update.product_id, path, None, False))
        else:
            plans.append(_Plan(update.product_id, path, written(path, merged), existing is None))
    if problems:
        raise CatalogueError(problems)
    for language, ids in unconfigured.items():
        skipped.append(f"language '{language}' is not configured in municipality.yml: "
                       f"not imported for {', '.join(ids)}")
    for plan in plans:
        if plan.text is not None:
            write_text(plan.path, plan.text)
    return ImportReport(records=records,
                        created=[p.product_id for p in plans if p.created],
                        updated=[p.product_id for p in plans if p.text is not None and not p.created],
                        unchanged=[p.product_id for p in plans if p.text is None],
                        skipped=skipped)


def _cannot_merge(doc: LocatedYaml, update: ProductTexts) -> SourceProblem | None:
    """Why the existing file `doc` cannot take the texts of `update`, or None."""
    data = doc.data
    if not isinstance(data, dict):
        return doc.problem("a product file must be a mapping; cannot merge into it")
    if data.get("id") != update.product_id:
        return doc.problem(f"this file name belongs to '{update.product_id}' ({update.source}), "
                           f"but the file describes '{data.get('id')}'; cannot merge", "id")
    texts = data.get("texts")
    if texts is not None and not isinstance(texts, dict):
        return doc.problem("must be a mapping of language to fields; cannot merge into it", "texts")
    for language in update.texts:
        block = (texts or {}).get(language)
        if block is not None and not isinstance(block, dict):
            return doc.problem("must be a mapping of field to text; cannot merge into it", "texts", language)
    return None
