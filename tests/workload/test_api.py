"""The workload figures in the JSON API: the same figures, access rule and audit as the pages.
A leader reads their office's figures; a counsellor reads only their own, never another office's
(or their own office's per-counsellor table); recorded time only for five or more counsellors."""

import datetime as dt

import pytest
from django.test import Client as HttpClient

from skreddersy.core import clock
from skreddersy.core.models import AuditEntry, Role
from skreddersy.timeuse.models import TimeEntry
from skreddersy.workload import selectors
from tests import factories as f

API = "/api/v1/arbeidsbelastning"


def _office(code: str, n_counsellors: int, clients_each: int = 2):
    office = f.office(f.county(code), name=f"Nav {code}")
    leader = f.staff(Role.OFFICE_LEADER, offices=[office])
    staff = [f.staff("counsellor", offices=[office]) for _ in range(n_counsellors)]
    for s in staff:
        for _ in range(clients_each):
            c = f.client(office, s, need_group="SPESIELT_TILPASSET_INNSATS")
            TimeEntry.objects.create(
                client_id=c.pk,
                office=office,
                staff=s,
                kind="meeting",
                minutes=45,
                documentation_minutes=15,
                at=clock.now() - dt.timedelta(days=3),
            )
    return office, leader, staff


def _http(staff) -> HttpClient:
    http = HttpClient()
    http.force_login(staff.user)
    return http


@pytest.mark.django_db
def test_leader_reads_the_same_figures_as_the_page():
    office, leader, staff = _office("47", 5)
    resp = _http(leader).get(f"{API}/kontor/{office.pk}")
    assert resp.status_code == 200
    body = resp.json()
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    rows = {r.staff.pk: r for r in page.rows}
    assert body["office_id"] == office.pk and body["clients"] == 10
    assert {c["staff_id"] for c in body["counsellors"]} == {s.pk for s in staff}
    for c in body["counsellors"]:
        row = rows[c["staff_id"]]
        assert c["caseload"] == row.caseload == 2
        assert c["workload_points_hours"] == pytest.approx(row.points_hours, abs=0.01)
        assert c["ceiling_hours"] == pytest.approx(row.terms.ceiling)
        assert c["workload_estimated_hours"] is None  # nothing estimated yet
    assert body["recorded"]["shown"] is True
    assert body["recorded"]["documentation_share"] == pytest.approx(0.25)
    assert body["estimate"] is None
    assert {w["name"] for w in body["weights"]} == set(page.points)


@pytest.mark.django_db
def test_recorded_time_is_left_out_below_five_counsellors():
    office, leader, _staff = _office("48", 4)
    body = _http(leader).get(f"{API}/kontor/{office.pk}").json()
    assert body["recorded"]["shown"] is False
    assert body["recorded"]["by_kind"] == [] and body["recorded"]["total_hours"] is None


@pytest.mark.django_db
def test_a_counsellor_may_not_see_another_offices_figures_nor_their_own_offices_table():
    office, _leader, _staff = _office("49", 2)
    other, _other_leader, other_staff = _office("50", 2)
    http = _http(other_staff[0])
    denied_before = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count()
    resp = http.get(f"{API}/kontor/{office.pk}")
    assert resp.status_code == 403
    body = resp.json()
    assert body["code"] and body["message"]
    assert "counsellors" not in body
    assert http.get(f"{API}/kontor/{other.pk}").status_code == 403  # per-counsellor figures are the leaders'
    # each refusal is audited as denied, once
    assert AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count() == denied_before + 2


@pytest.mark.django_db
def test_a_leader_of_another_office_is_refused_and_an_unknown_office_is_404():
    office, _leader, _staff = _office("51", 1)
    _other, other_leader, _s = _office("52", 1)
    http = _http(other_leader)
    assert http.get(f"{API}/kontor/{office.pk}").status_code == 403
    assert http.get(f"{API}/kontor/999999").status_code == 404


@pytest.mark.django_db
def test_not_logged_in_is_401_and_a_client_login_is_refused():
    office, _leader, _staff = _office("53", 1)
    assert HttpClient().get(f"{API}/kontor/{office.pk}").status_code == 401
    assert HttpClient().get(f"{API}/min").status_code == 401
    c = f.client(office, None, login=True)
    http = HttpClient()
    http.force_login(c.user)
    assert http.get(f"{API}/min").status_code == 403


@pytest.mark.django_db
def test_a_counsellor_reads_their_own_figures_and_the_red_light_is_audited():
    office, _leader, staff = _office("54", 2, clients_each=0)
    me = staff[0]
    late = f.client(
        office, me, need_group="SPESIELT_TILPASSET_INNSATS", last_contact_at=clock.now() - dt.timedelta(days=70)
    )
    f.client(office, me, need_group="SPESIELT_TILPASSET_INNSATS", last_contact_at=clock.now() - dt.timedelta(days=5))
    f.client(office, staff[1], need_group="SPESIELT_TILPASSET_INNSATS")  # someone else's: not shown
    resp = _http(me).get(f"{API}/min")
    assert resp.status_code == 200
    body = resp.json()
    assert body["staff_id"] == me.pk
    assert [o["office_id"] for o in body["offices"]] == [office.pk]
    assert body["offices"][0]["caseload"] == 2
    assert body["offices"][0]["past_contact_standard"] == 1
    assert [r["client_id"] for r in body["past_contact_standard"]] == [late.pk]
    assert AuditEntry.objects.about(late.pk).filter(action="read", what="arbeidsbelastning: rødt lys").exists()
    assert body["recorded"]["shown"] is True


@pytest.mark.django_db
def test_the_openapi_lists_the_workload_operations(client):
    office, leader, _staff = _office("55", 1)
    client.force_login(leader.user)
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    assert f"{API}/kontor/{{office_id}}" in paths and f"{API}/min" in paths
