"""The contact standard (issue 14): the one definition of a client past it (the "red light").

An office sets, per need group, the most days that may pass between contacts with a client
(workload's ``ContactStandard``, over the national defaults). A client is past the standard when
their need group has a standard and there has been no contact ever, or the last contact is older
than that many days (``last_contact_at < now - max_days``; a contact exactly ``max_days`` ago is
still within it). A client with no need group yet counts as standard innsats.

The condition is a ``Q`` on Client, so the workload facts (``workload.facts``), the overview's
counter, filter and row marker (``followup.overview``) all ask the database the same question.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from django.db.models import Q

# a client without a need group (no § 14 a decision yet) is held to the standard innsats standard
UNDECIDED_AS = "STANDARD_INNSATS"


def overdue_q(days: Mapping[str, int], *, now: dt.datetime) -> Q:
    """Clients past the contact standard ``days`` ({need group: max days}); an empty ``days``
    matches nobody."""
    overdue = Q(pk__in=[])
    for group, max_days in days.items():
        late = Q(last_contact_at__isnull=True) | Q(last_contact_at__lt=now - dt.timedelta(days=max_days))
        in_group = Q(need_group=group) | Q(need_group="") if group == UNDECIDED_AS else Q(need_group=group)
        overdue |= in_group & late
    return overdue


@dataclass(frozen=True)
class Standards:
    """Contact standards for several offices: ``by_office`` holds the offices with standards of
    their own (complete: the defaults they did not change included), ``default`` every other
    office's (the national standard)."""

    default: Mapping[str, int] = field(default_factory=dict)
    by_office: Mapping[int, Mapping[str, int]] = field(default_factory=dict)

    def for_office(self, office_id: int | None) -> Mapping[str, int]:
        return self.by_office.get(office_id, self.default) if office_id is not None else self.default

    def __bool__(self) -> bool:
        return bool(self.default) or any(self.by_office.values())

    def q(self, *, now: dt.datetime) -> Q:
        """Clients past their own office's standard (``overdue_q`` per office)."""
        cond = Q(pk__in=[])
        for office_id, days in self.by_office.items():
            if days:
                cond |= Q(office_id=office_id) & overdue_q(days, now=now)
        if self.default:
            others = ~Q(office_id__in=list(self.by_office)) if self.by_office else Q()
            cond |= others & overdue_q(self.default, now=now)
        return cond


NONE = Standards()
