"""Issue 17 in Chromium: a counsellor books a meeting from the person page (a time that overlaps
another is refused with the reason), the client sees it on Min side on a phone (390 px) and
disagrees with a requirement ("Jeg er ikke enig / jeg har spørsmål", as visible as "godtar"), and
the counsellor sees the disagreement on the plan and the message in the dialogue. Screenshots go
to test-results/screenshots/ (kept-informed-*)."""

from __future__ import annotations

import datetime as dt
import os
import re

import pytest
from django.utils import timezone

from skreddersy.followup import meetings, services
from tests import factories as f
from tests.browser.conftest import SHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(
        viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True, has_touch=True, locale="nb-NO"
    )
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    pg.set_default_navigation_timeout(30_000)
    yield pg
    ctx.close()


@pytest.fixture
def world(db):
    a = f.office(f.county("11"), name="Nav Sandnes")
    counsellor = f.staff("counsellor", offices=[a], username="veileder1")
    counsellor.display_name = "Kari Veileder"
    counsellor.save()
    ola = f.client(a, counsellor, login=True)
    ola.first_name, ola.last_name = "Ola", "Nordmann"
    ola.save(update_fields=["first_name", "last_name"])
    ola.user.username = "ola"
    ola.user.save()
    other = f.client(a, counsellor)
    req = services.add_activity(
        user=counsellor.user,
        client=ola,
        title="Jobbklubb hver tirsdag",
        type="course",
        is_requirement=True,
        legal_basis="folketrygdloven § 11-7 (AAP: aktivitetsplikt)",
        consequence="Hvis du ikke møter uten god grunn, kan AAP bli redusert.",
    )
    # the counsellor already has a meeting tomorrow 10:00-10:45 with someone else
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    busy = timezone.make_aware(dt.datetime.combine(tomorrow, dt.time(10, 0)))
    meetings.book_meeting(
        user=counsellor.user, client=other, starts_at=busy, minutes=45, mode="phone", agenda="Oppfølging"
    )
    return {"ola": ola, "req": req, "tomorrow": tomorrow}


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(SHOTS / f"kept-informed-{name}.png"), full_page=True)


def login(pg, url: str, username: str) -> None:
    pg.goto(url)
    pg.get_by_label("Brukernavn").fill(username)
    pg.get_by_label("Passord").fill(f.PASSWORD)
    pg.get_by_role("button", name="Logg inn").click()
    pg.wait_for_load_state()


def test_book_meeting_client_sees_it_on_a_phone_and_disagrees_counsellor_sees_it(page, phone, live_server, world):
    base = live_server.url
    ola = world["ola"]
    day = world["tomorrow"].isoformat()

    # the counsellor books a meeting from the person page
    login(page, base + "/logg-inn/", "veileder1")
    page.goto(base + f"/bruker/{ola.pk}/")
    page.get_by_role("link", name="Book møte").first.click()
    page.get_by_label("Tidspunkt").fill(f"{day}T10:30")
    page.get_by_label("Varighet").select_option("45")
    page.get_by_label("Oppmøte").check()
    page.get_by_label("Sted").fill("Nav Sandnes, Langgata 1, møterom 3")
    page.get_by_label("Deltakere").fill("Tolk")
    page.get_by_label("Agenda").fill("Hvordan går det på jobbklubben, og neste steg mot arbeid.")
    page.get_by_role("button", name="Book møtet").click()
    page.wait_for_load_state()
    # overlaps the 10:00-10:45 meeting: refused with the reason, the form kept
    assert page.get_by_text(re.compile("overlapper")).first.is_visible()
    assert page.get_by_label("Sted").input_value() == "Nav Sandnes, Langgata 1, møterom 3"
    shot(page, "01-booking-overlap")
    page.get_by_label("Tidspunkt").fill(f"{day}T13:00")
    page.get_by_role("button", name="Book møtet").click()
    page.wait_for_load_state()
    assert page.get_by_text("Møtet er booket").is_visible()
    assert page.locator("#moter").get_by_text("13:00").first.is_visible()
    shot(page, "02-person-meetings")
    page.get_by_role("button", name="Logg ut").click()
    page.wait_for_load_state()

    # the client on a phone: sees the meeting, and disagrees with the requirement
    login(phone, base + "/min-side/logg-inn/", "ola")
    meeting = phone.locator("#moter")
    assert meeting.get_by_text("13:00").first.is_visible()
    assert meeting.get_by_text("Nav Sandnes, Langgata 1, møterom 3").is_visible()
    assert meeting.get_by_text("neste steg mot arbeid").is_visible()
    yes = phone.get_by_role("button", name=re.compile("Jeg har lest kravet og godtar det"))
    no = phone.locator("#godta").get_by_role("link", name="Jeg er ikke enig / jeg har spørsmål").first
    yes_box, no_box = yes.bounding_box(), no.bounding_box()
    assert no_box["height"] >= yes_box["height"] - 1 and no_box["width"] >= yes_box["width"] * 0.9  # equally visible
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    shot(phone, "03-client-home-phone")
    no.click()
    phone.wait_for_load_state()
    phone.get_by_role("button", name="Send til veilederen min").click()  # empty: a specific message
    phone.wait_for_load_state()
    assert phone.locator("#body-error").get_by_text("Skriv hva du er uenig i eller lurer på.").is_visible()
    phone.get_by_label("Hva er du uenig i, eller hva lurer du på?").fill(
        "Jeg jobber nattskift på tirsdager og kan ikke komme på jobbklubben da. Kan det være en annen dag?"
    )
    shot(phone, "04-client-disagree-phone")
    phone.get_by_role("button", name="Send til veilederen min").click()
    phone.wait_for_load_state()
    assert phone.get_by_text("Meldingen er sendt til veilederen din").is_visible()
    assert phone.get_by_text(re.compile("ikke er enig eller har spørsmål")).first.is_visible()
    shot(phone, "05-client-after-disagree-phone")

    # the counsellor sees the disagreement on the plan, the message and the task
    login(page, base + "/logg-inn/", "veileder1")
    page.goto(base + f"/bruker/{ola.pk}/")
    plan = page.locator("#plan")
    assert plan.get_by_text("Bruker er ikke enig / har spørsmål").is_visible()
    # the client's message awaits Nav's reply: it stands first, under "Trenger handling"
    assert page.locator("#venter-svar").get_by_text("nattskift på tirsdager").is_visible()
    assert (
        page.locator("#oppgaver strong")
        .get_by_text("bruker er uenig eller har spørsmål om «Jobbklubb hver tirsdag»")
        .is_visible()
    )
    shot(page, "06-person-disagreement")
    page.goto(base + "/moteplan/?uke=" + day)
    assert page.get_by_role("link", name="Ola Nordmann").is_visible()
    shot(page, "07-moteplan")
