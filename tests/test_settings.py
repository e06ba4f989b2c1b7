"""bot/settings.py is the one place that reads the environment: defaults once, relative paths
from the project folder, TRUSTED_PROXIES parsed once."""
from __future__ import annotations

import re
from pathlib import Path

from bot.console import deployment
from bot.ops import inventory
from bot.settings import LOCAL_DEV_TOKEN, PROJECT_DIR, Servers, Storage
from bot.web.limits import Settings as ChannelLimits

READS = re.compile(r"""os\.(?:environ(?:\.get|\.setdefault|\.pop)?\s*[\[(]\s*["']|getenv\()""")
# Environment handed on to child processes, or written for them: not settings read.
ALLOWED = {"bot/ops/serve.py", "bot/servers.py", "bot/scaleout.py"}


def test_nothing_but_the_settings_module_reads_the_environment():
    readers = []
    for folder in ("bot", "actions"):
        for path in sorted((PROJECT_DIR / folder).rglob("*.py")):
            name = str(path.relative_to(PROJECT_DIR))
            if name != "bot/settings.py" and name not in ALLOWED and READS.search(path.read_text(encoding="utf-8")):
                readers.append(name)
    assert readers == []


def test_relative_paths_count_from_the_project_folder_wherever_the_program_runs(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    storage = Storage.from_environment({"HANDOVER_DB": "data/handover.db", "CATALOGUE_SOURCES": "my-knowledge"})
    assert storage.handover_db == PROJECT_DIR / "data" / "handover.db"
    assert storage.catalogue_sources == PROJECT_DIR / "my-knowledge"
    assert storage.tracker_db == PROJECT_DIR / "build" / "tracker.db"
    # the backup's inventory has the same defaults and the same rule (it used to keep its own)
    databases = inventory.databases({"HANDOVER_DB": "data/handover.db"})
    assert databases["handover"].path == storage.handover_db
    assert databases["insights"].path == Storage.from_environment({}).insights_db
    assert inventory.knowledge_dir({"CATALOGUE_SOURCES": "my-knowledge"}) == storage.catalogue_sources


def test_trusted_proxies_mean_the_same_to_the_channels_and_the_consoles():
    environ = {"TRUSTED_PROXIES": "127.0.0.1, 10.0.0.0/8"}
    servers = Servers.from_environment(environ)
    assert ChannelLimits.from_environment(environ).trusted_proxies == servers.trusted_proxies
    assert [str(network) for network in servers.trusted_proxies] == ["127.0.0.1/32", "10.0.0.0/8"]
    assert deployment.secure_cookies(servers) is True          # behind a proxy: production


def test_the_development_token_and_the_rasa_url_have_one_default():
    servers = Servers.from_environment({"RASA_PORT": "5006"})
    assert servers.rasa_token == LOCAL_DEV_TOKEN and servers.rasa_url == "http://127.0.0.1:5006"
    assert Servers.from_environment({"RASA_URL": "http://rasa:5005"}).rasa_url == "http://rasa:5005"


def test_the_language_settings_come_from_the_catalogue_sources(tmp_path, monkeypatch):
    from bot.nlu import language
    (tmp_path / "languages.yml").write_text((PROJECT_DIR / "knowledge" / "languages.yml").read_text(encoding="utf-8"),
                                            encoding="utf-8")
    monkeypatch.setenv("CATALOGUE_SOURCES", str(tmp_path))
    assert language.languages_file() == Path(tmp_path) / "languages.yml"
    assert set(language.configured_languages()) >= {"nl", "en", "fr"}
