"""The production scale-out, for real: PostgreSQL, Redis, two Rasa servers with their action
servers, nginx in front, and the consoles on the same PostgreSQL database."""
import os
import subprocess
import sys

import pytest

from bot.scaleout import running_scaleout, scaleout_environment
from bot.servers import running_web_app
from tests.conftest import PROJECT
from tests.e2e.conftest import STAFF_PASSWORD, build_always_open_catalogue
from bot.services import running_postgresql, running_redis

MODEL = PROJECT / "models" / "assistant.tar.gz"
TOKEN = "scaleout-test-token"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory):
    return tmp_path_factory.mktemp("scaleout")


@pytest.fixture(scope="module")
def databases(workdir):
    with running_postgresql(workdir / "postgresql") as postgresql_url, running_redis(workdir / "redis") as redis_url:
        yield postgresql_url, redis_url


@pytest.fixture(scope="module")
def cluster(workdir, databases):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does this)")
    catalogue = build_always_open_catalogue(workdir)
    with running_scaleout(MODEL, workdir, *databases, rasa_processes=2, catalogue_db=catalogue, token=TOKEN) as running:
        running.catalogue = catalogue
        yield running


@pytest.fixture(scope="module")
def console(cluster, databases, workdir):
    """The consoles on the shared PostgreSQL database, talking to the Rasa servers through nginx."""
    env = {**os.environ, **scaleout_environment(*databases), "CATALOGUE_DB": str(cluster.catalogue),
           "CONSOLE_PASSWORD": STAFF_PASSWORD, "RASA_URL": cluster.url, "RASA_TOKEN": TOKEN,
           # TRUSTED_PROXIES makes the consoles assume HTTPS (Secure cookies); this test speaks plain HTTP.
           "CONSOLE_SECURE_COOKIES": "false"}
    subprocess.run([sys.executable, "-m", "bot.handover", "create-user", "sanne", "--role", "staff", "--name", "Sanne"],
                   cwd=PROJECT, env=env, check=True, capture_output=True)
    with running_web_app("bot.console", "CONSOLE_PORT", "/health", env, workdir / "console.log") as url:
        yield url
