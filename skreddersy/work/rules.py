"""The rules of work with employers and job specialists, as plain functions over plain values (no
database), so each is tested on its own and used by services and selectors alike."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils.translation import gettext as _

from skreddersy.core.templatetags.skreddersy_format import format_date
from skreddersy.work.models import CHECKPOINT_MONTHS, DEFAULT_CASELOAD_CAP, PHASE_ORDER, IpsCase, add_months

DEFAULT_CAP = DEFAULT_CASELOAD_CAP
END_REASONS = frozenset(IpsCase.EndReason.values)
OVERLAP_DAYS = 14  # a colleague's contact within this many days warns the next caller
FIRST_EMPLOYER_CONTACT_DAYS = 30  # IPS: the first employer contact within 30 days of referral
PLACE_AND_PRAY_DAYS = 14  # a start with no follow-up contact for 14 days warns
RENEWAL_NOTICE_DAYS = 30  # the six-month grant: remind this many days before it ends
MAX_FIELD_MINUTES = 12 * 60
FIELD_TIME_TARGET = 0.40  # share of working time out of the office
WORKING_MINUTES_PER_WEEK = 37.5 * 60  # full-time week (the state's standard working hours)
MAX_SUBSIDY_PERCENT = 75  # wage subsidy: up to 75 % for permanent subsidy, less for time-limited
MAX_SUBSIDY_MONTHS = 120  # a step-down plan's last step starts within ten years
MAX_SUBSIDY_STEPS = 24
__all__ = ["CHECKPOINT_MONTHS", "PHASE_ORDER"]


@dataclass(frozen=True)
class OverlapWarning:
    staff_name: str
    reason: str  # "owner" or "recent"
    at: dt.datetime | None

    def text(self) -> str:
        if self.reason == "owner":
            return _("%(name)s er kontaktansvarlig for denne arbeidsgiveren.") % {"name": self.staff_name}
        return _("%(name)s hadde kontakt med arbeidsgiveren %(date)s.") % {"name": self.staff_name, "date": format_date(self.at)}


def overlap_warnings(employer, staff_id: int, on: dt.datetime,
                     recent: list[tuple[int | None, str, dt.datetime | None]]) -> list[OverlapWarning]:
    """Warnings for ``staff_id`` about to contact ``employer`` at ``on``: another colleague owns it
    (rows with ``at`` None), or contacted it in the last 14 days (one warning per colleague,
    the latest contact)."""
    out: list[OverlapWarning] = []
    seen: set[int] = set()
    for sid, name, at in recent:
        if sid is None or sid == staff_id or sid in seen and at is not None:
            continue
        if at is None:
            out.append(OverlapWarning(name, "owner", None))
        elif on - dt.timedelta(days=OVERLAP_DAYS) <= at <= on:
            out.append(OverlapWarning(name, "recent", at))
            seen.add(sid)
    return out


def phase_change_problem(current: str, to: str, *, end_reason: str, has_start: bool, on: dt.date, since: dt.date,
                         today: dt.date) -> tuple[str, str] | None:
    """Why a phase change may not be made (field, reason), or None. Phases move only forward, or
    to ended with a reason; "in work" needs a recorded job start; the date lies between the
    current phase's start and today."""
    if to not in PHASE_ORDER:
        return ("to_phase", "Ukjent fase.")
    if current == "ended":
        return ("to_phase", "Oppfølgingen er avsluttet.")
    if to == "ended":
        if not end_reason:
            return ("end_reason", "Oppgi hvorfor oppfølgingen avsluttes.")
        if end_reason not in END_REASONS:
            return ("end_reason", "Ukjent avslutningsgrunn.")
    elif PHASE_ORDER.index(to) <= PHASE_ORDER.index(current):
        return ("to_phase", "Fasen kan bare flyttes framover, eller avsluttes med en grunn.")
    elif end_reason:
        return ("end_reason", "Avslutningsgrunn gjelder bare når oppfølgingen avsluttes.")
    if to in ("in_work", "follow_along") and not has_start:
        return ("to_phase", "Registrer jobbstarten først (arbeidsgiver, timer og lønn).")
    if on > today:
        return ("on", "Datoen kan ikke være fram i tid.")
    if on < since:
        return ("on", "Datoen er før kandidaten kom i nåværende fase.")
    return None


def subsidy_plan_problem(plan: list) -> tuple[str | None, list[dict]]:
    """Check a wage-subsidy step-down plan: steps from month 0, months rising, percent falling
    (never rising), each between 0 and 75. Returns (problem, the cleaned plan)."""
    clean: list[dict] = []
    if not isinstance(plan, list) or not plan:
        return "Lønnstilskudd trenger en nedtrappingsplan (fra måned og prosent).", []
    for step in plan:
        try:
            month, percent = int(step["from_month"]), int(step["percent"])
        except (KeyError, TypeError, ValueError, OverflowError):
            return "Hvert trinn i planen trenger fra måned og prosent som hele tall.", []
        if isinstance(step["from_month"], bool) or isinstance(step["percent"], bool):
            return "Hvert trinn i planen trenger fra måned og prosent som hele tall.", []
        clean.append({"from_month": month, "percent": percent})
    if clean[0]["from_month"] != 0:
        return "Planen må starte fra måned 0.", []
    for a, b in zip(clean, clean[1:], strict=False):
        if b["from_month"] <= a["from_month"]:
            return "Månedene i planen må komme i stigende rekkefølge.", []
        if b["percent"] > a["percent"]:
            return "Tilskuddet skal trappes ned, ikke opp.", []
    if len(clean) > MAX_SUBSIDY_STEPS or clean[-1]["from_month"] > MAX_SUBSIDY_MONTHS:
        return f"Planen kan ha høyst {MAX_SUBSIDY_STEPS} trinn, innen {MAX_SUBSIDY_MONTHS} måneder.", []
    if any(not 0 <= s["percent"] <= MAX_SUBSIDY_PERCENT for s in clean):
        return f"Tilskuddet må være mellom 0 og {MAX_SUBSIDY_PERCENT} prosent.", []
    return None, clean


def follow_along_plan(start: dt.date) -> list[tuple[str, dt.date]]:
    """Follow-along support after a start: weekly for the first eight weeks, alternating a
    check-in with the candidate and a contact with the employer (a visit first), then monthly
    (one of each) until six months."""
    plan = []
    for week in range(1, 9):
        kind = "candidate_checkin" if week % 2 else ("employer_visit" if week == 2 else "employer_call")
        plan.append((kind, start + dt.timedelta(weeks=week)))
    for month in range(3, 7):
        day = add_months(start, month)
        plan += [("employer_call", day), ("candidate_checkin", day + dt.timedelta(days=1))]
    return plan


def place_and_pray(start_date: dt.date, ended_on: dt.date | None, last_contact: dt.date | None, today: dt.date) -> int | None:
    """Days without a follow-up contact, when a running job start has gone 14 days or more
    without one (counted from the start itself when there has been none); else None."""
    if ended_on is not None and ended_on <= today or start_date > today:
        return None
    since = max(d for d in (start_date, last_contact) if d is not None)
    days = (today - since).days
    return days if days >= PLACE_AND_PRAY_DAYS else None


def first_contact_missed(referred_on: dt.date, first_contact: dt.date | None, today: dt.date) -> bool:
    """IPS: the first employer contact within 30 days of referral."""
    deadline = referred_on + dt.timedelta(days=FIRST_EMPLOYER_CONTACT_DAYS)
    if first_contact is not None:
        return first_contact > deadline
    return today > deadline


def renewal_due(granted_until: dt.date, today: dt.date) -> bool:
    return granted_until - today <= dt.timedelta(days=RENEWAL_NOTICE_DAYS)


def fidelity_problems(scores, scale: dict) -> tuple[dict[str, str], dict[str, int]]:
    """Field errors for a fidelity review's scores (every item scored, each a whole number in the
    scale's range), and the cleaned scores by item number."""
    errors: dict[str, str] = {}
    clean: dict[str, int] = {}
    lo, hi = scale["score_min"], scale["score_max"]
    numbers = [str(i["number"]) for i in scale["items"]]
    if not isinstance(scores, dict):
        return {"scores": "Oppgi en skår for hvert punkt."}, {}
    for key in scores:
        if str(key) not in numbers:
            errors[f"scores.{key}"] = _("Ukjent punkt på skalaen.")
    for n in numbers:
        value = scores.get(n, scores.get(int(n)))
        if value in (None, ""):
            errors[f"scores.{n}"] = _("Punkt %(n)s mangler skår.") % {"n": n}
            continue
        try:
            v = int(str(value))
        except (TypeError, ValueError):
            errors[f"scores.{n}"] = _("Skåren må være et helt tall fra %(lo)s til %(hi)s.") % {"lo": lo, "hi": hi}
            continue
        if isinstance(value, bool) or str(v) != str(value).strip() or not lo <= v <= hi:
            errors[f"scores.{n}"] = _("Skåren må være et helt tall fra %(lo)s til %(hi)s.") % {"lo": lo, "hi": hi}
            continue
        clean[n] = v
    return errors, clean


def fidelity_band(total: int, scale: dict) -> dict:
    """The published band for a total (exemplary, good, fair, not IPS)."""
    for band in scale["bands"]:
        if band["min"] <= total <= band["max"]:
            return band
    raise ValueError(f"total {total} outside the scale")


def within(day: dt.date, start: dt.date, months: int) -> bool:
    return start <= day <= add_months(start, months)
