"""The product matcher: learns from citizens' example messages which product a message means.

The lexical search (bot.catalogue.lexical) finds a product when the citizen uses the catalogue's
own words. Citizens often do not: they name an object ("oude matras"), a situation ("mijn moeder
is overleden") or a word of their own ("containerpark"). The matcher learns those from the
examples in the product files, with two views of a message:
- character n-grams of the folded text, which survive typos and compounds ("pasport",
  "paspoortaanvraag");
- word stems in the message's language and in Dutch, which carry meaning across word order.
Two models share these features: a linear classifier (one weight vector per product), and the
nearest example messages (cosine similarity), which keeps a rare but exact phrasing from being
outvoted. A class "no product" is learnt from messages that are about no service (greetings,
small talk, nonsense), so that they score low everywhere.

It is trained when the catalogue is built (no Rasa retraining) and stored in the catalogue
database, so an editor's publish makes new examples live at once. A full training takes about
half a minute for a thousand products; an editor's publish changes one product, so it updates
the matcher instead (`ProductMatcher.updated`, seconds): only the changed products' weights are
fitted again, on every message. The other products keep theirs and the vocabulary stays; after
MAX_UPDATES updates, or a change to many products, the build trains in full again.
"""
from __future__ import annotations

import io
import math
import os
import pickle
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from bot.catalogue import text
from bot.catalogue.examples import NO_PRODUCT

# Word stems shorter than this carry little meaning across languages.
MIN_STEM_LENGTH = 2
# The linear model's scores are turned into probabilities with this temperature (softmax),
# fitted on the development split (bot.evaluation.tuning); a larger value spreads them.
TEMPERATURE = 0.2
# Weights below this are dropped after training: the weight matrix stays sparse, so memory and
# time grow with the examples, not with products x vocabulary.
PRUNE_BELOW = 0.02
NEIGHBOURS = 10
# The stored matcher's layout: raise it when ProductMatcher or _Features change, so that a build
# never keeps a matcher pickled by older code.
FORMAT = 2
# An update refits only the changed products; the others' weights slowly go stale (they did not
# see the new messages as counter-examples), so after this many updates, or when more products
# than this changed at once, the build trains in full.
MAX_UPDATES = 25
MAX_UPDATED_PRODUCTS = 20
# An update also refits, for every message of a changed product, the products that score it
# highest: they must learn that it is no longer theirs.
RIVALS = 3
# Character n-gram sizes of the folded words.
CHARACTER_GRAMS = (3, 4, 5)
# The linear model's regularisation (LinearSVC's C), chosen on the development split (0.3 to 2 tried).
REGULARISATION = 1.0
CLASSES_PER_FIT = 600
OTHERS = "\x00others"


def _fit_one_against_all(matrix, labels: np.ndarray, chunk: list[str], regularisation: float):
    """Weights (features x chunk, sparse) and intercepts of `chunk`'s products, each against
    every other message."""
    from sklearn.svm import LinearSVC
    wanted = set(chunk)
    targets = np.array([label if label in wanted else OTHERS for label in labels])
    model = LinearSVC(C=regularisation, max_iter=3000)
    model.fit(matrix, targets)
    fitted = [str(c) for c in model.classes_]
    coefficients = model.coef_ if len(fitted) > 2 else np.vstack([-model.coef_, model.coef_])
    intercept = model.intercept_ if len(fitted) > 2 else np.array([-model.intercept_[0], model.intercept_[0]])
    rows = [fitted.index(product) for product in chunk]
    kept = coefficients[rows]
    kept[np.abs(kept) < PRUNE_BELOW] = 0.0
    return sparse.csr_matrix(kept.T.astype(np.float32)), intercept[rows].astype(np.float32)


def _fit_columns(matrix, labels: np.ndarray, products: list[str], regularisation: float):
    """Weights (features x products, sparse, in the order of `products`) and intercepts, each
    product against every other message. A part of the products at a time: the same weights as
    one fit, fitted on every core, without a dense products x features matrix in memory for a
    large catalogue."""
    cores = os.cpu_count() or 1
    parts = min(len(products), max(cores, math.ceil(len(products) / CLASSES_PER_FIT)))
    chunks = [products[i::parts] for i in range(parts) if products[i::parts]]
    with ThreadPoolExecutor(max_workers=cores) as pool:   # liblinear releases the GIL
        fitted = list(pool.map(lambda chunk: _fit_one_against_all(matrix, labels, chunk, regularisation), chunks))
    order = [product for chunk in chunks for product in chunk]
    position = {product: i for i, product in enumerate(order)}
    permutation = [position[product] for product in products]
    weights = sparse.hstack([w for w, _ in fitted]).tocsc()[:, permutation].tocsr()
    intercepts = np.concatenate([i for _, i in fitted])[permutation]
    return weights, intercepts


@dataclass(frozen=True)
class TrainingMessage:
    text: str
    language: str
    product_id: str          # NO_PRODUCT for a message about no service


def analyse_words(message: str, language: str) -> list[str]:
    """Word features: stems in the message's language and in Dutch (citizens mix them)."""
    words = text.content_words(message, language)
    features = {"w:" + text.stem(w, language) for w in words}
    if language != text.BASE_LANGUAGE:
        features |= {"w:" + text.stem(w, text.BASE_LANGUAGE) for w in words}
    return [f for f in features if len(f) > MIN_STEM_LENGTH + 1]


def analyse_characters(message: str) -> list[str]:
    """Character 3- to 5-grams of each folded word, padded with spaces (like char_wb)."""
    grams: list[str] = []
    for word in text.words(message):
        padded = f" {word} "
        for size in CHARACTER_GRAMS:
            grams.extend(padded[i:i + size] for i in range(len(padded) - size + 1))
    return grams


def _settings_digest():
    import hashlib
    return hashlib.sha256(repr((FORMAT, REGULARISATION, CHARACTER_GRAMS, PRUNE_BELOW, MIN_STEM_LENGTH)).encode())


def matcher_fingerprint(messages: list[TrainingMessage]) -> str:
    """What a trained matcher depends on: its messages and its settings."""
    digest = _settings_digest()
    for message in sorted(messages, key=lambda m: (m.product_id, m.language, m.text)):
        digest.update(f"{message.product_id}\x1f{message.language}\x1f{message.text}\x1e".encode())
    return digest.hexdigest()


def product_fingerprints(messages: list[TrainingMessage]) -> dict[str, str]:
    """The fingerprint of each product's own messages: tells an update which products changed."""
    by_product: dict[str, list[TrainingMessage]] = {}
    for message in messages:
        by_product.setdefault(message.product_id, []).append(message)
    return {product: matcher_fingerprint(own) for product, own in by_product.items()}


class _Features:
    """TF-IDF of both views, fitted on the training messages, L2-normalised together."""

    def __init__(self, messages: list[TrainingMessage]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        self.words = TfidfVectorizer(analyzer=lambda pair: analyse_words(*pair), sublinear_tf=True, min_df=1)
        self.characters = TfidfVectorizer(analyzer=analyse_characters, sublinear_tf=True, min_df=2)
        self.words.fit([(m.text, m.language) for m in messages])
        self.characters.fit([m.text for m in messages])

    def transform(self, pairs: list[tuple[str, str]]) -> sparse.csr_matrix:
        from sklearn.preprocessing import normalize
        words = self.words.transform(pairs)
        characters = self.characters.transform([message for message, _ in pairs])
        return normalize(sparse.hstack([words, characters]).tocsr())

    # The analysers are module functions bound by lambdas: pickle them by name instead.
    def __getstate__(self):
        state = self.__dict__.copy()
        state["words"] = _vectorizer_state(self.words)
        state["characters"] = _vectorizer_state(self.characters)
        return state

    def __setstate__(self, state):
        state["words"] = _restore_vectorizer(state["words"], lambda pair: analyse_words(*pair))
        state["characters"] = _restore_vectorizer(state["characters"], analyse_characters)
        self.__dict__.update(state)


def _vectorizer_state(vectorizer) -> dict:
    return {"vocabulary": vectorizer.vocabulary_, "idf": vectorizer.idf_,
            "sublinear_tf": vectorizer.sublinear_tf}


def _restore_vectorizer(state: dict, analyzer):
    from sklearn.feature_extraction.text import TfidfVectorizer
    vectorizer = TfidfVectorizer(analyzer=analyzer, sublinear_tf=state["sublinear_tf"])
    vectorizer.vocabulary_ = state["vocabulary"]
    vectorizer.idf_ = state["idf"]
    return vectorizer


class ProductMatcher:
    """Scores of products for one message: a calibrated probability per product (linear model)
    and the similarity of the nearest example of each product."""

    def __init__(self, features: _Features, classes: list[str], weights: sparse.csr_matrix,
                 intercepts: np.ndarray, examples: sparse.csr_matrix, example_classes: np.ndarray,
                 fingerprints: dict[str, str], updates: int = 0):
        self.features = features
        self.classes = classes
        self.weights = weights              # features x classes, sparse
        self.intercepts = intercepts
        self.examples = examples            # examples x features, transposed for one product
        self.example_classes = example_classes
        self.fingerprints = fingerprints    # product -> fingerprint of its messages
        self.updates = updates              # updates since the last full training

    @classmethod
    def train(cls, messages: list[TrainingMessage], regularisation: float = REGULARISATION) -> "ProductMatcher":
        features = _Features(messages)
        matrix = features.transform([(m.text, m.language) for m in messages])
        labels = np.array([m.product_id for m in messages])
        classes = sorted(set(labels.tolist()))
        weights, intercepts = _fit_columns(matrix, labels, classes, regularisation)
        return cls._assemble(features, classes, weights, intercepts, matrix, messages, updates=0)

    def updated(self, messages: list[TrainingMessage],
                regularisation: float = REGULARISATION) -> "ProductMatcher | None":
        """This matcher with the products whose messages changed fitted again (on all messages,
        with the vocabulary it has), or None when a full training is due."""
        fingerprints = product_fingerprints(messages)
        touched = {p for p, f in fingerprints.items() if self.fingerprints.get(p) != f}
        touched |= set(self.fingerprints) - set(fingerprints)      # removed products
        if self.updates >= MAX_UPDATES or len(touched) > MAX_UPDATED_PRODUCTS:
            return None
        matrix = self.features.transform([(m.text, m.language) for m in messages])
        labels = np.array([m.product_id for m in messages])
        classes = sorted(fingerprints)
        # The changed products' messages are counter-examples of the products that score them
        # highest now: those are fitted again too, or a new example would keep its old winner.
        touched |= self._rivals(matrix[np.isin(labels, sorted(touched))])
        refit = sorted(touched & set(classes))
        if len(classes) < 2 or not refit:
            return None
        refit_weights, refit_intercepts = _fit_columns(matrix, labels, refit, regularisation)
        refit_at = {c: i for i, c in enumerate(refit)}
        kept_at = {c: i for i, c in enumerate(self.classes)}
        kept_weights = self.weights.tocsc()
        columns, intercepts = [], []
        for product in classes:
            if product in refit_at:
                columns.append(refit_weights[:, refit_at[product]])
                intercepts.append(refit_intercepts[refit_at[product]])
            else:
                columns.append(kept_weights[:, kept_at[product]])
                intercepts.append(self.intercepts[kept_at[product]])
        return self._assemble(self.features, classes, sparse.hstack(columns).tocsr(),
                              np.array(intercepts, dtype=np.float32), matrix, messages, updates=self.updates + 1)

    def _rivals(self, matrix: sparse.csr_matrix) -> set[str]:
        """The products among the RIVALS best-scored for any of these messages."""
        if matrix.shape[0] == 0:
            return set()
        margins = (matrix @ self.weights).toarray() + self.intercepts
        count = min(RIVALS, margins.shape[1])
        best = np.argpartition(-margins, count - 1, axis=1)[:, :count]
        return {self.classes[i] for i in np.unique(best)}

    @classmethod
    def _assemble(cls, features, classes, weights, intercepts, matrix, messages, updates: int) -> "ProductMatcher":
        index = {c: i for i, c in enumerate(classes)}
        example_classes = np.array([index[m.product_id] for m in messages], dtype=np.int32)
        return cls(features, classes, weights, intercepts, sparse.csr_matrix(matrix.T.astype(np.float32)),
                   example_classes, product_fingerprints(messages), updates)

    def score(self, message: str, language: str, limit: int = 10,
              temperature: float = TEMPERATURE) -> tuple[list[tuple[str, float, float]], float]:
        """(product, probability, nearest-example similarity) of the best products, best first,
        and the probability that the message is about no product at all."""
        vector = self.features.transform([(message, language)])
        if vector.nnz == 0:
            return [], 1.0
        # One query: only the rows of its features take part (much faster than a sparse product).
        rows, values = vector.indices, vector.data
        margins = np.asarray(self.weights[rows].T @ values).ravel() + self.intercepts
        exponent = np.exp((margins - margins.max()) / temperature)
        probabilities = exponent / exponent.sum()
        similarities = np.asarray(self.examples[rows].T @ values).ravel()
        nearest = np.zeros(len(self.classes), dtype=np.float32)
        count = min(NEIGHBOURS, len(similarities))
        for position in np.argpartition(-similarities, count - 1)[:count]:
            klass = self.example_classes[position]
            nearest[klass] = max(nearest[klass], similarities[position])
        no_product = self.classes.index(NO_PRODUCT) if NO_PRODUCT in self.classes else -1
        if no_product >= 0:
            nearest[no_product] = -1.0
            probabilities_of_products = probabilities.copy()
            probabilities_of_products[no_product] = -1.0
        else:
            probabilities_of_products = probabilities
        order = np.argsort(-(probabilities_of_products + nearest))[:limit]
        ranked = [(self.classes[i], float(probabilities[i]), float(nearest[i])) for i in order if i != no_product]
        return ranked, float(probabilities[no_product]) if no_product >= 0 else 0.0

    def to_bytes(self) -> bytes:
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @staticmethod
    def from_bytes(data: bytes) -> "ProductMatcher":
        # Only ever the catalogue build's own output, read from the catalogue database.
        return pickle.loads(data)  # noqa: S301


# The blend of the three scores, fitted on the development split (bot.evaluation.tuning).
LEXICAL_WEIGHT = 0.2
PROBABILITY_WEIGHT = 0.5
NEAREST_WEIGHT = 0.3


def blend(lexical: float, probability: float, nearest: float, no_product: float = 0.0, learnt: bool = True) -> float:
    """One score in 0..1 for a product: the lexical search's, the linear model's probability and
    the nearest example's similarity, lowered by the probability that no product is meant.
    Without a trained matcher (no examples at all) the lexical score is the score."""
    if not learnt:
        return lexical
    score = LEXICAL_WEIGHT * lexical + PROBABILITY_WEIGHT * probability + NEAREST_WEIGHT * nearest
    return max(0.0, min(1.0, score * (1.0 - no_product)))
