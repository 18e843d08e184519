"""The status counters at the top of the overview: each counter is the number of rows its filter
returns, and both agree with a plain, one-client-at-a-time reading of the client's own records,
over many random caseloads (hypothesis). The counters cost a fixed number of statements."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.clients.models import NeedGroup
from skreddersy.core import clock
from skreddersy.followup import overview
from skreddersy.followup.models import Activity, ActivityPlan, Message, NeedsDecision, Task, Thread
from tests import factories as f

task_st = st.tuples(st.sampled_from(list(Task.Status.values)), st.integers(-10, 10))
thread_st = st.tuples(st.booleans(), st.lists(st.booleans(), max_size=3))  # awaiting flag, messages from_client
activity_st = st.fixed_dictionaries({
    "status": st.sampled_from(list(Activity.Status.values)),
    "end": st.one_of(st.none(), st.integers(-5, 5)),
    "requirement": st.booleans(),
    "approved": st.booleans(),
    "closed_plan": st.booleans(),
})
client_st = st.fixed_dictionaries({
    "assigned": st.booleans(),
    "created_days": st.integers(0, 30),
    "contact_days": st.one_of(st.none(), st.integers(0, 200)),
    "assessment_days": st.one_of(st.none(), st.integers(-10, 60)),
    "need_group": st.sampled_from(["", NeedGroup.STANDARD_INNSATS]),
    "decision": st.sampled_from([None, *NeedsDecision.Status.values]),
    "manual": st.booleans(),
    "tasks": st.lists(task_st, max_size=3),
    "threads": st.lists(thread_st, max_size=2),
    "activities": st.lists(activity_st, max_size=3),
})


def _build(office, counsellor, spec, now):
    today = clock.today()
    c = f.client(
        office, counsellor if spec["assigned"] else None, manual_followup=spec["manual"], need_group=spec["need_group"],
        created_at=now - dt.timedelta(days=spec["created_days"], hours=1),
        last_contact_at=None if spec["contact_days"] is None else now - dt.timedelta(days=spec["contact_days"], hours=1),
        assessment_due=None if spec["assessment_days"] is None else today + dt.timedelta(days=spec["assessment_days"]),
    )
    for n, (status, days) in enumerate(spec["tasks"]):
        Task.objects.create(client=c, owner=counsellor, title=f"Oppgave {n}", status=status,
                            deadline=now + dt.timedelta(days=days, hours=12))
    for n, (awaiting, senders) in enumerate(spec["threads"]):
        t = Thread.objects.create(client=c, subject=f"Tråd {n}", awaiting_nav_reply=awaiting)
        for m, from_client in enumerate(senders):
            Message.objects.create(thread=t, sender=counsellor.user, from_client=from_client, body="…",
                                   sent_at=now - dt.timedelta(hours=10 - m))
    plans = {False: ActivityPlan.objects.create(client=c), True: ActivityPlan.objects.create(client=c, closed_at=now)}
    for n, a in enumerate(spec["activities"]):
        Activity.objects.create(
            plan=plans[a["closed_plan"]], client=c, title=f"Aktivitet {n}", type=Activity.Type.COURSE, status=a["status"],
            is_requirement=a["requirement"], legal_basis="folketrygdloven § 11-7" if a["requirement"] else "",
            consequence="Pengene kan stanses." if a["requirement"] else "", created_by_role="counsellor",
            created_by=counsellor.user, end_date=None if a["end"] is None else today + dt.timedelta(days=a["end"]),
            client_approved_at=now if a["approved"] else None,
        )
    if spec["decision"]:
        NeedsDecision.objects.create(client=c, need_group=NeedGroup.STANDARD_INNSATS, main_goal="SKAFFE_ARBEID",
                                     drafted_by=counsellor, status=spec["decision"],
                                     sent_at=now if spec["decision"] == NeedsDecision.Status.SENT else None)
    return c


def _expected(c, now) -> set[str]:
    """The statuses one client has, read plainly from its own records."""
    today = clock.today()
    tasks = list(Task.objects.filter(client=c, status=Task.Status.OPEN))
    live = [a for a in Activity.objects.filter(client=c).select_related("plan")
            if a.plan.closed_at is None and a.status in overview.OPEN_ACTIVITY]
    threads = list(Thread.objects.filter(client=c))
    open_draft = NeedsDecision.objects.filter(client=c, status__in=["draft", "awaiting_approval"]).exists()

    def last_from_client(t):
        last = Message.objects.filter(thread=t).order_by("-sent_at", "-id").first()
        return None if last is None else last.from_client

    on = {
        "awaiting_nav": any(t.awaiting_nav_reply for t in threads),
        "awaiting_client": any(not t.awaiting_nav_reply and last_from_client(t) is False for t in threads),
        "overdue": any(t.deadline < now for t in tasks),
        "deadline_7": any(now <= t.deadline <= now + dt.timedelta(days=7) for t in tasks),
        "expired_activity": any(a.end_date is not None and a.end_date < today for a in live),
        "requirement_unapproved": any(a.is_requirement and a.client_approved_at is None for a in live),
        "no_contact_90": c.last_contact_at is None or (now - c.last_contact_at) > dt.timedelta(days=90),
        "new_or_unassigned": c.counsellor_id is None or (now - c.created_at) <= dt.timedelta(days=14),
        "needs_decision": c.need_group == "" and not open_draft,
        "draft_decision": open_draft,
        "assessment_due": c.assessment_due is not None and (c.assessment_due - today).days <= 30,
        # the national contact standard (no office standards here): 180 days for standard innsats,
        # which a client without a need group is held to
        "over_contact_standard": c.need_group in ("", NeedGroup.STANDARD_INNSATS) and (
            c.last_contact_at is None or (now - c.last_contact_at) > dt.timedelta(days=180)),
    }
    return {k for k, v in on.items() if v}


@pytest.mark.django_db
@settings(max_examples=25)
@given(specs=st.lists(client_st, min_size=1, max_size=6), mode=st.sampled_from(["", "digital", "manual"]))
def test_each_counter_is_the_number_of_rows_its_filter_returns(specs, mode):
    with f.rolled_back():
        office = f.office(f.county())
        leader = f.staff("counsellor", "team_leader", offices=[office])
        now = clock.now()
        clients = [_build(office, leader, spec, now) for spec in specs]
        expected = {c.pk: _expected(c, now) for c in clients if not mode or c.manual_followup == (mode == "manual")}
        base = dict(scope="office", office_id=office.pk, per_page=200, followup_mode=mode)
        ov = overview.caseload_overview(user=leader.user, query=overview.OverviewQuery(**base))
        assert set(ov.counters) == set(overview.STATUSES)
        for key in overview.STATUSES:
            want = {pk for pk, statuses in expected.items() if key in statuses}
            rows = overview.caseload_overview(user=leader.user, query=overview.OverviewQuery(status=key, **base),
                                              with_counters=False)
            assert {r.client.pk for r in rows.rows} == want, key
            assert ov.counters[key] == rows.total == len(want), key


@pytest.mark.django_db
def test_counters_are_one_statement_whatever_the_caseload():
    office = f.office(f.county())
    counsellor = f.staff("counsellor", offices=[office])
    now = clock.now()
    spec = {"assigned": True, "created_days": 3, "contact_days": 100, "assessment_days": 5, "need_group": "",
            "decision": "draft", "manual": False, "tasks": [("open", -1), ("open", 3)], "threads": [(False, [True, False])],
            "activities": [{"status": "ongoing", "end": -2, "requirement": True, "approved": False, "closed_plan": False}]}
    counts, built = [], []
    for n in (1, 12):
        while len(built) < n:
            built.append(_build(office, counsellor, spec, now))
        overview.counters(user=counsellor.user, query=overview.OverviewQuery())  # the acting user's facts, read once
        # the contact standards are read once per overview (one statement, shared with the page's rows)
        standards = overview.contact_standards(overview._filtered(user=counsellor.user, query=overview.OverviewQuery()))
        with CaptureQueriesContext(connection) as ctx:
            got = overview.counters(user=counsellor.user, query=overview.OverviewQuery(), standards=standards)
        counts.append(len(ctx.captured_queries))
        assert got["overdue"] == got["deadline_7"] == got["awaiting_client"] == got["draft_decision"] == n
        assert got["awaiting_nav"] == got["needs_decision"] == 0
    assert counts == [1, 1]


@pytest.mark.django_db
def test_a_counter_link_filters_the_page_and_the_api_carries_the_counters(client):
    office = f.office(f.county())
    counsellor = f.staff("counsellor", offices=[office])
    now = clock.now()
    late = f.client(office, counsellor)
    Task.objects.create(client=late, owner=counsellor, title="Ring", deadline=now - dt.timedelta(days=2))
    f.client(office, counsellor)
    client.force_login(counsellor.user)
    data = client.get("/api/v1/overview").json()
    assert data["counters"]["overdue"] == 1 and data["total"] == 2
    page = client.get("/oversikt/").content.decode()
    assert 'href="?status=overdue"' in page
    data = client.get("/api/v1/overview", {"status": "overdue"}).json()
    assert [r["client"]["id"] for r in data["results"]] == [late.pk]
    resp = client.get("/api/v1/overview", {"status": "nonsense"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "status"
