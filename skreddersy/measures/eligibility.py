"""Who can take an offering: pure functions over plain facts, with the reason in the reader's language.

Rules (each independent; all must hold):
1. Need group: the client has a § 14 a need group, and it is one the measure type is open to.
2. Age: within the offering's age range (the offering's own limits, else the type's).
3. Priority group: if the offering (or else its type) is reserved for priority groups, the client
   belongs to at least one of them.
4. Place: the client's follow-up office is one the offering serves.
5. Open: the offering takes referrals (status open, not ended).

``matching.py`` applies the same rules vectorised; a property test keeps the two in agreement.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

PRIORITY_LABELS = {
    "youth": gettext_lazy("unge under 30 år"),
    "immigrant_non_eea": gettext_lazy("innvandrere fra land utenfor EØS"),
    "long_term_unemployed": gettext_lazy("langtidsledige"),
    "reduced_work_capacity": gettext_lazy("personer med nedsatt arbeidsevne"),
}


@dataclass(frozen=True)
class ClientFacts:
    need_group: str  # "" when no decision yet
    age: int
    priority_groups: frozenset[str]
    office_id: int
    office_name: str = ""


@dataclass(frozen=True)
class OfferingFacts:
    eligible_groups: frozenset[str]
    min_age: int | None
    max_age: int | None
    priority_groups: frozenset[str]
    office_ids: frozenset[int]
    is_open: bool = True
    group_names: dict = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reasons: tuple[str, ...]  # in the active language, one per rule that fails
    failed: tuple[str, ...]  # rule keys: need_group, age, priority_group, place, open

    def __bool__(self) -> bool:
        return self.eligible


def priority_groups_of(*, age: int, immigrant_non_eea: bool, long_term_unemployed: bool, reduced_work_capacity: bool) -> frozenset[str]:
    groups = set()
    if age < 30:
        groups.add("youth")
    if immigrant_non_eea:
        groups.add("immigrant_non_eea")
    if long_term_unemployed:
        groups.add("long_term_unemployed")
    if reduced_work_capacity:
        groups.add("reduced_work_capacity")
    return frozenset(groups)


def check_need_group(c: ClientFacts, o: OfferingFacts) -> str | None:
    if not c.need_group:
        return _("Brukeren har ikke et § 14 a-vedtak med innsatsgruppe ennå.")
    if c.need_group not in o.eligible_groups:
        name = o.group_names.get(c.need_group, c.need_group)
        return _("Tiltaket er ikke åpent for innsatsgruppen «%(group)s».") % {"group": name}
    return None


def check_age(c: ClientFacts, o: OfferingFacts) -> str | None:
    if o.min_age is not None and c.age < o.min_age:
        return _("Brukeren er %(age)s år; tilbudet krever minst %(min_age)s år.") % {"age": c.age, "min_age": o.min_age}
    if o.max_age is not None and c.age > o.max_age:
        return _("Brukeren er %(age)s år; tilbudet er for personer opp til %(max_age)s år.") % {"age": c.age, "max_age": o.max_age}
    return None


def check_priority_group(c: ClientFacts, o: OfferingFacts) -> str | None:
    if o.priority_groups and not (o.priority_groups & c.priority_groups):
        names = (" " + _("eller") + " ").join(str(PRIORITY_LABELS.get(g, g)) for g in sorted(o.priority_groups))
        return _("Tilbudet er forbeholdt %(groups)s.") % {"groups": names}
    return None


def check_place(c: ClientFacts, o: OfferingFacts) -> str | None:
    if c.office_id not in o.office_ids:
        if c.office_name:
            return _("Tilbudet gjelder ikke brukere som følges opp ved %(office)s.") % {"office": c.office_name}
        return _("Tilbudet gjelder ikke brukere som følges opp.")
    return None


def check_open(c: ClientFacts, o: OfferingFacts) -> str | None:
    if not o.is_open:
        return _("Tilbudet tar ikke imot påmeldinger (stengt, avlyst eller avsluttet).")
    return None


RULES = (
    ("need_group", check_need_group),
    ("age", check_age),
    ("priority_group", check_priority_group),
    ("place", check_place),
    ("open", check_open),
)


def check(c: ClientFacts, o: OfferingFacts) -> Eligibility:
    reasons, failed = [], []
    for key, rule in RULES:
        reason = rule(c, o)
        if reason:
            reasons.append(reason)
            failed.append(key)
    return Eligibility(eligible=not reasons, reasons=tuple(reasons), failed=tuple(failed))


# --- building facts from model rows ------------------------------------------------------------------

def client_facts(client, *, on: dt.date | None = None) -> ClientFacts:
    age = client.age(on)
    return ClientFacts(
        need_group=client.need_group or "",
        age=age,
        priority_groups=priority_groups_of(
            age=age, immigrant_non_eea=client.immigrant_non_eea, long_term_unemployed=client.long_term_unemployed,
            reduced_work_capacity=client.reduced_work_capacity,
        ),
        office_id=client.office_id,
        office_name=client.office.name if "office" in client._state.fields_cache else "",
    )


def offering_is_open(offering, on: dt.date) -> bool:
    return offering.status == "open" and (offering.end_date is None or offering.end_date >= on)


def offering_facts(offering, *, office_ids=None, on: dt.date | None = None) -> OfferingFacts:
    from skreddersy.core import clock, reference

    on = on or clock.today()
    t = offering.measure_type
    if office_ids is None:
        office_ids = offering.offices.values_list("id", flat=True)
    return OfferingFacts(
        eligible_groups=frozenset(t.eligible_groups or ()),
        min_age=offering.min_age if offering.min_age is not None else t.min_age,
        max_age=offering.max_age if offering.max_age is not None else t.max_age,
        priority_groups=frozenset(offering.priority_groups or t.priority_groups or ()),
        office_ids=frozenset(office_ids),
        is_open=offering_is_open(offering, on),
        group_names={k: reference.localized(v) for k, v in reference.need_groups().items()},
    )
