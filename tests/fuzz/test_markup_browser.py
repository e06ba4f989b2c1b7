"""Markup a citizen or staff member types is shown as text everywhere, in the system Chromium: the
citizen's widget, the staff member's live view of the conversation and the editors' insights
(unanswered questions). Every hostile string carries data-fuzz="1" and sets window.__fuzz when it
runs: no element may carry that attribute, no script may have run, no dialog may have opened."""
from __future__ import annotations

from playwright.sync_api import expect

from tests.browser.conftest import PageProblems, load_demo
from tests.browser.test_widget import ask, open_widget, session_id
from tests.conftest import PROJECT
from tests.fuzz.conftest import PASSWORDS

ARTIFACTS = PROJECT / "test-artifacts" / "fuzz"
MARKER = "zqxv"          # in every question: the insights search finds them among the fuzz test's thousands
QUESTIONS = [           # each answered with a thumbs down: an unanswered question in the insights
    f'<img src=x data-fuzz="1" onerror="window.__fuzz=1;alert(1)"> {MARKER} wrtpl',
    f'<script data-fuzz="1">window.__fuzz=1;alert(2)</script> plofgrt {MARKER} snirk',
    f'"><svg data-fuzz="1" onload="window.__fuzz=1;alert(3)"></svg> qwrtp {MARKER} klmnq',
]
DURING_CHAT = ['<iframe data-fuzz="1" src="javascript:alert(4)"></iframe> {{7*7}} ${7*7} {% raw %}',
               '<a data-fuzz="1" href="javascript:alert(5)">klik</a><b data-fuzz="1">vet</b> &lt;i&gt;']
STAFF_REPLY = '<img src=x data-fuzz="1" onerror="window.__fuzz=1;alert(6)"> Goedemiddag <u data-fuzz="1">Sanne</u>'


def assert_inert(page, problems: PageProblems, where: str) -> None:
    assert page.locator("[data-fuzz]").count() == 0, f"{where}: an element was created from typed markup"
    assert page.evaluate("() => window.__fuzz") is None, f"{where}: typed markup ran a script"
    assert problems.dialogs == [], f"{where}: dialogs {problems.dialogs}"
    assert not [e for e in problems.errors if "Content Security Policy" in e], problems.errors


def log_in(context, console: str, username: str):
    page = context.new_page()
    problems = PageProblems(page)
    page.goto(f"{console}/staff/login")
    page.get_by_label("Gebruikersnaam").fill(username)
    page.get_by_label("Wachtwoord").fill(PASSWORDS[username])
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state()
    return page, problems


def test_typed_markup_is_text_in_widget_staff_view_and_insights(stack, context_factory):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    staff, staff_problems = log_in(context_factory(), stack.console, "sanne")   # online: live chat is offered

    citizen, citizen_problems = load_demo(context_factory(), stack.web)
    open_widget(citizen)
    for number, text in enumerate(QUESTIONS, 1):
        ask(citizen, text)
        citizen.get_by_role("button", name="Nee, dit antwoord was niet nuttig").last.click()
        expect(citizen.get_by_text("Bedankt voor uw reactie.")).to_have_count(number)
    for text in QUESTIONS:
        expect(citizen.locator(".vbs-msg--user", has_text=text)).to_have_count(1)
    ask(citizen, "ik wil een medewerker spreken")
    citizen.get_by_role("button", name="Chatten met een medewerker").last.click()
    conversation = session_id(citizen)

    # the staff member claims this conversation and opens the live view
    staff.goto(f"{stack.console}/staff/")
    csrf = staff.locator("input[name=csrf]").first.get_attribute("value")
    queued = [h for h in staff.request.get(f"{stack.console}/staff/api/queue").json()
              if h["conversation_id"] == conversation]
    assert queued, "the widget's conversation was not handed over"
    staff.request.post(f"{stack.console}/staff/handovers/{queued[0]['id']}/claim", form={"csrf": csrf},
                       max_redirects=0)
    staff.goto(f"{stack.console}/staff/handovers/{queued[0]['id']}")
    for text in DURING_CHAT:
        citizen.locator("#vbs-input").fill(text)
        citizen.locator("#vbs-input").press("Enter")
    for text in [*QUESTIONS, *DURING_CHAT]:
        staff.locator("#transcript").get_by_text(text, exact=True).first.wait_for(timeout=60_000)
    staff.get_by_label("Uw antwoord").fill(STAFF_REPLY)
    staff.get_by_role("button", name="Versturen").click()
    expect(citizen.locator(".vbs-msg--staff").last).to_contain_text(STAFF_REPLY, timeout=60_000)
    staff.locator("#transcript").get_by_text(STAFF_REPLY, exact=True).first.wait_for()

    editor, editor_problems = log_in(context_factory(), stack.console, "eva")
    editor.goto(f"{stack.console}/editor/insights")
    editor.get_by_label("Vragen met de woorden").fill(MARKER)
    editor.get_by_role("button", name="Tonen").click()
    editor.wait_for_load_state()
    unanswered = editor.locator("section[aria-labelledby=unanswered-title]")
    (ARTIFACTS / "markup-insights.txt").write_text(unanswered.inner_text())
    shown = [text for text in QUESTIONS if unanswered.get_by_text(text).count()]
    assert shown, "none of the typed questions appears among the unanswered questions"

    for page, problems, name in ((citizen, citizen_problems, "widget"), (staff, staff_problems, "staff"),
                                 (editor, editor_problems, "insights")):
        page.screenshot(path=str(ARTIFACTS / f"markup-{name}.png"), full_page=True)
        assert_inert(page, problems, name)
