"""Follow-up periods (issue 17, part 5): start and end a period (the reason from a fixed list),
switch between digital and manual follow-up with a reason, start and end a KVP period run by the
municipal side; each write audited and journalled; bad input refused with a specific message and
nothing half-written; the person page and the journal by period, the current first."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient

from skreddersy.clients.models import Client, FollowUpPeriod, KvpPeriod, ModeChange
from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import AuditEntry, Role
from skreddersy.followup import periods, selectors, services
from skreddersy.followup.models import ActivityPlan, JournalEntry
from tests import factories as f

TZ = dt.UTC


@pytest.fixture(autouse=True)
def _release_clock():
    yield
    clock.freeze(None)


@pytest.fixture
def case(org):
    a = org["a"]
    state = org["counsellor"]
    municipal = f.staff(Role.COUNSELLOR, offices=[a], employer="municipal")
    municipal_b = f.staff(Role.COUNSELLOR, offices=[org["b"]], employer="municipal")
    client = f.client(a, state, login=True)
    return {"state": state, "municipal": municipal, "municipal_b": municipal_b, "client": client, "office": a}


def _state(client):
    """Everything a refused write could leave behind."""
    return (
        list(FollowUpPeriod.objects.filter(client=client).values_list("start", "end", "end_reason")),
        list(ModeChange.objects.filter(client=client).values_list("manual", "reason")),
        list(KvpPeriod.objects.filter(client=client).values_list("start", "end")),
        Client.objects.get(pk=client.pk).manual_followup,
        JournalEntry.objects.filter(client=client).count(),
        list(ActivityPlan.objects.filter(client=client).values_list("closed_at", flat=True)),
    )


def _audit(user, client, what):
    return list(
        AuditEntry.objects.filter(
            actor=user.user if hasattr(user, "user") else user, client_id=client.pk, what=what
        ).values_list("action", "why")
    )


def _refused(fn, match, whose, *, refusal=(InvalidInput, AccessDenied), **kw):
    """``fn(**kw)`` is refused (``refusal``) with a message holding ``match``, and ``whose`` record is
    unchanged. A refusal because of the record's state (a period already open, none open, a KVP
    running, the mode already set) is a ``Conflict`` (409 in the API)."""
    before = _state(whose)
    with pytest.raises(refusal) as exc:
        fn(**kw)
    assert match in (exc.value.message + " " + " ".join(exc.value.errors.values())), exc.value.errors
    assert _state(whose) == before  # nothing half-written
    return exc.value


# --- the follow-up period ---------------------------------------------------------------------------


def test_end_and_start_a_period_journalled_and_audited(case):
    client, state = case["client"], case["state"]
    user = f.fresh_user(state)
    services.add_activity(user=user, client=client.pk, title="Søke jobber", type="own")
    ended = periods.end_period(user=user, client=client.pk, reason="work")
    assert (ended.end, ended.end_reason, ended.ended_by_id) == (clock.today(), "work", state.user_id)
    assert not ActivityPlan.objects.filter(client=client, closed_at__isnull=True).exists()  # the plan closes with it
    assert JournalEntry.objects.filter(client=client, summary="Oppfølgingsperiode avsluttet: Kommet i arbeid").exists()
    assert _audit(state, client, "oppfølgingsperiode: avslutt") == [("write", "")]
    started = periods.start_period(user=user, client=client.pk)
    assert started.end is None and started.started_by_id == state.user_id
    assert FollowUpPeriod.objects.filter(client=client).count() == 2
    assert _audit(state, client, "oppfølgingsperiode: start") == [("write", "")]
    assert selectors.plan(user=user, client_id=client.pk) == []  # the new period's plan starts empty


def test_a_second_open_period_is_refused(case):
    client = case["client"]
    err = _refused(
        periods.start_period,
        "allerede en åpen oppfølgingsperiode",
        client,
        refusal=Conflict,
        user=f.fresh_user(case["state"]),
        client=client.pk,
    )
    assert err.field == "period"
    assert _audit(case["state"], client, "oppfølgingsperiode: start") == [("write", "avvist: conflict (period)")]


def test_ending_a_period_that_is_not_open_is_refused(case):
    client, user = case["client"], f.fresh_user(case["state"])
    first = client.periods.get()
    periods.end_period(user=user, client=client.pk, reason="education")
    _refused(
        periods.end_period, "ingen åpen oppfølgingsperiode", client, refusal=Conflict, user=user, client=client.pk,
        reason="work"
    )
    periods.start_period(user=user, client=client.pk)
    _refused(
        periods.end_period, "allerede avsluttet", client, refusal=Conflict, user=user, client=client.pk, reason="work",
        period=first.pk,
    )
    with pytest.raises(NotFound):
        periods.end_period(user=user, client=client.pk, reason="work", period=f.client(case["office"]).periods.get().pk)


@pytest.mark.parametrize("reason", ["", "annet", "WORK", None, 7])
def test_the_end_reason_comes_from_the_list(case, reason):
    client = case["client"]
    _refused(
        periods.end_period, "Velg årsaken", client, user=f.fresh_user(case["state"]), client=client.pk, reason=reason
    )


def test_the_client_cannot_start_or_end_a_period(case):
    client = case["client"]
    _refused(periods.end_period, "Nav-ansatte", client, user=f.fresh_user(client.user), client=client.pk, reason="work")


# --- digital or manual follow-up ----------------------------------------------------------------------


def test_switch_to_manual_and_back_with_reasons(case):
    client, state = case["client"], case["state"]
    user = f.fresh_user(state)
    change = periods.switch_mode(user=user, client=client.pk, manual=True, reason="Har ikke BankID og ønsker brev")
    assert Client.objects.get(pk=client.pk).manual_followup is True
    assert (change.period_id, change.by_id) == (client.periods.get().pk, state.user_id)
    periods.switch_mode(user=user, client=client.pk, manual=False, reason="Har fått BankID og bruker Min side")
    assert not Client.objects.get(pk=client.pk).manual_followup
    assert [e.summary for e in JournalEntry.objects.filter(client=client).order_by("at", "id")][-2:] == [
        "Byttet til manuell oppfølging",
        "Byttet til digital oppfølging",
    ]
    assert [a for a, _ in _audit(state, client, "oppfølging: digital/manuell")] == ["write", "write"]


@pytest.mark.parametrize(
    ("reason", "words"),
    [
        ("", "Skriv en begrunnelse"),
        ("   ", "Skriv en begrunnelse"),
        (None, "Skriv en begrunnelse"),
        ("kort", "minst 10 tegn"),
    ],
)
def test_a_switch_without_a_reason_is_refused(case, reason, words):
    client = case["client"]
    err = _refused(
        periods.switch_mode,
        words,
        client,
        user=f.fresh_user(case["state"]),
        client=client.pk,
        manual=True,
        reason=reason,
    )
    assert err.field == "reason"


def test_a_switch_to_the_mode_the_client_has_and_outside_a_period_is_refused(case):
    client, user = case["client"], f.fresh_user(case["state"])
    _refused(
        periods.switch_mode,
        "har allerede digital",
        client,
        refusal=Conflict,
        user=user,
        client=client.pk,
        manual=False,
        reason="Brukeren ønsker digital oppfølging",
    )
    periods.end_period(user=user, client=client.pk, reason="no_need")
    _refused(
        periods.switch_mode,
        "ingen åpen oppfølgingsperiode",
        client,
        refusal=Conflict,
        user=user,
        client=client.pk,
        manual=True,
        reason="Brukeren ønsker brev i posten",
    )


# --- KVP ---------------------------------------------------------------------------------------------------


def test_municipal_staff_start_and_end_a_kvp(case):
    client, municipal = case["client"], case["municipal"]
    user = f.fresh_user(municipal)
    kvp = periods.start_kvp(user=user, client=client.pk, followers=[municipal.pk], reason="Vedtak om KVP fattet i dag")
    assert list(kvp.followers.all()) == [municipal] and kvp.period_id == client.periods.get().pk
    line = JournalEntry.objects.get(client=client, kind="kvp")
    assert line.category == "kvp" and line.object_id == kvp.pk
    assert _audit(municipal, client, "kvp: start") == [("write", "")]
    periods.end_kvp(user=user, kvp=kvp.pk, reason="Programmet fullført, i jobb")
    kvp.refresh_from_db()
    assert kvp.end is not None and kvp.ended_by_id == municipal.user_id
    assert _audit(municipal, client, "kvp: avslutt") == [("write", "")]


def test_a_kvp_without_municipal_staff_is_refused(case):
    client, municipal = case["client"], case["municipal"]
    user = f.fresh_user(municipal)
    reason = "Vedtak om KVP fattet i dag"
    _refused(
        periods.start_kvp,
        "Velg minst én kommunalt ansatt",
        client,
        user=user,
        client=client.pk,
        followers=[],
        reason=reason,
    )
    _refused(
        periods.start_kvp,
        "er statlig ansatt",
        client,
        user=user,
        client=client.pk,
        followers=[case["state"].pk],
        reason=reason,
    )
    _refused(
        periods.start_kvp,
        "er statlig ansatt",
        client,
        user=user,
        client=client.pk,
        followers=[municipal.pk, case["state"].pk],
        reason=reason,
    )
    _refused(
        periods.start_kvp,
        f"ingen ansatt ved brukerens kontor har id {case['municipal_b'].pk}",  # named no more than an unknown id
        client,
        user=user,
        client=client.pk,
        followers=[case["municipal_b"].pk],
        reason=reason,
    )
    _refused(periods.start_kvp, "ingen ansatt ved brukerens kontor har id 999999", client, user=user, client=client.pk,
             followers=[999999], reason=reason)
    _refused(
        periods.start_kvp,
        "Skriv en begrunnelse",
        client,
        user=user,
        client=client.pk,
        followers=[municipal.pk],
        reason="",
    )
    # state staff do not run the municipality's programme
    err = _refused(
        periods.start_kvp,
        "bare kommunalt ansatte",
        client,
        user=f.fresh_user(case["state"]),
        client=client.pk,
        followers=[municipal.pk],
        reason=reason,
    )
    assert isinstance(err, AccessDenied)
    assert _audit(case["state"], client, "kvp: start")[0][0] == "denied"


def test_a_second_kvp_and_ending_the_period_during_a_kvp_are_refused(case):
    client, municipal = case["client"], case["municipal"]
    user = f.fresh_user(municipal)
    kvp = periods.start_kvp(user=user, client=client.pk, followers=[municipal.pk], reason="Vedtak om KVP fattet i dag")
    _refused(
        periods.start_kvp,
        "allerede i KVP",
        client,
        refusal=Conflict,
        user=user,
        client=client.pk,
        followers=[municipal.pk],
        reason="Vedtak om KVP fattet igjen",
    )
    _refused(
        periods.end_period,
        "KVP-perioden må avsluttes",
        client,
        refusal=Conflict,
        user=f.fresh_user(case["state"]),
        client=client.pk,
        reason="work",
    )
    # only its followers end it, and only once
    other = f.staff(Role.COUNSELLOR, offices=[case["office"]], employer="municipal")
    _refused(
        periods.end_kvp,
        "Bare de kommunalt ansatte som følger opp",
        client,
        user=f.fresh_user(other),
        kvp=kvp.pk,
        reason="Programmet er fullført",
    )
    periods.end_kvp(user=user, kvp=kvp.pk, reason="Programmet er fullført")
    _refused(
        periods.end_kvp, "allerede avsluttet", client, refusal=Conflict, user=user, kvp=kvp.pk,
        reason="Programmet er fullført",
    )


# --- the journal and the person page by period ------------------------------------------------------------


def test_the_journal_by_period_current_first(case):
    client, state = case["client"], case["state"]
    user = f.fresh_user(state)
    first = client.periods.get()
    clock.freeze(dt.datetime(2026, 2, 1, 10, tzinfo=TZ))
    services.add_activity(user=user, client=client.pk, title="Første periode", type="own")
    periods.end_period(user=user, client=client.pk, reason="work")
    clock.freeze(dt.datetime(2026, 3, 1, 10, tzinfo=TZ))
    second = periods.start_period(user=user, client=client.pk)
    services.add_activity(user=user, client=client.pk, title="Andre periode", type="own")
    clock.freeze(dt.datetime(2026, 3, 2, 10, tzinfo=TZ))
    user = f.fresh_user(state)
    in_first = [e.summary for e in selectors.journal(user=user, client_id=client.pk, period_id=first.pk)]
    in_second = [e.summary for e in selectors.journal(user=user, client_id=client.pk, period_id=second.pk)]
    assert any("Første periode" in s for s in in_first) and not any("Andre periode" in s for s in in_first)
    assert any("Andre periode" in s for s in in_second) and not any("Første periode" in s for s in in_second)
    with pytest.raises(NotFound):
        selectors.journal(user=user, client_id=client.pk, period_id=f.client(case["office"]).periods.get().pk)
    p = selectors.person(user=user, client_id=client.pk, period_id=first.pk)
    assert [r.period.pk for r in p.periods] == [second.pk, first.pk]  # the current first
    assert all("Andre periode" not in e.summary for e in p.journal)
    http = HttpClient()
    http.force_login(state.user)
    page = http.get(f"/bruker/{client.pk}/?periode={first.pk}").content.decode()
    assert "Første periode" in page and "Alle perioder" in page
    assert http.get(f"/bruker/{client.pk}/journal/?periode={second.pk}", HTTP_HX_REQUEST="true").status_code == 200
    assert http.get(f"/bruker/{client.pk}/journal/?periode=999999", HTTP_HX_REQUEST="true").status_code == 404


def test_the_periods_page_acts_and_answers_bad_input_without_500(case):
    client, municipal = case["client"], case["municipal"]
    http = HttpClient()
    http.force_login(municipal.user)
    url = f"/bruker/{client.pk}/perioder/"
    page = http.get(url)
    assert page.status_code == 200 and "Start KVP" in page.content.decode()
    r = http.post(url, {"handling": "mode", "manual": "manual", "mode_reason": ""})
    assert r.status_code == 422 and "Skriv en begrunnelse for byttet." in r.content.decode()
    r = http.post(url, {"handling": "mode", "manual": "manual", "mode_reason": "kort"})
    assert r.status_code == 422 and "minst 10 tegn" in r.content.decode()
    r = http.post(url, {"handling": "kvp_start", "kvp_reason": "Vedtak om KVP fattet i dag"})
    assert r.status_code == 422 and "Velg minst én kommunalt ansatt" in r.content.decode()
    r = http.post(url, {"handling": "kvp_start", "followers": ["abc"], "kvp_reason": "Vedtak om KVP fattet i dag"})
    assert r.status_code == 422
    r = http.post(url, {"handling": "end", "reason": "bogus"})
    assert r.status_code == 422 and "Velg årsaken" in r.content.decode()
    r = http.post(url, {"handling": "start"})
    assert r.status_code == 422 and "allerede en åpen oppfølgingsperiode" in r.content.decode()
    r = http.post(url, {"handling": "kvp_end", "end_reason": "Programmet er fullført"})
    assert r.status_code == 422 and "ingen pågående KVP" in r.content.decode()
    r = http.post(url, {"handling": "nonsense"})
    assert r.status_code == 422
    assert not KvpPeriod.objects.exists() and not ModeChange.objects.exists()
    r = http.post(
        url, {"handling": "kvp_start", "followers": [str(municipal.pk)], "kvp_reason": "Vedtak om KVP fattet"}
    )
    assert r.status_code == 302
    assert "KVP-perioden er startet" in http.get(url).content.decode()
    # the state counsellor sees no KVP controls and no KVP on the page
    state = HttpClient()
    state.force_login(case["state"].user)
    text = state.get(url).content.decode()
    assert "Start KVP" not in text and "kvalifiseringsprogrammet (KVP) fra" not in text
