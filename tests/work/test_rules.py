"""The rules of work with employers and job specialists, on plain values."""

import datetime as dt
import json
import random
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core import orgnr
from skreddersy.work import rules
from skreddersy.work.models import PHASE_ORDER, add_months

# Published, registered organisation numbers (Brønnøysundregistrene's own numbers and public bodies).
REAL = ["974760673", "971526920", "889640782", "983887457", "974761076"]
SCALE = json.loads(resources.files("skreddersy.reference").joinpath("ips_fidelity.json").read_text(encoding="utf-8"))


def _independent_check(number: str) -> bool:
    """The check written out from the register's description, independent of the code under test."""
    if len(number) != 9 or not number.isdigit():
        return False
    weights = [3, 2, 7, 6, 5, 4, 3, 2]
    s = sum(int(number[i]) * weights[i] for i in range(8))
    r = 11 - s % 11
    if r == 11:
        r = 0
    return r != 10 and r == int(number[8])


@pytest.mark.parametrize("number", REAL)
def test_real_numbers_pass(number):
    assert orgnr.parse(number) == number
    assert orgnr.parse(f"{number[:3]} {number[3:6]} {number[6:]}") == number


@given(st.text(alphabet="0123456789", min_size=9, max_size=9))
def test_any_nine_digits_agree_with_the_independent_check(number):
    assert orgnr.is_valid(number) == _independent_check(number)


@given(st.text(alphabet="0123456789", min_size=9, max_size=9), st.integers(0, 8), st.integers(1, 9))
def test_changing_one_digit_of_a_valid_number_makes_it_invalid(number, pos, delta):
    """Mod 11 with these weights catches every single-digit error."""
    digit = orgnr.check_digit(number[:8])
    if digit is None:
        return
    valid = number[:8] + str(digit)
    changed = valid[:pos] + str((int(valid[pos]) + delta) % 10) + valid[pos + 1:]
    assert not orgnr.is_valid(changed)


@given(st.text(max_size=12))
def test_anything_else_is_refused_with_a_reason(text):
    if _independent_check(orgnr.normalise(text)):
        return
    with pytest.raises(orgnr.InvalidOrganisationNumber) as exc:
        orgnr.parse(text)
    assert exc.value.reason


@given(st.integers(0, 2**32))
def test_generated_demo_numbers_pass(seed):
    n = orgnr.generate(random.Random(seed))
    assert _independent_check(n) and n[0] in "89"


# --- phases ---------------------------------------------------------------------------------------

D = dt.date(2026, 6, 1)


@given(st.sampled_from(PHASE_ORDER[:-1]), st.sampled_from(PHASE_ORDER), st.booleans(), st.sampled_from(["", "work", "health"]))
def test_phases_move_only_forward_or_to_ended_with_a_reason(current, to, has_start, reason):
    problem = rules.phase_change_problem(current, to, end_reason=reason, has_start=has_start, on=D, since=D, today=D)
    if to == "ended":
        assert (problem is None) == bool(reason)
    elif PHASE_ORDER.index(to) <= PHASE_ORDER.index(current):
        assert problem and problem[0] == "to_phase"
    elif reason:
        assert problem and problem[0] == "end_reason"
    elif to in ("in_work", "follow_along") and not has_start:
        assert problem and problem[0] == "to_phase"
    else:
        assert problem is None


def test_an_ended_case_moves_no_more():
    for to in PHASE_ORDER:
        assert rules.phase_change_problem("ended", to, end_reason="work", has_start=True, on=D, since=D, today=D)


def test_phase_dates_lie_between_the_current_phase_and_today():
    assert rules.phase_change_problem("referred", "engagement", end_reason="", has_start=False, on=D + dt.timedelta(1), since=D, today=D)[0] == "on"
    assert rules.phase_change_problem("referred", "engagement", end_reason="", has_start=False, on=D - dt.timedelta(1), since=D, today=D)[0] == "on"


# --- place and pray, first contact, renewal ----------------------------------------------------------

@given(st.integers(0, 60), st.one_of(st.none(), st.integers(0, 60)))
def test_place_and_pray_warns_from_day_14_without_a_follow_up_contact(days_since_start, contact_after):
    start = D
    today = start + dt.timedelta(days=days_since_start)
    last = None if contact_after is None or contact_after > days_since_start else start + dt.timedelta(days=contact_after)
    got = rules.place_and_pray(start, None, last, today)
    quiet = (today - (last or start)).days
    assert got == (quiet if quiet >= 14 else None)


def test_place_and_pray_day_13_and_day_14():
    assert rules.place_and_pray(D, None, None, D + dt.timedelta(days=13)) is None
    assert rules.place_and_pray(D, None, None, D + dt.timedelta(days=14)) == 14
    assert rules.place_and_pray(D, D + dt.timedelta(days=10), None, D + dt.timedelta(days=30)) is None  # the job ended


def test_first_employer_contact_within_30_days():
    assert not rules.first_contact_missed(D, None, D + dt.timedelta(days=30))
    assert rules.first_contact_missed(D, None, D + dt.timedelta(days=31))
    assert not rules.first_contact_missed(D, D + dt.timedelta(days=29), D + dt.timedelta(days=90))
    assert rules.first_contact_missed(D, D + dt.timedelta(days=31), D + dt.timedelta(days=90))


def test_renewal_reminder_a_month_before_the_grant_ends():
    until = add_months(D, 6)
    assert not rules.renewal_due(until, until - dt.timedelta(days=31))
    assert rules.renewal_due(until, until - dt.timedelta(days=30))


def test_grant_is_six_months_to_the_day_or_the_months_last_day():
    assert add_months(dt.date(2026, 8, 31), 6) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2026, 1, 15), 6) == dt.date(2026, 7, 15)


# --- overlap warnings ------------------------------------------------------------------------------

def test_overlap_warns_of_owner_and_recent_colleagues_not_of_oneself():
    now = dt.datetime(2026, 6, 20, 12, tzinfo=dt.UTC)
    recent = [(7, "Eier", None), (8, "Kollega", now - dt.timedelta(days=3)), (8, "Kollega", now - dt.timedelta(days=5)),
              (9, "Gammel", now - dt.timedelta(days=15)), (1, "Meg", now - dt.timedelta(days=1))]
    got = rules.overlap_warnings(None, 1, now, recent)
    assert [(w.staff_name, w.reason) for w in got] == [("Eier", "owner"), ("Kollega", "recent")]
    assert rules.overlap_warnings(None, 7, now, [(7, "Eier", None)]) == []


# --- subsidy plan ------------------------------------------------------------------------------

@given(st.lists(st.tuples(st.integers(0, 36), st.integers(-10, 100)), min_size=1, max_size=5))
def test_a_subsidy_plan_steps_down_from_month_0(steps):
    plan = [{"from_month": m, "percent": p} for m, p in steps]
    problem, clean = rules.subsidy_plan_problem(plan)
    ok = (steps[0][0] == 0 and all(b[0] > a[0] and b[1] <= a[1] for a, b in zip(steps, steps[1:], strict=False))
          and all(0 <= p <= 75 for _, p in steps))
    assert (problem is None) == ok
    if ok:
        assert clean == plan


def test_follow_along_is_weekly_at_first():
    plan = rules.follow_along_plan(D)
    first = [d for _, d in plan[:8]]
    assert first == [D + dt.timedelta(weeks=w) for w in range(1, 9)]
    assert {k for k, _ in plan[:8]} >= {"candidate_checkin", "employer_visit"}


# --- fidelity -------------------------------------------------------------------------------------

def test_the_scale_has_25_items_and_published_bands():
    assert len(SCALE["items"]) == 25
    assert SCALE["items"][0]["title_en"] == "Caseload size"
    bands = {b["key"]: (b["min"], b["max"]) for b in SCALE["bands"]}
    assert bands == {"exemplary": (115, 125), "good": (100, 114), "fair": (74, 99), "not_ips": (25, 73)}


@pytest.mark.parametrize(("total", "band"), [(125, "exemplary"), (115, "exemplary"), (114, "good"), (100, "good"),
                                             (99, "fair"), (74, "fair"), (73, "not_ips"), (25, "not_ips")])
def test_bands_at_their_edges(total, band):
    assert rules.fidelity_band(total, SCALE)["key"] == band


@given(st.dictionaries(st.integers(0, 27).map(str), st.one_of(st.integers(-2, 8), st.text(max_size=2), st.none(), st.booleans()), max_size=28))
def test_scores_are_refused_unless_every_item_has_a_whole_number_1_to_5(scores):
    errors, clean = rules.fidelity_problems(scores, SCALE)
    def whole_1_to_5(v):  # form input arrives as text: " 3" is 3; True, 2.5 or "3a" are not scores
        return (type(v) is int and 1 <= v <= 5) or (type(v) is str and v.strip() in {"1", "2", "3", "4", "5"})

    complete = all(str(n) in scores and whole_1_to_5(scores[str(n)]) for n in range(1, 26))
    unknown = any(k not in {str(n) for n in range(1, 26)} for k in scores)
    assert (not errors) == (complete and not unknown)
    if not errors:
        assert 25 <= sum(clean.values()) <= 125
