"""In Chromium: the Content-Security-Policy breaks no page (no violation in the console on the main
pages of every kind of user, htmx panels included), and a form's 422 error fragment is swapped
into the page (htmx 2 leaves 4xx answers out unless told; base.html's htmx-config tells it)."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

from tests.browser.conftest import SHOTS
from tests.measures.conftest import offering, world  # noqa: F401 (fixture)

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _log_in(page, live_server, user) -> None:
    """The browser gets a logged-in session cookie (the login form has its own journeys)."""
    http = HttpClient()
    http.force_login(user)
    page.context.add_cookies([{"name": "sessionid", "value": http.cookies["sessionid"].value, "url": live_server.url}])


def _watch_csp(page) -> list[str]:
    seen: list[str] = []
    page.on("console", lambda msg: seen.append(msg.text) if "Content Security Policy" in msg.text else None)
    return seen


def test_a_422_form_error_is_swapped_into_the_page(page, live_server, world):  # noqa: F811
    offering(world["types"]["JOBBKLUBB"], [world["bergen"]], title="Jobbklubb Bergen")
    violations = _watch_csp(page)
    _log_in(page, live_server, world["counsellor"].user)
    page.goto(f"{live_server.url}/tiltak/matching/{world['client'].pk}/")
    form = page.locator("#matching-panel form").first
    # a form sent without its offering (a stale page, a hand-made request): the server answers 422
    form.locator("input[name=offering]").evaluate("el => el.value = ''")
    with page.expect_response(lambda r: "/velg/" in r.url) as answer:
        form.get_by_role("button", name="Henvis").click()
    assert answer.value.status == 422
    page.get_by_text("Velg et tilbud.").wait_for()
    page.screenshot(path=str(SHOTS / "form-error-422-swapped.png"), full_page=True)
    assert not violations, violations


def test_no_page_breaks_the_content_security_policy(page, live_server):
    call_command(
        "seed",
        "--scale",
        "demo",
        "--seed",
        "1",
        "--clients",
        "60",
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    from skreddersy.clients.models import Client
    from skreddersy.core.models import StaffMember

    counsellor = StaffMember.objects.filter(roles__role="counsellor", caseload__isnull=False).distinct().first()
    client = Client.objects.filter(counsellor=counsellor).first()
    leader = StaffMember.objects.filter(roles__role="office_leader").first()
    analyst = StaffMember.objects.filter(roles__role="analyst").first()
    admin = StaffMember.objects.filter(roles__role="administrator").first()
    client_user = Client.objects.filter(user__isnull=False).first().user
    tours = {
        counsellor.user: [
            "/oversikt/",
            f"/bruker/{client.pk}/",
            f"/bruker/{client.pk}/aktivitet/ny/",
            f"/bruker/{client.pk}/eksport/",
            "/oppgaver/",
            "/tiltak/",
            f"/tiltak/matching/{client.pk}/",
            "/arbeid/arbeidsgivere/",
        ],
        leader.user: ["/oversikt/?scope=office", "/tiltak/tildeling/", "/innsikt/"],
        analyst.user: ["/innsikt/", "/innsikt/replikasjon/terum-sadeghi-2021/", "/innsikt/verktoy/tester/"],
        admin.user: ["/tilgangslogg/", "/admin/"],
        client_user: ["/min-side/", "/min-side/innsyn/", "/min-side/aktivitet/ny/"],
    }
    violations = _watch_csp(page)
    visited = 0
    for user, paths in tours.items():
        page.context.clear_cookies()
        _log_in(page, live_server, user)
        for path in paths:
            response = page.goto(live_server.url + path)
            assert response.status < 500, path
            assert "script-src 'self'" in response.headers["content-security-policy"]
            page.wait_for_load_state("networkidle")
            visited += 1
    page.context.clear_cookies()
    page.goto(live_server.url + "/logg-inn/")
    assert visited >= 19
    assert not violations, violations
