"""Latency of resolve() on the real catalogue and on a synthetic one `scale` times larger.

python -m bot.evaluation.resolve_speed [--scale 10] [--queries 2000]
"""
from __future__ import annotations

import random
import statistics
import string
import tempfile
import time
from pathlib import Path

from bot.catalogue import paths, sources
from bot.catalogue.build import write_database
from bot.catalogue.model import Product
from bot.catalogue.repository import CatalogueRepository
from bot.evaluation.heldout import TEST, load_cases


def _queries(count: int, rng: random.Random) -> list[tuple[str, str]]:
    pool = [(case.text, case.language) for case in load_cases(TEST)]
    return [rng.choice(pool) for _ in range(count)]


def _pseudo_word(rng: random.Random) -> str:
    return "".join(rng.choice(string.ascii_lowercase) for _ in range(rng.randint(5, 11)))


def synthetic_catalogue(knowledge: Path, scale: int, rng: random.Random) -> sources.Catalogue:
    """The real catalogue plus (scale - 1) variants of every product with invented extra words,
    so the vocabulary and the index grow as they would with a larger catalogue."""
    catalogue = sources.load(knowledge)
    originals = list(catalogue.products.values())
    for copy in range(1, scale):
        for product in originals:
            extra = _pseudo_word(rng)
            variant = Product(**{**product.__dict__, "id": f"{product.id} {extra} {copy}"})
            variant.synonyms = {lang: [f"{p} {_pseudo_word(rng)}" for p in phrases]
                                for lang, phrases in product.synonyms.items()}
            catalogue.products[variant.id] = variant
    return catalogue


def _measure(database: Path, queries: list[tuple[str, str]]) -> dict:
    repository = CatalogueRepository(database)
    repository.resolve("paspoort", "nl")          # the first call loads the in-memory index
    timings = []
    for text, language in queries:
        started = time.perf_counter()
        repository.resolve(text, language)
        timings.append((time.perf_counter() - started) * 1000)
    timings.sort()
    return {
        "products": len(repository.product_ids()),
        "p50": statistics.median(timings),
        "p95": timings[int(len(timings) * 0.95) - 1],
        "max": timings[-1],
    }


def run_benchmark(database: Path, knowledge: Path, scale: int = 10, queries: int = 2000) -> int:
    rng = random.Random(2026)
    sample = _queries(queries, rng)
    print(f"[benchmark] {queries} resolve() calls on held-out phrasings per catalogue")
    rows = [("catalogue", _measure(database, sample))]
    with tempfile.TemporaryDirectory() as scratch:
        started = time.perf_counter()
        synthetic = Path(scratch) / "synthetic.db"
        write_database(synthetic_catalogue(knowledge, scale, rng), synthetic)
        print(f"[benchmark] built synthetic catalogue ({scale}x) in {time.perf_counter() - started:.1f} s")
        rows.append((f"synthetic {scale}x", _measure(synthetic, sample)))
    print("\n| catalogue | products | p50 ms | p95 ms | max ms |\n|---|---|---|---|---|")
    for name, r in rows:
        print(f"| {name} | {r['products']} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} |")
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", type=int, default=10, help="size of the synthetic catalogue, as a multiple")
    parser.add_argument("--queries", type=int, default=2000)
    args = parser.parse_args(argv)
    return run_benchmark(paths.database_path(), paths.knowledge_dir(), scale=args.scale, queries=args.queries)


if __name__ == "__main__":
    raise SystemExit(main())
