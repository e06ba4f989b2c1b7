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
def action_catalogue(monkeypatch, catalogue_db):
    repository = CatalogueRepository(catalogue_db)
    monkeypatch.setattr(actions.shared, "catalogue", lambda: repository)
    for module in ("actions.products", "actions.conversation", "actions.fallback", "actions.handover"):
        monkeypatch.setattr(f"{module}.catalogue", lambda: repository)
    return repository


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
