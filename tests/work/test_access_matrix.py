"""The access matrix of the work app, generated: every URL of ``work/urls.py`` and every operation
of ``work/api.py``, as every kind of principal, against cases and clients of every protection
kind (and ids that do not exist). The expected answer comes from an independent statement of the
policy in this file (docs/work.md, "Who sees what"), not from ``policy/access.py``.

For each request: an allowed one is not refused; a refused one writes nothing, is audited (when
someone is logged in), and a case or client the user may not see answers exactly as a missing id.
Each request runs in a savepoint that is rolled back, so every cell starts from the same world."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

import pytest
from django.db import transaction

from skreddersy.core.models import AuditEntry, Role, Team
from skreddersy.work import models as wm
from tests import factories as f

GOOD = "974760673"
MISSING = 987654321
FOLLOWUP = {Role.COUNSELLOR, Role.TEAM_LEADER, Role.OFFICE_LEADER, Role.SECOND_APPROVER, Role.JOB_SPECIALIST,
            Role.METHOD_SUPERVISOR}
SUPERVISING = {Role.METHOD_SUPERVISOR, Role.TEAM_LEADER, Role.OFFICE_LEADER}
LEADERS = {Role.TEAM_LEADER, Role.OFFICE_LEADER}


@dataclass
class P:
    """A principal as the test sees it (the oracle's facts, independent of the policy module)."""

    name: str
    roles: set = field(default_factory=set)
    offices: set = field(default_factory=set)
    kode6: bool = False
    kode7: bool = False
    skjermet: bool = False
    staff: object = None
    client: object = None  # a client login
    anonymous: bool = False


PRINCIPALS = {
    "anonymous": dict(anonymous=True),
    "client_self": dict(),
    "client_other": dict(),
    "counsellor_own": dict(roles={Role.COUNSELLOR}, offices={"a"}),
    "counsellor_a": dict(roles={Role.COUNSELLOR}, offices={"a"}),
    "counsellor_a_cleared": dict(roles={Role.COUNSELLOR}, offices={"a"}, kode6=True, kode7=True, skjermet=True),
    "counsellor_b": dict(roles={Role.COUNSELLOR}, offices={"b"}),
    "js_case": dict(roles={Role.JOB_SPECIALIST}, offices={"a"}),
    "js_case_cleared": dict(roles={Role.JOB_SPECIALIST}, offices={"a"}, kode6=True, kode7=True, skjermet=True),
    "js_other": dict(roles={Role.JOB_SPECIALIST}, offices={"a"}, kode6=True, kode7=True, skjermet=True),
    "js_b": dict(roles={Role.JOB_SPECIALIST}, offices={"b"}, kode6=True, kode7=True, skjermet=True),
    "supervisor_a": dict(roles={Role.METHOD_SUPERVISOR}, offices={"a"}),
    "supervisor_a_kode7": dict(roles={Role.METHOD_SUPERVISOR}, offices={"a"}, kode7=True),
    "supervisor_a_cleared": dict(roles={Role.METHOD_SUPERVISOR}, offices={"a"}, kode6=True, kode7=True, skjermet=True),
    "supervisor_b": dict(roles={Role.METHOD_SUPERVISOR}, offices={"b"}, kode6=True, kode7=True, skjermet=True),
    "team_leader_a": dict(roles={Role.TEAM_LEADER}, offices={"a"}),
    "office_leader_a": dict(roles={Role.OFFICE_LEADER}, offices={"a"}, kode6=True, kode7=True, skjermet=True),
    "market_a": dict(roles={Role.MARKET_CONTACT}, offices={"a"}, kode6=True, kode7=True, skjermet=True),
    "analyst": dict(roles={Role.ANALYST}, offices={"a"}),
    "administrator": dict(roles={Role.ADMINISTRATOR}, offices={"a"}),
}
TARGETS = ("plain", "kode6", "kode7", "skjermet", "other_office", "missing")
PROTECTION = {"kode6": dict(address_protection="strictly_confidential"), "kode7": dict(address_protection="confidential"),
              "skjermet": dict(skjermet=True)}


@pytest.fixture
def world(db):
    county = f.county("46")
    offices = {"a": f.office(county, name="Nav Alfa"), "b": f.office(county, name="Nav Beta")}
    people: dict[str, P] = {}
    for name, spec in PRINCIPALS.items():
        p = P(name=name, **spec)
        if p.roles:
            p.staff = f.staff(*p.roles, offices=[offices[o] for o in p.offices], kode6=p.kode6, kode7=p.kode7, skjermet=p.skjermet)
        people[name] = p
    # five job specialists at office a in all (the case's two and js_other, and two more), so team figures show
    for _ in range(2):
        f.staff(Role.JOB_SPECIALIST, offices=[offices["a"]])
    own = people["counsellor_own"].staff
    clients, cases = {}, {}
    employer = wm.Employer.objects.create(orgnr=GOOD, name="Bakeriet", municipality="Bergen", owner=people["market_a"].staff)
    today = dt.date.today()
    for t in TARGETS[:-1]:
        office = offices["b"] if t == "other_office" else offices["a"]
        counsellor = f.staff(Role.COUNSELLOR, offices=[office]) if t == "other_office" else own
        c = f.client(office, counsellor, **PROTECTION.get(t, {}))
        specialist = people["js_b"].staff if t == "other_office" else (
            people["js_case"].staff if t in ("plain", "kode7") else people["js_case_cleared"].staff)
        case = wm.IpsCase.objects.create(client=c, office=office, specialist=specialist, referred_by=counsellor,
                                         referred_on=today - dt.timedelta(days=200), granted_until=today + dt.timedelta(days=20),
                                         phase_since=today - dt.timedelta(days=100), phase="job_search")
        start = wm.JobStart.objects.create(case=case, employer=employer, job_title="Lager", start_date=today - dt.timedelta(days=95),
                                           hours_per_week=20, wage_type="ordinary", recorded_by=specialist)
        fa = wm.FollowAlong.objects.create(start=start, kind=wm.FollowAlong.Kind.choices[0][0], planned_on=today - dt.timedelta(days=3))
        consent = wm.PresentationConsent.objects.create(client=c, employer=employer, recorded_by=counsellor)
        clients[t], cases[t] = c, case
        case.fa_id, case.start_id, case.consent_id = fa.pk, start.pk, consent.pk
    # js_case follows the plain and the kode 7 client (without the clearance for the latter)
    people["client_self"].client = clients["plain"]
    people["client_other"].client = f.client(offices["a"], own)
    team = Team.objects.create(office=offices["a"], name="IPS-teamet")
    return dict(offices=offices, people=people, clients=clients, cases=cases, employer=employer, team=team)


# --- the oracle ------------------------------------------------------------------------------------

def _office_key(w, office_id) -> str:
    return next(k for k, o in w["offices"].items() if o.pk == office_id)


def sees_client(w, p: P, client) -> bool:
    if p.staff is None or not (p.roles & FOLLOWUP):
        return False
    if _office_key(w, client.office_id) not in p.offices:
        return False
    if client.address_protection == "strictly_confidential" and not p.kode6:
        return False
    if client.address_protection == "confidential" and not (p.kode7 or p.kode6):
        return False
    return not (client.skjermet and not p.skjermet)


def works_case(w, p: P, case) -> bool:
    return sees_client(w, p, case.client) and (
        case.specialist_id == p.staff.pk or bool(p.roles & SUPERVISING and _office_key(w, case.office_id) in p.offices))


def reads_case(w, p: P, case) -> bool:
    return works_case(w, p, case) or (sees_client(w, p, case.client) and case.client.counsellor_id == p.staff.pk)


def uses_register(p: P) -> bool:
    return p.staff is not None and bool(p.roles & (FOLLOWUP | {Role.MARKET_CONTACT}))


def supervises_a(p: P) -> bool:
    return p.staff is not None and bool(p.roles & SUPERVISING) and "a" in p.offices


# --- the requests ----------------------------------------------------------------------------------

def _case_id(w, t):
    return MISSING if t == "missing" else w["cases"][t].pk


def _client_id(w, t):
    return MISSING if t == "missing" else w["clients"][t].pk


def _sub(w, t, attr):
    return MISSING if t == "missing" else getattr(w["cases"][t], attr)


def case_requests(w, t, api_prefix="/api/v1/arbeid"):
    cid = _case_id(w, t)
    version = 1 if t == "missing" else w["cases"][t].version
    today = dt.date.today().isoformat()
    return [
        ("read", "get", f"/arbeid/kandidat/{cid}/", None),
        ("write", "post", f"/arbeid/kandidat/{cid}/fase/", {"to_phase": "in_work", "version": version}),
        ("write", "post", f"/arbeid/kandidat/{cid}/apenhet/", {"disclosure_may_tell": "x", "disclosure_agreed_on": today,
                                                               "version": version}),
        ("write", "post", f"/arbeid/kandidat/{cid}/forleng/", {}),
        ("write", "post", f"/arbeid/kandidat/{cid}/jobbstart/", {"employer": GOOD, "job_title": "Butikk", "start_date": today,
                                                                 "hours_per_week": "20", "wage_type": "ordinary"}),
        ("write", "post", f"/arbeid/kandidat/{cid}/oppfolging/{_sub(w, t, 'fa_id')}/", {"note": "ok", "field_minutes": "30"}),
        ("write", "post", f"/arbeid/kandidat/{cid}/status/{_sub(w, t, 'start_id')}/", {"month": "3", "still_working": "1",
                                                                                        "hours_per_week": "20"}),
        ("read", "get", f"{api_prefix}/kandidater/{cid}", None),
        ("write", "json", f"{api_prefix}/kandidater/{cid}/fase", {"to_phase": "in_work", "version": version}),
        ("write", "json", f"{api_prefix}/kandidater/{cid}/jobbstart", {"employer_orgnr": GOOD, "job_title": "Butikk",
                                                                        "start_date": today, "hours_per_week": 20,
                                                                        "wage_type": "ordinary"}),
    ]


def client_requests(w, t):
    cid = _client_id(w, t)
    js = w["people"]["js_other"].staff.pk
    return [
        ("read", "get", f"/arbeid/bruker/{cid}/", None),
        ("read", "get", f"/arbeid/bruker/{cid}/panel/", None),
        ("write", "post", f"/arbeid/bruker/{cid}/jobbprofil/", {"skills": "truck", "share": ["skills"]}),
        ("write", "post", f"/arbeid/bruker/{cid}/henvis/", {"specialist": js, "over_cap_reason": "fordi"}),
        ("write", "post", f"/arbeid/bruker/{cid}/presenter/", {"employer": GOOD, "step": "assess", "suitable": "1",
                                                               "reasoning": "passer"}),
        ("write", "post", f"/arbeid/bruker/{cid}/samtykke/{_sub(w, t, 'consent_id')}/trekk/", {}),
        ("write", "json", f"/api/v1/arbeid/brukere/{cid}/henvisning", {"specialist_id": js, "over_cap_reason": "fordi"}),
    ]


def _send(c, method, url, body):
    if method == "get":
        return c.get(url)
    if method == "json":
        import json

        return c.post(url, json.dumps(body), content_type="application/json")
    return c.post(url, body)


WRITTEN = (wm.Employer, wm.ContactPerson, wm.Vacancy, wm.EmployerContact, wm.JobProfile, wm.SuitabilityAssessment,
           wm.PresentationConsent, wm.Presentation, wm.IpsCase, wm.PhaseChange, wm.JobStart, wm.FollowAlong,
           wm.StartCheckpoint, wm.FidelityReview, wm.OfficeWorkSettings)


def _state():
    """A fingerprint of everything the work app writes (rows and versions), and the journal."""
    from skreddersy.followup.models import JournalEntry

    rows = tuple(m.objects.count() for m in WRITTEN) + (JournalEntry.objects.count(),)
    versions = tuple(wm.IpsCase.objects.order_by("pk").values_list("version", "granted_until", "phase", "disclosure_may_tell"))
    done = tuple(wm.FollowAlong.objects.filter(done_at__isnull=False).values_list("pk", flat=True))
    withdrawn = tuple(wm.PresentationConsent.objects.filter(withdrawn_at__isnull=False).values_list("pk", flat=True))
    return rows, versions, done, withdrawn


def _run(client, p: P, method, url, body):
    """Send one request in a savepoint that is rolled back; return (status, wrote, denied_audits)."""
    with transaction.atomic():
        before = _state()
        denied_before = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count()
        r = _send(client, method, url, body)
        after = _state()
        denied = AuditEntry.objects.filter(action=AuditEntry.Action.DENIED).count() - denied_before
        transaction.set_rollback(True)
    return r.status_code, before != after, denied


def _login(client, p: P):
    client.logout()
    if p.anonymous:
        return client
    if p.client is not None:
        client.force_login(f.client_user(p.client))
    else:
        client.force_login(f.fresh_user(p.staff))
    return client


def _check_refused(p, status, wrote, denied, url, hidden: bool):
    assert not wrote, f"{p.name}: a refused request wrote something: {url}"
    if p.anonymous:
        assert status in (302, 401), (p.name, url, status)
        return
    if hidden:
        assert status == 404, f"{p.name}: a hidden id must answer as a missing one (404), got {status}: {url}"
    else:
        assert status in (403, 404), (p.name, url, status)
    assert denied >= 1, f"{p.name}: refusal not audited: {url}"


def _check_allowed(p, status, url):
    assert status in (200, 201, 302, 409, 422), f"{p.name}: allowed request answered {status}: {url}"


@pytest.mark.parametrize("who", list(PRINCIPALS))
def test_case_urls_and_api_for_every_principal(world, client, who):
    p = world["people"][who]
    c = _login(client, p)
    for t in TARGETS:
        missing = t == "missing"
        case = None if missing else world["cases"][t]
        for kind, method, url, body in case_requests(world, t):
            status, wrote, denied = _run(c, p, method, url, body)
            if missing:
                assert not wrote and status in ((302, 401) if p.anonymous else (403, 404)), (who, url, status)
                continue
            may = reads_case(world, p, case) if kind == "read" else works_case(world, p, case)
            if may:
                _check_allowed(p, status, url)
            else:
                _check_refused(p, status, wrote, denied, url, hidden=not reads_case(world, p, case))


@pytest.mark.parametrize("who", list(PRINCIPALS))
def test_client_urls_and_api_for_every_principal(world, client, who):
    p = world["people"][who]
    c = _login(client, p)
    for t in TARGETS:
        missing = t == "missing"
        target = None if missing else world["clients"][t]
        for _kind, method, url, body in client_requests(world, t):
            status, wrote, denied = _run(c, p, method, url, body)
            if missing:
                assert not wrote and status in ((302, 401) if p.anonymous else (403, 404)), (who, url, status)
                continue
            # the work page of a client (profile, assessments, consents) is Nav's: staff with a follow-up role
            if sees_client(world, p, target):
                _check_allowed(p, status, url)
            else:
                _check_refused(p, status, wrote, denied, url, hidden=True)


@pytest.mark.parametrize("who", list(PRINCIPALS))
def test_employer_register_team_and_role_pages_for_every_principal(world, client, who):
    p = world["people"][who]
    c = _login(client, p)
    e, a, team = world["employer"], world["offices"]["a"], world["team"]
    scores = {str(i): 3 for i in range(1, 26)}
    today = dt.date.today().isoformat()
    register = [
        ("get", "/arbeid/arbeidsgivere/", None),
        ("post", "/arbeid/arbeidsgivere/", {"orgnr": "923609016", "name": "Ny AS", "municipality": "Bergen", "sector": "private"}),
        ("get", f"/arbeid/arbeidsgivere/{e.pk}/", None),
        ("post", f"/arbeid/arbeidsgivere/{e.pk}/kontakt/", {"kind": "phone", "purpose": "job_development", "outcome": "follow_up"}),
        ("post", f"/arbeid/arbeidsgivere/{e.pk}/kontaktperson/", {"name": "Kari"}),
        ("post", f"/arbeid/arbeidsgivere/{e.pk}/stilling/", {"title": "Lager", "hours_per_week": "20"}),
        ("get", "/api/v1/arbeid/arbeidsgivere?q=bak", None),
        ("json", "/api/v1/arbeid/arbeidsgivere", {"orgnr": "923609016", "name": "Ny AS", "municipality": "Bergen"}),
        ("get", f"/api/v1/arbeid/arbeidsgivere/{e.pk}", None),
        ("json", f"/api/v1/arbeid/arbeidsgivere/{e.pk}/kontakter", {"kind": "phone", "purpose": "job_development",
                                                                    "outcome": "follow_up"}),
        ("json", f"/api/v1/arbeid/arbeidsgivere/{e.pk}/stillinger", {"title": "Lager", "hours_per_week": 20}),
    ]
    for method, url, body in register:
        status, wrote, denied = _run(c, p, method, url, body)
        if uses_register(p):
            _check_allowed(p, status, url)
        else:
            _check_refused(p, status, wrote, denied, url, hidden=False)

    specialist = p.staff is not None and Role.JOB_SPECIALIST in p.roles
    for method, url in (("get", "/arbeid/jobbspesialist/"), ("get", "/api/v1/arbeid/kandidater")):
        status, wrote, denied = _run(c, p, method, url, None)
        if specialist:
            _check_allowed(p, status, url)
        else:
            _check_refused(p, status, wrote, denied, url, hidden=False)

    supervising = [
        ("get", f"/arbeid/metodeveileder/?kontor={a.pk}", None),
        ("get", f"/arbeid/troskap/{team.pk}/", None),
        ("post", f"/arbeid/troskap/{team.pk}/", {"reviewed_on": today, **{f"score_{k}": v for k, v in scores.items()}}),
        ("json", f"/api/v1/arbeid/team/{team.pk}/troskap", {"reviewed_on": today, "scores": scores}),
        ("get", f"/arbeid/resultater/?utvalg=kontor&kontor={a.pk}", None),
        ("get", f"/api/v1/arbeid/resultater?office_id={a.pk}", None),
    ]
    for method, url, body in supervising:
        status, wrote, denied = _run(c, p, method, url, body)
        if supervises_a(p):
            _check_allowed(p, status, url)
        else:
            _check_refused(p, status, wrote, denied, url, hidden=False)

    url = f"/arbeid/metodeveileder/kontor/{a.pk}/innstillinger/"
    status, wrote, denied = _run(c, p, "post", url, {"caseload_cap": "12", "job_starts_target": "9"})
    if supervises_a(p) and p.roles & LEADERS:
        assert wrote and status == 302, (who, status)
    else:
        _check_refused(p, status, wrote, denied, url, hidden=False)
