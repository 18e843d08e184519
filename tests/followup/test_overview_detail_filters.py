"""The overview's detail filters (issue 13: age band, language and interpreter, main goal, activity
type, measure type, digital or manual follow-up, municipality), alone and in any combination, return
exactly the clients a plain Python reading of each client's own records picks out (hypothesis over
random caseloads and random filter combinations). The counters count over the same rows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client as HttpClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.clients.models import Client, MainGoal
from skreddersy.core import clock
from skreddersy.core.errors import InvalidInput
from skreddersy.followup import overview, services
from skreddersy.followup.models import Activity, ActivityPlan, SavedFilter
from skreddersy.measures.models import MeasureType
from tests import factories as f

NOW = dt.datetime(2026, 12, 1, 11, 0, tzinfo=dt.UTC)
TYPES = ("ARBEIDSTRENING", "AVKLARING", "JOBBKLUBB")
MUNICIPALITIES = ("Bodø", "Oslo", "Ås", "Ålesund")

activity_st = st.fixed_dictionaries({
    "type": st.sampled_from(["own", "course", "measure"]),
    "measure_type": st.sampled_from([None, *TYPES]),
    "status": st.sampled_from(list(Activity.Status.values)),
    "closed_plan": st.booleans(),
})
client_st = st.fixed_dictionaries({
    # age in days on the frozen day: around each band's edges, birthdays on the day included
    "age_days": st.one_of(st.integers(16 * 365, 70 * 365), st.sampled_from([25 * 365 + 6, 25 * 365 + 7, 30 * 365 + 8])),
    "language": st.sampled_from(["nb", "ar", "so", "uk"]),
    "interpreter": st.booleans(),
    "main_goal": st.sampled_from(["", *MainGoal.values]),
    "manual": st.booleans(),
    "municipality": st.sampled_from(MUNICIPALITIES),
    "activities": st.lists(activity_st, max_size=3),
})
filter_st = st.fixed_dictionaries({}, optional={
    "age_band": st.sampled_from(list(overview.AGE_BANDS)),
    "language": st.sampled_from(["ar", "AR", " so ", "uk", "fi"]),
    "interpreter": st.just(True),
    "main_goal": st.sampled_from(list(MainGoal.values)),
    "activity_type": st.sampled_from(["own", "course", "measure", "meeting"]),
    "measure_type": st.sampled_from([*TYPES, "arbeidstrening", "MENTOR"]),
    "followup_mode": st.sampled_from(["digital", "manual"]),
    # the municipality as typed: any case, also of Å and Ø, and with spaces around
    "municipality": st.sampled_from(["bodø", "BODØ", "oslo", " Oslo ", "ås", "ÅS", "ålesund", "Tromsø"]),
})


@pytest.fixture(autouse=True)
def _frozen():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


def _age(birth: dt.date, today: dt.date) -> int:
    return today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))


def _build(office, counsellor, spec, types):
    today = clock.today()
    c = f.client(office, counsellor, birth_date=today - dt.timedelta(days=spec["age_days"]), language=spec["language"],
                 needs_interpreter=spec["interpreter"], main_goal=spec["main_goal"], manual_followup=spec["manual"])
    Client.objects.filter(pk=c.pk).update(municipality=spec["municipality"])
    plans = {False: ActivityPlan.objects.create(client=c), True: ActivityPlan.objects.create(client=c, closed_at=NOW)}
    for n, a in enumerate(spec["activities"]):
        Activity.objects.create(
            plan=plans[a["closed_plan"]], client=c, title=f"Aktivitet {n}", type=a["type"], status=a["status"],
            measure_type=types[a["measure_type"]] if a["type"] == "measure" and a["measure_type"] else None,
            created_by_role="counsellor", created_by=counsellor.user,
        )
    return Client.objects.get(pk=c.pk)


def _expected(c: Client, flt: dict) -> bool:
    """Whether one client passes the filters, read plainly from its own records."""
    today = clock.today()
    live = [a for a in Activity.objects.filter(client=c).select_related("plan", "measure_type")
            if a.plan.closed_at is None and a.status in overview.OPEN_ACTIVITY]
    if "age_band" in flt:
        _, lo, hi = overview.AGE_BANDS[flt["age_band"]]
        if not lo <= _age(c.birth_date, today) <= hi:
            return False
    if "language" in flt and c.language != flt["language"].strip().lower():
        return False
    if flt.get("interpreter") and not c.needs_interpreter:
        return False
    if "main_goal" in flt and c.main_goal != flt["main_goal"]:
        return False
    if "activity_type" in flt and not any(a.type == flt["activity_type"] for a in live):
        return False
    if "measure_type" in flt and not any(
        a.type == "measure" and a.measure_type and a.measure_type.code == flt["measure_type"].upper() for a in live
    ):
        return False
    if "followup_mode" in flt and c.manual_followup != (flt["followup_mode"] == "manual"):
        return False
    return not ("municipality" in flt and c.municipality.casefold() != flt["municipality"].strip().casefold())


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(specs=st.lists(client_st, min_size=1, max_size=6), filters=st.lists(filter_st, min_size=1, max_size=4))
def test_detail_filters_in_any_combination_return_what_a_plain_reading_returns(specs, filters):
    with f.rolled_back():
        for code in TYPES + ("MENTOR",):
            MeasureType.objects.get_or_create(code=code, defaults={"name": code.title(), "eligible_groups": [],
                                                                   "addresses": []})
        types = {t.code: t for t in MeasureType.objects.all()}
        office = f.office(f.county())
        leader = f.staff("counsellor", "team_leader", offices=[office])
        clients = [_build(office, leader, spec, types) for spec in specs]
        for flt in filters:
            want = {c.pk for c in clients if _expected(c, flt)}
            # the leader's office list and the counsellor's own list (the same clients: all are the leader's)
            for scope in ("office", "mine"):
                q = overview.OverviewQuery(scope=scope, office_id=office.pk, per_page=200, **flt)
                ov = overview.caseload_overview(user=leader.user, query=q)
                assert {r.client.pk for r in ov.rows} == want, (flt, scope)
                assert ov.total == len(want)
                # each counter counts within the filtered rows: never more than the rows shown
                assert all(n <= len(want) for n in ov.counters.values()), flt


@pytest.fixture
def desk(db):
    for code in TYPES:
        MeasureType.objects.create(code=code, name=code.title(), eligible_groups=[], addresses=[])
    office = f.office(f.county())
    me = f.staff("counsellor", offices=[office])
    http = HttpClient()
    http.force_login(me.user)
    return dict(office=office, me=me, http=http)


def _api_ids(http, **params):
    resp = http.get("/api/v1/overview", params)
    assert resp.status_code == 200, resp.content
    return sorted(r["client"]["id"] for r in resp.json()["results"])


def test_measure_type_filter_on_the_page_the_api_and_saved_filters(desk):
    office, me, http = desk["office"], desk["me"], desk["http"]
    training, other, none = f.client(office, me), f.client(office, me), f.client(office, me)
    services.add_activity(user=me.user, client=training, title="Praksis i butikk", type="measure",
                          measure_type="ARBEIDSTRENING")
    services.add_activity(user=me.user, client=other, title="Jobbsøkerkurs", type="measure", measure_type="jobbklubb")
    services.add_activity(user=me.user, client=none, title="Tiltak uten type", type="measure")
    assert _api_ids(http, measure_type="ARBEIDSTRENING") == [training.pk]
    assert _api_ids(http, measure_type="JOBBKLUBB") == [other.pk]
    assert _api_ids(http, measure_type="MENTOR") == []
    assert _api_ids(http, activity_type="measure") == sorted([training.pk, other.pk, none.pk])
    resp = http.get("/api/v1/overview", {"measure_type": "ikke; en kode"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "measure_type"
    # the page: a select of the catalogue's types, the chosen one selected, the list filtered
    html = http.get("/oversikt/", {"measure_type": "ARBEIDSTRENING"}).content.decode()
    assert '<option value="ARBEIDSTRENING" selected>' in html and '<option value="AVKLARING">' in html
    assert training.last_name in html and other.last_name not in html
    assert "Tiltakstype: Arbeidstrening" in html  # the folded filter block says what is in use
    # saved filters: a known type is kept, an unknown one refused and nothing written
    saved = services.save_filter(user=me.user, name="Arbeidstrening", params={"measure_type": "ARBEIDSTRENING"})
    assert saved.params == {"measure_type": "ARBEIDSTRENING"}
    with pytest.raises(InvalidInput) as exc:
        services.save_filter(user=me.user, name="Ukjent", params={"measure_type": "FINNES_IKKE"})
    assert "measure_type" in exc.value.errors
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Arbeidstrening"]


def test_measure_type_only_on_a_measure_and_gone_when_it_stops_being_one(desk):
    office, me, http = desk["office"], desk["me"], desk["http"]
    c = f.client(office, me)
    with pytest.raises(InvalidInput) as exc:
        services.add_activity(user=me.user, client=c, title="Kurs", type="course", measure_type="AVKLARING")
    assert exc.value.field == "measure_type"
    with pytest.raises(InvalidInput) as exc:
        services.add_activity(user=me.user, client=c, title="Tiltak", type="measure", measure_type="PÅFUNN")
    assert exc.value.field == "measure_type"
    assert not Activity.objects.exists()
    act = services.add_activity(user=me.user, client=c, title="Avklaring hos arrangør", type="measure", measure_type="AVKLARING")
    assert act.measure_type.code == "AVKLARING"
    # shown on the person page and in the API
    assert "Tiltak: Avklaring" in http.get(f"/bruker/{c.pk}/").content.decode()
    assert http.get(f"/api/v1/activities/{act.pk}").json()["measure_type"] == "AVKLARING"
    # kept when something else changes, changed when asked, gone when the activity is no longer a measure
    act = services.update_activity(user=me.user, activity=act, expected_version=act.version, title="Avklaring, uke 2")
    assert act.measure_type_id is not None
    resp = http.patch(f"/api/v1/activities/{act.pk}", {"version": act.version, "measure_type": "JOBBKLUBB"},
                      content_type="application/json")
    assert resp.status_code == 200 and resp.json()["measure_type"] == "JOBBKLUBB"
    act.refresh_from_db()
    act = services.update_activity(user=me.user, activity=act, expected_version=act.version, type="course")
    assert act.measure_type_id is None
    # the web form says why, next to the field, and writes nothing
    resp = http.post(f"/aktivitet/{act.pk}/endre/", {"title": "Kurs", "type": "course", "measure_type": "AVKLARING",
                                                      "version": act.version})
    assert resp.status_code == 422 and "Bare et tiltak kan ha tiltakstype" in resp.content.decode()
    act.refresh_from_db()
    assert act.measure_type_id is None and act.title == "Avklaring, uke 2"


def test_municipality_as_typed_finds_it_with_case_aside_also_for_ae_oe_aa(desk):
    office, me, http = desk["office"], desk["me"], desk["http"]
    by_name = {}
    for name in ("Ås", "Ålesund", "Bodø", "Nord-Aurdal"):
        c = f.client(office, me)
        Client.objects.filter(pk=c.pk).update(municipality=name)
        by_name[name] = c.pk
    for typed, name in (("ås", "Ås"), ("ÅS", "Ås"), (" ålesund ", "Ålesund"), ("BODØ", "Bodø"), ("nord-aurdal", "Nord-Aurdal")):
        assert _api_ids(http, municipality=typed) == [by_name[name]], typed
    assert _api_ids(http, municipality="Å") == []
