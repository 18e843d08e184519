"""Access to every workbench page and Min side, for every kind of actor: nobody logged in, a client
user (another client), a counsellor at another office and an analyst are denied; the client's own
counsellor is allowed. Denied attempts on a client's record leave an audit entry."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.core.models import AuditEntry
from skreddersy.followup import services
from skreddersy.followup.models import Message, Task
from tests import factories as f


@pytest.fixture
def case(db):
    county = f.county("50")
    a, b = f.office(county), f.office(county)
    own = f.staff("counsellor", offices=[a])
    other = f.staff("counsellor", "team_leader", "second_approver", offices=[b])
    analyst = f.staff("analyst", offices=[a])
    target = f.client(a, own, login=True)
    someone = f.client(a, own, login=True)
    act = services.add_activity(user=own.user, client=target, title="Kurs", type="course")
    thread = services.start_thread(user=target.user, client=target, subject="Hei", body="Når får jeg pengene?")
    msg = Message.objects.get(thread=thread)
    task = Task.objects.get(client=target, status="open")
    draft = services.draft_decision(user=own.user, client=target, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    return {
        "users": {"anonymous": None, "client": someone.user, "other_office": other.user, "analyst": analyst.user,
                  "own": own.user},
        "target": target, "activity": act, "thread": thread, "message": msg, "task": task, "draft": draft,
    }


PAGES = [
    ("person", "get", lambda c: reverse("person", args=[c["target"].pk]), {}),
    ("journal", "get", lambda c: reverse("person_journal", args=[c["target"].pk]), {"HTTP_HX_REQUEST": "true"}),
    ("decision_new", "get", lambda c: reverse("decision_new", args=[c["target"].pk]), {}),
    ("assessment_new", "get", lambda c: reverse("assessment_new", args=[c["target"].pk]), {}),
    ("mapping_edit", "get", lambda c: reverse("mapping_edit", args=[c["target"].pk]), {}),
    ("activity_new", "get", lambda c: reverse("activity_new", args=[c["target"].pk]), {}),
    ("contact_new", "get", lambda c: reverse("contact_new", args=[c["target"].pk]), {}),
    ("thread_new", "get", lambda c: reverse("thread_new", args=[c["target"].pk]), {}),
    ("export", "get", lambda c: reverse("export_case", args=[c["target"].pk]), {}),
    ("decision_detail", "get", lambda c: reverse("decision_detail", args=[c["draft"].pk]), {}),
    ("activity_edit", "get", lambda c: reverse("activity_edit", args=[c["activity"].pk]), {}),
    ("thread_reply", "post", lambda c: reverse("thread_reply", args=[c["thread"].pk]), {"body": "Svar"}),
    ("thread_no_reply", "post", lambda c: reverse("thread_no_reply", args=[c["thread"].pk]), {}),
    ("message_route", "post", lambda c: reverse("message_route", args=[c["message"].pk]), {"route": "benefit"}),
    ("task_done", "post", lambda c: reverse("task_done", args=[c["task"].pk]), {}),
    ("decision_send", "post", lambda c: reverse("decision_action", args=[c["draft"].pk, "send"]), {}),
    ("decision_discard", "post", lambda c: reverse("decision_action", args=[c["draft"].pk, "discard"]), {}),
]
ACTORS = ["anonymous", "client", "other_office", "analyst", "own"]


def _http(user) -> HttpClient:
    http = HttpClient()
    if user is not None:
        http.force_login(user)
    return http


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name,method,url,extra", PAGES, ids=[p[0] for p in PAGES])
def test_page_access(case, actor, name, method, url, extra):
    http = _http(case["users"][actor])
    target = url(case)
    if method == "get":
        resp = http.get(target, **extra)
    else:
        resp = http.post(target, extra)
    if actor == "own":
        assert resp.status_code in (200, 302), (name, resp.status_code)
        if resp.status_code == 302:
            assert "logg-inn" not in resp["Location"]
    elif actor == "anonymous":
        assert resp.status_code == 302 and "logg-inn" in resp["Location"]
    else:
        assert resp.status_code in (403, 404), (name, actor, resp.status_code)
        assert case["target"].name not in resp.content.decode()


@pytest.mark.parametrize("actor", ["client", "analyst", "other_office"])
def test_denied_reads_are_audited(case, actor):
    _http(case["users"][actor]).get(reverse("person", args=[case["target"].pk]))
    if actor == "other_office":  # the policy itself refused: it records the attempt
        assert AuditEntry.objects.filter(client_id=case["target"].pk, action="denied").exists()


@pytest.mark.parametrize("actor", ACTORS)
def test_overview_access(case, actor):
    resp = _http(case["users"][actor]).get(reverse("overview"))
    if actor == "anonymous":
        assert resp.status_code == 302
    elif actor in ("client", "analyst"):
        assert resp.status_code == 403
    else:
        assert resp.status_code == 200
        assert (case["target"].last_name in resp.content.decode()) == (actor == "own")


@pytest.mark.parametrize("actor", ACTORS)
def test_approval_queue_access(case, actor):
    resp = _http(case["users"][actor]).get(reverse("approval_queue"))
    if actor == "anonymous":
        assert resp.status_code == 302
    elif actor == "other_office":  # a second approver, but at another office: sees an empty queue
        assert resp.status_code == 200 and case["target"].last_name not in resp.content.decode()
    else:
        assert resp.status_code == 403


CLIENT_PAGES = [
    ("client_home", "get", lambda c: reverse("client_home"), {}),
    ("client_activity_new", "get", lambda c: reverse("client_activity_new"), {}),
    ("client_message_new", "get", lambda c: reverse("client_message_new"), {}),
    ("client_mapping", "get", lambda c: reverse("client_mapping"), {}),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name,method,url,extra", CLIENT_PAGES, ids=[p[0] for p in CLIENT_PAGES])
def test_min_side_access(case, actor, name, method, url, extra):
    resp = _http(case["users"][actor]).get(url(case))
    if actor == "anonymous":
        assert resp.status_code == 302 and reverse("client_login") in resp["Location"]
    elif actor == "client":
        assert resp.status_code == 200
        assert case["target"].name not in resp.content.decode()  # only their own record
    else:
        assert resp.status_code == 403


@pytest.mark.parametrize("actor", ACTORS)
def test_client_actions_on_someone_elses_record_are_denied(case, actor):
    """Approving or replying on the target's record: only the target client may; everybody else is refused."""
    http = _http(case["users"][actor])
    act, thread = case["activity"], case["thread"]
    r1 = http.post(reverse("client_activity_approve", args=[act.pk]), {"version": act.version})
    r2 = http.post(reverse("client_thread_reply", args=[thread.pk]), {"body": "Hei"})
    for r in (r1, r2):
        assert r.status_code in (302, 403, 404)
        if r.status_code == 302:
            assert actor == "anonymous" and "logg-inn" in r["Location"]
    act.refresh_from_db()
    assert act.client_approved_at is None
    assert thread.messages.count() == 1


def test_target_client_can_act_on_own_record(case):
    http = _http(case["target"].user)
    act = case["activity"]
    assert http.post(reverse("client_activity_approve", args=[act.pk]), {"version": act.version}).status_code == 302
    act.refresh_from_db()
    assert act.client_approved_at is not None
