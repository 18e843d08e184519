"""The staff-figures rule (DESIGN.md) on the work pages: a team's figures show to its supervisor
for five job specialists or more, and disappear the day the team drops to four; a specialist
who is not a supervisor never sees the team's."""

from __future__ import annotations

import datetime as dt

import pytest

from skreddersy.core.models import OfficeMembership, Role
from skreddersy.work import models as wm
from tests import factories as f


@pytest.fixture
def team5(db):
    a = f.office(f.county("46"), name="Nav Alfa")
    counsellor = f.staff(Role.COUNSELLOR, offices=[a])
    specialists = [f.staff(Role.JOB_SPECIALIST, offices=[a]) for _ in range(5)]
    boss = f.staff(Role.METHOD_SUPERVISOR, offices=[a])
    employer = wm.Employer.objects.create(orgnr="974760673", name="Bakeriet", municipality="Bergen")
    today = dt.date.today()
    for i in range(10):
        js = specialists[i % 5]
        case = wm.IpsCase.objects.create(client=f.client(a, counsellor), office=a, specialist=js, referred_by=counsellor,
                                         referred_on=today - dt.timedelta(days=400), granted_until=today + dt.timedelta(days=30),
                                         phase_since=today - dt.timedelta(days=100), phase="in_work")
        wm.JobStart.objects.create(case=case, employer=employer, job_title="Lager", start_date=max(today.replace(month=1, day=1),
                                   today - dt.timedelta(days=10)), hours_per_week=20, wage_type="ordinary", recorded_by=js)
        wm.EmployerContact.objects.create(employer=employer, staff=js, kind="phone", purpose="job_development", outcome="follow_up")
    return dict(a=a, specialists=specialists, boss=boss)


def _api(client, who, office):
    client.force_login(f.fresh_user(who))
    return client.get(f"/api/v1/arbeid/resultater?office_id={office.pk}")


def _page(client, who, office):
    client.force_login(f.fresh_user(who))
    return client.get(f"/arbeid/metodeveileder/?kontor={office.pk}")


def test_team_figures_show_at_five_and_vanish_when_one_leaves(team5, client):
    a, boss = team5["a"], team5["boss"]
    assert _api(client, boss, a).status_code == 200
    assert _page(client, boss, a).context["page"].team.shown
    assert _page(client, boss, a).context["page"].team.contacts_7_days == 10
    OfficeMembership.objects.filter(staff=team5["specialists"][0], office=a).delete()
    assert _api(client, boss, a).status_code == 403
    team = _page(client, boss, a).context["page"].team
    assert not team.shown and team.contacts_7_days is None and team.field_share is None and team.starts_this_year is None


def test_a_specialist_sees_own_outcomes_never_the_teams(team5, client):
    js = team5["specialists"][0]
    assert _api(client, js, team5["a"]).status_code == 403
    client.force_login(f.fresh_user(js))
    mine = client.get("/api/v1/arbeid/resultater").json()
    assert mine["scope"] == "mine"
    # two candidates of one's own: every share suppressed (groups under 5)
    assert all(c["share"] is None and c["numerator"] is None for c in mine["cells"])
