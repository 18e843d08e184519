"""The administrators' audit log page: every entry about a client (one-client entries and page
views that listed it), newest first, paged without counting the whole trail; others are refused."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.core import audit
from skreddersy.core.models import AuditEntry
from tests import factories as f


@pytest.fixture
def world(db):
    office = f.office(f.county("53"))
    counsellor = f.staff("counsellor", offices=[office])
    admin = f.staff("administrator")
    audit.record(counsellor.user, 7001, audit.READ, "personkort", why="alene")
    audit.record_reads(counsellor.user, [7001, 7002, 7003], "oversikt", why="liste")
    audit.record(counsellor.user, 7002, audit.READ, "personkort", why="en annen")
    return {"counsellor": counsellor, "admin": admin}


def _get(user, **params):
    http = HttpClient()
    http.force_login(user)
    return http.get(reverse("audit_log"), params)


def test_filter_by_client_finds_single_and_list_entries(world):
    html = _get(world["admin"].user, bruker="7001").content.decode()
    assert "alene" in html and "liste" in html and "en annen" not in html


def test_unfiltered_log_pages_newest_first(world):
    for i in range(105):
        audit.record(world["counsellor"].user, 8000 + i, audit.READ, "personkort", why=f"nr{i}.")
    first = _get(world["admin"].user).content.decode()
    second = _get(world["admin"].user, side="2").content.decode()
    assert "nr104." in first and "nr5." in first and "nr4." not in first
    assert "nr4." in second and "nr0." in second and "alene" in second and "nr5." not in second


def test_bad_client_id_is_a_message_not_an_error(world):
    resp = _get(world["admin"].user, bruker="x" * 30)
    assert resp.status_code == 200
    assert _get(world["admin"].user, bruker="9" * 40).status_code == 200


def test_others_are_refused_and_audited(world):
    user = world["counsellor"].user
    assert _get(user).status_code == 403
    assert AuditEntry.objects.filter(actor=user, action="denied").exists()
