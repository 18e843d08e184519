"""Workload sums, ceilings (lower in the first six months), points that would make a weight
negative, and the minutes recorded with the work (defaults, corrections, bad input)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core.errors import InvalidInput
from skreddersy.timeuse import record as timelog
from skreddersy.timeuse.models import TimeEntry
from skreddersy.workload import model


def test_workload_is_the_sum_of_weights_converted_plus_fixed_duties():
    points = dict(model.NATIONAL_POINTS)
    facts = [dict.fromkeys(model.FACTOR_NAMES, 0) for _ in range(3)]
    facts[1]["ng_spesielt"] = 1
    facts[2]["interpreter"] = facts[2]["requirement"] = 1
    weights = [model.client_weight(points, f) for f in facts]
    assert weights == [20, 60, 60]
    wl = model.workload(sum(weights), fixed_hours=4, ceiling=33.75)
    assert wl.caseload_hours == pytest.approx(140 / 60 / (52 / 12))
    assert wl.total == pytest.approx(wl.caseload_hours + 4)
    assert wl.over == 0


def test_ceiling_is_lower_in_the_first_six_months():
    today = dt.date(2026, 12, 1)
    assert model.ceiling_hours(37.5, dt.date(2026, 7, 1), today) == pytest.approx(37.5 * 0.7)
    assert model.ceiling_hours(37.5, dt.date(2026, 6, 1), today) == pytest.approx(37.5 * 0.9)
    assert model.ceiling_hours(37.5, None, today) == pytest.approx(37.5 * 0.9)
    assert model.is_new_staff(dt.date(2026, 6, 2), today)
    assert not model.is_new_staff(dt.date(2026, 6, 1), today)


@given(st.dictionaries(st.sampled_from(["base", *model.FACTOR_NAMES]), st.integers(-100, 100)))
def test_lowest_weight_is_the_minimum_over_all_clients(points):
    # every client: one need group (or none) and any subset of the other facts
    import itertools

    others = [f for f in model.FACTOR_NAMES if f not in model.NEED_GROUP_FACTORS]
    groups = [None, *sorted(model.NEED_GROUP_FACTORS)]
    lowest = min(
        model.client_weight(
            points, {**dict.fromkeys(model.FACTOR_NAMES, 0), **({g: 1} if g else {}), **dict.fromkeys(subset, 1)}
        )
        for g in groups
        for r in range(len(others) + 1)
        for subset in itertools.combinations(others, r)
        if r <= 2 or r == len(others)
    )
    # the formula is never above any client's weight, and equals the brute-force minimum
    negative = [f for f in others if points.get(f, 0) < 0]
    worst = {**dict.fromkeys(model.FACTOR_NAMES, 0), **dict.fromkeys(negative, 1)}
    ng = min(groups, key=lambda g: points.get(g, 0) if g else 0)
    if ng and points.get(ng, 0) < 0:
        worst[ng] = 1
    assert model.lowest_weight(points) == pytest.approx(model.client_weight(points, worst))
    assert model.lowest_weight(points) <= lowest + 1e-9


@pytest.mark.parametrize(
    ("minutes", "doc", "field", "text"),
    [
        (-5, None, "minutes", "negative"),
        (None, -1, "documentation_minutes", "negative"),
        (721, None, "minutes", "12 timer"),
        (500, 300, "minutes", "Til sammen"),
    ],
)
def test_bad_minutes_are_refused_with_a_reason(minutes, doc, field, text):
    errors = timelog.check(minutes, doc)
    assert text in errors[field]


def test_defaults_per_kind_and_corrections():
    assert timelog.resolve("phone", None, None) == (15, 5)
    assert timelog.resolve("meeting", 70, None) == (70, 15)
    assert timelog.resolve("meeting", 0, 0) == (0, 0)


@pytest.mark.django_db
def test_a_contact_records_its_minutes_and_bad_minutes_write_nothing(org):
    from skreddersy.followup import services
    from skreddersy.followup.models import MeetingNote
    from tests import factories as f

    c = f.client(org["a"], org["counsellor"])
    user = f.fresh_user(org["counsellor"])
    services.log_contact(user=user, client=c.pk, channel="meeting", summary="Møte om jobbsøking")
    services.log_contact(
        user=f.fresh_user(user),
        client=c.pk,
        channel="phone",
        summary="Kort samtale",
        minutes=7,
        documentation_minutes=2,
    )
    got = sorted(TimeEntry.objects.filter(client_id=c.pk).values_list("kind", "minutes", "documentation_minutes"))
    assert got == [("meeting", 45, 15), ("phone", 7, 2)]
    with pytest.raises(InvalidInput) as exc:
        services.log_contact(user=f.fresh_user(user), client=c.pk, channel="meeting", summary="Langt møte", minutes=800)
    assert "minutes" in exc.value.errors
    assert MeetingNote.objects.filter(client=c).count() == 2
    assert TimeEntry.objects.filter(client_id=c.pk).count() == 2


@pytest.mark.django_db
def test_a_message_a_decision_draft_and_an_assessment_record_time_but_a_clients_message_does_not(org):
    from skreddersy.followup import services
    from tests import factories as f

    c = f.client(org["a"], org["counsellor"], login=True)
    user = f.fresh_user(org["counsellor"])
    thread = services.start_thread(user=user, client=c.pk, subject="Hei", body="Hvordan går det?")
    services.send_message(user=f.client_user(c), thread=thread.pk, body="Bra, takk")
    services.send_message(user=f.fresh_user(user), thread=thread.pk, body="Fint!", minutes=4)
    services.create_assessment(
        user=f.fresh_user(user),
        client=c.pk,
        resource_profile="Ressurser",
        client_self_assessment="Egen",
        reduced_work_capacity=False,
    )
    services.draft_decision(
        user=f.fresh_user(user), client=c.pk, need_group="STANDARD_INNSATS", main_goal="SKAFFE_ARBEID"
    )
    kinds = sorted(TimeEntry.objects.filter(client_id=c.pk).values_list("kind", "minutes"))
    assert kinds == [("assessment", 45), ("decision", 20), ("message", 4), ("message", 8)]
    assert set(TimeEntry.objects.filter(client_id=c.pk).values_list("staff_id", flat=True)) == {org["counsellor"].pk}
