"""The leader's page sums each counsellor's facts in the database (a weight is linear in the facts);
it must give exactly the client-by-client sum, also when estimated weights make some client weigh
less than nothing (such a client counts 0)."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.core.models import Role
from skreddersy.workload import model, selectors
from skreddersy.workload.estimation import Weight, WeightEstimateResult
from skreddersy.workload.facts import office_facts
from skreddersy.workload.models import WeightEstimate
from tests import factories as f

GROUPS = ["", "STANDARD_INNSATS", "SITUASJONSBESTEMT_INNSATS", "SPESIELT_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"]


def _estimate(office, weights: dict[str, float]):
    result = WeightEstimateResult(
        n=100,
        n_test=10,
        r2=0.5,
        r2_out_of_sample=0.4,
        train_from="2025-01-01",
        test_month="2025-12",
        weights=[Weight(n, model.FACTOR_LABELS[n], b, b - 1, b + 1, 0.01) for n, b in weights.items()],
    )
    WeightEstimate.objects.create(office=office, result=result.to_dict())


@pytest.mark.django_db
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    clients=st.lists(
        st.tuples(st.integers(0, 2), st.sampled_from(GROUPS), st.booleans(), st.booleans()), min_size=1, max_size=12
    ),
    est=st.fixed_dictionaries({n: st.floats(-60, 60, allow_nan=False) for n in ["base", *model.FACTOR_NAMES]}),
)
def test_per_counsellor_sums_equal_the_client_by_client_sums(clients, est):
    office = f.office(f.county("57"))
    leader = f.staff(Role.OFFICE_LEADER, offices=[office])
    staff = [f.staff("counsellor", offices=[office]) for _ in range(3)]
    for who, group, manual, interp in clients:
        f.client(office, staff[who], need_group=group, manual_followup=manual, needs_interpreter=interp)
    _estimate(office, est)
    page = selectors.workload_page(user=f.fresh_user(leader), office_id=office.pk, plot=False)
    facts = office_facts(office.pk, today=clock.today(), now=clock.now())
    points = page.points
    for row in page.rows:
        mine = [x for x in facts if x.counsellor_id == row.staff.pk]
        assert row.caseload == len(mine)
        assert row.points_minutes == pytest.approx(sum(model.client_weight(points, x.facts) for x in mine))
        assert row.estimated_minutes == pytest.approx(
            sum(max(0.0, model.client_weight(est, x.facts)) for x in mine), abs=1e-6
        )


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["nb", "en"])
def test_an_estimate_with_translated_labels_is_stored(language):
    """A factor's label is a lazy translation: the stored estimate holds it as bokmål text, in
    whatever language the request that stored it was."""
    from django.utils import translation

    office = f.office(f.county("57"))
    with translation.override(language):
        _estimate(office, {"base": 20.0})
    stored = WeightEstimate.objects.get(office=office).result
    assert stored["weights"][0]["label"] == "Grunnvekt (alle brukere)"
