"""The editors' console over HTTP (`python -m bot.console`): access per role, CSRF, publishing,
validation errors, revert, insights with one-click synonyms, CSV export."""
import csv
import html
import io
import re

import pytest
import yaml

from tests.editor import data

PERIOD = f"from={data.FIRST_WEEK}&to={data.LAST_WEEK}"
PAGES = ["/editor/", "/editor/?q=paspoort", "/editor/products/paspoort", "/editor/changes", "/editor/changes/1",
         f"/editor/insights?{PERIOD}", f"/editor/insights.csv?{PERIOD}", f"/editor/insights/products.csv?{PERIOD}"]
ACTIONS = ["/editor/products/paspoort/preview", "/editor/products/paspoort/publish", "/editor/changes/1/revert",
           "/editor/insights/synonym", "/editor/insights/example"]


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


def product_form(session, console, slug: str = "paspoort") -> dict:
    page = session.get(f"{console.url}/editor/products/{slug}").text
    fields = {m.group(1): html.unescape(m.group(2))
              for m in re.finditer(r'<textarea[^>]*name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S)}
    return {**fields, "csrf": csrf_of(page), "base": re.search(r'name="base" value="([^"]*)"', page).group(1)}


@pytest.fixture(scope="module")
def editor(console):
    return console.session("eva")


@pytest.fixture(scope="module")
def first_change(console, editor):
    """One published change, so that /editor/changes/1 exists."""
    form = product_form(editor, console)
    form["en.who"] = "Everyone with Dutch nationality."
    reply = editor.post(f"{console.url}/editor/products/paspoort/publish", data=form, allow_redirects=False)
    assert reply.status_code == 302 and reply.headers["location"] == "/editor/products/paspoort?published=1"
    return 1


def test_anonymous_visitors_are_sent_to_the_login(console, first_change):
    anonymous = console.session(None)
    for path in PAGES:
        reply = anonymous.get(console.url + path, allow_redirects=False)
        assert reply.status_code == 302 and reply.headers["location"] == "/staff/login", path
    for path in ACTIONS:
        reply = anonymous.post(console.url + path, data={"csrf": "x"}, allow_redirects=False)
        assert reply.status_code in (302, 401), path


def test_staff_members_get_403(console, first_change):
    staff = console.session("sanne")
    page = staff.get(f"{console.url}/staff/").text
    for path in PAGES:
        reply = staff.get(console.url + path, allow_redirects=False)
        assert reply.status_code == 403, path
        assert "paspoort" not in reply.text.lower() or path == "/editor/?q=paspoort"
    for path in ACTIONS:
        assert staff.post(console.url + path, data={"csrf": csrf_of(page)}, allow_redirects=False).status_code == 403


def test_editors_and_admins_get_every_page(console, editor, first_change):
    admin = console.session("adam")
    for session in (editor, admin):
        for path in PAGES:
            reply = session.get(console.url + path, allow_redirects=False)
            assert reply.status_code == 200, (path, reply.text[:500])
            assert "Content-Security-Policy" in reply.headers
            if not path.endswith(("csv", f"csv?{PERIOD}")) and ".csv?" not in path:
                assert reply.headers["content-type"].startswith("text/html")
                assert "<h1" in reply.text and 'lang="nl"' in reply.text and " style=" not in reply.text
                assert "<script>" not in reply.text


def test_editor_login_lands_on_the_editor(console):
    session = console.session(None)
    page = session.get(f"{console.url}/staff/login").text
    reply = session.post(f"{console.url}/staff/login", data={"csrf": csrf_of(page), "username": "eva",
                                                             "password": "editor-password-eva"})
    assert reply.url.endswith("/editor/") and "<h1>Producten</h1>" in reply.text


def test_posts_need_the_csrf_token(console, editor):
    form = product_form(editor, console)
    form["nl.summary"] = "Zonder token."
    for token in (None, "wrong"):
        data_ = {**form, "csrf": token} if token else {k: v for k, v in form.items() if k != "csrf"}
        reply = editor.post(f"{console.url}/editor/products/paspoort/publish", data=data_, allow_redirects=False)
        assert reply.status_code == 403
    assert "Zonder token." not in (console.workspace.knowledge / "products" / "paspoort.yml").read_text()


def test_search_by_name_and_by_citizens_words(console, editor):
    page = editor.get(f"{console.url}/editor/", params={"q": "Paspoort"}).text
    assert re.search(r'<ol class="results">\s*<li>\s*<a href="/editor/products/paspoort">paspoort</a>', page)
    page = editor.get(f"{console.url}/editor/", params={"q": "ik ga verhuizen", "language": "nl"}).text
    assert 'href="/editor/products/verhuismelding"' in page
    page = editor.get(f"{console.url}/editor/", params={"q": "<script>alert(1)</script>"}).text
    assert "<script>alert(1)" not in page and "&lt;script&gt;" in page


def test_preview_publish_and_validation_over_http(console, editor):
    products = console.workspace.knowledge / "products"
    form = product_form(editor, console, "rijbewijs")
    form["nl.summary"] = "Met een rijbewijs mag u <b>rijden</b>. Nieuwe tekst."
    preview = editor.post(f"{console.url}/editor/products/rijbewijs/preview", data=form)
    assert preview.status_code == 200
    assert "Met een rijbewijs mag u &lt;b&gt;rijden&lt;/b&gt;. Nieuwe tekst." in preview.text      # as text
    assert "Nieuwe tekst" not in (products / "rijbewijs.yml").read_text()
    assert preview.text.count("gewijzigd</span>") == 1          # only the Dutch "what is it" answer changes
    assert re.search(r'Wat is het\? <span class="badge changed">gewijzigd</span></dt>\s*<dd><pre class="answer" '
                     r'data-language="nl" data-question="ask_info">', preview.text)
    before = (products / "rijbewijs.yml").read_bytes()
    broken = {**form, "nl.summary": ""}
    reply = editor.post(f"{console.url}/editor/products/rijbewijs/publish", data=broken)
    assert reply.status_code == 422
    assert "knowledge/products/rijbewijs.yml, regel" in reply.text and "<code>texts</code>" in reply.text
    assert "texts.nl.summary" in reply.text
    assert (products / "rijbewijs.yml").read_bytes() == before
    reply = editor.post(f"{console.url}/editor/products/rijbewijs/publish", data=form, allow_redirects=False)
    assert reply.status_code == 302
    assert yaml.safe_load((products / "rijbewijs.yml").read_text())["texts"]["nl"]["summary"] == form["nl.summary"]
    page = editor.get(console.url + reply.headers["location"]).text
    assert 'id="published"' in page
    stale = editor.post(f"{console.url}/editor/products/rijbewijs/publish", data={**form, "nl.summary": "Oud formulier."})
    assert stale.status_code == 409


def test_changes_show_the_diff_and_revert(console, editor, first_change):
    page = editor.get(f"{console.url}/editor/changes/{first_change}").text
    assert '<span class="add">+    who: Everyone with Dutch nationality.</span>' in page
    form = product_form(editor, console)
    form["fr.who"] = "Tout le monde."
    reply = editor.post(f"{console.url}/editor/products/paspoort/publish", data=form, allow_redirects=False)
    change = int(reply.headers["location"].rsplit("=", 1)[1])
    listing = editor.get(f"{console.url}/editor/changes").text
    assert f"/editor/changes/{change}/revert" in listing and f"/editor/changes/{first_change}/revert" not in listing
    reply = editor.post(f"{console.url}/editor/changes/{first_change}/revert", data={"csrf": csrf_of(listing)})
    assert reply.status_code == 409
    reply = editor.post(f"{console.url}/editor/changes/{change}/revert", data={"csrf": csrf_of(listing)},
                        allow_redirects=False)
    assert reply.status_code == 302
    assert "Tout le monde." not in (console.workspace.knowledge / "products" / "paspoort.yml").read_text()
    page = editor.get(console.url + reply.headers["location"]).text
    assert "teruggedraaid" in page and f"wijziging {change}</a> terug" in page


def test_insights_page_with_charts_groups_and_one_click_synonym(console, editor):
    page = editor.get(f"{console.url}/editor/insights?{PERIOD}").text
    for chart in ("chart-unanswered", "chart-products", "chart-containment", "chart-reasons", "chart-satisfaction"):
        assert f'<svg class="chart" id="{chart}"' in page
    assert 'id="total-conversations">9<' in page and 'id="total-containment">78%<' in page
    assert "kattenopvang buren" in page and "[BSN]" in page
    assert not any(value in page for value in data.PERSONAL)
    assert "conv-nl" not in page
    group = re.search(r'<li class="group" id="group-\d+">\s*<p class="question"><span class="visually-hidden">Vraag: </span>'
                      r'how do I get a parking permit\?</p>.*?</li>', page, re.S).group(0)
    assert 'name="product" value="parkeervergunning"' in group
    action = html.unescape(re.search(r'formaction="([^"]+)"', group).group(1))
    assert "/editor/insights/synonym" in action
    reply = editor.post(console.url + action, allow_redirects=False, data={
        "csrf": csrf_of(page), "phrase": "get a parking permit", "product": "parkeervergunning", "language": "en"})
    assert reply.status_code == 302 and "added=" in reply.headers["location"]
    assert data.FIRST_WEEK in reply.headers["location"]
    product = yaml.safe_load((console.workspace.knowledge / "products" / "parkeervergunning.yml").read_text())
    assert product["synonyms"]["en"][-1] == "get a parking permit"
    after = editor.get(console.url + reply.headers["location"]).text
    assert 'id="added"' in after and "al bekend" not in after.split("how do I get a parking permit?")[0][-50:]
    changes = editor.get(f"{console.url}/editor/changes").text
    assert "synoniem toegevoegd" in changes
    # the same again, personal data, an unknown product: refused, nothing written
    for phrase, product_id, message in (("get a parking permit", "parkeervergunning", "al een synoniem"),
                                        (f"bel {data.PHONES[0]}", "parkeervergunning", "persoonsgegevens"),
                                        ("iets", "bestaat-niet", "bestaat niet")):
        reply = editor.post(console.url + action, data={"csrf": csrf_of(page), "phrase": phrase,
                                                        "product": product_id, "language": "en"})
        assert reply.status_code == 422 and message in reply.text


def test_an_unanswered_question_becomes_an_example_question_of_a_product(console, editor):
    page = editor.get(f"{console.url}/editor/insights?{PERIOD}").text
    group = re.search(r'<li class="group" id="group-\d+">\s*<p class="question"><span class="visually-hidden">Vraag: </span>'
                      r'how do I get a parking permit\?</p>.*?</li>', page, re.S).group(0)
    action = html.unescape(re.search(r' action="([^"]+)"', group).group(1))
    assert "/editor/insights/example" in action
    question = "my car needs a permit to stand in front of my house"
    reply = editor.post(console.url + action, allow_redirects=False, data={
        "csrf": csrf_of(page), "phrase": question, "product": "parkeervergunning", "language": "en"})
    assert reply.status_code == 302 and "added=" in reply.headers["location"]
    product = yaml.safe_load((console.workspace.knowledge / "products" / "parkeervergunning.yml").read_text())
    assert product["examples"]["en"][-1] == question
    assert "voorbeeldvraag toegevoegd" in editor.get(f"{console.url}/editor/changes").text
    reply = editor.post(console.url + action, data={"csrf": csrf_of(page), "phrase": question,
                                                    "product": "parkeervergunning", "language": "en"})
    assert reply.status_code == 422 and "al een voorbeeldvraag" in reply.text


def test_insights_search_shows_only_groups_with_all_the_words(console, editor):
    def questions(query: str) -> list[str]:
        page = editor.get(f"{console.url}/editor/insights?{PERIOD}&{query}").text
        return re.findall(r'<span class="visually-hidden">Vraag: </span>(.*?)</p>', page)

    everything = questions("")
    assert "how do I get a parking permit?" in everything and len(everything) > 1
    assert questions("q=Parking+PERMIT") == ["how do I get a parking permit?"]
    assert questions("q=parking+kattenopvang") == []
    page = editor.get(f"{console.url}/editor/insights?{PERIOD}&q=%3Cscript%3Eparking").text
    assert "Geen onbeantwoorde vragen met „&lt;script&gt;parking”" in page
    assert 'name="q" type="search" value="&lt;script&gt;parking"' in page


def test_csv_downloads(console, editor):
    reply = editor.get(f"{console.url}/editor/insights.csv?{PERIOD}")
    assert reply.headers["content-type"].startswith("text/csv")
    assert 'attachment; filename="inzichten-2025-W10-2025-W11.csv"' == reply.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert rows and set(rows[0]) == {"table", "week", "language", "item", "measure", "value"}
    for table in ("unanswered", "questions", "products", "containment", "handovers", "satisfaction"):
        reply = editor.get(f"{console.url}/editor/insights/{table}.csv?{PERIOD}&language=nl")
        assert reply.status_code == 200 and reply.text.count("\n") >= 1
        assert not any(value in reply.text for value in data.PERSONAL)
        assert ",en," not in reply.text
    assert editor.get(f"{console.url}/editor/insights/secrets.csv").status_code == 404
    assert editor.get(f"{console.url}/editor/insights?from=2025-W99").status_code == 200     # falls back, says so
