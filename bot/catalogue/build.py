"""Build the SQLite catalogue database from the sources, atomically."""
from __future__ import annotations

import json
import sqlite3
import time
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils
from sqlite_utils.db import Table

from bot.catalogue import sources, text
from bot.catalogue.atomic import replacing
from bot.catalogue.matcher import ProductMatcher, TrainingMessage, matcher_fingerprint
from bot.catalogue.model import Product, slug
from bot.catalogue.sources import Catalogue

SCHEMA_VERSION = 1


def _search_document(product: Product, catalogue: Catalogue) -> dict:
    """Stemmed words of a product, stemmed per language and also as Dutch: citizens mix languages
    ("paspoort" in an English sentence) and the query side does the same."""
    def analysed(phrases: list[tuple[str, str]]) -> str:
        terms: list[str] = []
        for phrase, language in phrases:
            terms += text.stems(phrase, language)
            if language != text.BASE_LANGUAGE:
                terms += text.stems(phrase, text.BASE_LANGUAGE)
        return " ".join(terms)

    names = [(product.id, text.BASE_LANGUAGE)]
    phrases = [(p, lang) for lang, items in product.synonyms.items() for p in items]
    texts = [(value, lang) for lang, fields in product.texts.items() for key, value in fields.items()
             if key == "summary" and isinstance(value, str)]
    if product.sdg_area:
        texts.append((product.sdg_area, text.BASE_LANGUAGE))
    return {"product_id": product.id, "names": analysed(names), "phrases": analysed(phrases), "texts": analysed(texts)}


def _table(db: sqlite_utils.Database, name: str) -> Table:
    """`db[name]` is typed as a table or a view: the catalogue database has tables only."""
    table = db[name]
    if not isinstance(table, Table):
        raise TypeError(f"{name} in {db} is a view, not a table")
    return table


def _create_tables(db: sqlite_utils.Database) -> None:
    """Explicit schema: an empty source (no synonyms yet) must still give every table."""
    _table(db, "products").create({
        "id": str, "slug": str, "uri": str, "in_upl": bool, "layers": str, "audience": str, "kinds": str,
        "sdg_code": str, "sdg_area": str, "offered_by_municipality": bool, "theme": str, "handled_by": str,
        "channels": str, "url": str, "processing_time": str, "costs": str,
    }, pk="id")
    _table(db, "texts").create({"product_id": str, "language": str, "field": str, "value": str},
                               pk=("product_id", "language", "field"), foreign_keys=[("product_id", "products", "id")])
    _table(db, "synonyms").create({"product_id": str, "language": str, "phrase": str},
                                  foreign_keys=[("product_id", "products", "id")])
    _table(db, "synonyms").create_index(["product_id"])
    _table(db, "organisations").create({"key": str, "name": str, "url": str}, pk="key")
    _table(db, "themes").create({"key": str, "name": str}, pk="key")
    _table(db, "settings").create({"key": str, "value": str}, pk="key")
    _table(db, "search").create({"product_id": str, "names": str, "phrases": str, "texts": str}, pk="product_id")
    _table(db, "examples").create({"product_id": str, "language": str, "text": str})
    _table(db, "examples").create_index(["product_id"])
    _table(db, "matcher").create({"id": int, "model": bytes, "examples": int, "seconds": float, "fingerprint": str,
                                  "updates": int}, pk="id")


def training_messages(catalogue: Catalogue) -> list[TrainingMessage]:
    """What the matcher learns from: every example, and every product's name and synonyms (the
    catalogue's own words are citizens' words too)."""
    messages = [TrainingMessage(e.text, e.language, e.product_id) for e in catalogue.examples]
    for product in catalogue.products.values():
        if not product.offered_by_municipality:
            continue
        messages.append(TrainingMessage(product.id, text.BASE_LANGUAGE, product.id))
        messages += [TrainingMessage(phrase, language, product.id)
                     for language, phrases in product.synonyms.items() for phrase in phrases]
    return messages


def _write_matcher(db: sqlite_utils.Database, catalogue: Catalogue, report, previous: Path | None,
                   update: bool) -> None:
    """Train the matcher, unless the database being replaced holds one trained on exactly the
    same messages (an edit of a product's texts, the most common edit, does not retrain). With
    `update`, a change to a few products refits only those (ProductMatcher.updated)."""
    started = time.perf_counter()
    messages = training_messages(catalogue)
    if len({m.product_id for m in messages}) < 2:
        return          # nothing to tell apart: the lexical search alone answers
    fingerprint = matcher_fingerprint(messages)
    stored = _previous_matcher(previous) if previous else None
    model, how, updates = None, "trained", 0
    if stored is not None and stored.fingerprint == fingerprint:
        model, how, updates = stored.model, "unchanged, kept", stored.matcher.updates
    elif stored is not None and update:
        matcher = stored.matcher.updated(messages)
        if matcher is not None:
            model, how, updates = matcher.to_bytes(), f"updated (update {matcher.updates})", matcher.updates
    if model is None:
        model = ProductMatcher.train(messages).to_bytes()
    elapsed = time.perf_counter() - started
    _table(db, "matcher").insert({"id": 1, "model": model, "examples": len(messages), "seconds": round(elapsed, 2),
                                  "fingerprint": fingerprint, "updates": updates})
    report(f"[catalogue] product matcher {how} ({len(messages)} messages) in {elapsed:.1f} s")


@dataclass(frozen=True)
class _StoredMatcher:
    model: bytes
    matcher: ProductMatcher
    fingerprint: str


def _previous_matcher(database: Path) -> _StoredMatcher | None:
    """The stored matcher and its fingerprint, when `database` holds one of this format."""
    if not database.exists():
        return None
    try:
        with sqlite3.connect(f"file:{database}?mode=ro", uri=True) as connection:
            row = connection.execute("select model, fingerprint from matcher where id = 1").fetchone()
    except sqlite3.Error:            # an older database without the column, or none at all
        return None
    if row is None:
        return None
    try:
        matcher = ProductMatcher.from_bytes(row[0])
    except Exception:                # pickled by older code: train anew
        return None
    return _StoredMatcher(row[0], matcher, row[1]) if getattr(matcher, "fingerprints", None) is not None else None


def write_database(catalogue: Catalogue, path: Path, report=print, previous: Path | None = None,
                   update: bool = False) -> None:
    """Write the catalogue database at `path`; `previous` is the database it will replace, whose
    matcher is kept when it was trained on the same messages (and updated, with `update`, when
    a few products changed)."""
    db = sqlite_utils.Database(path)
    _create_tables(db)
    url_pattern = catalogue.municipality.get("product_url_pattern")
    _table(db, "products").insert_all((
        {
            "id": p.id, "slug": slug(p.id), "uri": p.uri, "in_upl": p.in_upl,
            "layers": p.layers, "audience": p.audience, "kinds": p.kinds,
            "sdg_code": p.sdg_code, "sdg_area": p.sdg_area,
            "offered_by_municipality": p.offered_by_municipality,
            "theme": p.theme, "handled_by": p.handled_by, "channels": p.channels,
            "url": p.url or (url_pattern.format(slug=slug(p.id))
                             if url_pattern and p.offered_by_municipality else None),
            "processing_time": p.processing_time, "costs": p.costs,
        } for p in catalogue.products.values()))
    _table(db, "texts").insert_all((
        {"product_id": p.id, "language": lang, "field": name, "value": json.dumps(value, ensure_ascii=False)}
        for p in catalogue.products.values() for lang, fields in p.texts.items() for name, value in fields.items()))
    _table(db, "synonyms").insert_all((
        {"product_id": p.id, "language": lang, "phrase": phrase}
        for p in catalogue.products.values() for lang, items in p.synonyms.items() for phrase in items))
    _table(db, "organisations").insert_all(
        ({"key": key, "name": value.get("name", {}), "url": value.get("url")}
         for key, value in catalogue.organisations.items()))
    _table(db, "themes").insert_all(({"key": key, "name": value} for key, value in catalogue.themes.items()))
    _table(db, "settings").insert_all([
        {"key": "municipality", "value": json.dumps(catalogue.municipality, ensure_ascii=False)},
        {"key": "languages", "value": json.dumps(catalogue.languages)},
        {"key": "most_asked", "value": json.dumps(catalogue.most_asked, ensure_ascii=False)},
        {"key": "schema_version", "value": json.dumps(SCHEMA_VERSION)},
        {"key": "built_at", "value": json.dumps(datetime.now(timezone.utc).isoformat(timespec="seconds"))},
    ])
    _table(db, "search").insert_all((_search_document(p, catalogue) for p in catalogue.products.values()))
    db["search"].enable_fts(["names", "phrases", "texts"], tokenize="unicode61", create_triggers=False)
    _table(db, "examples").insert_all(({"product_id": e.product_id, "language": e.language, "text": e.text}
                               for e in catalogue.examples))
    _write_matcher(db, catalogue, report, previous, update)
    db.vacuum()
    db.close()


def build(knowledge_dir: Path, database: Path, report=print, update: bool = False) -> dict:
    """Validate the sources and write `database` anew. On any error the old database stays.
    `update` (an editor's publish) refits only the matcher's changed products; the command line
    build trains it in full."""
    started = time.perf_counter()
    catalogue = sources.load(Path(knowledge_dir))
    report(f"[catalogue] sources valid: {len(catalogue.products)} products")
    with replacing(Path(database), suffix=".db") as temporary:
        temporary.unlink()   # sqlite-utils creates it
        write_database(catalogue, temporary, report, previous=Path(database), update=update)
    elapsed = time.perf_counter() - started
    stats = {
        "products": len(catalogue.products),
        "with_texts": sum(1 for p in catalogue.products.values() if p.texts),
        "seconds": round(elapsed, 2),
    }
    report(f"[catalogue] built {database} in {elapsed:.1f} s")
    return stats
