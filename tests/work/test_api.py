"""The work API: the same rules and refusals as the pages, as 4xx JSON with a field."""

import datetime as dt

from skreddersy.work.models import Employer, IpsCase, JobStart
from tests import factories as f

GOOD = "974760673"


def _login(client, staff):
    client.force_login(f.fresh_user(staff))
    return client


def test_employer_api_round_trip_and_bad_number(ips, client):
    c = _login(client, ips["market"])
    r = c.post("/api/v1/arbeid/arbeidsgivere", {"orgnr": "123456789", "name": "X", "municipality": "Y"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "orgnr"
    r = c.post("/api/v1/arbeid/arbeidsgivere", {"orgnr": GOOD, "name": "Bakeriet", "municipality": "Bergen"}, content_type="application/json")
    assert r.status_code == 201
    eid = r.json()["id"]
    assert c.get("/api/v1/arbeid/arbeidsgivere?q=974").json()[0]["orgnr"] == GOOD
    c = _login(client, ips["js1"])
    r = c.post(f"/api/v1/arbeid/arbeidsgivere/{eid}/kontakter", {"kind": "phone", "purpose": "job_development", "outcome": "follow_up"},
               content_type="application/json")
    assert r.status_code == 201 and r.json()["warnings"]  # the market contact owns it
    assert c.get(f"/api/v1/arbeid/arbeidsgivere/{2**70}").status_code in (404, 422)


def test_referral_start_and_phase_over_the_api(ips, client):
    Employer.objects.create(orgnr=GOOD, name="Bakeriet", municipality="Bergen")
    cl = ips["clients"][0]
    c = _login(client, ips["counsellor"])
    r = c.post(f"/api/v1/arbeid/brukere/{cl.pk}/henvisning", {"specialist_id": ips["js1"].pk}, content_type="application/json")
    assert r.status_code == 201
    case_id = r.json()["id"]
    c = _login(client, ips["js1"])
    r = c.post(f"/api/v1/arbeid/kandidater/{case_id}/jobbstart", {"employer_orgnr": "", "job_title": "Lager",
               "start_date": dt.date.today().isoformat(), "hours_per_week": 20, "wage_type": "ordinary"}, content_type="application/json")
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "employer_orgnr"
    assert not JobStart.objects.exists()
    r = c.post(f"/api/v1/arbeid/kandidater/{case_id}/jobbstart", {"employer_orgnr": GOOD, "job_title": "Lager",
               "start_date": dt.date.today().isoformat(), "hours_per_week": 20, "wage_type": "ordinary"}, content_type="application/json")
    assert r.status_code == 201 and r.json()["follow_alongs_planned"] >= 8
    v = IpsCase.objects.get(pk=case_id).version
    r = c.post(f"/api/v1/arbeid/kandidater/{case_id}/fase", {"to_phase": "engagement", "version": v}, content_type="application/json")
    assert r.status_code == 422  # backwards from in work
    rows = c.get("/api/v1/arbeid/kandidater").json()["rows"]
    assert [row["id"] for row in rows] == [case_id]
    assert _login(client, ips["js2"]).get(f"/api/v1/arbeid/kandidater/{case_id}").status_code == 404
