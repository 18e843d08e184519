"""Issue 17, part 5 in Chromium: a municipal counsellor starts a KVP period for a client from the
periods page (a start without a follower is refused with the reason), and the client's state
counsellor, who saw the plan and the meeting note before, no longer sees them on the person page
(and gets no hint of the KVP). Screenshots go to test-results/screenshots/ (kvp-*)."""

from __future__ import annotations

import os

import pytest

from skreddersy.followup import services
from tests import factories as f
from tests.browser.conftest import SHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    a = f.office(f.county("46"), name="Nav Bergenhus")
    state = f.staff("counsellor", offices=[a], employer="state", username="veileder1")
    state.display_name = "Kari Statlig"
    state.save()
    municipal = f.staff("counsellor", offices=[a], employer="municipal", username="sosialkonsulent1")
    municipal.display_name = "Per Kommunal"
    municipal.save()
    ola = f.client(a, state, login=True)
    ola.first_name, ola.last_name = "Ola", "Nordmann"
    ola.save(update_fields=["first_name", "last_name"])
    services.add_activity(user=state.user, client=ola, title="Søke på ti stillinger", type="own")
    services.log_contact(user=state.user, client=ola, channel="phone", summary="Snakket om jobbmål og CV")
    return {"ola": ola}


def shot(pg, name: str) -> None:
    pg.screenshot(path=str(SHOTS / f"kvp-{name}.png"), full_page=True)


def login(pg, url: str, username: str) -> None:
    pg.goto(url)
    pg.get_by_label("Brukernavn").fill(username)
    pg.get_by_label("Passord").fill(f.PASSWORD)
    pg.get_by_role("button", name="Logg inn").click()
    pg.wait_for_load_state()


def test_municipal_counsellor_starts_kvp_and_the_state_counsellor_no_longer_sees_the_plan(
    browser, page, live_server, world
):
    base = live_server.url
    ola = world["ola"]
    person = base + f"/bruker/{ola.pk}/"

    # the state counsellor sees the plan and the note
    login(page, base + "/logg-inn/", "veileder1")
    page.goto(person)
    plan = page.locator("#plan")
    assert plan.get_by_text("Søke på ti stillinger").count() >= 1
    assert page.locator("#referater").get_by_text("Snakket om jobbmål og CV").count() >= 1

    # the municipal counsellor starts a KVP from the periods page
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO")
    kvp = ctx.new_page()
    kvp.set_default_timeout(20_000)
    kvp.set_default_navigation_timeout(30_000)
    try:
        login(kvp, base + "/logg-inn/", "sosialkonsulent1")
        kvp.goto(person)
        kvp.get_by_role("link", name="Perioder og digital eller manuell oppfølging").click()
        kvp.wait_for_load_state()
        kvp.get_by_text("Start KVP (kvalifiseringsprogrammet)").click()
        kvp.get_by_label("Begrunnelse for KVP").fill("Vedtak om kvalifiseringsprogram fattet i dag")
        kvp.get_by_role("button", name="Start KVP").click()
        kvp.wait_for_load_state()
        # no follower chosen: refused with the reason, nothing started
        assert kvp.get_by_text("Velg minst én kommunalt ansatt som skal følge opp KVP.").first.is_visible()
        kvp.get_by_label("Per Kommunal").check()
        kvp.get_by_role("button", name="Start KVP").click()
        kvp.wait_for_load_state()
        assert kvp.get_by_text("KVP-perioden er startet.").first.is_visible()
        assert kvp.get_by_text("Brukeren er i kvalifiseringsprogrammet (KVP)").first.is_visible()
        shot(kvp, "started")
        # the follower still sees the plan
        kvp.goto(person)
        assert kvp.locator("#plan").get_by_text("Søke på ti stillinger").count() >= 1
    finally:
        ctx.close()

    # the state counsellor reloads: the plan and the note are gone, with no hint of why
    page.goto(person)
    assert page.locator("#plan").get_by_text("Søke på ti stillinger").count() == 0
    assert page.locator("#plan").get_by_text("Ingen åpne aktiviteter.").count() == 1
    assert page.locator("#referater").get_by_text("Snakket om jobbmål og CV").count() == 0
    assert "KVP" not in page.locator("main").inner_text()
    shot(page, "state-counsellor")
