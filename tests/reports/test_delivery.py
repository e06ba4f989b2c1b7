"""The outbox worker as a program (`python -m bot.reports deliver --once`): with SIGNALEN_URL set
it passes stored reports on to Signalen (the fake, over HTTP); without it, it says there is
nothing to do and the reports stay in the staff console."""
import asyncio
import os
import subprocess
import sys
import threading

import pytest
from aiohttp import web

from bot.reports.store import ReportStore
from tests.conftest import PROJECT
from tests.reports.fake_signalen import FakeSignalen
from tests.reports.test_store import a_report


@pytest.fixture
def signalen():
    """The fake Signalen in a thread of its own, on a free port."""
    fake, ready, loop = FakeSignalen("worker-token"), threading.Event(), asyncio.new_event_loop()
    holder = {}

    def serve():
        asyncio.set_event_loop(loop)
        runner = web.AppRunner(fake.app())
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, "127.0.0.1", 0).start())
        holder["port"], holder["runner"] = runner.addresses[0][1], runner
        ready.set()
        loop.run_forever()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    ready.wait(10)
    yield fake, f"http://127.0.0.1:{holder['port']}"
    asyncio.run_coroutine_threadsafe(holder["runner"].cleanup(), loop).result(10)
    loop.call_soon_threadsafe(loop.stop)
    thread.join(10)


def run_worker(env: dict) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "bot.reports", "deliver", "--once"], cwd=PROJECT, env=env,
                          capture_output=True, text=True, timeout=120)


def test_the_worker_passes_stored_reports_on_to_signalen(signalen, catalogue_db, tmp_path):
    fake, url = signalen
    database = tmp_path / "app.db"
    report = ReportStore(database).create(a_report(photo=None), ["signalen"])
    env = {**os.environ, "HANDOVER_DB": str(database), "CATALOGUE_DB": str(catalogue_db), "DATABASE_URL": "",
           "SIGNALEN_URL": url, "SIGNALEN_TOKEN": "worker-token"}
    result = run_worker(env)
    assert result.returncode == 0, result.stderr
    assert [s["text"] for s in fake.signals] == ["de lantaarnpaal is kapot"]
    assert ReportStore(database).outbox(report["id"])[0]["state"] == "delivered"
    assert run_worker(env).returncode == 0 and len(fake.signals) == 1           # a second round: nothing new
    assert "lantaarnpaal" not in result.stdout + result.stderr                   # no report in the logs


def test_without_an_outside_system_the_worker_has_nothing_to_do(catalogue_db, tmp_path):
    env = {**os.environ, "HANDOVER_DB": str(tmp_path / "app.db"), "CATALOGUE_DB": str(catalogue_db),
           "DATABASE_URL": "", "SIGNALEN_URL": ""}
    result = run_worker(env)
    assert result.returncode == 0 and "reports stay in the staff console" in result.stdout
