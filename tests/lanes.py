"""The fast lane (`make test-fast`, `pytest -m "not slow"`): everything that needs no server, no
browser and no PostgreSQL. A test is slow when it uses a fixture that starts one, or lives in a
folder whose tests all do; a test elsewhere can say so itself with `@pytest.mark.slow`."""
from __future__ import annotations

import pytest

SLOW_FOLDERS = {"browser", "e2e", "fuzz", "restarts", "scaleout"}
# Fixtures that start a Rasa server, an action server, a console, a browser or PostgreSQL.
SLOW_FIXTURES = {"assistant", "action_server", "console", "secure_console", "web", "demo", "chromium", "browser",
                 "stack", "cluster", "deployment", "postgresql_server", "running", "single_machine", "public"}


def pytest_collection_modifyitems(config, items) -> None:
    for item in items:
        folder = item.path.parent.name
        on_postgresql = "postgresql" in getattr(getattr(item, "callspec", None), "params", {}).values()
        if folder in SLOW_FOLDERS or SLOW_FIXTURES & set(item.fixturenames) or on_postgresql:
            item.add_marker(pytest.mark.slow)
