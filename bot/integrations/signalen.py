"""Signalen, the reporting system of Amsterdam used by many municipalities: a destination of
reports about public space (bot.reports.store's outbox).

Its private API, for a server that reports on behalf of many citizens (read in github.com/
Amsterdam/signals; summary in ../shared/data/signalen/README.md):
- `POST /signals/v1/private/signals/` with a bearer token creates a report. Only the keys
  `source, text, text_extra, location, category, reporter, incident_date_start,
  incident_date_end, extra_properties, session` are accepted; the category is Signalen's URL of
  the sub category; the location a GeoJSON point, `[longitude, latitude]`.
- `POST /signals/v1/private/signals/{id}/attachments/` adds a photo (multipart field `file`).
- `GET /signals/v1/private/signals/?created_after=...` lists reports: after an attempt whose
  outcome is unknown, the outbox asks whether the report arrived (our reference is in
  `text_extra`) before it sends again.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Callable

from bot.integrations.http import HttpClient, OutsideSystemError, PartlyDelivered
from bot.settings import Endpoint

SIGNALS = "/signals/v1/private/signals/"
CATEGORY_URL = "/signals/v1/public/terms/categories/{main}/sub_categories/{sub}"
# How far before the stored report's time a search for it starts (clocks differ a little).
SEARCH_MARGIN = timedelta(minutes=10)


class SignalenClient(HttpClient):
    system = "Signalen"
    name = "signalen"                 # the destination's name in the outbox

    def __init__(self, endpoint: Endpoint, main_of: Callable[[str], str], fallback_point: tuple[float, float],
                 source: str | None = None):
        super().__init__(endpoint)
        self.main_of = main_of        # sub category slug -> main category slug
        self.fallback_point = fallback_point
        self.source = source

    @staticmethod
    def marker(report: dict) -> str:
        return f"Gemeld via de chat, referentie {report['reference']}."

    def body(self, report: dict) -> dict[str, Any]:
        """The creation body: only keys Signalen accepts."""
        lat, lon = (report["lat"], report["lon"]) if report.get("lat") is not None else self.fallback_point
        place = report.get("location") or ""
        body: dict[str, Any] = {
            "text": report["description"],
            "text_extra": f"{self.marker(report)} Plaats: {place}".strip(),
            "location": {"geometrie": {"type": "Point", "coordinates": [lon, lat]}},
            "category": {"sub_category": CATEGORY_URL.format(main=self.main_of(report["category"]),
                                                             sub=report["category"])},
            "incident_date_start": report["created_at"],
        }
        if report.get("contact") and report.get("contact_kind") in ("email", "phone"):
            body["reporter"] = {report["contact_kind"]: report["contact"], "sharing_allowed": False}
        if self.source:
            body["source"] = self.source
        return body

    async def deliver(self, report: dict) -> str:
        created = await self.request("POST", SIGNALS, json=self.body(report))
        remote_id = str(created.get("id_display") or created["id"])
        if report.get("photo"):
            content_type = report.get("photo_type") or "image/jpeg"
            extension = {"image/png": "png", "image/webp": "webp"}.get(content_type, "jpg")
            photo = (f"{report['reference']}.{extension}", report["photo"], content_type)
            try:
                await self.request("POST", f"{SIGNALS}{created.get('signal_id') or created['id']}/attachments/",
                                   files={"file": photo})
            except OutsideSystemError as error:     # the report is there: sending it again would double it
                raise PartlyDelivered(remote_id, f"photo not attached: {error}") from error
        return remote_id

    async def find(self, report: dict) -> str | None:
        since = datetime.fromisoformat(report["created_at"]) - SEARCH_MARGIN
        answer = await self.request("GET", SIGNALS, params={"created_after": since.isoformat()})
        for signal in (answer or {}).get("results", []):
            if self.marker(report) in (signal.get("text_extra") or ""):
                return str(signal.get("id_display") or signal["id"])
        return None
