"""The two sides of a Nav office's records (state and municipal) and the categories that carry
a side. The access policy (``policy.access.record_filter``) decides who sees which category;
see docs/decisions/0033-grants-record-sides.md.

A Nav office is a partnership: the state (Nav-loven) and the municipality (sosialtjenesteloven)
each hold records under their own duty of confidentiality. What the municipality holds under the
Social Services Act (financial assistance, the qualification programme KVP, municipal notes) is
the municipal side; everything else is the state side. Staff see their own employer's side; the
other side only where the client has consented (``clients.SharingConsent``) or the law allows.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordSide(models.TextChoices):
    """Which party holds a record (the values are ``StaffMember.Employer``'s)."""

    STATE = "state", _("Statlig (Nav-loven)")
    MUNICIPAL = "municipal", _("Kommunal (sosialtjenesteloven)")


class RecordCategory(models.TextChoices):
    """What a side-bearing record is about. ``FOLLOWUP`` is the state's work-oriented follow-up
    that the partnership does together (the person card, plan, § 14 a decisions, dialogue and
    their journal lines); the other categories are what a consent can name."""

    FOLLOWUP = "followup", _("Arbeidsrettet oppfølging")
    STATE_NOTES = "state_notes", _("Statlige samtalereferater og notater")
    FINANCIAL_ASSISTANCE = "financial_assistance", _("Økonomisk sosialhjelp")
    KVP = "kvp", _("Kvalifiseringsprogrammet (KVP)")
    MUNICIPAL_NOTES = "municipal_notes", _("Kommunale samtalereferater og notater")


SIDE_OF = {
    RecordCategory.FOLLOWUP: RecordSide.STATE,
    RecordCategory.STATE_NOTES: RecordSide.STATE,
    RecordCategory.FINANCIAL_ASSISTANCE: RecordSide.MUNICIPAL,
    RecordCategory.KVP: RecordSide.MUNICIPAL,
    RecordCategory.MUNICIPAL_NOTES: RecordSide.MUNICIPAL,
}

# Seen by staff of both sides at the client's office without a consent: the work-oriented
# follow-up (Nav-loven § 14 a) is a task of the whole office under the partnership agreement
# (Nav-loven § 14), which is the legal basis for sharing it (decision 0033).
LEGAL_BASIS = frozenset({RecordCategory.FOLLOWUP})

# What a client can consent to share with the other side.
CONSENT_CATEGORIES = tuple(c for c in RecordCategory if c not in LEGAL_BASIS)

# The categories a meeting note (samtalereferat) can have: the side of the note.
NOTE_CATEGORIES = (RecordCategory.STATE_NOTES, RecordCategory.MUNICIPAL_NOTES)


def side_of(category: str) -> str:
    return SIDE_OF[RecordCategory(category)]


def other_side(side: str) -> str:
    return RecordSide.MUNICIPAL if side == RecordSide.STATE else RecordSide.STATE


def note_category(side: str) -> str:
    """The category of a note written on ``side``."""
    return RecordCategory.MUNICIPAL_NOTES if side == RecordSide.MUNICIPAL else RecordCategory.STATE_NOTES
