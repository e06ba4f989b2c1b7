"""Reading and validating the catalogue sources in knowledge/."""
from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue import examples
from bot.catalogue.errors import CatalogueError, SourceProblem
from bot.catalogue.model import (
    AUDIENCES,
    CHANNELS,
    KINDS,
    LAYERS,
    LIST_TEXT_FIELDS,
    TEXT_FIELDS,
    Product,
    slug,
)
from bot.catalogue.yamlfile import LocatedYaml

UPL_COLUMNS = ("id", "uri", "layers", "audience", "kinds", "sdg_code", "sdg_area")
PRODUCT_KEYS = {"id", "theme", "handled_by", "channels", "texts", "synonyms", "examples", "local"}


@dataclass
class Catalogue:
    products: dict[str, Product]
    municipality: dict
    organisations: dict
    themes: dict
    languages: list[str] = field(default_factory=list)
    # Every example of every product file, with where it was written (for cross-file checks).
    examples: list[examples.Example] = field(default_factory=list)
    most_asked: list[str] = field(default_factory=list)


def _split(value: str) -> list[str]:
    return [v for v in (value or "").split(";") if v]


def read_upl(path: Path, display: str) -> dict[str, Product]:
    problems: list[SourceProblem] = []
    products: dict[str, Product] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = [c for c in UPL_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise CatalogueError([SourceProblem(display, 1, missing[0], "column missing")])
        for row in reader:
            line = reader.line_num
            product = Product(
                id=row["id"], uri=row["uri"] or None, layers=_split(row["layers"]),
                audience=_split(row["audience"]), kinds=_split(row["kinds"]),
                sdg_code=row["sdg_code"] or None, sdg_area=row["sdg_area"] or None,
            )
            for column, allowed in (("layers", LAYERS), ("audience", AUDIENCES), ("kinds", KINDS)):
                for value in getattr(product, column):
                    if value not in allowed:
                        problems.append(SourceProblem(display, line, column, f"unknown value '{value}'"))
            if not product.id:
                problems.append(SourceProblem(display, line, "id", "empty"))
            elif product.id in products:
                problems.append(SourceProblem(display, line, "id", f"duplicate product '{product.id}'"))
            products[product.id] = product
    if problems:
        raise CatalogueError(problems)
    return products


def _check_text_block(doc: LocatedYaml, block, path: tuple, languages: list[str], problems: list) -> None:
    if not isinstance(block, dict):
        problems.append(doc.problem("must be a mapping of language to fields", *path))
        return
    for language, fields in block.items():
        if language not in languages:
            problems.append(doc.problem(f"language '{language}' is not configured ({', '.join(languages)})",
                                        *path, language))
            continue
        if not isinstance(fields, dict):
            problems.append(doc.problem("must be a mapping of field to text", *path, language))
            continue
        for name, value in fields.items():
            where = (*path, language, name)
            if name not in TEXT_FIELDS:
                problems.append(doc.problem(f"unknown field (allowed: {', '.join(TEXT_FIELDS)})", *where))
            elif name in LIST_TEXT_FIELDS:
                if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
                    problems.append(doc.problem("must be a list of texts", *where))
            elif not isinstance(value, str) or not value.strip():
                problems.append(doc.problem("must be a non-empty text", *where))


def read_product_file(doc: LocatedYaml, catalogue: Catalogue, problems: list[SourceProblem]) -> None:
    data = doc.data
    if not isinstance(data, dict):
        problems.append(doc.problem("a product file must be a mapping"))
        return
    for key in data:
        if key not in PRODUCT_KEYS:
            problems.append(doc.problem(f"unknown key (allowed: {', '.join(sorted(PRODUCT_KEYS))})", key))
    product_id = data.get("id")
    if not isinstance(product_id, str) or not product_id.strip():
        problems.append(doc.problem("missing or empty", "id"))
        return
    if doc.path.stem != slug(product_id):
        problems.append(doc.problem(f"file name must be '{slug(product_id)}.yml' for this id", "id"))
    local = bool(data.get("local", False))
    product = catalogue.products.get(product_id)
    if product is None:
        if not local:
            problems.append(doc.problem(f"'{product_id}' is not a UPL product name "
                                        "(set 'local: true' for a product of the municipality's own)", "id"))
            return
        product = catalogue.products[product_id] = Product(id=product_id, in_upl=False, layers=["Gemeente"])
    elif product.texts:
        problems.append(doc.problem(f"product '{product_id}' is described in two files", "id"))
        return

    theme = data.get("theme")
    if theme is not None and theme not in catalogue.themes:
        problems.append(doc.problem(f"unknown theme '{theme}' (see themes.yml)", "theme"))
    handled_by = data.get("handled_by")
    if handled_by is not None and handled_by not in catalogue.organisations:
        problems.append(doc.problem(f"unknown organisation '{handled_by}' (see organisations.yml)", "handled_by"))
    channels = data.get("channels") or []
    if not isinstance(channels, list):
        problems.append(doc.problem("must be a list", "channels"))
        channels = []
    for index, channel in enumerate(channels):
        if channel not in CHANNELS:
            problems.append(doc.problem(f"unknown channel '{channel}' (allowed: {', '.join(CHANNELS)})",
                                        "channels", index))

    texts = data.get("texts") or {}
    _check_text_block(doc, texts, ("texts",), catalogue.languages, problems)
    if not (isinstance(texts, dict) and isinstance(texts.get("nl"), dict) and texts["nl"].get("summary")):
        problems.append(doc.problem("a Dutch summary (texts.nl.summary) is required", "texts"))

    synonyms = data.get("synonyms") or {}
    if not isinstance(synonyms, dict):
        problems.append(doc.problem("must be a mapping of language to a list of phrases", "synonyms"))
        synonyms = {}
    for language, phrases in synonyms.items():
        if language not in catalogue.languages:
            problems.append(doc.problem(f"language '{language}' is not configured", "synonyms", language))
        elif not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
            problems.append(doc.problem("must be a list of phrases", "synonyms", language))

    located = examples.read_examples(doc, product_id, catalogue.languages, problems)
    catalogue.examples.extend(located)
    product.examples = examples.by_language(located)
    product.theme, product.handled_by, product.channels = theme, handled_by, list(channels)
    product.texts = texts if isinstance(texts, dict) else {}
    product.synonyms = {lang: [str(p) for p in phrases]
                        for lang, phrases in synonyms.items() if isinstance(phrases, list)}


def _read_municipal_values(doc: LocatedYaml, catalogue: Catalogue, problems: list[SourceProblem]) -> None:
    values = doc.data.get("products") or {}
    for product_id, entry in values.items():
        where = ("products", product_id)
        product = catalogue.products.get(product_id)
        if product is None:
            problems.append(doc.problem(f"unknown product '{product_id}'", *where))
            continue
        if not isinstance(entry, dict):
            problems.append(doc.problem("must be a mapping", *where))
            continue
        url = entry.get("url")
        if url is not None and not (isinstance(url, str) and url.startswith(("https://", "http://"))):
            problems.append(doc.problem("must be an http(s) link", *where, "url"))
        time = entry.get("processing_time")
        amount = next(iter(time.values())) if isinstance(time, dict) and time else None
        if time is not None and not (
            isinstance(time, dict) and len(time) == 1 and (
                (set(time) <= {"days", "weeks"} and isinstance(amount, int) and amount > 0)
                or time == {"immediate": True})):
            problems.append(doc.problem("must be {days: N}, {weeks: N} or {immediate: true}",
                                        *where, "processing_time"))
        costs = entry.get("costs")
        if costs is not None:
            if not isinstance(costs, list) or not costs:
                problems.append(doc.problem("must be a non-empty list", *where, "costs"))
                costs = None
            else:
                for index, cost in enumerate(costs):
                    amount = cost.get("eur") if isinstance(cost, dict) else None
                    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
                        problems.append(doc.problem("needs 'eur', an amount of 0 or more", *where, "costs", index))
                    label = cost.get("label") if isinstance(cost, dict) else None
                    if label is not None and not isinstance(label, dict):
                        problems.append(doc.problem("must be a mapping of language to text",
                                                    *where, "costs", index, "label"))
        product.url, product.processing_time, product.costs = url, time, costs


# Messages about no service: the matcher learns to answer them with no product.
NOT_PRODUCTS_FILE = "not-products.yml"
MOST_ASKED_FILE = "most-asked.yml"
REQUIRED_MUNICIPALITY_KEYS = ("name", "languages", "phone", "website", "address", "opening_hours")


def load(knowledge_dir: Path) -> Catalogue:
    """Read and check every source; raise CatalogueError listing all problems found."""
    knowledge_dir = Path(knowledge_dir)

    def display(path: Path) -> str:
        try:
            return str(path.relative_to(knowledge_dir.parent))
        except ValueError:
            return str(path)

    municipality_doc = LocatedYaml(knowledge_dir / "municipality.yml", display(knowledge_dir / "municipality.yml"))
    problems: list[SourceProblem] = []
    municipality = municipality_doc.data or {}
    for key in REQUIRED_MUNICIPALITY_KEYS:
        if key not in municipality:
            problems.append(municipality_doc.problem("missing", key))
    if problems:
        raise CatalogueError(problems)

    organisations = LocatedYaml(knowledge_dir / "organisations.yml", display(knowledge_dir / "organisations.yml")).data
    themes = LocatedYaml(knowledge_dir / "themes.yml", display(knowledge_dir / "themes.yml")).data
    catalogue = Catalogue(
        products=read_upl(knowledge_dir / "upl.csv", display(knowledge_dir / "upl.csv")),
        municipality={k: v for k, v in municipality.items() if k != "products"},
        organisations=organisations, themes=themes, languages=list(municipality["languages"]),
    )
    for path in sorted((knowledge_dir / "products").glob("*.yml")):
        try:
            read_product_file(LocatedYaml(path, display(path)), catalogue, problems)
        except CatalogueError as error:
            problems.extend(error.problems)
    _read_municipal_values(municipality_doc, catalogue, problems)
    most_asked = knowledge_dir / MOST_ASKED_FILE
    if most_asked.exists():
        doc = LocatedYaml(most_asked, display(most_asked))
        if not isinstance(doc.data, list):
            problems.append(doc.problem("must be a list of product ids"))
        else:
            for index, product_id in enumerate(doc.data):
                if product_id not in catalogue.products:
                    problems.append(doc.problem(f"unknown product '{product_id}'", index))
            catalogue.most_asked = [str(p) for p in doc.data]
    not_products = knowledge_dir / NOT_PRODUCTS_FILE
    if not_products.exists():
        doc = LocatedYaml(not_products, display(not_products))
        catalogue.examples.extend(examples.read_examples(doc, examples.NO_PRODUCT, catalogue.languages, problems))
    problems.extend(examples.shared_examples(catalogue.examples))
    if problems:
        raise CatalogueError(problems)
    return catalogue
