"""An editor in a real browser (the system Chromium, headless, driven by Playwright) changes the
Dutch summary of a product, previews and publishes it; the real assistant (Rasa server + action
server, REST channel) then answers with the new text, without retraining or restarting. The
insights show the conversation, and a question it could not answer becomes a synonym in one click.

Servers work on a copy of knowledge/ (CATALOGUE_SOURCES) and a temporary database (CATALOGUE_DB).
Screenshots go to test-artifacts/editor/."""
from __future__ import annotations

import time
import uuid

import pytest
import requests
import yaml

from bot.servers import running_assistant
from tests.conftest import CHROMIUM, MODEL, PROJECT
from tests.editor.conftest import PASSWORDS, console_app, create_users, make_workspace

AXE = PROJECT / "tests" / "browser" / "vendor" / "axe.min.js"
ARTIFACTS = PROJECT / "test-artifacts" / "editor"
TOKEN = "editor-browser-token"
NEW_SUMMARY = "Met een paspoort reist u naar het buitenland. Deze zin schreef de redactie vandaag."
QUESTION = "ik heb een vraag over mijn paspoort"
# A question with a word the catalogue does not know (not nonsense: that is never a product).
NOT_UNDERSTOOD = "wat moet ik doen met een knurft"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    if not MODEL.exists():
        pytest.fail(f"no trained model at {MODEL}: run `make train` (make test does this)")
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: run `bash scripts/install-browser.sh` (or apt-get install chromium)")
    root = tmp_path_factory.mktemp("editor-browser")
    workspace = make_workspace(root)
    create_users(workspace.store)
    scratch = root / "servers"
    scratch.mkdir()
    with running_assistant(MODEL, workspace.database, TOKEN, scratch,
                           extra_env={"CATALOGUE_SOURCES": str(workspace.knowledge),
                                      "HANDOVER_DB": str(workspace.store.path)}) as assistant:
        with console_app(root, workspace, {
                "TRACKER_DB": str(scratch / "tracker.db"), "INSIGHTS_DB": str(root / "insights.db"),
                "RASA_URL": assistant.url, "RASA_TOKEN": TOKEN}) as url:
            yield assistant, url, workspace


def say(assistant, text: str, sender: str | None = None) -> list[dict]:
    reply = requests.post(f"{assistant.url}/webhooks/rest/webhook",
                          json={"sender": sender or f"editor-{uuid.uuid4().hex[:12]}", "message": text}, timeout=60)
    assert reply.status_code == 200
    return reply.json()


def texts(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def suggested(messages: list[dict]) -> list[str]:
    """Product ids on the buttons of a reply (/choose_product{"product": ...})."""
    import json
    return [json.loads("{" + b["payload"].split("{", 1)[1])["product"]
            for m in messages for b in m.get("buttons") or [] if b.get("payload", "").startswith("/choose_product{")]


class Problems:
    """Console errors, page errors and CSP violations of a page."""

    def __init__(self, page):
        self.errors: list[str] = []
        page.on("pageerror", lambda error: self.errors.append(f"page error: {error}"))
        page.on("console", lambda message: self.errors.append(f"console {message.type}: {message.text}")
                if message.type == "error" or "Content Security Policy" in message.text else None)


def run_axe(page) -> list[dict]:
    if not AXE.exists():
        return []
    page.add_script_tag(url="/__test__/axe.js")      # served by a route of the test: same origin, CSP allows it
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' -> ' + n.failureSummary)}));
    }""")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def check_page(page, name: str) -> None:
    """Accessible (axe), one h1, every form control labelled, and a screenshot."""
    assert run_axe(page) == [], name
    assert page.locator("h1").count() == 1, name
    unlabelled = page.evaluate("""() => [...document.querySelectorAll('input:not([type=hidden]), textarea, select')]
        .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')).map(e => e.name || e.id)""")
    assert unlabelled == [], (name, unlabelled)
    shot(page, name)


def checked_context(browser):
    """A browser context whose pages can load axe (from a route of the test: same origin)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nl-NL")
    context.route("**/__test__/axe.js", lambda route: route.fulfill(
        status=200, content_type="text/javascript", body=AXE.read_text(encoding="utf-8")))
    return context


def log_in(page, console: str, username: str, lands_on: str) -> None:
    page.goto(f"{console}/staff/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORDS[username])
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{console}{lands_on}")


def test_editor_publishes_and_the_assistant_answers_with_the_new_text(servers, browser):
    assistant, console, workspace = servers
    before = texts(say(assistant, QUESTION))
    assert "Een paspoort is een reisdocument" in before and NEW_SUMMARY not in before
    assert "paspoort" not in suggested(say(assistant, NOT_UNDERSTOOD))   # not understood, paspoort not suggested

    context = checked_context(browser)
    # A publish rebuilds the catalogue and updates the product matcher: about 10 s on 2 cores.
    context.set_default_timeout(90_000)
    page = context.new_page()
    problems = Problems(page)
    try:
        log_in(page, console, "eva", "/editor/")          # the shared login lands an editor on the editor

        # keyboard: the first stop is the skip link, which moves focus to the content
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Naar de inhoud"
        page.keyboard.press("Enter")
        assert page.evaluate("document.activeElement.id") == "main"
        check_page(page, "01-products")

        # search and open the product
        page.get_by_label("Zoek een product op naam, of met de woorden van een inwoner").fill("paspoort")
        page.get_by_role("button", name="Zoeken").click()
        page.get_by_role("link", name="paspoort", exact=True).click()
        page.wait_for_url(f"{console}/editor/products/paspoort")
        check_page(page, "02-product")

        # edit the Dutch summary; the script warns about an amount in a text
        summary = page.locator("#nl-summary")
        summary.fill("Kost € 80.")
        assert "bedrag" in page.locator("#nl-summary-check").text_content()
        summary.fill(NEW_SUMMARY)
        assert page.locator("#nl-summary-check").text_content() == ""

        # preview: the answers as the assistant will give them, not yet published
        page.get_by_role("button", name="Voorbeeld bekijken").click()
        page.locator("#preview").wait_for()
        answer = page.locator('pre.answer[data-language="nl"][data-question="ask_info"]').text_content()
        assert answer.startswith(NEW_SUMMARY)
        assert page.locator("#nl-summary").input_value() == NEW_SUMMARY          # the form keeps the edit
        assert NEW_SUMMARY not in texts(say(assistant, QUESTION))               # nothing published yet
        check_page(page, "03-preview")

        # publish
        page.get_by_role("button", name="Publiceren").click()
        page.locator("#published").wait_for()
        assert "Gepubliceerd" in page.locator("#published").text_content()
        shot(page, "04-published")
        written = yaml.safe_load((workspace.knowledge / "products" / "paspoort.yml").read_text(encoding="utf-8"))
        assert written["texts"]["nl"]["summary"] == NEW_SUMMARY
        assert NEW_SUMMARY not in (PROJECT / "knowledge" / "products" / "paspoort.yml").read_text(encoding="utf-8")

        # the running assistant answers with the new text: no retraining, no restart
        deadline, answer = time.time() + 20, ""
        while time.time() < deadline:
            answer = texts(say(assistant, QUESTION))
            if NEW_SUMMARY in answer:
                break
            time.sleep(1)
        assert NEW_SUMMARY in answer, answer

        # the change is in the audit trail, with its diff
        page.get_by_role("link", name="Wijzigingen").click()
        page.wait_for_url(f"{console}/editor/changes")
        check_page(page, "05-changes")
        page.locator("#changes a", has_text="1").first.click()
        assert f"+    summary: {NEW_SUMMARY}" in page.locator("#diff").text_content()
        check_page(page, "06-change")

        # insights: the conversations of this test, charts, and the question it could not answer
        page.get_by_role("link", name="Inzichten").click()
        page.wait_for_url(f"{console}/editor/insights")
        assert page.locator("svg#chart-products").count() == 1
        assert "paspoort" in page.locator("svg#chart-products").text_content()
        group = page.locator("li.group", has_text=NOT_UNDERSTOOD).first
        group.wait_for()
        check_page(page, "07-insights")
        group.get_by_label("van product").fill("paspoort")
        group.get_by_role("button", name="Toevoegen als synoniem").click()
        page.locator("#added").wait_for()
        shot(page, "08-synonym-added")
        written = yaml.safe_load((workspace.knowledge / "products" / "paspoort.yml").read_text(encoding="utf-8"))
        assert NOT_UNDERSTOOD in written["synonyms"]["nl"]
        # the assistant now finds the product for those words: answers it, or offers it
        def finds_passport(messages: list[dict]) -> bool:
            return "paspoort" in suggested(messages) or any("paspoort" in (m.get("text") or "").lower() for m in messages)
        deadline, reply = time.time() + 20, []
        while time.time() < deadline:
            reply = say(assistant, NOT_UNDERSTOOD)
            if finds_passport(reply):
                break
            time.sleep(1)
        assert finds_passport(reply), reply

        # a phone-sized screen: no page scrolls sideways (wide tables scroll in their own region)
        page.set_viewport_size({"width": 390, "height": 844})
        for path, name in (("/editor/products/paspoort", "09-product-narrow"), ("/editor/changes", "10-changes-narrow"),
                           ("/editor/insights", "11-insights-narrow"), ("/editor/changes/1", None)):
            page.goto(console + path)
            assert page.evaluate("document.documentElement.scrollWidth <= innerWidth + 1"), path
            if name:
                shot(page, name)
        assert problems.errors == []
    finally:
        context.close()


def test_staff_cannot_open_the_editor_in_the_browser(servers, browser):
    _, console, _ = servers
    context = browser.new_context()
    try:
        page = context.new_page()
        page.goto(f"{console}/editor/insights")
        assert page.url == f"{console}/staff/login"
        log_in(page, console, "sanne", "/staff/")
        reply = page.goto(f"{console}/editor/")
        assert reply.status == 403
    finally:
        context.close()


def test_staff_handle_a_report_in_the_browser_with_the_keyboard(servers, browser):
    """Meldingen: accessible (axe), the photo shown, the status changed with the keyboard only."""
    from bot.reports.store import NewReport, ReportStore
    _, console, workspace = servers
    import base64
    one_pixel = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGA"
                                 "hKmMIQAAAABJRU5ErkJggg==")
    report = ReportStore(workspace.store.url).create(NewReport(
        "c-browser", "nl", "onderhoud-stoep-straat-en-fietspad", "losse stoeptegel, mijn buurvrouw is gestruikeld",
        "address", "Kerkstraat 12, 1234 AD Voorbeeldstad", 52.2015, 5.2844, one_pixel, "image/png"), [])
    context = checked_context(browser)
    page = context.new_page()
    problems = Problems(page)
    try:
        log_in(page, console, "sanne", "/staff/")
        page.get_by_role("link", name="Meldingen openbare ruimte").click()
        page.get_by_label("Categorie").select_option(label="Onderhoud stoep, straat en fietspad")
        page.get_by_role("button", name="Filteren").click()
        check_page(page, "21-reports")
        page.get_by_role("link", name=report["reference"]).click()
        check_page(page, "22-report")
        assert "mijn buurvrouw is gestruikeld" in page.text_content("main")
        assert page.evaluate("document.querySelector('img.report-photo').naturalWidth") == 1
        page.get_by_label("Nieuwe status").focus()
        page.keyboard.press("ArrowDown")                    # received -> in progress
        page.keyboard.press("Tab")
        page.keyboard.type("We maken het deze week.")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.textContent") == "Opslaan"
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert "in behandeling: We maken het deze week." in page.text_content("main")
        assert problems.errors == []
    finally:
        context.close()
