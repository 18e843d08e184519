"""Place allocation: national target -> county -> office. No level can hand out more places or
budget than it received, whatever order the changes come in; over-allocation is refused with a
specific error and nothing is written."""

import pytest
from django.db.models import Sum
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.measures import selectors, services
from skreddersy.measures.models import CountyAllocation, NationalTarget, OfficeAllocation
from tests import factories as f
from tests.measures.conftest import offering


@pytest.fixture
def alloc(world):
    admin = world["admin"].user
    t = world["types"]["JOBBKLUBB"]
    target = services.set_national_target(user=admin, year=2026, measure_type=t, priority_group="", places=100, budget=1_000_000)
    return {**world, "admin_user": admin, "target": target}


def test_county_cannot_receive_more_than_the_national_target(alloc):
    admin, target = alloc["admin_user"], alloc["target"]
    services.allocate_to_county(user=admin, target=target, county=alloc["county"], places=70, budget=500_000)
    with pytest.raises(InvalidInput) as exc:
        services.allocate_to_county(user=admin, target=target, county=alloc["other_county"], places=31, budget=0)
    assert exc.value.field == "places"
    assert "30 er ikke fordelt" in exc.value.message and "31" in exc.value.message
    assert not CountyAllocation.objects.filter(county=alloc["other_county"]).exists()
    with pytest.raises(InvalidInput) as exc:
        services.allocate_to_county(user=admin, target=target, county=alloc["other_county"], places=10, budget=500_001)
    assert exc.value.field == "budget"
    services.allocate_to_county(user=admin, target=target, county=alloc["other_county"], places=30, budget=500_000)


def test_office_cannot_receive_more_than_its_county(alloc):
    admin, target = alloc["admin_user"], alloc["target"]
    ca = services.allocate_to_county(user=admin, target=target, county=alloc["county"], places=10, budget=100)
    services.allocate_to_office(user=admin, county_allocation=ca, office=alloc["bergen"], places=6, budget=60)
    with pytest.raises(InvalidInput) as exc:
        services.allocate_to_office(user=admin, county_allocation=ca, office=alloc["voss"], places=5, budget=0)
    assert "4 er ikke fordelt" in exc.value.message
    assert not OfficeAllocation.objects.filter(office=alloc["voss"]).exists()
    # an office outside the county
    with pytest.raises(InvalidInput) as exc:
        services.allocate_to_office(user=admin, county_allocation=ca, office=alloc["tromso"], places=1, budget=0)
    assert exc.value.field == "office"


def test_parents_cannot_shrink_below_what_they_handed_out(alloc):
    admin, target = alloc["admin_user"], alloc["target"]
    ca = services.allocate_to_county(user=admin, target=target, county=alloc["county"], places=40, budget=400)
    oa = services.allocate_to_office(user=admin, county_allocation=ca, office=alloc["bergen"], places=30, budget=300)
    with pytest.raises(InvalidInput, match="Fylkene har allerede fått 40"):
        services.set_national_target(user=admin, year=2026, measure_type=target.measure_type, priority_group="", places=39, budget=1_000_000)
    with pytest.raises(InvalidInput, match="Kontorene i fylket har allerede fått 30"):
        services.allocate_to_county(user=admin, target=target, county=alloc["county"], places=29, budget=400)
    services.set_expected_fill(user=alloc["office_leader"].user, allocation=oa, expected_filled=25)
    with pytest.raises(InvalidInput, match="forventer 25"):
        services.allocate_to_office(user=admin, county_allocation=ca, office=alloc["bergen"], places=24, budget=300)
    target.refresh_from_db()
    ca.refresh_from_db()
    oa.refresh_from_db()
    assert (target.places, ca.places, oa.places) == (100, 40, 30)


def test_expected_fill_is_set_by_the_office_leader_within_the_places(alloc):
    admin, target = alloc["admin_user"], alloc["target"]
    ca = services.allocate_to_county(user=admin, target=target, county=alloc["county"], places=10, budget=0)
    oa = services.allocate_to_office(user=admin, county_allocation=ca, office=alloc["bergen"], places=5, budget=0)
    with pytest.raises(InvalidInput, match="har 5 plasser"):
        services.set_expected_fill(user=alloc["office_leader"].user, allocation=oa, expected_filled=6)
    for who in ("team_leader", "counsellor", "voss_leader", "analyst"):
        with pytest.raises(AccessDenied):
            services.set_expected_fill(user=alloc[who].user, allocation=oa, expected_filled=3)
    oa.refresh_from_db()
    assert oa.expected_filled == 0


@pytest.mark.parametrize("who", ["counsellor", "office_leader", "analyst"])
def test_only_administrators_allocate(alloc, who):
    with pytest.raises(AccessDenied):
        services.allocate_to_county(user=alloc[who].user, target=alloc["target"], county=alloc["county"], places=1, budget=0)
    with pytest.raises(AccessDenied):
        services.set_national_target(user=alloc[who].user, year=2026, measure_type=alloc["target"].measure_type, priority_group="",
                                     places=1, budget=0)


def test_negative_and_non_integer_amounts_are_refused(alloc):
    with pytest.raises(InvalidInput) as exc:
        services.allocate_to_county(user=alloc["admin_user"], target=alloc["target"], county=alloc["county"], places=-1, budget=0)
    assert "places" in exc.value.errors
    with pytest.raises(InvalidInput):
        services.set_national_target(user=alloc["admin_user"], year=1800, measure_type=alloc["target"].measure_type,
                                     priority_group="nope", places=1, budget=0)


def test_leader_page_shows_allocation_use_free_and_expected_filled(alloc, django_user_model):
    admin, target = alloc["admin_user"], alloc["target"]
    ca = services.allocate_to_county(user=admin, target=target, county=alloc["county"], places=10, budget=0)
    oa = services.allocate_to_office(user=admin, county_allocation=ca, office=alloc["bergen"], places=4, budget=0)
    services.set_expected_fill(user=alloc["office_leader"].user, allocation=oa, expected_filled=3)
    o = offering(target.measure_type, [alloc["bergen"]], capacity=10)
    client2 = f.client(alloc["bergen"], alloc["counsellor"], need_group="STANDARD_INNSATS")
    services.refer(user=alloc["counsellor"].user, client=alloc["client"], offering=o)
    services.refer(user=alloc["counsellor"].user, client=client2, offering=o)
    office, rows = selectors.office_allocation(user=alloc["office_leader"].user, office_id=alloc["bergen"].pk, year=2026)
    (row,) = rows
    assert (row.places, row.used, row.free, row.expected_filled, row.expected_unfilled) == (4, 2, 2, 3, 1)
    with pytest.raises(AccessDenied):
        selectors.office_allocation(user=alloc["voss_leader"].user, office_id=alloc["bergen"].pk, year=2026)
    with pytest.raises(AccessDenied):
        selectors.office_allocation(user=alloc["counsellor"].user, office_id=alloc["bergen"].pk, year=2026)


class TestInvariantUnderAnySequence(HypothesisTestCase):
    """Whatever allocations are attempted, in whatever order, sums never exceed the parent."""

    @settings(max_examples=25, deadline=None)
    @given(st.lists(st.tuples(st.sampled_from(["county", "office", "target"]), st.integers(0, 3), st.integers(0, 60)), min_size=1, max_size=15))
    def test_sums_never_exceed_parents(self, steps):
        from skreddersy.measures import catalogue

        catalogue.import_types(catalogue.reference_rows())
        from skreddersy.measures.models import MeasureType

        admin = f.staff("administrator").user
        counties = [f.county(c) for c in ("11", "12")]
        offices = [f.office(counties[i % 2]) for i in range(4)]
        target = services.set_national_target(user=admin, year=2026, measure_type=MeasureType.objects.first(), priority_group="",
                                              places=50, budget=0)
        for kind, i, places in steps:
            try:
                if kind == "target":
                    services.set_national_target(user=admin, year=2026, measure_type=target.measure_type, priority_group="",
                                                 places=places, budget=0)
                elif kind == "county":
                    services.allocate_to_county(user=admin, target=target, county=counties[i % 2], places=places, budget=0)
                else:
                    ca = CountyAllocation.objects.filter(county=offices[i].county).first()
                    if ca:
                        services.allocate_to_office(user=admin, county_allocation=ca, office=offices[i], places=places, budget=0)
            except InvalidInput:
                pass
            t = NationalTarget.objects.get(pk=target.pk)
            assert (t.county_allocations.aggregate(s=Sum("places"))["s"] or 0) <= t.places
            for ca in CountyAllocation.objects.all():
                assert (ca.office_allocations.aggregate(s=Sum("places"))["s"] or 0) <= ca.places
