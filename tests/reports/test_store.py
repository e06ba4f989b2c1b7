"""Reports stored first and delivered through the outbox, on SQLite and PostgreSQL: delivered
once, retried when the destination is down, and not sent twice when a worker vanishes."""
import asyncio
import re
import threading
from datetime import datetime, timedelta, timezone

import pytest

from bot.reports.store import LEASE, MAX_ATTEMPTS, NewReport, ReportStore, deliver_due, retry_pause

START = datetime(2026, 12, 3, 12, 0, tzinfo=timezone.utc)


class FakeDestination:
    """A destination that keeps what arrived; `down` makes it fail."""
    name = "fake"

    def __init__(self):
        self.arrived: dict[str, str] = {}          # reference -> remote id
        self.sent = 0
        self.down = False

    async def deliver(self, report: dict) -> str:
        if self.down:
            raise ConnectionError("destination down")
        self.sent += 1
        self.arrived[report["reference"]] = f"SIG-{self.sent}"
        return self.arrived[report["reference"]]

    async def find(self, report: dict) -> str | None:
        return self.arrived.get(report["reference"])


def a_report(**changes) -> NewReport:
    values = dict(conversation_id="c1", language="nl", category="straatverlichting-openbare-klok",
                  description="de lantaarnpaal is kapot", location_kind="address",
                  location="Kerkstraat 12, 1234 AD Voorbeeldstad", lat=52.2, lon=5.28, photo=b"\xff\xd8jpeg",
                  photo_type="image/jpeg", contact=None, contact_kind=None)
    return NewReport(**{**values, **changes})


class Store(ReportStore):
    """Reports created at START, so that the tests set the clock."""

    def create(self, report, destinations, now=None):
        return super().create(report, destinations, now or START)


@pytest.fixture
def store(database_url):
    return Store(database_url)


def test_a_report_is_stored_with_its_photo_and_a_reference_before_any_delivery(store):
    report = store.create(a_report(), ["fake"])
    assert re.fullmatch(r"M-[2-9A-HJKMNP-Z]{8}", report["reference"])
    stored = store.get(report["reference"])
    assert stored["photo"] == b"\xff\xd8jpeg" and stored["status"] == "received"
    assert [(o["destination"], o["state"], o["attempts"]) for o in store.outbox(report["id"])] == [("fake", "pending", 0)]


def test_a_report_is_delivered_once(store):
    destination = FakeDestination()
    report = store.create(a_report(), ["fake"])
    assert asyncio.run(deliver_due(store, destination, START)) == 1
    assert asyncio.run(deliver_due(store, destination, START + timedelta(hours=1))) == 0
    assert destination.sent == 1
    [row] = store.outbox(report["id"])
    assert (row["state"], row["remote_id"]) == ("delivered", "SIG-1")


def test_a_destination_that_is_down_gets_it_later(store):
    destination = FakeDestination()
    destination.down = True
    report = store.create(a_report(), ["fake"])
    assert asyncio.run(deliver_due(store, destination, START)) == 0
    [row] = store.outbox(report["id"])
    assert (row["state"], row["attempts"], row["last_error"]) == ("pending", 1, "ConnectionError: destination down")
    destination.down = False
    assert asyncio.run(deliver_due(store, destination, START + timedelta(seconds=30))) == 0   # not due yet
    assert asyncio.run(deliver_due(store, destination, START + retry_pause(1))) == 1
    assert destination.sent == 1


def test_after_the_last_attempt_a_delivery_is_marked_failed(store):
    destination = FakeDestination()
    destination.down = True
    report = store.create(a_report(), ["fake"])
    moment = START
    for _ in range(MAX_ATTEMPTS):
        asyncio.run(deliver_due(store, destination, moment))
        moment += timedelta(hours=3)
    [row] = store.outbox(report["id"])
    assert (row["state"], row["attempts"]) == ("failed", MAX_ATTEMPTS)


def test_a_worker_killed_mid_delivery_does_not_make_it_arrive_twice(store):
    destination = FakeDestination()
    report = store.create(a_report(), ["fake"])
    vanished = store.claim("fake", START)                       # leased, then the process dies...
    asyncio.run(destination.deliver(vanished.report))           # ...after the report arrived
    assert store.claim("fake", START + LEASE / 2) is None        # the lease still holds
    assert asyncio.run(deliver_due(store, destination, START + LEASE * 2)) == 1
    assert destination.sent == 1                                 # asked first, not sent again
    [row] = store.outbox(report["id"])
    assert (row["state"], row["remote_id"]) == ("delivered", "SIG-1")
    assert store.delivered(vanished, "SIG-1") is False           # the old lease records nothing


def test_two_workers_never_hold_the_same_delivery(store):
    store.create(a_report(), ["fake"])
    claimed, barrier = [], threading.Barrier(4)

    def worker():
        barrier.wait()
        claimed.append(store.claim("fake", START))

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([c for c in claimed if c is not None]) == 1


def test_after_the_retention_period_a_done_report_forgets_who_reported(store):
    done = store.create(a_report(contact="an@example.nl", contact_kind="email"), [])
    open_one = store.create(a_report(contact="06 12345678", contact_kind="phone"), [])
    store.set_status(done["reference"], "done", "Gerepareerd.")
    assert store.purge(30, now=datetime.now(timezone.utc)) == 0                      # not old enough yet
    assert store.purge(30, now=datetime.now(timezone.utc) + timedelta(days=31)) == 1
    forgotten, kept = store.get(done["reference"]), store.get(open_one["reference"])
    assert (forgotten["contact"], forgotten["photo"], forgotten["conversation_id"]) == (None, None, None)
    assert forgotten["description"] == "de lantaarnpaal is kapot" and forgotten["status_note"] == "Gerepareerd."
    assert kept["contact"] == "06 12345678"                                          # still being handled
