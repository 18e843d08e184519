"""Key journeys of the workbench and Min side in Chromium (Playwright, Debian's /usr/bin/chromium).

Screenshots of the main pages go to test-results/screenshots/ (desktop and phone widths)."""

from __future__ import annotations

import os
import re

import pytest
from playwright.sync_api import expect

from skreddersy.followup import services
from tests import factories as f
from tests.browser.conftest import SHOTS

# Playwright's sync API keeps an event loop in this thread; the test's own ORM calls are still
# synchronous, so Django's async-safety guard is lifted for this module only.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium, the browser and page fixtures and SHOTS: tests/browser/conftest.py


@pytest.fixture
def phone(browser):
    ctx = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, is_mobile=True,
                              has_touch=True, locale="nb-NO")
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)  # the test machine is shared: be patient, not flaky
    pg.set_default_navigation_timeout(30_000)
    yield pg
    ctx.close()


def named(client, first: str, last: str):
    client.first_name, client.last_name = first, last
    client.save(update_fields=["first_name", "last_name"])
    return client


@pytest.fixture
def office_world(db):
    county = f.county("11")
    a = f.office(county, name="Nav Sandnes")
    counsellor = f.staff("counsellor", offices=[a], username="veileder1")
    counsellor.display_name = "Kari Veileder"
    counsellor.save()
    approver = f.staff("second_approver", "counsellor", offices=[a], username="beslutter1")
    approver.display_name = "Per Beslutter"
    approver.save()
    ola = named(f.client(a, counsellor, login=True, needs_interpreter=True), "Ola", "Nordmann")
    ola.user.username = "ola"
    ola.user.save()
    others = [named(f.client(a, counsellor), fn, ln) for fn, ln in
              (("Aisha", "Ali"), ("Jon", "Berg"), ("Siri", "Dahl"), ("Tor", "Eide"), ("Mona", "Fjeld"))]
    services.start_thread(user=ola.user, client=ola, subject="Møtetid", body="Hei, når er neste møte med deg?")
    services.log_contact(user=counsellor.user, client=others[0], channel="phone", summary="Snakket om kurs.")
    services.add_activity(user=counsellor.user, client=others[1], title="Arbeidstrening på lager", type="measure",
                          status="ongoing")
    return {"office": a, "counsellor": counsellor, "approver": approver, "ola": ola, "others": others}


def shot(pg, name: str, full_page: bool = True) -> None:
    pg.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)


def staff_login(pg, base: str, username: str) -> None:
    pg.goto(base + "/logg-inn/")
    pg.get_by_label("Brukernavn").fill(username)
    pg.get_by_label("Passord").fill(f.PASSWORD)
    pg.get_by_role("button", name="Logg inn").click()
    pg.wait_for_load_state()


def client_login(pg, base: str, username: str) -> None:
    pg.goto(base + "/min-side/logg-inn/")
    pg.get_by_label("Brukernavn").fill(username)
    pg.get_by_label("Passord").fill(f.PASSWORD)
    pg.get_by_role("button", name="Logg inn").click()
    pg.wait_for_load_state()


def logout(pg) -> None:
    pg.get_by_role("button", name="Logg ut").click()
    pg.wait_for_load_state()


def test_requirement_journey_counsellor_client_and_journal(page, phone, live_server, office_world):
    base = live_server.url
    staff_login(page, base, "veileder1")
    assert page.get_by_role("heading", name="Min oversikt").is_visible()
    assert page.get_by_text("Nordmann, Ola").is_visible()
    shot(page, "01-overview")

    # filter: only clients awaiting Nav's reply (htmx swaps the table)
    page.get_by_label("Venter på svar fra Nav").check()
    expect(page.locator("#overview-results tbody tr")).to_have_count(1)
    assert "awaiting=on" in page.url
    assert page.get_by_text("Ali, Aisha").count() == 0
    shot(page, "02-overview-filtered")

    page.get_by_role("link", name="Nordmann, Ola").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name="Ola Nordmann").is_visible()
    shot(page, "03-person")

    # add an activity requirement; first without basis and consequence: specific errors, nothing lost
    page.get_by_role("link", name="Nytt aktivitetskrav").click()
    page.get_by_label("Tittel").fill("Møte på jobbklubb hver tirsdag")
    page.get_by_label("Type aktivitet").select_option("course")
    assert page.get_by_label("Dette er et aktivitetskrav").is_checked()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert page.get_by_text("må ha hjemmel").first.is_visible()
    assert page.get_by_label("Tittel").input_value() == "Møte på jobbklubb hver tirsdag"
    shot(page, "04-activity-form-errors")
    page.get_by_label("Hjemmel").fill("folketrygdloven § 11-7")
    page.get_by_label(re.compile("Hva skjer hvis kravet ikke følges")).fill(
        "Hvis du ikke møter uten god grunn, kan AAP stanses for en periode.")
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    assert page.get_by_text("er lagt til").is_visible()
    assert page.get_by_text("Venter på at brukeren godtar").first.is_visible()
    logout(page)

    # the client logs in on Min side (phone) and approves the requirement
    client_login(phone, base, "ola")
    assert phone.get_by_role("heading", name="Hei, Ola").is_visible()
    assert phone.get_by_text("Hvis du ikke møter uten god grunn").first.is_visible()
    shot(phone, "05-client-home-phone")
    phone.get_by_role("button", name=re.compile("Jeg har lest kravet og godtar det")).click()
    phone.wait_for_load_state()
    assert phone.get_by_text("Takk! Du har godtatt").is_visible()
    shot(phone, "06-client-approved-phone")

    # the counsellor sees the approval in the journal, filtered by kind
    staff_login(page, base, "veileder1")
    page.goto(base + f"/bruker/{office_world['ola'].pk}/")
    journal = page.locator("#journal-list")
    assert journal.get_by_text("Bruker godtok aktivitetskravet: Møte på jobbklubb hver tirsdag").is_visible()
    page.locator("#journal").get_by_label("Aktivitet").check()
    expect(page.locator("#journal-list")).not_to_contain_text("Melding fra bruker")
    assert page.locator("#journal-list").get_by_text("Bruker godtok aktivitetskravet").is_visible()
    shot(page, "07-person-journal-filtered")


def test_decision_with_second_approver(page, live_server, office_world):
    base = live_server.url
    ola = office_world["ola"]
    staff_login(page, base, "veileder1")
    page.goto(base + f"/bruker/{ola.pk}/")
    page.get_by_role("link", name="Ny arbeidsevnevurdering").click()
    page.get_by_label("Ressursprofil").fill("Lang erfaring fra lager. Varige ryggplager etter ulykke.")
    page.get_by_label("Brukerens egenvurdering").fill("Jeg kan jobbe litt, men ikke fulltid.")
    page.get_by_label("Nedsatt arbeidsevne", exact=True).check()
    page.get_by_role("button", name="Lagre").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Nytt § 14 a-vedtak").click()
    page.get_by_label("Innsatsgruppe").select_option("VARIG_TILPASSET_INNSATS")
    page.get_by_label("Hovedmål").select_option("OKE_DELTAKELSE")
    page.get_by_label("Arbeidsevnevurdering").select_option(index=1)
    page.get_by_role("button", name="Send vedtaket").click()
    page.wait_for_load_state()
    assert page.get_by_text("Begrunnelse kreves").first.is_visible()  # rule checked, the draft kept
    page.get_by_label("Begrunnelse").fill("Varig nedsatt arbeidsevne; målet er økt deltakelse i arbeid.")
    page.get_by_role("button", name="Send vedtaket").click()
    page.wait_for_load_state()
    assert page.get_by_text("Vedtaket er sendt til beslutter").is_visible()
    logout(page)

    staff_login(page, base, "beslutter1")
    page.get_by_role("link", name="Vedtak til beslutter").click()
    assert page.get_by_role("rowheader", name=re.compile("Ola Nordmann")).is_visible()
    shot(page, "08-approval-queue")
    page.get_by_role("link", name=re.compile("Beslutt")).first.click()
    shot(page, "09-decision-approve")
    page.get_by_text("Godkjenn og send vedtaket", exact=True).click()  # opens the confirmation step
    with page.expect_navigation():
        page.get_by_role("button", name="Ja, godkjenn og send").click()
    assert page.get_by_text("godkjent og sendt").is_visible()
    page.goto(base + f"/bruker/{ola.pk}/")
    vedtak = page.locator("#vedtak")
    assert vedtak.get_by_text("Varig tilpasset innsats").first.is_visible()
    assert vedtak.get_by_text("Per Beslutter").is_visible()


def test_export_is_one_printable_document(page, live_server, office_world):
    base = live_server.url
    ola = office_world["ola"]
    services.log_contact(user=office_world["counsellor"].user, client=ola, channel="sms", summary="SMS om oppmøte.")
    staff_login(page, base, "veileder1")
    page.goto(base + f"/bruker/{ola.pk}/eksport/")
    for heading in ("§ 14 a-vedtak", "Aktivitetsplan", "Dialog", "Samtalereferater", "Journal"):
        assert page.get_by_role("heading", name=re.compile(heading)).first.is_visible()
    assert page.get_by_text("SMS om oppmøte.").first.is_visible()
    shot(page, "10-export")
    page.emulate_media(media="print")
    assert not page.get_by_role("button", name=re.compile("Skriv ut")).is_visible()  # toolbar hidden on paper
    pdf = page.pdf(format="A4")
    assert pdf[:4] == b"%PDF" and len(pdf) > 2000
    (SHOTS / "10-export.pdf").write_bytes(pdf)


def test_keyboard_only_client_can_log_in_and_approve(page, live_server, office_world):
    base = live_server.url
    ola = office_world["ola"]
    services.add_activity(user=office_world["counsellor"].user, client=ola, title="Søke tre jobber", type="job_application")
    page.goto(base + "/min-side/logg-inn/")
    page.keyboard.type("ola")  # the username field has focus on load
    page.keyboard.press("Tab")
    page.keyboard.type(f.PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_role("heading", name="Hei, Ola").is_visible()
    for _ in range(40):
        page.keyboard.press("Tab")
        label = page.evaluate("document.activeElement && document.activeElement.textContent || ''")
        if "Ja, dette er greit" in label:
            break
    else:
        pytest.fail("The approve button cannot be reached with Tab")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.get_by_text("Takk! Du har godtatt").is_visible()


def test_overview_on_a_phone_is_readable(phone, live_server, office_world):
    staff_login(phone, live_server.url, "veileder1")
    assert phone.get_by_text("Nordmann, Ola").is_visible()
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 400, f"page scrolls sideways on a phone ({width}px)"
    shot(phone, "11-overview-phone")
