"""Issue 19 in Chromium: a client who reads nynorsk logs in to Min side and reads it in nynorsk (no
bokmål-only words among the product's own), opens the § 14 a decision letter in nynorsk, and the
client's pages work at 320 CSS px width (a 1280 px screen zoomed to 400 %, WCAG 2.1 1.4.10
Reflow): no sideways scrolling, every link and button reachable by keyboard. Screenshots go to
test-results/screenshots/ (nynorsk-*). The manual check is docs/accessibility/manual-check-2026-12.md."""

from __future__ import annotations

import os
import re

import pytest

from skreddersy.followup import services
from tests import factories as f
from tests.browser.conftest import SHOTS

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# bokmål-only words and their nynorsk forms (the nynorsk ones must appear, the bokmål ones not)
BOKMAL_ONLY = {
    "ikke": "ikkje",
    "jeg": "eg",
    "hva": "kva",
    "hvordan": "korleis",
    "mye": "mykje",
    "hvem": "kven",
    "fra": "frå",
    "bare": "berre",
    "noe": "noko",
    "nå": "no",
}
PAGES = [
    "/min-side/",
    "/min-side/skriv/",
    "/min-side/aktivitet/ny/",
    "/min-side/kartlegging/",
    "/min-side/varsler/",
    "/min-side/deling/",
    "/min-side/egenvurdering/",
    "/min-side/innsyn/",
    "/tilgjengelighet/",
]


@pytest.fixture
def world(db):
    office = f.office(f.county("46"), name="Nav Voss")
    counsellor = f.staff("counsellor", offices=[office])
    kari = f.client(office, counsellor, login=True, written_standard="nn")
    kari.first_name = "Kari"
    kari.save(update_fields=["first_name"])
    d = services.draft_decision(
        user=counsellor.user,
        client=kari,
        need_group="SITUASJONSBESTEMT_INNSATS",
        main_goal="SKAFFE_ARBEID",
        justification="Du vil tilbake til butikk, og treng hjelp med CV.",
    )
    services.submit_decision(user=counsellor.user, decision=d)
    services.add_activity(
        user=counsellor.user,
        client=kari,
        title="Jobbklubb kvar tysdag",
        type="course",
        is_requirement=True,
        legal_basis="folketrygdloven § 11-7",
        consequence="Om du ikkje møter utan god grunn, kan AAP bli stansa ei stund.",
    )
    services.start_thread(user=counsellor.user, client=kari, subject="Møte", body="Kan du kome på måndag?")
    return {"kari": kari, "decision": d}


def _login(page, base, user):
    page.goto(base + "/min-side/logg-inn/")
    page.get_by_label("Brukernavn").fill(user.username)
    page.get_by_label("Passord").fill(f.PASSWORD)
    page.get_by_role("button", name="Logg inn").click()
    page.wait_for_url(re.compile(r".*/min-side/$"))


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


def test_a_nynorsk_client_reads_min_side_in_nynorsk(page, live_server, world):
    base = live_server.url
    _login(page, base, world["kari"].user)
    seen = set()
    for path in PAGES + [f"/vedtak/{world['decision'].pk}/brev/"]:
        page.goto(base + path)
        assert page.evaluate("document.documentElement.lang") == "nn", path
        words = _words(page.locator("body").inner_text())
        bokmal = sorted(w for w in BOKMAL_ONLY if w in words)
        assert not bokmal, f"{path}: bokmål-only words {bokmal}"
        seen |= words
    assert {"ikkje", "eg", "kva", "korleis", "frå", "berre"} <= seen
    page.goto(base + "/min-side/")
    assert page.get_by_role("heading", name="Hei, Kari").is_visible()
    page.get_by_role("link", name="Les vedtaket").click()
    assert page.get_by_role("heading", name="Vedtak om oppfølging frå Nav").is_visible()
    page.screenshot(path=str(SHOTS / "nynorsk-vedtak.png"), full_page=True)


@pytest.fixture
def zoomed(browser):
    """400 % zoom of a 1280 px wide window: 320 CSS px (WCAG 2.1, 1.4.10 Reflow)."""
    ctx = browser.new_context(viewport={"width": 320, "height": 256}, device_scale_factor=4, locale="nb-NO")
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)
    pg.set_default_navigation_timeout(30_000)
    yield pg
    ctx.close()


def test_the_clients_pages_reflow_at_320_css_pixels(zoomed, live_server, world):
    base = live_server.url
    _login(zoomed, base, world["kari"].user)
    too_wide = {}
    for path in PAGES + [f"/vedtak/{world['decision'].pk}/brev/"]:
        zoomed.goto(base + path)
        width = zoomed.evaluate("document.documentElement.scrollWidth")
        if width > 320:
            culprits = zoomed.evaluate("""() => [...document.querySelectorAll('body *')]
                .filter(e => e.getBoundingClientRect().right > 321 && getComputedStyle(e).position !== 'fixed')
                .slice(0, 5).map(e => e.tagName.toLowerCase() + (e.className ? '.' + String(e.className).split(' ')[0] : '')
                + ' ' + Math.round(e.getBoundingClientRect().right))""")
            too_wide[path] = (width, culprits)
            zoomed.screenshot(
                path=str(SHOTS / f"nynorsk-320-{path.strip('/').replace('/', '-') or 'min-side'}.png"), full_page=True
            )
    assert not too_wide, too_wide


def test_the_clients_home_page_works_by_keyboard_at_320_css_pixels(zoomed, live_server, world):
    """Tab from the top reaches the skip link first, then every link and button of Min side, each
    with a visible focus and on screen when focused."""
    base = live_server.url
    _login(zoomed, base, world["kari"].user)
    zoomed.goto(base + "/min-side/")
    total = zoomed.evaluate("document.querySelectorAll('main a[href], main button, main textarea').length")
    zoomed.keyboard.press("Tab")
    first = zoomed.evaluate("document.activeElement.className")
    assert "skip-link" in first
    reached, off_screen = set(), []
    for _ in range(total + 15):
        zoomed.keyboard.press("Tab")
        info = zoomed.evaluate("""() => { const e = document.activeElement; const r = e.getBoundingClientRect();
            const all = [...document.querySelectorAll('main a[href], main button, main textarea')];
            return {i: all.indexOf(e), left: r.left, right: r.right}; }""")
        if info["i"] >= 0:
            reached.add(info["i"])
            if info["left"] < -1 or info["right"] > 321:
                off_screen.append(info["i"])
    assert len(reached) == total, (sorted(reached), total)
    assert not off_screen, off_screen
