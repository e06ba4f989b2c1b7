"""The staff console in headless Chromium: log in, claim, reply, close."""
import uuid

from tests.conftest import PROJECT
from tests.e2e.conftest import STAFF_PASSWORD
from tests.e2e.test_rest import say, slots
from tests.e2e.test_handover import tracker_events

ARTIFACTS = PROJECT / "test-artifacts" / "console"


def test_staff_member_claims_replies_and_closes_in_the_browser(browser, assistant, console):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page()
    page.goto(f"{console}/staff/login")
    page.get_by_label("Gebruikersnaam").fill("sanne")
    page.get_by_label("Wachtwoord").fill(STAFF_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(f"{console}/staff/")          # a staff member is online: live chat is offered

    sender = f"e2e-browser-{uuid.uuid4()}"
    say(assistant, sender, "hoe vraag ik een parkeervergunning aan")
    say(assistant, sender, "ik wil een medewerker spreken")
    say(assistant, sender, "/handover_chat")
    say(assistant, sender, "mijn kenteken is veranderd, wat nu?")
    page.reload()
    page.screenshot(path=str(ARTIFACTS / "1-queue.png"), full_page=True)

    row = page.locator("#queue tbody tr", has_text="parkeervergunning").last
    row.get_by_role("button", name="Oppakken").click()
    page.wait_for_selector("#reply-text")
    assert page.locator("#transcript").get_by_text("mijn kenteken is veranderd, wat nu?").count() == 1
    assert slots(assistant, sender)["handover"] == "live"

    page.get_by_label("Uw antwoord").fill("Dag, ik pas uw vergunning aan. Wat is het nieuwe kenteken?")
    page.get_by_role("button", name="Versturen").click()
    page.locator("#transcript").get_by_text("Wat is het nieuwe kenteken?").wait_for()
    page.screenshot(path=str(ARTIFACTS / "2-conversation.png"), full_page=True)
    relayed = [e["data"]["custom"]["text"] for e in tracker_events(assistant, sender)
               if e.get("event") == "bot" and (e.get("data") or {}).get("custom")]
    assert "Dag, ik pas uw vergunning aan. Wat is het nieuwe kenteken?" in relayed

    say(assistant, sender, "<img src=x onerror=alert(1)>")              # shown as text, live
    page.locator("#transcript").get_by_text("<img src=x onerror=alert(1)>").wait_for()
    assert page.locator("#transcript img").count() == 0

    page.get_by_role("button", name="Gesprek afsluiten").click()
    page.wait_for_url(f"{console}/staff/")
    assert slots(assistant, sender)["handover"] == "closed"
    page.screenshot(path=str(ARTIFACTS / "3-closed.png"), full_page=True)
    page.close()
