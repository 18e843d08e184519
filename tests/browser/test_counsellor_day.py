"""A counsellor's morning in Chromium: a status counter → the client → back to the overview with
the filters kept; the task inbox. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from skreddersy.core import clock
from skreddersy.followup.models import Task
from tests import factories as f
from tests.browser.test_followup_journeys import named, shot, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_morning_counter_to_client_and_back_with_filters_kept(page, live_server):
    office = f.office(f.county("15"), name="Nav Molde")
    me = f.staff("counsellor", offices=[office], username="morgen1")
    late = named(f.client(office, me), "Lise", "Lang")
    Task.objects.create(client=late, owner=me, title="Svar på melding", deadline=clock.now() - dt.timedelta(days=1))
    for first, last in [("Anne", "Berg"), ("Tor", "Dahl"), ("Siri", "Eik")]:
        named(f.client(office, me), first, last)
    base = live_server.url
    staff_login(page, base, "morgen1")
    page.goto(base + "/oversikt/")
    counter = page.locator(".app-counter", has_text="Frist passert")
    assert counter.locator(".app-counter__n").inner_text() == "1"
    shot(page, "day-overview-counters")
    counter.focus()
    page.keyboard.press("Enter")
    page.wait_for_url("**status=overdue**")
    rows = page.locator("table.app-overview tbody tr")
    assert rows.count() == 1 and "Lang, Lise" in rows.first.inner_text()
    assert page.locator(".app-counter--active").inner_text().endswith("Frist passert")
    page.get_by_role("link", name="Lang, Lise").click()
    page.wait_for_url(f"**/bruker/{late.pk}/")
    page.get_by_role("navigation", name="Brødsmuler").get_by_role("link", name="Min oversikt").click()
    page.wait_for_url("**/oversikt/?status=overdue**")
    assert page.locator("table.app-overview tbody tr").count() == 1
    assert page.locator(".app-counter--active").count() == 1
    shot(page, "day-overview-back-with-filters")
    page.goto(base + "/oppgaver/")
    assert "Svar på melding" in page.locator("table.app-inbox").inner_text()
    assert "frist passert" in page.locator("table.app-inbox").inner_text()
    shot(page, "day-task-inbox")
