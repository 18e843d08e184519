"""The workload model, pure arithmetic (no database): factors, national default points, a client's
weight, hours per week, ceilings. One place for every constant the pages and the planner share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

# The observable facts a client's follow-up weight is built from (all 0/1), with their labels.
# Need group is one-hot with "standard innsats" (or no decision yet) as the reference.
FACTORS: list[tuple[str, str]] = [
    ("ng_situasjonsbestemt", gettext_lazy("Situasjonsbestemt innsats")),
    ("ng_spesielt", gettext_lazy("Spesielt tilpasset innsats")),
    ("ng_gradert", gettext_lazy("Gradert varig tilpasset innsats")),
    ("ng_varig", gettext_lazy("Varig tilpasset innsats")),
    ("requirement", gettext_lazy("Åpent aktivitetskrav")),
    ("awaiting_reply", gettext_lazy("Melding venter på svar fra Nav")),
    ("manual", gettext_lazy("Manuell oppfølging (ikke digital)")),
    ("interpreter", gettext_lazy("Behov for tolk")),
    ("pending", gettext_lazy("Vedtak eller vurdering venter")),
    ("priority", gettext_lazy("Prioritert gruppe")),
    ("new", gettext_lazy("Ny i oppfølging (siste 90 dager)")),
]
FACTOR_NAMES = [f for f, _ in FACTORS]
FACTOR_LABELS = dict(FACTORS) | {"base": gettext_lazy("Grunnvekt (alle brukere)")}
NEED_GROUP_FACTOR = {
    "SITUASJONSBESTEMT_INNSATS": "ng_situasjonsbestemt",
    "SPESIELT_TILPASSET_INNSATS": "ng_spesielt",
    "GRADERT_VARIG_TILPASSET_INNSATS": "ng_gradert",
    "VARIG_TILPASSET_INNSATS": "ng_varig",
}
NEED_GROUP_FACTORS = frozenset(NEED_GROUP_FACTOR.values())

# National default points, in expected minutes of work per client per month (the office may edit).
NATIONAL_POINTS: dict[str, float] = {
    "base": 20,
    "ng_situasjonsbestemt": 15,
    "ng_spesielt": 40,
    "ng_gradert": 45,
    "ng_varig": 20,
    "requirement": 15,
    "awaiting_reply": 10,
    "manual": 20,
    "interpreter": 25,
    "pending": 30,
    "priority": 10,
    "new": 30,
}

WEEKS_PER_MONTH = 52 / 12
CEILING_SHARE = 0.9  # planned work may fill 90 % of contracted hours; the rest is unplanned
NEW_STAFF_SHARE = 0.7  # in the first six months
NEW_STAFF_MONTHS = 6
DEFAULT_CONTRACTED_HOURS = 37.5
DEFAULT_FIXED_DUTY_HOURS = 4.0

# Contact standards: at most this many days between contacts, per need group (office may edit).
NATIONAL_CONTACT_DAYS: dict[str, int] = {
    "STANDARD_INNSATS": 180,
    "SITUASJONSBESTEMT_INNSATS": 90,
    "SPESIELT_TILPASSET_INNSATS": 60,
    "GRADERT_VARIG_TILPASSET_INNSATS": 90,
    "VARIG_TILPASSET_INNSATS": 180,
}


def minutes_per_month_to_hours_per_week(minutes: float) -> float:
    return minutes / 60.0 / WEEKS_PER_MONTH


def hours_per_week_to_minutes_per_month(hours: float) -> float:
    return hours * 60.0 * WEEKS_PER_MONTH


def client_weight(points: dict[str, float], facts: dict[str, int] | tuple) -> float:
    """Expected minutes per month for one client: base + the points of the facts that hold."""
    if not isinstance(facts, dict):
        facts = dict(zip(FACTOR_NAMES, facts, strict=True))
    return float(points.get("base", 0.0)) + sum(float(points.get(f, 0.0)) for f in FACTOR_NAMES if facts.get(f))


def lowest_weight(points: dict[str, float]) -> float:
    """The smallest weight any client can get: base, plus the most negative need group (a client
    has at most one), plus every other negative point. Must not be below zero."""
    ng = min([0.0] + [float(points.get(f, 0.0)) for f in NEED_GROUP_FACTORS])
    rest = sum(min(0.0, float(points.get(f, 0.0))) for f in FACTOR_NAMES if f not in NEED_GROUP_FACTORS)
    return float(points.get("base", 0.0)) + ng + rest


def is_new_staff(started_on: dt.date | None, today: dt.date) -> bool:
    if started_on is None:
        return False
    months = (today.year - started_on.year) * 12 + (today.month - started_on.month) - (today.day < started_on.day)
    return months < NEW_STAFF_MONTHS


def ceiling_hours(contracted_hours: float, started_on: dt.date | None, today: dt.date) -> float:
    """Hours per week of planned work (caseload + fixed duties) a counsellor should carry at most."""
    share = NEW_STAFF_SHARE if is_new_staff(started_on, today) else CEILING_SHARE
    return round(contracted_hours * share, 2)


@dataclass(frozen=True)
class Workload:
    caseload_hours: float
    fixed_hours: float
    ceiling: float

    @property
    def total(self) -> float:
        return self.caseload_hours + self.fixed_hours

    @property
    def over(self) -> float:
        return max(0.0, self.total - self.ceiling)


def workload(weights_sum_minutes: float, fixed_hours: float, ceiling: float) -> Workload:
    return Workload(minutes_per_month_to_hours_per_week(weights_sum_minutes), fixed_hours, ceiling)
