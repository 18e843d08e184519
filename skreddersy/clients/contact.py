"""The contact standard (issue 14): the one definition of a client past it (the "red light"),
and where the newest contact with a client is kept (issue 17).

An office sets, per need group, the most days that may pass between contacts with a client
(workload's ``ContactStandard``, over the national defaults). A client is past the standard when
their need group has a standard and there has been no contact ever, or the last contact is older
than that many days (``last < now - max_days``; a contact exactly ``max_days`` ago is still within
it). A client with no need group yet counts as standard innsats.

"The last contact" is the reader's: the newest contact they may see (``followup.lastcontact``: the
side of the office, the client's consents, the KVP rule). The condition is SQL around that
expression (``overdue_sql``, ``Standards.sql``), so the overview's counter, filter and row marker
and the workload facts (``workload.facts``) all ask the database the same question.

A contact is a message from Nav or a meeting note. Each side of the office has a column on Client
with the newest contact it sees by its own right (``SIDE_COLUMN``); a contact moves the columns of
the sides that see its category without a consent (``columns_for``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from skreddersy.core import sql
from skreddersy.core.records import LEGAL_BASIS, RecordSide, side_of

# a client without a need group (no § 14 a decision yet) is held to the standard innsats standard
UNDECIDED_AS = "STANDARD_INNSATS"

# the newest contact each side of the office sees by its own right (Client's columns)
SIDE_COLUMN = {RecordSide.STATE: "last_contact_at", RecordSide.MUNICIPAL: "last_municipal_contact_at"}

# before any contact: "no contact ever" compares as older than every cutoff
_NEVER = dt.datetime(1900, 1, 1, tzinfo=dt.UTC)


def columns_for(category: str) -> tuple[str, ...]:
    """The Client columns a contact of ``category`` moves: those of the sides that see it without
    a consent (the joint follow-up: both; a note or a message routed to the municipal services:
    its own side's)."""
    if category in LEGAL_BASIS:
        return tuple(SIDE_COLUMN.values())
    return (SIDE_COLUMN[side_of(category)],)


def _group_cutoff(days: Mapping[str, int], group: str, now: dt.datetime, connection) -> tuple[str, list]:
    """SQL: the oldest last contact still within the standard for the need group ``group`` (a
    column), NULL for a group without a standard."""
    if not days:
        return "NULL", []
    whens, params = [], []
    for g, max_days in sorted(days.items()):
        cutoff = sql.time_param(connection, now - dt.timedelta(days=max_days))
        whens.append("WHEN %s THEN %s")
        params += [g, cutoff]
        if g == UNDECIDED_AS:
            whens.append("WHEN %s THEN %s")
            params += ["", cutoff]
    return f"CASE {group} {' '.join(whens)} ELSE NULL END", params


def older_than_sql(last: tuple[str, list], since: dt.datetime, connection) -> tuple[str, list]:
    """SQL, true for a client whose last contact (``last``: its SQL and parameters, read once) is
    older than ``since``, or who has never had one."""
    text, params = last
    return f"COALESCE({text}, %s) < %s", [*params, sql.time_param(connection, _NEVER), sql.time_param(connection, since)]


def overdue_sql(days: Mapping[str, int], *, last: tuple[str, list], group: str, now: dt.datetime,
                connection) -> tuple[str, list]:
    """SQL, true for a client past the contact standard ``days`` ({need group: max days}): ``last``
    the client's last contact as the reader sees it (its SQL and parameters) and ``group`` the need
    group column, each read once. An empty ``days`` matches nobody."""
    if not days:
        return "1 = 0", []
    cutoff, params = _group_cutoff(days, group, now, connection)
    return _before(last, cutoff, params, connection)


def _before(last: tuple[str, list], cutoff: str, cutoff_params: list, connection) -> tuple[str, list]:
    text, params = last
    return f"COALESCE({text}, %s) < {cutoff}", [*params, sql.time_param(connection, _NEVER), *cutoff_params]


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

    def sql(self, *, last: tuple[str, list], group: str, office: str, now: dt.datetime, connection) -> tuple[str, list]:
        """``overdue_sql`` with each client's own office's standard (``office``: the office column)."""
        if not self:
            return "1 = 0", []
        cutoff, params = _group_cutoff(self.default, group, now, connection)
        if self.by_office:
            whens, when_params = [], []
            for office_id, days in sorted(self.by_office.items()):
                own, own_params = _group_cutoff(days, group, now, connection)
                whens.append(f"WHEN %s THEN {own}")
                when_params += [office_id, *own_params]
            cutoff, params = f"CASE {office} {' '.join(whens)} ELSE {cutoff} END", [*when_params, *params]
        return _before(last, cutoff, params, connection)


NONE = Standards()
