"""Template filters of the follow-up pages: how a deadline reads (overdue reads as overdue, never
"snart") and where a journal entry's link goes (the item it records)."""

from __future__ import annotations

import datetime as dt
import functools

from django import template
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import format_html
from django.utils.translation import gettext as _

from skreddersy.core import clock
from skreddersy.core.templatetags.skreddersy_format import format_date

register = template.Library()


def _short(d: dt.date, today: dt.date) -> str:
    """Day and month in the active language's short form (05.12 / 05/12), the year added when
    it is not this year's."""
    return format_date(d, "SHORT_MONTH_DAY_FORMAT" if d.year == today.year else "SHORT_DATE_FORMAT")


def deadline_phrase(value, *, now: dt.datetime | None = None) -> tuple[str, bool]:
    """(words, overdue) for a deadline, a date or a datetime, relative to ``now``: "frist passert
    28.11" once it has passed (a datetime: the moment; a date: the whole day counts), "frist i dag",
    "frist i morgen", else "frist 05.12" (the year added when it is not this year's)."""
    now = now or clock.now()
    today = timezone.localtime(now).date() if timezone.is_aware(now) else now.date()
    if isinstance(value, dt.datetime):
        day = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
        overdue = value < now
    else:
        day = value
        overdue = day < today
    if overdue and day == today:
        return _("frist passert i dag kl. %(t)s") % {"t": timezone.localtime(value).strftime("%H:%M")}, True
    return _day_phrase(day, today, overdue, translation.get_language() or "nb"), overdue


@functools.lru_cache(maxsize=4096)
def _day_phrase(day: dt.date, today: dt.date, overdue: bool, _lang: str) -> str:
    """``deadline_phrase``'s words for a whole day, made once per day, today, state and language
    (a list of a hundred tasks reads the same few days on many rows)."""
    if overdue:
        return _("frist passert %(d)s") % {"d": _short(day, today)}
    if day == today:
        return _("frist i dag")
    if day == today + dt.timedelta(days=1):
        return _("frist i morgen")
    return _("frist %(d)s") % {"d": _short(day, today)}


@register.filter
def frist(value):
    """``{{ task.deadline|frist }}``: the deadline in words, marked overdue (class ``app-overdue``)
    when it has passed; empty for no deadline."""
    if not value:
        return ""
    words, overdue = deadline_phrase(value)
    if overdue:
        return format_html('<span class="app-overdue">{}</span>', words)
    return words


@register.filter
def overdue(value) -> bool:
    return bool(value) and deadline_phrase(value)[1]


# A journal entry records one item (``object_type``, ``object_id``); its link goes to that item:
# on the person page (which then shows it even when it is not on the first screen) or its own page.
_ON_PERSON_PAGE = {
    "Message": ("melding", "melding-"),
    "Thread": ("traad", "traad-"),
    "Activity": ("aktivitet", "aktivitet-"),
    "MeetingNote": ("referat", "referat-"),
}
_ANCHORS = {
    "Task": "oppgaver",
    "WorkCapacityAssessment": "vedtak",
    "NeedsMapping": "kartlegging",
    "ContactPreference": "varsler",
    "Client": "",
}


@register.filter
def journal_href(entry) -> str:
    """The URL of the item a journal entry records, or "" when it has none to show."""
    otype, oid = entry.object_type, entry.object_id
    if not otype:
        return ""
    if otype == "NeedsDecision" and oid:
        return reverse("decision_detail", args=[oid])
    person = reverse("person", args=[entry.client_id])
    if otype in _ON_PERSON_PAGE and oid:
        param, anchor = _ON_PERSON_PAGE[otype]
        return f"{person}?{param}={oid}#{anchor}{oid}"
    if otype in _ANCHORS:
        return person + (f"#{_ANCHORS[otype]}" if _ANCHORS[otype] else "")
    return ""
