"""The follow-up JSON API: shapes, validation with field errors, optimistic locking (409), the
client's own use (approve an activity), CSRF on unsafe methods, and the OpenAPI document."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from skreddersy.core.models import AuditEntry
from skreddersy.followup.models import Activity, Thread
from tests.followup.test_views_pages import login, world  # noqa: F401 (fixture)


def call(http, method, url, body=None):
    kw = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(http, method)(url, **kw)


def test_overview_json_has_rows_counts_and_flags(world):  # noqa: F811
    resp = login(world["counsellor"].user).get("/api/v1/overview", {"sort": "awaiting"})
    assert resp.status_code == 200
    data = resp.json()
    assert data["total"] == 2 and data["pages"] == 1
    first = data["results"][0]
    assert first["client"]["id"] == world["c1"].pk  # awaiting reply sorts first
    assert first["awaiting_reply"] == 1 and first["open_tasks"] == 1 and first["active_requirements"] == 1
    assert "interpreter" in first["flags"] and "under30" in first["flags"]
    assert world["c1"].fnr not in resp.content.decode()


def test_overview_json_rejects_bad_parameters_with_field_errors(world):  # noqa: F811
    http = login(world["counsellor"].user)
    for params, field in (({"sort": "evil"}, "sort"), ({"page": "0"}, "page"), ({"per_page": "100000"}, "per_page"),
                          ({"need_group": "NOPE"}, "need_group"), ({"priority": "x"}, "priority")):
        resp = http.get("/api/v1/overview", params)
        assert resp.status_code == 422, params
        assert field in [d["field"] for d in resp.json()["detail"]]


def test_create_activity_validation_and_success(world):  # noqa: F811
    http = login(world["counsellor"].user)
    url = f"/api/v1/clients/{world['c2'].pk}/activities"
    resp = call(http, "post", url, {"title": "Krav", "type": "course", "is_requirement": True})
    assert resp.status_code == 422
    fields = {d["field"] for d in resp.json()["detail"]}
    assert {"legal_basis", "consequence"} <= fields
    resp = call(http, "post", url, {"title": "x", "type": "course", "start_date": "not a date"})
    assert resp.status_code == 422 and "start_date" in [d["field"] for d in resp.json()["detail"]]
    resp = call(http, "post", url, {"title": "Søke jobber", "type": "job_application", "is_requirement": True,
                                     "legal_basis": "folketrygdloven § 11-7", "consequence": "Pengene kan stanses."})
    assert resp.status_code == 201
    assert resp.json()["status"] == "proposed" and resp.json()["version"] == 1


def test_patch_with_stale_version_is_409_and_writes_nothing(world):  # noqa: F811
    act = world["activity"]
    a, b = login(world["counsellor"].user), login(world["colleague"].user)
    url = f"/api/v1/activities/{act.pk}"
    assert call(a, "patch", url, {"version": act.version, "description": "Første"}).status_code == 200
    resp = call(b, "patch", url, {"version": act.version, "description": "Andre"})
    assert resp.status_code == 409
    assert resp.json()["code"] == "conflict" and resp.json()["detail"][0]["field"] == "version"
    act.refresh_from_db()
    assert act.description == "Første"


def test_client_approves_via_api_but_cannot_set_requirements(world):  # noqa: F811
    c, act = world["c1"], world["activity"]
    http = login(c.user)
    resp = call(http, "post", f"/api/v1/activities/{act.pk}/approve", {"version": act.version})
    assert resp.status_code == 200 and resp.json()["client_approved_at"]
    resp = call(http, "post", f"/api/v1/clients/{c.pk}/activities", {"title": "Mitt", "type": "own", "is_requirement": True,
                                                                     "legal_basis": "x", "consequence": "y"})
    assert resp.status_code == 403
    resp = http.get(f"/api/v1/clients/{c.pk}/tasks")
    assert resp.status_code == 403


def test_messages_reply_and_route(world):  # noqa: F811
    http = login(world["counsellor"].user)
    threads = http.get(f"/api/v1/clients/{world['c1'].pk}/messages").json()
    assert threads[0]["awaiting_nav_reply"] is True
    msg = threads[0]["messages"][0]
    assert msg["suggested_route"] in ("followup", "benefit", "municipal")
    assert call(http, "put", f"/api/v1/messages/{msg['id']}/route", {"route": "x"}).status_code == 422
    assert call(http, "put", f"/api/v1/messages/{msg['id']}/route", {"route": "municipal"}).json()["route"] == "municipal"
    # routed to the municipal services it is the municipality's (decision 0044): the state-employed
    # counsellor, without the client's consent, no longer finds it
    assert call(http, "put", f"/api/v1/messages/{msg['id']}/route", {"route": "followup"}).status_code == 404
    assert call(http, "post", f"/api/v1/threads/{threads[0]['id']}/messages", {"body": ""}).status_code == 422
    assert call(http, "post", f"/api/v1/threads/{threads[0]['id']}/messages", {"body": "Tirsdag."}).status_code == 201
    assert not Thread.objects.get(pk=threads[0]["id"]).awaiting_nav_reply


def test_decision_flow_via_api(world):  # noqa: F811
    http = login(world["counsellor"].user)
    c = world["c2"]
    resp = call(http, "post", f"/api/v1/clients/{c.pk}/decisions", {"need_group": "SITUASJONSBESTEMT_INNSATS",
                                                                     "main_goal": "SKAFFE_ARBEID"})
    assert resp.status_code == 201
    d = resp.json()
    resp = call(http, "post", f"/api/v1/decisions/{d['id']}/submit", {"version": d["version"]})
    assert resp.status_code == 422 and "justification" in [x["field"] for x in resp.json()["detail"]]
    resp = call(http, "patch", f"/api/v1/decisions/{d['id']}", {"version": d["version"], "need_group": "SITUASJONSBESTEMT_INNSATS",
                                                                "main_goal": "SKAFFE_ARBEID", "justification": "Trenger veiledning."})
    assert resp.status_code == 200
    resp = call(http, "post", f"/api/v1/decisions/{d['id']}/submit", {"version": resp.json()["version"]})
    assert resp.status_code == 200 and resp.json()["status"] == "sent"
    person = http.get(f"/api/v1/clients/{c.pk}").json()
    assert person["current_decision"]["need_group"] == "SITUASJONSBESTEMT_INNSATS"


def test_tasks_and_journal(world):  # noqa: F811
    http = login(world["counsellor"].user)
    tasks = http.get(f"/api/v1/clients/{world['c1'].pk}/tasks").json()
    assert len(tasks) == 1
    assert call(http, "post", f"/api/v1/tasks/{tasks[0]['id']}/complete", {}).status_code == 200
    assert call(http, "post", f"/api/v1/tasks/{tasks[0]['id']}/complete", {}).status_code == 409
    j = http.get(f"/api/v1/clients/{world['c1'].pk}/journal", {"kind": "task"}).json()
    assert j and all(e["kind"] == "task" for e in j)
    assert http.get(f"/api/v1/clients/{world['c1'].pk}/journal", {"kind": "nonsense"}).status_code == 422


def test_api_reads_are_audited_like_pages(world):  # noqa: F811
    before = AuditEntry.objects.filter(client_id=world["c1"].pk, action="read").count()
    login(world["counsellor"].user).get(f"/api/v1/clients/{world['c1'].pk}")
    assert AuditEntry.objects.filter(client_id=world["c1"].pk, action="read").count() == before + 1


def test_unsafe_methods_need_csrf_token(world):  # noqa: F811
    http = HttpClient(enforce_csrf_checks=True)
    http.force_login(world["counsellor"].user)
    url = f"/api/v1/clients/{world['c2'].pk}/activities"
    resp = call(http, "post", url, {"title": "Kurs", "type": "course"})
    assert resp.status_code == 403
    assert not Activity.objects.filter(client=world["c2"]).exists()
    http.get("/oversikt/")  # sets the csrftoken cookie
    token = http.cookies["csrftoken"].value
    resp = http.post(url, data=json.dumps({"title": "Kurs", "type": "course"}), content_type="application/json",
                     HTTP_X_CSRFTOKEN=token)
    assert resp.status_code == 201


def test_openapi_documents_the_endpoints(db):
    resp = HttpClient().get("/api/v1/openapi.json")
    assert resp.status_code == 200
    paths = resp.json()["paths"]
    for p in ("/api/v1/overview", "/api/v1/clients/{client_id}", "/api/v1/activities/{activity_id}",
              "/api/v1/clients/{client_id}/messages", "/api/v1/clients/{client_id}/decisions", "/api/v1/tasks/{task_id}/complete"):
        assert p in paths, p


@pytest.mark.parametrize("body", ["{not json", "[]", '{"title": 5}', '{"title": "x", "type": "rocket"}'])
def test_malformed_bodies_are_4xx_json(world, body):  # noqa: F811
    http = login(world["counsellor"].user)
    resp = http.post(f"/api/v1/clients/{world['c2'].pk}/activities", data=body, content_type="application/json")
    assert 400 <= resp.status_code < 500
    assert "detail" in resp.json() or "message" in resp.json()


def test_services_unchanged_by_api_read(world):  # noqa: F811
    """Reading the plan changes nothing (no version bump, no journal line)."""
    act = world["activity"]
    n = act.client.journal.count()
    login(world["counsellor"].user).get(f"/api/v1/clients/{act.client_id}/plan")
    act.refresh_from_db()
    assert act.version == 1 and act.client.journal.count() == n
