"""Two processes on one PostgreSQL database see each other's work at once: the staff console
(`python -m bot.console`, DATABASE_URL) and a store in this test, as an action server would be."""
import re

import pytest
import requests

from bot.handover.store import HandoverStore
from bot.servers import running_web_app
from tests.databases import fresh_postgresql_database

PASSWORD = "a-long-staff-password"


@pytest.fixture
def shared(postgresql_server, catalogue_db, tmp_path):
    with fresh_postgresql_database(postgresql_server) as url:
        store = HandoverStore(url)
        store.create_user("sanne", PASSWORD, "staff", ["burgerzaken"], "Sanne")
        env = {"DATABASE_URL": url, "CATALOGUE_DB": str(catalogue_db), "RASA_URL": "http://127.0.0.1:9",
               "RASA_TOKEN": "unused", "HANDOVER_DB": str(tmp_path / "not-used.db")}
        with running_web_app("bot.console", "CONSOLE_PORT", "/health", env, tmp_path / "console.log") as console:
            yield store, console
        assert not (tmp_path / "not-used.db").exists()          # DATABASE_URL wins over HANDOVER_DB


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def log_in(console: str) -> requests.Session:
    session = requests.Session()
    form = session.get(f"{console}/staff/login", timeout=10).text
    reply = session.post(f"{console}/staff/login", data={"csrf": csrf_of(form), "username": "sanne",
                                                         "password": PASSWORD}, allow_redirects=False, timeout=30)
    assert reply.status_code == 302, reply.text
    return session


def test_the_console_and_another_process_share_handovers_callbacks_and_presence(shared):
    store, console = shared
    assert not store.staff_online("burgerzaken")
    browser = log_in(console)                       # the console checks the account this process created
    handover = store.open_handover("conv-shared-1", "burgerzaken", "nl", "paspoort", "asked",
                                   [{"sender": "citizen", "text": "Mijn paspoort is verlopen"}])
    callback = store.request_callback("conv-shared-2", "Jan", "0612345678", "phone", "morgen", "burgerzaken", "nl",
                                      None)

    queue = browser.get(f"{console}/staff/api/queue", timeout=10).json()
    assert [h["id"] for h in queue] == [handover["id"]]
    assert store.staff_online("burgerzaken")        # the console recorded her presence

    csrf = csrf_of(browser.get(f"{console}/staff/", timeout=10).text)
    reply = browser.post(f"{console}/staff/handovers/{handover['id']}/transfer",
                         data={"csrf": csrf, "team": "algemeen"}, allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text
    assert store.get(handover["id"])["team"] == "algemeen"
    reply = browser.post(f"{console}/staff/callbacks/{callback['id']}", data={"csrf": csrf, "status": "done"},
                         allow_redirects=False, timeout=10)
    assert reply.status_code == 302, reply.text
    assert [(c["status"], c["handled_by"]) for c in store.callbacks()] == [("done", "sanne")]

    store.close(handover["id"])
    assert browser.get(f"{console}/staff/api/queue", timeout=10).json() == []
