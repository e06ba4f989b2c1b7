"""The chat widget in the system Chromium, against the real assistant and web app (see conftest)."""
from __future__ import annotations

import json
import re
import time

import pytest
import requests
import sqlite_utils
from playwright.sync_api import expect

from tests.browser.conftest import load_demo

STATE_KEY = "voorbeeldstad-chat-v1"
HOSTILE = "<script>alert(1)</script>"


# ---- helpers ----------------------------------------------------------------------------------------
def open_widget(page) -> None:
    page.locator(".vbs-launcher").click()
    expect(page.locator(".vbs-panel")).to_be_visible()
    expect(page.locator("#vbs-input")).to_be_focused()
    page.wait_for_function("() => window.VoorbeeldstadWidget.connected()")


def bot_count(page) -> int:
    return page.locator(".vbs-msg--bot").count()


def wait_for_answer(page, before: int) -> list[str]:
    """Texts of the bot messages after the first `before`, once the assistant has handled everything."""
    page.wait_for_function(
        "n => document.querySelectorAll('.vbs-msg--bot').length > n && window.VoorbeeldstadWidget.pending() === 0",
        arg=before, timeout=60_000)
    return page.locator(".vbs-msg--bot").all_inner_texts()[before:]


def ask(page, text: str) -> list[str]:
    before = bot_count(page)
    page.locator("#vbs-input").fill(text)
    page.locator("#vbs-input").press("Enter")
    return wait_for_answer(page, before)


def session_id(page) -> str:
    return page.evaluate("() => window.VoorbeeldstadWidget.sessionId()")


def render(page, payload: dict) -> None:
    """Shows a bot_uttered payload through the widget's test hook, as if Rasa had sent it."""
    page.evaluate("payload => { window.VoorbeeldstadWidget.renderMessage(payload); }", payload)


def shot(page, artifacts, name: str) -> None:
    page.screenshot(path=str(artifacts / f"{name}.png"))


def run_axe(page) -> list[dict]:
    page.add_script_tag(url="/__test__/axe.js")   # served by a route of the test, same origin: CSP allows it
    return page.evaluate("""async () => {
        const result = await axe.run(document, {resultTypes: ['violations']});
        return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
            nodes: v.nodes.map(n => n.target.join(' ') + ' -> ' + n.failureSummary)}));
    }""")


def no_horizontal_scroll(page) -> dict:
    return page.evaluate("""() => {
        const panel = document.querySelector('.vbs-panel'), log = document.querySelector('.vbs-log');
        const box = panel.getBoundingClientRect();
        const controls = [...panel.querySelectorAll('button, a, input')].filter(e => e.offsetParent !== null)
            .map(e => e.getBoundingClientRect()).filter(r => r.left < -1 || r.right > innerWidth + 1).length;
        return {page: document.documentElement.scrollWidth - innerWidth, panel: panel.scrollWidth - panel.clientWidth,
                log: log.scrollWidth - log.clientWidth, left: box.left, right: box.right - innerWidth,
                controlsOutside: controls};
    }""")


# ---- conversations ------------------------------------------------------------------------------------
def test_question_gets_an_answer_with_a_safe_link(demo, artifacts):
    page, _ = demo
    open_widget(page)
    answer = "\n".join(ask(page, "mijn paspoort is verlopen"))
    assert "voorbeeldstad.example" in answer
    link = page.locator(".vbs-msg--bot a[href*='voorbeeldstad.example']").first
    expect(link).to_be_visible()
    assert link.get_attribute("href").startswith("https://")
    assert link.get_attribute("target") == "_blank"
    assert "noopener" in link.get_attribute("rel")
    expect(page.locator(".vbs-msg--user").last).to_have_text(re.compile("mijn paspoort is verlopen"))
    expect(page.locator(".vbs-typing")).to_be_hidden()
    shot(page, artifacts, "answer-with-link")


def test_vague_question_offers_buttons_and_a_click_gets_an_answer(demo, artifacts):
    page, _ = demo
    open_widget(page)
    ask(page, "ik heb een vraag over een vergunning")
    choices = page.locator(".vbs-choice")
    assert 2 <= choices.count() <= 6
    shot(page, artifacts, "clarification-buttons")
    title = choices.first.inner_text()
    before = bot_count(page)
    choices.first.click()
    expect(page.locator(".vbs-msg--user").last).to_contain_text(title)
    answer = wait_for_answer(page, before)
    assert answer and any(text.strip() for text in answer)
    expect(choices.first).to_be_disabled()
    expect(page.locator("#vbs-input")).to_be_focused()
    shot(page, artifacts, "clarification-answered")


def test_language_switch_to_english(demo, artifacts):
    page, _ = demo
    open_widget(page)
    before = bot_count(page)
    page.get_by_role("button", name="English").click()
    confirmation = "\n".join(wait_for_answer(page, before))
    assert "English" in confirmation
    expect(page.locator(".vbs-root")).to_have_attribute("lang", "en")
    expect(page.locator(".vbs-human")).to_have_text("Talk to a person")
    expect(page.get_by_role("button", name="English")).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#vbs-input")).to_have_attribute("placeholder", "Type your question\u2026")
    answer = "\n".join(ask(page, "how do I apply for a new passport?"))
    assert re.search(r"More information|How to apply|Is it one of these|It costs|You can", answer), answer
    state = json.loads(page.evaluate("key => sessionStorage.getItem(key)", STATE_KEY))
    assert state["language"] == "en"
    shot(page, artifacts, "english")


def test_thumbs_down_is_stored_with_product_and_language_without_text(demo, web, artifacts):
    page, _ = demo
    _, insights = web
    open_widget(page)
    ask(page, "mijn paspoort is verlopen")
    thumbs_down = page.locator(".vbs-turn").last.get_by_role("button", name="Nee, dit antwoord was niet nuttig")
    thumbs_down.click()
    expect(thumbs_down).to_have_attribute("aria-pressed", "true")
    expect(page.locator(".vbs-turn").last.locator(".vbs-feedback-note")).to_have_text("Bedankt voor uw reactie.")
    # One vote per answer: a second click changes nothing.
    page.locator(".vbs-turn").last.get_by_role("button", name="Ja, dit antwoord was nuttig").click()
    page.wait_for_timeout(500)
    expect(thumbs_down).to_have_attribute("aria-pressed", "true")
    conversation = session_id(page)
    rows = [r for r in sqlite_utils.Database(insights)["feedback"].rows if r["conversation_id"] == conversation]
    assert len(rows) == 1
    row = rows[0]
    assert set(row) == {"created_at", "conversation_id", "vote", "product", "language"}
    assert (row["vote"], row["product"], row["language"]) == ("down", "paspoort", "nl")
    assert re.match(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+00:00$", row["created_at"])   # UTC, in milliseconds
    shot(page, artifacts, "thumbs-down")


def test_talk_to_a_person_button_gets_the_contact_answer(demo, artifacts):
    page, _ = demo
    open_widget(page)
    human = page.get_by_role("button", name="Praat met een medewerker")
    expect(human).to_be_visible()
    before = bot_count(page)
    human.click()
    expect(page.locator(".vbs-msg--user").last).to_contain_text("Praat met een medewerker")
    answer = "\n".join(wait_for_answer(page, before))
    assert re.search(r"14 0123|medewerker", answer), answer
    shot(page, artifacts, "talk-to-a-person")


def test_staff_message_is_marked_as_from_a_person(demo, artifacts):
    page, _ = demo
    open_widget(page)
    render(page, {"type": "staff_message", "text": "Goedemiddag, u spreekt met Anna van de gemeente.",
                  "staff_name": "Anna"})
    staff = page.locator(".vbs-msg--staff").last
    expect(staff).to_contain_text("Goedemiddag, u spreekt met Anna van de gemeente.")
    expect(staff.locator(".vbs-staff-label")).to_contain_text("Anna")
    expect(staff.locator(".vbs-staff-label")).to_contain_text("Medewerker")
    expect(staff.locator(".vbs-staff-label")).to_contain_text("Bericht van een medewerker")  # for screen readers
    assert staff.locator(".vbs-thumb").count() == 0
    # The same payload wrapped as Rasa's "custom" also counts as from a person.
    render(page, {"custom": {"type": "staff_message", "text": "Een moment, ik kijk het na.", "staff_name": "Anna"}})
    expect(page.locator(".vbs-msg--staff").last).to_contain_text("Een moment, ik kijk het na.")
    shot(page, artifacts, "staff-message")


def test_staff_message_through_rasa_reaches_the_widget(demo, assistant):
    """End to end, when the model has the handover's relay action: the staff console's path."""
    page, _ = demo
    domain = requests.get(f"{assistant.url}/domain", params={"token": assistant.token},
                          headers={"Accept": "application/json"}, timeout=30).json()
    if "action_relay_staff_message" not in domain.get("actions", []) or "staff_message" not in domain.get("slots", {}):
        pytest.skip("the model has no action_relay_staff_message / staff_message slot yet")
    open_widget(page)
    ask(page, "hallo")
    conversation = session_id(page)
    events = [{"event": "slot", "name": "staff_message", "value": "Dag, u spreekt met Sam."},
              {"event": "slot", "name": "staff_name", "value": "Sam"}]
    assert requests.post(f"{assistant.url}/conversations/{conversation}/tracker/events",
                         params={"token": assistant.token}, json=events, timeout=30).ok
    executed = requests.post(f"{assistant.url}/conversations/{conversation}/execute",
                             params={"token": assistant.token, "output_channel": "latest"},
                             json={"name": "action_relay_staff_message"}, timeout=60)
    assert executed.ok, executed.text
    staff = page.locator(".vbs-msg--staff").last
    expect(staff).to_contain_text("Dag, u spreekt met Sam.")
    expect(staff.locator(".vbs-staff-label")).to_contain_text("Sam")


def test_markup_in_messages_is_shown_as_text(demo, artifacts):
    page, problems = demo
    open_widget(page)
    render(page, {"text": HOSTILE})
    render(page, {"text": "Klik [hier](javascript:alert(2)) of javascript:alert(3) of <img src=x onerror=alert(4)>",
                  "quick_replies": [{"title": "<b>vet</b>", "payload": "/greet"}]})
    render(page, {"type": "staff_message", "text": "<script>alert(5)</script>", "staff_name": "<img src=x onerror=alert(6)>"})
    page.locator("#vbs-input").fill(HOSTILE)
    page.locator("#vbs-input").press("Enter")
    page.wait_for_function("() => window.VoorbeeldstadWidget.pending() === 0")
    expect(page.locator(".vbs-msg--user .vbs-text").last).to_have_text(HOSTILE)
    expect(page.locator(".vbs-msg--bot .vbs-text").filter(has_text=HOSTILE).first).to_be_visible()
    expect(page.locator(".vbs-choice").filter(has_text="<b>vet</b>")).to_have_count(1)
    expect(page.locator(".vbs-msg--staff").last).to_contain_text("<script>alert(5)</script>")
    page.wait_for_timeout(500)
    counts = page.evaluate("""() => {
        const root = document.querySelector('.vbs-root');
        return {script: root.querySelectorAll('script').length, img: root.querySelectorAll('img').length,
                b: root.querySelectorAll('b').length,
                jsLinks: [...root.querySelectorAll('a')].filter(a => !/^https?:/.test(a.href)).length};
    }""")
    assert counts == {"script": 0, "img": 0, "b": 0, "jsLinks": 0}
    assert problems.dialogs == []
    shot(page, artifacts, "markup-as-text")


def test_newlines_are_kept_and_the_widget_uses_no_html_parsing(demo, web):
    page, _ = demo
    open_widget(page)
    render(page, {"text": "Openingstijden:\n- maandag: 09:00 - 17:00\n- dinsdag: 09:00 - 17:00"})
    text = page.locator(".vbs-msg--bot .vbs-text").last
    assert text.inner_text().split("\n") == ["Openingstijden:", "- maandag: 09:00 - 17:00", "- dinsdag: 09:00 - 17:00"]
    base, _ = web
    source = requests.get(base + "/widget/widget.js", timeout=10).text
    for forbidden in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert forbidden not in source


def test_reload_keeps_the_transcript_and_the_conversation(demo, artifacts):
    page, _ = demo
    open_widget(page)
    ask(page, "mijn paspoort is verlopen")
    transcript = page.locator(".vbs-msg").all_inner_texts()
    conversation = session_id(page)
    page.reload()
    expect(page.locator(".vbs-panel")).to_be_visible()
    assert page.locator(".vbs-msg").all_inner_texts() == transcript
    assert session_id(page) == conversation
    page.wait_for_function("() => window.VoorbeeldstadWidget.connected()")
    # The assistant still knows the product: the follow-up needs the same conversation.
    follow_up = "\n".join(ask(page, "en wat kost dat?"))
    assert "€" in follow_up, follow_up
    shot(page, artifacts, "after-reload")


def test_message_sent_while_offline_is_delivered_when_back_online(demo, artifacts):
    page, _ = demo
    open_widget(page)
    context = page.context
    before = bot_count(page)
    context.set_offline(True)
    expect(page.locator(".vbs-status")).to_contain_text("Geen verbinding")
    page.locator("#vbs-input").fill("mijn paspoort is verlopen")
    page.locator("#vbs-input").press("Enter")
    expect(page.locator(".vbs-msg--user").last.locator(".vbs-pending")).to_have_text("Nog niet verstuurd")
    page.wait_for_timeout(1500)
    assert bot_count(page) == before
    assert page.evaluate("() => window.VoorbeeldstadWidget.pending()") == 1
    shot(page, artifacts, "offline-queued")
    context.set_offline(False)
    answer = "\n".join(wait_for_answer(page, before))
    assert "voorbeeldstad.example" in answer
    expect(page.locator(".vbs-pending")).to_have_count(0)
    expect(page.locator(".vbs-status")).to_be_hidden()
    # Sent exactly once.
    assert page.locator(".vbs-msg--user").count() == 1
    shot(page, artifacts, "offline-delivered")


# ---- accessibility ------------------------------------------------------------------------------------
def test_axe_finds_no_violations_with_the_widget_open_and_after_an_answer(demo, artifacts):
    page, _ = demo
    assert run_axe(page) == []
    open_widget(page)
    assert run_axe(page) == []
    ask(page, "ik heb een vraag over een vergunning")
    ask(page, "mijn paspoort is verlopen")
    page.locator(".vbs-thumb--up").last.click()
    render(page, {"type": "staff_message", "text": "Dag!", "staff_name": "Anna"})
    assert run_axe(page) == []
    shot(page, artifacts, "axe-after-answer")


def test_keyboard_only_with_visible_focus_and_escape(demo, artifacts):
    page, _ = demo
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('vbs-launcher')"):
            break
    else:
        pytest.fail("the launcher cannot be reached with Tab")
    launcher = page.locator(".vbs-launcher")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    page.keyboard.press("Enter")
    expect(page.locator("#vbs-input")).to_be_focused()
    page.wait_for_function("() => window.VoorbeeldstadWidget.connected()")
    page.keyboard.type("mijn paspoort is verlopen")
    before = bot_count(page)
    page.keyboard.press("Enter")
    wait_for_answer(page, before)
    # Every control in the panel is reachable with Tab and shows a focus outline.
    seen = []
    page.locator(".vbs-close").focus()
    for _ in range(30):
        info = page.evaluate("""() => { const e = document.activeElement, s = getComputedStyle(e);
            return {name: e.getAttribute('aria-label') || e.textContent.trim().slice(0, 30) || e.id,
                    inPanel: !!e.closest('.vbs-panel'), outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }""")
        if not info["inPanel"]:
            break
        seen.append(info["name"])
        assert info["outline"] != "none" and info["width"] >= 2, info
        page.keyboard.press("Tab")
    for name in ["Chat sluiten", "Praat met een medewerker", "English", "Privacyverklaring", "Gesprek",
                 "Nee, dit antwoord was niet nuttig", "vbs-input", "Versturen"]:
        assert any(name in item for item in seen), (name, seen)
    page.locator(".vbs-send").focus()
    shot(page, artifacts, "keyboard-focus")
    page.keyboard.press("Escape")
    expect(page.locator(".vbs-panel")).to_be_hidden()
    expect(launcher).to_be_focused()
    expect(launcher).to_have_attribute("aria-expanded", "false")


def test_new_messages_are_announced_politely(demo):
    page, _ = demo
    open_widget(page)
    log = page.locator(".vbs-log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_have_attribute("role", "log")
    ask(page, "mijn paspoort is verlopen")
    assert log.locator(".vbs-msg--bot").count() >= 1
    assert page.locator("#vbs-input").evaluate("e => e.labels.length") == 1


@pytest.mark.parametrize("case, viewport, scale, root_font", [
    ("320px", {"width": 320, "height": 640}, 1, None),
    ("zoom-200", {"width": 640, "height": 400}, 2, None),        # a 1280x800 window at 200 % zoom
    ("text-200", {"width": 1280, "height": 800}, 1, "200%"),     # text only, twice as large
])
def test_usable_at_320px_and_200_percent(web, context_factory, artifacts, case, viewport, scale, root_font):
    base, _ = web
    page, problems = load_demo(context_factory(viewport=viewport, device_scale_factor=scale), base)
    if root_font:
        page.evaluate("size => { document.documentElement.style.fontSize = size; }", root_font)
    open_widget(page)
    ask(page, "mijn paspoort is verlopen")
    render(page, {"text": "Lang adres: https://www.voorbeeldstad.example/" + "heel-lang-pad/" * 12})
    layout = no_horizontal_scroll(page)
    assert layout["page"] <= 1 and layout["panel"] <= 1 and layout["log"] <= 1, layout
    assert layout["left"] >= -1 and layout["right"] <= 1 and layout["controlsOutside"] == 0, layout
    for control in (".vbs-human", ".vbs-send", "#vbs-input", ".vbs-close"):
        page.locator(control).scroll_into_view_if_needed()
        expect(page.locator(control)).to_be_in_viewport()
    shot(page, artifacts, f"layout-{case}")
    page.keyboard.press("Escape")
    expect(page.locator(".vbs-launcher")).to_be_in_viewport()
    assert not problems.errors, problems.errors


@pytest.mark.parametrize("motion, animation", [("reduce", "none"), ("no-preference", "vbs-blink")])
def test_reduced_motion_stops_the_typing_animation(web, context_factory, motion, animation):
    base, _ = web
    page, _ = load_demo(context_factory(reduced_motion=motion), base)
    open_widget(page)
    page.locator("#vbs-input").fill("mijn paspoort is verlopen")
    page.locator("#vbs-input").press("Enter")
    assert page.locator(".vbs-dot").first.evaluate("e => getComputedStyle(e).animationName") == animation
    wait_for_answer(page, 0)


def test_widget_files_load_without_csp_violations(demo):
    page, problems = demo
    open_widget(page)
    assert page.locator(".vbs-launcher").evaluate("e => getComputedStyle(e).position") == "fixed"
    assert page.evaluate("() => typeof window.io") == "function"
    assert page.locator("script[src$='widget.js']").count() == 1
    time.sleep(0.2)
    assert not problems.errors
