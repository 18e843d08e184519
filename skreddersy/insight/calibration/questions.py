"""The four questions every vignette asks, their categories (in order) and measurement level."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from skreddersy.clients.models import MainGoal, NeedGroup
from skreddersy.core import reference
from skreddersy.followup.models import Activity

NONE = "none"


def questions() -> list[dict]:
    types = [(t["code"], reference.localized(t)) for t in reference.measure_types()]
    return [
        {
            "key": "need_group",
            "label": _("Innsatsgruppe"),
            "level": "ordinal",
            "choices": [(c.value, c.label) for c in NeedGroup],
        },
        {
            "key": "main_goal",
            "label": _("Hovedmål"),
            "level": "nominal",
            "choices": [(c.value, c.label) for c in MainGoal],
        },
        {
            "key": "requirement",
            "label": _("Aktivitetskrav (og hvilken aktivitet)"),
            "level": "nominal",
            "choices": [(NONE, _("Ikke aktivitetskrav")), *((t.value, t.label) for t in Activity.Type)],
        },
        {
            "key": "measure_type",
            "label": _("Tiltakstype"),
            "level": "nominal",
            "choices": [(NONE, _("Ikke tiltak nå")), *types],
        },
    ]


def keys() -> list[str]:
    return [q["key"] for q in questions()]


def validate(answer: dict, *, partial: bool = False) -> tuple[dict, dict]:
    """(clean answer, errors by question key) for one vignette's answer."""
    clean, errors = {}, {}
    for q in questions():
        v = (answer or {}).get(q["key"], "")
        allowed = {c for c, _l in q["choices"]}
        if v in allowed:
            clean[q["key"]] = v
        elif v or not partial:
            errors[q["key"]] = str(_("Velg et svar.")) if not v else str(_("Ukjent svar."))
    return clean, errors
