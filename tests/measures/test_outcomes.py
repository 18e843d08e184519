"""What happened after: status 3 and 6 months after ended participation, per type and per
offering; groups of fewer than five clients are suppressed (no counts at all)."""

import datetime as dt

import pytest

from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.measures import selectors, services
from skreddersy.measures.models import Referral
from tests import factories as f
from tests.measures.conftest import TODAY, offering


def ended_participation(world, o, *, ended_on):
    c = f.client(world["bergen"], world["counsellor"], need_group="STANDARD_INNSATS")
    return Referral.objects.create(client=c, offering=o, office=world["bergen"], status="completed", created_by=world["counsellor"].user,
                                   accepted_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC), ended_on=ended_on)


@pytest.fixture
def ended(world):
    u = world["counsellor"].user
    club = offering(world["types"]["JOBBKLUBB"], [world["bergen"]], title="Jobbklubb A", start=dt.date(2026, 1, 5), capacity=20)
    training = offering(world["types"]["ARBEIDSTRENING"], [world["bergen"]], title="Arbeidstrening B", start=dt.date(2026, 1, 5))
    six_months_ago = dt.date(2026, 5, 1)
    club_refs = [ended_participation(world, club, ended_on=six_months_ago) for _ in range(6)]
    training_refs = [ended_participation(world, training, ended_on=six_months_ago) for _ in range(4)]
    for r, status in zip(club_refs, ["work", "work", "education", "benefit", "new_measure"], strict=False):
        services.record_outcome(user=u, referral=r, months=3, status=status)
    services.record_outcome(user=u, referral=club_refs[0], months=6, status="work")
    return {**world, "club": club, "training": training, "club_refs": club_refs, "training_refs": training_refs}


def test_counts_per_type_with_unknown_for_unrecorded(ended):
    rows = {(r.label, r.months): r for r in selectors.outcomes(user=ended["counsellor"].user, by="type")}
    club3 = rows[("Jobbklubb / jobbsøkerkurs", 3)]
    assert not club3.suppressed and club3.clients == 6
    assert club3.counts == {"work": 2, "education": 1, "new_measure": 1, "benefit": 1, "unknown": 1}
    assert club3.shares["work"] == 33
    assert rows[("Jobbklubb / jobbsøkerkurs", 6)].counts["work"] == 1
    assert rows[("Jobbklubb / jobbsøkerkurs", 6)].counts["unknown"] == 5


def test_groups_of_fewer_than_five_clients_are_suppressed(ended):
    rows = {(r.label, r.months): r for r in selectors.outcomes(user=ended["counsellor"].user, by="offering")}
    small = rows[("Arbeidstrening B", 3)]
    assert small.suppressed and small.counts == {} and small.shares == {} and small.clients == 0
    assert not rows[("Jobbklubb A", 3)].suppressed


def test_a_fifth_client_lifts_suppression(ended, world):
    ended_participation(world, ended["training"], ended_on=dt.date(2026, 5, 1))
    rows = {(r.label, r.months): r for r in selectors.outcomes(user=ended["counsellor"].user, by="offering")}
    assert not rows[("Arbeidstrening B", 3)].suppressed and rows[("Arbeidstrening B", 3)].clients == 5


def test_not_yet_due_participations_are_not_counted_and_cannot_be_recorded(world):
    o = offering(world["types"]["JOBBKLUBB"], [world["bergen"]], start=dt.date(2026, 1, 5))
    r = ended_participation(world, o, ended_on=TODAY - dt.timedelta(days=30))
    assert selectors.outcomes(user=world["counsellor"].user) == []
    with pytest.raises(InvalidInput, match="kan registreres fra"):
        services.record_outcome(user=world["counsellor"].user, referral=r, months=3, status="work")


def test_bad_outcome_input(ended):
    r = ended["club_refs"][0]
    with pytest.raises(InvalidInput) as exc:
        services.record_outcome(user=ended["counsellor"].user, referral=r, months=4, status="holiday")
    assert set(exc.value.errors) == {"months", "status"}
    with pytest.raises(InvalidInput):
        selectors.outcomes(user=ended["counsellor"].user, by="client")


def test_outcomes_are_for_staff_only(ended):
    with pytest.raises(AccessDenied):
        selectors.outcomes(user=ended["client"].user)


def test_one_small_offering_cannot_be_recovered_by_subtracting_from_the_type_total(ended, world):
    """Review finding: with two offerings of a type, 6 and 3 clients, the per-type row (9) minus the
    shown offering (6) gave the hidden offering's counts. Both offering rows are hidden now."""
    other_club = offering(world["types"]["JOBBKLUBB"], [world["bergen"]], title="Jobbklubb C", start=dt.date(2026, 1, 5))
    small = [ended_participation(world, other_club, ended_on=dt.date(2026, 5, 1)) for _ in range(3)]
    for r in small:
        services.record_outcome(user=world["counsellor"].user, referral=r, months=3, status="benefit")
    user = ended["counsellor"].user
    by_type = {(r.label, r.months): r for r in selectors.outcomes(user=user, by="type")}
    by_offering = {(r.label, r.months): r for r in selectors.outcomes(user=user, by="offering")}
    assert not by_type[("Jobbklubb / jobbsøkerkurs", 3)].suppressed and by_type[("Jobbklubb / jobbsøkerkurs", 3)].clients == 9
    assert by_offering[("Jobbklubb C", 3)].suppressed
    assert by_offering[("Jobbklubb A", 3)].suppressed and by_offering[("Jobbklubb A", 3)].counts == {}
    # an offering whose type has no other small offering is still shown
    ended_participation(world, ended["training"], ended_on=dt.date(2026, 5, 1))
    by_offering = {(r.label, r.months): r for r in selectors.outcomes(user=user, by="offering")}
    assert not by_offering[("Arbeidstrening B", 3)].suppressed
