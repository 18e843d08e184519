"""Bad input on the work app's forms and API, fuzzed: whatever arrives (huge or non-numeric ids,
absurd hours and minutes, far dates, unicode, empty or oversized strings, malformed subsidy plans,
fidelity scores of the wrong type, JSON of the wrong shape) answers with a 4xx or a success, never
a 500, and a refused write leaves nothing behind."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.db import transaction
from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.core.models import Role, Team
from skreddersy.work import models as wm
from tests import factories as f

GOOD = "974760673"

scalars = st.one_of(
    st.none(), st.booleans(), st.integers(min_value=-(2**80), max_value=2**80),
    st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=30),
    st.sampled_from(["", " ", "\x00", "NaN", "Infinity", "1e999", "-1", "0", "3", "20", "9" * 40, "ø" * 300, "20,5",
                     "0001-01-01", "9999-12-31", "2026-02-30", "phone", "ended", "in_work", GOOD]),
)
json_values = st.recursive(scalars, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                             st.dictionaries(st.text(max_size=12), inner, max_size=4)),
                           max_leaves=8)


plans = st.lists(st.one_of(st.fixed_dictionaries({"from_month": json_values, "percent": json_values}), json_values), max_size=4)
SPECIAL = {"subsidy_plan": plans, "end_reason": st.one_of(st.text(max_size=20), json_values)}


def body_for(fields: dict):
    """Bodies that are mostly right in shape: every field either right, or any JSON value (or, for
    some, a value of the right shape with wrong contents), or left out."""
    def value(k, v):
        return st.one_of(st.just(v), st.just(v), SPECIAL.get(k, json_values), json_values)
    return st.one_of(st.fixed_dictionaries({k: value(k, v) for k, v in fields.items()}),
                     st.fixed_dictionaries({}, optional={k: value(k, v) for k, v in fields.items()}))


# inputs that once gave a 500 or were taken for something else, always tried
KNOWN = {
    3: [{"to_phase": "ended", "version": 1, "end_reason": "xyz"}, {"to_phase": "ended", "version": 1, "end_reason": "moved",
                                                                     "reason": "a\x00b"}],
    4: [{"wage_type": "subsidy", "subsidy_plan": [{"from_month": float("inf"), "percent": 60}]},
        {"wage_type": "subsidy", "subsidy_plan": [{"from_month": 0, "percent": 60}, {"from_month": 10**30, "percent": 50}]},
        {"wage_type": "subsidy", "subsidy_plan": [{"from_month": False, "percent": 60}]}],
    0: [{"name": "A\x00B"}],
}


@pytest.fixture
def fuzz_world(db):
    a = f.office(f.county("46"), name="Nav Alfa")
    counsellor = f.staff(Role.COUNSELLOR, offices=[a])
    js = f.staff(Role.JOB_SPECIALIST, offices=[a])
    boss = f.staff(Role.METHOD_SUPERVISOR, Role.OFFICE_LEADER, Role.JOB_SPECIALIST, offices=[a])
    cl = f.client(a, counsellor)
    employer = wm.Employer.objects.create(orgnr=GOOD, name="Bakeriet", municipality="Bergen")
    today = dt.date.today()
    case = wm.IpsCase.objects.create(client=cl, office=a, specialist=boss, referred_by=counsellor, referred_on=today - dt.timedelta(days=300),
                                     granted_until=today + dt.timedelta(days=20), phase_since=today - dt.timedelta(days=200),
                                     phase="job_search")
    start = wm.JobStart.objects.create(case=case, employer=employer, job_title="Lager", start_date=today - dt.timedelta(days=200),
                                       hours_per_week=20, wage_type="ordinary", recorded_by=boss)
    fa = wm.FollowAlong.objects.create(start=start, kind="employer_call", planned_on=today)
    team = Team.objects.create(office=a, name="IPS")
    return dict(office=a, js=js, boss=boss, client=cl, employer=employer, case=case, start=start, fa=fa, team=team, counsellor=counsellor)


def _counts():
    from skreddersy.followup.models import JournalEntry

    return tuple(m.objects.count() for m in (wm.Employer, wm.ContactPerson, wm.Vacancy, wm.EmployerContact, wm.JobProfile,
                                             wm.SuitabilityAssessment, wm.PresentationConsent, wm.Presentation, wm.IpsCase,
                                             wm.PhaseChange, wm.JobStart, wm.FollowAlong, wm.StartCheckpoint,
                                             wm.FidelityReview, wm.OfficeWorkSettings, JournalEntry))


def _probe(client, method, url, body):
    with transaction.atomic():
        before = _counts()
        if method == "json":
            r = client.post(url, json.dumps(body, allow_nan=True), content_type="application/json")
        elif method == "get":
            r = client.get(url, body)
        else:
            r = client.post(url, body)
        after = _counts()
        transaction.set_rollback(True)
    assert r.status_code < 500, (url, body, r.status_code)
    if r.status_code >= 400:
        assert before == after, f"a refused request wrote something: {url} {body!r}"
    return r


def _login(client, staff):
    client.force_login(f.fresh_user(staff))
    return client


def api_cases(w):
    today = dt.date.today().isoformat()
    cid, e = w["case"].pk, w["employer"].pk
    return [
        ("/api/v1/arbeid/arbeidsgivere", {"orgnr": "923609016", "name": "X", "municipality": "Y", "sector": "private", "adaptations": ""}),
        (f"/api/v1/arbeid/arbeidsgivere/{e}/kontakter", {"kind": "phone", "purpose": "job_development", "outcome": "follow_up",
                                                         "note": "", "field_minutes": 30}),
        (f"/api/v1/arbeid/arbeidsgivere/{e}/stillinger", {"title": "Lager", "hours_per_week": 20, "requirements": "",
                                                          "deadline": today}),
        (f"/api/v1/arbeid/kandidater/{cid}/fase", {"to_phase": "ended", "version": 1, "reason": "", "end_reason": "moved"}),
        (f"/api/v1/arbeid/kandidater/{cid}/jobbstart", {"employer_orgnr": GOOD, "job_title": "Butikk", "start_date": today,
                                                        "hours_per_week": 20, "wage_type": "subsidy",
                                                        "subsidy_plan": [{"from_month": 0, "percent": 60}]}),
        (f"/api/v1/arbeid/brukere/{w['client'].pk}/henvisning", {"specialist_id": w["js"].pk, "over_cap_reason": ""}),
        (f"/api/v1/arbeid/team/{w['team'].pk}/troskap", {"reviewed_on": today, "scores": {str(i): 3 for i in range(1, 26)},
                                                        "notes": {}}),
    ]


@pytest.mark.parametrize("n", range(7))
def test_api_bodies_never_500(fuzz_world, client, n):
    c = _login(client, fuzz_world["boss"])
    url, good = api_cases(fuzz_world)[n]
    for known in KNOWN.get(n, []):
        r = _probe(c, "json", url, {**good, **known})
        assert r.status_code == 422, (known, r.status_code)

    @settings(max_examples=80)
    @given(body=st.one_of(body_for(good), json_values))
    def run(body):
        _probe(c, "json", url, body)

    run()


@pytest.mark.parametrize("score", [True, False, 3.0, "3", None, [3], {"v": 3}, 6, 0, -1, 2**70])
def test_fidelity_scores_of_the_wrong_type_are_refused_on_the_api(fuzz_world, client, score):
    c = _login(client, fuzz_world["boss"])
    scores = {str(i): 3 for i in range(1, 26)} | {"7": score}
    r = _probe(c, "json", f"/api/v1/arbeid/team/{fuzz_world['team'].pk}/troskap",
               {"reviewed_on": dt.date.today().isoformat(), "scores": scores})
    assert r.status_code == 422 and any(d["field"] == "scores.7" for d in r.json()["detail"]), r.content
    assert not wm.FidelityReview.objects.exists()


@given(ident=st.one_of(st.integers(min_value=-(2**70), max_value=2**70), st.sampled_from(["abc", "1e3", "%00", "٣", "-1", "0"])))
@settings(max_examples=40)
def test_ids_in_urls_never_500(fuzz_world, client, ident):
    c = _login(client, fuzz_world["boss"])
    for url in (f"/arbeid/arbeidsgivere/{ident}/", f"/arbeid/kandidat/{ident}/", f"/arbeid/bruker/{ident}/",
                f"/arbeid/troskap/{ident}/", f"/api/v1/arbeid/arbeidsgivere/{ident}", f"/api/v1/arbeid/kandidater/{ident}",
                f"/arbeid/kandidat/{fuzz_world['case'].pk}/oppfolging/{ident}/", f"/arbeid/kandidat/{fuzz_world['case'].pk}/status/{ident}/"):
        _probe(c, "post" if "oppfolging" in url or "status" in url else "get", url, {})
    for q in ({"kontor": ident}, {"utvalg": "kontor", "kontor": ident}):
        _probe(c, "get", "/arbeid/metodeveileder/", q)
        _probe(c, "get", "/arbeid/resultater/", q)
    _probe(c, "get", "/api/v1/arbeid/resultater", {"office_id": ident})


form_text = st.one_of(scalars.map(lambda v: "" if v is None else str(v)), st.text(max_size=5000))


def form_cases(w):
    cid, e, cl = w["case"].pk, w["employer"].pk, w["client"].pk
    fields = lambda *names: {n: form_text for n in names}  # noqa: E731
    return [
        ("/arbeid/arbeidsgivere/", fields("orgnr", "name", "municipality", "sector", "adaptations")),
        (f"/arbeid/arbeidsgivere/{e}/kontakt/", fields("kind", "purpose", "outcome", "field_minutes", "note")),
        (f"/arbeid/arbeidsgivere/{e}/kontaktperson/", fields("name", "role", "phone", "email")),
        (f"/arbeid/arbeidsgivere/{e}/stilling/", fields("title", "hours_per_week", "requirements", "deadline")),
        (f"/arbeid/kandidat/{cid}/fase/", fields("to_phase", "end_reason", "reason", "version")),
        (f"/arbeid/kandidat/{cid}/apenhet/", fields("disclosure_may_tell", "disclosure_not_tell", "disclosure_agreed_on", "version")),
        (f"/arbeid/kandidat/{cid}/jobbstart/", fields("employer", "job_title", "start_date", "hours_per_week", "wage_type", "subsidy_plan")),
        (f"/arbeid/kandidat/{cid}/oppfolging/{w['fa'].pk}/", fields("note", "field_minutes")),
        (f"/arbeid/kandidat/{cid}/status/{w['start'].pk}/", fields("month", "still_working", "hours_per_week", "job_title")),
        (f"/arbeid/bruker/{cl}/jobbprofil/", fields("work_experience", "education", "skills", "wishes", "hours_per_week", "share", "version")),
        (f"/arbeid/bruker/{cl}/henvis/", fields("specialist", "over_cap_reason")),
        (f"/arbeid/bruker/{cl}/presenter/", fields("employer", "step", "suitable", "reasoning", "shared")),
        (f"/arbeid/metodeveileder/kontor/{w['office'].pk}/innstillinger/", fields("caseload_cap", "job_starts_target")),
        (f"/arbeid/troskap/{w['team'].pk}/", {"reviewed_on": form_text, **{f"score_{i}": form_text for i in range(1, 26)}}),
    ]


@pytest.mark.parametrize("n", range(14))
def test_forms_never_500(fuzz_world, client, n):
    c = _login(client, fuzz_world["boss"])
    url, fields = form_cases(fuzz_world)[n]

    @settings(max_examples=40)
    @given(body=st.fixed_dictionaries({}, optional=fields))
    def run(body):
        _probe(c, "post", url, body)

    run()
