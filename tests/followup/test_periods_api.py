"""The JSON API of follow-up periods (decision 0040): list a client's periods with their switches
of mode (and KVP periods for those who may know of them), start and end a period, switch between
digital and manual follow-up with a reason. Each answer as documented: 404 for a client the user
may not see (as for a missing one), 409 for a refusal because of the state, 422 with the field for
bad input; nothing half-written; audited; a retry with the same Idempotency-Key does it once.
And the client record's form and PATCH no longer switch the mode without a reason."""

from __future__ import annotations

import json

import pytest
from django.test import Client as HttpClient

from skreddersy.clients.models import Client, FollowUpPeriod, KvpPeriod, ModeChange
from skreddersy.core.models import AuditEntry, Role
from skreddersy.followup import periods
from skreddersy.followup.models import JournalEntry
from tests import factories as f

API = "/api/v1/clients/{}"
REASON = "Har ikke BankID og ønsker brev i posten"


@pytest.fixture
def case(org):
    a = org["a"]
    state = org["counsellor"]
    municipal = f.staff(Role.COUNSELLOR, offices=[a], employer="municipal")
    client = f.client(a, state, login=True)
    elsewhere = f.staff(Role.COUNSELLOR, offices=[org["b"]])
    return {"state": state, "municipal": municipal, "client": client, "elsewhere": elsewhere, "office": a}


def _http(staff_or_user) -> HttpClient:
    http = HttpClient()
    http.force_login(getattr(staff_or_user, "user", staff_or_user))
    return http


def _post(http, url, body=None, key=None):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key else {}
    return http.post(url, data=json.dumps(body or {}), content_type="application/json", **headers)


def _state(client):
    return (
        list(FollowUpPeriod.objects.filter(client=client).values_list("start", "end", "end_reason")),
        list(ModeChange.objects.filter(client=client).values_list("manual", "reason")),
        Client.objects.get(pk=client.pk).manual_followup,
        JournalEntry.objects.filter(client=client).count(),
    )


def _audit(staff, client, what):
    return list(AuditEntry.objects.filter(actor=staff.user, client_id=client.pk, what=what).values_list("action", "why"))


# --- listing -------------------------------------------------------------------------------------------


def test_list_periods_with_mode_changes_current_first(case):
    client, state = case["client"], case["state"]
    http = _http(state)
    first = client.periods.get()
    assert _post(http, API.format(client.pk) + "/followup-mode", {"manual": True, "reason": REASON}).status_code == 201
    assert _post(http, API.format(client.pk) + "/periods/end", {"reason": "education"}).status_code == 200
    assert _post(http, API.format(client.pk) + "/periods").status_code == 201
    r = http.get(API.format(client.pk) + "/periods")
    assert r.status_code == 200
    body = r.json()
    assert body["client"] == client.pk and body["manual_followup"] is True
    current, old = body["periods"]
    assert current["is_open"] and current["end"] is None and current["end_reason"] == ""
    assert (old["id"], old["is_open"], old["end_reason"]) == (first.pk, False, "education")
    assert old["end_reason_label"] == "Begynt på utdanning"
    assert [(m["manual"], m["reason"], m["by"]) for m in old["mode_changes"]] == [(True, REASON, state.display_name)]
    assert current["mode_changes"] == [] and old["kvp_periods"] == []
    assert ("read", "") in _audit(state, client, "oppfølgingsperioder")


def test_kvp_periods_are_listed_only_to_those_who_may_know_of_them(case):
    client, municipal, state = case["client"], case["municipal"], case["state"]
    kvp = periods.start_kvp(user=municipal.user, client=client.pk, followers=[municipal.pk], reason="Vedtak om KVP i dag")
    seen = _http(municipal).get(API.format(client.pk) + "/periods").json()["periods"][0]["kvp_periods"]
    assert [(k["id"], k["end"], k["followers"]) for k in seen] == [(kvp.pk, None, [municipal.display_name])]
    # a state counsellor without the client's consent sees no trace of it
    text = _http(state).get(API.format(client.pk) + "/periods").content.decode()
    assert json.loads(text)["periods"][0]["kvp_periods"] == [] and "Vedtak om KVP" not in text


# --- writes ----------------------------------------------------------------------------------------------


def test_end_and_start_a_period_audited_and_journalled(case):
    client, state = case["client"], case["state"]
    http = _http(state)
    r = _post(http, API.format(client.pk) + "/periods/end", {"reason": "work", "period": client.periods.get().pk})
    assert r.status_code == 200 and r.json()["end_reason"] == "work" and not r.json()["is_open"]
    assert _audit(state, client, "oppfølgingsperiode: avslutt") == [("write", "")]
    r = _post(http, API.format(client.pk) + "/periods")
    assert r.status_code == 201 and r.json()["is_open"]
    assert FollowUpPeriod.objects.filter(client=client, end__isnull=True).get().pk == r.json()["id"]
    assert _audit(state, client, "oppfølgingsperiode: start") == [("write", "")]


def test_switch_mode_audited_with_its_reason(case):
    client, state = case["client"], case["state"]
    r = _post(_http(state), API.format(client.pk) + "/followup-mode", {"manual": True, "reason": REASON})
    assert r.status_code == 201 and r.json()["manual"] is True and r.json()["reason"] == REASON
    assert Client.objects.get(pk=client.pk).manual_followup is True
    assert ModeChange.objects.get(client=client).period_id == client.periods.get().pk
    assert _audit(state, client, "oppfølging: digital/manuell") == [("write", "")]


# --- refusals --------------------------------------------------------------------------------------------


def _refused(http, url, body, status, field, words, client):
    before = _state(client)
    r = _post(http, url, body)
    assert r.status_code == status, r.content
    answer = r.json()
    assert answer["code"] == {409: "conflict", 422: "invalid"}[status]
    if field is not None:
        assert field in [d["field"] for d in answer["detail"]], answer
    text = answer["message"] + " " + " ".join(d["reason"] for d in answer["detail"])
    assert words in text, answer
    assert _state(client) == before  # nothing half-written


def test_state_conflicts_are_409_and_write_nothing(case):
    client, state, municipal = case["client"], case["state"], case["municipal"]
    http = _http(state)
    url = API.format(client.pk)
    _refused(http, url + "/periods", None, 409, "period", "allerede en åpen oppfølgingsperiode", client)
    assert _audit(state, client, "oppfølgingsperiode: start") == [("write", "avvist: conflict (period)")]
    _refused(http, url + "/followup-mode", {"manual": False, "reason": REASON}, 409, "manual", "allerede digital", client)
    first = client.periods.get().pk
    periods.start_kvp(user=municipal.user, client=client.pk, followers=[municipal.pk], reason="Vedtak om KVP i dag")
    before_kvp = KvpPeriod.objects.get(client=client).end
    _refused(http, url + "/periods/end", {"reason": "work"}, 409, "period", "KVP", client)
    assert KvpPeriod.objects.get(client=client).end == before_kvp
    kvp = KvpPeriod.objects.get(client=client)
    periods.end_kvp(user=municipal.user, kvp=kvp.pk, reason="Programmet er fullført")
    assert _post(http, url + "/periods/end", {"reason": "work"}).status_code == 200
    _refused(http, url + "/periods/end", {"reason": "work"}, 409, "period", "ingen åpen oppfølgingsperiode", client)
    _refused(http, url + "/followup-mode", {"manual": True, "reason": REASON}, 409, "period", "Start en periode", client)
    assert _post(http, url + "/periods").status_code == 201
    _refused(http, url + "/periods/end", {"reason": "work", "period": first}, 409, "period", "allerede avsluttet", client)


@pytest.mark.parametrize(
    "path,body,field",
    [
        ("/periods/end", {}, "reason"),
        ("/periods/end", {"reason": "annet"}, "reason"),
        ("/periods/end", {"reason": "work", "period": 0}, "period"),
        ("/periods/end", {"reason": "work", "period": "first"}, "period"),
        ("/followup-mode", {"reason": REASON}, "manual"),
        ("/followup-mode", {"manual": "kanskje", "reason": REASON}, "manual"),
        ("/followup-mode", {"manual": True}, "reason"),
        ("/followup-mode", {"manual": True, "reason": "kort"}, "reason"),
        ("/followup-mode", {"manual": True, "reason": "   "}, "reason"),
        ("/followup-mode", {"manual": True, "reason": "x" * 2001}, "reason"),
    ],
)
def test_bad_input_is_422_with_the_field(case, path, body, field):
    client = case["client"]
    before = _state(client)
    r = _post(_http(case["state"]), API.format(client.pk) + path, body)
    assert r.status_code == 422, r.content
    assert field in [d["field"] for d in r.json()["detail"]], r.json()
    assert _state(client) == before


def test_a_period_of_another_client_is_not_found(case):
    client = case["client"]
    other = f.client(case["office"], case["state"])
    before = _state(client)
    r = _post(_http(case["state"]), API.format(client.pk) + "/periods/end", {"reason": "work", "period": other.periods.get().pk})
    assert r.status_code == 404 and _state(client) == before


@pytest.mark.parametrize("op", ["list", "start", "end", "mode"])
def test_a_hidden_client_answers_as_a_missing_one_and_is_audited(case, op):
    hidden, elsewhere = case["client"], case["elsewhere"]
    missing = Client.objects.order_by("-pk").first().pk + 1000
    calls = {
        "list": lambda http, pk: http.get(API.format(pk) + "/periods"),
        "start": lambda http, pk: _post(http, API.format(pk) + "/periods"),
        "end": lambda http, pk: _post(http, API.format(pk) + "/periods/end", {"reason": "work"}),
        "mode": lambda http, pk: _post(http, API.format(pk) + "/followup-mode", {"manual": True, "reason": REASON}),
    }
    before = _state(hidden)
    a = calls[op](_http(elsewhere), hidden.pk)
    b = calls[op](_http(elsewhere), missing)
    assert a.status_code == b.status_code == 404
    assert a.json() == b.json()
    assert _state(hidden) == before
    assert AuditEntry.objects.filter(actor=elsewhere.user, client_id=hidden.pk, action="denied").exists()


def test_the_client_themself_may_not_change_their_periods(case):
    client = case["client"]
    before = _state(client)
    http = _http(client.user)
    assert _post(http, API.format(client.pk) + "/followup-mode", {"manual": True, "reason": REASON}).status_code == 403
    assert _post(http, API.format(client.pk) + "/periods/end", {"reason": "work"}).status_code == 403
    assert _state(client) == before


# --- idempotency --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path,body,status",
    [("/followup-mode", {"manual": True, "reason": REASON}, 201), ("/periods/end", {"reason": "work"}, 200)],
)
def test_a_retry_with_the_same_key_does_it_once(case, path, body, status):
    client = case["client"]
    http = _http(case["state"])
    first = _post(http, API.format(client.pk) + path, body, key="periods-1")
    after = _state(client)
    again = _post(http, API.format(client.pk) + path, body, key="periods-1")
    assert first.status_code == again.status_code == status
    assert again.content == first.content and again["Idempotent-Replayed"] == "true"
    assert _state(client) == after  # no second switch, no second journal line


def test_starting_twice_with_the_same_key_starts_one_period(case):
    client = case["client"]
    http = _http(case["state"])
    assert _post(http, API.format(client.pk) + "/periods/end", {"reason": "work"}).status_code == 200
    first = _post(http, API.format(client.pk) + "/periods", key="start-1")
    again = _post(http, API.format(client.pk) + "/periods", key="start-1")
    assert first.status_code == again.status_code == 201 and again.content == first.content
    assert FollowUpPeriod.objects.filter(client=client).count() == 2


# --- the client record no longer switches the mode without a reason ----------------------------------------


def test_the_edit_form_does_not_switch_the_mode(case):
    client = case["client"]
    http = _http(case["state"])
    page = http.get(f"/bruker/{client.pk}/endre/").content.decode()
    assert 'name="manual_followup"' not in page and f"/bruker/{client.pk}/perioder/" in page
    r = http.post(
        f"/bruker/{client.pk}/endre/",
        {"first_name": "Per", "last_name": client.last_name, "municipality": "Bergen", "language": "nb",
         "manual_followup": "on"},
    )
    assert r.status_code == 302
    client.refresh_from_db()
    assert (client.first_name, client.manual_followup) == ("Per", False)
    assert not ModeChange.objects.filter(client=client).exists()


def test_patching_the_mode_without_a_reason_is_refused(case):
    client = case["client"]
    http = _http(case["state"])
    before = _state(client)
    r = http.patch(API.format(client.pk), data=json.dumps({"manual_followup": True, "first_name": "Per"}),
                   content_type="application/json")
    assert r.status_code == 422
    reasons = {d["field"]: d["reason"] for d in r.json()["detail"]}
    assert "begrunnelse" in reasons["manual_followup"] and "Oppfølgingsperioder" in reasons["manual_followup"]
    assert _state(client) == before and Client.objects.get(pk=client.pk).first_name != "Per"
    # the record read and sent back whole (the current mode) is saved, the mode left as it is
    r = http.patch(API.format(client.pk), data=json.dumps({"manual_followup": False, "first_name": "Per"}),
                   content_type="application/json")
    assert r.status_code == 200 and r.json()["manual_followup"] is False and r.json()["first_name"] == "Per"
