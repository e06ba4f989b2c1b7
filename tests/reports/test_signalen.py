"""Reports passed on to Signalen through the outbox, against a fake built from Signalen's
published rules (tests/reports/fake_signalen.py), over real HTTP: the body Signalen accepts, the
photo after it, retries when it is down, and never a report twice."""
import asyncio
from datetime import timedelta

import pytest
from aiohttp import web

from bot.integrations.signalen import SignalenClient
from bot.reports.categories import load
from bot.reports.store import LEASE, deliver_due, retry_pause
from bot.settings import Endpoint
from tests.conftest import PROJECT
from tests.reports.fake_signalen import FakeSignalen
from tests.reports.test_store import START, Store, a_report

TOWN_HALL = (52.20735, 5.31107)


@pytest.fixture(scope="module")
def main_of():
    tree = load(PROJECT / "knowledge", ["nl", "en", "fr"])
    return lambda sub: tree.categories[sub].main


@pytest.fixture
def store(tmp_path):
    return Store(tmp_path / "app.db")


def with_signalen(scenario, main_of, token="secret-token"):
    """Run `scenario(client, fake)` with the fake Signalen on a free port."""
    async def run():
        fake = FakeSignalen("secret-token")
        runner = web.AppRunner(fake.app())
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", 0).start()
        port = runner.addresses[0][1]
        try:
            client = SignalenClient(Endpoint(f"http://127.0.0.1:{port}", token, 5.0), main_of, TOWN_HALL)
            return await scenario(client, fake)
        finally:
            await runner.cleanup()
    return asyncio.run(run())


def test_a_report_arrives_in_signalen_once_with_its_category_place_and_photo(store, main_of):
    report = store.create(a_report(contact="an@example.nl", contact_kind="email"), ["signalen"])

    async def scenario(client, fake):
        assert await deliver_due(store, client, START) == 1
        assert await deliver_due(store, client, START + timedelta(hours=1)) == 0
        return fake

    fake = with_signalen(scenario, main_of)
    [signal] = fake.signals
    assert signal["category"]["sub_category"] == (
        "/signals/v1/public/terms/categories/wegen-verkeer-straatmeubilair/sub_categories/straatverlichting-openbare-klok")
    assert signal["location"]["geometrie"]["coordinates"] == [5.28, 52.2]         # longitude first
    assert report["reference"] in signal["text_extra"] and "Kerkstraat 12" in signal["text_extra"]
    assert signal["reporter"] == {"email": "an@example.nl", "sharing_allowed": False}
    assert fake.attachments[signal["signal_id"]] == [("image/jpeg", b"\xff\xd8jpeg")]
    [row] = store.outbox(report["id"])
    assert (row["state"], row["remote_id"]) == ("delivered", "SIG-1")


def test_a_report_without_a_point_is_sent_with_the_town_halls(store, main_of):
    store.create(a_report(location_kind="described", location="achter het oude zwembad", lat=None, lon=None,
                          photo=None), ["signalen"])

    async def scenario(client, fake):
        await deliver_due(store, client, START)
        return fake

    [signal] = with_signalen(scenario, main_of).signals
    assert signal["location"]["geometrie"]["coordinates"] == [TOWN_HALL[1], TOWN_HALL[0]]
    assert "achter het oude zwembad" in signal["text_extra"]


def test_signalen_down_then_up_gets_the_report_once(store, main_of):
    report = store.create(a_report(photo=None), ["signalen"])

    async def scenario(client, fake):
        fake.fail_next = 1
        assert await deliver_due(store, client, START) == 0
        assert await deliver_due(store, client, START + retry_pause(1)) == 1
        return fake

    assert len(with_signalen(scenario, main_of).signals) == 1
    assert store.outbox(report["id"])[0]["attempts"] == 2


def test_a_report_that_arrived_before_its_worker_vanished_is_not_sent_again(store, main_of):
    report = store.create(a_report(photo=None), ["signalen"])

    async def scenario(client, fake):
        vanished = store.claim("signalen", START)
        await client.deliver(vanished.report)                  # arrived; the worker dies before recording it
        assert await deliver_due(store, client, START + LEASE * 2) == 1
        return fake

    assert len(with_signalen(scenario, main_of).signals) == 1
    assert store.outbox(report["id"])[0]["remote_id"] == "SIG-1"


def test_a_photo_that_did_not_arrive_does_not_double_the_report(store, main_of):
    report = store.create(a_report(), ["signalen"])

    async def scenario(client, fake):
        fake.fail_attachments = True
        assert await deliver_due(store, client, START) == 1
        return fake

    fake = with_signalen(scenario, main_of)
    assert len(fake.signals) == 1 and fake.attachments == {}
    [row] = store.outbox(report["id"])
    assert row["state"] == "delivered" and row["last_error"].startswith("photo not attached")
    assert store.get(report["reference"])["photo"] == b"\xff\xd8jpeg"              # still here for staff


def test_a_wrong_token_is_refused_and_retried_later_not_lost(store, main_of):
    report = store.create(a_report(photo=None), ["signalen"])

    async def scenario(client, fake):
        assert await deliver_due(store, client, START) == 0
        return fake

    assert with_signalen(scenario, main_of, token="wrong").signals == []
    [row] = store.outbox(report["id"])
    assert row["state"] == "pending" and "HTTP 401" in row["last_error"]
