"""The content editors' console (/editor/): the web pages. Find a product, edit its texts,
synonyms and example questions, preview the assistant's answers, publish, see and revert changes;
and the insights (/editor/insights), where a question the assistant could not answer becomes a
synonym or an example question in one click.

The product files in knowledge/products/ stay the source of truth: they are edited by
bot.console.product_files (round-trip YAML that keeps comments, order and quoting) and published
by bot.console.publishing (validated, written atomically, the catalogue rebuilt and swapped in,
every change recorded with its author). The running assistant answers with a published change
from the next message, without retraining. Labels come from bot/console/labels/, the insights'
charts from bot.console.insight_charts.

Editors share the consoles' login; role editor or admin. Citizen texts (insights) are redacted
and always rendered as text (Jinja2 autoescape).
"""
from __future__ import annotations

import asyncio
import logging
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from sanic import Blueprint, Request, response

from bot.answers import plan_product_answer
from bot.catalogue import text as catalogue_text
from bot.catalogue.errors import CatalogueError
from bot.catalogue.model import LIST_TEXT_FIELDS, TEXT_FIELDS, slug
from bot.catalogue.paths import knowledge_dir as default_knowledge_dir
from bot.catalogue.repository import CatalogueRepository
from bot.console.auth import make_login_required
from bot.console.insight_charts import insight_charts
from bot.console.labels import label, labels
from bot.console.product_files import (
    MAX_EXAMPLE,
    MAX_PHRASE,
    EditError,
    add_phrase,
    apply_values,
    diff,
    digest,
    form_values,
    parse_form,
)
from bot.console.publishing import CatalogueEditor
from bot.console.sessions import Sessions
from bot.handover.privacy import redact
from bot.handover.store import HandoverStore
from bot.insights import export
from bot.insights.periods import LOCAL, Period
from bot.insights.repository import InsightsRepository

HERE = Path(__file__).parent
log = logging.getLogger(__name__)

EDITOR_ROLES = ("editor", "admin")
SEARCH_RESULTS = 20
GROUPS_SHOWN = 40

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
templates.filters["language_name"] = lambda code: f"{label('languages', code)} ({code})"
templates.filters["percent"] = lambda value: "–" if value is None else f"{value * 100:.0f}%"
templates.filters["decimal"] = lambda value: "–" if value is None else f"{value:.1f}".replace(".", ",")
templates.filters["reason"] = lambda code: label("reasons", code)
templates.filters["kind"] = lambda code: label("kinds", code)
templates.filters["action"] = lambda code: label("actions", code)
templates.filters["slug"] = slug
templates.filters["local_time"] = lambda iso: (
    datetime.fromisoformat(iso).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if iso else "")


def render(name: str, status: int = 200, **context) -> response.HTTPResponse:
    return response.html(templates.get_template(name).render(**context), status=status)


# ── the web pages ──────────────────────────────────────────────────────────────────────────────
def create_blueprint(store: HandoverStore, catalogue: CatalogueRepository, secure_cookies: bool = False,
                     knowledge_dir: Path | None = None, insights: InsightsRepository | None = None) -> Blueprint:
    bp = Blueprint("editor", url_prefix="/editor")
    bp.static("/static", str(HERE / "static"), name="static")
    login_required = make_login_required(store, Sessions(store), render)
    editor = CatalogueEditor(knowledge_dir or default_knowledge_dir(), catalogue.path, store)
    insights = insights or InsightsRepository(handover_store=store, catalogue=catalogue)

    def page(name: str, request: Request, status: int = 200, **context):
        return render(name, status=status, user=request.ctx.user, csrf=request.ctx.session["csrf"], **context)

    def languages() -> list[str]:
        return catalogue.languages()

    def product_by_slug(product_slug: str) -> str | None:
        return {slug(product_id): product_id for product_id in catalogue.product_ids()}.get(product_slug)

    def product_context(product_id: str) -> dict:
        view = catalogue.product(product_id)
        content = editor.read(product_id)
        return {"product_id": product_id, "product": view, "file": editor.display(editor.path(product_id)),
                "exists": content is not None, "base": digest(content), "languages": languages(),
                "fields": list(TEXT_FIELDS), "field_labels": labels()["fields"], "list_fields": LIST_TEXT_FIELDS,
                "changes": editor.changes(product_id, limit=10), "question_labels": labels()["questions"]}

    # ── search ─────────────────────────────────────────────────────────────────────────────
    @bp.get("/")
    @login_required(roles=EDITOR_ROLES)
    async def search(request: Request):
        query = (request.args.get("q") or "").strip()[:200]
        language = request.args.get("language") or "nl"
        if language not in languages():
            language = "nl"
        results: list[dict] = []
        if query:
            folded = catalogue_text.fold(query)
            seen = set()
            for product_id in catalogue.product_ids():
                if catalogue_text.fold(product_id) == folded:
                    results.insert(0, {"id": product_id, "how": "naam"})
                    seen.add(product_id)
            for product_id in catalogue.product_ids():
                if product_id not in seen and folded in catalogue_text.fold(product_id):
                    results.append({"id": product_id, "how": "naam bevat de zoekterm"})
                    seen.add(product_id)
            for match in catalogue.resolve(query, language, limit=10):
                if match.product_id not in seen:
                    results.append({"id": match.product_id,
                                    "how": f"gevonden zoals de assistent zoekt ({match.score:.2f})"})
                    seen.add(match.product_id)
            results = results[:SEARCH_RESULTS]
            for result in results:
                view = catalogue.product(result["id"])
                result["summary"] = (view.texts.get("summary") if view else None) or ""
                result["has_file"] = editor.path(result["id"]).exists()
        return page("editor_search.html", request, query=query, language=language, languages=languages(),
                    results=results, changes=editor.changes(limit=8))

    # ── one product ────────────────────────────────────────────────────────────────────────
    @bp.get("/products/<product_slug>")
    @login_required(roles=EDITOR_ROLES)
    async def product_page(request: Request, product_slug: str):
        product_id = product_by_slug(product_slug)
        if product_id is None:
            return page("editor_message.html", request, status=404, title="Product niet gevonden",
                        message="Dit product staat niet in de catalogus.")
        context = product_context(product_id)
        try:
            values = form_values(editor.read(product_id), product_id, context["languages"])
        except EditError as error:
            return page("editor_message.html", request, status=409, title="Bestand niet te bewerken",
                        message=f"{context['file']}: {error}")
        published = request.args.get("published")
        # isascii: str.isdigit() also accepts '²'; at most 18 digits: SQLite integers are 64-bit
        change = editor.change(int(published)) if published and published.isascii() and published.isdigit() \
            and len(published) <= 18 else None
        return page("editor_product.html", request, values=values, published=change, **context)

    async def edited(request: Request, product_slug: str):
        product_id = product_by_slug(product_slug)
        if product_id is None:
            return None, None, None, page("editor_message.html", request, status=404, title="Product niet gevonden",
                                          message="Dit product staat niet in de catalogus.")
        context = product_context(product_id)
        context["base"] = (request.form or {}).get("base", "")
        values = None
        try:
            values = parse_form(request.form, context["languages"])
            content = apply_values(editor.read(product_id), product_id, values, context["languages"])
        except EditError as error:
            if values is None:
                values = form_values(editor.read(product_id), product_id, context["languages"])
            return None, None, None, page("editor_product.html", request, status=422, values=values,
                                          error=str(error), **context)
        return product_id, context, (values, content), None

    async def refused_or_done(request: Request, values, context, work, edit_error_status: int):
        """(what `work` returned, None), or (None, the product page naming the problem)."""
        try:
            return await asyncio.to_thread(work), None
        except CatalogueError as error:
            return None, page("editor_product.html", request, status=422, values=values, problems=error.problems,
                              **context)
        except EditError as error:
            return None, page("editor_product.html", request, status=edit_error_status, values=values,
                              error=str(error), **context)

    @bp.post("/products/<product_slug>/preview")
    @login_required(roles=EDITOR_ROLES)
    async def preview(request: Request, product_slug: str):
        product_id, context, edit, failure = await edited(request, product_slug)
        if failure:
            return failure
        values, content = edit
        answers, refusal = await refused_or_done(
            request, values, context, lambda: editor.preview(product_id, content, context["languages"]), 422)
        if refusal:
            return refusal
        # The same plan (responses and values) gives the same text: what differs from the live answer.
        changed = {language: {question: plan != plan_product_answer(catalogue, product_id, language, question)
                              for question, (_, plan) in answers[language].items()}
                   for language in context["languages"]}
        return page("editor_product.html", request, values=values, preview=answers, changed=changed,
                    modified=content != editor.read(product_id), **context)

    @bp.post("/products/<product_slug>/publish")
    @login_required(roles=EDITOR_ROLES)
    async def publish(request: Request, product_slug: str):
        product_id, context, edit, failure = await edited(request, product_slug)
        if failure:
            return failure
        values, content = edit
        change, refusal = await refused_or_done(request, values, context, lambda: editor.publish(
            product_id, content, request.ctx.user["username"], "edit", context["base"]), 409)
        if refusal:
            return refusal
        if change is None:
            return page("editor_product.html", request, values=values, notice="Er was niets gewijzigd.", **context)
        return response.redirect(f"/editor/products/{product_slug}?published={change['id']}")

    # ── changes ────────────────────────────────────────────────────────────────────────────
    @bp.get("/changes")
    @login_required(roles=EDITOR_ROLES)
    async def changes_page(request: Request):
        product_id = request.args.get("product") or None
        rows = editor.changes(product_id)
        for row in rows:
            row["revertable"] = editor.can_revert(row)
        return page("editor_changes.html", request, changes=rows, product_id=product_id)

    @bp.get("/changes/<change_id:int>")
    @login_required(roles=EDITOR_ROLES)
    async def change_page(request: Request, change_id: int):
        change = editor.change(change_id)
        if change is None:
            return page("editor_message.html", request, status=404, title="Wijziging niet gevonden",
                        message="Deze wijziging bestaat niet.")
        return page("editor_change.html", request, change=change, revertable=editor.can_revert(change),
                    lines=diff(change["before"], change["after"], change["file"]))

    @bp.post("/changes/<change_id:int>/revert")
    @login_required(roles=EDITOR_ROLES)
    async def revert(request: Request, change_id: int):
        try:
            change = await asyncio.to_thread(editor.revert, change_id, request.ctx.user["username"])
        except (CatalogueError, EditError) as error:
            original = editor.change(change_id)
            if original is None:
                return page("editor_message.html", request, status=404, title="Wijziging niet gevonden",
                            message=str(error))
            lines = diff(original["before"], original["after"], original["file"])
            if isinstance(error, CatalogueError):
                return page("editor_change.html", request, status=422, change=original, revertable=False,
                            problems=error.problems, lines=lines)
            return page("editor_change.html", request, status=409, change=original, revertable=False,
                        error=str(error), lines=lines)
        if change is None:
            return response.redirect(f"/editor/changes/{change_id}")
        return response.redirect(f"/editor/changes/{change['id']}")

    # ── insights ───────────────────────────────────────────────────────────────────────────
    def insight_params(args) -> tuple[Period, str | None, str | None]:
        language = args.get("language") or None
        error = None
        if language is not None and language not in languages():
            language, error = None, "Onbekende taal; alle talen getoond."
        try:
            default = Period.recent()
            period = Period(args.get("from") or default.first, args.get("to") or default.last)
        except ValueError as problem:
            period, error = Period.recent(), f"Periode niet te gebruiken ({problem}); de laatste 12 weken getoond."
        return period, language, error

    def query_string(period: Period, language: str | None, search: str = "") -> str:
        return urlencode({"from": period.first, "to": period.last, **({"language": language} if language else {}),
                          **({"q": search} if search else {})})

    def search_of(args) -> str:
        return " ".join((args.get("q") or "").split())[:MAX_PHRASE]

    def matching_groups(groups, search: str):
        """The groups with the searched words in one of their questions: with many unanswered
        questions the small groups an editor looks for are not among the largest shown."""
        wanted = catalogue_text.fold(search).split()
        if not wanted:
            return groups
        def matches(row) -> bool:
            texts = [catalogue_text.fold(text) for text in (row.group.representative, *row.group.examples)]
            return any(all(word in text for word in wanted) for text in texts)
        return [row for row in groups if matches(row)]

    async def insights_page(request: Request, status: int = 200, **extra):
        period, language, error = insight_params(request.args)
        search = search_of(request.args)
        report = await asyncio.to_thread(insights.report, period, language)
        known = {" ".join(catalogue_text.fold(p).split()) for p in catalogue.all_synonyms()}
        for row in report.groups:
            row.known = " ".join(catalogue_text.fold(row.group.representative).split()) in known
        found = matching_groups(report.groups, search)
        added = request.args.get("added")
        return page("editor_insights.html", request, status=status, report=report, languages=languages(),
                    error=extra.pop("error", None) or error, query=query_string(period, language, search),
                    search=search, found=found, groups=found[:GROUPS_SHOWN], product_ids=catalogue.product_ids(),
                    added=editor.change(int(added)) if added and added.isdigit() else None,
                    charts=insight_charts(report), tables=list(export.TABLES), **extra)

    @bp.get("/insights")
    @login_required(roles=EDITOR_ROLES)
    async def insights_get(request: Request):
        return await insights_page(request)

    @bp.post("/insights/synonym")
    @login_required(roles=EDITOR_ROLES)
    async def insights_synonym(request: Request):
        return await insights_phrase(request, "synonym")

    @bp.post("/insights/example")
    @login_required(roles=EDITOR_ROLES)
    async def insights_example(request: Request):
        return await insights_phrase(request, "example")

    async def insights_phrase(request: Request, kind: str):
        """An unanswered question's words added to a product: as a synonym, or as an example
        question the matcher learns from. Live after the rebuild that publishing does."""
        key, name = ("synonyms", "synoniem") if kind == "synonym" else ("examples", "voorbeeldvraag")
        form = request.form or {}
        phrase = " ".join((form.get("phrase") or "").split())
        language = form.get("language") or ""
        product_id = (form.get("product") or "").strip()
        period, period_language, _ = insight_params(request.args)
        problem = None
        limit = MAX_PHRASE if kind == "synonym" else MAX_EXAMPLE
        if not phrase or len(phrase) > limit:
            problem = f"Een {name} heeft 1 tot {limit} tekens."
        elif redact(phrase) != phrase:
            problem = f"Deze {name} bevat iets dat op persoonsgegevens lijkt; pas het aan."
        elif language not in languages():
            problem = "Kies een taal."
        elif not catalogue.exists(product_id):
            problem = f"Product '{product_id}' bestaat niet in de catalogus."
        if problem is None:
            try:
                content = add_phrase(editor.read(product_id), product_id, key, language, phrase, languages())
                change = await asyncio.to_thread(editor.publish, product_id, content,
                                                 request.ctx.user["username"], kind)
                query = query_string(period, period_language, search_of(request.args))
                # publish returns None when the file already was this content: nothing was added.
                added = f"&added={change['id']}#added" if change is not None else ""
                return response.redirect(f"/editor/insights?{query}{added}")
            except CatalogueError as error:
                problem = f"De catalogus is niet geldig met deze {name}: " + "; ".join(str(p) for p in error.problems)
            except EditError as error:
                problem = str(error)
        return await insights_page(request, status=422, error=problem)

    @bp.get("/insights.csv")
    @login_required(roles=EDITOR_ROLES)
    async def insights_csv(request: Request):
        period, language, _ = insight_params(request.args)
        report = await asyncio.to_thread(insights.report, period, language)
        return csv_response(export.report_csv(report), f"inzichten-{period.first}-{period.last}.csv")

    @bp.get("/insights/<name>")
    @login_required(roles=EDITOR_ROLES)
    async def insights_table_csv(request: Request, name: str):
        table = name[:-4] if name.endswith(".csv") else None
        if table not in export.TABLES:
            return page("editor_message.html", request, status=404, title="Tabel niet gevonden",
                        message="Deze tabel bestaat niet.")
        period, language, _ = insight_params(request.args)
        report = await asyncio.to_thread(insights.report, period, language)
        return csv_response(export.table_csv(report, table), f"inzichten-{table}-{period.first}-{period.last}.csv")

    return bp


def csv_response(content: str, filename: str) -> response.HTTPResponse:
    return response.text(content, content_type="text/csv; charset=utf-8",
                         headers={"Content-Disposition": f'attachment; filename="{filename}"'})


