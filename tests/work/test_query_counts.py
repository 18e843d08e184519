"""The caseload page and the method supervisor's page read in a fixed number of queries: the count
for 30 candidates is the count for 5 (no query per candidate, start or follow-along)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skreddersy.core.models import Role
from skreddersy.work import models as wm
from tests import factories as f


def _world(n: int):
    a = f.office(f.county("46"), name="Nav Alfa")
    counsellor = f.staff(Role.COUNSELLOR, offices=[a])
    specialists = [f.staff(Role.JOB_SPECIALIST, offices=[a]) for _ in range(5)]
    boss = f.staff(Role.METHOD_SUPERVISOR, offices=[a])
    employer = wm.Employer.objects.create(orgnr="974760673", name="Bakeriet", municipality="Bergen")
    today = dt.date.today()
    for i in range(n):
        js = specialists[i % 5]
        cl = f.client(a, counsellor)
        case = wm.IpsCase.objects.create(client=cl, office=a, specialist=js, referred_by=counsellor,
                                         referred_on=today - dt.timedelta(days=100 + i), granted_until=today + dt.timedelta(days=10),
                                         phase_since=today - dt.timedelta(days=40), phase="job_search" if i % 2 else "in_work")
        wm.EmployerContact.objects.create(employer=employer, staff=js, kind="phone", purpose="follow_along", outcome="follow_up",
                                          case=case, at=dt.datetime.now(dt.UTC) - dt.timedelta(days=20))
        if i % 2 == 0:  # the first specialist has a start in either size
            s = wm.JobStart.objects.create(case=case, employer=employer, job_title="Lager", start_date=today - dt.timedelta(days=30),
                                           hours_per_week=20, wage_type="ordinary", recorded_by=js)
            wm.FollowAlong.objects.create(start=s, kind="employer_call", planned_on=today - dt.timedelta(days=5))
            wm.FollowAlong.objects.create(start=s, kind="candidate_checkin", planned_on=today - dt.timedelta(days=25),
                                          done_at=dt.datetime.now(dt.UTC) - dt.timedelta(days=25))
    return a, specialists[0], boss


def _count(client, user, url) -> int:
    client.force_login(f.fresh_user(user))
    with CaptureQueriesContext(connection) as ctx:
        r = client.get(url)
    assert r.status_code == 200, r.status_code
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["caseload", "supervisor", "caseload_api"])
def test_pages_do_not_grow_with_the_number_of_candidates(db, client, page):
    counts = []
    for n in (5, 30):
        from django.db import transaction

        with transaction.atomic():
            a, js, boss = _world(n)
            who, url = {"caseload": (js, "/arbeid/jobbspesialist/"), "supervisor": (boss, f"/arbeid/metodeveileder/?kontor={a.pk}"),
                        "caseload_api": (js, "/api/v1/arbeid/kandidater")}[page]
            counts.append(_count(client, who, url))
            transaction.set_rollback(True)
    assert counts[0] == counts[1], f"{page}: {counts[0]} queries for 5 candidates, {counts[1]} for 30"
