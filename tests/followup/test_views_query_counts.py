"""The overview and the person page run a fixed number of queries, whatever the caseload or the
length of a client's history (performance itself is measured in bench/, not here)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from skreddersy.core import clock
from skreddersy.followup import services
from tests import factories as f


def _client_with_history(office, counsellor, n: int):
    c = f.client(office, counsellor, login=True)
    for i in range(n):
        services.add_activity(user=counsellor.user, client=c, title=f"Aktivitet {i}", type="course", is_requirement=i % 2 == 0,
                              legal_basis="folketrygdloven § 11-7", consequence="Pengene kan stanses.")
        services.create_task(user=counsellor.user, client=c, title=f"Oppgave {i}", deadline=clock.now() + dt.timedelta(days=i))
        services.start_thread(user=c.user, client=c, subject=f"Tråd {i}", body="Hei")
        services.log_contact(user=counsellor.user, client=c, channel="phone", summary=f"Samtale {i}")
    return c


def _queries(http, url, **extra) -> int:
    http.get(url, **extra)  # warm caches (reference data, session)
    with CaptureQueriesContext(connection) as ctx:
        resp = http.get(url, **extra)
    assert resp.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/oversikt/", "/api/v1/overview", "/oversikt/?sort=deadline&awaiting=on",
                                 "/oversikt/?measure_type=ARBEIDSTRENING&age_band=30_39&municipality=%C3%85s",
                                 "/api/v1/overview?measure_type=ARBEIDSTRENING&activity_type=measure&followup_mode=digital"])
def test_overview_queries_do_not_grow_with_caseload(db, url):
    county = f.county("60")
    a = f.office(county)
    small, large = f.staff("counsellor", offices=[a]), f.staff("counsellor", offices=[a])
    for _ in range(2):
        _client_with_history(a, small, 1)
    for _ in range(25):
        _client_with_history(a, large, 2)
    hs, hl = HttpClient(), HttpClient()
    hs.force_login(small.user)
    hl.force_login(large.user)
    assert _queries(hs, url) == _queries(hl, url)


def test_office_overview_queries_fixed(db):
    county = f.county("61")
    a = f.office(county)
    leader = f.staff("team_leader", "counsellor", offices=[a])
    c1 = f.staff("counsellor", offices=[a])
    http = HttpClient()
    http.force_login(leader.user)
    _client_with_history(a, c1, 1)
    before = _queries(http, "/oversikt/?scope=office")
    for _ in range(15):
        _client_with_history(a, c1, 2)
    assert _queries(http, "/oversikt/?scope=office") == before


def test_person_page_queries_do_not_grow_with_history(db):
    county = f.county("62")
    a = f.office(county)
    counsellor = f.staff("counsellor", offices=[a])
    short, long = _client_with_history(a, counsellor, 1), _client_with_history(a, counsellor, 12)
    http = HttpClient()
    http.force_login(counsellor.user)
    assert _queries(http, reverse("person", args=[short.pk])) == _queries(http, reverse("person", args=[long.pk]))
