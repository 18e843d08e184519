"""Chromium for the browser journeys: Debian's /usr/bin/chromium driven by Playwright, one browser
per module, one context per test. Screenshots go to test-results/screenshots/."""

from __future__ import annotations

from pathlib import Path

import pytest

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path("/usr/bin/chromium").exists():
        pytest.fail("Chromium is missing at /usr/bin/chromium: run `make browser` (apt-get install chromium).")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    ctx = browser.new_context(viewport={"width": 1366, "height": 900}, locale="nb-NO")
    pg = ctx.new_page()
    pg.set_default_timeout(20_000)  # the test machine is shared: be patient, not flaky
    pg.set_default_navigation_timeout(30_000)
    yield pg
    ctx.close()
