"""The blind held-out set (evaluation/heldout/) is never used for training: no message in it is
also a training example of the NLU (data/nlu/), an example or synonym of a product, or a
message about no product (knowledge/), compared in lower case without punctuation and with
entity annotations removed. It is as large and as spread as the evaluation promises."""
import re
from collections import Counter

import yaml

from bot.evaluation.heldout import DEV, TEST, load_cases
from tests.conftest import PROJECT

ANNOTATION = re.compile(r"\[([^\]]*)\]\([^)]*\)|\[([^\]]*)\]\{[^}]*\}")


def normal(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def nlu_examples() -> set[str]:
    examples = set()
    for path in (PROJECT / "data" / "nlu").rglob("*.yml"):
        for item in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            for line in (item.get("examples") or "").splitlines():
                line = line.strip()
                if line.startswith("- "):
                    examples.add(normal(ANNOTATION.sub(lambda m: m.group(1) or m.group(2), line[2:])))
    return examples


def catalogue_examples() -> set[str]:
    from bot.catalogue import sources
    catalogue = sources.load(PROJECT / "knowledge")
    phrases = {normal(e.text) for e in catalogue.examples}
    phrases |= {normal(p) for product in catalogue.products.values() for items in product.synonyms.values() for p in items}
    return phrases | {normal(product_id) for product_id in catalogue.products}


def test_no_held_out_message_is_a_training_example():
    training = nlu_examples() | catalogue_examples()
    assert len(training) > 10_000
    for path in (TEST, DEV):
        leaked = [case.text for case in load_cases(path) if normal(case.text) in training]
        assert leaked == [], f"{path.name}: {len(leaked)} held-out messages are training examples: {leaked[:10]}"


def test_the_test_split_is_as_large_and_spread_as_promised():
    cases = load_cases(TEST)
    products = [c for c in cases if not c.negative]
    by_language = Counter(c.language for c in products)
    assert len(cases) >= 1000
    assert by_language["nl"] >= 600 and by_language["en"] >= 200 and by_language["fr"] >= 200
    assert sum(c.variant == "vl" for c in products) >= 100
    assert sum(c.negative for c in cases) >= 150
    assert {c.kind for c in cases if c.negative} == {"chitchat", "out_of_scope", "gibberish", "markup"}
    assert not {normal(c.text) for c in cases} & {normal(c.text) for c in load_cases(DEV)}


def test_the_comparison_sees_through_case_punctuation_and_annotations():
    assert normal("Heel erg bedankt!") == normal("heel erg bedankt")
    assert ANNOTATION.sub(lambda m: m.group(1) or m.group(2), "mijn [paspoort](product) kwijt") == "mijn paspoort kwijt"
