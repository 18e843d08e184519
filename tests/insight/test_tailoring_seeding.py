"""The demo seed's measure choices (insight.tailoring.seeding): one MatchChoice for every referral
that has none, read a batch at a time while it writes (a keyset of statements, not one open cursor:
on PostgreSQL a cursor planned while the choices table was empty re-read every row written since
for each referral it returned). Whatever the batch size: every referral once, none twice, and a
second run writes nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.core.models import Role
from skreddersy.insight.tailoring import seeding
from skreddersy.measures import catalogue
from skreddersy.measures.models import MatchChoice, MeasureOffering, MeasureType, Provider, Referral
from tests import factories as f


@pytest.mark.django_db
@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(n=st.integers(0, 9), batch=st.integers(1, 4), chosen=st.sets(st.integers(0, 8), max_size=3))
def test_every_referral_gets_one_choice_whatever_the_batch(n, batch, chosen):
    with f.rolled_back():
        catalogue.import_types(catalogue.reference_rows())
        county = f.county()
        office = f.office(county)
        counsellor = f.staff(Role.COUNSELLOR, offices=[office])
        provider = Provider.objects.create(name="Arrangør AS", org_number="999999999")
        off = MeasureOffering.objects.create(measure_type=MeasureType.objects.order_by("pk").first(), provider=provider,
                                             title="Kurs", county=county, municipality="X",
                                             start_date=dt.date(2026, 1, 1), capacity=50)
        refs = [Referral.objects.create(client=f.client(office, counsellor), offering=off, office=office,
                                        status="waiting", created_by=counsellor.user) for _ in range(n)]
        for i in sorted(chosen):  # some have a choice already (made in the product): left as they are
            if i < n:
                MatchChoice.objects.create(client=refs[i].client, offering=off, referral=refs[i], chosen_by=counsellor.user,
                                           fit_rank=1, fit_score=0.5, best_offering=off, best_score=0.5, shown=[])
        had = MatchChoice.objects.count()
        written = seeding.seed_choices(seed=1, batch=batch)
        assert written == n - had
        assert sorted(MatchChoice.objects.values_list("referral_id", flat=True)) == sorted(r.pk for r in refs)
        assert seeding.seed_choices(seed=1, batch=batch) == 0
