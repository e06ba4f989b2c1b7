"""A language is added by data alone: detector setting, catalogue texts, responses, NLU data."""
import yaml

from bot.answers import plan_product_answer, render_plan
from bot.catalogue.repository import CatalogueRepository
from bot.nlu.language import LanguageDetector
from tests.conftest import PROJECT, build_catalogue

FIXTURES = PROJECT / "tests" / "fixtures" / "new_language"


def add_german(knowledge, tmp_path):
    municipality_file = knowledge / "municipality.yml"
    municipality = yaml.safe_load(municipality_file.read_text(encoding="utf-8"))
    municipality["languages"].append("de")
    municipality_file.write_text(yaml.safe_dump(municipality, allow_unicode=True), encoding="utf-8")
    product_file = knowledge / "products" / "paspoort.yml"
    product = yaml.safe_load(product_file.read_text(encoding="utf-8"))
    german = yaml.safe_load((FIXTURES / "product-texts.yml").read_text(encoding="utf-8"))
    product["texts"].update(german["texts"])
    product["synonyms"].update(german["synonyms"])
    product_file.write_text(yaml.safe_dump(product, allow_unicode=True), encoding="utf-8")
    domain = yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))
    for name, text in yaml.safe_load((FIXTURES / "responses.yml").read_text(encoding="utf-8")).items():
        domain["responses"][name].append({"condition": [{"type": "slot", "name": "language", "value": "de"}], "text": text})
    domain_file = tmp_path / "domain.yml"
    domain_file.write_text(yaml.safe_dump(domain, allow_unicode=True), encoding="utf-8")
    return domain_file


def test_a_toy_language_is_detected_found_and_answered(knowledge_copy, tmp_path):
    domain_file = add_german(knowledge_copy, tmp_path)
    database = tmp_path / "catalogue.db"
    build_catalogue(knowledge_copy, database, update=True)      # as an editor's publish
    repository = CatalogueRepository(database)
    assert "de" in repository.languages()

    detector = LanguageDetector(["nl", "en", "fr", "de"], path=FIXTURES / "languages.yml")
    assert detector.detect("Mein Reisepass ist abgelaufen, was muss ich jetzt machen?") == "de"
    assert detector.requested("auf Deutsch bitte") == "de"
    assert detector.detect("ok") is None            # short messages keep the conversation's language

    assert repository.resolve("mein reisepass ist abgelaufen", "de")[0].product_id == "paspoort"
    answer = render_plan(plan_product_answer(repository, "paspoort", "de", "ask_info"), "de", domain_file)
    assert "Mit einem Reisepass" in answer
    assert "Für wen:" in answer and "Mehr Informationen:" in answer


def test_without_the_detector_setting_the_language_is_only_recognised_as_unsupported():
    detector = LanguageDetector(["nl", "en", "fr"], path=FIXTURES / "languages.yml")
    assert detector.detect("Benim pasaportumun süresi doldu, ne yapmalıyım?") == "tr"
    assert detector.requested("auf Deutsch bitte") is None


def test_nlu_fixture_is_valid_rasa_training_data():
    from rasa.shared.nlu.training_data.loading import load_data
    data = load_data(str(FIXTURES / "nlu.yml"))
    assert {e.get("intent") for e in data.training_examples} == {"ask_info", "greet"}
