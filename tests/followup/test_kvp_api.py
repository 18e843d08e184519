"""KVP start and end in the JSON API (decision 0040): POST /clients/{id}/kvp and
POST /clients/{id}/kvp/end, through the same services as the periods page. Each answer as
documented: 201/200 with the KVP period, 404 for a client the caller may not see (byte for byte as a
missing one), 403 for a caller who may not run or end it, 409 for a refusal because of the state,
422 with the field for bad input, 400 for a body that is not JSON; nothing half-written; audited; a
retry with the same Idempotency-Key does it once; two starts at once make one KVP period.

And the existence of a KVP does not leak to the state side: a state caller's answers are the same
whether or not the client is in KVP, as GET periods shows them none."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from skreddersy.clients.models import KvpPeriod
from skreddersy.core.models import AuditEntry, Role
from skreddersy.followup.models import JournalEntry
from tests import factories as f

API = "/api/v1/clients/{}"
START = "Vedtak om kvalifiseringsprogram fattet"
END = "Programmet er fullført, bruker i jobb"


@pytest.fixture
def case(org):
    a = org["a"]
    municipal = f.staff(Role.COUNSELLOR, offices=[a], employer="municipal")
    colleague = f.staff(Role.COUNSELLOR, offices=[a], employer="municipal")
    return {
        "state": org["counsellor"],
        "municipal": municipal,
        "colleague": colleague,
        "client": f.client(a, org["counsellor"], login=True),
        "elsewhere": f.staff(Role.COUNSELLOR, offices=[org["b"]], employer="municipal"),
        "office": a,
    }


def _http(who) -> HttpClient:
    http = HttpClient()
    http.force_login(getattr(who, "user", who))
    return http


def _post(http, url, body=None, key=None, raw=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    data = raw if raw is not None else json.dumps(body if body is not None else {})
    return http.post(url, data=data, content_type="application/json", **headers)


def _start(http, client, followers, reason=START, **kw):
    return _post(http, API.format(client.pk) + "/kvp", {"followers": followers, "reason": reason}, **kw)


def _end(http, client, reason=END, **kw):
    return _post(http, API.format(client.pk) + "/kvp/end", {"reason": reason}, **kw)


def _state(client):
    return (
        list(KvpPeriod.objects.filter(client=client).order_by("pk").values_list("pk", "end", "end_reason")),
        sorted(KvpPeriod.followers.through.objects.filter(kvpperiod__client=client).values_list("kvpperiod_id", "staffmember_id")),
        JournalEntry.objects.filter(client=client).count(),
    )


def _audit(who, client, what):
    return list(AuditEntry.objects.filter(actor=who.user, client_id=client.pk, what=what).values_list("action", "why"))


# --- the work -----------------------------------------------------------------------------------------------


def test_municipal_staff_start_and_end_a_kvp(case):
    client, municipal, colleague = case["client"], case["municipal"], case["colleague"]
    http = _http(municipal)
    r = _start(http, client, [municipal.pk, colleague.pk])
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["end"] is None and body["followers"] == [municipal.display_name, colleague.display_name]
    kvp = KvpPeriod.objects.get(client=client)
    assert (body["id"], kvp.start_reason, kvp.started_by_id) == (kvp.pk, START, municipal.user_id)
    assert _audit(municipal, client, "kvp: start") == [("write", "")]
    assert JournalEntry.objects.filter(client=client, kind="kvp", object_id=kvp.pk).count() == 1
    listed = http.get(API.format(client.pk) + "/periods").json()["periods"][0]["kvp_periods"]
    assert [k["id"] for k in listed] == [kvp.pk]
    # a colleague who follows it ends it
    r = _end(_http(colleague), client)
    assert r.status_code == 200, r.content
    kvp.refresh_from_db()
    assert r.json()["end"] is not None and (kvp.end_reason, kvp.ended_by_id) == (END, colleague.user_id)
    assert _audit(colleague, client, "kvp: avslutt") == [("write", "")]


# --- refusals ------------------------------------------------------------------------------------------------


def _refused(r, status, field, words, client, before):
    assert r.status_code == status, r.content
    answer = r.json()
    assert answer["code"] == {400: "invalid", 403: "forbidden", 409: "conflict", 422: "invalid"}[status]
    if field is not None:
        assert field in [d["field"] for d in answer["detail"]], answer
    text = answer["message"] + " " + " ".join(d["reason"] for d in answer["detail"])
    assert words in text, answer
    assert _state(client) == before  # nothing half-written


def test_state_refusals_are_409(case):
    client, municipal = case["client"], case["municipal"]
    http = _http(municipal)
    before = _state(client)
    _refused(_end(http, client), 409, "kvp", "ikke i KVP", client, before)
    assert _start(http, client, [municipal.pk]).status_code == 201
    before = _state(client)
    _refused(_start(http, client, [municipal.pk]), 409, "kvp", "allerede i KVP", client, before)
    assert ("write", "avvist: conflict (kvp)") in _audit(municipal, client, "kvp: start")
    assert _end(http, client).status_code == 200
    before = _state(client)
    _refused(_end(http, client), 409, "kvp", "ikke i KVP", client, before)
    # no open follow-up period: a KVP runs within one
    state = _http(case["state"])
    assert _post(state, API.format(client.pk) + "/periods/end", {"reason": "work"}).status_code == 200
    before = _state(client)
    _refused(_start(http, client, [municipal.pk]), 409, "period", "ingen åpen oppfølgingsperiode", client, before)


def test_only_followers_end_it(case):
    client, municipal, colleague = case["client"], case["municipal"], case["colleague"]
    assert _start(_http(municipal), client, [municipal.pk]).status_code == 201
    before = _state(client)
    _refused(_end(_http(colleague), client), 403, "kvp", "Bare de kommunalt ansatte som følger opp", client, before)
    assert _audit(colleague, client, "kvp: avslutt") == [("denied", "avvist: forbidden (kvp)")]


@pytest.mark.parametrize("running", [False, True])
def test_the_state_side_learns_nothing_of_a_kvp(case, running):
    """A state counsellor's start and end answer alike whether or not the client is in KVP (and
    whatever they send), as GET periods shows them no KVP period."""
    client, municipal, state = case["client"], case["municipal"], case["state"]
    quiet = f.client(case["office"], state)
    if running:
        assert _start(_http(municipal), client, [municipal.pk]).status_code == 201
    http = _http(state)
    for body_start, body_end in [({"followers": [municipal.pk], "reason": START}, {"reason": END}),
                                 ({"followers": [municipal.pk], "reason": "kort"}, {"reason": "kort"})]:
        answers = []
        for c in (client, quiet):
            before = _state(c)
            a = _post(http, API.format(c.pk) + "/kvp", body_start)
            b = _post(http, API.format(c.pk) + "/kvp/end", body_end)
            assert _state(c) == before
            answers.append((a.status_code, a.content, b.status_code, b.content))
        assert answers[0] == answers[1]
        assert answers[0][0] == answers[0][2] == 403
    assert ("denied", "avvist: forbidden (kvp)") in _audit(state, client, "kvp: avslutt")
    listed = http.get(API.format(client.pk) + "/periods").json()["periods"][0]["kvp_periods"]
    assert listed == []


def test_the_client_themself_may_do_neither(case):
    client, municipal = case["client"], case["municipal"]
    before = _state(client)
    http = _http(client.user)
    assert _start(http, client, [municipal.pk]).status_code == 403
    assert _end(http, client).status_code == 403
    assert _state(client) == before


@pytest.mark.parametrize(
    "body,field,words",
    [
        ({"reason": START}, "followers", "required"),
        ({"followers": [], "reason": START}, "followers", "Velg minst én kommunalt ansatt"),
        ({"followers": ["en"], "reason": START}, "followers.0", "integer"),
        ({"followers": [True], "reason": START}, "followers.0", "integer"),
        ({"followers": [0], "reason": START}, "followers.0", "greater than or equal to 1"),
        ({"followers": [2**64], "reason": START}, "followers.0", "less than or equal to"),
        ({"followers": 5, "reason": START}, "followers", "list"),
        ({"followers": "FOLLOWERS"}, "reason", "required"),
        ({"followers": "FOLLOWERS", "reason": "kort"}, "reason", "minst 10 tegn"),
        ({"followers": "FOLLOWERS", "reason": "    "}, "reason", "Skriv en begrunnelse for KVP"),
        ({"followers": "FOLLOWERS", "reason": "x" * 2001}, "reason", "2000"),
        ({"followers": "STATE", "reason": START}, "followers", "er statlig ansatt"),
        ({"followers": "ELSEWHERE", "reason": START}, "followers", "ingen ansatt ved brukerens kontor har id"),
        ({"followers": [999_999_999], "reason": START}, "followers", "ingen ansatt ved brukerens kontor har id 999999999"),
    ],
)
def test_bad_input_to_start_is_422_with_the_field(case, body, field, words):
    client, municipal = case["client"], case["municipal"]
    named = {"FOLLOWERS": [municipal.pk], "STATE": [case["state"].pk], "ELSEWHERE": [case["elsewhere"].pk]}
    body = {k: named.get(v, v) if isinstance(v, str) else v for k, v in body.items()}
    before = _state(client)
    r = _post(_http(municipal), API.format(client.pk) + "/kvp", body)
    _refused(r, 422, field, words, client, before)
    if body.get("followers") == [case["elsewhere"].pk]:
        assert case["elsewhere"].display_name not in r.content.decode()  # a guessed id tells no name


@pytest.mark.parametrize(
    "body,words", [({}, "required"), ({"reason": "kort"}, "minst 10 tegn"), ({"reason": None}, "string")]
)
def test_bad_input_to_end_is_422_with_the_field(case, body, words):
    client, municipal = case["client"], case["municipal"]
    assert _start(_http(municipal), client, [municipal.pk]).status_code == 201
    before = _state(client)
    _refused(_post(_http(municipal), API.format(client.pk) + "/kvp/end", body), 422, "reason", words, client, before)


@pytest.mark.parametrize("path", ["/kvp", "/kvp/end"])
def test_a_body_that_is_not_json_is_400_with_a_message(case, path):
    client = case["client"]
    before = _state(client)
    r = _post(_http(case["municipal"]), API.format(client.pk) + path, raw="{followers: [1]")
    _refused(r, 400, None, "gyldig JSON", client, before)


@pytest.mark.parametrize("path", ["/kvp", "/kvp/end"])
def test_a_hidden_client_answers_as_a_missing_one_and_is_audited(case, path):
    client, elsewhere, municipal = case["client"], case["elsewhere"], case["municipal"]
    assert _start(_http(municipal), client, [municipal.pk]).status_code == 201
    missing = client.pk + 10_000
    body = {"followers": [elsewhere.pk], "reason": START} if path == "/kvp" else {"reason": END}
    before = _state(client)
    http = _http(elsewhere)
    a = _post(http, API.format(client.pk) + path, body)
    b = _post(http, API.format(missing) + path, body)
    assert a.status_code == b.status_code == 404 and a.content == b.content
    assert _state(client) == before
    assert AuditEntry.objects.filter(actor=elsewhere.user, client_id=client.pk, action="denied").exists()


# --- idempotency and concurrency -------------------------------------------------------------------------------


@pytest.mark.parametrize("op", ["start", "end"])
def test_a_retry_with_the_same_key_does_it_once(case, op):
    client, municipal = case["client"], case["municipal"]
    http = _http(municipal)
    if op == "end":
        assert _start(http, client, [municipal.pk]).status_code == 201
    call = (lambda: _start(http, client, [municipal.pk], key="kvp-1")) if op == "start" else (lambda: _end(http, client, key="kvp-1"))
    first = call()
    after = _state(client)
    again = call()
    assert first.status_code == again.status_code == {"start": 201, "end": 200}[op]
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert _state(client) == after


@pytest.mark.django_db(transaction=True)
def test_two_starts_at_once_make_one_kvp(rerun_on_file_sqlite):
    """Two municipal counsellors start KVP for one client at the same moment: one 201, one 409, one
    KVP period (PostgreSQL: the client row is locked; SQLite: writers queue)."""
    if rerun_on_file_sqlite():
        return
    import threading

    from django.db import connections

    county = f.county("46")
    office = f.office(county)
    a, b = (f.staff(Role.COUNSELLOR, offices=[office], employer="municipal") for _ in range(2))
    client = f.client(office)
    barrier = threading.Barrier(2)
    results, lock = [], threading.Lock()

    def go(who):
        try:
            http = _http(who)
            barrier.wait(timeout=10)
            r = _start(http, client, [who.pk])
            out = (r.status_code, r.json()["code"] if r.status_code >= 400 else "ok")
        except Exception as exc:  # anything else fails the test loudly
            out = (0, f"{type(exc).__name__}: {exc}")
        finally:
            connections.close_all()
        with lock:
            results.append(out)

    threads = [threading.Thread(target=go, args=(s,)) for s in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert all(not t.is_alive() for t in threads), "a start hung"
    assert sorted(results) == [(201, "ok"), (409, "conflict")], results
    assert KvpPeriod.objects.filter(client=client).count() == 1
    assert JournalEntry.objects.filter(client=client, kind="kvp").count() == 1
