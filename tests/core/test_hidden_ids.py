"""An attacker probing ids: for every route that takes an id (every page and every API operation),
an id the actor may not see answers exactly as an id that does not exist (same status, same body),
so the answers do not tell which records exist; and the refused attempt is still audited.

The route list is read from the URL configuration and the OpenAPI document, so a new route is
covered without being listed here; a new kind of id fails the test until ``PARAMS`` says which
records it names (or ``ROLE_SCOPED`` says why it is not client data)."""

from __future__ import annotations

import json
import re
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client as HttpClient
from django.urls import URLPattern, URLResolver, get_resolver

from skreddersy.core.models import AuditEntry, StaffMember
from skreddersy.policy import access

# id parameter -> (model, path from it to the client whose record it belongs to)
PARAMS = {
    "client_id": ("clients.Client", "pk"),
    "activity_id": ("followup.Activity", "client_id"),
    "thread_id": ("followup.Thread", "client_id"),
    "message_id": ("followup.Message", "thread__client_id"),
    "decision_id": ("followup.NeedsDecision", "client_id"),
    "task_id": ("followup.Task", "client_id"),
    "notification_id": ("notifications.Notification", "client_id"),
    "referral_id": ("measures.Referral", "client_id"),
    "case_id": ("work.IpsCase", "client_id"),
    "follow_along_id": ("work.FollowAlong", "start__case__client_id"),
    "start_id": ("work.JobStart", "case__client_id"),
    "consent_id": ("work.PresentationConsent", "client_id"),
    "meeting_id": ("followup.Meeting", "client_id"),
    "notice_id": ("followup.AdvanceNotice", "client_id"),
    "need_id": ("followup.LanguageNeed", "client_id"),
    # a counsellor's saved overview filter: private to its owner
    "filter_id": ("followup.SavedFilter", None),
}
# Ids of the organisation, not of anyone's record: offices, counties, teams, the measure catalogue
# and its allocations, the employer register, surveys and their waves. That they exist is no
# secret (Nav's offices and measures are public; a survey round is announced to the whole office),
# so a role that may not use one is told so (403), and these routes are not compared here.
ORGANISATION = {
    "office_id",
    "county_id",
    "team_id",
    "offering_id",
    "employer_id",
    "target_id",
    "allocation_id",
    "wave_id",
    "survey_id",
    # an office's caseload work, answered to its leaders only: handout rules, covers during absence
    # and the queue of registrations to clear up (the id names no one; the record stays at its office)
    "rule_id",
    "cover_id",
    "pending_id",
    # a change of a staff member's access, decided by administrators only (asked before the id is read)
    "grant_id",
    # a calibration round of anonymised vignettes, announced to its offices
    "round_id",
    # a login whose password an administrator sets: refused to everyone else before the id is read
    "user_id",
}
# Not ids: fixed words a route takes beside the id.
WORDS = {"action": "send", "fmt": "csv", "key": None, "token": None}

CSRF = re.compile(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+')


@pytest.fixture
def world(db):
    call_command(
        "seed",
        "--scale",
        "demo",
        "--seed",
        "3",
        "--clients",
        "150",
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    from tests import factories as f

    other_office = f.office(f.county("46"), name="Nav Andre")
    actors = {
        "counsellor_elsewhere": f.staff(
            "counsellor", "second_approver", "team_leader", "job_specialist", offices=[other_office]
        ).user,
        "analyst": StaffMember.objects.filter(roles__role="analyst").first().user,
    }
    someone = apps.get_model("clients.Client").objects.filter(user__isnull=False).first()
    if someone is None:
        someone = f.client(other_office, login=True)
    actors["client"] = someone.user
    # records the demo data may lack: a notification, a colleague's saved filter
    from django.db import transaction

    from skreddersy.followup.models import SavedFilter
    from skreddersy.notifications import outbox

    with transaction.atomic():
        outbox.notify(
            client_id=apps.get_model("clients.Client").objects.exclude(pk=someone.pk).order_by("-pk").first().pk,
            kind="message",
        )
    colleague = StaffMember.objects.filter(roles__role="counsellor").first()
    SavedFilter.objects.create(owner=colleague, name="Mine", params={})
    from skreddersy.work.models import Employer, PresentationConsent

    PresentationConsent.objects.create(
        client=apps.get_model("clients.Client").objects.exclude(pk=someone.pk).first(),
        employer=Employer.objects.first(),
        recorded_by=colleague,
    )
    # a meeting and a formal notice (forhåndsorientering) with a client of the demo office
    import datetime as dt

    from skreddersy.core import clock
    from skreddersy.followup.models import Activity, AdvanceNotice, Meeting

    activity = Activity.objects.exclude(client=someone).order_by("pk").first()
    start = clock.now() + dt.timedelta(days=3)
    Meeting.objects.create(
        client_id=activity.client_id,
        counsellor=colleague,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=1),
        agenda="Plan",
        created_by=colleague.user,
    )
    AdvanceNotice.objects.create(
        activity=activity,
        client_id=activity.client_id,
        basis="aap",
        text="Varsel",
        deadline=clock.today() + dt.timedelta(days=14),
        sent_by=colleague,
    )
    from skreddersy.followup.models import LanguageNeed

    LanguageNeed.objects.create(
        client_id=activity.client_id, subject="activity", object_id=activity.pk, need="interpreter", created_by=colleague
    )
    return actors


def _routes():
    """(route pattern, names of its parameters) for every page route with a parameter."""
    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<" in route and not route.startswith(("admin/", "api/")):
                    out.append(route)

    walk(get_resolver().url_patterns)
    return out


def _api_operations():
    from skreddersy.api import api

    schema = api.get_openapi_schema()
    for path, ops in schema["paths"].items():
        if "{" not in path:
            continue
        for method, op in ops.items():
            yield path, method, op, schema


def _hidden_and_missing(param: str, user) -> tuple[str, str] | None:
    """An id of a record ``user`` may not see, and an id nobody has."""
    if param not in PARAMS:
        raise AssertionError(f"route parameter {param!r}: add it to PARAMS (records) or ORGANISATION")
    label, to_client = PARAMS[param]
    model = apps.get_model(label)
    if to_client is None:  # owned by a staff member
        hidden = model.objects.exclude(owner__user=user).order_by("pk").first()
    else:
        visible = access.visible_clients(user).values("pk")
        hidden = model.objects.exclude(**{f"{to_client}__in": visible}).order_by("pk").first()
    assert hidden is not None, f"the test world has no {label} the actor may not see: add one"
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    return str(hidden.pk), str(last + 100_000)


def _fill(route: str, values: dict[str, str]) -> str:
    def sub(m):
        name = m.group(2)
        return values[name]

    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", sub, route)


def _normalise(body: bytes, *ids: str) -> str:
    text = CSRF.sub(r"\1-", body.decode())
    for i in sorted(ids, key=len, reverse=True):
        text = re.sub(rf"(?<!\d){i}(?!\d)", "<id>", text)
    return text


def _where(a: str, b: str) -> str:
    i = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))
    return f"\n  hidden:  ...{a[max(0, i - 80) : i + 400]!r}\n  missing: ...{b[max(0, i - 80) : i + 400]!r}"


def _compare(user, method, url_hidden, url_missing, ids, **kwargs):
    """Each request from a fresh session, so a message one leaves (Django's messages) shows on neither."""
    answers = []
    for url in (url_hidden, url_missing):
        http = HttpClient()
        http.force_login(user)
        answers.append(getattr(http, method)(url, **kwargs))
    a, b = answers
    return (a.status_code, _normalise(a.content, *ids)), (b.status_code, _normalise(b.content, *ids))


ACTORS = ["counsellor_elsewhere", "client", "analyst"]


@pytest.mark.parametrize("actor", ACTORS)
def test_pages_answer_a_hidden_id_as_a_missing_one(world, actor):
    user = world[actor]
    checked, differ = 0, []
    for route in _routes():
        params = re.findall(r"<(?:(\w+):)?(\w+)>", route)
        names = [n for _, n in params]
        if any(WORDS.get(n, "") is None for n in names):
            continue  # survey tokens and item keys: not ids (tests/insight cover them)
        if any(n in ORGANISATION for n in names):
            continue
        ids = {n: _hidden_and_missing(n, user) for n in names if n not in WORDS}
        hidden = _fill(route, {**WORDS, **{n: v[0] for n, v in ids.items()}})
        missing = _fill(route, {**WORDS, **{n: v[1] for n, v in ids.items()}})
        all_ids = [x for v in ids.values() for x in v]
        for method in ("get", "post"):
            for headers in ({}, {"HTTP_HX_REQUEST": "true"}):
                a, b = _compare(user, method, hidden, missing, all_ids, **headers)
                checked += 1
                if a != b:
                    differ.append(
                        f"{method.upper()} {route} {headers or ''}: hidden {a[0]} vs missing {b[0]}"
                        + ("" if a[0] != b[0] else _where(a[1], b[1]))
                    )
    assert checked > 50
    assert not differ, "\n".join(differ)


def _example(schema: dict, components: dict):
    """A small valid value for a JSON schema (required properties only)."""
    if "$ref" in schema:
        return _example(components[schema["$ref"].rsplit("/", 1)[1]], components)
    for key in ("anyOf", "oneOf", "allOf"):
        if key in schema:
            return _example(schema[key][0], components)
    if "enum" in schema:
        return schema["enum"][0]
    if "default" in schema:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object":
        return {
            k: _example(v, components)
            for k, v in schema.get("properties", {}).items()
            if k in schema.get("required", [])
        }
    if kind == "array":
        return []
    if kind == "integer":
        return max(1, schema.get("minimum", 1))
    if kind == "number":
        return 1
    if kind == "boolean":
        return False
    if schema.get("format") == "date":
        return "2026-01-15"
    return "x"


@pytest.mark.parametrize("actor", ACTORS)
def test_api_answers_a_hidden_id_as_a_missing_one(world, actor):
    user = world[actor]
    checked, differ = 0, []
    for path, method, op, schema in _api_operations():
        components = schema.get("components", {}).get("schemas", {})
        names = re.findall(r"{(\w+)}", path)
        if any(WORDS.get(n, "") is None for n in names):
            continue
        if any(n in ORGANISATION for n in names):
            continue
        ids = {n: _hidden_and_missing(n, user) for n in names}
        kwargs = {}
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        if body is not None:
            kwargs = {"data": json.dumps(_example(body, components)), "content_type": "application/json"}
        hidden = re.sub(r"{(\w+)}", lambda m, ids=ids: ids[m.group(1)][0], path)
        missing = re.sub(r"{(\w+)}", lambda m, ids=ids: ids[m.group(1)][1], path)
        a, b = _compare(user, method, hidden, missing, [x for v in ids.values() for x in v], **kwargs)
        checked += 1
        if a != b:
            differ.append(f"{method.upper()} {path}: hidden {a[0]} {a[1][:200]} vs missing {b[0]} {b[1][:200]}")
    assert checked > 20
    assert not differ, "\n".join(differ)


def test_a_hidden_id_is_audited_as_denied(world):
    user = world["counsellor_elsewhere"]
    client = apps.get_model("clients.Client").objects.exclude(pk__in=access.visible_clients(user).values("pk")).first()
    http = HttpClient()
    http.force_login(user)
    assert http.get(f"/bruker/{client.pk}/").status_code == 404
    assert http.get(f"/api/v1/clients/{client.pk}").status_code == 404
    denied = AuditEntry.objects.filter(actor=user, action="denied", client_id=client.pk)
    assert denied.count() == 2
