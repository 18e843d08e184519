"""Headers on every answer with personal data: no-store (no browser or proxy keeps it), a
Content-Security-Policy without inline script or eval; HSTS and secure cookies outside the local
demo; and /helse/ says 503 when the database does not answer."""

from __future__ import annotations

from unittest import mock

import pytest
from django.db import OperationalError

from tests import factories as f


@pytest.fixture
def http(client, db):
    user = f.staff("counsellor", offices=[f.office(f.county("12"))]).user
    client.force_login(user)
    return client


@pytest.mark.parametrize(
    "path",
    [
        "/oversikt/",
        "/oppgaver/",
        "/api/v1/overview",
        "/api/v1/tasks",
        "/logg-inn/",
        "/bruker/999999/",
        "/api/v1/clients/999999",
        "/helse/",
    ],
)
def test_every_page_and_api_answer_is_no_store_with_the_policy(http, path):
    resp = http.get(path)
    assert "no-store" in resp["Cache-Control"] and "private" in resp["Cache-Control"], path
    policy = dict(part.strip().split(" ", 1) for part in resp["Content-Security-Policy"].split(";"))
    assert policy["script-src"] == "'self'"  # no 'unsafe-inline', no 'unsafe-eval'
    assert policy["frame-ancestors"] == "'none'" and policy["object-src"] == "'none'"


def test_static_files_stay_cacheable(http):
    resp = http.get("/static/skreddersy/app.js")
    resp.close()
    assert resp.status_code == 200 and "no-store" not in resp.get("Cache-Control", "")


def test_no_template_has_inline_script_or_event_handlers():
    """What the policy would block: inline <script> bodies and on...= attributes, in every template."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in list((root / "templates").rglob("*.html")) + list((root / "skreddersy").rglob("templates/**/*.html")):
        text = path.read_text()
        for m in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>", text):
            if 'type="application/json"' not in m.group(0):
                offenders.append(f"{path.relative_to(root)}: {m.group(0)}")
        offenders += [f"{path.relative_to(root)}: {m.group(0)}" for m in re.finditer(r"\son[a-z]+=\"", text)]
        offenders += [f"{path.relative_to(root)}: {m.group(0)}" for m in re.finditer(r"\shx-on[:-]", text)]
    assert not offenders, offenders


def test_hsts_and_secure_cookies_outside_the_local_demo(http, settings):
    assert settings.SESSION_COOKIE_SECURE and settings.CSRF_COOKIE_SECURE
    assert settings.SECURE_HSTS_SECONDS >= 365 * 24 * 60 * 60
    resp = http.get("/oversikt/", secure=True)
    assert resp["Strict-Transport-Security"].startswith("max-age=31536000")


def test_health_answers_ok_when_the_database_does(client, db):
    resp = client.get("/helse/")
    assert resp.status_code == 200 and resp.json() == {"status": "ok"}


@pytest.mark.parametrize("where", ["cursor", "ensure_connection"])
def test_health_answers_503_when_the_database_does_not(client, db, where):
    """The database refuses the query, or cannot be reached at all (the connection fails)."""
    with mock.patch(f"django.db.backends.base.base.BaseDatabaseWrapper.{where}", side_effect=OperationalError("down")):
        resp = client.get("/helse/")
    assert resp.status_code == 503 and resp.json()["status"] == "unavailable"
