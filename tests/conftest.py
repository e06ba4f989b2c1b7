import shutil
from pathlib import Path

import pytest

from bot.catalogue.build import build
from bot.catalogue.repository import CatalogueRepository

PROJECT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def catalogue_db(tmp_path_factory) -> Path:
    """The real catalogue, built from knowledge/ into a temporary database once per session."""
    path = tmp_path_factory.mktemp("catalogue") / "catalogue.db"
    build(PROJECT / "knowledge", path, report=lambda *_: None)
    return path


@pytest.fixture(scope="session")
def repository(catalogue_db) -> CatalogueRepository:
    return CatalogueRepository(catalogue_db)


@pytest.fixture
def knowledge_copy(tmp_path) -> Path:
    """A writable copy of knowledge/ for tests that change sources."""
    target = tmp_path / "knowledge"
    shutil.copytree(PROJECT / "knowledge", target)
    return target
