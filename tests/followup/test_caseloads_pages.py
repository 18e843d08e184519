"""The pages and the JSON API for handing out caseloads: the leaders' queue with bulk assignment,
the counsellor overview (its figures equal an independent count, in a fixed number of statements),
covers, rules, and moving a client's follow-up; bad input gets a specific message, nothing written."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.clients.models import Client, Cover
from skreddersy.core import clock
from skreddersy.followup import caseloads
from skreddersy.followup.models import Task, Thread
from tests import factories as f


@pytest.fixture
def office(db):
    county = f.county("14")
    a, b = f.office(county, name="Nav Alfa"), f.office(county, name="Nav Beta")
    leader = f.staff("office_leader", offices=[a])
    return {
        "a": a,
        "b": b,
        "leader": leader,
        "c1": f.staff("counsellor", offices=[a]),
        "c2": f.staff("counsellor", offices=[a]),
        "cb": f.staff("counsellor", offices=[b]),
    }


def _login(staff) -> HttpClient:
    http = HttpClient()
    http.force_login(staff.user)
    return http


def _post_json(http, url, data):
    return http.post(url, data=json.dumps(data), content_type="application/json")


def test_leaders_pages_and_a_counsellor_is_refused(office):
    f.client(office["a"], None)
    leader, counsellor = _login(office["leader"]), _login(office["c1"])
    for url in ("/fordeling/", "/veilederoversikt/", "/fordeling/regler/"):
        assert leader.get(url).status_code == 200, url
        assert counsellor.get(url).status_code == 403, url
    assert counsellor.get("/api/v1/caseloads/counsellors").status_code == 403


def test_bulk_assignment_from_the_queue_page(office):
    clients = [f.client(office["a"], None) for _ in range(3)]
    http = _login(office["leader"])
    resp = http.post(
        "/fordeling/tildel/",
        {"clients": [c.pk for c in clients], "counsellor": office["c1"].pk, "office": office["a"].pk},
        follow=True,
    )
    assert "3 brukere er tildelt veileder." in resp.content.decode()
    assert set(Client.objects.values_list("counsellor_id", flat=True)) == {office["c1"].pk}
    assert (
        resp.context["queue"].rows[0].counsellor_name == office["c1"].display_name
    )  # new ones stay listed, now assigned


def test_a_bulk_assignment_with_one_bad_client_moves_none_and_says_why(office):
    good = [f.client(office["a"], None) for _ in range(2)]
    elsewhere = f.client(office["b"], None)
    http = _login(office["leader"])
    resp = http.post(
        "/fordeling/tildel/",
        {"clients": [c.pk for c in good] + [elsewhere.pk], "counsellor": office["c1"].pk},
        follow=True,
    )
    page = resp.content.decode()
    assert "Ingen brukere er flyttet." in page and "Du har ikke tilgang til alle de valgte brukerne." in page
    assert set(Client.objects.filter(pk__in=[c.pk for c in good]).values_list("counsellor_id", flat=True)) == {None}


def test_api_assign_to_a_counsellor_at_another_office_is_422_naming_the_field(office):
    c = f.client(office["a"], None)
    resp = _post_json(
        _login(office["leader"]), "/api/v1/caseloads/assign", {"client_ids": [c.pk], "counsellor": office["cb"].pk}
    )
    assert resp.status_code == 422
    body = resp.json()
    assert body["detail"][0]["field"] == "counsellor" and "jobber ikke ved kontoret" in body["detail"][0]["reason"]
    c.refresh_from_db()
    assert c.counsellor_id is None


def test_api_transfer_by_someone_who_does_not_lead_the_office_is_403_and_writes_nothing(office):
    c = f.client(office["a"], office["c1"])
    resp = _post_json(
        _login(office["c1"]),
        "/api/v1/caseloads/transfer",
        {"client_ids": [c.pk], "office": office["b"].pk, "reason": "flytter"},
    )
    assert resp.status_code == 403 and "ikke leder ved kontoret" in resp.json()["message"]
    c.refresh_from_db()
    assert c.office_id == office["a"].pk
    ok = _post_json(
        _login(office["leader"]),
        "/api/v1/caseloads/transfer",
        {"client_ids": [c.pk], "office": office["b"].pk, "reason": "flytter"},
    )
    assert ok.status_code == 200 and ok.json() == {"moved": 1}
    # the old office lost access: the client now answers as one that does not exist
    assert _login(office["c1"]).get(f"/bruker/{c.pk}/").status_code == 404
    queue = _login(f.staff("office_leader", offices=[office["b"]])).get("/api/v1/caseloads/queue").json()
    assert [r["client"] for r in queue["results"]] == [c.pk]


def test_the_transfer_form_on_the_edit_page(office):
    c = f.client(office["a"], office["c1"])
    http = _login(office["leader"])
    assert "Flytt oppfølgingen" in http.get(f"/bruker/{c.pk}/endre/").content.decode()
    assert "Flytt oppfølgingen" not in _login(office["c1"]).get(f"/bruker/{c.pk}/endre/").content.decode()
    bad = http.post(f"/bruker/{c.pk}/flytt/", {"office": office["b"].pk, "reason": ""})
    assert bad.status_code == 422
    assert http.post(f"/bruker/{c.pk}/flytt/", {"office": office["b"].pk, "reason": "Flyttet"}).status_code == 302
    c.refresh_from_db()
    assert c.office_id == office["b"].pk


def test_a_cover_set_on_the_page(office):
    http = _login(office["leader"])
    today = clock.today()
    resp = http.post(
        f"/veilederoversikt/dekning/?office={office['a'].pk}",
        {
            "covered": office["c1"].pk,
            "covering": office["c2"].pk,
            "start": today.isoformat(),
            "end": (today + dt.timedelta(days=5)).isoformat(),
        },
    )
    assert resp.status_code == 302
    assert Cover.objects.filter(covered=office["c1"], covering=office["c2"]).exists()
    bad = http.post(
        f"/veilederoversikt/dekning/?office={office['a'].pk}",
        {"covered": office["c1"].pk, "covering": office["c1"].pk, "start": today.isoformat(), "end": today.isoformat()},
    )
    assert bad.status_code == 422 and "sin egen portefølje" in bad.content.decode()


# --- the counsellor overview: an independent count, a fixed number of statements -----------------------

spec = st.lists(
    st.tuples(st.sampled_from(["c1", "c2", None]), st.integers(0, 3), st.integers(0, 2), st.integers(0, 2)), max_size=10
)


@given(clients=spec)
def test_counsellor_overview_equals_an_independent_count(office, clients):
    with f.rolled_back():
        now = clock.now()
        expected: dict = {}
        for who, n_open, n_overdue, n_awaiting in clients:
            staff = office[who] if who else None
            c = f.client(office["a"], staff)
            for i in range(n_open):
                Task.objects.create(client=c, title="t", deadline=now + dt.timedelta(days=1 + i))
            for _ in range(n_overdue):
                Task.objects.create(client=c, title="t", deadline=now - dt.timedelta(days=1))
            Task.objects.create(client=c, title="done", deadline=now - dt.timedelta(days=1), status=Task.Status.DONE)
            for _ in range(n_awaiting):
                Thread.objects.create(client=c, subject="s", awaiting_nav_reply=True)
            Thread.objects.create(client=c, subject="answered", awaiting_nav_reply=False)
            key = staff.pk if staff else None
            row = expected.setdefault(key, [0, 0, 0, 0])
            row[0] += 1
            row[1] += n_open + n_overdue
            row[2] += n_overdue
            row[3] += n_awaiting
        f.client(office["b"], office["cb"])  # another office: not counted
        ov = caseloads.counsellor_overview(user=f.fresh_user(office["leader"]))
        got = {
            r.staff_id: [r.clients, r.open_tasks, r.overdue, r.awaiting_reply]
            for r in [*ov.rows, ov.unassigned]
            if r.clients
        }
        assert got == {k: v for k, v in expected.items() if v[0]}
        assert ov.total_clients == len(clients)


def test_counsellor_overview_runs_a_fixed_number_of_statements(office):
    user = f.fresh_user(office["leader"])

    def count():
        caseloads.counsellor_overview(user=user)
        with CaptureQueriesContext(connection) as ctx:
            caseloads.counsellor_overview(user=user)
        return len(ctx.captured_queries)

    f.client(office["a"], office["c1"])
    small = count()
    for i in range(30):
        c = f.client(office["a"], office[("c1", "c2")[i % 2]])
        Task.objects.create(client=c, title="t", deadline=clock.now())
    assert count() == small


def test_the_person_page_leads_to_editing_the_record(office):
    """The counsellor reaches the client record's edit page (and a leader the move to another
    office) from the person page, not only from the leaders' queue."""
    client = f.client(office["a"], office["c1"])
    page = _login(office["c1"]).get(f"/bruker/{client.pk}/")
    assert page.status_code == 200
    assert f'href="/bruker/{client.pk}/endre/"'.encode() in page.content
    assert _login(office["c1"]).get(f"/bruker/{client.pk}/endre/").status_code == 200
