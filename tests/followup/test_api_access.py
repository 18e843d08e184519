"""Every follow-up API endpoint under the access policy: nobody logged in gets 401; a client user
(another client), a counsellor at another office and an analyst are refused (403/404, JSON); the
client's own counsellor is allowed."""

from __future__ import annotations

import json

import pytest

from tests.followup.test_views_access import ACTORS, _http, case  # noqa: F401 (fixture)

ENDPOINTS = [
    ("overview", "get", lambda c: "/api/v1/overview", None),
    ("person", "get", lambda c: f"/api/v1/clients/{c['target'].pk}", None),
    ("journal", "get", lambda c: f"/api/v1/clients/{c['target'].pk}/journal", None),
    ("plan", "get", lambda c: f"/api/v1/clients/{c['target'].pk}/plan", None),
    ("messages", "get", lambda c: f"/api/v1/clients/{c['target'].pk}/messages", None),
    ("decisions", "get", lambda c: f"/api/v1/clients/{c['target'].pk}/decisions", None),
    ("tasks", "get", lambda c: f"/api/v1/clients/{c['target'].pk}/tasks", None),
    ("activity", "get", lambda c: f"/api/v1/activities/{c['activity'].pk}", None),
    ("activity_create", "post", lambda c: f"/api/v1/clients/{c['target'].pk}/activities", {"title": "Kurs", "type": "course"}),
    ("activity_patch", "patch", lambda c: f"/api/v1/activities/{c['activity'].pk}", lambda c: {"version": c["activity"].version, "title": "Nytt"}),
    ("thread_create", "post", lambda c: f"/api/v1/clients/{c['target'].pk}/threads", {"subject": "Hei", "body": "Hei"}),
    ("reply", "post", lambda c: f"/api/v1/threads/{c['thread'].pk}/messages", {"body": "Svar"}),
    ("no_reply", "post", lambda c: f"/api/v1/threads/{c['thread'].pk}/no-reply-needed", {}),
    ("route", "put", lambda c: f"/api/v1/messages/{c['message'].pk}/route", {"route": "benefit"}),
    ("decision_patch", "patch", lambda c: f"/api/v1/decisions/{c['draft'].pk}",
     lambda c: {"version": c["draft"].version, "need_group": "STANDARD_INNSATS", "main_goal": "BEHOLDE_ARBEID"}),
    ("decision_submit", "post", lambda c: f"/api/v1/decisions/{c['draft'].pk}/submit", lambda c: {"version": c["draft"].version}),
    ("task_complete", "post", lambda c: f"/api/v1/tasks/{c['task'].pk}/complete", {}),
]


@pytest.mark.parametrize("actor", ACTORS)
@pytest.mark.parametrize("name,method,url,body", ENDPOINTS, ids=[e[0] for e in ENDPOINTS])
def test_api_access(case, actor, name, method, url, body):  # noqa: F811
    http = _http(case["users"][actor])
    payload = body(case) if callable(body) else body
    kwargs = {"content_type": "application/json", "data": json.dumps(payload)} if payload is not None else {}
    resp = getattr(http, method)(url(case), **kwargs)
    data = resp.json()
    if actor == "anonymous":
        assert resp.status_code == 401 and data["code"] == "unauthenticated"
    elif actor == "own":
        assert resp.status_code in (200, 201), (name, resp.status_code, data)
        if name == "overview":
            assert case["target"].pk in [r["client"]["id"] for r in data["results"]]
    elif name == "overview" and actor == "other_office":
        assert resp.status_code == 200 and case["target"].pk not in [r["client"]["id"] for r in data["results"]]
    else:
        assert resp.status_code in (403, 404), (name, actor, resp.status_code, data)
        assert {"code", "message", "detail"} <= set(data)
        assert case["target"].last_name not in resp.content.decode()
