"""The person card: client, current § 14 a decision, open plan (its open activities and newest closed
ones), the newest journal entries and open tasks, in a fixed number of queries (at most 9: the
closed activities are their own query, so a long plan does not grow the card) however long the
client's history is."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from skreddersy.core import clock
from skreddersy.followup import selectors, services
from skreddersy.followup.models import Activity, ActivityPlan, JournalEntry, MeetingNote, NeedsDecision, Task
from tests import factories as f

T0 = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)


def _history(client, staff, n: int, *, closed_plan=True):
    """n journal entries, n activities, a replaced and a current decision, a closed old plan."""
    user = staff.user
    if closed_plan:
        old = ActivityPlan.objects.create(client=client, created_at=T0 - dt.timedelta(days=400), closed_at=T0 - dt.timedelta(days=300))
        Activity.objects.create(plan=old, client=client, title="Gammel", type="course", created_by_role="counsellor", created_by=user)
    plan = ActivityPlan.objects.create(client=client, created_at=T0 - dt.timedelta(days=200))
    Activity.objects.bulk_create(
        Activity(plan=plan, client=client, title=f"Aktivitet {i}", type="own", created_by_role="client", created_by=user,
                 start_date=(T0 + dt.timedelta(days=i)).date())
        for i in range(n)
    )
    JournalEntry.objects.bulk_create(
        JournalEntry(client=client, at=T0 + dt.timedelta(minutes=i), kind="note", summary=f"Innslag {i}", actor=user,
                     visible_to_client=i % 3 != 0)
        for i in range(n)
    )
    first = NeedsDecision.objects.create(client=client, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID", status="sent",
                                         sent_at=T0 - dt.timedelta(days=100), drafted_by=staff)
    current = NeedsDecision.objects.create(client=client, need_group="SITUASJONSBESTEMT_INNSATS", main_goal="SKAFFE_ARBEID",
                                           justification="b", status="sent", sent_at=T0 - dt.timedelta(days=10),
                                           drafted_by=staff, replaces=first)
    NeedsDecision.objects.create(client=client, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID", drafted_by=staff)
    Task.objects.bulk_create(Task(client=client, owner=staff, title=f"Oppgave {i}", deadline=T0 + dt.timedelta(days=i),
                                  status="open" if i % 2 else "done") for i in range(min(n, 20)))
    MeetingNote.objects.bulk_create(MeetingNote(client=client, channel="sms", summary="x", written_by=staff) for _ in range(n))
    return plan, current


def _count(user, client_id) -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.person(user=user, client_id=client_id, card=True)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["counsellor", "client"])
def test_query_count_is_fixed_and_at_most_9_whatever_the_history(org, who):
    small = f.client(org["a"], org["counsellor"], login=True)
    big = f.client(org["a"], org["counsellor"], login=True)
    _history(small, org["counsellor"], 1)
    _history(big, org["counsellor"], 200)

    def user_for(c):
        # A fresh login each time, as in a new request: nothing about the user is cached.
        return f.fresh_user(org["counsellor"]) if who == "counsellor" else f.fresh_user(c.user)

    n_small = _count(user_for(small), small.pk)
    n_big = _count(user_for(big), big.pk)
    assert n_small == n_big
    assert n_big <= 9


def test_query_count_with_django_assert_max_num_queries(org, django_assert_max_num_queries):
    c = f.client(org["a"], org["counsellor"])
    _history(c, org["counsellor"], 200)
    user = f.fresh_user(org["counsellor"])
    with django_assert_max_num_queries(9):
        selectors.person(user=user, client_id=c.pk, card=True)


def test_card_contents(org):
    c = f.client(org["a"], org["counsellor"])
    plan, current = _history(c, org["counsellor"], 200)
    card = selectors.person(user=f.fresh_user(org["counsellor"]), client_id=c.pk, card=True)
    assert card.client.pk == c.pk
    assert card.current_decision.pk == current.pk
    assert card.plan.pk == plan.pk
    # a first screen: the open activities (at most OPEN_ACTIVITIES_MAX, in start order), the newest entries
    assert len(card.activities) == selectors.OPEN_ACTIVITIES_MAX and {a.plan_id for a in card.activities} == {plan.pk}
    assert [a.pk for a in card.activities] == list(
        Activity.objects.filter(plan=plan).order_by("start_date", "id").values_list("pk", flat=True)[:selectors.OPEN_ACTIVITIES_MAX])
    n = selectors.JOURNAL_FIRST
    assert len(card.journal) == n
    expected = list(JournalEntry.objects.filter(client=c).order_by("-at", "-id").values_list("pk", flat=True)[:n])
    assert [e.pk for e in card.journal] == expected
    assert card.journal_cursor == expected[-1]  # older entries: the journal's next page starts after it
    assert {t.status for t in card.open_tasks} == {"open"}
    assert [t.deadline for t in card.open_tasks] == sorted(t.deadline for t in card.open_tasks)


def test_client_card_has_only_visible_entries_and_no_tasks(org):
    c = f.client(org["a"], org["counsellor"], login=True)
    _history(c, org["counsellor"], 200)
    card = selectors.person(user=f.fresh_user(c.user), client_id=c.pk, card=True)
    assert len(card.journal) == selectors.JOURNAL_FIRST and all(e.visible_to_client for e in card.journal)
    assert card.open_tasks == []


def test_card_without_history(org):
    c = f.client(org["a"], org["counsellor"])
    card = selectors.person(user=f.fresh_user(org["counsellor"]), client_id=c.pk, card=True)
    assert card.current_decision is None and card.plan is None and card.activities == [] and card.journal == []


def test_card_after_services(org):
    c = f.client(org["a"], org["counsellor"])
    nav = f.fresh_user(org["counsellor"])
    clock.freeze(T0)
    try:
        d = services.draft_decision(user=nav, client=c, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
        services.submit_decision(user=nav, decision=d)
        services.add_activity(user=nav, client=c, title="CV", type="own")
    finally:
        clock.freeze(None)
    card = selectors.person(user=f.fresh_user(org["counsellor"]), client_id=c.pk, card=True)
    assert card.current_decision.pk == d.pk and [a.title for a in card.activities] == ["CV"]


# --- one aggregate: the page and the card are the same selector ----------------------------------

def _page_count(user, client_id) -> int:
    with CaptureQueriesContext(connection) as ctx:
        selectors.person(user=user, client_id=client_id)
    return len(ctx.captured_queries)


@pytest.mark.parametrize("who", ["counsellor", "client"])
def test_page_query_count_is_fixed_whatever_the_history(org, who):
    small = f.client(org["a"], org["counsellor"], login=True)
    big = f.client(org["a"], org["counsellor"], login=True)
    _history(small, org["counsellor"], 1)
    _history(big, org["counsellor"], 200)

    def user_for(c):
        return f.fresh_user(org["counsellor"]) if who == "counsellor" else f.fresh_user(c.user)

    assert _page_count(user_for(small), small.pk) == _page_count(user_for(big), big.pk)


def test_page_and_card_agree_and_audit_once_under_one_name(org):
    from skreddersy.core.models import AuditEntry

    c = f.client(org["a"], org["counsellor"])
    plan, current = _history(c, org["counsellor"], 30)
    before = AuditEntry.objects.filter(client_id=c.pk).count()
    card = selectors.person(user=f.fresh_user(org["counsellor"]), client_id=c.pk, card=True)
    page = selectors.person(user=f.fresh_user(org["counsellor"]), client_id=c.pk)
    entries = list(AuditEntry.objects.filter(client_id=c.pk).order_by("id"))[before:]
    assert [(e.action, e.what) for e in entries] == [("read", selectors.PERSON_WHAT)] * 2
    assert card.current_decision.pk == page.current_decision.pk == current.pk
    assert card.plan.pk == page.plan.pk == plan.pk
    assert [a.pk for a in card.activities] == [a.pk for a in page.activities]
    assert [e.pk for e in card.journal] == [e.pk for e in page.journal]
    assert [t.pk for t in card.open_tasks] == [t.pk for t in page.open_tasks]
    # the page's further sections are there; a card says it did not read them (None, not "none")
    assert card.decisions is None and card.threads is None and card.notes is None
    assert [d.pk for d in page.decisions if d.status == "sent"][0] == current.pk
    assert len(page.notes) == selectors.NOTES_FIRST and page.notes_more and page.draft is not None
