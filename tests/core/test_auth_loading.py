"""Who is acting: the session and the user behind it are read with plain statements on every
request (skreddersy.policy.auth, access.load_user). The user, and what the access policy knows
about them, must be exactly what Django's ORM and the policy's own lookup give; a logged-out or
expired session and an inactive user must not get in."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.sessions.models import Session
from django.test import Client as HttpClient
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core.models import Role, User
from skreddersy.policy import access
from skreddersy.policy.auth import Backend
from tests import factories as f

ROLES = [r for r, _ in Role.choices]


def _orm_actor(user_id: int) -> access.Actor:
    return access.actor(User.objects.get(pk=user_id))


def _same(a: access.Actor, b: access.Actor) -> None:
    assert (a.roles, a.office_ids, a.client_id, a.kode6, a.kode7, a.skjermet) == (
        b.roles, b.office_ids, b.client_id, b.kode6, b.kode7, b.skjermet)
    assert (a.staff.pk if a.staff else None) == (b.staff.pk if b.staff else None)
    assert (a.does_followup, a.is_leader, a.is_client) == (b.does_followup, b.is_leader, b.is_client)


@pytest.mark.django_db
@given(
    roles=st.sets(st.sampled_from(ROLES), max_size=4),
    n_offices=st.integers(0, 3),
    clearances=st.tuples(st.booleans(), st.booleans(), st.booleans()),
    active=st.booleans(),
)
def test_staff_user_and_access_facts_match_the_orm(roles, n_offices, clearances, active):
    with f.rolled_back():
        county = f.county()
        offices = [f.office(county) for _ in range(n_offices)]
        kode6, kode7, skjermet = clearances
        s = f.staff(*roles, offices=offices, kode6=kode6, kode7=kode7, skjermet=skjermet)
        if not roles:  # f.staff gives a counsellor by default; a staff member may have no role at all
            s.roles.all().delete()
        User.objects.filter(pk=s.user_id).update(is_active=active, last_login=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC))
        loaded = access.load_user(s.user_id)
        orm = User.objects.get(pk=s.user_id)
        for field in User._meta.concrete_fields:
            assert getattr(loaded, field.attname) == getattr(orm, field.attname), field.name
        _same(access.actor(loaded), _orm_actor(s.user_id))
        assert (Backend().get_user(s.user_id) is not None) == active


@pytest.mark.django_db
def test_client_login_acts_only_as_its_client():
    office = f.office(f.county())
    c = f.client(office, login=True)
    loaded = access.load_user(c.user_id)
    a = access.actor(loaded)
    assert a.client_id == c.pk and a.staff is None and not a.does_followup
    _same(a, _orm_actor(c.user_id))
    assert access.can_see_client(loaded, c)


@pytest.mark.django_db
def test_unknown_or_malformed_user_id_gets_nobody():
    assert access.load_user(987654321) is None
    assert Backend().get_user(987654321) is None
    assert Backend().get_user("not a number") is None


@pytest.mark.django_db
def test_logged_out_or_expired_session_no_longer_gets_in():
    office = f.office(f.county())
    counsellor = f.staff("counsellor", offices=[office])
    http = HttpClient()
    assert http.post("/logg-inn/", {"username": counsellor.user.username, "password": f.PASSWORD}).status_code == 302
    assert http.get("/api/v1/overview").status_code == 200
    stolen = http.cookies["sessionid"].value
    http.post("/logg-ut/")
    thief = HttpClient()
    thief.cookies["sessionid"] = stolen
    assert thief.get("/api/v1/overview").status_code == 401

    again = HttpClient()
    again.post("/logg-inn/", {"username": counsellor.user.username, "password": f.PASSWORD})
    assert again.get("/api/v1/overview").status_code == 200
    Session.objects.filter(session_key=again.cookies["sessionid"].value).update(
        expire_date=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    assert again.get("/api/v1/overview").status_code == 401
