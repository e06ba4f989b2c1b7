"""A fake Signalen built from its published API rules (../shared/data/signalen/: the category
tree of its fixtures, the keys its create serializer accepts, the shape of its answer)."""
from __future__ import annotations

import json
import re
import uuid
from aiohttp import web

from tests.conftest import PROJECT

SHARED = PROJECT.parent / "shared" / "data" / "signalen"
ACCEPTED = {"source", "text", "text_extra", "location", "category", "reporter", "incident_date_start",
            "incident_date_end", "extra_properties", "session"}
CATEGORY = re.compile(r"^/signals/v1/public/terms/categories/([a-z0-9-]+)/sub_categories/([a-z0-9-]+)$")


def category_tree() -> set[tuple[str, str]]:
    """(main slug, sub slug) pairs of Signalen's own fixture."""
    rows = json.loads((SHARED / "categories.json").read_text(encoding="utf-8"))
    mains = {row["pk"]: row["fields"]["slug"] for row in rows if row["fields"]["parent"] is None}
    return {(mains[row["fields"]["parent"]], row["fields"]["slug"]) for row in rows if row["fields"]["parent"]}


class FakeSignalen:
    def __init__(self, token: str):
        self.token = token
        self.signals: list[dict] = []
        self.attachments: dict[str, list[tuple[str, bytes]]] = {}
        self.fail_next = 0                   # answer 503 to this many create calls
        self.fail_attachments = False
        self.tree = category_tree()

    def app(self) -> web.Application:
        app = web.Application()
        app.router.add_post("/signals/v1/private/signals/", self.create)
        app.router.add_get("/signals/v1/private/signals/", self.list)
        app.router.add_post("/signals/v1/private/signals/{signal}/attachments/", self.attach)
        return app

    def authorised(self, request: web.Request) -> bool:
        return request.headers.get("Authorization") == f"Bearer {self.token}"

    async def create(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return web.json_response({"detail": "Authenticatiegegevens zijn niet opgegeven."}, status=401)
        if self.fail_next:
            self.fail_next -= 1
            return web.Response(status=503)
        body = await request.json()
        problems = {}
        extra = sorted(set(body) - ACCEPTED)
        if extra:
            problems["non_field_errors"] = [f"Extra properties present: {', '.join(extra)}"]
        if not body.get("incident_date_start"):
            problems["incident_date_start"] = ["Dit veld is vereist."]
        point = (body.get("location") or {}).get("geometrie") or {}
        coordinates = point.get("coordinates") or []
        in_netherlands = len(coordinates) == 2 and 3 < coordinates[0] < 8 and 50 < coordinates[1] < 54
        if point.get("type") != "Point" or not in_netherlands:
            problems["location"] = ["Een punt in Nederland, als [lengtegraad, breedtegraad]."]
        match = CATEGORY.match((body.get("category") or {}).get("sub_category", ""))
        if not match or (match.group(1), match.group(2)) not in self.tree:
            problems["category"] = ["Onbekende categorie."]
        if problems:
            return web.json_response(problems, status=400)
        number = len(self.signals) + 1
        signal = {"id": number, "signal_id": str(uuid.uuid4()), "id_display": f"SIG-{number}", **body}
        self.signals.append(signal)
        return web.json_response(signal, status=201)

    async def list(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return web.json_response({"detail": "no"}, status=401)
        after = request.query.get("created_after", "")
        found = [s for s in self.signals if s["incident_date_start"] >= after[:19]]
        return web.json_response({"count": len(found), "results": found})

    async def attach(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            return web.json_response({"detail": "no"}, status=401)
        if self.fail_attachments:
            return web.Response(status=502)
        form = await request.post()
        upload = form.get("file")
        if not isinstance(upload, web.FileField) or not upload.content_type.startswith("image/"):
            return web.json_response({"file": ["Alleen afbeeldingen."]}, status=400)
        self.attachments.setdefault(request.match_info["signal"], []).append(
            (upload.content_type, upload.file.read()))
        return web.json_response({"_display": "Attachment"}, status=201)
