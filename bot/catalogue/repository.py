"""CatalogueRepository: the one place that reads the catalogue database.

Actions, NLU components, consoles and tools ask this class; none of them writes SQL. It opens
the database lazily and reopens it when a new build has been swapped in, so that a published
change is live within one request and without restarting or retraining anything.
"""
from __future__ import annotations

import json
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from bot.catalogue import text
from bot.catalogue.lexical import SearchIndex, lexical_scores
from bot.catalogue.matcher import ProductMatcher, blend
from bot.catalogue.model import FULL_CONTENT_FIELDS

# How many candidates each method hands to the blend.
CANDIDATES = 30
# A word this common in English or French (Zipf scale) is a word of that language too.
COMMON_ELSEWHERE_ZIPF = 3.0

@dataclass(frozen=True)
class Match:
    product_id: str
    score: float


@dataclass(frozen=True)
class Candidates:
    lexical: dict[str, float]                    # product -> lexical score
    learned: dict[str, tuple[float, float]]      # product -> (probability, nearest example)
    no_product: float                            # probability that no product is meant
    learnt: bool                                 # a matcher was trained


@dataclass
class ProductView:
    """A product as the assistant presents it in one language."""
    id: str
    language: str
    texts: dict[str, str | list[str]]
    missing_in_language: bool          # texts fell back to Dutch
    url: str | None
    costs: list[dict] | None
    processing_time: dict | None
    channels: list[str]
    theme: str | None
    handled_by: str | None
    organisation: dict | None
    offered_by_municipality: bool
    layers: list[str]
    audience: list[str]
    kinds: list[str]
    sdg_area: str | None
    synonyms: dict[str, list[str]] = field(default_factory=dict)


class CatalogueRepository:
    def __init__(self, database: str | os.PathLike, learnt: bool = True):
        """`learnt=False` searches with the lexical search alone: the assistant as it was before
        the matcher, kept for comparison in the evaluation."""
        self.path = Path(database)
        self.learnt = learnt
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._index: tuple[SearchIndex, ProductMatcher | None] | None = None
        self._identity: tuple | None = None

    # ── connection management ──────────────────────────────────────────────────────────────
    def _db(self) -> sqlite3.Connection:
        try:
            status = os.stat(self.path)
        except FileNotFoundError:
            raise FileNotFoundError(f"catalogue database {self.path} not found: run 'make catalogue'") from None
        identity = (status.st_ino, status.st_mtime_ns, status.st_size)
        with self._lock:
            if identity != self._identity or self._connection is None:
                if self._connection is not None:
                    self._connection.close()
                self._connection = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
                self._index = None
                self._identity = identity
            return self._connection

    def _search_index(self) -> tuple[SearchIndex, ProductMatcher | None]:
        connection = self._db()
        if self._index is None:
            row = connection.execute("select model from matcher where id = 1").fetchone() \
                if connection.execute("select 1 from sqlite_master where name = 'matcher'").fetchone() else None
            self._index = (SearchIndex(connection), ProductMatcher.from_bytes(row[0]) if row and self.learnt else None)
        return self._index

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # ── search ─────────────────────────────────────────────────────────────────────────────
    def resolve(self, query: str, language: str = text.BASE_LANGUAGE, limit: int = 5) -> list[Match]:
        """Products that `query` (a citizen's words) may be about, best first, scores in 0..1:
        the lexical search and the learnt matcher, blended (bot.catalogue.matcher.blend)."""
        found = self.candidates(query, language)
        matches = [Match(product_id, round(blend(found.lexical.get(product_id, 0.0),
                                                 *found.learned.get(product_id, (0.0, 0.0)),
                                                 no_product=found.no_product, learnt=found.learnt), 4))
                   for product_id in set(found.lexical) | set(found.learned)]
        matches = [m for m in matches if m.score > 0]
        matches.sort(key=lambda m: (-m.score, m.product_id))
        return matches[:limit]

    def candidates(self, query: str, language: str, **matcher_options) -> Candidates:
        """What each method finds for `query`, before the blend (resolve() blends them; the
        tuning tool tries other blends)."""
        index, matcher = self._search_index()
        query = query[:1000]
        lexical = lexical_scores(index, self._db(), query, language)
        learned, no_product = matcher.score(query, language, CANDIDATES, **matcher_options) if matcher else ([], 0.0)
        return Candidates(lexical, {p: (probability, nearest) for p, probability, nearest in learned},
                          no_product, matcher is not None)

    # ── products ───────────────────────────────────────────────────────────────────────────
    def exists(self, product_id: str) -> bool:
        return self._db().execute("select 1 from products where id = ?", (product_id,)).fetchone() is not None

    def product(self, product_id: str, language: str = text.BASE_LANGUAGE) -> ProductView | None:
        db = self._db()
        row = db.execute(
            "select id, url, costs, processing_time, channels, theme, handled_by, offered_by_municipality, "
            "layers, audience, kinds, sdg_area from products where id = ?", (product_id,)).fetchone()
        if row is None:
            return None
        texts_by_language: dict[str, dict] = {}
        for lang, name, value in db.execute(
                "select language, field, value from texts where product_id = ?", (product_id,)):
            texts_by_language.setdefault(lang, {})[name] = json.loads(value)
        synonyms: dict[str, list[str]] = {}
        for lang, phrase in db.execute("select language, phrase from synonyms where product_id = ?", (product_id,)):
            synonyms.setdefault(lang, []).append(phrase)
        own = texts_by_language.get(language)
        texts = own or texts_by_language.get(text.BASE_LANGUAGE, {})
        handled_by = row[6]
        return ProductView(
            id=row[0], language=language if own else text.BASE_LANGUAGE, texts=texts,
            missing_in_language=not own and language != text.BASE_LANGUAGE and bool(texts),
            url=row[1], costs=_json(row[2]), processing_time=_json(row[3]), channels=_json(row[4]) or [],
            theme=row[5], handled_by=handled_by,
            organisation=self.organisation(handled_by) if handled_by else None,
            offered_by_municipality=bool(row[7]), layers=_json(row[8]) or [], audience=_json(row[9]) or [],
            kinds=_json(row[10]) or [], sdg_area=row[11], synonyms=synonyms,
        )

    def organisation(self, key: str) -> dict | None:
        row = self._db().execute("select key, name, url from organisations where key = ?", (key,)).fetchone()
        return {"key": row[0], "name": _json(row[1]), "url": row[2]} if row else None

    def theme_name(self, key: str, language: str) -> str | None:
        row = self._db().execute("select name from themes where key = ?", (key,)).fetchone()
        names = _json(row[0]) if row else None
        return (names or {}).get(language) or (names or {}).get(text.BASE_LANGUAGE)

    def setting(self, key: str):
        row = self._db().execute("select value from settings where key = ?", (key,)).fetchone()
        return _json(row[0]) if row else None

    def municipality(self) -> dict:
        return self.setting("municipality") or {}

    def most_asked(self) -> list[str]:
        return self.setting("most_asked") or []

    def examples(self, product_id: str) -> dict[str, list[str]]:
        result: dict[str, list[str]] = {}
        for language, message in self._db().execute(
                "select language, text from examples where product_id = ? order by rowid", (product_id,)):
            result.setdefault(language, []).append(message)
        return result

    def languages(self) -> list[str]:
        return self.setting("languages") or [text.BASE_LANGUAGE]

    # ── editors' reports ───────────────────────────────────────────────────────────────────
    def missing_content(self, language: str, full: bool = False) -> list[str]:
        """Municipal products without a summary in `language` (or, with `full`, without every
        answer field)."""
        fields = FULL_CONTENT_FIELDS if full else ("summary",)
        placeholders = ",".join("?" * len(fields))
        return [r[0] for r in self._db().execute(
            f"select id from products where offered_by_municipality and "
            f"(select count(*) from texts where product_id = products.id and language = ? "
            f"and field in ({placeholders})) < ? order by id", (language, *fields, len(fields)))]

    def statistics(self) -> dict:
        db = self._db()
        one = lambda sql, *args: db.execute(sql, args).fetchone()[0]  # noqa: E731
        stats = {
            "products": one("select count(*) from products"),
            "offered_by_municipality": one("select count(*) from products where offered_by_municipality"),
            "local_products": one("select count(*) from products where not in_upl"),
            "with_municipal_values": one("select count(*) from products"
                                         " where costs is not null or processing_time is not null"),
            "synonyms": one("select count(*) from synonyms"),
            "built_at": self.setting("built_at"),
        }
        for language in self.languages():
            stats[f"summary_{language}"] = one(
                "select count(distinct product_id) from texts where language = ? and field = 'summary'", language)
            stats[f"synonyms_{language}"] = one("select count(*) from synonyms where language = ?", language)
        stats["by_layer"] = {layer: one("select count(*) from products where layers like ?", f'%"{layer}"%')
                             for layer in ("Rijk", "Provincie", "Waterschap", "Gemeente")}
        return stats

    def all_synonyms(self) -> list[str]:
        return [r[0] for r in self._db().execute("select phrase from synonyms")]

    def service_words(self) -> set[str]:
        """Words of the municipal products' names and Dutch synonyms that are not also common
        English or French words: Dutch service names ("grofvuil", "huurtoeslag")."""
        from wordfreq import zipf_frequency
        words: set[str] = set()
        for (phrase,) in self._db().execute(
                "select id from products where offered_by_municipality "
                "union all select phrase from synonyms where language = ?", (text.BASE_LANGUAGE,)):
            words.update(text.words(phrase))
        return {w for w in words if max(zipf_frequency(w, "en"), zipf_frequency(w, "fr")) < COMMON_ELSEWHERE_ZIPF}

    def product_ids(self) -> list[str]:
        return [r[0] for r in self._db().execute("select id from products order by id")]


def _json(value):
    return json.loads(value) if value is not None else None
