"""No input makes a 500: an attacker's values (ids and page numbers beyond 64 bits, negative, zero,
not numbers, ``null`` in JSON) in every id position of every page and API route and in every query
parameter a page reads. Generic: routes come from the URL configuration and the OpenAPI document,
query parameter names from the views' source and forms, so new ones are covered as they come."""

from __future__ import annotations

import ast
import inspect
import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django import forms as django_forms
from django.apps import apps
from django.core.management import call_command
from django.test import Client as HttpClient

from skreddersy.core.models import StaffMember
from tests.core.test_hidden_ids import _example, _routes

HOSTILE = ["99999999999999999999999", "9223372036854775808", "-9223372036854775809", "-1", "0", "abc", "1e400", ""]
PACKAGE = Path(__file__).resolve().parents[2] / "skreddersy"


def _query_names() -> set[str]:
    """Every query or form field name a view reads: request.GET/POST[...] literals and form fields."""
    names: set[str] = set()
    for path in (
        list(PACKAGE.glob("*/views.py")) + list(PACKAGE.glob("*/views/*.py")) + list(PACKAGE.glob("*/*/views.py"))
    ):
        tree = ast.parse(path.read_text())
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr in ("get", "getlist")
            ):
                target = node.func.value
                if (
                    isinstance(target, ast.Attribute)
                    and target.attr in ("GET", "POST")
                    and node.args
                    and isinstance(node.args[0], ast.Constant)
                    and isinstance(node.args[0].value, str)
                ):
                    names.add(node.args[0].value)
            if (
                isinstance(node, ast.Subscript)
                and isinstance(node.value, ast.Attribute)
                and node.value.attr in ("GET", "POST")
                and isinstance(node.slice, ast.Constant)
                and isinstance(node.slice.value, str)
            ):
                names.add(node.slice.value)
    for cfg in apps.get_app_configs():
        if not cfg.name.startswith("skreddersy"):
            continue
        try:
            mod = __import__(f"{cfg.name}.forms", fromlist=["x"])
        except ModuleNotFoundError:
            continue
        for _, cls in inspect.getmembers(mod, inspect.isclass):
            if issubclass(cls, django_forms.BaseForm) and cls.__module__ == mod.__name__:
                names.update(getattr(cls, "base_fields", {}))
    return names


@pytest.fixture
def actors(db):
    call_command(
        "seed",
        "--scale",
        "demo",
        "--seed",
        "4",
        "--clients",
        "120",
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    counsellor = StaffMember.objects.filter(roles__role="counsellor", caseload__isnull=False).distinct().first()
    leader = StaffMember.objects.filter(roles__role="office_leader").first()
    client = apps.get_model("clients.Client").objects.filter(user__isnull=False).first()
    return {"counsellor": counsellor.user, "leader": leader.user, "client": client.user}


def _http(user) -> HttpClient:
    http = HttpClient(raise_request_exception=False)
    http.force_login(user)
    return http


def _fill(route: str, value: str) -> str:
    words = {"action": "send", "fmt": "csv", "key": "x", "token": "x"}
    return "/" + re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: words.get(m.group(2), value), route)


@pytest.mark.parametrize("who", ["counsellor", "leader", "client"])
def test_hostile_ids_in_every_page_route(actors, who):
    http = _http(actors[who])
    errors = []
    for route in _routes():
        for value in ("99999999999999999999999", "9223372036854775808"):
            url = _fill(route, value)
            for method in ("get", "post"):
                resp = getattr(http, method)(url)
                if resp.status_code >= 500:
                    errors.append(f"{method.upper()} {url}: {resp.status_code}")
    assert not errors, "\n".join(errors)


# The lists with filters and pages: every parameter name alone on these.
LISTS = [
    "/oversikt/",
    "/oppgaver/",
    "/tiltak/",
    "/tiltak/tildeling/",
    "/arbeid/arbeidsgivere/",
    "/arbeid/jobbspesialist/",
    "/tilgangslogg/",
    "/min-side/innsyn/",
    "/api/v1/overview",
    "/api/v1/tasks",
    "/api/v1/tiltak/tilbud",
    "/api/v1/arbeid/arbeidsgivere",
    "/api/v1/arbeid/kandidater",
]


def _plain_routes() -> list[str]:
    from django.urls import URLPattern, URLResolver, get_resolver

    out = []

    def walk(patterns, prefix=""):
        for p in patterns:
            if isinstance(p, URLResolver):
                walk(p.url_patterns, prefix + str(p.pattern))
            elif isinstance(p, URLPattern):
                route = prefix + str(p.pattern)
                if "<" not in route and not route.startswith("admin/") and route not in ("logg-ut/", "i18n/setlang/"):
                    out.append("/" + route)

    walk(get_resolver().url_patterns)
    return sorted(set(out))


@pytest.mark.parametrize("who", ["counsellor", "leader", "client"])
def test_hostile_query_parameters(actors, who):
    """Every query parameter name any view reads, all set to each hostile value, on every page and
    API list; and on the lists each name alone with the largest value, so one parameter's refusal
    cannot hide another's crash."""
    http = _http(actors[who])
    names = sorted(_query_names() | {"page", "side", "page_size", "limit", "offset"})
    errors = []
    for url in _plain_routes():
        for value in HOSTILE:
            resp = http.get(url, {n: value for n in names})
            if resp.status_code >= 500:
                errors.append(f"GET {url} all={value!r}: {resp.status_code}")
    for url in LISTS:
        for name in names:
            resp = http.get(url, {name: HOSTILE[0]})
            if resp.status_code >= 500:
                errors.append(f"GET {url} {name}={HOSTILE[0]}: {resp.status_code}")
    assert not errors, "\n".join(errors)


def _nulls(example):
    """Each required property of a JSON body in turn set to null, then all of them."""
    if not isinstance(example, dict) or not example:
        return [None]
    return [{**example, k: None} for k in example] + [dict.fromkeys(example)]


@pytest.mark.parametrize("who", ["counsellor", "client"])
def test_hostile_api_bodies_and_ids(actors, who):
    """Every API operation: ids beyond 64 bits in the path, and ``null`` or huge numbers in each
    field of the body, answer 4xx with a code and a message (never 500)."""
    http = _http(actors[who])
    errors = []
    for path, method, op, schema in _api_operations_all():
        components = schema.get("components", {}).get("schemas", {})
        body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        example = _example(body, components) if body is not None else None
        props = _props(body, components) if body is not None else {}
        bodies = _nulls(example) if body is not None else [None]
        bodies += [{**(example or {}), k: None} for k in props]  # optional fields too (PATCH)
        bodies += [{**(example or {}), k: 10**30} for k in props]
        for value in ("1", "99999999999999999999999", "-9223372036854775809"):
            url = re.sub(r"{(\w+)}", value, path)
            for b in bodies:
                kwargs = {"data": json.dumps(b), "content_type": "application/json"} if body is not None else {}
                resp = getattr(http, method)(url, **kwargs)
                if resp.status_code >= 500:
                    errors.append(f"{method.upper()} {url} {json.dumps(b)[:120]}: {resp.status_code}")
                elif resp.status_code >= 400 and resp["Content-Type"].startswith("application/json"):
                    data = resp.json()
                    if not {"code", "message"} <= set(data):
                        errors.append(f"{method.upper()} {url}: {resp.status_code} without code and message: {data}")
    assert not errors, "\n".join(errors[:40])


def _props(schema, components):
    if "$ref" in schema:
        return _props(components[schema["$ref"].rsplit("/", 1)[1]], components)
    return schema.get("properties", {}) if schema.get("type") == "object" else {}


def _api_operations_all():
    from skreddersy.api import api

    schema = api.get_openapi_schema()
    for path, ops in schema["paths"].items():
        for method, op in ops.items():
            yield path, method, op, schema
