import shutil

import pytest

from bot.catalogue import sources
from bot.catalogue.errors import CatalogueError
from bot.catalogue.importers.upl import import_upl
from tests.conftest import PROJECT

SHARED_UPL = PROJECT.parent / "shared" / "data" / "upl"


@pytest.fixture
def upl_dir(tmp_path):
    if not (SHARED_UPL / "UPL-actueel.csv").exists():
        pytest.skip("../shared/data/upl is not beside the project")
    target = tmp_path / "upl"
    shutil.copytree(SHARED_UPL, target)
    return target


def test_importing_the_upl_reproduces_the_committed_backbone(upl_dir, knowledge_copy):
    before = (knowledge_copy / "upl.csv").read_text(encoding="utf-8")
    report = import_upl(upl_dir / "UPL-actueel.csv", knowledge_copy)
    assert report.products == 1016
    assert (knowledge_copy / "upl.csv").read_text(encoding="utf-8") == before


def test_a_newer_upl_without_a_described_product_keeps_it(upl_dir, knowledge_copy):
    csv_file = upl_dir / "UPL-actueel.csv"
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    csv_file.write_text("\n".join(l for l in lines if not l.startswith("paspoort,")) + "\n", encoding="utf-8")
    report = import_upl(csv_file, knowledge_copy)
    assert report.kept_from_previous == ["paspoort"]
    assert "paspoort" in sources.load(knowledge_copy).products


def test_a_malformed_upl_names_file_line_and_field_and_changes_nothing(upl_dir, knowledge_copy):
    csv_file = upl_dir / "UPL-actueel.csv"
    lines = csv_file.read_text(encoding="utf-8").splitlines()
    lines[10] = lines[10].replace("http://standaarden", "standaarden", 1)
    csv_file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = (knowledge_copy / "upl.csv").read_bytes()
    with pytest.raises(CatalogueError) as raised:
        import_upl(csv_file, knowledge_copy)
    problem = raised.value.problems[0]
    assert (problem.line, problem.field) == (11, "URI")
    assert problem.file.endswith("UPL-actueel.csv")
    assert (knowledge_copy / "upl.csv").read_bytes() == before


def test_a_upl_without_the_name_column_is_refused(upl_dir, knowledge_copy):
    csv_file = upl_dir / "UPL-actueel.csv"
    text = csv_file.read_text(encoding="utf-8")
    csv_file.write_text(text.replace("UniformeProductnaam", "Naam", 1), encoding="utf-8")
    with pytest.raises(CatalogueError) as raised:
        import_upl(csv_file, knowledge_copy)
    assert raised.value.problems[0].field == "UniformeProductnaam"
