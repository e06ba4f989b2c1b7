"""The categories of reports about public space: the tree in knowledge/reports/, its checks, the
classifier trained on its examples, and the blind held-out set kept apart from them."""
import shutil
import time
from pathlib import Path

import pytest
import yaml

from bot.catalogue.errors import CatalogueError
from bot.reports.categories import CategoryClassifier, LiveClassifier, load
from tests.conftest import PROJECT

LANGUAGES = ["nl", "en", "fr"]
HELD_OUT = PROJECT / "evaluation" / "reports"


@pytest.fixture(scope="module")
def tree():
    return load(PROJECT / "knowledge", LANGUAGES)


@pytest.fixture(scope="module")
def classifier(tree):
    return CategoryClassifier(tree)


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    shutil.copytree(PROJECT / "knowledge" / "reports", tmp_path / "reports")
    return tmp_path


def test_the_default_tree_is_signalens_with_examples_for_every_category_and_language(tree):
    assert len(tree.mains) == 9 and len(tree.categories) == 77
    counts = {(e.product_id, e.language) for e in tree.examples}
    missing = [(slug, language) for slug in tree.categories for language in LANGUAGES if (slug, language) not in counts]
    assert missing == []
    assert tree.name("straatverlichting-openbare-klok", "nl").startswith("Straatverlichting")


def test_a_wrong_example_file_is_refused_with_file_line_and_field(knowledge_copy):
    path = knowledge_copy / "reports" / "examples" / "afval.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\n".join([
        "lantaarnpaal:",                                    # not a sub category of afval
        "  nl: [\"de lamp is uit\"]",
        "grofvuil:",
        "  xx: [\"hallo\"]",                                # a language that is not configured
        "  nl: [\"\", \"Zwerfafval\"]",                     # empty; and said before under veeg-zwerfvuil
    ]) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load(knowledge_copy, LANGUAGES)
    found = {(p.field, p.message.split(" (")[0]) for p in raised.value.problems}
    assert ("lantaarnpaal", "'lantaarnpaal' is not a sub category of 'afval'") in found
    assert ("grofvuil.xx", "language 'xx' is not configured") in found
    assert ("grofvuil.nl.0", "must be a non-empty text") in found
    assert ("grofvuil.nl.1", "also an example of 'veeg-zwerfvuil'") in found
    assert all(p.file == "reports/examples/afval.yml" and p.line for p in raised.value.problems)


def test_a_category_without_a_name_in_a_language_is_refused(knowledge_copy):
    path = knowledge_copy / "reports" / "categories.yml"
    data = path.read_text(encoding="utf-8")
    path.write_text(data.replace('grofvuil: {nl: "Grofvuil",', 'grofvuil: {nl: "",', 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        load(knowledge_copy, LANGUAGES)
    assert [p.field for p in raised.value.problems] == ["afval.sub.grofvuil.nl"]


@pytest.mark.parametrize("description, language, expected", [
    ("de lantaarnpaal bij mij voor de deur is kapot", "nl", "straatverlichting-openbare-klok"),
    ("there is a big pothole in the road in my street", "en", "onderhoud-stoep-straat-en-fietspad"),
    ("le conteneur à verre déborde, les bouteilles sont par terre", "fr", "container-is-vol"),
    ("al drie dagen ligt er een dode kat op de stoep", "nl", "dode-dieren"),
])
def test_a_description_in_a_citizens_words_finds_its_category(classifier, description, language, expected):
    assert [g.category for g in classifier.guesses(description, language)][0] == expected


def test_an_edited_example_file_is_live_without_a_build(knowledge_copy):
    live = LiveClassifier(knowledge_copy, LANGUAGES)
    first = live.current()
    assert live.current() is first                       # unchanged files: the same classifier
    path = knowledge_copy / "reports" / "examples" / "overig.yml"
    time.sleep(0.01)
    path.write_text(path.read_text(encoding="utf-8").replace("overig:\n  nl:\n", "overig:\n  nl:\n    - \"de zwevende"
                                                             " glimworm boven het plein\"\n", 1), encoding="utf-8")
    assert live.current() is not first
    assert live.current().guesses("zwevende glimworm boven het plein", "nl")[0].category == "overig"


def test_the_held_out_set_is_large_apart_from_the_examples_and_names_real_categories(tree):
    training = {" ".join(e.text.lower().split()) for e in tree.examples}
    test = yaml.safe_load((HELD_OUT / "test.yml").read_text(encoding="utf-8"))
    dev = yaml.safe_load((HELD_OUT / "dev.yml").read_text(encoding="utf-8"))
    assert len([c for c in test if c["category"] != "none"]) >= 300
    assert {c["language"] for c in test} == set(LANGUAGES)
    for case in test + dev:
        assert " ".join(case["text"].lower().split()) not in training, case["text"]
        assert case["category"] == "none" or case["category"] in tree.categories
        assert set(case.get("also", [])) <= set(tree.categories)
