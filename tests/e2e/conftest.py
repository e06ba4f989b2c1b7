"""Real servers for the end-to-end tests: action server, Rasa server and the consoles."""
import os
import shutil
import subprocess
import sys

import pytest
import requests
import yaml

from bot.servers import running_assistant, running_web_app
from tests.conftest import PROJECT, build_catalogue

MODEL = PROJECT / "models" / "assistant.tar.gz"
TOKEN = "e2e-test-token"
STAFF_PASSWORD = "e2e-staff-password"


@pytest.fixture(scope="session")
def e2e_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("e2e")


@pytest.fixture(scope="session")
def always_open_catalogue(e2e_dir):
    return build_always_open_catalogue(e2e_dir)


def build_always_open_catalogue(e2e_dir):
    """The real catalogue, with the chat channel open day and night, so that the handover flow
    does not depend on when the tests run."""
    knowledge = e2e_dir / "knowledge"
    shutil.copytree(PROJECT / "knowledge", knowledge)
    municipality_file = knowledge / "municipality.yml"
    municipality = yaml.safe_load(municipality_file.read_text(encoding="utf-8"))
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    municipality["contact_channels"]["chat"] = {day: ["00:00", "23:59"] for day in days}
    municipality["holidays"] = []
    municipality_file.write_text(yaml.safe_dump(municipality, allow_unicode=True), encoding="utf-8")
    database = e2e_dir / "catalogue.db"
    build_catalogue(knowledge, database)
    return database


@pytest.fixture(scope="session")
def handover_db(e2e_dir):
    return e2e_dir / "handover.db"


@pytest.fixture(scope="session")
def running(e2e_dir, always_open_catalogue, handover_db):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does this)")
    with running_assistant(MODEL, always_open_catalogue, TOKEN, e2e_dir,
                           extra_env={"HANDOVER_DB": str(handover_db)}) as assistant:
        yield assistant


@pytest.fixture(scope="session")
def assistant(running):
    return running.url


@pytest.fixture(scope="session")
def console(running, always_open_catalogue, handover_db, e2e_dir):
    """The consoles' web app, with one staff account."""
    env = {**os.environ, "HANDOVER_DB": str(handover_db), "CATALOGUE_DB": str(always_open_catalogue),
           "CONSOLE_PASSWORD": STAFF_PASSWORD}
    subprocess.run([sys.executable, "-m", "bot.handover", "create-user", "sanne", "--role", "staff", "--name", "Sanne"],
                   cwd=PROJECT, env=env, check=True, capture_output=True)
    with running_web_app("bot.console", "CONSOLE_PORT", "/health", {**env, "RASA_URL": running.url, "RASA_TOKEN": TOKEN},
                         e2e_dir / "console.log") as url:
        yield url


def staff_session(console_url: str) -> requests.Session:
    """Log in as the staff member, as a browser would (login form with its CSRF token)."""
    import re
    session = requests.Session()
    form = session.get(f"{console_url}/staff/login").text
    csrf = re.search(r'name="csrf" value="([^"]+)"', form).group(1)
    response = session.post(f"{console_url}/staff/login", data={"csrf": csrf, "username": "sanne",
                                                                 "password": STAFF_PASSWORD})
    assert response.status_code == 200 and "Wachtrij" in response.text
    return session
