"""The newest contact with a client that a reader may see: "last contact", "days since contact",
the contact standard's red light and the overview's "no contact in 90 days" (issue 17).

A contact is a message from Nav or a meeting note (samtalereferat). Each has a side (decision 0044)
and a time the KVP rule reads (a message when sent, in a thread when started; a note when held),
so a single "last contact" for everyone would tell a reader of contacts they may not see: a
municipal note, or a KVP follower's call, moving a state counsellor's "days since contact".

The reader's last contact is therefore the newest contact of the rows they see by the access
policy's own rule (``access.record_filter``):
- for a client who has never had a KVP period (``Client.kvp``: no row is held by one), it is read
  from the column of the reader's side (``clients.contact.SIDE_COLUMN``), or the other side's when
  that is newer and the client has consented to share the other side's category with the reader's
  side (each column's only other-side content is one category, ``_OTHER_CATEGORY``; the consents
  are read only for clients who have given one, ``Client.notes_shared``);
- for a client who has had a KVP period, it is read from the rows, with the KVP rule.
Both give the same answer for an unmarked client (tests/followup/test_last_contact.py).
"""

from __future__ import annotations

import datetime as dt

from django.db import connection
from django.db.models import DateTimeField, F

from skreddersy.clients.contact import SIDE_COLUMN
from skreddersy.clients.models import Client, SharingConsent
from skreddersy.core import sql
from skreddersy.core.records import RecordCategory, RecordSide
from skreddersy.followup.models import MeetingNote, Message, Thread
from skreddersy.policy import access

# what each side's column holds from the other side: the one category a consent must name
_OTHER_CATEGORY = {RecordSide.STATE: RecordCategory.MUNICIPAL_NOTES, RecordSide.MUNICIPAL: RecordCategory.STATE_NOTES}


def _table(model) -> str:
    return sql.table(connection, model)


def _own_categories(side: str) -> list[str]:
    """The categories a reader on ``side`` sees without a consent (the policy's side rule)."""
    return [c for c in RecordCategory.values if access.sees_by_own_right(side, c)]


def _consented_sql(side: str, c: dict[str, str]) -> str:
    """A subquery: the categories the client (columns ``c``) has consented to share with ``side``
    at their own office (``access._consented``'s rule)."""
    return (f"SELECT _sc.category FROM {_table(SharingConsent)} _sc WHERE _sc.client_id = {c['pk']}"
            f" AND _sc.recipient_side = %s AND _sc.office_id = {c['office']} AND _sc.withdrawn_at IS NULL")


def _from_columns(side: str, c: dict[str, str]) -> tuple[str, list]:
    """The reader's last contact from the two columns (a client with no KVP period): their own
    side's, or for a client who has given a consent to share notes (``Client.notes_shared``, kept by
    the database) the other side's when it is newer and the consent covers the reader's side. The
    consents are read only for those clients: a lookup for every client of an office list cost as
    much as the rest of the condition."""
    other_side = RecordSide.MUNICIPAL if side == RecordSide.STATE else RecordSide.STATE
    own, other = c[SIDE_COLUMN[side]], c[SIDE_COLUMN[other_side]]
    return (f"CASE WHEN {c['shared']} = %s AND {other} IS NOT NULL AND ({own} IS NULL OR {other} > {own})"
            f" AND %s IN ({_consented_sql(side, c)}) THEN {other} ELSE {own} END",
            [True, _OTHER_CATEGORY[side], side])


def _from_rows(user, side: str, c: dict[str, str]) -> tuple[str, list]:
    """The reader's last contact from the contact rows, with the side and KVP rules."""
    own = _own_categories(side)
    marks = ", ".join(["%s"] * len(own))
    consented = _consented_sql(side, c)
    msg_seen, msg_params = access.kvp_hidden_sql(user, client_col=c["pk"], at_col="_lm.sent_at")
    thread_seen, thread_params = access.kvp_hidden_sql(user, client_col=c["pk"], at_col="_lt.created_at")
    note_seen, note_params = access.kvp_hidden_sql(user, client_col=c["pk"], at_col="_ln.held_at")
    text = (
        "(SELECT MAX(_lc.at) FROM ("
        f"SELECT _lm.sent_at AS at FROM {_table(Message)} _lm JOIN {_table(Thread)} _lt ON _lt.id = _lm.thread_id"
        f" WHERE _lt.client_id = {c['pk']} AND _lm.from_client = %s"
        f" AND (_lm.category IN ({marks}) OR _lm.category IN ({consented})) AND {msg_seen} AND {thread_seen}"
        f" UNION ALL SELECT _ln.held_at AS at FROM {_table(MeetingNote)} _ln WHERE _ln.client_id = {c['pk']}"
        f" AND (_ln.category IN ({marks}) OR _ln.category IN ({consented})) AND {note_seen}"
        ") _lc)"
    )
    params = [False, *own, side, *msg_params, *thread_params, *own, side, *note_params]
    return text, params


def last_contact_sql(user, c: dict[str, str]) -> tuple[str, list]:
    """SQL: the newest contact with the client (columns ``c``: ``pk``, ``kvp``, ``shared``,
    ``office``, and the two side columns by name) that ``user`` may see; NULL with none. A reader
    who is not staff of one side (a client, an analyst) gets NULL: the figure is staff's. With no reader (None: the
    workload refresh's stored figures, never shown per client) it is the newest of every contact."""
    if user is None:
        a, b = (c[col] for col in SIDE_COLUMN.values())
        return f"CASE WHEN {a} IS NULL THEN {b} WHEN {b} IS NULL OR {a} > {b} THEN {a} ELSE {b} END", []
    side = access.actor(user).employer
    if side not in SIDE_COLUMN:
        return "NULL", []
    plain, plain_params = _from_columns(side, c)
    full, full_params = _from_rows(user, side, c)
    return f"CASE WHEN {c['kvp']} = %s THEN {full} ELSE {plain} END", [True, *full_params, *plain_params]


def _columns(**extra) -> dict:
    return dict(pk=F("pk"), kvp=F("kvp"), shared=F("notes_shared"), office=F("office_id"),
                **{col: F(col) for col in SIDE_COLUMN.values()}, **extra)


def expression(user) -> sql.Fragment:
    """``last_contact_sql`` as an expression on Client (annotate, filter, order_by)."""
    return sql.Fragment(lambda c: last_contact_sql(user, c), output_field=DateTimeField(), **_columns())


def condition(user, render, **extra) -> sql.Fragment:
    """A condition on Client around the reader's last contact: ``render(c, last)`` returns
    ``(sql, params)``, ``last`` being ``last_contact_sql``'s (sql, params) to place once, and ``c``
    the client's columns and the ``extra`` ones (F paths) as compiled."""
    return sql.Fragment(lambda c: render(c, last_contact_sql(user, c)), **_columns(**extra))


def of_client(user, client) -> dt.datetime | None:
    """The newest contact with ``client`` (an instance, already access-checked) that ``user`` may
    see. No query for a client without a KVP period whose other side has nothing newer."""
    side = access.actor(user).employer
    if side not in SIDE_COLUMN:
        return None
    other_side = RecordSide.MUNICIPAL if side == RecordSide.STATE else RecordSide.STATE
    own, other = getattr(client, SIDE_COLUMN[side]), getattr(client, SIDE_COLUMN[other_side])
    if not client.kvp and (not client.notes_shared or other is None or (own is not None and other <= own)):
        return own
    return Client.objects.filter(pk=client.pk).annotate(_lc=expression(user)).values_list("_lc", flat=True).first()
