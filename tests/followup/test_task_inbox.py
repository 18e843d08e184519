"""Mine oppgaver: every open task across the caseload in one list, overdue first; done and undo
within the session; hand a task to a colleague at the client's office (elsewhere: refused, nothing
written); leaders see the office's inbox by counsellor; tasks made by hand. Audited."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.followup import selectors, services
from skreddersy.followup.models import JournalEntry, Reminder, Task
from tests import factories as f

# a task: (whose client: 0 mine / 1 colleague's / 2 unassigned, owner: 0 me / 1 colleague / 2 none, status, days)
task_st = st.tuples(st.integers(0, 2), st.integers(0, 2), st.sampled_from(list(Task.Status.values)),
                    st.integers(-5, 5), st.sampled_from(list(Task.Kind.values)))


@pytest.mark.django_db
@settings(max_examples=25)
@given(tasks=st.lists(task_st, max_size=12))
def test_the_inbox_is_the_union_of_the_caseloads_open_tasks(tasks):
    with f.rolled_back():
        office = f.office(f.county())
        me, colleague = f.staff("counsellor", offices=[office]), f.staff("counsellor", offices=[office])
        clients = [f.client(office, me), f.client(office, colleague), f.client(office, None)]
        hidden = f.client(f.office(f.county()), me)  # my name on it, but at an office I do not work at
        now = clock.now()
        for who, owner, status, days, kind in tasks:
            for c in (clients[who], hidden):
                Task.objects.create(client=c, owner=(me, colleague, None)[owner], status=status, kind=kind,
                                    title="t", deadline=now + dt.timedelta(days=days, minutes=7))
        inbox = selectors.task_inbox(user=me.user)
        # independently: per client of my caseload, its open tasks that are mine or nobody's (a decision
        # waiting for a second approver is the approvers'), and the open tasks handed to me elsewhere
        want = set()
        for c in clients[:1]:
            want |= {t.pk for t in c.tasks.filter(status="open")
                     if t.owner_id == me.pk or (t.owner_id is None and t.kind != "approve_decision")}
        want |= {t.pk for t in Task.objects.filter(status="open", owner=me, client__office=office)}
        got = [i.task_id for i in inbox.items]
        assert sorted(got) == sorted(want) and len(got) == len(set(got))
        deadlines = [i.deadline for i in inbox.items]
        assert deadlines == sorted(deadlines)  # overdue first, then by deadline
        overdue = [i.overdue for i in inbox.items]
        assert overdue == sorted(overdue, reverse=True)


@pytest.fixture
def team(db):
    office = f.office(f.county())
    me = f.staff("counsellor", offices=[office])
    colleague = f.staff("counsellor", offices=[office])
    stranger = f.staff("counsellor", offices=[f.office(f.county())])
    c = f.client(office, me)
    http = HttpClient()
    http.force_login(me.user)
    return {"office": office, "me": me, "colleague": colleague, "stranger": stranger, "client": c, "http": http}


def test_page_lists_tasks_and_reminders_overdue_first(team):
    me, c, http = team["me"], team["client"], team["http"]
    now = clock.now()
    later = services.create_task(user=me.user, client=c, title="Følg opp kurs", deadline=now + dt.timedelta(days=3))
    late = services.create_task(user=me.user, client=c, title="Svar på melding", deadline=now - dt.timedelta(days=1))
    services.set_reminder(user=me.user, client=c, note="Husk CV", deadline=clock.today() + dt.timedelta(days=1))
    html = http.get(reverse("task_inbox")).content.decode()
    assert html.index("Svar på melding") < html.index("Husk CV") < html.index("Følg opp kurs")
    assert "frist passert" in html
    items = http.get("/api/v1/tasks").json()
    assert [i["task_id"] for i in items] == [late.pk, None, later.pk]
    assert items[0]["overdue"] and items[1]["kind"] == "reminder"
    # the reminder is mine alone
    other = HttpClient()
    other.force_login(team["colleague"].user)
    assert other.get("/api/v1/tasks").json() == []


def test_done_and_undo_within_the_session(team):
    me, c, http = team["me"], team["client"], team["http"]
    t = services.create_task(user=me.user, client=c, title="Ring", deadline=clock.now() + dt.timedelta(days=1))
    resp = http.post(reverse("task_done", args=[t.pk]), {"next": "inbox"})
    assert resp.status_code == 302 and resp["Location"] == reverse("task_inbox")
    assert Task.objects.get(pk=t.pk).status == "done"
    assert reverse("task_undo", args=[t.pk]) in http.get(reverse("task_inbox")).content.decode()
    # another session (the same person logged in elsewhere) cannot undo it
    other = HttpClient()
    other.force_login(me.user)
    other.post(reverse("task_undo", args=[t.pk]))
    assert other.post(f"/api/v1/tasks/{t.pk}/reopen").status_code == 409
    assert Task.objects.get(pk=t.pk).status == "done"
    http.post(reverse("task_undo", args=[t.pk]))
    t.refresh_from_db()
    assert (t.status, t.done_at) == ("open", None)
    assert JournalEntry.objects.filter(client=c, summary__startswith="Oppgave åpnet igjen").count() == 1
    # the API: complete then reopen in the same session
    assert http.post(f"/api/v1/tasks/{t.pk}/complete").status_code == 200
    assert http.post(f"/api/v1/tasks/{t.pk}/reopen").json()["status"] == "open"


def test_reassign_to_a_colleague_at_the_office_with_a_note(team):
    me, c, http = team["me"], team["client"], team["http"]
    t = services.create_task(user=me.user, client=c, title="Ring", deadline=clock.now() + dt.timedelta(days=1))
    resp = http.post(f"/api/v1/tasks/{t.pk}/reassign", {"to": team["colleague"].pk, "note": "Du kjenner saken"},
                     content_type="application/json")
    assert resp.status_code == 200 and resp.json()["owner"] == team["colleague"].display_name
    t.refresh_from_db()
    assert (t.owner_id, t.note) == (team["colleague"].pk, "Du kjenner saken")
    assert t.pk not in [i.task_id for i in selectors.task_inbox(user=me.user).items]
    theirs = selectors.task_inbox(user=team["colleague"].user).items
    assert [(i.task_id, i.note) for i in theirs] == [(t.pk, "Du kjenner saken")]


def test_reassign_outside_the_office_is_refused_and_writes_nothing(team):
    me, c, http = team["me"], team["client"], team["http"]
    t = services.create_task(user=me.user, client=c, title="Ring", deadline=clock.now() + dt.timedelta(days=1))
    journal_before = JournalEntry.objects.count()
    resp = http.post(f"/api/v1/tasks/{t.pk}/reassign", {"to": team["stranger"].pk, "note": "Ta denne"},
                     content_type="application/json")
    assert resp.status_code == 422
    assert resp.json()["detail"] == [{"field": "to", "reason": "Oppgaven kan bare overføres til en kollega ved brukerens oppfølgingskontor."}]
    resp = http.post(reverse("task_reassign", args=[t.pk]), {"to": team["stranger"].pk, "note": "x"}, follow=True)
    assert "bare overføres til en kollega" in resp.content.decode()
    t.refresh_from_db()
    assert (t.owner_id, t.note) == (me.pk, "") and JournalEntry.objects.count() == journal_before
    with pytest.raises(InvalidInput):
        services.reassign_task(user=me.user, task=t, to=999999)


def test_leader_sees_the_office_inbox_by_counsellor(team):
    me, colleague, c = team["me"], team["colleague"], team["client"]
    leader = f.staff("team_leader", "counsellor", offices=[team["office"]])
    now = clock.now()
    services.create_task(user=me.user, client=c, title="Min", deadline=now + dt.timedelta(days=1))
    services.create_task(user=colleague.user, client=f.client(team["office"], colleague), title="Kollegas",
                         deadline=now + dt.timedelta(days=2))
    services.create_task(user=team["stranger"].user, client=f.client(team["stranger"].offices.first(), team["stranger"]),
                         title="Annet kontor", deadline=now)
    inbox = selectors.task_inbox(user=leader.user, scope="office")
    assert {name: [i.title for i in items] for name, items in inbox.groups} == {
        me.display_name: ["Min"], colleague.display_name: ["Kollegas"]}
    http = HttpClient()
    http.force_login(leader.user)
    html = http.get(reverse("task_inbox") + "?scope=office").content.decode()
    assert me.display_name in html and colleague.display_name in html and "Annet kontor" not in html
    with pytest.raises(AccessDenied):
        selectors.task_inbox(user=me.user, scope="office")
    assert team["http"].get("/api/v1/tasks", {"scope": "office"}).status_code == 403


def test_a_task_made_by_hand(team):
    me, c, http = team["me"], team["client"], team["http"]
    form = http.get(reverse("task_new")).content.decode()
    assert f'value="{c.pk}"' in form
    deadline = (clock.now() + dt.timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    resp = http.post(reverse("task_new"), {"client": c.pk, "title": "Send kursinfo", "deadline": deadline, "kind": "follow_up"})
    assert resp.status_code == 302
    assert Task.objects.get(title="Send kursinfo").owner_id == me.pk
    resp = http.post("/api/v1/tasks", {"client_id": c.pk, "title": " ", "deadline": deadline}, content_type="application/json")
    assert resp.status_code == 422
    elsewhere = f.client(team["stranger"].offices.first(), None)
    resp = http.post("/api/v1/tasks", {"client_id": elsewhere.pk, "title": "x", "deadline": deadline}, content_type="application/json")
    assert resp.status_code == 404 and not Task.objects.filter(client=elsewhere).exists()  # hidden answers as missing


def test_the_inbox_audits_each_client_shown(team):
    me, c = team["me"], team["client"]
    services.create_task(user=me.user, client=c, title="Ring", deadline=clock.now())
    Reminder.objects.create(client=f.client(team["office"], me), owner=me, note="Husk")
    before = AuditEntry.objects.count()
    inbox = selectors.task_inbox(user=me.user)
    new = list(AuditEntry.objects.order_by("id")[before:])
    # one entry for the page view, holding every client shown (the audit trail's list-read shape)
    assert len(new) == 1
    assert sorted(new[0].client_ids) == sorted({i.client_id for i in inbox.items})
    assert {(e.action, e.what) for e in new} == {(AuditEntry.Action.READ, "oppgaver")}
    with pytest.raises(AccessDenied):
        selectors.task_inbox(user=f.client(team["office"], None, login=True).user)


def test_a_long_inbox_shows_the_most_urgent_first_and_the_rest_on_request(team):
    me, c, http = team["me"], team["client"], team["http"]
    now = clock.now()
    for i in range(105):
        Task.objects.create(client=c, owner=me, title=f"Oppgave nr {i:03d}", deadline=now + dt.timedelta(hours=i))
    html = http.get(reverse("task_inbox")).content.decode()
    assert "105 åpne oppgaver" in html and "Oppgave nr 099" in html and "Oppgave nr 100" not in html
    assert "Vis 5 oppgaver til" in html
    assert "Oppgave nr 104" in http.get(reverse("task_inbox") + "?alle=1").content.decode()
