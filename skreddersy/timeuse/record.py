"""The one way to record time: ``check`` (field errors for a form or the API) and ``record``
(called by a service inside its own transaction, after it has written the work itself)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from skreddersy.core import clock
from skreddersy.core.errors import InvalidInput
from skreddersy.timeuse.models import DEFAULTS, MAX_MINUTES, Kind, TimeEntry

FIELDS = ("minutes", "documentation_minutes")


def _check_one(value) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        return "Oppgi minutter som et helt tall."
    if value < 0:
        return "Minutter kan ikke være negative."
    if value > MAX_MINUTES:
        return f"Mer enn {MAX_MINUTES // 60} timer for én kontakt eller sak er ikke mulig; sjekk tallet."
    return None


def check(minutes, documentation_minutes) -> dict[str, str]:
    """Field errors for minutes given by a counsellor (None: the kind's default)."""
    errors = {}
    for name, value in zip(FIELDS, (minutes, documentation_minutes), strict=True):
        msg = _check_one(value)
        if msg:
            errors[name] = msg
    if (
        not errors
        and minutes is not None
        and documentation_minutes is not None
        and minutes + documentation_minutes > MAX_MINUTES
    ):
        errors["minutes"] = _("Til sammen mer enn %(hours)d timer for én kontakt eller sak er ikke mulig.") % {
            "hours": MAX_MINUTES // 60
        }
    return errors


def resolve(kind: str, minutes, documentation_minutes) -> tuple[int, int]:
    """The minutes to record: the counsellor's own figures where given, the kind's default where not."""
    if kind not in DEFAULTS:
        raise InvalidInput(_("Ukjent type arbeid for tidsregistrering."), field="kind")
    errors = check(minutes, documentation_minutes)
    if errors:
        raise InvalidInput(_("Tiden kan ikke registreres."), errors=errors)
    d_min, d_doc = DEFAULTS[kind]
    return (d_min if minutes is None else minutes), (d_doc if documentation_minutes is None else documentation_minutes)


def record(
    *, client_id: int, office_id: int, staff, kind: str, minutes=None, documentation_minutes=None, obj=None, at=None
) -> TimeEntry | None:
    """Record the time one piece of work took. Only staff record time (a client's own messages
    are not Nav's work); ``staff`` None records nothing."""
    if staff is None:
        return None
    m, d = resolve(kind, minutes, documentation_minutes)
    return TimeEntry.objects.create(
        client_id=client_id,
        office_id=office_id,
        staff=staff,
        kind=kind,
        minutes=m,
        documentation_minutes=d,
        at=at or clock.now(),
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=getattr(obj, "pk", None),
    )


__all__ = ["DEFAULTS", "Kind", "check", "record", "resolve"]
