"""All four servers started as deploy/ starts them (python -m bot.ops serve with
deploy/logging.yml): the e2e privacy conversation goes through them, then every line every
server wrote must be a JSON object with the fields, and none may hold the personal data."""
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import requests

from bot.servers import running_web_app
from tests.conftest import PROJECT
from tests.e2e.test_handover import PERSONAL, send_personal_data
from tests.ops.conftest import LOGGING_CONFIG, TOKEN

FIELDS = {"timestamp", "level", "logger", "message", "process", "pid"}


def test_every_server_writes_json_lines_without_personal_data(assistant, catalogue_db, tmp_path):
    scratch = Path(assistant.logs["rasa"]).parent
    handover_db = scratch / "handover.db"           # shared with the action server
    env = {"RASA_URL": assistant.url, "RASA_TOKEN": TOKEN, "HANDOVER_DB": str(handover_db), "DATABASE_URL": "",
           "CATALOGUE_DB": str(catalogue_db), "INSIGHTS_DB": str(tmp_path / "insights.db")}
    logs = {**assistant.logs, "console": tmp_path / "console.log", "web": tmp_path / "web.log"}
    sender = f"ops-privacy-{uuid.uuid4()}"
    with running_web_app("bot.console", "CONSOLE_PORT", "/health", env, logs["console"],
                         logging_config=LOGGING_CONFIG) as console, \
            running_web_app("bot.web", "WEB_PORT", "/healthz", env, logs["web"], logging_config=LOGGING_CONFIG) as web:
        send_personal_data(assistant.url, sender)
        # The same data where the consoles and the web app take input: a login name, a thumbs-down
        # with the message text, a malformed conversation id.
        login = requests.Session()
        login.get(f"{console}/staff/login", timeout=10)
        login.post(f"{console}/staff/login", data={"username": PERSONAL[2], "password": PERSONAL[0]}, timeout=10)
        requests.post(f"{web}/api/feedback", json={"conversation_id": sender, "vote": "down",
                                                   "message_text": " ".join(PERSONAL)}, timeout=10)
        requests.post(f"{web}/api/feedback", json={"conversation_id": PERSONAL[2], "vote": "up"}, timeout=10)
        requests.get(f"{web}/ready", timeout=10)

    stored = subprocess.run([sys.executable, "-c", "import sys, json; from bot.handover.store import HandoverStore; "
                             "print(json.dumps([c['contact'] for c in HandoverStore(sys.argv[1]).callbacks() "
                             "if c['conversation_id'] == sys.argv[2]]))", str(handover_db), sender],
                            cwd=PROJECT, env={**os.environ, "DATABASE_URL": ""}, capture_output=True, text=True)
    assert json.loads(stored.stdout) == ["06-12345678"]          # the data did go through the servers
    processes = {}
    for name, path in logs.items():
        lines = path.read_text(encoding="utf-8").splitlines()
        assert lines, f"{name} wrote nothing"
        entries = []
        for number, line in enumerate(lines, 1):
            try:
                entries.append(json.loads(line))
            except json.JSONDecodeError:
                raise AssertionError(f"{name}.log line {number} is not JSON: {line[:200]}") from None
        assert all(FIELDS <= set(entry) for entry in entries), name
        processes[name] = {entry["process"] for entry in entries}
        found = [value for value in PERSONAL if value in path.read_text(encoding="utf-8")]
        assert found == [], f"{name}.log holds {found}"
    rasa_port = assistant.url.rsplit(":", 1)[1]
    assert processes == {"rasa": {f"rasa@{rasa_port}"}, "actions": {"action-server"}, "console": {"console"},
                         "web": {"web"}}
    # At debug level Rasa logs what citizens write: the redaction was put to work, not just idle.
    rasa_log = logs["rasa"].read_text(encoding="utf-8")
    assert all(f"[{kind}]" in rasa_log for kind in ("BSN", "PHONE", "EMAIL", "IBAN"))
