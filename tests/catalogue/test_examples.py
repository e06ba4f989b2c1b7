"""Citizens' example messages in the product files: coverage, validation, and the matcher that
learns from them without retraining Rasa."""
from pathlib import Path

import pytest
import yaml

from bot.catalogue import sources
from bot.catalogue.build import build
from bot.catalogue.decision import decide
from bot.catalogue.errors import CatalogueError
from bot.catalogue.repository import CatalogueRepository
from tests.conftest import PROJECT, build_catalogue

MOST_ASKED_MINIMUM = {"nl": 25, "en": 10, "fr": 10}
OTHER_MINIMUM = {"nl": 10, "en": 3, "fr": 3}


@pytest.fixture(scope="module")
def catalogue():
    return sources.load(PROJECT / "knowledge")


def test_every_municipal_product_has_enough_examples_per_language(catalogue):
    most_asked = set(catalogue.most_asked)
    assert 140 <= len(most_asked) <= 160
    short = []
    for product in catalogue.products.values():
        if not product.offered_by_municipality:
            continue
        minimum = MOST_ASKED_MINIMUM if product.id in most_asked else OTHER_MINIMUM
        for language, count in minimum.items():
            if len(product.examples.get(language, [])) < count:
                short.append(f"{product.id} ({language}: {len(product.examples.get(language, []))} < {count})")
    assert short == []


def append_examples(knowledge: Path, slug: str, language: str, messages: list[str]) -> Path:
    path = knowledge / "products" / f"{slug}.yml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = "".join(f"  - {m}\n" for m in messages)
    if data.get("examples", {}).get(language):
        content = path.read_text(encoding="utf-8")
        marker = f"  {language}:\n"
        start = content.index(marker, content.index("\nexamples:")) + len(marker)
        path.write_text(content[:start] + lines + content[start:], encoding="utf-8")
    else:
        path.write_text(path.read_text(encoding="utf-8") + f"examples:\n  {language}:\n" + lines, encoding="utf-8")
    return path


def refused(knowledge: Path) -> list:
    with pytest.raises(CatalogueError) as raised:
        sources.load(knowledge)
    return raised.value.problems


@pytest.mark.parametrize("second, message", [
    ("Mijn paspoort is VERLOPEN!", "duplicate of line"),
    ("mijn pasport is verlopen", "near-duplicate of line"),
])
def test_a_repeated_example_is_refused_with_file_line_and_field(knowledge_copy, second, message):
    path = append_examples(knowledge_copy, "paspoort", "nl", ["mijn paspoort is verlopen", second])
    [problem] = [p for p in refused(knowledge_copy) if message in p.message]
    assert problem.file.endswith("products/paspoort.yml") and problem.field.startswith("examples.nl.")
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1].strip() == f"- {second}"


def test_one_example_under_two_products_is_refused_naming_both(knowledge_copy):
    append_examples(knowledge_copy, "paspoort", "nl", ["zwerfkei in de vijver"])
    append_examples(knowledge_copy, "identiteitskaart", "nl", ["Zwerfkei in de vijver"])
    [problem] = [p for p in refused(knowledge_copy) if "also an example of" in p.message]
    files = {problem.file, problem.message}
    assert any("identiteitskaart.yml" in f for f in files) and any("paspoort" in f for f in files)
    assert problem.line and problem.field.startswith("examples.nl.")


def test_an_example_must_be_text_in_a_configured_language(knowledge_copy):
    path = knowledge_copy / "products" / "stadspas.yml"
    path.write_text(path.read_text(encoding="utf-8") + "examples:\n  xx: [hallo]\n  en: [123, '']\n", encoding="utf-8")
    messages = {p.field: p.message for p in refused(knowledge_copy)}
    assert "not configured" in messages["examples.xx"]
    assert "non-empty text" in messages["examples.en.1"]


def test_a_published_example_is_live_after_the_catalogue_build_alone(knowledge_copy, tmp_path):
    """The matcher is trained with the catalogue: no Rasa training. (How long that takes is a
    figure, not a test: `make catalogue` prints it, the README records it.)"""
    invented = ["de glimwormen in het plantsoen zijn weg", "glimwormen verdwenen uit het plantsoen",
                "waar zijn de glimwormen gebleven"]
    database = tmp_path / "catalogue.db"
    build_catalogue(knowledge_copy, database)
    before = CatalogueRepository(database).resolve("glimwormen plantsoen verdwenen", "nl", limit=3)
    assert not before or before[0].product_id != "speelvoorziening kinderen"
    append_examples(knowledge_copy, "speelvoorziening-kinderen", "nl", invented)
    build(knowledge_copy, database, report=lambda *_: None, update=True)     # as an editor's publish
    after = CatalogueRepository(database).resolve("glimwormen plantsoen verdwenen", "nl", limit=3)
    assert after[0].product_id == "speelvoorziening kinderen"


@pytest.mark.parametrize("text, language, expected", [
    ("mijn oude matras moet weg", "nl", "afvalinzameling grofvuil"),             # an object
    ("mijn vader is vannacht overleden wat moet ik regelen", "nl", "overlijdensaangifte"),  # a situation
    ("wanneer is het containerpark open", "nl", "afvalinzamelstation"),          # a Flemish word
    ("how much is a dutch passport", "en", "paspoort"),                           # English
    ("combien coute une carte d'identite", "fr", "identiteitskaart"),            # French
    ("pasport verlopn", "nl", "paspoort"),                                        # typos
])
def test_citizens_own_words_are_answered_at_once(repository, text, language, expected):
    assert decide(repository.resolve(text, language)).answer == expected


@pytest.mark.parametrize("text", ["hallo hoe gaat het", "wat is de hoofdstad van frankrijk",
                                  "<script>alert(1)</script>", "{{7*7}}", "' OR 1=1; --", "plofgrt snirk"])
def test_messages_about_no_service_get_no_product(repository, text):
    assert not decide(repository.resolve(text, "nl")).understood


@pytest.mark.slow                   # trains the matcher in full
def test_an_edit_of_texts_keeps_the_matcher_and_an_edit_of_examples_retrains_it(knowledge_copy, tmp_path):
    database = tmp_path / "catalogue.db"
    build_catalogue(knowledge_copy, database)
    path = knowledge_copy / "products" / "stadspas.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("summary:", "summary: Nieuw.", 1), encoding="utf-8")
    said: list[str] = []
    build(knowledge_copy, database, report=said.append)
    assert any("matcher unchanged, kept" in line for line in said)
    append_examples(knowledge_copy, "stadspas", "nl", ["korting op de sportschool met een pasje van de stad"])
    said.clear()
    build(knowledge_copy, database, report=said.append, update=True)
    assert any("matcher updated (update 1)" in line for line in said)
    append_examples(knowledge_copy, "stadspas", "nl", ["stadspas kwijt wat nu"])
    said.clear()
    build(knowledge_copy, database, report=said.append)                     # the command line build
    assert any("matcher trained" in line for line in said)


def test_an_update_teaches_the_product_that_won_before_to_let_go(knowledge_copy, tmp_path):
    """An editor adds an example to the product it belongs to, typically after a miss: the
    product that won it before is fitted again as well, so the example does not stay with it."""
    message = "mijn reisdocument voor de vakantie is zoek"
    database = tmp_path / "catalogue.db"
    build_catalogue(knowledge_copy, database)
    assert decide(CatalogueRepository(database).resolve(message, "nl")).answer == "reisdocument"
    append_examples(knowledge_copy, "paspoort", "nl", [message])
    build(knowledge_copy, database, report=lambda *_: None, update=True)
    assert decide(CatalogueRepository(database).resolve(message, "nl")).answer == "paspoort"


@pytest.mark.slow                   # trains the matcher in full
def test_after_enough_updates_the_matcher_is_trained_in_full(knowledge_copy, tmp_path, monkeypatch):
    from bot.catalogue import matcher
    database = tmp_path / "catalogue.db"
    build_catalogue(knowledge_copy, database)
    monkeypatch.setattr(matcher, "MAX_UPDATES", 0)
    append_examples(knowledge_copy, "stadspas", "nl", ["korting op de sportschool met een pasje van de stad"])
    said: list[str] = []
    build(knowledge_copy, database, report=said.append, update=True)
    assert any("matcher trained" in line for line in said)
