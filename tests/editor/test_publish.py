"""Publishing: the file is written, the database rebuilt and seen by the repository; a change that
does not validate changes nothing; every change is audited and can be reverted."""
import os
import time

import pytest
import yaml

from bot.answers import QUESTION_TYPES, render_product_answer
from bot.catalogue.errors import CatalogueError
from bot.console.product_files import ConflictError, EditError, apply_values, digest, form_values

LANGUAGES = ["nl", "en", "fr"]
NEW_SUMMARY = "Een paspoort is uw reisdocument. Deze zin komt uit de redactie."


def edited(workspace, product_id="paspoort", **changes) -> str:
    content = workspace.editor.read(product_id)
    values = form_values(content, product_id, LANGUAGES)
    for key, value in changes.items():
        language, field = key.split("__")
        values[language][field] = value
    return apply_values(content, product_id, values, LANGUAGES)


def snapshot(workspace) -> dict:
    products = workspace.knowledge / "products"
    status = os.stat(workspace.database)
    return {"files": {p.name: p.read_bytes() for p in products.iterdir()},
            "database": (status.st_ino, status.st_mtime_ns, status.st_size, workspace.database.read_bytes())}


def test_publish_writes_the_file_rebuilds_and_the_repository_sees_it(workspace):
    repository = workspace.repository
    before_answer = render_product_answer(repository, "paspoort", "nl")
    assert NEW_SUMMARY not in before_answer
    inode = os.stat(workspace.database).st_ino
    change = workspace.editor.publish("paspoort", edited(workspace, nl__summary=NEW_SUMMARY), "eva")
    assert change["id"] == 1 and change["action"] == "edit" and change["username"] == "eva"
    assert yaml.safe_load((workspace.knowledge / "products" / "paspoort.yml").read_text())["texts"]["nl"]["summary"] == NEW_SUMMARY
    assert os.stat(workspace.database).st_ino != inode                      # a new file, swapped in
    # the same repository object, opened before, reads the new database (as the action server does)
    answer = render_product_answer(repository, "paspoort", "nl")
    assert NEW_SUMMARY in answer and answer != before_answer
    assert repository.product("paspoort", "nl").texts["summary"] == NEW_SUMMARY
    assert not list(workspace.knowledge.glob("**/.*.tmp")) and not list(workspace.database.parent.glob(".*.db"))


def test_new_synonym_is_found_without_retraining(workspace):
    assert "paspoort" not in [m.product_id for m in workspace.repository.resolve("vakantieboekje", "nl")][:1]
    synonyms = form_values(workspace.editor.read("paspoort"), "paspoort", LANGUAGES)["nl"]["synonyms"]
    content = edited(workspace, nl__synonyms=synonyms + "\nvakantieboekje")
    workspace.editor.publish("paspoort", content, "eva")
    assert workspace.repository.resolve("mijn vakantieboekje is verlopen", "nl")[0].product_id == "paspoort"


@pytest.mark.parametrize("change, field", [
    ({"nl__summary": ""}, "texts"),                                         # the Dutch summary is required
])
def test_validation_error_changes_nothing(workspace, change, field):
    before = snapshot(workspace)
    with pytest.raises(CatalogueError) as error:
        workspace.editor.publish("paspoort", edited(workspace, **change), "eva")
    problem = error.value.problems[0]
    assert problem.file == "knowledge/products/paspoort.yml" and problem.line and problem.field == field
    assert snapshot(workspace) == before
    assert workspace.editor.changes() == []


def test_invalid_yaml_and_unknown_keys_change_nothing(workspace):
    before = snapshot(workspace)
    content = workspace.editor.read("paspoort")
    for broken, field in ((content.replace("theme: burgerzaken", "theme: nergens"), "theme"),
                          (content + "price: 12\n", "price"),
                          (content.replace("texts:", "texts: [", 1), "(syntax)")):
        with pytest.raises(CatalogueError) as error:
            workspace.editor.publish("paspoort", broken, "eva")
        assert error.value.problems[0].field == field
        assert str(error.value).startswith("knowledge/products/paspoort.yml:")
    assert snapshot(workspace) == before


def test_failed_build_restores_the_previous_file(workspace, monkeypatch):
    import bot.console.publishing as editor_module
    before = snapshot(workspace)

    def broken_build(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(editor_module, "build", broken_build)
    with pytest.raises(OSError):
        workspace.editor.publish("paspoort", edited(workspace, nl__summary=NEW_SUMMARY), "eva")
    assert snapshot(workspace) == before
    assert workspace.editor.changes() == []


def test_audit_records_before_and_after_and_revert_publishes_the_before(workspace):
    editor = workspace.editor
    original = editor.read("paspoort")
    first = editor.publish("paspoort", edited(workspace, nl__summary=NEW_SUMMARY), "eva")
    second = editor.publish("paspoort", edited(workspace, en__who="Everyone."), "adam")
    rows = editor.changes()
    assert [r["id"] for r in rows] == [second["id"], first["id"]]
    assert rows[1]["before"] == original and rows[1]["after"] == rows[0]["before"]
    assert rows[0]["file"] == "knowledge/products/paspoort.yml"
    assert rows[0]["changed_at"].endswith("+00:00")
    # an older change cannot be reverted while a later one is still in the file
    assert not editor.can_revert(first)
    with pytest.raises(EditError):
        editor.revert(first["id"], "eva")
    reverted = editor.revert(second["id"], "eva")
    assert reverted["action"] == "revert" and reverted["reverts"] == second["id"]
    assert editor.read("paspoort") == second["before"]
    assert "Everyone." not in workspace.repository.product("paspoort", "en").texts.get("who", "")
    editor.revert(first["id"], "eva")
    assert editor.read("paspoort") == original                              # back to the very first text
    assert NEW_SUMMARY not in render_product_answer(workspace.repository, "paspoort", "nl")
    assert len(editor.changes()) == 4


def test_creating_a_product_file_and_reverting_the_creation(workspace):
    editor = workspace.editor
    product_id = next(p for p in workspace.repository.product_ids() if not editor.path(p).exists())
    values = form_values(None, product_id, LANGUAGES)
    values["nl"]["summary"] = "Een nieuwe samenvatting."
    change = editor.publish(product_id, apply_values(None, product_id, values, LANGUAGES), "eva")
    assert change["action"] == "create" and change["before"] is None
    assert workspace.repository.product(product_id, "nl").texts["summary"] == "Een nieuwe samenvatting."
    editor.revert(change["id"], "eva")
    assert not editor.path(product_id).exists()
    assert workspace.repository.product(product_id, "nl").texts == {}


def test_a_stale_form_is_a_conflict(workspace):
    editor = workspace.editor
    base = digest(editor.read("paspoort"))
    editor.publish("paspoort", edited(workspace, nl__summary=NEW_SUMMARY), "adam", base=base)
    with pytest.raises(ConflictError):
        editor.publish("paspoort", edited(workspace, en__who="Everyone."), "eva", base=base)
    assert editor.publish("paspoort", editor.read("paspoort"), "eva") is None      # nothing to publish


def test_preview_renders_every_question_from_the_edited_file_without_publishing(workspace):
    before = snapshot(workspace)
    started = time.perf_counter()
    answers = workspace.editor.preview("paspoort", edited(workspace, nl__summary=NEW_SUMMARY,
                                                          fr__bring="une photo"), LANGUAGES)
    assert time.perf_counter() - started < 30
    assert set(answers) == set(LANGUAGES) and len(answers["nl"]) == len(QUESTION_TYPES)
    assert NEW_SUMMARY in answers["nl"]["ask_info"][0]
    assert "- une photo" in answers["fr"]["ask_bring"][0]
    assert "€" in answers["nl"]["ask_cost"][0]
    # exactly what the assistant's own rendering gives for the same database content
    assert answers["en"]["ask_apply"][0] == render_product_answer(workspace.repository, "paspoort", "en", "ask_apply")
    assert snapshot(workspace) == before
    with pytest.raises(CatalogueError):
        workspace.editor.preview("paspoort", edited(workspace, nl__summary=""), LANGUAGES)
