from pathlib import Path

import pytest
import yaml

from bot.catalogue import sources
from bot.catalogue.build import build
from bot.catalogue.errors import CatalogueError
from bot.catalogue.repository import CatalogueRepository
from tests.conftest import build_catalogue

UPL_NAMES_EXCLUDING_PLACEHOLDER = 1016
MUNICIPAL_PRODUCTS = 449


def test_every_upl_product_is_in_the_catalogue(repository):
    import csv
    upl = Path(__file__).resolve().parents[2] / "knowledge" / "upl.csv"
    with upl.open(encoding="utf-8") as handle:
        ids = {row["id"] for row in csv.DictReader(handle)}
    assert len(ids) == UPL_NAMES_EXCLUDING_PLACEHOLDER
    assert set(repository.product_ids()) >= ids
    assert "verhuismelding" in ids and "melding openbare ruimte (straatverlichting)" in ids


def test_every_municipal_product_has_a_dutch_summary(repository):
    stats = repository.statistics()
    assert stats["by_layer"]["Gemeente"] == MUNICIPAL_PRODUCTS
    assert repository.missing_content("nl") == []


def test_a_bad_product_file_names_file_line_and_field(knowledge_copy):
    path = knowledge_copy / "products" / "paspoort.yml"
    path.write_text(path.read_text(encoding="utf-8").replace("theme: burgerzaken", "theme: nonsense"), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        sources.load(knowledge_copy)
    problem = raised.value.problems[0]
    assert problem.file.endswith("products/paspoort.yml")
    assert problem.field == "theme"
    assert path.read_text(encoding="utf-8").splitlines()[problem.line - 1].startswith("theme:")


def test_an_unknown_text_field_is_reported_with_its_path(knowledge_copy):
    path = knowledge_copy / "products" / "afvalcontainer.yml"
    path.write_text(path.read_text(encoding="utf-8") + "\nsynonyms_typo: [x]\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        sources.load(knowledge_copy)
    assert any(p.field == "synonyms_typo" and p.line for p in raised.value.problems)


def test_yaml_syntax_error_names_the_line(knowledge_copy):
    path = knowledge_copy / "products" / "rijbewijs.yml"
    path.write_text("id: rijbewijs\ntexts: [unclosed\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        sources.load(knowledge_copy)
    assert raised.value.problems[0].file.endswith("rijbewijs.yml")
    assert raised.value.problems[0].line is not None


def test_a_malformed_upl_row_names_line_and_column(knowledge_copy):
    upl = knowledge_copy / "upl.csv"
    lines = upl.read_text(encoding="utf-8").splitlines()
    lines[5] = lines[5].replace("Burger", "Inwoner", 1)
    upl.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        sources.load(knowledge_copy)
    assert (raised.value.problems[0].line, raised.value.problems[0].field) == (6, "audience")


def test_a_failed_build_leaves_the_previous_database_untouched(knowledge_copy, tmp_path):
    database = tmp_path / "catalogue.db"
    build_catalogue(knowledge_copy, database)
    before = database.read_bytes()
    (knowledge_copy / "products" / "paspoort.yml").write_text("id: paspoort\ntheme: [", encoding="utf-8")
    with pytest.raises(CatalogueError):
        build(knowledge_copy, database, report=lambda *_: None)
    assert database.read_bytes() == before
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".catalogue.db")]


def test_a_published_change_is_seen_without_restart(knowledge_copy, tmp_path):
    database = tmp_path / "catalogue.db"
    build_catalogue(knowledge_copy, database)
    repository = CatalogueRepository(database)
    assert "afvalcontainer" not in [m.product_id for m in repository.resolve("zwerfkeipoets", "nl")]
    path = knowledge_copy / "products" / "afvalcontainer.yml"
    product = yaml.safe_load(path.read_text(encoding="utf-8"))
    product.setdefault("synonyms", {}).setdefault("nl", []).append("zwerfkeipoets")
    path.write_text(yaml.safe_dump(product, allow_unicode=True), encoding="utf-8")
    build(knowledge_copy, database, report=lambda *_: None, update=True)      # as an editor's publish
    assert repository.resolve("zwerfkeipoets", "nl")[0].product_id == "afvalcontainer"
