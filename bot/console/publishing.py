"""Publishing a product file: validate every source, write the file atomically, rebuild the
catalogue database and swap it in, record the change with its author (table catalogue_changes),
and revert a change. One publication at a time (a lock in the process, flock across processes).
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import logging
import tempfile
import threading
from pathlib import Path

from sqlalchemy import select

from bot.answers import QUESTION_TYPES, plan_product_answer, render_plan
from bot.catalogue import sources
from bot.catalogue.atomic import write_text
from bot.catalogue.build import build, write_database
from bot.catalogue.model import slug
from bot.catalogue.repository import CatalogueRepository
from bot.console.product_files import ConflictError, EditError, digest
from bot.handover.store import HandoverStore, stamp
from bot.storage import catalogue_changes

log = logging.getLogger(__name__)
CHANGES_SHOWN = 50


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
                answers: dict[str, dict[str, tuple]] = {}
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
                # Validates again; atomic swap; refits only this product's part of the matcher.
                build(self.knowledge_dir, self.database, report=self.report, update=True)
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


