"""Every measures endpoint against every kind of user: the same access rules as the pages.
Expected status per (endpoint, user); anything not allowed is 403 (401 when not logged in),
and a denied read of a client's data leaves a "denied" audit entry."""

import datetime as dt
import json

import pytest

from skreddersy.core.models import AuditEntry
from skreddersy.measures import services
from skreddersy.measures.models import Referral
from tests.measures.conftest import mapping, offering

USERS = ["anonymous", "counsellor", "other_counsellor", "office_leader", "admin", "analyst", "client"]


@pytest.fixture
def env(world):
    t = world["types"]
    u = world["counsellor"].user
    mapping(world["client"], u, job_search=2)
    o = offering(t["JOBBKLUBB"], [world["bergen"]], capacity=5, start=dt.date(2026, 1, 5))
    ref = services.refer(user=u, client=world["client"], offering=o)
    admin = world["admin"].user
    target = services.set_national_target(user=admin, year=2026, measure_type=t["JOBBKLUBB"], priority_group="", places=10, budget=0)
    ca = services.allocate_to_county(user=admin, target=target, county=world["county"], places=10, budget=0)
    oa = services.allocate_to_office(user=admin, county_allocation=ca, office=world["bergen"], places=5, budget=0)
    return {**world, "o": o, "ref": ref, "target": target, "ca": ca, "oa": oa}


def endpoints(e):
    cid, oid, rid = e["client"].pk, e["o"].pk, e["ref"].pk
    return [
        # (method, path, body, {user: expected status}); users not listed get refused(who, path)
        ("get", "/typer", None, {"counsellor": 200, "other_counsellor": 200, "office_leader": 200, "admin": 200, "analyst": 200}),
        ("get", "/tilbud", None, {"counsellor": 200, "other_counsellor": 200, "office_leader": 200, "admin": 200, "analyst": 200}),
        ("get", f"/tilbud/{oid}", None, {"counsellor": 200, "other_counsellor": 200, "office_leader": 200, "admin": 200, "analyst": 200}),
        ("get", f"/sammenlign?id={oid}&id={oid}", None, {"counsellor": 200, "other_counsellor": 200, "office_leader": 200, "admin": 200, "analyst": 200}),
        ("get", f"/matching/{cid}", None, {"counsellor": 200, "office_leader": 200}),
        ("get", f"/brukere/{cid}/henvisninger", None, {"counsellor": 200, "office_leader": 200, "client": 200}),
        ("get", f"/henvisninger/{rid}", None, {"counsellor": 200, "office_leader": 200, "client": 200}),
        ("get", f"/brukere/{cid}/onsker", None, {"counsellor": 200, "office_leader": 200, "client": 200}),
        ("put", f"/brukere/{cid}/onsker", {"wanted_domains": ["job_search"]}, {"counsellor": 200, "office_leader": 200, "client": 200}),
        ("post", f"/henvisninger/{rid}/resultat", {"months": 3, "status": "work"}, {"counsellor": 422, "office_leader": 422}),
        ("post", f"/henvisninger/{rid}/avslag", {"reason": ""}, {"counsellor": 422, "office_leader": 422}),
        ("post", "/henvisninger", {"client_id": cid, "offering_id": oid}, {"counsellor": 409, "office_leader": 409}),
        ("post", f"/matching/{cid}/valg", {"offering_id": oid}, {"counsellor": 409, "office_leader": 409}),
        ("get", f"/tildeling/kontor/{e['bergen'].pk}?year=2026", None, {"office_leader": 200, "admin": 200}),
        ("put", f"/tildeling/kontor-tildeling/{e['oa'].pk}/forventet", {"expected_filled": 2}, {"office_leader": 200}),
        ("put", "/tildeling/mal", {"year": 2026, "measure_type": "JOBBKLUBB", "places": 10}, {"admin": 200}),
        ("put", f"/tildeling/mal/{e['target'].pk}/fylke/{e['county'].pk}", {"places": 10}, {"admin": 200}),
        ("put", f"/tildeling/fylke-tildeling/{e['ca'].pk}/kontor/{e['bergen'].pk}", {"places": 5}, {"admin": 200}),
        ("get", "/resultater", None, {"counsellor": 200, "other_counsellor": 200, "office_leader": 200, "admin": 200, "analyst": 200}),
        ("post", f"/henvisninger/{rid}/fullfor", {}, {"counsellor": 200, "office_leader": 200}),
        ("post", f"/henvisninger/{rid}/trekk", {"reason": "x"}, {"counsellor": 409, "office_leader": 409}),
    ]


def refused(who, path) -> int:
    """What a refused user gets: staff who may not see the client an endpoint is about get 404, the
    same as for a client that does not exist (issue 12: hidden ids answer as missing ones); the
    client themself on a Nav-only endpoint, and anyone on an endpoint about no client, get 403."""
    about_a_client = path.startswith(("/matching/", "/brukere/", "/henvisninger"))
    return 404 if about_a_client and who != "client" else 403


def as_user(client, e, who):
    client.logout()
    if who != "anonymous":
        client.force_login(e["client"].user if who == "client" else e[who].user)
    return client


@pytest.mark.parametrize("who", USERS)
def test_every_endpoint(env, client, who):
    c = as_user(client, env, who)
    for method, path, body, allowed in endpoints(env):
        kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
        r = getattr(c, method)(f"/api/v1/tiltak{path}", **kwargs)
        expected = 401 if who == "anonymous" else allowed.get(who, refused(who, path))
        assert r.status_code == expected, (who, method, path, r.status_code, r.content[:300])
        if r.status_code >= 400:
            assert {"code", "message", "detail"} <= set(r.json()), (who, path)
    if who in ("other_counsellor", "admin", "analyst"):
        assert AuditEntry.objects.filter(actor=env[who].user, client_id=env["client"].pk, action="denied").exists()
    if who == "counsellor":
        assert Referral.objects.get(pk=env["ref"].pk).status == "completed"
