"""Reports stored first, then delivered through an outbox: nothing lost, nothing sent twice.

The citizen gets a reference as soon as the report is in the app's database (SQLite or
PostgreSQL); passing it on happens after, from `report_outbox`, one row per destination:
- a worker leases a due row (`claim`: an UPDATE whose WHERE demands a free or expired lease,
  counted, so two workers never hold the same row) and then delivers;
- only the lease holder can mark the row delivered (`delivered` checks the attempt number), so a
  worker whose lease ran out cannot record a second delivery;
- a failure is retried later, with a growing pause, up to MAX_ATTEMPTS;
- every attempt after the first asks the destination whether the report arrived already
  (`Destination.find`) and only sends when it did not: a timeout or a worker killed mid-delivery
  may hide a report that did arrive.
"""
from __future__ import annotations

import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Protocol

from sqlalchemy import and_, or_, select, update
from sqlalchemy.engine import Engine

from bot import storage
from bot.integrations.http import PartlyDelivered
from bot.storage import report_outbox, reports

STATUSES = ("received", "in_progress", "done")
MAX_ATTEMPTS = 8
LEASE = timedelta(minutes=2)
# Unambiguous letters and digits for references read over the phone (no 0/O, 1/I/L).
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _now() -> datetime:
    return datetime.now(timezone.utc)


def _stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


def new_reference() -> str:
    return "M-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(8))


def retry_pause(attempts: int) -> timedelta:
    """1, 2, 4 ... minutes after each failed attempt, at most 2 hours."""
    return timedelta(minutes=min(120, 2 ** max(0, attempts - 1)))


@dataclass(frozen=True)
class NewReport:
    conversation_id: str | None
    language: str
    category: str
    description: str
    location_kind: str
    location: str                     # what was found, or the citizen's description
    lat: float | None = None
    lon: float | None = None
    photo: bytes | None = None
    photo_type: str | None = None
    contact: str | None = None
    contact_kind: str | None = None   # email or phone


@dataclass(frozen=True)
class Delivery:
    """A leased outbox row: the report to pass on, and the attempt that holds the lease."""
    id: int
    report: dict
    destination: str
    attempts: int
    uncertain: bool                   # an earlier attempt may have arrived (a timeout, a vanished worker)


class Destination(Protocol):
    """Where reports go: the staff console's list, Signalen, ... (one class per system)."""
    name: str

    async def deliver(self, report: dict) -> str:
        """Pass the report on; the destination's id for it. Raises on failure."""

    async def find(self, report: dict) -> str | None:
        """The destination's id when the report arrived already (asked after an uncertain attempt)."""


class ReportStore:
    """`target`: a database URL, or the path of an SQLite file; default DATABASE_URL (bot.storage)."""

    def __init__(self, target: str | os.PathLike | None = None):
        self.url = storage.url_of(target) if target else storage.database_url()

    @property
    def engine(self) -> Engine:
        return storage.create_tables(storage.engine_for(self.url))

    def create(self, report: NewReport, destinations: list[str], now: datetime | None = None) -> dict:
        """Store the report and one outbox row per destination, in one transaction."""
        moment = _stamp(now or _now())
        row = {"id": str(uuid.uuid4()), "reference": new_reference(), "status": "received", "status_note": None,
               "created_at": moment, "updated_at": moment, **report.__dict__}
        with self.engine.begin() as connection:
            connection.execute(reports.insert().values(row))
            for destination in destinations:
                connection.execute(report_outbox.insert().values(
                    report_id=row["id"], destination=destination, state="pending", attempts=0,
                    next_attempt_at=moment))
        return row

    def get(self, reference: str) -> dict | None:
        with self.engine.connect() as connection:
            found = connection.execute(select(reports).where(reports.c.reference == reference)).mappings().first()
        return dict(found) if found else None

    def recent(self, category: str | None = None, status: str | None = None,
             older_than_days: int | None = None, limit: int = 200) -> list[dict]:
        """The newest reports first, without their photos, filtered for the staff console."""
        columns = [c for c in reports.c if c.name != "photo"] + [reports.c.photo.isnot(None).label("has_photo")]
        query = select(*columns).order_by(reports.c.created_at.desc()).limit(limit)
        if category:
            query = query.where(reports.c.category == category)
        if status:
            query = query.where(reports.c.status == status)
        if older_than_days:
            query = query.where(reports.c.created_at < _stamp(_now() - timedelta(days=older_than_days)))
        with self.engine.connect() as connection:
            return [dict(r) for r in connection.execute(query).mappings().all()]

    def set_status(self, reference: str, status: str, note: str | None) -> None:
        """Staff move a report on; the note is for the citizen. LookupError: no such report."""
        if status not in STATUSES:
            raise ValueError(status)
        with self.engine.begin() as connection:
            changed = connection.execute(update(reports).where(reports.c.reference == reference).values(
                status=status, status_note=note or None, updated_at=_stamp(_now()))).rowcount
        if changed != 1:
            raise LookupError(reference)

    def purge(self, older_than_days: int, now: datetime | None = None) -> int:
        """Forget who reported: the contact, the photo and the conversation of reports that are
        done and were last changed more than `older_than_days` ago. What was reported and where
        stays: it is the municipality's record of its public space, not personal data."""
        cutoff = _stamp((now or _now()) - timedelta(days=older_than_days))
        with self.engine.begin() as connection:
            return connection.execute(update(reports).where(and_(
                reports.c.status == "done", reports.c.updated_at < cutoff,
                or_(reports.c.contact.isnot(None), reports.c.photo.isnot(None),
                    reports.c.conversation_id.isnot(None)))).values(
                contact=None, contact_kind=None, photo=None, photo_type=None, conversation_id=None)).rowcount

    def outbox(self, report_id: str) -> list[dict]:
        with self.engine.connect() as connection:
            rows = connection.execute(select(report_outbox).where(report_outbox.c.report_id == report_id)
                                      .order_by(report_outbox.c.destination)).mappings().all()
        return [dict(r) for r in rows]

    def claim(self, destination: str, now: datetime | None = None) -> Delivery | None:
        """Lease the oldest due row of `destination`; None when nothing is due."""
        now = now or _now()
        due = and_(report_outbox.c.destination == destination, report_outbox.c.state == "pending",
                   report_outbox.c.next_attempt_at <= _stamp(now),
                   or_(report_outbox.c.leased_until.is_(None), report_outbox.c.leased_until < _stamp(now)))
        with self.engine.begin() as connection:
            candidates = connection.execute(select(report_outbox.c.id, report_outbox.c.attempts,
                                                   report_outbox.c.leased_until)
                                            .where(due).order_by(report_outbox.c.next_attempt_at).limit(5)).all()
            for outbox_id, attempts, _ in candidates:
                taken = connection.execute(update(report_outbox).where(
                    and_(report_outbox.c.id == outbox_id, report_outbox.c.attempts == attempts, due))
                    .values(attempts=attempts + 1, leased_until=_stamp(now + LEASE))).rowcount
                if taken == 1:
                    report = connection.execute(select(reports).join(
                        report_outbox, report_outbox.c.report_id == reports.c.id).where(
                        report_outbox.c.id == outbox_id)).mappings().one()
                    return Delivery(outbox_id, dict(report), destination, attempts + 1, attempts > 0)
        return None

    def delivered(self, delivery: Delivery, remote_id: str, now: datetime | None = None,
                  note: str | None = None) -> bool:
        """Record the delivery, only for the attempt that holds the lease; False when it no longer
        does. `note`: what did not arrive with it (for staff; no personal data)."""
        with self.engine.begin() as connection:
            return connection.execute(update(report_outbox).where(and_(
                report_outbox.c.id == delivery.id, report_outbox.c.attempts == delivery.attempts,
                report_outbox.c.state == "pending")).values(
                state="delivered", remote_id=remote_id, delivered_at=_stamp(now or _now()),
                leased_until=None, last_error=note)).rowcount == 1

    def failed(self, delivery: Delivery, reason: str, now: datetime | None = None) -> None:
        """Try again later (a pause that grows), or give up after MAX_ATTEMPTS. `reason` must not
        hold personal data: it is shown to staff and logged."""
        now = now or _now()
        state = "failed" if delivery.attempts >= MAX_ATTEMPTS else "pending"
        with self.engine.begin() as connection:
            connection.execute(update(report_outbox).where(and_(
                report_outbox.c.id == delivery.id, report_outbox.c.attempts == delivery.attempts)).values(
                state=state, leased_until=None, last_error=reason[:300],
                next_attempt_at=_stamp(now + retry_pause(delivery.attempts))))


async def deliver_due(store: ReportStore, destination: Destination, now: datetime | None = None) -> int:
    """Deliver every due report to `destination`; how many arrived."""
    arrived = 0
    while (delivery := store.claim(destination.name, now)) is not None:
        try:
            remote_id = await destination.find(delivery.report) if delivery.uncertain else None
            if remote_id is None:
                remote_id = await destination.deliver(delivery.report)
        except PartlyDelivered as partly:
            arrived += store.delivered(delivery, partly.remote_id, now, note=partly.note[:300])
            continue
        except Exception as error:      # any failure of the destination: retried later
            store.failed(delivery, f"{type(error).__name__}: {error}"[:300], now)
            continue
        arrived += store.delivered(delivery, remote_id, now)
    return arrived
