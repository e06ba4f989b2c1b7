"""The staff console's "Meldingen": reports about public space taken in the chat.

The embedded destination of reports (bot.reports.store): with no outside system configured,
this is where they arrive. Staff list and filter them by category, status and age, open one
with its photo and place, and move it on (received, in progress, done) with a note for the
citizen. Everything a citizen wrote is shown as text (autoescaped); the photo is served only
with an image type and the console's no-sniff header.
"""
from __future__ import annotations

from typing import Callable

from sanic import Blueprint, Request, response

from bot.console.labels import label
from bot.reports.categories import CategoryTree
from bot.reports.store import STATUSES, ReportStore

MAX_NOTE = 1000
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}


def create_blueprint(reports: ReportStore, tree: Callable[[], CategoryTree], login_required, render,
                     refuse) -> Blueprint:
    """`tree`: the category tree, read when first asked for."""
    bp = Blueprint("reports", url_prefix="/staff/meldingen")

    def page(name: str, request: Request, status: int = 200, **context):
        return render(name, status=status, user=request.ctx.user, csrf=request.ctx.session["csrf"],
                      categories={slug: c.names["nl"] for slug, c in tree().categories.items()}, **context)

    @bp.get("/")
    @login_required()
    async def list_page(request: Request):
        category = request.args.get("category") or None
        status = request.args.get("status") or None
        age = request.args.get("older_than_days") or ""
        if (category and category not in tree().categories) or (status and status not in STATUSES) \
                or (age and not age.isdigit()):
            return refuse(request, 400, "unknown_filter")
        found = reports.recent(category, status, int(age) if age else None)
        return page("reports.html", request, reports=found, chosen={"category": category, "status": status,
                                                                     "older_than_days": age})

    @bp.get(r"/<reference:M-[A-Z0-9]{1,20}>")
    @login_required()
    async def report_page(request: Request, reference: str):
        report = reports.get(reference)
        if report is None:
            return refuse(request, 404, "report_not_found")
        return page("report.html", request, report=report, outbox=reports.outbox(report["id"]))

    @bp.get(r"/<reference:M-[A-Z0-9]{1,20}>/foto")
    @login_required()
    async def photo(request: Request, reference: str):
        report = reports.get(reference)
        if report is None or not report["photo"] or report["photo_type"] not in IMAGE_TYPES:
            return response.text(label("staff_errors", "report_not_found"), status=404)
        return response.raw(report["photo"], content_type=report["photo_type"])

    @bp.post(r"/<reference:M-[A-Z0-9]{1,20}>/status")
    @login_required()
    async def change_status(request: Request, reference: str):
        status, note = request.form.get("status", ""), (request.form.get("note") or "").strip()
        if status not in STATUSES:
            return refuse(request, 400, "unknown_status")
        if len(note) > MAX_NOTE:
            return refuse(request, 400, "note_length", limit=MAX_NOTE)
        try:
            reports.set_status(reference, status, note)
        except LookupError:
            return refuse(request, 404, "report_not_found")
        return response.redirect(f"/staff/meldingen/{reference}")

    return bp
