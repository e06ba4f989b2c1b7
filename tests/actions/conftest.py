import json
from pathlib import Path

import pytest
import yaml
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

import actions.shared
from bot.catalogue.repository import CatalogueRepository
from tests.conftest import PROJECT

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "trackers"


@pytest.fixture(autouse=True)
def action_catalogue(monkeypatch, catalogue_db, tmp_path):
    """Every action reaches the catalogue and the handover store through actions.shared, so one
    patch serves them all. The environment points at the test's databases too: code that opened
    its own would find them there, never build/."""
    monkeypatch.setenv("CATALOGUE_DB", str(catalogue_db))
    monkeypatch.setenv("HANDOVER_DB", str(tmp_path / "handover.db"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    repository = CatalogueRepository(catalogue_db)
    monkeypatch.setattr(actions.shared, "catalogue", lambda: repository)
    opened_store = actions.shared.handover_store      # the real one: tests may patch it meanwhile
    opened_store.cache_clear()
    yield repository
    opened_store.cache_clear()


@pytest.fixture(scope="session")
def domain() -> dict:
    return yaml.safe_load((PROJECT / "domain.yml").read_text(encoding="utf-8"))


def load_tracker(name: str) -> Tracker:
    state = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    return Tracker(state["sender_id"], state["slots"], state["latest_message"], state["events"], state["paused"],
                   state["followup_action"], state["active_loop"], state["latest_action_name"])


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()
