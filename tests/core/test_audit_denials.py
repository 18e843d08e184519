"""Every refused request is in the audit trail, whoever makes it and wherever it is refused: for
every URL pattern of the site and every operation of the JSON API, and for principals of every
kind (nobody logged in, a client, a counsellor at another office, an analyst, an administrator,
a leader), a request that is denied (401, 403, a 404 on a known route, or a redirect to a login
page) leaves a ``denied`` entry. A denial the access policy has already recorded gets no second one."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from skreddersy.core.models import AuditEntry
from skreddersy.followup import services
from skreddersy.followup.models import Message, Task
from tests import factories as f

SKIP_PREFIXES = ("admin/", "i18n/", "api/v1/", "static/")
SKIP_NAMES = {"logout", "login", "client_login", "health"}
LOGIN_PATHS = {"/logg-inn/", "/min-side/logg-inn/", "/admin/login/"}


@pytest.fixture
def world(db):
    county = f.county("51")
    a, b = f.office(county), f.office(county)
    own = f.staff("counsellor", offices=[a])
    other = f.staff("counsellor", "team_leader", "second_approver", offices=[b])
    target = f.client(a, own, login=True)
    someone = f.client(a, own, login=True)
    act = services.add_activity(user=own.user, client=target, title="Kurs", type="course")
    thread = services.start_thread(user=target.user, client=target, subject="Hei", body="Hei")
    ids = {
        "client_id": target.pk, "activity_id": act.pk, "thread_id": thread.pk,
        "message_id": Message.objects.filter(thread=thread).first().pk,
        "task_id": Task.objects.filter(client=target).first().pk,
        "decision_id": services.draft_decision(user=own.user, client=target, need_group="STANDARD_INNSATS",
                                               main_goal="SKAFFE_ARBEID").pk,
    }
    principals = {
        "anonymous": None,
        "client": someone.user,
        "other_office": other.user,
        "analyst": f.staff("analyst", offices=[a]).user,
        "administrator": f.staff("administrator").user,
        "leader_elsewhere": f.staff("office_leader", offices=[b]).user,
    }
    return {"ids": ids, "principals": principals, "target": target}


def _routes(resolvers=None, prefix=""):
    for p in resolvers if resolvers is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern), p.name


def _fill(route: str, ids: dict) -> str | None:
    if route.startswith("^") or "(?P" in route:
        return None

    def value(m):
        conv, name = m.group(1) or "str", m.group(2)
        if conv == "int":
            return str(ids.get(name, 1))
        return "x"

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", value, route)


def _page_urls(ids):
    out = []
    for route, name in _routes():
        if route.startswith(SKIP_PREFIXES) or name in SKIP_NAMES:
            continue
        url = _fill(route, ids)
        if url:
            out.append(url)
    return sorted(set(out)) + ["/admin/", "/admin/core/auditentry/"]


def _api_operations(ids):
    from skreddersy.api import api

    schema = api.get_openapi_schema()
    ops = []
    for path, methods in schema["paths"].items():
        url = re.sub(r"\{(\w+)\}", lambda m: str(ids.get(m.group(1), 1)), path)
        ops.extend((method.upper(), url) for method in methods)
    return ops


def _denied(resp, user) -> bool:
    if resp.status_code in (401, 403):
        return True
    if resp.status_code == 404 and user is not None:
        return True
    if resp.status_code in (301, 302, 303, 307):
        loc = resp.get("Location", "")
        return any(loc.startswith(p) for p in LOGIN_PATHS) and "next=" in loc
    return False


def _http(user):
    http = HttpClient(raise_request_exception=False)
    if user is not None:
        http.force_login(user)
    return http


def _check(world, requests) -> dict:
    """Send each request as each principal; every denial must add a denied entry."""
    counts = {}
    missing = []
    for who, user in world["principals"].items():
        http = _http(user)
        for method, url, kwargs in requests:
            before = AuditEntry.objects.filter(action="denied").count()
            resp = getattr(http, method.lower())(url, **kwargs)
            if resp.status_code >= 500:
                continue  # not a denial (and not this test's subject)
            if _denied(resp, user):
                counts[who] = counts.get(who, 0) + 1
                if AuditEntry.objects.filter(action="denied").count() == before:
                    missing.append((who, method, url, resp.status_code))
    assert missing == []
    return counts


def test_every_page_denial_is_audited(world):
    requests = []
    for url in _page_urls(world["ids"]):
        requests.append(("GET", url, {}))
        requests.append(("POST", url, {"data": {}}))
    counts = _check(world, requests)
    # the class is exercised: every kind of principal was refused somewhere
    assert set(counts) == set(world["principals"]), counts


def test_every_api_denial_is_audited(world):
    requests = [(m, u, {"data": json.dumps({}), "content_type": "application/json"} if m != "GET" else {})
                for m, u in _api_operations(world["ids"])]
    counts = _check(world, requests)
    assert {"anonymous", "client", "other_office", "analyst", "administrator"} <= set(counts), counts


@pytest.mark.parametrize("who", ["client", "analyst", "administrator"])
def test_a_staff_page_denial_names_route_client_and_reason(world, who):
    user = world["principals"][who]
    resp = _http(user).get(reverse("person", args=[world["target"].pk]))
    assert resp.status_code in (403, 404)
    entries = list(AuditEntry.objects.filter(action="denied", actor=user))
    assert len(entries) == 1  # one entry, whichever layer refused
    assert entries[0].client_id == world["target"].pk and entries[0].why


def test_a_policy_denial_is_not_recorded_twice(world):
    user = world["principals"]["other_office"]
    _http(user).get(reverse("person", args=[world["target"].pk]))
    assert AuditEntry.objects.filter(action="denied", actor=user).count() == 1


def test_allowed_requests_leave_no_denial(world):
    own_counsellor = world["target"].counsellor.user
    http = _http(own_counsellor)
    for url in (reverse("overview"), reverse("person", args=[world["target"].pk]), "/api/v1/overview"):
        assert http.get(url).status_code == 200
    assert not AuditEntry.objects.filter(action="denied").exists()
