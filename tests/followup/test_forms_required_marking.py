"""Forms say what the rules will demand: a field a rule requires is marked required (no
"(valgfritt)", aria-required) exactly when the rule applies to the value on the page, and shown
optional otherwise. The rule itself is the service's (rules.problems); the marking must agree with it."""

import re

import pytest
from django.template.loader import render_to_string
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.followup import rules
from skreddersy.followup.forms import ActivityForm, DecisionForm
from tests.followup.test_rules import GOALS as _GOALS
from tests.followup.test_rules import GROUPS as _GROUPS

GROUPS, GOALS = sorted(_GROUPS), sorted(_GOALS)

pytestmark = pytest.mark.django_db


def _marking(form, name) -> dict:
    """What the page says about one field: marked optional? aria-required? the data for forms.js."""
    html = render_to_string("followup/_field.html", {"field": form[name]})
    optional = re.search(r'<span class="app-optional"( hidden)?>', html)
    return {
        "optional_shown": bool(optional) and not optional.group(1),
        "aria_required": 'aria-required="true"' in html,
        "values": (re.search(r'data-required-values="([^"]*)"', html) or [None, ""])[1].split(),
        "controller": (re.search(r'data-required-when="([^"]*)"', html) or [None, None])[1],
    }


@given(
    group=st.sampled_from(GROUPS),
    goal=st.sampled_from(GOALS),
    current=st.sampled_from([None, *GROUPS]),
    bound=st.booleans(),
)
def test_decision_form_marks_justification_and_assessment_as_the_rules_demand(group, goal, current, bound):
    data = {"need_group": group, "main_goal": goal, "justification": "", "assessment": ""}
    form = DecisionForm(data) if bound else DecisionForm(initial={"need_group": group, "main_goal": goal})
    form.set_current_group(current)
    problems = rules.problems(
        rules.ProposedDecision(
            need_group=group, main_goal=goal, justification="", has_assessment=False, current_group=current
        )
    )
    for name in ("justification", "assessment"):
        m = _marking(form, name)
        demanded = name in problems  # the service refuses it empty
        assert m["aria_required"] is demanded, (name, group, current)
        assert m["optional_shown"] is (not demanded), (name, group, current)
        # forms.js follows the same rule when the user picks another group
        assert m["controller"] == "need_group"
        for g in GROUPS:
            refused = name in rules.problems(
                rules.ProposedDecision(need_group=g, main_goal="SKAFFE_ARBEID", current_group=current)
            )
            assert (g in m["values"]) is refused, (name, g, current)


@pytest.mark.parametrize("requirement", [False, True])
@pytest.mark.parametrize("bound", [False, True])
def test_activity_form_marks_legal_basis_and_consequence_when_it_is_a_requirement(requirement, bound):
    if bound:
        data = {"title": "Kurs", "type": "course"} | ({"is_requirement": "on"} if requirement else {})
        form = ActivityForm(data)
    else:
        form = ActivityForm(initial={"is_requirement": requirement})
    for name in ("legal_basis", "consequence"):
        m = _marking(form, name)
        assert m["aria_required"] is requirement
        assert m["optional_shown"] is (not requirement)
        assert (m["controller"], m["values"]) == ("is_requirement", ["on"])
    if bound:
        form.is_valid()
        # the form's own check agrees with the marking: empty is refused exactly when marked
        assert ("legal_basis" in form.errors) is requirement


def test_a_plain_optional_field_is_marked_optional_and_a_required_one_is_not():
    form = ActivityForm()
    assert _marking(form, "description")["optional_shown"] is True
    assert _marking(form, "title")["optional_shown"] is False
