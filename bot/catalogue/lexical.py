"""The lexical search: products whose name or synonyms share the citizen's words.

It finds a product when the citizen uses the catalogue's own words, including with typos
(fuzzy matching against the catalogue's vocabulary) and in compounds it can split. It needs no
examples, so it also finds products an editor has just added.
"""
from __future__ import annotations

import json
import math
import sqlite3
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.catalogue import text

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


@dataclass
class _Phrase:
    stems: frozenset[str]
    language: str
    is_name: bool


class SearchIndex:
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




def lexical_scores(index: SearchIndex, connection: sqlite3.Connection, query: str, language: str) -> dict[str, float]:
    """Products sharing words with `query`, scored 0..1 (phrase coverage, then bm25)."""
    words = index.known_words(text.content_words(query[:1000], language))
    stems = {text.stem(w, language) for w in words} | {text.stem(w, text.BASE_LANGUAGE) for w in words}
    if not stems:
        return {}
    fts_query = " OR ".join('"' + s.replace('"', "") + '"' for s in sorted(stems))
    rows = connection.execute(
        "select product_id, bm25(search_fts, ?, ?, ?) as rank from search_fts "
        "join search on search.rowid = search_fts.rowid where search_fts match ? "
        "order by rank limit ?", (*COLUMN_WEIGHTS, fts_query, CANDIDATES)).fetchall()
    if not rows:
        return {}
    best_rank = rows[0][1] or -1.0
    scores = {}
    for product_id, rank in rows:
        relevance = rank / best_rank if best_rank else 0.0
        phrase = index.phrase_score(product_id, stems, language)
        score = 0.8 * phrase + 0.2 * relevance if phrase else 0.3 * relevance
        if product_id in index.full_content:
            score = min(1.0, score + FULL_CONTENT_BONUS * score)
        scores[product_id] = round(score, 4)
    return scores
