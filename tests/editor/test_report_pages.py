"""The staff console's Meldingen (`python -m bot.console`, /staff/meldingen/) over HTTP: reports
listed and filtered for staff only, shown as text with their photo, moved on with a note."""
import re

import pytest

from bot.reports.store import NewReport, ReportStore


def csrf_of(page: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', page).group(1)


@pytest.fixture(scope="module")
def reports(console):
    store = ReportStore(console.workspace.store.url)
    light = store.create(NewReport("c1", "nl", "straatverlichting-openbare-klok", "lamp <script>alert(1)</script> uit",
                                   "address", "Kerkstraat 12, 1234 AD Voorbeeldstad", 52.2, 5.28, b"\xff\xd8jpeg",
                                   "image/jpeg"), [])
    litter = store.create(NewReport("c2", "en", "veeg-zwerfvuil", "litter everywhere", "place", "station",
                                    52.19, 5.29, b"%PDF-1.4", "application/pdf"), [])
    return store, light, litter


@pytest.fixture(scope="module")
def staff(console):
    return console.session("sanne")


def test_staff_list_and_filter_the_reports(console, staff, reports):
    _, light, litter = reports
    page = staff.get(f"{console.url}/staff/meldingen/").text
    assert light["reference"] in page and litter["reference"] in page
    assert "Straatverlichting of openbare klok" in page
    only = staff.get(f"{console.url}/staff/meldingen/", params={"category": "veeg-zwerfvuil"}).text
    assert litter["reference"] in only and light["reference"] not in only
    assert light["reference"] not in staff.get(f"{console.url}/staff/meldingen/",
                                               params={"older_than_days": "3"}).text
    refused = staff.get(f"{console.url}/staff/meldingen/", params={"status": "gone"})
    assert refused.status_code == 400 and "Deze filter bestaat niet." in refused.text


def test_a_report_is_shown_as_text_with_its_photo(console, staff, reports):
    _, light, litter = reports
    page = staff.get(f"{console.url}/staff/meldingen/{light['reference']}").text
    assert "lamp &lt;script&gt;alert(1)&lt;/script&gt; uit" in page and "<script>alert(1)" not in page
    assert "52.200000, 5.280000" in page
    photo = staff.get(f"{console.url}/staff/meldingen/{light['reference']}/foto")
    assert photo.status_code == 200 and photo.headers["content-type"] == "image/jpeg" and photo.content == b"\xff\xd8jpeg"
    assert staff.get(f"{console.url}/staff/meldingen/{litter['reference']}/foto").status_code == 404   # not an image
    assert staff.get(f"{console.url}/staff/meldingen/M-NOTHERE").status_code == 404


def test_staff_move_a_report_on_with_a_note_for_the_citizen(console, staff, reports):
    store, light, _ = reports
    url = f"{console.url}/staff/meldingen/{light['reference']}"
    csrf = csrf_of(staff.get(url).text)
    moved = staff.post(f"{url}/status", data={"csrf": csrf, "status": "in_progress", "note": "We komen dinsdag."},
                       allow_redirects=False)
    assert moved.status_code == 302
    stored = store.get(light["reference"])
    assert (stored["status"], stored["status_note"]) == ("in_progress", "We komen dinsdag.")
    assert "in behandeling: We komen dinsdag." in staff.get(url).text
    assert staff.post(f"{url}/status", data={"csrf": csrf, "status": "lost"}).status_code == 400
    assert staff.post(f"{url}/status", data={"status": "done"}).status_code == 403          # no CSRF token
    assert store.get(light["reference"])["status"] == "in_progress"


def test_editors_do_not_see_reports(console, reports):
    assert console.session("eva").get(f"{console.url}/staff/meldingen/").status_code == 403
