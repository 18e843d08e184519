"""schemathesis over every operation of the JSON API (its OpenAPI document), logged in as a
counsellor with a caseload and as a client (Min side), on a seeded demo world: no answer is a
server error, every status an operation returns is documented for it, and every answer matches
its documented schema and content type.

Bounded in time: a fixed number of generated requests per operation (``EXAMPLES``), so the whole
run takes about a minute on a quiet machine. It runs once, in the SQLite pass (marker ``schema``;
scripts/test.sh leaves it out of the PostgreSQL pass, like the browser journeys)."""

from __future__ import annotations

import os
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings

pytestmark = [pytest.mark.schema]

EXAMPLES = int(os.environ.get("SKREDDERSY_SCHEMA_EXAMPLES", "12"))


@pytest.fixture
def world(db):
    call_command(
        "seed",
        "--scale",
        "demo",
        "--seed",
        "2",
        "--clients",
        "80",
        "--no-progress",
        stdout=StringIO(),
        stderr=StringIO(),
    )
    from skreddersy.core.models import StaffMember

    counsellor = StaffMember.objects.filter(roles__role="counsellor", caseload__isnull=False).distinct().first().user
    client = apps.get_model("clients.Client").objects.filter(user__isnull=False).first().user
    return {"counsellor": counsellor, "client": client}


def _session(user) -> tuple[dict[str, str], dict[str, str]]:
    """The cookies and CSRF header a logged-in browser sends (the API uses Django's session)."""
    from django.middleware.csrf import _get_new_csrf_string

    http = HttpClient()
    http.force_login(user)
    csrf = _get_new_csrf_string()
    return {"sessionid": http.cookies["sessionid"].value, "csrftoken": csrf}, {"X-CSRFToken": csrf}


def _schema():
    import schemathesis
    from django.core.wsgi import get_wsgi_application

    from skreddersy.api import api

    schema = schemathesis.openapi.from_dict(api.get_openapi_schema())
    return schema, get_wsgi_application()


def _checks():
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    return [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.mark.parametrize("who", ["counsellor", "client"])
def test_every_api_operation_conforms_to_its_schema(world, who):
    schema, app = _schema()
    cookies, headers = _session(world[who])
    checks = _checks()
    failures: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def run(case):
            response = case.call(app=app, headers=headers, cookies=cookies)
            case.validate_response(response, checks=checks)

        try:
            run()
        except (
            Exception,
            BaseExceptionGroup,
        ) as exc:  # collect every operation's failure, then fail once with all of them
            failures.append(f"{operation.method.upper()} {operation.path}: {type(exc).__name__}: {str(exc)[:1500]}")
    assert operations >= 40
    assert not failures, "\n\n".join(failures)
