"""A leader plans caseloads in Chromium: the workload page shows who is over the ceiling, the
planner suggests the fewest moves with a reason for each, the leader commits, and the overviews
(the leader's workload page and the receiving counsellor's own overview) show the new caseloads."""

from __future__ import annotations

import pytest

from skreddersy.core.models import Role
from skreddersy.workload.models import OfficePoints, StaffTerms
from tests import factories as f
from tests.browser.test_followup_journeys import named, shot, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_leader_plans_commits_and_the_overviews_reflect_it(page, live_server):
    office = f.office(f.county("18"), name="Nav Bodø")
    f.staff(Role.OFFICE_LEADER, offices=[office], username="planleder")
    busy = f.staff("counsellor", offices=[office], username="travel1")
    free = f.staff("counsellor", offices=[office], username="ledig1")
    busy.display_name, free.display_name = "Tora Travel", "Lars Ledig"
    busy.save()
    free.save()
    # heavy clients: 600 base + 40 special needs + 30 new = 670 min/month each; Tora's ceiling is 4.5 h/week
    OfficePoints.objects.create(office=office, points={"base": 600}, version=1)
    StaffTerms.objects.create(staff=busy, contracted_hours=5, fixed_duty_hours=0)
    for first, last in [("Anne", "Aas"), ("Berit", "Bø"), ("Cato", "Carlsen")]:
        named(f.client(office, busy, need_group="SPESIELT_TILPASSET_INNSATS"), first, last)
    base = live_server.url

    staff_login(page, base, "planleder")
    page.goto(base + f"/arbeidsbelastning/kontor/{office.pk}/")
    assert "Tora Travel" in page.locator("#over-h + ul").inner_text()
    shot(page, "workload-office-before")
    page.get_by_role("link", name="Foreslå flyttinger").first.click()
    page.wait_for_url("**foresla=1**")
    rows = page.locator("#moves-table tbody tr")
    assert rows.count() == 2  # one move is not enough (2 x 670 > 1,170 minutes), two are
    for i in range(2):
        text = rows.nth(i).inner_text()
        assert "Lars Ledig" in text and "Tora Travel ligger" in text
    shot(page, "workload-plan-suggested")
    page.get_by_role("button", name="Gjennomfør planen").click()
    page.wait_for_url(f"**/arbeidsbelastning/kontor/{office.pk}/")
    assert "2 brukere har fått ny veileder" in page.locator(".app-messages").inner_text()
    assert page.locator(f"tr[data-staff='{free.pk}'] td[data-col='caseload']").inner_text() == "2"
    assert page.locator(f"tr[data-staff='{busy.pk}'] td[data-col='caseload']").inner_text() == "1"
    assert page.get_by_text("Ingen veiledere er over taket.").is_visible()
    shot(page, "workload-office-after")

    page.context.clear_cookies()
    staff_login(page, base, "ledig1")
    page.goto(base + "/oversikt/")
    body = page.locator("table.app-overview tbody").inner_text()
    assert body.count("\n") + 1 >= 2
    moved = [n for n in ("Aas, Anne", "Bø, Berit", "Carlsen, Cato") if n in body]
    assert len(moved) == 2
