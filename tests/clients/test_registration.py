"""Registering a new client from the counsellors' pages and the API: the record offered only where
the counsellor may see it, and otherwise one receipt whatever Nav knows about the number, so that
an attacker with a counsellor's login learns nothing about who is followed up elsewhere. Address
protection and skjermet never come from the counsellor. Editing the record goes through a
service, audited."""

from __future__ import annotations

import datetime as dt
import json
import random

import pytest
from django.test import Client as HttpClient
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.clients import services
from skreddersy.clients.models import Client, PendingRegistration
from skreddersy.core import fnr
from skreddersy.core.errors import InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.followup import caseloads
from skreddersy.followup.models import JournalEntry
from tests import factories as f


@pytest.fixture
def setup(db):
    county = f.county("13")
    a, b = f.office(county, name="Nav Alfa"), f.office(county, name="Nav Beta")
    return {
        "a": a,
        "b": b,
        "counsellor": f.staff("counsellor", offices=[a]),
        "leader": f.staff("office_leader", offices=[a]),
    }


def _form(office, number, **kw):
    return {
        "office": office.pk,
        "fnr": number,
        "first_name": "Kari",
        "last_name": "Nordmann",
        "municipality": "Oslo",
        "language": "nb",
        **kw,
    }


def _api(http, data) -> tuple[int, dict]:
    resp = http.post("/api/v1/clients", data=json.dumps(data), content_type="application/json")
    return resp.status_code, resp.json()


def _page(http, data) -> tuple:
    """What the page answers: status, where it sends the browser, and what the next page says."""
    resp = http.post("/bruker/ny/", data)
    follow = http.get(resp.headers.get("Location", "/bruker/ny/"))
    shown = [m.message for m in follow.context["messages"]] if follow.context else []
    return resp.status_code, resp.headers.get("Location"), shown, sorted(resp.headers.keys())


def test_a_new_number_is_registered_without_a_counsellor_into_the_offices_queue(setup):
    number = fnr.synthetic(dt.date(1999, 4, 2), random.Random(1))
    outcome = services.request_registration(
        user=f.fresh_user(setup["counsellor"]),
        fnr_value=number,
        office=setup["a"],
        first_name=" Kari ",
        last_name="Nordmann",
        municipality="Oslo",
    )
    assert outcome.status == "received" and outcome.client_id is None
    c = Client.objects.get(fnr=number)
    assert (c.office_id, c.counsellor_id, c.first_name, c.birth_date) == (
        setup["a"].pk,
        None,
        "Kari",
        dt.date(1999, 4, 2),
    )
    assert (c.address_protection, c.skjermet) == ("", False)
    assert JournalEntry.objects.filter(client=c, summary="Oppfølging startet").exists()
    assert AuditEntry.objects.filter(client_id=c.pk, what="bruker: registrer", action="write").exists()
    assert [r.client_id for r in caseloads.handout_queue(user=f.fresh_user(setup["leader"])).rows] == [c.pk]


def test_a_number_the_counsellor_may_see_is_offered_as_the_existing_record(setup):
    c = f.client(setup["a"], None)
    outcome = services.request_registration(
        user=f.fresh_user(setup["counsellor"]),
        fnr_value=c.fnr,
        office=setup["a"],
        first_name="X",
        last_name="Y",
        municipality="Oslo",
    )
    assert (outcome.status, outcome.client_id) == ("existing", c.pk)
    assert Client.objects.count() == 1


def test_the_counsellors_form_has_no_address_protection_or_skjermet_and_the_api_refuses_them(setup):
    http = HttpClient()
    http.force_login(setup["counsellor"].user)
    page = http.get("/bruker/ny/").content.decode()
    assert 'name="fnr"' in page
    assert "address_protection" not in page and "skjermet" not in page
    number = fnr.synthetic(dt.date(1990, 1, 1), random.Random(2))
    status, body = _api(
        http, {**_form(setup["a"], number), "address_protection": "strictly_confidential", "skjermet": True}
    )
    assert status == 200 and Client.objects.get(fnr=number).address_protection == ""
    c = Client.objects.get(fnr=number)
    resp = http.patch(f"/api/v1/clients/{c.pk}", data=json.dumps({"skjermet": True}), content_type="application/json")
    assert resp.status_code == 422
    c.refresh_from_db()
    assert not c.skjermet


@pytest.mark.parametrize(
    "field,value",
    [("fnr", "12345678901"), ("fnr", "1234"), ("first_name", " "), ("municipality", ""), ("language", "!!")],
)
def test_bad_input_names_the_field_and_writes_nothing(setup, field, value):
    number = fnr.synthetic(dt.date(1990, 1, 1), random.Random(3))
    args = {"fnr_value": number, "first_name": "Kari", "last_name": "N", "municipality": "Oslo", "language": "nb"}
    args["fnr_value" if field == "fnr" else field] = value
    with pytest.raises(InvalidInput) as exc:
        services.request_registration(user=f.fresh_user(setup["counsellor"]), office=setup["a"], **args)
    assert field in exc.value.errors
    assert not Client.objects.exists() and not PendingRegistration.objects.exists()


# --- the attacker's test ------------------------------------------------------------------------------
# Holding a counsellor's login at office A, send registrations for numbers Nav knows elsewhere
# (followed up at office B; or at A but protected, kode 6 / skjermet) and for numbers Nav does not
# know. Each answer, from the API and from the page, must be the same.

WHERE = ["unknown", "other_office", "own_office_kode6", "own_office_skjermet"]


@given(
    birth=st.dates(dt.date(1950, 1, 1), dt.date(2008, 12, 31)),
    seed=st.integers(0, 10**6),
    where=st.lists(st.sampled_from(WHERE), min_size=2, max_size=4),
)
def test_registration_answers_do_not_tell_whether_a_person_is_known_elsewhere(setup, birth, seed, where):
    with f.rolled_back():
        rng = random.Random(seed)
        http = HttpClient()
        http.force_login(setup["counsellor"].user)
        api_answers, page_answers = [], []
        for i, kind in enumerate(where):
            numbers = [fnr.synthetic(birth, rng) for _ in range(2)]
            numbers = [
                n for n in dict.fromkeys(numbers) if not Client.objects.filter(fnr=n).exists()
            ]  # two distinct new numbers
            if len(numbers) < 2:
                continue
            for channel, number in zip(("api", "page"), numbers, strict=True):
                if kind != "unknown":
                    c = f.client(
                        setup["b"] if kind == "other_office" else setup["a"],
                        None,
                        birth_date=birth,
                        address_protection="strictly_confidential" if kind == "own_office_kode6" else "",
                        skjermet=kind == "own_office_skjermet",
                    )
                    Client.objects.filter(pk=c.pk).update(fnr=number)
                data = _form(setup["a"], number, first_name=f"Navn{i}")
                if channel == "api":
                    api_answers.append(_api(http, data))
                else:
                    page_answers.append(_page(http, data))
        assert len({json.dumps(a, sort_keys=True) for a in api_answers}) <= 1, api_answers
        assert len({repr(a) for a in page_answers}) <= 1, page_answers
        if page_answers:
            assert page_answers[0][:3] == (302, "/bruker/ny/", [services.REGISTRATION_RECEIVED])
        if api_answers:
            assert api_answers[0][0] == 200 and api_answers[0][1]["status"] == "received"
            assert api_answers[0][1]["client_id"] is None


def test_a_number_known_elsewhere_goes_to_the_leaders_of_the_registering_office(setup):
    elsewhere = f.client(setup["b"], None)
    user = f.fresh_user(setup["counsellor"])
    outcome = services.request_registration(
        user=user, fnr_value=elsewhere.fnr, office=setup["a"], first_name="Kari", last_name="N", municipality="Oslo"
    )
    assert outcome.message == services.REGISTRATION_RECEIVED
    elsewhere.refresh_from_db()
    assert elsewhere.office_id == setup["b"].pk  # untouched
    pending = PendingRegistration.objects.get()
    assert pending.office_id == setup["a"].pk and pending.requested_by_id == user.pk
    assert [p.pk for p in caseloads.handout_queue(user=f.fresh_user(setup["leader"])).pending] == [pending.pk]
    # the person's own access log shows the attempt
    assert AuditEntry.objects.filter(client_id=elsewhere.pk, what="bruker: registrer").exists()
    services.resolve_pending_registration(user=f.fresh_user(setup["leader"]), pending=pending)
    assert caseloads.handout_queue(user=f.fresh_user(setup["leader"])).pending == []


# --- editing the record ------------------------------------------------------------------------------


def test_editing_the_record_is_audited_and_journaled(setup):
    c = f.client(setup["a"], setup["counsellor"])
    user = f.fresh_user(setup["counsellor"])
    services.update_client(user=user, client=c.pk, first_name="Åse", language="AR", needs_interpreter=True)
    c.refresh_from_db()
    assert (c.first_name, c.language, c.needs_interpreter) == ("Åse", "ar", True)
    assert JournalEntry.objects.filter(client=c, summary__startswith="Personopplysninger endret").exists()
    assert AuditEntry.objects.filter(client_id=c.pk, what="bruker: endre", action="write").exists()


@pytest.mark.parametrize(
    "changes,field",
    [
        ({"address_protection": "confidential"}, "address_protection"),
        ({"fnr": "1"}, "fnr"),
        ({"first_name": ""}, "first_name"),
        ({"needs_interpreter": "yes"}, "needs_interpreter"),
    ],
)
def test_editing_refuses_register_fields_and_bad_values(setup, changes, field):
    c = f.client(setup["a"], setup["counsellor"])
    with pytest.raises(InvalidInput) as exc:
        services.update_client(user=f.fresh_user(setup["counsellor"]), client=c.pk, **changes)
    assert field in exc.value.errors
    assert not JournalEntry.objects.filter(client=c).exists()


def test_the_edit_page_saves_through_the_service(setup):
    c = f.client(setup["a"], setup["counsellor"])
    http = HttpClient()
    http.force_login(setup["counsellor"].user)
    assert "skjermet" not in http.get(f"/bruker/{c.pk}/endre/").content.decode()
    resp = http.post(
        f"/bruker/{c.pk}/endre/",
        {"first_name": "Per", "last_name": c.last_name, "municipality": "Bergen", "language": "nb"},
    )
    assert resp.status_code == 302
    c.refresh_from_db()
    assert (c.first_name, c.municipality) == ("Per", "Bergen")
