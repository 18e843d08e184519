"""Matching by fit: hand-built cases with their Norwegian explanations; fill (free places, the
office's expectation) never changes the rank; the counsellor's choice is recorded with its fit
rank and, for a lower-fit choice, a reason."""

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from skreddersy.core.errors import InvalidInput
from skreddersy.core.models import AuditEntry
from skreddersy.measures import catalogue, matching, selectors, services
from skreddersy.measures.models import ClientPreference, MatchChoice, MeasureOffering, MeasureType, Referral
from tests import factories as f
from tests.measures.conftest import mapping, offering


def rank_titles(user, client):
    panel = selectors.matching_panel(user=user, client_id=client.pk, cache=matching.MatchCache(use_process_cache=False))
    return panel.result.rows


def test_blend_takes_the_higher_severity_and_says_whose_it_is():
    assert matching.blend_severity(1, 3) == (3, "bruker")
    assert matching.blend_severity(2, None) == (2, "veileder")
    assert matching.blend_severity(2, 2) == (2, "begge")
    assert matching.blend_severity(0, None) == (0, "")


def test_language_and_work_experience_need_ranks_work_training_first_with_explanation(world):
    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    mapping(c, u, language=3, work_experience=2, job_search=(1, 0))
    training = offering(t["ARBEIDSTRENING"], [world["bergen"]], title="Arbeidstrening Bergen")
    club = offering(t["JOBBKLUBB"], [world["bergen"]], title="Jobbklubb Bergen")
    rows = rank_titles(u, c)
    assert [r.title for r in rows] == ["Arbeidstrening Bergen", "Jobbklubb Bergen"]
    assert rows[0].explanation == "Dekker språk (alvorlighet 3) og arbeidserfaring (2); 0 km unna"
    assert rows[1].explanation == "Dekker jobbsøking (alvorlighet 1); 0 km unna"
    assert rows[0].offering_id == training.pk and rows[1].offering_id == club.pk
    # needs score: (9 + 4) / (9 + 4 + 1) for work training, 1/14 for the job club
    assert rows[0].needs == pytest.approx(13 / 14, abs=1e-3)
    assert rows[1].needs == pytest.approx(1 / 14, abs=1e-3)


def test_client_wishes_distance_and_language_are_explained(world):
    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    c.language, c.needs_interpreter = "ar", True
    c.save()
    mapping(c, u, language=(1, 3))
    ClientPreference.objects.create(client=c, wanted_domains=["education"], preferred_types=["GRUPPE_ARBEIDSMARKEDSOPPLAERING"],
                                    max_travel_km=30, updated_by=u)
    amo_voss = offering(t["GRUPPE_ARBEIDSMARKEDSOPPLAERING"], [world["bergen"]], title="AMO Voss", municipality="Voss", lat=60.63, lon=6.42)
    amo_ar = offering(t["GRUPPE_ARBEIDSMARKEDSOPPLAERING"], [world["bergen"]], title="AMO arabisk", language="ar")
    rows = {r.title: r for r in rank_titles(u, c)}
    assert rows["AMO arabisk"].rank == 1 and rows["AMO Voss"].rank == 2
    assert rows["AMO Voss"].explanation == (
        "Dekker språk (alvorlighet 3); brukeren har ønsket denne tiltakstypen; brukeren vil jobbe med utdanning; "
        "66 km unna (over brukerens grense på 30 km); undervisning på norsk, brukeren trenger tolk"
    )
    assert rows["AMO arabisk"].explanation.endswith("0 km unna; undervisning på arabisk (brukerens språk)")
    assert rows["AMO Voss"].offering_id == amo_voss.pk and rows["AMO arabisk"].offering_id == amo_ar.pk
    panel = selectors.matching_panel(user=u, client_id=c.pk)
    assert panel.result.severity_source == {"language": "bruker"}


def test_ineligible_offerings_are_left_out_and_counted_by_reason(world):
    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    offering(t["JOBBKLUBB"], [world["bergen"]], title="OK")
    offering(t["JOBBKLUBB"], [world["voss"]], title="Annet kontor")
    offering(t["VARIG_LONNSTILSKUDD"], [world["bergen"]], title="Feil gruppe")
    offering(t["JOBBKLUBB"], [world["bergen"]], title="Stengt", status="closed")
    offering(t["JOBBKLUBB"], [world["bergen"]], title="Ungdom", priority_groups=["youth"], max_age=29)
    r = selectors.matching_panel(user=u, client_id=c.pk, cache=matching.MatchCache(use_process_cache=False)).result
    assert [x.title for x in r.rows] == ["OK"]
    assert r.eligible_count == 1 and r.offerings_in_county == 5
    assert r.excluded == {"need_group": 1, "age": 1, "priority_group": 1, "place": 1, "open": 1}


def test_availability_and_office_expectation_are_separate_columns(world):
    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    admin = world["admin"].user
    mapping(c, u, job_search=2)
    full = offering(t["JOBBKLUBB"], [world["bergen"]], title="Full", capacity=2, occupied=2)
    target = services.set_national_target(user=admin, year=2026, measure_type=t["JOBBKLUBB"], priority_group="", places=10, budget=0)
    ca = services.allocate_to_county(user=admin, target=target, county=world["county"], places=10, budget=0)
    oa = services.allocate_to_office(user=admin, county_allocation=ca, office=world["bergen"], places=5, budget=0)
    services.set_expected_fill(user=world["office_leader"].user, allocation=oa, expected_filled=4)
    (row,) = rank_titles(u, c)
    assert row.offering_id == full.pk
    # a four-week job club with two places: the next place frees in about (0 + 1) / 2 * 4 = 2 weeks
    assert row.free_places == 0 and row.availability == "Fullt: ca. 2 uker venting (0 på venteliste)"
    assert row.expected_fill and row.expected_fill_text == "Ja: 0 av 4 forventede plasser brukt"


class TestFillNeverChangesTheRank(HypothesisTestCase):
    @settings(max_examples=15, deadline=None)
    @given(st.lists(st.tuples(st.integers(1, 10), st.integers(0, 10)), min_size=3, max_size=3),
           st.lists(st.integers(0, 10), min_size=3, max_size=3))
    def test_changing_occupancy_and_expected_fill_keeps_the_order(self, caps, expected):
        catalogue.import_types(catalogue.reference_rows())
        county = f.county("46")
        office = f.office(county)
        counsellor = f.staff("counsellor", offices=[office])
        admin = f.staff("administrator").user
        leader = f.staff("office_leader", offices=[office]).user
        c = f.client(office, counsellor, need_group="SPESIELT_TILPASSET_INNSATS")
        mapping(c, counsellor.user, mental_health=3, job_search=2, education=1)
        types = [MeasureType.objects.get(code=x) for x in ("INDIVIDUELL_JOBBSTOTTE", "JOBBKLUBB", "GRUPPE_ARBEIDSMARKEDSOPPLAERING")]
        offs = [offering(tt, [office], capacity=10, occupied=0) for tt in types]
        before = [r.offering_id for r in rank_titles(counsellor.user, c)]
        for o, (cap, occ) in zip(offs, caps, strict=True):
            MeasureOffering.objects.filter(pk=o.pk).update(capacity=max(cap, occ, 1), occupied=min(occ, max(cap, 1)))
        for tt, e in zip(types, expected, strict=True):
            target = services.set_national_target(user=admin, year=2026, measure_type=tt, priority_group="", places=20, budget=0)
            ca = services.allocate_to_county(user=admin, target=target, county=county, places=20, budget=0)
            oa = services.allocate_to_office(user=admin, county_allocation=ca, office=office, places=10, budget=0)
            services.set_expected_fill(user=leader, allocation=oa, expected_filled=e)
        after = [r.offering_id for r in rank_titles(counsellor.user, c)]
        assert before == after


def test_choosing_the_best_fit_needs_no_reason_and_records_rank_and_snapshot(world):
    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    mapping(c, u, language=3, work_experience=2)
    best = offering(t["ARBEIDSTRENING"], [world["bergen"]])
    other = offering(t["JOBBKLUBB"], [world["bergen"]])
    choice = services.choose_offering(user=u, client=c, offering=best)
    assert choice.fit_rank == 1 and choice.reason == "" and choice.best_offering_id == best.pk
    assert choice.referral.status == Referral.Status.ACCEPTED
    assert [s["offering_id"] for s in choice.shown] == [best.pk, other.pk]
    assert AuditEntry.objects.filter(client_id=c.pk, what="tiltak: valg fra matching", action="write").exists()


def test_choosing_a_lower_fit_offering_requires_a_reason_and_writes_nothing_without(world):
    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    mapping(c, u, language=3, work_experience=2)
    offering(t["ARBEIDSTRENING"], [world["bergen"]])
    lower = offering(t["JOBBKLUBB"], [world["bergen"]])
    with pytest.raises(InvalidInput) as exc:
        services.choose_offering(user=u, client=c, offering=lower, reason="  ")
    assert exc.value.field == "reason" and "nr. 2" in exc.value.message
    assert not Referral.objects.exists() and not MatchChoice.objects.exists()
    choice = services.choose_offering(user=u, client=c, offering=lower, reason="Brukeren vil starte med jobbsøking først")
    assert choice.fit_rank == 2 and choice.reason.startswith("Brukeren")


def test_choosing_an_ineligible_offering_gives_the_reasons(world):
    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    o = offering(t["VARIG_LONNSTILSKUDD"], [world["bergen"]])
    with pytest.raises(InvalidInput) as exc:
        services.choose_offering(user=u, client=c, offering=o, reason="x")
    assert "innsatsgruppen" in exc.value.errors["offering"]
    assert not MatchChoice.objects.exists()


def test_no_mapping_still_ranks_and_says_so(world):
    u, c = world["counsellor"].user, world["client"]
    offering(world["types"]["JOBBKLUBB"], [world["bergen"]], start=dt.date(2026, 12, 1))
    r = selectors.matching_panel(user=u, client_id=c.pk).result
    assert not r.has_mapping
    assert r.rows[0].explanation.startswith("Ingen kartlagte behov å sammenligne med")


def test_ranking_uses_the_latest_mapping(world):
    u, c = world["counsellor"].user, world["client"]
    mapping(c, u, job_search=3)
    mapping(c, u, mental_health=3)
    offering(world["types"]["JOBBKLUBB"], [world["bergen"]], title="JK")
    offering(world["types"]["AVKLARING"], [world["bergen"]], title="AV")
    assert [r.title for r in rank_titles(u, c)] == ["AV", "JK"]


def test_matching_panel_query_count_does_not_grow_with_offerings_or_history(world):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    t = world["types"]
    u, c = world["counsellor"].user, world["client"]
    mapping(c, u, job_search=2, language=3)
    offering(t["JOBBKLUBB"], [world["bergen"]])

    def count():
        from skreddersy.policy import access

        access.actor(u)  # resolved once per request
        with CaptureQueriesContext(connection) as q:
            selectors.matching_panel(user=u, client_id=c.pk, cache=matching.MatchCache(use_process_cache=False))
        return len(q.captured_queries)

    small = count()
    for i in range(25):
        o = offering(t["ARBEIDSTRENING"] if i % 2 else t["JOBBKLUBB"], [world["bergen"]], capacity=1)
        if i < 5:
            services.refer(user=u, client=c, offering=o)
    assert count() == small
