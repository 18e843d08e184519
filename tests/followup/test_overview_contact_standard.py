"""The client's red light on the follow-up overview (issue 14, part 5): clients past their office's
contact standard. Over random caseloads, standards and contact times (exactly on the boundary
too), the counter, the filter's rows, each row's marker and the API's flag equal a plain-Python
reading of the issue's definition, and equal the workload facts' ``contact_overdue`` (one
definition, ``clients.contact``). A client the user may not see is never counted, and the
standards cost the overview one statement whatever the caseload."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.clients.models import NeedGroup
from skreddersy.core import clock
from skreddersy.followup import overview
from skreddersy.workload import selectors as workload_selectors
from skreddersy.workload.facts import office_facts
from skreddersy.workload.model import NATIONAL_CONTACT_DAYS
from skreddersy.workload.models import ContactStandard
from tests import factories as f

NOW = dt.datetime(2026, 11, 20, 12, 0, 0, tzinfo=dt.UTC)
GROUPS = ["", *NeedGroup.values]

# an office's own standards: some need groups, few days (so that random contacts fall on both sides)
standards_st = st.dictionaries(st.sampled_from(NeedGroup.values), st.integers(1, 12), max_size=len(NeedGroup.values))
# None: never contacted; else (whole days ago, seconds off the whole day: -1, 0 (the boundary), +1)
contact_st = st.one_of(st.none(), st.tuples(st.integers(0, 14), st.sampled_from([-1, 0, 1])),
                       st.tuples(st.sampled_from([59, 60, 61, 89, 90, 91, 179, 180, 181]), st.sampled_from([-1, 0, 1])))
client_st = st.fixed_dictionaries({
    "office": st.sampled_from(["a", "b"]),
    "need_group": st.sampled_from(GROUPS),
    "contact": contact_st,
    "mine": st.booleans(),  # in the acting counsellor's caseload (else a colleague's)
})


def _last_contact(contact):
    if contact is None:
        return None
    days, seconds = contact
    return NOW - dt.timedelta(days=days, seconds=seconds)


def _oracle(need_group: str, last_contact_at, own: dict[str, int]) -> bool:
    """The issue's definition, plainly: per need group a minimum contact frequency set by the office
    (the national one where the office set none); past it when there has been no contact, or the
    last one is more than that many days ago. No need group yet: held to standard innsats."""
    days = {**NATIONAL_CONTACT_DAYS, **own}.get(need_group or "STANDARD_INNSATS")
    if days is None:
        return False
    return last_contact_at is None or NOW - last_contact_at > dt.timedelta(days=days)


@pytest.fixture
def frozen():
    clock.freeze(NOW)
    yield
    clock.freeze(None)


@pytest.mark.django_db
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(specs=st.lists(client_st, min_size=1, max_size=8), own_a=standards_st, own_b=standards_st,
       scope=st.sampled_from(["mine", "office"]))
def test_counter_filter_marker_and_json_equal_the_definition_and_the_workload_facts(frozen, specs, own_a, own_b, scope):
    with f.rolled_back():
        county = f.county()
        offices = {"a": f.office(county), "b": f.office(county)}
        elsewhere = f.office(county)
        me = f.staff("counsellor", "team_leader", offices=[offices["a"], offices["b"]])
        colleague = f.staff("counsellor", offices=[offices["a"], offices["b"]])
        own = {offices["a"].pk: own_a, offices["b"].pk: own_b}
        for office_id, days in own.items():
            for group, max_days in days.items():
                ContactStandard.objects.create(office_id=office_id, need_group=group, max_days=max_days)
        clients = {}
        for spec in specs:
            office = offices[spec["office"]]
            c = f.client(office, me if spec["mine"] else colleague, need_group=spec["need_group"],
                         last_contact_at=_last_contact(spec["contact"]))
            clients[c.pk] = c
        # clients the user may not see, every one past any standard: never counted, never listed
        f.client(offices["a"], me, skjermet=True)
        f.client(elsewhere, me)

        def shown(c) -> bool:
            return c.counsellor_id == me.pk if scope == "mine" else c.office_id == offices["a"].pk

        want = {pk for pk, c in clients.items()
                if shown(c) and _oracle(c.need_group, c.last_contact_at, own[c.office_id])}
        listed = {pk for pk, c in clients.items() if shown(c)}

        base = dict(scope=scope, office_id=offices["a"].pk if scope == "office" else None, per_page=200)
        ov = overview.caseload_overview(user=me.user, query=overview.OverviewQuery(**base))
        assert ov.has_contact_standards
        assert {r.client.pk for r in ov.rows} == listed
        assert {r.client.pk for r in ov.rows if r.over_contact_standard} == want
        assert ov.counters["over_contact_standard"] == len(want)
        filtered = overview.caseload_overview(
            user=me.user, query=overview.OverviewQuery(status="over_contact_standard", **base), with_counters=False)
        assert {r.client.pk for r in filtered.rows} == want
        assert filtered.total == len(want)

        http = HttpClient()
        http.force_login(me.user)
        params = {"scope": scope, "per_page": 200, **({"office": offices["a"].pk} if scope == "office" else {})}
        data = http.get("/api/v1/overview", params).json()
        assert {r["client"]["id"] for r in data["results"] if r["over_contact_standard"]} == want
        assert data["counters"]["over_contact_standard"] == len(want)
        data = http.get("/api/v1/overview", {**params, "status": "over_contact_standard"}).json()
        assert {r["client"]["id"] for r in data["results"]} == want

        # the workload page's facts, per office with that office's standards: the same clients
        for key, office in offices.items():
            days = workload_selectors.contact_days_for(office.pk)
            facts = office_facts(office.pk, today=clock.today(), now=NOW, contact_days=days)
            got = {x.client_id for x in facts if x.contact_overdue and x.client_id in clients}
            assert got == {pk for pk, c in clients.items()
                           if c.office_id == office.pk and _oracle(c.need_group, c.last_contact_at, own[office.pk])}, key
            assert {pk for pk in got if shown(clients[pk])} == {pk for pk in want if clients[pk].office_id == office.pk}


@pytest.mark.django_db
def test_the_page_marks_the_row_and_shows_the_counter(frozen, client):
    office = f.office(f.county())
    counsellor = f.staff("counsellor", offices=[office])
    ContactStandard.objects.create(office=office, need_group=NeedGroup.SPESIELT_TILPASSET_INNSATS, max_days=30)
    late = f.client(office, counsellor, need_group=NeedGroup.SPESIELT_TILPASSET_INNSATS,
                    last_contact_at=NOW - dt.timedelta(days=45))
    never = f.client(office, counsellor, need_group="", last_contact_at=None)
    fresh = f.client(office, counsellor, need_group=NeedGroup.SPESIELT_TILPASSET_INNSATS,
                     last_contact_at=NOW - dt.timedelta(days=30))  # exactly on the standard: within it
    client.force_login(counsellor.user)
    page = client.get("/oversikt/").content.decode()
    assert page.count("app-contact-standard") == 2
    assert "Over kontaktstandarden: 45 dager siden kontakt" in page
    assert "Over kontaktstandarden: ingen kontakt registrert" in page
    assert 'href="?status=over_contact_standard"' in page
    assert '<span class="app-counter__n">2</span> <span class="app-counter__label">Over kontaktstandarden</span>' in page
    page = client.get("/oversikt/", {"status": "over_contact_standard"}).content.decode()

    def listed(c):
        return f'value="{c.pk}" form="bulk-category"' in page

    assert listed(late) and listed(never) and not listed(fresh)


@pytest.mark.django_db
def test_without_standards_the_counter_is_hidden_and_no_row_is_marked(frozen, client, monkeypatch):
    office = f.office(f.county())
    counsellor = f.staff("counsellor", offices=[office])
    f.client(office, counsellor, need_group="", last_contact_at=None)
    monkeypatch.setattr(overview, "_contact_standards_source", None)
    client.force_login(counsellor.user)
    page = client.get("/oversikt/").content.decode()
    assert "status=over_contact_standard" not in page and "app-contact-standard" not in page
    data = client.get("/api/v1/overview").json()
    assert data["counters"]["over_contact_standard"] == 0
    assert [r["over_contact_standard"] for r in data["results"]] == [False]


def _queries(http, url) -> int:
    http.get(url)  # warm caches
    with CaptureQueriesContext(connection) as ctx:
        resp = http.get(url)
    assert resp.status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.django_db
@pytest.mark.parametrize("url", ["/oversikt/", "/api/v1/overview", "/oversikt/?status=over_contact_standard",
                                 "/api/v1/overview?status=over_contact_standard"])
def test_the_standards_cost_one_statement_whatever_the_caseload(monkeypatch, url):
    office = f.office(f.county())
    small, large = f.staff("counsellor", offices=[office]), f.staff("counsellor", offices=[office])
    ContactStandard.objects.create(office=office, need_group=NeedGroup.STANDARD_INNSATS, max_days=10)
    f.client(office, small, need_group="")
    for n in range(30):
        f.client(office, large, need_group=GROUPS[n % len(GROUPS)], last_contact_at=None if n % 3 else clock.now())
    hs, hl = HttpClient(), HttpClient()
    hs.force_login(small.user)
    hl.force_login(large.user)
    with_standards = _queries(hl, url)
    assert _queries(hs, url) == with_standards
    plain = url.split("?")[0]
    if plain != url:  # the filter reads the standards the page has read already: no statement more
        assert with_standards == _queries(hl, plain)
    else:  # one statement for the standards (none without a source)
        monkeypatch.setattr(overview, "_contact_standards_source", None)
        assert with_standards - _queries(hl, url) == 1
