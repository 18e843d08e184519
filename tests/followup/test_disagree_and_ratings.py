"""The client can disagree ("Jeg er ikke enig / jeg har spørsmål") and the client's own ratings
over time: the scale of each item as the item bank defines it, voluntary, the trend and the flag
against the work capacity assessment, and analysts' aggregates (n ≥ 5, compared with an
independent computation)."""

import datetime as dt
import statistics

import pytest
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.followup import ratings, selectors, services
from skreddersy.followup.models import SelfRating, Task, Thread
from tests import factories as f

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))


@pytest.fixture
def frozen():
    clock.freeze(T0)
    yield
    clock.freeze(None)


@pytest.fixture
def case(org, frozen):
    client = f.client(org["a"], org["counsellor"], login=True)
    return {"nav": f.fresh_user(org["counsellor"]), "me": f.fresh_user(client.user), "client": client}


# --- disagreement --------------------------------------------------------------------------------


def test_disagreeing_opens_a_message_tied_to_the_activity_and_marks_it(case):
    act = services.add_activity(
        user=case["nav"],
        client=case["client"],
        title="Kurs i Excel",
        type="course",
        is_requirement=True,
        legal_basis="folketrygdloven § 11-7",
        consequence="AAP kan bli redusert.",
    )
    thread = services.disagree_with_activity(user=case["me"], activity=act.pk, body="Jeg kan ikke ta kurset på dagtid.")
    assert thread.activity_id == act.pk and thread.awaiting_nav_reply
    task = Task.objects.get(client=case["client"], kind="answer_message", status="open")
    assert "uenig eller har spørsmål om «Kurs i Excel»" in task.title
    page = selectors.person(user=case["nav"], client_id=case["client"].pk)
    shown = next(a for a in page.activities if a.pk == act.pk)
    assert shown.disagreement_open
    # a second message goes into the same thread
    services.disagree_with_activity(user=case["me"], activity=act.pk, body="Og jeg har spørsmål om reisen.")
    assert Thread.objects.filter(activity=act).count() == 1
    # approving afterwards closes the disagreement
    act.refresh_from_db()
    services.approve_activity(user=case["me"], activity=act, expected_version=act.version)
    act.refresh_from_db()
    assert not act.disagreement_open


def test_disagreement_needs_words_and_the_client_themself(case):
    act = services.add_activity(user=case["nav"], client=case["client"], title="Søk jobber", type="job_application")
    with pytest.raises(InvalidInput):
        services.disagree_with_activity(user=case["me"], activity=act.pk, body="  ")
    with pytest.raises(AccessDenied):
        services.disagree_with_activity(user=case["nav"], activity=act.pk, body="Nei")
    act.refresh_from_db()
    assert act.client_disagreed_at is None and not Thread.objects.exists()


# --- ratings ----------------------------------------------------------------------------------------


def test_items_come_from_the_item_bank_with_their_own_scales():
    items = {i.key: i for i in ratings.items()}
    assert (items["work_ability"].low, items["work_ability"].high) == (0, 10)
    assert (items["efficacy_pace"].low, items["efficacy_pace"].high) == (1, 10)
    assert len(items["return_expectation"].options) == 8 and items["return_expectation"].extra_option


@given(value=st.integers(-5, 15))
def test_a_rating_outside_its_scale_is_refused_with_a_specific_message(case, value):
    with f.rolled_back():
        if 1 <= value <= 10:
            ratings.record_ratings(user=case["me"], client=case["client"], answers={"efficacy_pace": str(value)})
            assert SelfRating.objects.get().value == value
        else:
            with pytest.raises(InvalidInput) as exc:
                ratings.record_ratings(
                    user=case["me"], client=case["client"], answers={"work_ability": "5", "efficacy_pace": str(value)}
                )
            assert exc.value.errors == {"efficacy_pace": "Svaret må være et helt tall fra 1 til 10."}
            assert not SelfRating.objects.exists()  # nothing half-written: work_ability was valid


def test_options_item_and_dont_know(case):
    with pytest.raises(InvalidInput) as exc:
        ratings.record_ratings(user=case["me"], client=case["client"], answers={"return_expectation": "8"})
    assert "8 svaralternativene" in exc.value.errors["return_expectation"]
    with pytest.raises(InvalidInput):
        ratings.record_ratings(user=case["me"], client=case["client"], answers={"work_ability": ratings.DONT_KNOW})
    with pytest.raises(InvalidInput):
        ratings.record_ratings(user=case["me"], client=case["client"], answers={"work_ability": "5.5"})
    ratings.record_ratings(user=case["me"], client=case["client"], answers={"return_expectation": ratings.DONT_KNOW})
    r = SelfRating.objects.get()
    assert r.dont_know and r.value is None


def test_voluntary_nothing_answered_is_a_message_not_an_empty_record(case):
    with pytest.raises(InvalidInput, match="frivillig"):
        ratings.record_ratings(user=case["me"], client=case["client"], answers={"work_ability": ""})


def test_only_the_client_answers(case):
    with pytest.raises(AccessDenied):
        ratings.record_ratings(user=case["nav"], client=case["client"], answers={"work_ability": "5"})


@pytest.mark.parametrize(
    "days, occasion", [(0, "start"), (80, "start"), (92, "m3"), (364, "m3"), (366, "m12"), (549, "m18"), (900, "m18")]
)
def test_occasions_at_start_3_12_and_18_months(days, occasion):
    start = dt.date(2026, 1, 31)
    assert ratings.occasion_on(start, start + dt.timedelta(days=days))[0] == occasion
    assert ratings.occasion_on(start, start - dt.timedelta(days=1)) is None


def _rate(case, when, **answers):
    clock.freeze(when)
    ratings.record_ratings(user=case["me"], client=case["client"], answers={k: str(v) for k, v in answers.items()})


def test_trend_and_flag_against_the_assessment(case):
    # the fixture's period starts 2026-01-01: "now" (November) is the 3-month occasion
    _rate(case, T0, work_ability=8, efficacy_expectations=7, efficacy_pace=8, efficacy_others=9)
    _rate(case, T0, work_ability=9)  # the same occasion again: replaces
    services.create_assessment(
        user=case["nav"],
        client=case["client"],
        resource_profile="r",
        client_self_assessment="s",
        reduced_work_capacity=True,
    )
    page = selectors.person(user=case["nav"], client_id=case["client"].pk)
    t = page.ratings
    assert len(t.points) == 1 and t.latest.work_ability == 9 and t.latest.efficacy is None
    assert "nedsatt arbeidsevne" in t.flag and "9 av 10" in t.flag
    # the client sees their trend but never the flag
    mine = selectors.person(user=case["me"], client_id=case["client"].pk, why="min side").ratings
    assert mine.flag == "" and mine.latest.work_ability == 9


@pytest.mark.parametrize(
    "wa, reduced, flagged",
    [(7, True, True), (6, True, False), (3, False, True), (4, False, False), (None, True, False), (9, None, False)],
)
def test_flag_thresholds(wa, reduced, flagged):
    assert bool(ratings.disagreement(wa, reduced)) == flagged


def test_analysts_see_only_aggregates_of_five_or_more(org, frozen):
    analyst = f.fresh_user(f.staff("analyst"))
    counsellor = f.fresh_user(org["counsellor"])
    values = [2, 5, 7, 7, 9, 10]
    for v in values:
        c = f.client(org["a"], org["counsellor"], login=True)
        ratings.record_ratings(
            user=f.fresh_user(c.user),
            client=c,
            answers={"work_ability": str(v), "efficacy_pace": "4"} if v != 10 else {"work_ability": str(v)},
        )
    cells = {(c.occasion, c.item): c for c in ratings.aggregates(user=analyst)}
    wa = cells[("m3", "work_ability")]
    assert wa.n == 6 and wa.mean == round(statistics.mean(values), 2) and wa.sd == round(statistics.stdev(values), 2)
    assert cells[("m3", "efficacy_pace")].n == 5
    assert cells[("start", "work_ability")].n is None  # nobody answered at the start occasion
    with pytest.raises(AccessDenied):
        ratings.aggregates(user=counsellor)


def test_a_cell_under_five_shows_nothing(org, frozen):
    analyst = f.fresh_user(f.staff("analyst"))
    for v in (3, 4, 5, 6):
        c = f.client(org["a"], org["counsellor"], login=True)
        ratings.record_ratings(user=f.fresh_user(c.user), client=c, answers={"work_ability": str(v)})
    cell = next(c for c in ratings.aggregates(user=analyst) if (c.occasion, c.item) == ("m3", "work_ability"))
    assert (cell.n, cell.mean, cell.sd) == (None, None, None)
