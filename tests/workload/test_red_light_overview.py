"""The red light on the follow-up overview: a counsellor whose modelled workload (office points or
estimated weights) is over their ceiling sees it on their own overview, and a leader sees who at
the office is over on the office's list. It comes from the stored loads (timeuse.CounsellorLoad),
refreshed by the workload services, in one query whatever the caseload."""

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext

from skreddersy.core.models import Role
from skreddersy.timeuse.models import CounsellorLoad
from skreddersy.workload import services
from tests import factories as f


def _setup():
    office = f.office(f.county("56"), name="Nav Delta")
    leader = f.staff(Role.OFFICE_LEADER, "counsellor", offices=[office])
    busy, calm = f.staff("counsellor", offices=[office]), f.staff("counsellor", offices=[office])
    for s, n in ((busy, 6), (calm, 2)):
        for _ in range(n):
            f.client(office, s, need_group="SPESIELT_TILPASSET_INNSATS")
    return office, leader, busy, calm


def _page(staff, url="/oversikt/") -> str:
    http = HttpClient()
    http.force_login(staff.user)
    resp = http.get(url)
    assert resp.status_code == 200
    return resp.content.decode()


@pytest.mark.django_db
def test_a_counsellor_over_the_ceiling_sees_the_red_light_on_their_overview():
    office, leader, busy, calm = _setup()
    services.refresh_loads()
    assert "workload-red-light" not in _page(busy)  # 37.5 h: six clients are far under the ceiling
    # a 6-hour contract with 4 hours of fixed duties: ceiling 5.4 h; the six clients push it over
    services.set_terms(
        user=f.fresh_user(leader),
        office_id=office.pk,
        staff_id=busy.pk,
        contracted_hours=6,
        fixed_duty_hours=4,
        started_on=None,
    )
    load = CounsellorLoad.objects.get(staff=busy, office=office)
    assert load.caseload == 6 and load.ceiling_hours == pytest.approx(5.4)
    assert load.points_hours > load.ceiling_hours and load.over_hours > 0
    html = _page(busy)
    assert "workload-red-light" in html and "Rødt lys" in html
    assert "workload-red-light" not in _page(calm)


@pytest.mark.django_db
def test_the_leader_sees_who_is_over_on_the_offices_list_and_a_counsellor_sees_nobody_elses():
    office, leader, busy, calm = _setup()
    services.set_terms(
        user=f.fresh_user(leader),
        office_id=office.pk,
        staff_id=busy.pk,
        contracted_hours=6,
        fixed_duty_hours=4,
        started_on=None,
    )
    html = _page(leader, "/oversikt/?scope=office")
    assert "workload-red-light" in html and f'data-staff="{busy.pk}"' in html
    assert f'data-staff="{calm.pk}"' not in html
    # a counsellor asking for the office's list gets their own, without anyone else's load
    html = _page(calm, "/oversikt/?scope=office")
    assert "workload-red-light" not in html and busy.display_name not in html


@pytest.mark.django_db
def test_the_red_light_adds_no_query_per_counsellor_or_client():
    office, leader, busy, calm = _setup()
    http = HttpClient()
    http.force_login(leader.user)
    services.refresh_loads()
    http.get("/oversikt/?scope=office")
    with CaptureQueriesContext(connection) as ctx:
        http.get("/oversikt/?scope=office")
    before = len(ctx.captured_queries)
    for s in (busy, calm):
        services.set_terms(
            user=f.fresh_user(leader),
            office_id=office.pk,
            staff_id=s.pk,
            contracted_hours=6,
            fixed_duty_hours=5,  # over the 5.4 h ceiling whatever the caseload
            started_on=None,
        )
    for _ in range(5):
        extra = f.staff("counsellor", offices=[office])
        f.client(office, extra)
    services.refresh_loads()
    with CaptureQueriesContext(connection) as ctx:
        html = http.get("/oversikt/?scope=office").content.decode()
    assert len(ctx.captured_queries) == before
    assert f'data-staff="{busy.pk}"' in html and f'data-staff="{calm.pk}"' in html


@pytest.mark.django_db
def test_committing_a_plan_refreshes_the_stored_loads():
    office, leader, busy, calm = _setup()
    services.set_terms(
        user=f.fresh_user(leader),
        office_id=office.pk,
        staff_id=busy.pk,
        contracted_hours=6,
        fixed_duty_hours=4,
        started_on=None,
    )
    from skreddersy.clients.models import Client

    moved = list(Client.objects.filter(counsellor=busy).values_list("pk", flat=True))[:5]
    services.commit_plan(user=f.fresh_user(leader), office_id=office.pk, moves=[(c, calm.pk) for c in moved])
    assert CounsellorLoad.objects.get(staff=busy, office=office).caseload == 1
    assert CounsellorLoad.objects.get(staff=calm, office=office).caseload == 7
