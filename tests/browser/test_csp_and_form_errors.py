"""In Chromium: the Content-Security-Policy breaks no page (no violation in the console on the main
pages of every kind of user, htmx panels included)."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client as HttpClient

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
        analyst.user: ["/innsikt/", "/innsikt/verktoy/tester/", "/innsikt/pastander/"],
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
