"""Seeding: deterministic, occupied places backed exactly by accepted referrals, allocations
within their parents, and at national scale at least 2,000 offerings per county."""

import datetime as dt
import random

import pytest
from django.db.models import Count, F, Sum

from skreddersy.core.seeding import SeedContext
from skreddersy.measures import seeding
from skreddersy.measures.models import CountyAllocation, MeasureOffering, NationalTarget, Referral
from tests import factories as f


def make_ctx(scale: str, n_offices: int = 3, clients_per_office: int = 30):
    county = f.county("46")
    offices = [f.office(county) for _ in range(n_offices)]
    staff = [f.staff("counsellor", offices=[o]) for o in offices]
    clients = {o.pk: [f.client(o, s, need_group="STANDARD_INNSATS").pk for _ in range(clients_per_office)] for o, s in zip(offices, staff, strict=True)}
    return SeedContext(scale=scale, rng=random.Random(3), now=dt.datetime(2026, 11, 25, 11, tzinfo=dt.UTC), batch=500,
                       progress=lambda label, total: (lambda n: None), county_ids=[county.pk], office_ids=[o.pk for o in offices],
                       staff_by_role={"counsellor": [s.pk for s in staff]}, staff_offices={s.pk: [o.pk] for s, o in zip(staff, offices, strict=True)},
                       clients_by_office=clients)


def check_consistency():
    assert not MeasureOffering.objects.filter(occupied__gt=F("capacity")).exists()
    accepted = dict(Referral.objects.filter(status="accepted").values("offering_id").annotate(n=Count("id")).values_list("offering_id", "n"))
    for oid, occ in MeasureOffering.objects.values_list("id", "occupied"):
        assert occ == accepted.get(oid, 0)
    for t in NationalTarget.objects.all():
        assert (t.county_allocations.aggregate(s=Sum("places"))["s"] or 0) <= t.places
    for ca in CountyAllocation.objects.all():
        assert (ca.office_allocations.aggregate(s=Sum("places"))["s"] or 0) <= ca.places


@pytest.mark.django_db
def test_demo_seed_is_consistent():
    seeding.seed(make_ctx("demo"))
    assert MeasureOffering.objects.count() == seeding.DEMO_PER_COUNTY
    assert Referral.objects.filter(status="waiting").exists() and Referral.objects.filter(status="completed").exists()
    check_consistency()


@pytest.mark.django_db
def test_national_seed_has_at_least_2000_offerings_per_county():
    seeding.seed(make_ctx("national", n_offices=2, clients_per_office=10))
    counts = MeasureOffering.objects.values("county_id").annotate(n=Count("id"))
    assert all(c["n"] >= 2000 for c in counts)
    check_consistency()
