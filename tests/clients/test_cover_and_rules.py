"""Cover during absence (its caseload follows the colleague from the first to the last day, then
ends by itself; the journal records it; it gives no clearance) and the office's rules for handing
out new clients (a suggestion the leader may override)."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.clients import assignment
from skreddersy.clients.models import AssignmentRule, Client, Cover
from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.followup import caseloads, overview, selectors
from skreddersy.followup.models import JournalEntry, Task
from tests import factories as f

MONDAY = dt.datetime(2026, 12, 7, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def team(db):
    county = f.county("12")
    a, b = f.office(county), f.office(county)
    clock.freeze(MONDAY)
    yield {
        "a": a,
        "b": b,
        "leader": f.staff("office_leader", offices=[a]),
        "away": f.staff("counsellor", offices=[a], skjermet=True),
        "colleague": f.staff("counsellor", offices=[a]),
        "elsewhere": f.staff("counsellor", offices=[b]),
    }
    clock.freeze(None)


def _mine(staff) -> set[int]:
    ov = overview.caseload_overview(user=f.fresh_user(staff), query=overview.OverviewQuery(), with_counters=False)
    return {r.client.pk for r in ov.rows}


def _inbox(staff) -> set[int]:
    return {i.client_id for i in selectors.task_inbox(user=f.fresh_user(staff)).items}


def test_a_cover_brings_the_caseload_to_the_colleague_from_start_to_end_then_ends_by_itself(team):
    clients = [f.client(team["a"], team["away"]) for _ in range(2)]
    hidden = f.client(team["a"], team["away"], skjermet=True)  # the colleague has no skjermet clearance
    for c in clients:
        Task.objects.create(client=c, title="Ring", deadline=MONDAY + dt.timedelta(days=3))
    start, end = dt.date(2026, 12, 9), dt.date(2026, 12, 11)
    assignment.set_cover(
        user=f.fresh_user(team["leader"]),
        covered=team["away"],
        covering=team["colleague"],
        start=start,
        end=end,
        reason="ferie",
    )
    ids = {c.pk for c in clients}
    for day, covered in [(8, False), (9, True), (11, True), (12, False)]:
        clock.freeze(dt.datetime(2026, 12, day, 8, 0, tzinfo=dt.UTC))
        assert (_mine(team["colleague"]) == ids) is covered, day
        assert (_inbox(team["colleague"]) == ids) is covered, day
        assert _mine(team["away"]) == ids | {hidden.pk}  # the absent counsellor keeps their own caseload
        clock.freeze(MONDAY)
    # the journal of every covered client records the cover (the protected one too: it is their caseload)
    for c in [*clients, hidden]:
        assert JournalEntry.objects.filter(client=c, summary__contains="dekker for").count() == 1


def test_the_counsellor_overview_shows_who_covers_whom(team):
    f.client(team["a"], team["away"])
    assignment.set_cover(
        user=f.fresh_user(team["leader"]),
        covered=team["away"],
        covering=team["colleague"],
        start=MONDAY.date(),
        end=MONDAY.date() + dt.timedelta(days=2),
    )
    ov = caseloads.counsellor_overview(user=f.fresh_user(team["leader"]))
    rows = {r.staff_id: r for r in ov.rows}
    assert rows[team["away"].pk].covered_by == [team["colleague"].display_name]
    assert rows[team["colleague"].pk].covering == [team["away"].display_name]
    assert rows[team["away"].pk].clients == 1


def test_ending_a_cover_early_takes_the_caseload_back(team):
    c = f.client(team["a"], team["away"])
    cover = assignment.set_cover(
        user=f.fresh_user(team["leader"]),
        covered=team["away"],
        covering=team["colleague"],
        start=MONDAY.date(),
        end=MONDAY.date() + dt.timedelta(days=10),
    )
    assert _mine(team["colleague"]) == {c.pk}
    assignment.end_cover(user=f.fresh_user(team["leader"]), cover=cover)
    assert _mine(team["colleague"]) == set()
    assert JournalEntry.objects.filter(client=c, summary__contains="dekker ikke lenger").exists()


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"covering": "away"}, "covering"),
        ({"covering": "elsewhere"}, "covering"),
        ({"end": dt.date(2026, 12, 1)}, "end"),
        ({"start": dt.date(2026, 12, 10), "end": dt.date(2026, 12, 9)}, "end"),
        ({"end": dt.date(2028, 1, 1)}, "end"),
    ],
)
def test_bad_covers_are_refused_and_nothing_is_written(team, kw, field):
    args = {
        "covered": team["away"],
        "covering": team["colleague"],
        "start": dt.date(2026, 12, 7),
        "end": dt.date(2026, 12, 9),
    }
    args.update({k: team[v] if isinstance(v, str) else v for k, v in kw.items()})
    with pytest.raises(InvalidInput) as exc:
        assignment.set_cover(user=f.fresh_user(team["leader"]), **args)
    assert field in exc.value.errors
    assert not Cover.objects.exists()


def test_only_a_leader_at_the_office_sets_a_cover(team):
    with pytest.raises(AccessDenied):
        assignment.set_cover(
            user=f.fresh_user(team["colleague"]),
            covered=team["away"],
            covering=team["colleague"],
            start=MONDAY.date(),
            end=MONDAY.date(),
        )
    assert not Cover.objects.exists()


# --- rules for handing out new clients --------------------------------------------------------------


def _reference_suggestion(rules: list[dict], client: dict, today: dt.date):
    """An independent statement of the rules: the first rule (by position, then creation) whose every
    set condition holds."""
    age = today.year - client["birth"].year - ((today.month, today.day) < (client["birth"].month, client["birth"].day))
    for r in sorted(rules, key=lambda r: (r["position"], r["n"])):
        if r["need_group"] and r["need_group"] != client["need_group"]:
            continue
        if r["age_min"] is not None and age < r["age_min"]:
            continue
        if r["age_max"] is not None and age > r["age_max"]:
            continue
        if r["language"] and r["language"] != client["language"]:
            continue
        if r["interpreter"] and not client["interpreter"]:
            continue
        if r["days"] is not None:
            lo, hi = r["days"]
            d = client["birth"].day
            inside = lo <= d <= hi if lo <= hi else (d >= lo or d <= hi)
            if not inside:
                continue
        return r["n"]
    return None


rule_st = st.fixed_dictionaries(
    {
        "position": st.integers(0, 3),
        "need_group": st.sampled_from(["", "STANDARD_INNSATS", "SPESIELT_TILPASSET_INNSATS"]),
        "age_min": st.one_of(st.none(), st.integers(18, 40)),
        "age_span": st.integers(0, 30),
        "language": st.sampled_from(["", "nb", "ar"]),
        "interpreter": st.booleans(),
        "days": st.one_of(st.none(), st.tuples(st.integers(1, 31), st.integers(1, 31))),
    }
)
client_st = st.fixed_dictionaries(
    {
        "birth": st.dates(dt.date(1960, 1, 1), dt.date(2008, 12, 31)),
        "need_group": st.sampled_from(["", "STANDARD_INNSATS", "SPESIELT_TILPASSET_INNSATS"]),
        "language": st.sampled_from(["nb", "ar", "so"]),
        "interpreter": st.booleans(),
    }
)


@given(rules=st.lists(rule_st, max_size=5), clients=st.lists(client_st, min_size=1, max_size=5))
def test_the_queue_suggests_the_first_matching_rule(team, rules, clients):
    """The suggestion in the leader's queue equals an independent reading of the rules."""
    with f.rolled_back():
        leader = f.fresh_user(team["leader"])
        specs = []
        for n, r in enumerate(rules):
            age_max = None if r["age_min"] is None else r["age_min"] + r["age_span"]
            days = r["days"]
            rule = assignment.save_rule(
                user=leader,
                office=team["a"],
                name=f"Regel {n}",
                counsellor=team["colleague"].pk,
                position=r["position"],
                need_group=r["need_group"],
                age_min=r["age_min"],
                age_max=age_max,
                language=r["language"],
                needs_interpreter=r["interpreter"],
                birth_day_from=days[0] if days else None,
                birth_day_to=days[1] if days else None,
            )
            specs.append({**r, "age_max": age_max, "n": rule.pk})
        expected = {}
        for spec in clients:
            c = f.client(
                team["a"],
                None,
                birth_date=spec["birth"],
                need_group=spec["need_group"],
                language=spec["language"],
                needs_interpreter=spec["interpreter"],
            )
            expected[c.pk] = _reference_suggestion(specs, spec, MONDAY.date())
        queue = caseloads.handout_queue(user=leader)
        by_rule = {r.pk: r for r in AssignmentRule.objects.all()}
        got = {
            row.client_id: next((pk for pk, r in by_rule.items() if r.name == row.suggestion_rule), None)
            if row.suggestion_id
            else None
            for row in queue.rows
        }
        assert got == expected


def test_the_leader_may_override_the_suggestion(team):
    leader = f.fresh_user(team["leader"])
    assignment.save_rule(
        user=leader, office=team["a"], name="Ungdomsteamet", counsellor=team["colleague"].pk, age_max=29
    )
    young = f.client(team["a"], None, birth_date=dt.date(2001, 3, 3))
    row = caseloads.handout_queue(user=leader).rows[0]
    assert (row.client_id, row.suggestion_id, row.suggestion_rule) == (young.pk, team["colleague"].pk, "Ungdomsteamet")
    assignment.assign_clients(user=leader, client_ids=[young.pk], counsellor=team["away"])
    assert Client.objects.get(pk=young.pk).counsellor_id == team["away"].pk


@pytest.mark.parametrize(
    "kw,field",
    [
        ({"name": ""}, "name"),
        ({"counsellor": "elsewhere"}, "counsellor"),
        ({"age_min": 40, "age_max": 30}, "age_max"),
        ({"birth_day_from": 1}, "birth_day_to"),
        ({"birth_day_from": 0, "birth_day_to": 5}, "birth_day_from"),
        ({"need_group": "NOPE"}, "need_group"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_bad_rules_are_refused(team, kw, field):
    args = {"name": "Regel", "counsellor": team["colleague"].pk, **kw}
    if args["counsellor"] == "elsewhere":
        args["counsellor"] = team["elsewhere"].pk
    with pytest.raises(InvalidInput) as exc:
        assignment.save_rule(user=f.fresh_user(team["leader"]), office=team["a"], **args)
    assert field in exc.value.errors
    assert not AssignmentRule.objects.exists()
