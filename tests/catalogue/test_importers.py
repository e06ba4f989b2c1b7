"""The SDG/PDC and IPDC importers: mapping, merging, validation and all-or-nothing writing.

Every test works on a copy of knowledge/ in tmp_path; the real knowledge/ is never written.
"""
from __future__ import annotations

import copy
import json
import shutil
from pathlib import Path

import pytest
import yaml

from bot.catalogue import product_yaml, sources
from bot.catalogue.errors import CatalogueError
from bot.catalogue.importers.ipdc import import_ipdc
from bot.catalogue.importers.plaintext import html_to_text, list_items, html_blocks, markdown_to_text
from bot.catalogue.importers.sdg import import_sdg, split_text
from bot.catalogue.model import slug
from bot.settings import PROJECT_DIR

PROJECT = Path(__file__).resolve().parents[2]
KNOWLEDGE = PROJECT / "knowledge"
DATA = PROJECT_DIR.parent / "shared" / "data"      # ../shared beside the project, wherever the clone lives
SDG_SAMPLE = DATA / "sdg-samples" / "example_api_response.json"
IPDC_PAGES = [DATA / "ipdc-samples" / "page-0.json", DATA / "ipdc-samples" / "page-1.json"]

# What the SDG sample maps to (upnUri/upnLabel -> UPL id) and which languages it has per product.
SDG_PRODUCTS = {
    "geluidsontheffing": {"nl"},
    "toeristenbelasting": {"nl", "en"},
    "integriteitsbeoordeling": {"nl"},
    "horecabedrijf exploitatievergunning": {"en"},
    "opgravingscertificaat": {"nl", "en"},
    "vaarvergunning": {"en"},
    "terrasvergunning": {"nl"},
    "marktvergunning": {"en"},
    "kabels- en leidingenvergunning": {"nl"},
    "speelautomaat exploitatievergunning": {"en"},
    "objectvergunning": {"en"},
    "ventvergunning": {"nl", "en"},
    "straatartiestoptreden ontheffing": {"nl", "en"},
    "afvalstortontheffing": {"en"},
    "mobiele puinbreker gebruiksmelding": {"nl"},
    "omgevingsvergunning bouw": {"en"},
}
IPDC_IDS = ["akte van belgische nationaliteit", "financiële tussenkomst voor een verblijf in een woonzorgcentrum"]

pytestmark = pytest.mark.skipif(not SDG_SAMPLE.exists() or not all(p.exists() for p in IPDC_PAGES),
                                reason="sample exports not available")


# ── helpers ───────────────────────────────────────────────────────────────────────────────────

@pytest.fixture
def knowledge(tmp_path) -> Path:
    """A private copy of knowledge/ (without other writers' temporary files)."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target, ignore=shutil.ignore_patterns(".*"))
    return target


def product_path(knowledge: Path, product_id: str) -> Path:
    return knowledge / "products" / f"{slug(product_id)}.yml"


def remove_products(knowledge: Path, ids) -> None:
    """Start the copy without files for these products, whatever the editors have written so far."""
    for product_id in ids:
        product_path(knowledge, product_id).unlink(missing_ok=True)


def write_product(knowledge: Path, data: dict) -> Path:
    path = product_path(knowledge, data["id"])
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def read_product(knowledge: Path, product_id: str) -> dict:
    return yaml.safe_load(product_path(knowledge, product_id).read_text(encoding="utf-8"))


def snapshot(directory: Path) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def write_json(path: Path, data) -> Path:
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    return path


def all_texts(data: dict):
    for fields in data["texts"].values():
        for value in fields.values():
            yield from (value if isinstance(value, list) else [value])


def assert_rejected(call, knowledge: Path, file: Path, field: str, *words: str) -> CatalogueError:
    before = snapshot(knowledge)
    with pytest.raises(CatalogueError) as caught:
        call(file, knowledge)
    problems = caught.value.problems
    assert any(p.file == str(file) and p.field == field for p in problems), [str(p) for p in problems]
    problem = next(p for p in problems if p.field == field)
    for word in words:
        assert word.lower() in problem.message.lower(), str(problem)
    assert str(file) in str(caught.value) and field in str(caught.value)
    assert snapshot(knowledge) == before, "a rejected import must not change any file"
    return caught.value


# ── plain text ────────────────────────────────────────────────────────────────────────────────

def test_html_to_text_keeps_no_tags():
    html = ('<p>Een <a href="https://x.example">link</a> &amp; <strong>meer</strong>.</p>'
            '<ul><li>een</li><li>twee</li></ul><h3>Kop</h3><script>alert(1)</script>')
    assert html_to_text(html) == "Een link & meer.\n\n- een\n- twee\n\nKop"


def test_list_items_keep_their_condition():
    blocks = html_blocks("<p>Zelf:</p><ul><li>uw id-kaart</li></ul><p>Voor een ander:</p><ul><li>een volmacht</li>"
                         "</ul><ul><li>uw id-kaart</li></ul>")
    assert list_items(blocks) == ["Zelf: uw id-kaart", "Voor een ander: een volmacht; uw id-kaart"]
    assert list_items(html_blocks("<ul><li>a</li><li>b</li></ul>")) == ["a", "b"]
    assert list_items(html_blocks("<p>alleen tekst</p>")) == ["alleen tekst"]


def test_markdown_to_plain_text():
    text = "## Kop\r\n\r\nZie [de regels](https://x.example/(a)) en **let op** \\*niet\\* _dit_.\r\n\r\n*   een\r\n*   twee"
    assert markdown_to_text(text) == "Kop\n\nZie de regels en let op *niet* dit.\n\n- een\n- twee"


def test_split_text_drops_cost_sections():
    fields = split_text("Eerste alinea.\n\n## Kosten\n\nHet kost € 10.\n\n### Betalen\n\nPer pin.\n\n## Meer\n\nRest.")
    assert fields == {"summary": "Eerste alinea.", "good_to_know": "Meer\n\nRest."}


# ── SDG / PDC ─────────────────────────────────────────────────────────────────────────────────

def test_sdg_sample_is_merged(knowledge):
    remove_products(knowledge, SDG_PRODUCTS)
    existing = {
        "id": "toeristenbelasting", "theme": "belastingen", "handled_by": "gemeente", "channels": ["online_digid"],
        "texts": {
            "nl": {"summary": "Oude samenvatting.", "who": "Iedereen die kamers verhuurt."},
            "fr": {"summary": "La taxe de séjour."},
        },
        "synonyms": {"nl": ["logiesbelasting"], "fr": ["taxe de séjour"]},
    }
    write_product(knowledge, existing)
    # an English-only product of the export with an existing Dutch summary gets its English text
    write_product(knowledge, {"id": "objectvergunning", "texts": {"nl": {"summary": "Reclame langs de weg."}}})

    report = import_sdg(SDG_SAMPLE, knowledge)

    assert report.records == 20
    assert report.updated == ["toeristenbelasting", "objectvergunning"]
    nl_products = {p for p, languages in SDG_PRODUCTS.items() if "nl" in languages}
    assert set(report.created) == nl_products - {"toeristenbelasting"}
    en_only = {p for p, languages in SDG_PRODUCTS.items() if languages == {"en"}} - {"objectvergunning"}
    assert {s.split(":")[0] for s in report.skipped} == en_only
    for product_id in en_only:
        assert not product_path(knowledge, product_id).exists()

    data = read_product(knowledge, "toeristenbelasting")
    assert data["texts"]["nl"]["summary"] == (
        "Heeft u een plek (accommodatie) waar toeristen blijven overnachten? Bijvoorbeeld een hotel, bed & "
        "breakfast (b&b), pension, bungalowpark, camping of jachthaven? Dan moet u toeristenbelasting betalen "
        "voor toeristen van buiten de gemeente. U kunt de toeristenbelasting doorberekenen aan uw gasten.")
    assert data["texts"]["nl"]["who"] == "Iedereen die kamers verhuurt."            # not in the import: kept
    assert data["texts"]["fr"] == existing["texts"]["fr"]                          # other language: kept
    assert data["synonyms"] == existing["synonyms"]
    for key in ("id", "theme", "handled_by", "channels"):
        assert data[key] == existing[key]
    assert list(data) == ["id", "theme", "handled_by", "channels", "texts", "synonyms"]
    good_to_know = data["texts"]["nl"]["good_to_know"]
    assert good_to_know.startswith("Aangifte toeristenbelasting\n\nU doet eenmaal per jaar aangifte")
    assert "- watertoeristenbelasting (voor overnachtingen op boten)" in good_to_know
    assert "Hoogte toeristenbelasting" not in good_to_know                         # a cost section
    assert data["texts"]["en"]["summary"].startswith("Do you operate a tourist accommodation")
    assert "Cost" not in data["texts"]["en"]["good_to_know"]

    created = read_product(knowledge, "opgravingscertificaat")
    assert list(created) == ["id", "texts"]
    # the Dutch text starts with a heading: the summary is the first paragraph
    assert created["texts"]["nl"]["summary"].startswith("Vindt u toevallig iets uit het verleden")
    assert created["texts"]["en"]["summary"]
    for product_id in nl_products | {"objectvergunning"}:
        for text in all_texts(read_product(knowledge, product_id)):
            assert "](" not in text and "##" not in text and "**" not in text and "<" not in text
    assert read_product(knowledge, "objectvergunning")["texts"]["nl"]["summary"] == "Reclame langs de weg."
    assert read_product(knowledge, "objectvergunning")["texts"]["en"]["summary"].startswith("Do you want to put")

    catalogue = sources.load(knowledge)
    assert catalogue.products["toeristenbelasting"].synonyms["fr"] == ["taxe de séjour"]
    assert catalogue.products["ventvergunning"].texts["nl"]["summary"]


def test_sdg_file_format_of_written_files(knowledge):
    remove_products(knowledge, SDG_PRODUCTS)
    import_sdg(SDG_SAMPLE, knowledge)
    path = product_path(knowledge, "ventvergunning")
    written = path.read_text(encoding="utf-8")
    assert written == product_yaml.dump(yaml.safe_load(written))             # as the editors' console writes
    assert "€" in written                                                      # unicode as it is


def test_an_import_keeps_what_an_editor_wrote_around_the_texts_it_changes(knowledge):
    path = product_path(knowledge, "toeristenbelasting")
    edited = ("# Gecontroleerd door de redactie, maart.\nid: toeristenbelasting\ntexts:\n  nl:\n"
              "    summary: 'Oude tekst.'  # wordt vervangen\n    who: \"Iedereen die kamers verhuurt.\"\n"
              "synonyms:\n  nl: [logiesbelasting]  # uit de zoekvragen\n")
    path.write_text(edited, encoding="utf-8")
    report = import_sdg(SDG_SAMPLE, knowledge)
    assert "toeristenbelasting" in report.updated
    written = path.read_text(encoding="utf-8")
    assert written.startswith("# Gecontroleerd door de redactie, maart.\n")
    assert '    who: "Iedereen die kamers verhuurt."' in written                # quoting kept
    assert "  nl: [logiesbelasting]  # uit de zoekvragen" in written           # flow style and comment kept
    assert yaml.safe_load(written)["texts"]["nl"]["summary"] != "Oude tekst."  # the import's text


def test_sdg_import_twice_is_idempotent(knowledge):
    first = import_sdg(SDG_SAMPLE, knowledge)
    after_first = snapshot(knowledge)
    second = import_sdg(SDG_SAMPLE, knowledge)
    assert snapshot(knowledge) == after_first
    assert second.created == [] and second.updated == []
    assert sorted(second.unchanged) == sorted(first.created + first.updated + first.unchanged)


def test_sdg_broken_json_changes_nothing(knowledge, tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text(SDG_SAMPLE.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    error = assert_rejected(import_sdg, knowledge, broken, "(syntax)", "not valid JSON")
    assert error.problems[0].line


def test_sdg_record_without_name_changes_nothing(knowledge, tmp_path):
    data = json.loads(SDG_SAMPLE.read_text(encoding="utf-8"))
    del data["results"][3]["titel"]
    file = write_json(tmp_path / "export.json", data)
    assert_rejected(import_sdg, knowledge, file, "results[3].titel", "record 4", "name")


def test_sdg_record_without_dutch_text(knowledge, tmp_path):
    data = json.loads(SDG_SAMPLE.read_text(encoding="utf-8"))
    data["results"][2]["tekst"] = "   "
    file = write_json(tmp_path / "export.json", data)
    assert_rejected(import_sdg, knowledge, file, "results[2].tekst", "record 3", "Dutch")


@pytest.mark.parametrize("change, field, word", [
    (lambda d: d["results"][5].__setitem__("tekst", 42), "results[5].tekst", "must be a text"),
    (lambda d: d["results"].__setitem__(7, "not a record"), "results[7]", "must be an object"),
    (lambda d: d.__setitem__("results", {"a": 1}), "results", "must be a list"),
    (lambda d: d["results"][0].update(upnUri="http://standaarden.overheid.nl/owms/terms/bestaatniet", upnLabel="bestaat niet"),
     "results[0].upnUri", "not a product of upl.csv"),
    (lambda d: d["results"][1].pop("taal"), "results[1].taal", "language"),
])
def test_sdg_bad_records(knowledge, tmp_path, change, field, word):
    data = json.loads(SDG_SAMPLE.read_text(encoding="utf-8"))
    change(data)
    file = write_json(tmp_path / "export.json", data)
    assert_rejected(import_sdg, knowledge, file, field, word)


def _pdc_record(**nl) -> dict:
    return {
        "upnUri": "http://standaarden.overheid.nl/owms/terms/paspoort", "upnLabel": "paspoort",
        "vertalingen": [
            {"taal": "nl", "productTitelDecentraal": "Paspoort", "tekst": "Met een **paspoort** reist u.\n\nMeer uitleg.",
             "vereisten": "U heeft de Nederlandse nationaliteit.", "procedureBeschrijving": "Maak een [afspraak](https://x).",
             "bewijs": "* uw oude paspoort\n* een pasfoto", "kostenEnBetaalmethoden": "€ 84,70", **nl},
            {"taal": "en", "productTitelDecentraal": "Passport", "tekst": "With a passport you travel.",
             "bewijs": "", "vereisten": None},
        ],
    }


def test_pdc_shape_with_translations(knowledge, tmp_path):
    remove_products(knowledge, ["paspoort"])
    write_product(knowledge, {"id": "paspoort", "theme": "burgerzaken",
                              "texts": {"nl": {"summary": "Oud.", "good_to_know": "Blijft."}},
                              "synonyms": {"nl": ["reisdocument"]}})
    file = write_json(tmp_path / "pdc.json", {"count": 1, "next": None, "results": [_pdc_record()]})
    report = import_sdg(file, knowledge)
    assert report.updated == ["paspoort"] and report.records == 1
    data = read_product(knowledge, "paspoort")
    assert data["texts"]["nl"] == {
        "summary": "Met een paspoort reist u.", "good_to_know": "Meer uitleg.",
        "who": "U heeft de Nederlandse nationaliteit.", "how_to_apply": "Maak een afspraak.",
        "bring": ["uw oude paspoort", "een pasfoto"],
    }
    assert data["texts"]["en"] == {"summary": "With a passport you travel."}
    assert data["synonyms"] == {"nl": ["reisdocument"]} and data["theme"] == "burgerzaken"
    sources.load(knowledge)


def test_pdc_translation_without_dutch_text(knowledge, tmp_path):
    good = _pdc_record()
    bad = _pdc_record(tekst="")
    bad["upnUri"], bad["upnLabel"] = "http://standaarden.overheid.nl/owms/terms/rijbewijs", "rijbewijs"
    file = write_json(tmp_path / "pdc.json", {"results": [good, bad]})
    assert_rejected(import_sdg, knowledge, file, "results[1].vertalingen[0].tekst", "record 2", "Dutch")


def test_sdg_broken_existing_product_file_changes_nothing(knowledge):
    remove_products(knowledge, SDG_PRODUCTS)
    (product_path(knowledge, "ventvergunning")).write_text("id: ventvergunning\ntexts: [unclosed\n", encoding="utf-8")
    before = snapshot(knowledge)
    with pytest.raises(CatalogueError) as caught:
        import_sdg(SDG_SAMPLE, knowledge)
    assert "ventvergunning.yml" in str(caught.value)
    assert snapshot(knowledge) == before


# ── IPDC ──────────────────────────────────────────────────────────────────────────────────────

def ipdc_page(index: int = 0) -> dict:
    return json.loads(IPDC_PAGES[index].read_text(encoding="utf-8"))


def test_ipdc_samples_create_local_products(knowledge):
    remove_products(knowledge, IPDC_IDS)
    reports = [import_ipdc(page, knowledge) for page in IPDC_PAGES]
    assert [r.created for r in reports] == [[IPDC_IDS[0]], [IPDC_IDS[1]]]
    assert all(r.records == 1 and r.updated == [] for r in reports)

    akte = read_product(knowledge, IPDC_IDS[0])
    assert list(akte) == ["id", "local", "texts"]
    assert akte["id"] == "akte van belgische nationaliteit" and akte["local"] is True     # " - nl" stripped
    assert set(akte["texts"]) == {"nl", "en"}
    nl = akte["texts"]["nl"]
    assert nl["summary"].startswith("De akte van Belgische nationaliteit wordt toegekend")
    assert nl["summary"].endswith("van de akte van Belgische nationaliteit aanvragen.")      # suffix gone
    assert nl["who"].startswith("De akte vermeldt:\n\n- de naam, de voornamen")
    assert "Mijn Burgerprofiel" in nl["how_to_apply"]
    assert nl["bring"] == [
        "Als u het document zelf ophaalt: uw eigen identiteitskaart.",
        "Als u het document voor iemand anders aanvraagt: een volmacht van de betrokkene en een kopie van "
        "zijn of haar identiteitskaart; uw eigen identiteitskaart.",
    ]
    assert nl["good_to_know"] == "De aanvraag en het attest zijn gratis."
    assert akte["texts"]["en"]["summary"].startswith("The certificate of Belgian nationality")

    care = read_product(knowledge, IPDC_IDS[1])
    assert care["local"] is True
    assert care["texts"]["nl"]["how_to_apply"] == "Procedure beschrijving."
    assert care["texts"]["nl"]["bring"][0].startswith("Een overzicht van het volledige gezinsinkomen")
    # kosten in their `order` (the file lists them 3, 1, 2)
    assert care["texts"]["nl"]["good_to_know"].split("\n\n") == [
        "De aanvraag en het attest zijn gratis. 1", "De aanvraag en het attest zijn gratis. 2",
        "De aanvraag en het attest zijn gratis. 3"]

    for data in (akte, care):
        for text in all_texts(data):
            assert "<" not in text and ">" not in text
            assert "informal" not in text and "formal" not in text                 # plain nl preferred
    catalogue = sources.load(knowledge)
    for product_id in IPDC_IDS:
        assert catalogue.products[product_id].in_upl is False


def test_ipdc_maps_to_upl_product_and_keeps_the_rest(knowledge, tmp_path):
    remove_products(knowledge, ["paspoort"])
    existing = {"id": "paspoort", "theme": "burgerzaken", "handled_by": "gemeente",
                "texts": {"nl": {"summary": "Oud."}, "fr": {"summary": "Le passeport."}},
                "synonyms": {"nl": ["reisdocument"], "en": ["passport"]}}
    write_product(knowledge, existing)
    page = ipdc_page(0)
    page["member"][0]["naam"]["nl"] = "Paspoort - nl"
    file = write_json(tmp_path / "page.json", page)
    report = import_ipdc(file, knowledge)
    assert report.updated == ["paspoort"] and report.created == []
    data = read_product(knowledge, "paspoort")
    assert "local" not in data
    assert data["texts"]["nl"]["summary"].startswith("De akte van Belgische nationaliteit")
    assert data["texts"]["fr"] == existing["texts"]["fr"]
    assert data["synonyms"] == existing["synonyms"]
    assert (data["theme"], data["handled_by"]) == ("burgerzaken", "gemeente")
    sources.load(knowledge)


def test_ipdc_generated_variant_and_french(knowledge, tmp_path):
    remove_products(knowledge, IPDC_IDS)
    page = ipdc_page(0)
    member = page["member"][0]
    del member["beschrijving"]["nl"]
    member["beschrijving"]["fr"] = "<p>L'acte de nationalité belge.</p>"
    file = write_json(tmp_path / "page.json", page)
    import_ipdc(file, knowledge)
    data = read_product(knowledge, IPDC_IDS[0])
    assert data["texts"]["nl"]["summary"].startswith("De akte van Belgische nationaliteit")
    assert not data["texts"]["nl"]["summary"].endswith("formal")
    assert data["texts"]["fr"] == {"summary": "L'acte de nationalité belge."}
    sources.load(knowledge)


def test_ipdc_import_twice_is_idempotent(knowledge):
    for page in IPDC_PAGES:
        import_ipdc(page, knowledge)
    after_first = snapshot(knowledge)
    reports = [import_ipdc(page, knowledge) for page in IPDC_PAGES]
    assert snapshot(knowledge) == after_first
    assert all(r.created == [] and r.updated == [] for r in reports)
    assert [r.unchanged for r in reports] == [[IPDC_IDS[0]], [IPDC_IDS[1]]]


def test_ipdc_broken_json_changes_nothing(knowledge, tmp_path):
    broken = tmp_path / "page.json"
    broken.write_text(IPDC_PAGES[0].read_text(encoding="utf-8").replace('"member": [', '"member": [[', 1), encoding="utf-8")
    assert_rejected(import_ipdc, knowledge, broken, "(syntax)", "not valid JSON")


def test_ipdc_member_without_name_changes_nothing(knowledge, tmp_path):
    remove_products(knowledge, IPDC_IDS)
    good, bad = ipdc_page(1)["member"][0], copy.deepcopy(ipdc_page(0)["member"][0])
    del bad["naam"]
    file = write_json(tmp_path / "page.json", {"@type": "EventStream", "member": [good, bad]})
    error = assert_rejected(import_ipdc, knowledge, file, "member[1].naam", "record 2", "name")
    assert bad["@id"] in str(error)
    assert not product_path(knowledge, IPDC_IDS[1]).exists()            # the good member was not written either


@pytest.mark.parametrize("change, field, word", [
    (lambda m: m["naam"].pop("nl") and [m["naam"].pop(k) for k in list(m["naam"]) if k.startswith("nl")],
     "member[0].naam.nl", "name"),
    (lambda m: m.__setitem__("beschrijving", {"en": "<p>Only English</p>"}), "member[0].beschrijving.nl", "Dutch"),
    (lambda m: m.__setitem__("voorwaarden", "tekst"), "member[0].voorwaarden", "must be a list"),
    (lambda m: m["kosten"][0].__setitem__("beschrijving", ["<p>x</p>", 3]), "member[0].kosten[0].beschrijving", "language map"),
    (lambda m: m.__setitem__("naam", "Akte"), "member[0].naam", "language map"),
])
def test_ipdc_bad_members(knowledge, tmp_path, change, field, word):
    page = ipdc_page(0)
    change(page["member"][0])
    file = write_json(tmp_path / "page.json", page)
    assert_rejected(import_ipdc, knowledge, file, field, word)


def test_ipdc_archived_member_is_not_imported(knowledge, tmp_path):
    remove_products(knowledge, IPDC_IDS)
    page = ipdc_page(0)
    page["member"][0]["gearchiveerd"] = True
    report = import_ipdc(write_json(tmp_path / "page.json", page), knowledge)
    assert report.created == [] and "archived" in report.skipped[0]
    assert not product_path(knowledge, IPDC_IDS[0]).exists()


def test_ipdc_documents_go_to_bring(knowledge, tmp_path):
    remove_products(knowledge, IPDC_IDS)
    page = ipdc_page(1)
    page["member"][0]["bewijsstukken"] = [
        {"naam": {"nl": "Uw identiteitskaart - nl", "en": "Your identity card"}, "order": 1},
        {"naam": {"nl": "Titel"}, "beschrijving": {"nl": "<ul><li>Uw trouwboekje</li><li>Een pasfoto</li></ul>"}, "order": 0},
    ]
    import_ipdc(write_json(tmp_path / "page.json", page), knowledge)
    bring = read_product(knowledge, IPDC_IDS[1])["texts"]
    assert bring["nl"]["bring"][-3:] == ["Uw trouwboekje", "Een pasfoto", "Uw identiteitskaart"]
    assert bring["en"]["bring"][-1] == "Your identity card"
    sources.load(knowledge)


def test_the_cli_prints_what_an_import_skipped_and_why(knowledge, capsys):
    from bot.catalogue.cli import main
    en_only = sorted(p for p, languages in SDG_PRODUCTS.items() if languages == {"en"})
    remove_products(knowledge, en_only)          # English text, no Dutch summary: skipped
    assert main(["--sources", str(knowledge), "import-sdg", str(SDG_SAMPLE)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert f"{len(en_only)} skipped" in lines[0]
    skipped = sorted(line.split(": ")[1] for line in lines if line.startswith("  skipped: "))
    assert skipped == en_only and all("has no Dutch text" in line for line in lines if line.startswith("  skipped: "))
