"""Every figure in an overview row is what the client's own records say.

The overview computes its columns for a whole page at once; here each row is checked against a
plain, one-client-at-a-time reading of the same records (open tasks, the earliest deadline and
its task, threads awaiting Nav's reply, active activity requirements in open plans, the ongoing
measure, days since contact and the flags), over many random caseloads.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db.models import F
from django.test import Client as HttpClient
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.followup import overview
from skreddersy.followup.models import Activity, ActivityPlan, Task, Thread
from tests import factories as f

NOW = clock.now()

task_st = st.tuples(st.sampled_from(list(Task.Status.values)), st.integers(-20, 40), st.integers(0, 3))
activity_st = st.tuples(
    st.sampled_from(list(Activity.Type.values)),
    st.sampled_from(list(Activity.Status.values)),
    st.booleans(),  # requirement
    st.booleans(),  # in a closed plan
    st.one_of(st.none(), st.integers(-60, 60)),  # start date offset
)
client_st = st.fixed_dictionaries({
    "tasks": st.lists(task_st, max_size=4),
    "threads": st.lists(st.booleans(), max_size=3),
    "activities": st.lists(activity_st, max_size=4),
    "contact_days": st.one_of(st.none(), st.integers(0, 400)),
    "assessment_days": st.one_of(st.none(), st.integers(-10, 90)),
    "manual": st.booleans(),
    "interpreter": st.booleans(),
    "age": st.integers(18, 66),
})


def _build(counsellor, office, spec, i):
    today = clock.today()
    c = f.client(
        office, counsellor, birth_date=today.replace(year=today.year - spec["age"]) - dt.timedelta(days=1 + i),
        manual_followup=spec["manual"], needs_interpreter=spec["interpreter"],
        last_contact_at=None if spec["contact_days"] is None else NOW - dt.timedelta(days=spec["contact_days"], hours=1),
        assessment_due=None if spec["assessment_days"] is None else today + dt.timedelta(days=spec["assessment_days"]),
    )
    for n, (status, days, minutes) in enumerate(spec["tasks"]):
        Task.objects.create(client=c, owner=counsellor, title=f"Oppgave {n}", status=status,
                            deadline=NOW + dt.timedelta(days=days, minutes=minutes))
    for n, awaiting in enumerate(spec["threads"]):
        Thread.objects.create(client=c, subject=f"Tråd {n}", awaiting_nav_reply=awaiting)
    open_plan = ActivityPlan.objects.create(client=c)
    closed_plan = ActivityPlan.objects.create(client=c, closed_at=NOW - dt.timedelta(days=400))
    for n, (typ, status, req, closed, start) in enumerate(spec["activities"]):
        Activity.objects.create(
            plan=closed_plan if closed else open_plan, client=c, title=f"Aktivitet {n}", type=typ, status=status,
            is_requirement=req, legal_basis="folketrygdloven § 11-7" if req else "",
            consequence="Pengene kan stanses." if req else "", created_by_role="counsellor", created_by=counsellor.user,
            start_date=None if start is None else clock.today() + dt.timedelta(days=start),
        )
    return c


def _expected(c) -> dict:
    """The row for one client, read plainly from its own records."""
    today = clock.today()
    open_tasks = list(Task.objects.filter(client=c, status=Task.Status.OPEN).order_by("deadline", "id"))
    live = Activity.objects.filter(client=c, plan__closed_at__isnull=True, status__in=overview.OPEN_ACTIVITY)
    # the earliest-started ongoing measure; an undated one only if no measure has a start date
    measure = (live.filter(type=Activity.Type.MEASURE, status=Activity.Status.ONGOING)
               .order_by(F("start_date").asc(nulls_last=True), "id").first())
    under30 = (today.year - c.birth_date.year - ((today.month, today.day) < (c.birth_date.month, c.birth_date.day))) < 30
    flags = [name for name, on in (
        ("manual", c.manual_followup), ("interpreter", c.needs_interpreter), ("under30", under30),
        # a passed date reads as overdue, never "snart"
        ("assessment_overdue", c.assessment_due is not None and (c.assessment_due - today).days < 0),
        ("assessment_due", c.assessment_due is not None and 0 <= (c.assessment_due - today).days <= 30),
    ) if on]
    return {
        "next_deadline": open_tasks[0].deadline if open_tasks else None,
        "next_deadline_title": open_tasks[0].title if open_tasks else "",
        "open_tasks": len(open_tasks),
        "awaiting_reply": Thread.objects.filter(client=c, awaiting_nav_reply=True).count(),
        "active_requirements": live.filter(is_requirement=True).count(),
        "current_measure": measure.title if measure else "",
        "days_since_contact": (clock.now() - c.last_contact_at).days if c.last_contact_at else None,
        "flags": flags,
    }


@pytest.mark.django_db
@given(specs=st.lists(client_st, min_size=1, max_size=5))
def test_each_row_matches_the_clients_own_records(specs):
    with f.rolled_back():
        office = f.office(f.county())
        counsellor = f.staff("counsellor", offices=[office])
        clients = [_build(counsellor, office, spec, i) for i, spec in enumerate(specs)]
        ov = overview.caseload_overview(user=counsellor.user, query=overview.OverviewQuery(per_page=200))
        assert ov.total == len(clients)
        got = {r.client.pk: r for r in ov.rows}
        assert set(got) == {c.pk for c in clients}
        for c in clients:
            row, want = got[c.pk], _expected(c)
            assert {k: getattr(row, k) for k in want} == want, c.pk
            assert row.client.masked_fnr == f"{c.fnr[:6]} *****" and row.client.name == c.name


@pytest.mark.django_db
def test_json_rows_carry_the_same_figures_as_the_selector():
    office = f.office(f.county())
    counsellor = f.staff("counsellor", offices=[office])
    spec = {"tasks": [("open", 3, 0), ("open", -2, 1), ("done", -5, 0)], "threads": [True, True, False],
            "activities": [("measure", "ongoing", True, False, 1), ("course", "planned", True, True, None)],
            "contact_days": 12, "assessment_days": 5, "manual": True, "interpreter": False, "age": 25}
    c = _build(counsellor, office, spec, 0)
    http = HttpClient()
    http.force_login(counsellor.user)
    row = http.get("/api/v1/overview").json()["results"][0]
    want = _expected(c)
    assert row["client"] == {"id": c.pk, "name": c.name, "masked_fnr": f"{c.fnr[:6]} *****", "need_group": c.need_group,
                             "main_goal": c.main_goal}
    # JSON carries milliseconds (ECMA-262 date-time format)
    assert abs(dt.datetime.fromisoformat(row.pop("next_deadline")) - want.pop("next_deadline")) < dt.timedelta(milliseconds=1)
    assert {k: row[k] for k in want} == want
    assert want["open_tasks"] == 2 and want["awaiting_reply"] == 2 and want["active_requirements"] == 1


@pytest.mark.django_db
def test_paging_past_the_end_shows_the_last_page_and_an_empty_filter_counts_nothing():
    office = f.office(f.county())
    counsellor = f.staff("counsellor", offices=[office])
    clients = sorted((f.client(office, counsellor) for _ in range(5)), key=lambda c: (c.last_name, c.first_name, c.pk))
    ov = overview.caseload_overview(user=counsellor.user, query=overview.OverviewQuery(per_page=2, page=9))
    assert (ov.total, ov.page, ov.pages) == (5, 3, 3)
    assert [r.client.pk for r in ov.rows] == [clients[4].pk]
    ov = overview.caseload_overview(user=counsellor.user, query=overview.OverviewQuery(per_page=2, page=2))
    assert (ov.total, ov.page) == (5, 2) and [r.client.pk for r in ov.rows] == [c.pk for c in clients[2:4]]
    ov = overview.caseload_overview(user=counsellor.user, query=overview.OverviewQuery(manual=True))
    assert (ov.total, ov.page, ov.pages, ov.rows) == (0, 1, 1, [])
