"""The counsellor's morning on the person page, in Chromium: the overview's "awaiting Nav's reply"
counter → the client → the message to answer is in view near the top, a few Tab presses from the
page's start → reply → the confirmation stands beside the thread with focus on it, and the page
did not move → back to the overview with the filter kept. Then "show more" in the journal.
Screenshots at 1280 and 390 px go to test-results/screenshots/."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from playwright.sync_api import expect

from skreddersy.core import clock
from skreddersy.followup import services
from skreddersy.followup.models import ActivityPlan, JournalEntry, Message
from tests import factories as f
from tests.browser.test_followup_journeys import named, shot, staff_login

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _morning():
    office = f.office(f.county("16"), name="Nav Ålesund")
    me = f.staff("counsellor", offices=[office], username="morgen2")
    waiting = named(f.client(office, me, login=True), "Vera", "Venter")
    for first, last in [("Anne", "Berg"), ("Tor", "Dahl"), ("Siri", "Eik")]:
        named(f.client(office, me), first, last)
    nav = f.fresh_user(me)
    # a long history: many journal lines, old threads, finished activities, so the page is long
    ActivityPlan.objects.create(client=waiting)
    for i in range(8):
        services.start_thread(user=nav, client=waiting, subject=f"Oppfølging {i}", body=f"Hei, hvordan går det? ({i})")
        services.log_contact(user=nav, client=waiting, channel="phone", summary=f"Telefon {i}")
    for i in range(3):
        services.add_activity(user=nav, client=waiting, title=f"Søke jobb {i}", type="job_application")
    t0 = clock.now() - dt.timedelta(days=300)
    JournalEntry.objects.bulk_create(
        JournalEntry(client=waiting, at=t0 + dt.timedelta(hours=i), kind="task", summary=f"Gammel hendelse {i}")
        for i in range(60)
    )
    thread = services.start_thread(
        user=f.fresh_user(waiting.user),
        client=waiting,
        subject="Spørsmål om norskkurs",
        body="Hei! Kan jeg begynne på norskkurs i januar?",
    )
    return me, waiting, thread


def _tabs_to(page, element_id: str, most: int = 40) -> int:
    for n in range(1, most + 1):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement && document.activeElement.id") == element_id:
            return n
    return most + 1


@pytest.mark.parametrize("width", [1280, 390])
def test_awaiting_counter_to_the_message_reply_and_back(page, live_server, width):
    me, client, thread = _morning()
    page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
    base = live_server.url
    staff_login(page, base, "morgen2")
    page.goto(base + "/oversikt/")
    counter = page.locator(".app-counter", has_text="Venter på svar fra Nav")
    assert counter.locator(".app-counter__n").inner_text() == "1"
    counter.click()
    page.wait_for_url("**status=awaiting_nav**")
    page.get_by_role("link", name="Venter, Vera").click()
    page.wait_for_url(f"**/bruker/{client.pk}/#venter-svar")
    # the message to answer is in view, near the top of the page
    message = page.locator(f"#traad-{thread.pk} .app-msg-client").last
    assert message.is_visible() and "norskkurs i januar" in message.inner_text()
    box = message.bounding_box()
    assert 0 <= box["y"] < 900, box
    doc_top = page.evaluate(
        f"document.getElementById('traad-{thread.pk}').getBoundingClientRect().top + window.scrollY"
    )
    assert doc_top < 1600, doc_top  # near the top: after the header, not thousands of pixels down
    shot(page, f"person-awaiting-{width}", full_page=False)
    # from the anchor, the reply box is a few Tab presses away
    tabs = _tabs_to(page, f"reply-{thread.pk}")
    assert tabs <= 5, tabs
    page.keyboard.type("Ja, du kan begynne 8. januar. Jeg melder deg på.")
    y_before = page.evaluate("window.scrollY")
    page.get_by_role("button", name="Send svar").first.click()
    status = page.locator(f"#traad-{thread.pk} .app-saved")
    status.wait_for()
    assert "Svaret er sendt" in status.inner_text()
    # focus went to the confirmation, which stands inside the thread that changed
    assert page.evaluate("document.activeElement && document.activeElement.classList.contains('app-saved')")
    assert page.evaluate(f"document.getElementById('traad-{thread.pk}').contains(document.activeElement)")
    assert status.is_visible()
    assert abs(page.evaluate("window.scrollY") - y_before) < 400  # the page did not jump away
    assert Message.objects.filter(thread=thread, from_client=False).exists()
    shot(page, f"person-replied-{width}", full_page=False)
    shot(page, f"person-full-{width}")
    # back to the overview with the filter kept
    page.get_by_role("navigation", name="Brødsmuler").get_by_role("link", name="Min oversikt").click()
    page.wait_for_url("**/oversikt/?status=awaiting_nav**")
    assert page.locator(".app-counter--active").inner_text().endswith("Venter på svar fra Nav")


def test_journal_show_more_and_the_folded_measures_panel(page, live_server):
    me, client, thread = _morning()
    base = live_server.url
    staff_login(page, base, "morgen2")
    page.goto(base + f"/bruker/{client.pk}/")
    height = page.evaluate("document.documentElement.scrollHeight")
    page.wait_for_timeout(500)
    assert page.evaluate("document.documentElement.scrollHeight") == height  # nothing arrives late
    tiltak = page.locator("details#tiltak")
    if tiltak.count():
        assert tiltak.get_attribute("open") is None
    entries = page.locator("#journal-list .app-journal-entry")
    assert entries.count() == 10
    more = page.get_by_role("button", name="Vis eldre hendelser")
    more.focus()
    page.keyboard.press("Enter")
    expect(entries.nth(10)).to_be_attached()  # an eleventh line arrived
    assert entries.count() > 10
    # focus went to the first new line, not to <body>
    assert page.evaluate("document.activeElement.classList.contains('app-journal-entry')")
    shot(page, "person-journal-more")
