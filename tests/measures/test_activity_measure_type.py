"""A measure activity names its measure type (tiltakstype) where it can be known: a place in an
offering (a referral, or a choice from the matching) gives the offering's type; data written before
the field existed is backfilled where the referral or the title says which type (followup migration
0009), and the seed's own measure titles name theirs. The overview filters on it."""

from __future__ import annotations

import importlib

import pytest
from django.apps import apps as django_apps
from django.test import Client as HttpClient

from skreddersy.followup import overview
from skreddersy.followup import seeding as followup_seeding
from skreddersy.followup.models import Activity, ActivityPlan
from skreddersy.measures import catalogue, services
from skreddersy.measures import seeding as measures_seeding
from skreddersy.measures.models import MeasureType, Referral
from tests.measures.conftest import offering

backfill = importlib.import_module("skreddersy.followup.migrations.0009_backfill_activity_measure_type").backfill


def test_a_place_in_an_offering_gives_the_activity_the_offerings_type_and_the_overview_finds_it(world):
    o = offering(world["types"]["ARBEIDSTRENING"], [world["bergen"]], title="Praksisplass Bergen")
    user = world["counsellor"].user
    r = services.refer(user=user, client=world["client"], offering=o)
    act = Activity.objects.get(pk=r.activity_id)
    assert act.measure_type_id == o.measure_type_id
    http = HttpClient()
    http.force_login(user)
    rows = http.get("/api/v1/overview", {"measure_type": "ARBEIDSTRENING"}).json()["results"]
    assert [row["client"]["id"] for row in rows] == [world["client"].pk]
    assert http.get("/api/v1/overview", {"measure_type": "AVKLARING"}).json()["results"] == []
    assert "Tiltak: Arbeidstrening" in http.get(f"/bruker/{world['client'].pk}/").content.decode()


def test_a_choice_from_the_matching_names_the_type_too(world):
    o = offering(world["types"]["AVKLARING"], [world["bergen"]], title="Avklaring Bergen")
    choice = services.choose_offering(user=world["counsellor"].user, client=world["client"], offering=o,
                                      reason="Passer best")
    ref = Referral.objects.get(client=world["client"], offering=o)
    assert choice.offering_id == o.pk
    assert Activity.objects.get(pk=ref.activity_id).measure_type.code == "AVKLARING"


def _measure(client, user, title, **extra):
    plan = ActivityPlan.objects.filter(client=client).first() or ActivityPlan.objects.create(client=client)
    return Activity.objects.create(plan=plan, client=client, title=title, type="measure", created_by_role="counsellor",
                                   created_by=user, **extra)


def test_backfill_sets_the_type_where_the_referral_or_the_title_says_which_and_only_there(world):
    user, c = world["counsellor"].user, world["client"]
    o = offering(world["types"]["MENTOR"], [world["bergen"]], title="Mentor Bergen")
    r = services.refer(user=user, client=c, offering=o)
    Activity.objects.filter(pk=r.activity_id).update(measure_type=None)  # as written before the field existed
    named = {title: _measure(c, user, title) for title in (
        "Arbeidstrening", "avklaring", "Tiltak: Jobbklubb", "Jobbklubb / jobbsøkerkurs", "Individuell jobbstøtte",
        "Arbeidsmarkedsopplæring",  # names two types (group and single place): left
        "Oppfølging hos tiltaksarrangør",  # not a type's name: left
    )}
    course = Activity.objects.create(plan=ActivityPlan.objects.get(client=c), client=c, title="Arbeidstrening", type="course",
                                     created_by_role="counsellor", created_by=user)
    kept = _measure(c, user, "Avklaring", measure_type=world["types"]["ARBEIDSTRENING"])  # set already: kept
    backfill(django_apps, None)
    code = {a.pk: a.measure_type.code if a.measure_type else None for a in Activity.objects.select_related("measure_type")}
    assert code[r.activity_id] == "MENTOR"
    assert {t: code[a.pk] for t, a in named.items()} == {
        "Arbeidstrening": "ARBEIDSTRENING", "avklaring": "AVKLARING", "Tiltak: Jobbklubb": "JOBBKLUBB",
        "Jobbklubb / jobbsøkerkurs": "JOBBKLUBB", "Individuell jobbstøtte": "INDIVIDUELL_JOBBSTOTTE",
        "Arbeidsmarkedsopplæring": None, "Oppfølging hos tiltaksarrangør": None,
    }
    assert code[course.pk] is None and code[kept.pk] == "ARBEIDSTRENING"
    # the seed's rule is the migration's, plus its own titles
    Activity.objects.filter(type="measure").update(measure_type=None)
    backfill(django_apps, None)
    after_migration = dict(Activity.objects.values_list("pk", "measure_type_id"))
    Activity.objects.filter(type="measure").update(measure_type=None)
    catalogue.link_measure_activities()
    assert dict(Activity.objects.values_list("pk", "measure_type_id")) | {r.activity_id: None} == after_migration | {
        r.activity_id: None}


def test_the_seeds_measure_titles_each_name_a_type_of_the_catalogue(db):
    catalogue.import_types(catalogue.reference_rows())
    codes = set(MeasureType.objects.values_list("code", flat=True))
    assert set(measures_seeding.SEEDED_MEASURE_TITLES) == set(followup_seeding.ACTIVITY_TITLES["measure"])
    assert set(measures_seeding.SEEDED_MEASURE_TITLES.values()) <= codes
    # and the overview's filter lists the whole catalogue
    assert {code for code, _ in overview.measure_types()} == codes


def test_the_seed_links_its_measure_activities(world):
    user, c = world["counsellor"].user, world["client"]
    acts = [_measure(c, user, title) for title in followup_seeding.ACTIVITY_TITLES["measure"]]
    n = catalogue.link_measure_activities(titles=measures_seeding.SEEDED_MEASURE_TITLES)
    assert n == len(acts)
    assert all(a.measure_type_id for a in Activity.objects.filter(pk__in=[a.pk for a in acts]))


@pytest.mark.parametrize("code", ["", "ARBEIDSTRENING"])
def test_the_plan_form_offers_the_catalogue(world, code):
    http = HttpClient()
    http.force_login(world["counsellor"].user)
    c = world["client"]
    resp = http.post(f"/bruker/{c.pk}/aktivitet/ny/", {"title": "Praksis", "type": "measure", "measure_type": code,
                                                       "status": "proposed"})
    assert resp.status_code == 302, resp.content.decode()[:2000]
    act = Activity.objects.get(client=c, title="Praksis")
    assert (act.measure_type.code if act.measure_type else "") == code
    form = http.get(f"/aktivitet/{act.pk}/endre/").content.decode()
    assert '<option value="ARBEIDSTRENING"' + (" selected" if code else "") in form
