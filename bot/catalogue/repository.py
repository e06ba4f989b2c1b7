"""CatalogueRepository: the one place that reads the catalogue database.

Actions, NLU components, consoles and tools ask this class; none of them writes SQL. It opens
the database lazily and reopens it when a new build has been swapped in, so that a published
change is live within one request and without restarting or retraining anything.
"""
from __future__ import annotations

import json
import math
import os
import sqlite3
import threading
from dataclasses import dataclass, field
from pathlib import Path

from rapidfuzz import fuzz, process

from bot.catalogue import text
from bot.catalogue.model import FULL_CONTENT_FIELDS

# Words shorter than this are never "corrected": too many short words are one edit apart.
FUZZY_MIN_LENGTH = 4
FUZZY_CUTOFF = 80
CANDIDATES = 60
# A phrase made of words this rare (summed inverse document frequency) fully identifies a
# product; a phrase of only common words ("vergunning") counts for proportionally less.
SPECIFIC_WEIGHT = 4.5
# A product's own name is preferred over another product's synonym that says the same.
SYNONYM_FACTOR = 0.97
# Products with full municipal answers are the ones citizens ask about most: among otherwise
# similar matches they come first.
FULL_CONTENT_BONUS = 0.06
# Bm25 weights of the search columns: product name, citizens' phrases, descriptions.
COLUMN_WEIGHTS = (10.0, 6.0, 1.0)


@dataclass(frozen=True)
class Match:
    product_id: str
    score: float


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


@dataclass
class _Phrase:
    stems: frozenset[str]
    language: str
    is_name: bool


class _SearchIndex:
    """In-memory part of the search: phrases per product, word list for typos, word weights."""

    def __init__(self, connection: sqlite3.Connection):
        self.phrases: dict[str, list[_Phrase]] = {}
        vocabulary: set[str] = set()
        document_frequency: dict[str, int] = {}
        rows = connection.execute(
            "select id, ? as language, id as phrase, 1 from products "
            "union all select product_id, language, phrase, 0 from synonyms", (text.BASE_LANGUAGE,))
        for product_id, language, phrase, is_name in rows:
            stems = set(text.stems(phrase, language))
            if language != text.BASE_LANGUAGE:
                stems |= set(text.stems(phrase, text.BASE_LANGUAGE))
            if stems:
                self.phrases.setdefault(product_id, []).append(_Phrase(frozenset(stems), language, bool(is_name)))
            vocabulary.update(text.words(phrase))
        for product_id, value in connection.execute(
                "select product_id, value from texts where field = 'summary'"):
            vocabulary.update(text.words(json.loads(value)))
        self.full_content = {row[0] for row in connection.execute(
            "select distinct product_id from texts where field = 'how_to_apply'")}
        for phrases in self.phrases.values():
            for stem in set().union(*(p.stems for p in phrases)):
                document_frequency[stem] = document_frequency.get(stem, 0) + 1
        total = max(len(self.phrases), 1)
        self.weight = {s: math.log(1 + total / df) for s, df in document_frequency.items()}
        self.default_weight = math.log(1 + total)
        self.vocabulary = vocabulary
        # Typos rarely hit the first letter: looking only among words with the same first
        # letter keeps fuzzy matching fast as the catalogue grows.
        self.vocabulary_by_initial: dict[str, list[str]] = {}
        for word in sorted(vocabulary):
            self.vocabulary_by_initial.setdefault(word[0], []).append(word)

    def known_words(self, words: list[str]) -> list[str]:
        """Each word, plus how the catalogue knows it: its parts (compounds) or its nearest spelling.
        The word itself stays: a correct word the catalogue lacks must not become another word."""
        result: list[str] = []
        for word in words:
            if word in self.vocabulary or word.isdigit() or len(word) < FUZZY_MIN_LENGTH:
                result.append(word)
                continue
            result.append(word)
            parts = self._split_compound(word)
            if parts:
                result += parts
                continue
            nearest = process.extractOne(word, self.vocabulary_by_initial.get(word[0], ()),
                                         scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
            if nearest:
                result.append(nearest[0])
        return result

    def _split_compound(self, word: str) -> list[str] | None:
        for cut in range(len(word) - 3, 2, -1):
            head, tail = word[:cut], word[cut:]
            if head in self.vocabulary:
                for rest in (tail, tail[1:] if tail[0] in "se" else None):
                    if rest and len(rest) >= 3 and rest in self.vocabulary:
                        return [head, rest]
        return None

    def phrase_score(self, product_id: str, query: set[str], language: str) -> float:
        query_weight = sum(self.weight.get(s, self.default_weight) for s in query) or 1.0
        best = 0.0
        for phrase in self.phrases.get(product_id, ()):
            shared = phrase.stems & query
            if not shared:
                continue
            shared_weight = sum(self.weight.get(s, self.default_weight) for s in shared)
            phrase_weight = sum(self.weight.get(s, self.default_weight) for s in phrase.stems)
            covered = shared_weight / phrase_weight
            precision = shared_weight / query_weight
            specificity = min(1.0, phrase_weight / SPECIFIC_WEIGHT)
            score = covered * (0.7 + 0.3 * precision) * specificity
            if not phrase.is_name:
                score *= SYNONYM_FACTOR
            if phrase.language not in (language, text.BASE_LANGUAGE):
                score *= 0.95
            best = max(best, score)
        return best


class CatalogueRepository:
    def __init__(self, database: str | os.PathLike):
        self.path = Path(database)
        self._lock = threading.Lock()
        self._connection: sqlite3.Connection | None = None
        self._index: _SearchIndex | None = None
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

    def _search_index(self) -> _SearchIndex:
        connection = self._db()
        if self._index is None:
            self._index = _SearchIndex(connection)
        return self._index

    def close(self) -> None:
        if self._connection is not None:
            self._connection.close()
            self._connection = None

    # ── search ─────────────────────────────────────────────────────────────────────────────
    def resolve(self, query: str, language: str = text.BASE_LANGUAGE, limit: int = 5) -> list[Match]:
        """Products that `query` (a citizen's words) may be about, best first, scores in 0..1."""
        index = self._search_index()
        words = index.known_words(text.content_words(query[:1000], language))
        stems = {text.stem(w, language) for w in words} | {text.stem(w, text.BASE_LANGUAGE) for w in words}
        if not stems:
            return []
        fts_query = " OR ".join('"' + s.replace('"', "") + '"' for s in sorted(stems))
        rows = self._db().execute(
            "select product_id, bm25(search_fts, ?, ?, ?) as rank from search_fts "
            "join search on search.rowid = search_fts.rowid where search_fts match ? "
            "order by rank limit ?", (*COLUMN_WEIGHTS, fts_query, CANDIDATES)).fetchall()
        if not rows:
            return []
        best_rank = rows[0][1] or -1.0
        matches = []
        for product_id, rank in rows:
            relevance = rank / best_rank if best_rank else 0.0
            phrase = index.phrase_score(product_id, stems, language)
            score = 0.8 * phrase + 0.2 * relevance if phrase else 0.3 * relevance
            if product_id in index.full_content:
                score = min(1.0, score + FULL_CONTENT_BONUS * score)
            matches.append(Match(product_id, round(score, 4)))
        matches.sort(key=lambda m: (-m.score, m.product_id))
        return matches[:limit]

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
            "with_municipal_values": one("select count(*) from products where costs is not null or processing_time is not null"),
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

    def product_ids(self) -> list[str]:
        return [r[0] for r in self._db().execute("select id from products order by id")]


def _json(value):
    return json.loads(value) if value is not None else None
