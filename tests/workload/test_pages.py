"""The leader's workload page, the counsellor's own page, the staff-figures rule (recorded time for
groups of 5 or more), bad points, and the planner's commit through the assignment service."""

import datetime as dt

import pytest
from django.urls import reverse

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import AuditEntry, Role
from skreddersy.timeuse.models import TimeEntry
from skreddersy.workload import selectors, services
from skreddersy.workload.models import StaffTerms, TimeUseWeek
from tests import factories as f


def _office(n_counsellors: int, clients_each=(3,)):
    county = f.county("46")
    office = f.office(county, name="Nav Gamma")
    leader = f.staff(Role.OFFICE_LEADER, offices=[office])
    staff = [f.staff("counsellor", offices=[office]) for _ in range(n_counsellors)]
    for i, s in enumerate(staff):
        for _ in range(clients_each[i % len(clients_each)]):
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


@pytest.mark.django_db
def test_leader_sees_each_counsellors_modelled_workload_and_office_recorded_time():
    office, leader, staff = _office(5, clients_each=(3, 1))
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    rows = {r.staff.pk: r for r in page.rows}
    # 20 base + 40 special needs + 30 new = 90 minutes per month per client; 4 h fixed duties
    assert rows[staff[0].pk].caseload == 3
    assert rows[staff[0].pk].points_hours == pytest.approx(3 * 90 / 60 / (52 / 12) + 4)
    assert rows[staff[1].pk].points_hours == pytest.approx(90 / 60 / (52 / 12) + 4)
    assert page.recorded.shown
    assert page.recorded.documentation_share == pytest.approx(15 / 60)
    assert page.recorded.face_to_face_share == pytest.approx(45 / 60)


@pytest.mark.django_db
def test_recorded_time_is_hidden_below_five_counsellors_but_each_sees_their_own():
    office, leader, staff = _office(4)
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    assert not page.recorded.shown and page.recorded.by_kind == []
    own = selectors.own_workload(user=f.fresh_user(staff[0]))
    assert own.recorded.total_hours == pytest.approx(3 * 60 / 60)
    from django.test import Client as HttpClient

    http = HttpClient()
    http.force_login(leader.user)
    resp_client = http.get(reverse("workload_office", args=[office.pk]))
    assert resp_client.status_code == 200
    assert "fem eller flere" in resp_client.content.decode()


@pytest.mark.django_db
def test_a_counsellor_cannot_open_the_office_page():
    office, _leader, staff = _office(2)
    with pytest.raises(AccessDenied):
        selectors.workload_page(user=f.fresh_user(staff[0]), office_id=office.pk)


@pytest.mark.django_db
def test_new_staff_have_a_lower_ceiling_on_the_page():
    office, leader, staff = _office(2)
    StaffTerms.objects.create(
        staff=staff[0], contracted_hours=37.5, fixed_duty_hours=4, started_on=clock.today() - dt.timedelta(days=30)
    )
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    rows = {r.staff.pk: r for r in page.rows}
    assert rows[staff[0].pk].terms.ceiling == pytest.approx(26.25)
    assert rows[staff[1].pk].terms.ceiling == pytest.approx(33.75)


@pytest.mark.django_db
def test_points_that_make_a_weight_negative_are_refused_and_nothing_is_written():
    office, leader, _staff = _office(1)
    with pytest.raises(InvalidInput, match="negativ"):
        services.set_points(
            user=f.fresh_user(leader), office_id=office.pk, points={"base": 10, "manual": -15}, expected_version=0
        )
    assert selectors.points_for(office.pk) == (selectors.model.NATIONAL_POINTS, 0)
    services.set_points(
        user=f.fresh_user(leader), office_id=office.pk, points={"base": 30, "manual": -15}, expected_version=0
    )
    assert selectors.points_for(office.pk)[0]["manual"] == -15


@pytest.mark.django_db
def test_commit_moves_clients_through_the_assignment_service_and_refuses_a_rule_break():
    office, leader, staff = _office(2, clients_each=(3, 0))
    protected = f.client(office, staff[0], address_protection="confidential")
    leader.clearance_confidential = True
    leader.save()
    from skreddersy.clients.models import Client

    cids = list(Client.objects.filter(counsellor=staff[0], address_protection="").values_list("pk", flat=True))
    with pytest.raises(InvalidInput, match="kode 7"):
        services.commit_plan(
            user=f.fresh_user(leader), office_id=office.pk, moves=[(cids[0], staff[1].pk), (protected.pk, staff[1].pk)]
        )
    assert Client.objects.filter(counsellor=staff[1]).count() == 0
    n = services.commit_plan(
        user=f.fresh_user(leader),
        office_id=office.pk,
        moves=[(cids[0], staff[1].pk), (cids[1], staff[1].pk)],
        reasons={cids[0]: "for høy belastning"},
    )
    assert n == 2
    assert set(Client.objects.filter(counsellor=staff[1]).values_list("pk", flat=True)) == {cids[0], cids[1]}
    # the assignment service audits the batch as one write entry holding the clients moved
    assert AuditEntry.objects.about(cids[0]).filter(what="fordeling: tildel veileder", action="write").exists()


@pytest.mark.django_db
def test_time_use_week_is_shown_only_for_five_or_more():
    office, leader, staff = _office(5)
    today = clock.today()
    year, q = today.year, (today.month - 1) // 3 + 1
    for s in staff[:4]:
        services.log_time_use_week(
            user=f.fresh_user(s), year=year, quarter=q, hours={"with_client": 20, "documentation": 10}
        )
    agg = selectors.time_use_aggregate(user=f.fresh_user(leader), office_id=office.pk, year=year, quarter=q)
    assert agg == {"n": None, "shown": False, "means": {}}
    services.log_time_use_week(
        user=f.fresh_user(staff[4]), year=year, quarter=q, hours={"with_client": 25, "documentation": 5}
    )
    agg = selectors.time_use_aggregate(user=f.fresh_user(leader), office_id=office.pk, year=year, quarter=q)
    assert agg["shown"] and agg["n"] == 5 and agg["means"]["with_client"] == pytest.approx(21)
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    assert page.time_use["shown"] and dict(page.time_use["rows"])["Dokumentasjon"] == pytest.approx(9)
    with pytest.raises(InvalidInput):
        services.log_time_use_week(user=f.fresh_user(staff[0]), year=year, quarter=q, hours={"with_client": -1})
    assert TimeUseWeek.objects.count() == 5


@pytest.mark.django_db
def test_pages_render(client):
    office, leader, staff = _office(5)
    client.force_login(leader.user)
    for name in ("workload_office", "workload_points", "workload_plan"):
        assert client.get(reverse(name, args=[office.pk])).status_code == 200
    resp = client.get(reverse("workload_plan", args=[office.pk]) + "?foresla=1")
    assert resp.status_code == 200
    client.force_login(staff[0].user)
    assert client.get(reverse("workload_own")).status_code == 200
    assert client.get(reverse("workload_time_use")).status_code == 200
    assert client.get(reverse("workload_office", args=[office.pk])).status_code == 403


@pytest.mark.django_db
def test_red_light_counts_clients_past_the_offices_contact_standard():
    office, leader, staff = _office(1, clients_each=(0,))
    recent = f.client(
        office, staff[0], need_group="SPESIELT_TILPASSET_INNSATS", last_contact_at=clock.now() - dt.timedelta(days=10)
    )
    late = f.client(
        office, staff[0], need_group="SPESIELT_TILPASSET_INNSATS", last_contact_at=clock.now() - dt.timedelta(days=70)
    )
    never = f.client(office, staff[0], need_group="STANDARD_INNSATS")
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    assert page.rows[0].red_lights == 2  # 60 days for special needs; standard: never contacted
    services.set_contact_standards(
        user=f.fresh_user(leader), office_id=office.pk, days={"SPESIELT_TILPASSET_INNSATS": 5}
    )
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    assert page.rows[0].red_lights == 3
    own = selectors.own_workload(user=f.fresh_user(staff[0]))
    assert {pk for pk, _n, _g in own.red_lights} == {recent.pk, late.pk, never.pk}
    with pytest.raises(InvalidInput):
        services.set_contact_standards(
            user=f.fresh_user(leader), office_id=office.pk, days={"SPESIELT_TILPASSET_INNSATS": 0}
        )


@pytest.mark.django_db
def test_a_hand_move_that_breaks_a_rule_is_named_on_the_planner_page(client):
    office, leader, staff = _office(2, clients_each=(1, 1))
    protected = f.client(office, staff[0], address_protection="strictly_confidential")
    leader.clearance_strictly_confidential = True
    leader.save()
    client.force_login(leader.user)
    resp = client.get(reverse("workload_plan", args=[office.pk]) + f"?klient={protected.pk}&til={staff[1].pk}")
    assert resp.status_code == 422
    assert "kode 6" in resp.content.decode()
