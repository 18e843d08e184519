"""One request, one access check, one audit entry: a page or API call hands its input to one
selector (to show) or one service (to act), and that call alone asks the access policy about the
client and writes the audit entry. (Before, adding an activity asked the policy three times and
audited twice.) Spies on the policy's client checks and on the audit writes count the calls."""

from __future__ import annotations

from contextlib import ExitStack
from unittest import mock

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.core import audit
from skreddersy.followup import services
from skreddersy.followup.models import Message
from skreddersy.policy import access
from tests import factories as f

CHECKS = ("require_client", "require_nav", "require_client_or_nav", "require_client_self")
GATES = ("require_workbench", "require_min_side")
WRITES = ("record", "record_reads")


@pytest.fixture
def case(db):
    county = f.county("57")
    a = f.office(county)
    counsellor = f.staff("counsellor", offices=[a])
    c = f.client(a, counsellor, login=True)
    act = services.add_activity(user=counsellor.user, client=c, title="Kurs", type="course")
    thread = services.start_thread(user=c.user, client=c, subject="Hei", body="Når er møtet?")
    draft = services.draft_decision(user=counsellor.user, client=c, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID")
    return {"counsellor": counsellor, "client": c, "activity": act, "thread": thread, "draft": draft,
            "message": Message.objects.filter(thread=thread).first()}


def _counted(http, method, url, data=None, **extra):
    spies = {}
    with ExitStack() as stack:
        for name in CHECKS + GATES:
            spies[name] = stack.enter_context(mock.patch.object(access, name, wraps=getattr(access, name)))
        for name in WRITES:
            spies[name] = stack.enter_context(mock.patch.object(audit, name, wraps=getattr(audit, name)))
        if method == "get":
            resp = http.get(url, **extra)
        elif method == "post":
            resp = http.post(url, data or {}, **extra)
        else:  # JSON with the CSRF token, as the API's clients send it
            http.get("/api/v1/openapi.json")
            resp = http.post(url, data or {}, content_type="application/json", **extra)
    checks = sum(spies[n].call_count for n in CHECKS)
    gates = sum(spies[n].call_count for n in GATES)
    writes = sum(spies[n].call_count for n in WRITES)
    return resp, checks, gates, writes


def _login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


STAFF_REQUESTS = [
    ("person page", "get", lambda c: reverse("person", args=[c["client"].pk]), None, {}),
    ("journal partial", "get", lambda c: reverse("person_journal", args=[c["client"].pk]), None, {"HTTP_HX_REQUEST": "true"}),
    ("activity form", "get", lambda c: reverse("activity_new", args=[c["client"].pk]), None, {}),
    ("add activity", "post", lambda c: reverse("activity_new", args=[c["client"].pk]),
     {"title": "Søke jobb", "type": "job_application", "status": "proposed"}, {}),
    ("edit activity form", "get", lambda c: reverse("activity_edit", args=[c["activity"].pk]), None, {}),
    ("decision page", "get", lambda c: reverse("decision_detail", args=[c["draft"].pk]), None, {}),
    ("new decision form (to the draft)", "get", lambda c: reverse("decision_new", args=[c["client"].pk]), None, {}),
    ("send decision", "post", lambda c: reverse("decision_action", args=[c["draft"].pk, "send"]), None, {}),
    ("reply", "post", lambda c: reverse("thread_reply", args=[c["thread"].pk]), {"body": "Tirsdag."}, {}),
    ("no reply needed", "post", lambda c: reverse("thread_no_reply", args=[c["thread"].pk]), None, {}),
    ("route", "post", lambda c: reverse("message_route", args=[c["message"].pk]), {"route": "benefit"}, {}),
    ("contact note", "post", lambda c: reverse("contact_new", args=[c["client"].pk]),
     {"channel": "phone", "summary": "Ringte."}, {}),
    ("mapping form", "get", lambda c: reverse("mapping_edit", args=[c["client"].pk]), None, {}),
    ("export", "get", lambda c: reverse("export_case", args=[c["client"].pk]), None, {}),
    ("api person", "get", lambda c: f"/api/v1/clients/{c['client'].pk}", None, {}),
    ("api add activity", "json", lambda c: f"/api/v1/clients/{c['client'].pk}/activities", {"title": "X", "type": "own"}, {}),
    ("api reply", "json", lambda c: f"/api/v1/threads/{c['thread'].pk}/messages", {"body": "Hei"}, {}),
]


@pytest.mark.parametrize("name,method,url,data,extra", STAFF_REQUESTS, ids=[r[0] for r in STAFF_REQUESTS])
def test_counsellor_request_checks_access_and_audits_once(case, name, method, url, data, extra):
    http = _login(case["counsellor"].user)
    if method == "json":
        http = HttpClient(enforce_csrf_checks=False)
        http.force_login(case["counsellor"].user)
    resp, checks, gates, writes = _counted(http, method, url(case), data, **extra)
    assert resp.status_code in (200, 201, 302), (name, resp.status_code)
    assert checks == 1, name
    assert writes == 1, name
    assert gates <= 1, name  # the workbench's gate: is this a staff login (the API has none)


CLIENT_REQUESTS = [
    ("min side", "get", lambda c: reverse("client_home"), None),
    ("own activity", "post", lambda c: reverse("client_activity_new"), {"title": "Mitt mål", "type": "own"}),
    ("approve", "post", lambda c: reverse("client_activity_approve", args=[c["activity"].pk]), {"version": "1"}),
    ("write", "post", lambda c: reverse("client_message_new"), {"subject": "Spørsmål", "body": "Hei"}),
    ("mapping form", "get", lambda c: reverse("client_mapping"), None),
]


@pytest.mark.parametrize("name,method,url,data", CLIENT_REQUESTS, ids=[r[0] for r in CLIENT_REQUESTS])
def test_client_request_checks_access_and_audits_once(case, name, method, url, data):
    case["activity"].refresh_from_db()
    if name == "approve":
        data = {"version": str(case["activity"].version)}
    resp, checks, gates, writes = _counted(_login(case["client"].user), method, url(case), data)
    assert resp.status_code in (200, 302), (name, resp.status_code)
    assert (checks, writes, gates) == (1, 1, 1), name


def test_a_refused_request_is_checked_and_audited_once(case):
    """A counsellor at another office: one check, one "denied" entry, and the not-found page (404:
    a client the counsellor may not see answers as one that does not exist)."""
    from skreddersy.core.models import AuditEntry

    other = f.staff("counsellor", offices=[f.office(f.county("58"))])
    before = AuditEntry.objects.count()
    resp, checks, _gates, _writes = _counted(_login(other.user), "post", reverse("activity_new", args=[case["client"].pk]),
                                             {"title": "X", "type": "own", "status": "proposed"})
    assert resp.status_code == 404
    assert checks == 1
    # (the policy's own "denied" row is written inside the refused write's transaction and rolled
    # back with it; audited_write then records the refusal once, outside it)
    assert list(AuditEntry.objects.order_by("id").values_list("action", "actor_id", "client_id"))[before:] == [
        ("denied", other.user.pk, case["client"].pk)]
