"""Editing a product file from the form: only what was changed changes, layout and order stay."""
import pytest
import yaml

from bot.console.product_files import EditError, add_phrase, apply_values, form_values
from tests.conftest import PROJECT

LANGUAGES = ["nl", "en", "fr"]


def original(name: str = "paspoort") -> str:
    return (PROJECT / "knowledge" / "products" / f"{name}.yml").read_text(encoding="utf-8")


def changed_lines(before: str, after: str) -> list[tuple[str, str]]:
    import difflib
    return [(line[0], line[1:]) for line in difflib.unified_diff(before.splitlines(), after.splitlines(), lineterm="", n=0)
            if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_unchanged_form_gives_every_product_file_byte_for_byte():
    for path in sorted((PROJECT / "knowledge" / "products").glob("*.yml")):
        content = path.read_text(encoding="utf-8")
        product_id = yaml.safe_load(content)["id"]
        assert apply_values(content, product_id, form_values(content, product_id, LANGUAGES), LANGUAGES) == content


def test_changing_the_dutch_summary_changes_one_line():
    content = original()
    values = form_values(content, "paspoort", LANGUAGES)
    values["nl"]["summary"] = "Met een paspoort reist u: het is ook uw identiteitsbewijs."
    after = apply_values(content, "paspoort", values, LANGUAGES)
    assert changed_lines(content, after) == [
        ("-", [line for line in content.splitlines() if line.startswith("    summary: Een paspoort")][0]),
        ("+", "    summary: 'Met een paspoort reist u: het is ook uw identiteitsbewijs.'"),
    ]
    assert yaml.safe_load(after)["texts"]["nl"]["summary"] == values["nl"]["summary"]


def test_lists_synonyms_removal_and_multiline_text():
    content = original()
    values = form_values(content, "paspoort", LANGUAGES)
    values["en"]["bring"] = "your old passport\r\n\r\n  a photo  \n"
    values["fr"]["good_to_know"] = ""                                   # removed
    values["nl"]["synonyms"] += "\nreisdocument\nPaspoort  weg"          # a duplicate (ignored) and a new one
    values["en"]["how_to_apply"] = "Make an appointment.\nCome in person."
    after = apply_values(content, "paspoort", values, LANGUAGES)
    data = yaml.safe_load(after)
    assert data["texts"]["en"]["bring"] == ["your old passport", "a photo"]
    assert "good_to_know" not in data["texts"]["fr"]
    assert data["synonyms"]["nl"][-1] == "Paspoort weg" and data["synonyms"]["nl"].count("reisdocument") == 1
    assert data["texts"]["en"]["how_to_apply"] == "Make an appointment.\nCome in person."
    assert "  nl: [paspoort aanvragen," in after                          # flow style of the lists kept
    assert list(data) == ["id", "theme", "handled_by", "channels", "texts", "synonyms", "examples"]


def test_new_language_and_new_file_follow_the_readme_order():
    content = "id: rijbewijs\ntheme: verkeer\ntexts:\n  nl:\n    summary: Een rijbewijs.\n"
    values = {language: {field: "" for field in ("summary", "who", "how_to_apply", "bring", "good_to_know", "synonyms")}
              for language in LANGUAGES}
    values["nl"]["summary"] = "Een rijbewijs."
    values["fr"]["summary"] = "Un permis de conduire."
    values["en"]["who"] = "Everyone who drives."
    values["en"]["summary"] = "A driving licence."
    values["en"]["synonyms"] = "driving licence\nlicense"
    after = apply_values(content, "rijbewijs", values, LANGUAGES)
    data = yaml.safe_load(after)
    assert list(data["texts"]) == ["nl", "en", "fr"]
    assert list(data["texts"]["en"]) == ["summary", "who"]
    assert data["synonyms"] == {"en": ["driving licence", "license"]}
    assert "  en: [driving licence, license]" in after
    created = apply_values(None, "afvalcontainer", values, LANGUAGES)
    assert yaml.safe_load(created)["id"] == "afvalcontainer"
    assert created.startswith("id: afvalcontainer\ntexts:\n  nl:\n")


def test_add_synonym_appends_once():
    content = original()
    after = add_phrase(content, "paspoort", "synonyms", "en", "travel document", LANGUAGES)
    assert yaml.safe_load(after)["synonyms"]["en"][-1] == "travel document"
    assert len(changed_lines(content, after)) == 2
    with pytest.raises(EditError):
        add_phrase(after, "paspoort", "synonyms", "en", "Travel  Document", LANGUAGES)
    fresh = add_phrase("id: x\ntexts:\n  nl:\n    summary: X.\n", "x", "synonyms", "fr", "truc", LANGUAGES)
    assert fresh.endswith("synonyms:\n  fr: [truc]\n")


def test_broken_yaml_is_reported_not_overwritten():
    with pytest.raises(EditError):
        apply_values("id: [unclosed\n", "x", {}, LANGUAGES)
    with pytest.raises(EditError):
        form_values("- a list\n", "x", LANGUAGES)
