"""The analyst's toolkit in Chromium: a t-test from rounded summaries judged against a
published value, and a pasted results section checked. Screenshots to test-results/screenshots/."""

from __future__ import annotations

import os

import pytest

from tests import factories as f
from tests.browser.conftest import SHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Chromium, the browser and page fixtures and SHOTS: tests/browser/conftest.py


def login(pg, base: str) -> None:
    f.staff("analyst", username="analytiker1")
    pg.goto(base + "/logg-inn/")
    pg.get_by_label("Brukernavn").fill("analytiker1")
    pg.get_by_label("Passord").fill(f.PASSWORD)
    pg.get_by_role("button", name="Logg inn").click()
    pg.wait_for_load_state()


def test_calculator_and_checker(page, live_server):
    base = live_server.url
    login(page, base)
    page.goto(base + "/innsikt/verktoy/tester/")
    page.get_by_label("Test", exact=True).select_option("student")
    page.get_by_label("Eller lim inn en tabell").fill("Statlig 3,21 1,02 61\nKommunal 2,80 0,98 61")
    page.get_by_label("Desimaler i de publiserte tallene (for avrundingsspennet)").fill("2")
    page.get_by_label("Publisert verdi av statistikken (valgfritt, t, F eller z)").fill("2,31")
    page.get_by_role("button", name="Beregn").click()
    page.wait_for_load_state()
    assert page.get_by_text("innenfor det avrundingen tillater").is_visible()
    page.screenshot(path=str(SHOTS / "toolkit-calculator.png"), full_page=True)

    page.goto(base + "/innsikt/verktoy/kontroll/")
    page.get_by_label("Resultater (lim inn en hel resultatdel)").fill(
        "Gruppene skilte seg, t(45) = 2,10, p = ,041.\nχ²(2) = 7.38, p = .025\nt(120) = 2.31, p = .01")
    page.get_by_role("button", name="Kontroller").click()
    page.wait_for_load_state()
    assert page.get_by_text("3 resultater kontrollert, 1 flagget").is_visible()
    page.screenshot(path=str(SHOTS / "toolkit-checker.png"), full_page=True)
