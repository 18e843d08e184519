"""An office leader in Chromium opens the tailoring indicators for the office and its team, and
the calibration lab's results for a round at the office, at desktop and at phone width: the
figures are there, hidden cells read "skjult" (never a number), the charts are drawn, and the
pages do not scroll sideways on a phone (the wide tables scroll inside their own box)."""

from __future__ import annotations

import datetime as dt
import os

import pytest

from skreddersy.core.models import Role
from skreddersy.insight.calibration import services as calibration
from skreddersy.insight.calibration.vignettes import DEMO_VIGNETTES
from skreddersy.insight.models import Vignette
from skreddersy.insight.tailoring import services as tailoring
from tests import factories as f
from tests.browser.test_axe_every_page import _axe
from tests.browser.test_followup_journeys import phone, shot, staff_login  # noqa: F401 (phone: a fixture)
from tests.insight.test_tailoring_indicators import caseload  # noqa: F401 (a fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # as tests/browser/test_followup_journeys.py

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(caseload):  # noqa: F811
    """The hand-built caseload (tests/insight/test_tailoring_indicators.py) refreshed for March
    2026, and a sealed calibration round at offices A, B and a small office C (two answers)."""
    tailoring.refresh_indicators(today=dt.date(2026, 4, 15))
    leader = caseload["leader_a"].user
    leader.username = "tlleder"
    leader.save()
    small = f.office(caseload["county"], name="Nav C")
    few = [f.staff(Role.COUNSELLOR, offices=[small]) for _ in range(2)]
    now = dt.datetime.now(dt.UTC)
    rnd = calibration.create_round(
        user=caseload["analyst"].user,
        title="Kalibrering høst",
        office_ids=[caseload["a"].pk, caseload["b"].pk, small.pk],
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(days=7),
        vignettes=DEMO_VIGNETTES,
    )
    groups = ["STANDARD_INNSATS", "SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS"]
    for i, s in enumerate(caseload["c"] + caseload["d"] + few):
        answers = {
            str(v.pk): {
                "need_group": groups[(i + n) % 3],
                "main_goal": "SKAFFE_ARBEID",
                "requirement": "none",
                "measure_type": "none",
            }
            for n, v in enumerate(Vignette.objects.filter(round=rnd))
        }
        calibration.submit_answers(user=s.user, round_id=rnd.pk, answers=answers)
    calibration.close_round(user=caseload["analyst"].user, round_id=rnd.pk)
    return caseload | {"round": rnd, "small": small}


def _accessible(pg, what: str) -> None:
    """axe-core finds no serious or critical violation with the figures, charts and hidden cells
    on the page (the sweep in test_axe_every_page.py sees these pages without data)."""
    bad = [v for v in _axe(pg) if v["impact"] in ("serious", "critical")]
    assert not bad, f"{what}: {bad}"


def _no_sideways_scroll(pg, what: str) -> None:
    width = pg.evaluate("document.documentElement.scrollWidth")
    viewport = pg.evaluate("window.innerWidth")
    assert width <= viewport + 1, f"{what} scrolls sideways ({width}px in a {viewport}px window)"


def _tailoring(pg, base: str, name: str) -> None:
    pg.goto(base + "/innsikt/skreddersom/")
    pg.get_by_label("Nivå").select_option("office")
    pg.get_by_label("Fra (ÅÅÅÅ-MM)").fill("2026-03")
    pg.get_by_label("Til (ÅÅÅÅ-MM)").fill("2026-03")
    pg.get_by_role("button", name="Vis").click()
    pg.wait_for_url("**level=office**")
    assert pg.get_by_role("heading", name="Skreddersømtall for").is_visible()
    fit = pg.locator("#i-fit_top").locator("xpath=..").locator("table")
    office_row = fit.locator("tbody tr").first
    assert "Nav A" in office_row.inner_text() and "75 %" in office_row.inner_text()  # 6 of 8 at the top fit rank
    assert "Ung" in fit.locator("tbody tr").nth(1).inner_text()  # the team below the office
    # requirements: one counsellor wrote them all, so the office and the team are hidden
    need = pg.locator("#i-need_linked").locator("xpath=..")
    need.locator("summary").click()
    cells = need.locator("tbody td")
    assert cells.count() >= 4 and all(t.strip() == "skjult" for t in cells.all_inner_texts())
    assert "%" not in need.locator("tbody").inner_text()
    assert pg.locator("figure.ins-fig svg").count() == 1
    shot(pg, f"tailoring-office-{name}")
    _accessible(pg, f"the tailoring page ({name})")
    pg.locator("figure.ins-fig").scroll_into_view_if_needed()
    shot(pg, f"tailoring-office-chart-{name}", full_page=False)
    _no_sideways_scroll(pg, f"the tailoring page ({name})")


def _calibration(pg, base: str, world, name: str) -> None:
    pg.goto(base + "/innsikt/kalibrering/")
    pg.get_by_role("link", name="Kalibrering høst").click()
    pg.wait_for_url(f"**/innsikt/kalibrering/{world['round'].pk}/")
    assert pg.get_by_role("heading", name="Kalibrering høst").is_visible()
    assert "12 svar på 8 kasus" in pg.locator("main").inner_text()
    assert pg.locator("figure.ins-fig svg rect").count() > 8  # the stacked need-group bars
    offices = pg.locator("li", has_text="Nav C")
    shown = offices.inner_text().split(":", 1)[1]
    assert shown.strip().startswith("skjult") and "svar" not in shown  # no count for the small office
    hidden = pg.locator(".app-list li", has_text="skjult")
    assert hidden.count() == 2  # C, and one more so C cannot be found by subtraction from the round
    shot(pg, f"calibration-results-{name}")
    _accessible(pg, f"the calibration results ({name})")
    pg.locator("figure.ins-fig").scroll_into_view_if_needed()
    shot(pg, f"calibration-results-chart-{name}", full_page=False)
    _no_sideways_scroll(pg, f"the calibration results ({name})")


def test_leader_sees_the_tailoring_page_and_the_calibration_lab_on_desktop(page, live_server, world):
    staff_login(page, live_server.url, "tlleder")
    _tailoring(page, live_server.url, "desktop")
    _calibration(page, live_server.url, world, "desktop")


def test_leader_sees_the_tailoring_page_and_the_calibration_lab_on_a_phone(phone, live_server, world):  # noqa: F811
    staff_login(phone, live_server.url, "tlleder")
    _tailoring(phone, live_server.url, "phone")
    _calibration(phone, live_server.url, world, "phone")
