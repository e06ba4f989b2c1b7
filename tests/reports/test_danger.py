"""Signs of immediate danger (knowledge/reports/danger.yml): found in the words of any language,
not in ordinary reports, and a wrong file is refused with file, line and field."""
import pytest

from bot.catalogue.errors import CatalogueError
from bot.reports.danger import DangerSigns
from tests.conftest import PROJECT

LANGUAGES = ["nl", "en", "fr"]


@pytest.fixture(scope="module")
def signs():
    return DangerSigns.load(PROJECT / "knowledge", LANGUAGES)


@pytest.mark.parametrize("message", [
    "het ruikt hier heel sterk naar gas, ik ruik gas in de hele portiek",
    "er is een boom omgevallen en die ligt over de hele rijbaan",
    "het putdeksel is weg op de hoek, er zit een gat midden op de stoep",
    "er hangen losse kabels uit de lantaarnpaal",
    "I can smell gas near the playground",
    "an open manhole right in front of the school",
    "un arbre est tombé sur la route",
    "odeur de gaz très forte dans la rue",
])
def test_signs_of_danger_are_found(signs, message):
    assert signs.sign_in(message) is not None


@pytest.mark.parametrize("message", [
    "de straatlamp brandt niet", "de boom moet gesnoeid worden", "kapotte stoeptegel voor mijn deur",
    "ik wil een gastouder", "can you cut the branches of the tree", "le feu rouge est en panne",
    "la bouche d'égout est bouchée",
])
def test_ordinary_reports_are_not_danger(signs, message):
    assert signs.sign_in(message) is None


def test_a_wrong_sign_is_refused_with_file_line_and_field(tmp_path):
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "danger.yml").write_text("nl:\n  - gaslucht\n  - '!!'\nxx:\n  - iets\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        DangerSigns.load(tmp_path, LANGUAGES)
    assert [(p.file, p.line, p.field) for p in raised.value.problems] == [
        ("reports/danger.yml", 3, "nl.1"), ("reports/danger.yml", 5, "xx")]
