"""/ready of the web app and the consoles, against real servers: 200 only when their
dependencies answer, else 503 naming the dependency and nothing more (no paths, no URLs)."""
import requests

from bot.servers import free_port, running_web_app
from tests.ops.conftest import TOKEN


def web_app(tmp_path, rasa_url):
    return running_web_app("bot.web", "WEB_PORT", "/healthz",
                           {"RASA_URL": rasa_url, "RASA_TOKEN": TOKEN, "INSIGHTS_DB": str(tmp_path / "insights.db"),
                            "DATABASE_URL": ""}, tmp_path / "web.log")


def console(tmp_path, handover_db, catalogue_db):
    return running_web_app("bot.console", "CONSOLE_PORT", "/health",
                           {"HANDOVER_DB": str(handover_db), "CATALOGUE_DB": str(catalogue_db), "DATABASE_URL": "",
                            "RASA_URL": "http://127.0.0.1:9", "RASA_TOKEN": TOKEN}, tmp_path / "console.log")


def test_web_app_is_ready_when_rasa_answers(tmp_path, assistant):
    with web_app(tmp_path, assistant.url) as url:
        answer = requests.get(f"{url}/ready", timeout=10)
    assert answer.status_code == 200
    assert answer.json() == {"status": "ready", "checks": {"rasa": "ok"}, "failing": []}


def test_web_app_is_not_ready_while_rasa_is_down(tmp_path):
    closed = free_port()            # nothing listens there
    with web_app(tmp_path, f"http://127.0.0.1:{closed}") as url:
        ready = requests.get(f"{url}/ready", timeout=10)
        alive = requests.get(f"{url}/healthz", timeout=10)
    assert ready.status_code == 503
    assert ready.json() == {"status": "unavailable", "checks": {"rasa": "failing"}, "failing": ["rasa"]}
    assert str(closed) not in ready.text
    assert alive.status_code == 200             # liveness: the process itself is fine


def test_console_is_ready_when_its_databases_answer(tmp_path, catalogue_db):
    with console(tmp_path, tmp_path / "handover.db", catalogue_db) as url:
        answer = requests.get(f"{url}/ready", timeout=10)
    assert answer.status_code == 200
    assert answer.json()["checks"] == {"handover_database": "ok", "catalogue_database": "ok"}


def test_console_names_a_missing_catalogue_without_its_path(tmp_path):
    missing = tmp_path / "no-such-catalogue.db"
    with console(tmp_path, tmp_path / "handover.db", missing) as url:
        ready = requests.get(f"{url}/ready", timeout=10)
        alive = requests.get(f"{url}/health", timeout=10)
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["catalogue_database"]
    assert ready.json()["checks"]["handover_database"] == "ok"
    assert str(tmp_path) not in ready.text and "no-such-catalogue" not in ready.text
    assert alive.status_code == 200


def test_console_names_an_unreadable_handover_database(tmp_path, catalogue_db):
    broken = tmp_path / "handover.db"
    broken.write_bytes(b"this is not an SQLite database, " * 200)
    with console(tmp_path, broken, catalogue_db) as url:
        ready = requests.get(f"{url}/ready", timeout=10)
    assert ready.status_code == 503
    assert ready.json()["failing"] == ["handover_database"]
    assert str(tmp_path) not in ready.text
