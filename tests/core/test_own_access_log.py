"""Min side: a client sees who at Nav has seen their record, as office and role, when and why,
denied attempts included; staff names only when an administrator turns them on; nothing about
other clients; the client's own use of Min side left out; the look itself audited."""

from __future__ import annotations

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.core import audit
from skreddersy.core.models import AuditEntry
from tests import factories as f


@pytest.fixture
def world(db):
    county = f.county("52")
    a = f.office(county, name="Grünerløkka")
    b = f.office(county, name="Sagene")
    counsellor = f.staff("counsellor", offices=[a])
    stranger = f.staff("counsellor", offices=[b])
    me = f.client(a, counsellor, login=True)
    other = f.client(a, counsellor, login=True)
    audit.record(counsellor.user, me.pk, audit.READ, "personkort", why="oppfølging")
    audit.record_reads(counsellor.user, [me.pk, other.pk], "oversikt")
    audit.record(stranger.user, me.pk, audit.DENIED, "personkort", why="ingen tilgang")
    audit.record(counsellor.user, other.pk, audit.READ, "personkort", why="bare den andre")
    audit.record(me.user, me.pk, audit.READ, "min side")
    return {"me": me, "other": other, "counsellor": counsellor, "stranger": stranger}


def _get(user, url=None):
    http = HttpClient()
    http.force_login(user)
    return http.get(url or reverse("own_access_log"))


def test_the_client_sees_office_role_when_and_why_without_names(world):
    resp = _get(world["me"].user)
    assert resp.status_code == 200
    html = resp.content.decode()
    assert "Nav Grünerløkka" in html and "Nav Sagene" in html and "Veileder" in html
    assert "oppfølging" in html and "oversikt" in html and "ingen tilgang" in html and "Avvist" in html
    assert world["counsellor"].display_name not in html and world["stranger"].display_name not in html
    assert world["counsellor"].nav_ident not in html and world["counsellor"].user.username not in html
    assert "bare den andre" not in html and "min side" not in html.lower().split("hvem har sett")[-1].split("<table")[1]
    rows = html.split("<tbody")[1].count("<tr")
    assert rows == 3


def test_names_only_when_turned_on(world, settings):
    settings.AUDIT_SHOW_STAFF_NAMES = True
    html = _get(world["me"].user).content.decode()
    assert world["counsellor"].display_name in html and world["stranger"].display_name in html


def test_the_look_is_audited(world):
    before = AuditEntry.objects.filter(actor=world["me"].user, client_id=world["me"].pk, action="read").count()
    _get(world["me"].user)
    assert AuditEntry.objects.filter(actor=world["me"].user, client_id=world["me"].pk, action="read").count() == before + 1


@pytest.mark.parametrize("who", ["counsellor", "stranger"])
def test_staff_are_refused_and_the_attempt_audited(world, who):
    user = world[who].user
    resp = _get(user)
    assert resp.status_code == 403
    assert AuditEntry.objects.filter(actor=user, action="denied").exists()


def test_min_side_links_to_it(world):
    html = _get(world["me"].user, reverse("client_home")).content.decode()
    assert reverse("own_access_log") in html


def test_pages_of_a_long_trail(world):
    for i in range(60):
        audit.record(world["counsellor"].user, world["me"].pk, audit.READ, "personkort", why=f"runde {i}")
    first = _get(world["me"].user).content.decode()
    second = _get(world["me"].user, reverse("own_access_log") + "?side=2").content.decode()
    assert "runde 59" in first and "runde 0<" not in first
    assert "runde 0<" in second and "runde 59" not in second
