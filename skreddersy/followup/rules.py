"""§ 14 a decision rules, read from the shared reference (innsatsgrupper.json). Pure functions:
given a proposed decision, return the problems as {field: reason}."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from skreddersy.core import reference


@dataclass(frozen=True)
class ProposedDecision:
    need_group: str
    main_goal: str
    justification: str = ""
    has_assessment: bool = False
    assessment_reduced_capacity: bool = False
    current_group: str | None = None  # the group of the client's current sent decision


def requires_justification(need_group: str, current_group: str | None) -> bool:
    groups = reference.need_groups()
    if groups[need_group]["order"] > 0:
        return True
    return current_group in reference.permanent_groups()


def requires_assessment(need_group: str) -> bool:
    return bool(reference.need_groups()[need_group]["requires_reduced_work_capacity"])


def requires_second_approver(need_group: str) -> bool:
    return need_group in reference.permanent_groups()


def main_goal_allowed(need_group: str, main_goal: str) -> bool:
    """'Øke deltakelse' only with the permanent groups."""
    if main_goal == "OKE_DELTAKELSE":
        return need_group in reference.permanent_groups()
    return True


def draft_problems(*, need_group: str | None = None, main_goal: str | None = None) -> dict[str, str]:
    """What keeps a draft from being saved at all (a field left out (None) is not judged): an
    unknown need group or main goal. Drafts may otherwise be incomplete until they are sent."""
    errors: dict[str, str] = {}
    if need_group is not None and need_group not in reference.need_groups():
        errors["need_group"] = _("Velg en gyldig innsatsgruppe.")
    if main_goal is not None and main_goal not in reference.main_goals():
        errors["main_goal"] = _("Velg et gyldig hovedmål.")
    return errors


def problems(d: ProposedDecision) -> dict[str, str]:
    groups = reference.need_groups()
    errors = draft_problems(need_group=d.need_group)
    if errors:
        return errors
    errors = draft_problems(main_goal=d.main_goal)
    if not errors and not main_goal_allowed(d.need_group, d.main_goal):
        errors["main_goal"] = _("Hovedmålet «Øke deltakelse» kan bare brukes med varig tilpasset innsats.")
    if requires_justification(d.need_group, d.current_group) and not d.justification.strip():
        if groups[d.need_group]["order"] == 0:
            errors["justification"] = _("Begrunnelse kreves når brukeren går fra varig tilpasset til standard innsats.")
        else:
            errors["justification"] = _("Begrunnelse kreves for denne innsatsgruppen.")
    if requires_assessment(d.need_group):
        if not d.has_assessment:
            errors["assessment"] = _("Denne innsatsgruppen krever en arbeidsevnevurdering.")
        elif not d.assessment_reduced_capacity:
            errors["assessment"] = _("Arbeidsevnevurderingen må konkludere med nedsatt arbeidsevne for denne innsatsgruppen.")
    return errors
