"""§ 14 a rules, checked against the shared reference file itself (innsatsgrupper.json), read here
independently of skreddersy.core.reference, so a change to the facts changes the expectations."""

import json
from importlib import resources

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.followup import rules

# Read straight from the bundled file, not through the code under test.
REF = json.loads(resources.files("skreddersy.reference").joinpath("innsatsgrupper.json").read_text(encoding="utf-8"))
GROUPS = {g["code"]: g for g in REF["groups"]}
GOALS = [g["code"] for g in REF["main_goals"]]
STANDARD = min(GROUPS.values(), key=lambda g: g["order"])["code"]
PERMANENT = {c for c, g in GROUPS.items() if g["requires_second_approver"]}
REDUCED = {c for c, g in GROUPS.items() if g["requires_reduced_work_capacity"]}
# "Øke deltakelse" is the goal noted as "only with the permanent (varig) groups".
PERMANENT_ONLY_GOALS = {g["code"] for g in REF["main_goals"] if "permanent" in g.get("note", "")}


def test_reference_has_the_shape_the_rules_assume():
    assert len(GROUPS) == 5 and STANDARD == "STANDARD_INNSATS"
    assert PERMANENT == {"GRADERT_VARIG_TILPASSET_INNSATS", "VARIG_TILPASSET_INNSATS"}
    assert REDUCED == {"SPESIELT_TILPASSET_INNSATS"} | PERMANENT
    assert PERMANENT_ONLY_GOALS == {"OKE_DELTAKELSE"}


def expected_problems(group, goal, justification, has_assessment, reduced, current):
    """Which fields the rules (in words, from the JSON) say are wrong."""
    fields = set()
    if goal in PERMANENT_ONLY_GOALS and group not in PERMANENT:
        fields.add("main_goal")
    needs_justification = group != STANDARD or current in PERMANENT
    if needs_justification and not justification.strip():
        fields.add("justification")
    if group in REDUCED and not (has_assessment and reduced):
        fields.add("assessment")
    return fields


@given(
    group=st.sampled_from(sorted(GROUPS)),
    goal=st.sampled_from(GOALS),
    justification=st.sampled_from(["", "   ", "\n", "Brukeren har behov for tett oppfølging."]),
    has_assessment=st.booleans(),
    reduced=st.booleans(),
    current=st.sampled_from([None, *sorted(GROUPS)]),
)
def test_problems_match_the_rules_for_every_combination(group, goal, justification, has_assessment, reduced, current):
    d = rules.ProposedDecision(need_group=group, main_goal=goal, justification=justification,
                               has_assessment=has_assessment, assessment_reduced_capacity=has_assessment and reduced,
                               current_group=current)
    found = rules.problems(d)
    assert set(found) == expected_problems(group, goal, justification, has_assessment, reduced, current)
    assert all(isinstance(r, str) and r for r in found.values())


@pytest.mark.parametrize("group", sorted(GROUPS))
@pytest.mark.parametrize("goal", GOALS)
@pytest.mark.parametrize("current", [None, *sorted(GROUPS)])
def test_exhaustive_grid_without_justification_or_assessment(group, goal, current):
    """The full group x goal x current-group grid (hypothesis samples; this covers every cell once)."""
    found = rules.problems(rules.ProposedDecision(need_group=group, main_goal=goal, current_group=current))
    assert set(found) == expected_problems(group, goal, "", False, False, current)


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_second_approver_exactly_for_the_permanent_groups(group):
    assert rules.requires_second_approver(group) == GROUPS[group]["requires_second_approver"]


@pytest.mark.parametrize("group", sorted(GROUPS))
def test_assessment_required_exactly_where_reduced_capacity_is(group):
    assert rules.requires_assessment(group) == GROUPS[group]["requires_reduced_work_capacity"]


def test_assessment_without_reduced_capacity_is_not_enough():
    found = rules.problems(rules.ProposedDecision(need_group="SPESIELT_TILPASSET_INNSATS", main_goal="SKAFFE_ARBEID",
                                                  justification="x", has_assessment=True, assessment_reduced_capacity=False))
    assert "nedsatt arbeidsevne" in found["assessment"]


def test_standard_after_permanent_names_the_reason():
    found = rules.problems(rules.ProposedDecision(need_group=STANDARD, main_goal="SKAFFE_ARBEID",
                                                  current_group="VARIG_TILPASSET_INNSATS"))
    assert "varig" in found["justification"]


@pytest.mark.parametrize("group,goal,field", [("NOPE", "SKAFFE_ARBEID", "need_group"), (STANDARD, "NOPE", "main_goal")])
def test_unknown_codes_are_problems_not_crashes(group, goal, field):
    assert field in rules.problems(rules.ProposedDecision(need_group=group, main_goal=goal))
