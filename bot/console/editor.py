"""The content editors' console (/editor/): find a product, edit its texts and synonyms, preview
the assistant's answers, publish, see and revert changes; and the insights (/editor/insights).

The product files in knowledge/products/ stay the source of truth. Publishing writes the edited
file (atomically, keeping the rest of the file as it was: comments, order, quoting), validates
every source, and rebuilds the catalogue database, which is swapped in atomically; the running
assistant's CatalogueRepository notices the new file and answers with it from the next message,
without retraining. A change that does not validate is not written (and a build that fails
restores the previous file). Every published change is recorded with its author and the file
before and after in the table `catalogue_changes` of the handover store's database.

Editors share the consoles' login; role editor or admin. Citizen texts (insights) are redacted
and always rendered as text (Jinja2 autoescape).
"""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import difflib
import fcntl
import hashlib
import io
import logging
import tempfile
import threading
from datetime import datetime
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.scalarstring import LiteralScalarString
from sanic import Blueprint, Request, response
from sqlalchemy import select

from bot.answers import QUESTION_TYPES, plan_product_answer, render_plan
from bot.catalogue import sources, text as catalogue_text
from bot.catalogue.atomic import write_text
from bot.catalogue.build import build, write_database
from bot.catalogue.errors import CatalogueError
from bot.catalogue.model import LIST_TEXT_FIELDS, TEXT_FIELDS, slug
from bot.catalogue.paths import knowledge_dir as default_knowledge_dir
from bot.catalogue.repository import CatalogueRepository
from bot.console.auth import make_login_required
from bot.console.sessions import Sessions
from bot.handover.privacy import redact
from bot.handover.store import HandoverStore, stamp
from bot.insights import export
from bot.insights.periods import LOCAL, Period
from bot.insights.repository import InsightsRepository
from bot.storage import catalogue_changes

HERE = Path(__file__).parent
log = logging.getLogger(__name__)

EDITOR_ROLES = ("editor", "admin")
MAX_FIELD = 4000
MAX_PHRASE = 120
MAX_EXAMPLE = 300
SEARCH_RESULTS = 20
GROUPS_SHOWN = 40
CHANGES_SHOWN = 50

LANGUAGE_NAMES = {"nl": "Nederlands", "en": "Engels", "fr": "Frans", "de": "Duits"}
FIELD_LABELS = {
    "summary": "Samenvatting: wat is het (1 tot 3 zinnen)",
    "who": "Voor wie",
    "how_to_apply": "Hoe vraagt u het aan",
    "bring": "Wat neemt u mee (één per regel)",
    "good_to_know": "Goed om te weten",
    "synonyms": "Synoniemen: woorden van inwoners (één per regel)",
    "examples": "Voorbeeldvragen: berichten zoals inwoners ze typen (één per regel)",
}
# Per language, besides the texts: the citizens' words for the product, one per line.
PHRASE_FIELDS = ("synonyms", "examples")
# A long list of examples is longer than a text field may be.
MAX_PHRASE_FIELD = 20000
QUESTION_LABELS = {
    "ask_info": "Wat is het?", "ask_apply": "Hoe vraag ik het aan?", "ask_cost": "Wat kost het?",
    "ask_bring": "Wat moet ik meenemen?", "ask_duration": "Hoe lang duurt het?", "make_appointment": "Afspraak maken",
    "report_problem": "Iets melden",
}
ACTION_LABELS = {"edit": "bewerkt", "create": "aangemaakt", "revert": "teruggedraaid", "synonym": "synoniem toegevoegd",
                 "example": "voorbeeldvraag toegevoegd"}
REASON_LABELS = {
    "asked": "vroeg om een medewerker", "not_digitally_confident": "niet digitaal vaardig", "sensitive": "gevoelige situatie",
    "not_understood": "niet begrepen", "stuck": "vastgelopen", "repeated_question": "herhaalde vraag",
    "language": "taal niet ondersteund", "frustration": "ontevreden", "unknown": "onbekend",
}
KIND_LABELS = {"chat": "livechat", "callback": "terugbelverzoek"}

templates = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape(default=True))
templates.filters["language_name"] = lambda code: f"{LANGUAGE_NAMES.get(code, code)} ({code})"
templates.filters["percent"] = lambda value: "–" if value is None else f"{value * 100:.0f}%"
templates.filters["decimal"] = lambda value: "–" if value is None else f"{value:.1f}".replace(".", ",")
templates.filters["reason"] = lambda code: REASON_LABELS.get(code, code)
templates.filters["kind"] = lambda code: KIND_LABELS.get(code, code)
templates.filters["action"] = lambda code: ACTION_LABELS.get(code, code)
templates.filters["slug"] = slug
templates.filters["local_time"] = lambda iso: (
    datetime.fromisoformat(iso).astimezone(LOCAL).strftime("%Y-%m-%d %H:%M") if iso else "")


def render(name: str, status: int = 200, **context) -> response.HTTPResponse:
    return response.html(templates.get_template(name).render(**context), status=status)


class EditError(Exception):
    """A change that cannot be made as asked (not a validation problem of the sources)."""


class ConflictError(EditError):
    pass


# ── the product file: YAML that keeps its layout ──────────────────────────────────────────────
def _yaml() -> YAML:
    """Round-trip YAML set up as the product files are written: unchanged parts stay byte for byte."""
    yaml = YAML(typ="rt")
    yaml.width = 4096
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=2, offset=0)
    return yaml


def load_mapping(content: str | None, product_id: str) -> CommentedMap:
    if content is None:
        return CommentedMap([("id", product_id)])
    try:
        data = _yaml().load(content)
    except Exception as error:   # ruamel raises several error types for broken YAML
        raise EditError(f"het bestand is geen geldige YAML: {error}") from None
    if not isinstance(data, CommentedMap):
        raise EditError("het bestand is geen mapping van sleutels en waarden")
    return data


def dump(data: CommentedMap) -> str:
    buffer = io.StringIO()
    _yaml().dump(data, buffer)
    return buffer.getvalue()


def clean_text(value: str) -> str:
    lines = (value or "").replace("\r\n", "\n").replace("\r", "\n").split("\n")
    return "\n".join(line.rstrip() for line in lines).strip()


def clean_lines(value: str) -> list[str]:
    return [line.strip() for line in clean_text(value).split("\n") if line.strip()]


def unique(phrases: list[str]) -> list[str]:
    seen, result = set(), []
    for phrase in phrases:
        key = " ".join(catalogue_text.fold(phrase).split())
        if key not in seen:
            seen.add(key)
            result.append(" ".join(phrase.split()))
    return result


def form_values(content: str | None, product_id: str, languages: list[str]) -> dict[str, dict[str, str]]:
    """Per language, the textarea contents for every field (lists one item per line)."""
    data = load_mapping(content, product_id)
    texts = data.get("texts") if isinstance(data.get("texts"), dict) else {}
    values = {}
    for language in languages:
        block = texts.get(language) if isinstance(texts.get(language), dict) else {}
        entry = {}
        for name in TEXT_FIELDS:
            value = block.get(name)
            entry[name] = "\n".join(str(v) for v in value) if isinstance(value, list) else (str(value) if value else "")
        for key in PHRASE_FIELDS:
            phrases = data.get(key).get(language) if isinstance(data.get(key), dict) else None
            entry[key] = "\n".join(str(p) for p in phrases) if isinstance(phrases, list) else ""
        values[language] = entry
    return values


def parse_form(form, languages: list[str]) -> dict[str, dict[str, str]]:
    """The posted textareas, as form_values gives them (raw, for showing the form again)."""
    values = {}
    for language in languages:
        entry = {}
        for name in (*TEXT_FIELDS, *PHRASE_FIELDS):
            raw = (form.get(f"{language}.{name}") or "") if form else ""
            limit = MAX_PHRASE_FIELD if name == "examples" else MAX_FIELD
            if len(raw) > limit:
                raise EditError(f"{LANGUAGE_NAMES.get(language, language)}, {FIELD_LABELS[name]}: "
                                f"te lang (hoogstens {limit} tekens)")
            entry[name] = raw
        values[language] = entry
    return values


def _insert_position(mapping: CommentedMap, key: str, order: list[str]) -> int:
    """Where `key` goes among the keys of `mapping` that follow `order`."""
    rank = order.index(key)
    position = 0
    for index, existing in enumerate(mapping):
        if existing in order and order.index(existing) < rank:
            position = index + 1
    return position


def _set(mapping: CommentedMap, key: str, value, order: list[str]) -> None:
    if key in mapping:
        mapping[key] = value
    else:
        mapping.insert(_insert_position(mapping, key, order), key, value)


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def apply_values(content: str | None, product_id: str, values: dict[str, dict[str, str]],
                 languages: list[str]) -> str:
    """The product file with the form's texts and synonyms; everything else stays as it was."""
    data = load_mapping(content, product_id)
    if not isinstance(data.get("texts"), dict):
        _set(data, "texts", CommentedMap(), TOP_ORDER)
    texts = data["texts"]
    for language in languages:
        entry = values.get(language, {})
        block = texts.get(language) if isinstance(texts.get(language), dict) else None
        for name in TEXT_FIELDS:
            if name in LIST_TEXT_FIELDS:
                new = clean_lines(entry.get(name, ""))
            else:
                new = clean_text(entry.get(name, ""))
            if not new:
                if block is not None and block.get(name):      # an empty value ([]) the file has stays
                    del block[name]
                continue
            if block is None:
                block = CommentedMap()
                _set(texts, language, block, languages)
            current = block.get(name)
            if name in LIST_TEXT_FIELDS:
                if isinstance(current, list) and [str(c) for c in current] == new:
                    continue
                if isinstance(current, CommentedSeq):
                    del current[:]
                    current.extend(new)
                else:
                    _set(block, name, CommentedSeq(new), list(TEXT_FIELDS))
            elif current != new:
                _set(block, name, LiteralScalarString(new) if "\n" in new else new, list(TEXT_FIELDS))
        if block is not None and not len(block):
            del texts[language]
    for key in PHRASE_FIELDS:
        _apply_phrases(data, key, {language: values.get(language, {}).get(key, "") for language in languages},
                       languages)
    return dump(data)


TOP_ORDER = ["id", "local", "theme", "handled_by", "channels", "texts", "synonyms", "examples"]


def _apply_phrases(data: CommentedMap, key: str, raw: dict[str, str], languages: list[str]) -> None:
    """Set the synonyms or examples (`key`) of the languages in `raw` (one per line); `languages`
    gives their order. Synonyms are short and stay on one line; examples get a line each."""
    synonyms = data.get(key)
    if not isinstance(synonyms, dict):
        synonyms = CommentedMap()
    for language in raw:
        new = unique(clean_lines(raw.get(language, "")))
        current = synonyms.get(language)
        if not new:
            if synonyms.get(language):
                del synonyms[language]
        elif isinstance(current, list) and [str(c) for c in current] == new:
            continue
        elif isinstance(current, CommentedSeq):
            del current[:]
            current.extend(new)
        else:
            _set(synonyms, language, _flow(new) if key == "synonyms" else CommentedSeq(new), languages)
    if len(synonyms):
        if key not in data:
            _set(data, key, synonyms, TOP_ORDER)
    elif key in data:
        del data[key]


PHRASE_NAMES = {"synonyms": "synoniem", "examples": "voorbeeldvraag"}


def add_phrase(content: str | None, product_id: str, key: str, language: str, phrase: str, languages: list[str]) -> str:
    """The product file with one more synonym or example (`key`) in `language`."""
    data = load_mapping(content, product_id)
    phrases = data.get(key) if isinstance(data.get(key), dict) else {}
    current = [str(p) for p in phrases.get(language) or []] if isinstance(phrases.get(language), list) else []
    if " ".join(catalogue_text.fold(phrase).split()) in {" ".join(catalogue_text.fold(p).split()) for p in current}:
        raise EditError(f"'{phrase}' is al een {PHRASE_NAMES[key]} van {product_id} ({language}).")
    _apply_phrases(data, key, {language: "\n".join([*current, phrase])}, languages)
    return dump(data)


def digest(content: str | None) -> str:
    return "" if content is None else hashlib.sha256(content.encode("utf-8")).hexdigest()


def diff(before: str | None, after: str | None, name: str) -> list[tuple[str, str]]:
    """A unified diff as (kind, line) pairs; kind is add, remove, hunk or context."""
    lines = difflib.unified_diff((before or "").splitlines(), (after or "").splitlines(),
                                 fromfile=f"{name} (voor)", tofile=f"{name} (na)", lineterm="", n=2)
    result = []
    for line in lines:
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "context"
        result.append((kind, line))
    return result


# ── publishing ─────────────────────────────────────────────────────────────────────────────────
class CatalogueEditor:
    """Validates, previews and publishes product files, and keeps the audit trail."""

    _lock = threading.Lock()      # one publication at a time in this process (and flock across processes)

    def __init__(self, knowledge_dir: Path, database: Path, store: HandoverStore, report=log.info):
        self.knowledge_dir = Path(knowledge_dir)
        self.database = Path(database)
        self.store = store
        self.report = report

    # paths
    def path(self, product_id: str) -> Path:
        return self.knowledge_dir / "products" / f"{slug(product_id)}.yml"

    def display(self, path: Path) -> str:
        try:
            return str(path.relative_to(self.knowledge_dir.parent))
        except ValueError:
            return str(path)

    def read(self, product_id: str) -> str | None:
        try:
            return self.path(product_id).read_text(encoding="utf-8")
        except FileNotFoundError:
            return None

    # audit table (bot.storage.catalogue_changes, in the handover store's database)
    def changes(self, product_id: str | None = None, limit: int = CHANGES_SHOWN) -> list[dict]:
        query = select(catalogue_changes).order_by(catalogue_changes.c.id.desc()).limit(limit)
        if product_id:
            query = query.where(catalogue_changes.c.product_id == product_id)
        with self.store.engine.connect() as connection:
            return [dict(row) for row in connection.execute(query).mappings()]

    def change(self, change_id: int) -> dict | None:
        query = select(catalogue_changes).where(catalogue_changes.c.id == change_id)
        with self.store.engine.connect() as connection:
            row = connection.execute(query).mappings().first()
        return dict(row) if row else None

    def can_revert(self, change: dict) -> bool:
        """Only while the file is still as the change left it (later changes are reverted first)."""
        return digest(self.read(change["product_id"])) == digest(change["after"])

    # overlay: the sources with one product file replaced, for validation and previews
    @contextlib.contextmanager
    def _overlay(self, product_id: str, content: str | None):
        with tempfile.TemporaryDirectory(prefix="catalogue-edit-") as scratch:
            root = Path(scratch) / self.knowledge_dir.name
            root.mkdir()
            for entry in self.knowledge_dir.iterdir():
                if entry.name != "products":
                    (root / entry.name).symlink_to(entry.resolve())
            products = root / "products"
            products.mkdir()
            target = self.path(product_id).name
            for entry in (self.knowledge_dir / "products").iterdir():
                if entry.name != target and not entry.name.startswith("."):     # not another writer's temporary file
                    (products / entry.name).symlink_to(entry.resolve())
            if content is not None:
                (products / target).write_text(content, encoding="utf-8")
            yield root, Path(scratch)

    def validate(self, product_id: str, content: str | None) -> None:
        """Raise CatalogueError (file, line, field) if the sources with this file are not valid."""
        with self._overlay(product_id, content) as (root, _):
            sources.load(root)

    def preview(self, product_id: str, content: str | None, languages: list[str]) -> dict[str, dict[str, tuple]]:
        """The assistant's answer to every question type in every language, as (text, plan), from a
        temporary database built from the sources with this file (CatalogueError if they are not valid)."""
        with self._overlay(product_id, content) as (root, scratch):
            catalogue = sources.load(root)                       # all sources, as a publication checks them
            if product_id not in catalogue.products:
                raise EditError(f"'{product_id}' is not in the catalogue")
            database = scratch / "preview.db"
            # The build's own writer, for this product only: its answers depend on nothing else
            # (organisations, themes and the municipality's settings are written in full).
            # No examples: the preview shows answers, it searches nothing, so no matcher is trained.
            write_database(dataclasses.replace(catalogue, products={product_id: catalogue.products[product_id]},
                                               examples=[]), database, report=lambda *_: None)
            repository = CatalogueRepository(database)
            try:
                answers = {}
                for language in languages:
                    answers[language] = {}
                    for question in QUESTION_TYPES:
                        plan = plan_product_answer(repository, product_id, language, question)
                        answers[language][question] = (render_plan(plan, language), plan)
                return answers
            finally:
                repository.close()

    @contextlib.contextmanager
    def _exclusive(self):
        lock_path = self.database.with_name(self.database.name + ".publish-lock")
        lock_path.parent.mkdir(parents=True, exist_ok=True)
        with self._lock, open(lock_path, "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _restore(self, path: Path, content: str | None) -> None:
        if content is None:
            path.unlink(missing_ok=True)
        else:
            write_text(path, content)

    def publish(self, product_id: str, content: str | None, username: str, action: str = "edit",
                base: str | None = None, reverts: int | None = None) -> dict | None:
        """Write the product file, validate, rebuild the database; record the change.

        `content` None deletes the file (reverting its creation). `base` is the digest of the file
        the editor started from: if the file changed since, ConflictError. Returns the recorded
        change, or None when the content is what the file already holds. On CatalogueError nothing
        has changed."""
        path = self.path(product_id)
        with self._exclusive():
            before = self.read(product_id)
            if base is not None and digest(before) != base:
                raise ConflictError("Iemand anders heeft dit product intussen gewijzigd. Open het opnieuw en "
                                    "breng uw wijziging dan aan.")
            if content == before:
                return None
            self.validate(product_id, content)                  # sources.load on the sources with this file
            if content is None:
                path.unlink()
            else:
                write_text(path, content)                       # atomic: readers see old or new
            try:
                build(self.knowledge_dir, self.database, report=self.report)   # validates again; atomic swap
            except BaseException:
                self._restore(path, before)
                raise
            row = {"changed_at": stamp(), "username": username, "product_id": product_id, "file": self.display(path),
                   "action": "create" if before is None and action == "edit" else action,
                   "before": before, "after": content, "reverts": reverts}
            with self.store.engine.begin() as connection:
                row["id"] = connection.execute(catalogue_changes.insert().values(row)).inserted_primary_key[0]
            self.report(f"[editor] {username} published {product_id} ({row['action']}, change {row['id']})")
            return row

    def revert(self, change_id: int, username: str) -> dict | None:
        change = self.change(change_id)
        if change is None:
            raise EditError("Deze wijziging bestaat niet.")
        if not self.can_revert(change):
            raise EditError("Het bestand is na deze wijziging nog veranderd. Draai eerst de latere wijzigingen terug.")
        return self.publish(change["product_id"], change["before"], username, action="revert",
                            base=digest(change["after"]), reverts=change_id)


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
                "fields": list(TEXT_FIELDS), "field_labels": FIELD_LABELS, "list_fields": LIST_TEXT_FIELDS,
                "changes": editor.changes(product_id, limit=10), "question_labels": QUESTION_LABELS}

    # ── search ─────────────────────────────────────────────────────────────────────────────
    @bp.get("/")
    @login_required(roles=EDITOR_ROLES)
    async def search(request: Request):
        query = (request.args.get("q") or "").strip()[:200]
        language = request.args.get("language") or "nl"
        if language not in languages():
            language = "nl"
        results = []
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
                    results.append({"id": match.product_id, "how": f"gevonden zoals de assistent zoekt ({match.score:.2f})"})
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
        except CatalogueError as error:
            original = editor.change(change_id)
            return page("editor_change.html", request, status=422, change=original, revertable=False,
                        problems=error.problems, lines=diff(original["before"], original["after"], original["file"]))
        except EditError as error:
            original = editor.change(change_id)
            if original is None:
                return page("editor_message.html", request, status=404, title="Wijziging niet gevonden",
                            message=str(error))
            return page("editor_change.html", request, status=409, change=original, revertable=False,
                        error=str(error), lines=diff(original["before"], original["after"], original["file"]))
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
                change = await asyncio.to_thread(editor.publish, product_id, content, request.ctx.user["username"], kind)
                return response.redirect(f"/editor/insights?{query_string(period, period_language, search_of(request.args))}"
                                         f"&added={change['id']}#added")
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


def insight_charts(report) -> dict:
    from bot.insights import charts
    return {
        "unanswered": charts.week_bars(
            "chart-unanswered", "Vragen zonder antwoord per week", report.weeks,
            {lang: [a + b for a, b in zip(report.series(report.unanswered, "not_understood")[lang],
                                          report.series(report.unanswered, "thumbs_down")[lang])]
             for lang in report.languages},
            "Aantal berichten dat de assistent niet begreep, plus duimpjes omlaag, per week en per taal."),
        "products": charts.horizontal_bars(
            "chart-products", "Meest gevraagde producten",
            [(row["product"], row["questions"]) for row in report.top_products],
            "Aantal vragen per product in de gekozen periode."),
        "containment": charts.week_bars(
            "chart-containment", "Gesprekken zonder medewerker (containment) per week", report.weeks,
            report.series(report.containment, "", ratio_of=("contained", "conversations")),
            "Aandeel gesprekken dat zonder medewerker is afgerond, per week en per taal.", percent=True),
        "conversations": charts.week_bars(
            "chart-conversations", "Gesprekken per week", report.weeks,
            report.series(report.containment, "conversations"),
            "Aantal gesprekken per week en per taal."),
        "reasons": charts.horizontal_bars(
            "chart-reasons", "Redenen voor een medewerker",
            _reason_items(report.handovers), "Aantal overdrachten naar een medewerker per reden."),
        "satisfaction": charts.week_bars(
            "chart-satisfaction", "Gemiddelde tevredenheid (1-5) per week", report.weeks,
            _average_series(report), "Gemiddeld cijfer na een gesprek met een medewerker, per week en per taal.",
            maximum=5),
    }


def _reason_items(rows: list[dict]) -> list[tuple[str, int]]:
    counts: dict[str, int] = {}
    for row in rows:
        counts[REASON_LABELS.get(row["reason"], row["reason"])] = counts.get(REASON_LABELS.get(row["reason"], row["reason"]), 0) + row["count"]
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))


def _average_series(report) -> dict[str, list[float]]:
    result = {}
    for language in report.languages:
        values = []
        for week in report.weeks:
            rows = [r for r in report.satisfaction if r["week"] == week and r["language"] == language and r["scores"]]
            count = sum(r["scores"] for r in rows)
            values.append(sum(r["average"] * r["scores"] for r in rows) / count if count else 0)
        result[language] = values
    return result
