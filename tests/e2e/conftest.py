"""A real action server and Rasa server, started once for the end-to-end tests."""
import pytest

from bot.servers import running_assistant
from tests.conftest import PROJECT

MODEL = PROJECT / "models" / "assistant.tar.gz"
TOKEN = "e2e-test-token"


@pytest.fixture(scope="session")
def assistant(tmp_path_factory, catalogue_db):
    if not MODEL.exists():
        pytest.fail("no trained model: run `make train` (make test does this)")
    with running_assistant(MODEL, catalogue_db, TOKEN, tmp_path_factory.mktemp("servers")) as running:
        yield running.url
