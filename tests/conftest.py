import shutil
import tempfile
from pathlib import Path

import pytest

from bot.catalogue.build import build
from bot.catalogue.repository import CatalogueRepository
from tests.databases import database_url, postgresql_server  # noqa: F401  (fixtures: SQLite and PostgreSQL)
from tests.lanes import pytest_collection_modifyitems  # noqa: F401  (the fast lane: -m "not slow")
from tests.leftovers import pytest_configure, pytest_sessionfinish  # noqa: F401  (no server left running)

PROJECT = Path(__file__).resolve().parents[1]
MODEL = PROJECT / "models" / "assistant.tar.gz"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


_SEED: list[Path] = []


def build_catalogue(knowledge: Path, database: Path, update: bool = False) -> None:
    """Build `knowledge` into `database` as the project does, starting from the real catalogue
    built once per test run: the build keeps that matcher when its messages are unchanged, which
    spares each test's copy of knowledge/ the half minute of training it. The seed starts from
    `make catalogue`'s build when there is one (kept, when it is of these messages). `update`
    builds as an editor's publish does (bot.catalogue.matcher: only changed products refitted)."""
    if not _SEED:
        seed = Path(tempfile.mkdtemp(prefix="catalogue-seed-")) / "catalogue.db"
        if (PROJECT / "build" / "catalogue.db").exists():
            shutil.copy(PROJECT / "build" / "catalogue.db", seed)
        build(PROJECT / "knowledge", seed, report=lambda *_: None)
        _SEED.append(seed)
    if not database.exists():
        shutil.copy(_SEED[0], database)
    build(knowledge, database, report=lambda *_: None, update=update)


@pytest.fixture(scope="session")
def catalogue_db(tmp_path_factory) -> Path:
    """The real catalogue, built from knowledge/ into a temporary database once per session."""
    path = tmp_path_factory.mktemp("catalogue") / "catalogue.db"
    build_catalogue(PROJECT / "knowledge", path)
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


@pytest.fixture(scope="module")
def browser():
    """Debian's headless Chromium through Playwright, one per test module. Playwright's sync API
    keeps an event loop running while it is open, so it must close before tests that use asyncio."""
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/install-browser.sh` (Debian packages chromium "
                    "and chromium-driver); the browser tests never download a browser")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
