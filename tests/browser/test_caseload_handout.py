"""A leader hands out new clients in Chromium, by keyboard: the queue shows the rules' suggestion,
several clients are ticked and given to one counsellor all at once; a batch holding a client who
cannot go to that counsellor moves no one and says why; the counsellor overview then shows the
caseloads. At desktop (1280) and phone (390) width; screenshots go to test-results/screenshots/."""

from __future__ import annotations

import datetime as dt

import pytest

from skreddersy.clients import assignment
from skreddersy.clients.models import Client
from tests import factories as f
from tests.browser.test_followup_journeys import named, shot, staff_login

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("width", [1280, 390])
def test_bulk_assignment_from_the_queue(page, live_server, width):
    page.set_viewport_size({"width": width, "height": 900})
    county = f.county("16")
    office = f.office(county, name="Nav Kristiansund")
    leader = f.staff("office_leader", offices=[office], username=f"leder{width}")
    kari = f.staff("counsellor", offices=[office])
    kari.display_name = "Kari Veileder"
    kari.save()
    ola = f.staff("counsellor", offices=[office])
    ola.display_name = "Ola Ungdom"
    ola.save()
    assignment.save_rule(user=f.fresh_user(leader), office=office, name="Ungdomsteamet", counsellor=ola.pk, age_max=29)
    young = named(f.client(office, None, birth_date=dt.date(2002, 5, 5)), "Una", "Ung")
    adults = [
        named(f.client(office, None, birth_date=dt.date(1980, 1, 1 + i)), first, "Voksen")
        for i, first in enumerate(["Anne", "Bjørn", "Cecilie"])
    ]
    protected = named(f.client(office, None, address_protection="confidential"), "Per", "Skjult")
    base = live_server.url
    staff_login(page, base, f"leder{width}")
    page.goto(base + "/fordeling/")
    table = page.locator("table.app-overview")
    assert "Ola Ungdom" in table.locator("tr", has_text="Ung, Una").inner_text()  # the rule's suggestion
    assert "Skjult" not in table.inner_text()  # the leader has no kode 7 clearance
    shot(page, f"handout-queue-{width}")

    # tick the three adults by keyboard, choose Kari, assign
    for c in adults:
        box = page.locator(f"#pick-{c.pk}")
        box.focus()
        page.keyboard.press("Space")
        assert box.is_checked()
    page.get_by_label("Tildel valgte brukere til").select_option(label="Kari Veileder")
    page.get_by_role("button", name="Tildel", exact=True).focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    assert "3 brukere er tildelt veileder." in page.locator(".app-messages").inner_text()
    assert set(Client.objects.filter(pk__in=[c.pk for c in adults]).values_list("counsellor_id", flat=True)) == {
        kari.pk
    }
    shot(page, f"handout-assigned-{width}")

    # the young client to Kari as well, overriding the suggestion, together with a client from
    # another office slipped into the form: nothing moves, and the page says why
    elsewhere = f.client(f.office(county, name="Nav Molde"), None)
    page.locator(f"#pick-{young.pk}").check()
    page.evaluate(
        """([id]) => { const i = document.createElement('input'); i.type = 'hidden'; i.name = 'clients';
                     i.value = id; document.getElementById('bulk-assign').appendChild(i); }""",
        [str(elsewhere.pk)],
    )
    page.get_by_label("Tildel valgte brukere til").select_option(label="Kari Veileder")
    page.get_by_role("button", name="Tildel", exact=True).click()
    page.wait_for_load_state()
    assert "Ingen brukere er flyttet." in page.locator(".app-messages").inner_text()
    assert Client.objects.get(pk=young.pk).counsellor_id is None
    shot(page, f"handout-refused-{width}")

    page.goto(base + "/veilederoversikt/")
    row = page.locator("table.app-overview tr", has_text="Kari Veileder")
    assert row.locator("td").first.inner_text().strip() == "3"
    shot(page, f"handout-counsellor-overview-{width}")
    assert protected.pk  # stays unassigned and hidden from this leader
