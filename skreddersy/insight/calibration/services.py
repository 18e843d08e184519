"""Every write of the calibration lab: build a round, answer it, close it.

Anonymity, as for survey answers (insight/services.py, docs/architecture.md):
- ``submit_answers`` spends the invitation in one transaction (with a day-only audit entry and no
  actor) and stores the answers in another, in a ``CalibrationAnswerSet`` with a random key, the
  office and the day only. Neither row refers to the other.
- The counsellor gets a receipt: 256 random bits shown once at submission, stored only as its
  SHA-256 hash on the answer set. Whoever holds it can see those answers beside the distribution;
  nothing stored leads from the person to it.
- Results are shown only once the round is closed and sealed: ``close_round`` rewrites the round's
  spent invitations and answer sets in one transaction (so on PostgreSQL no row keeps the
  transaction id of its own submission), after which figures never move; in the same transaction
  it stores the round's counts per office (``tally.py``), which the results and receipts read.
"""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from skreddersy.core import clock
from skreddersy.core.audit import WRITE, record
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import AuditEntry, Office, OfficeMembership, StaffRole
from skreddersy.insight.models import CalibrationAnswerSet, CalibrationInvitation, CalibrationRound, Vignette
from skreddersy.insight.tokens import new_token, token_hash
from skreddersy.policy import access

from . import questions, tally

ANSWERING_ROLES = ("counsellor", "team_leader", "office_leader", "second_approver")
MAX_VIGNETTES = 30


def _text(v, field: str, errors: dict, *, required: bool, limit: int) -> str:
    s = v.strip() if isinstance(v, str) else ""
    if required and not s:
        errors[field] = _("Må fylles ut.")
    elif len(s) > limit:
        errors[field] = _("Høyst %(n)s tegn.") % {"n": limit}
    return s


def validate_vignettes(vignettes) -> list[dict]:
    if not isinstance(vignettes, list) or not vignettes:
        raise InvalidInput(_("Legg inn minst ett kasus (en liste)."), field="vignettes")
    if len(vignettes) > MAX_VIGNETTES:
        raise InvalidInput(_("Høyst %(n)s kasus per runde.") % {"n": MAX_VIGNETTES}, field="vignettes")
    out = []
    for i, v in enumerate(vignettes, start=1):
        if not isinstance(v, dict):
            raise InvalidInput(
                _("Kasus %(i)s må være et objekt med tittel og situasjon.") % {"i": i}, field="vignettes"
            )
        errors: dict = {}
        clean = {
            "title": _text(v.get("title"), "title", errors, required=True, limit=200),
            "situation": _text(v.get("situation"), "situation", errors, required=True, limit=4000),
            "needs": _text(v.get("needs", ""), "needs", errors, required=False, limit=4000),
            "wishes": _text(v.get("wishes", ""), "wishes", errors, required=False, limit=4000),
        }
        ref = v.get("reference") or {}
        if not isinstance(ref, dict):
            errors["reference"] = _("Fasitsvaret må være et objekt.")
            ref = {}
        ref_clean, ref_errors = questions.validate({k: x for k, x in ref.items() if x}, partial=True)
        unknown = set(ref) - set(questions.keys())
        if unknown:
            ref_errors["reference"] = _("Ukjent spørsmål: %(k)s") % {"k": ", ".join(sorted(unknown))}
        errors.update({f"reference.{k}": e for k, e in ref_errors.items()})
        if errors:
            field, reason = next(iter(errors.items()))
            raise InvalidInput(_("Kasus %(i)s: %(f)s: %(r)s") % {"i": i, "f": field, "r": reason}, field="vignettes")
        clean["reference"] = ref_clean
        out.append(clean)
    return out


def create_round(
    *,
    user,
    title: str,
    office_ids: list[int],
    opens_at: dt.datetime,
    closes_at: dt.datetime,
    vignettes: list[dict],
    intro: str = "",
) -> CalibrationRound:
    """A round for the staff with a follow-up role at the chosen offices (invited once, for their
    first chosen office). Analysts choose any office; an office leader their own."""
    if not access.can_build_calibration(user):
        record(user, None, "denied", "kalibrering: ny runde", why="ikke analytiker eller kontorleder")
        raise AccessDenied(_("Bare analytikere og kontorledere kan lage kalibreringsrunder."))
    title = (title or "").strip()
    if not title:
        raise InvalidInput(_("Runden må ha et navn."), field="title")
    if not office_ids:
        raise InvalidInput(_("Velg minst ett kontor."), field="offices")
    if not access.is_analyst(user) and not set(office_ids) <= set(access.actor(user).office_ids):
        raise AccessDenied(_("Du kan bare velge kontorer du leder."))
    offices = list(Office.objects.filter(pk__in=office_ids).order_by("number"))
    if len(offices) != len(set(office_ids)):
        raise InvalidInput(_("Ukjent kontor."), field="offices")
    if not (opens_at and closes_at) or closes_at <= opens_at:
        raise InvalidInput(_("Runden må stenge etter at den åpner."), field="closes_at")
    clean = validate_vignettes(vignettes)
    with transaction.atomic():
        rnd = CalibrationRound.objects.create(
            title=title[:200], intro=(intro or "").strip(), opens_at=opens_at, closes_at=closes_at, created_by=user
        )
        rnd.offices.set(offices)
        Vignette.objects.bulk_create([Vignette(round=rnd, position=i, **v) for i, v in enumerate(clean)])
        staff_ids = set(StaffRole.objects.filter(role__in=ANSWERING_ROLES).values_list("staff_id", flat=True))
        chosen = [o.pk for o in offices]
        first: dict[int, int] = {}
        for staff_id, office_id in OfficeMembership.objects.filter(office_id__in=chosen).values_list(
            "staff_id", "office_id"
        ):
            if staff_id in staff_ids:
                prev = first.get(staff_id)
                if prev is None or chosen.index(office_id) < chosen.index(prev):
                    first[staff_id] = office_id
        CalibrationInvitation.objects.bulk_create(
            [CalibrationInvitation(round=rnd, staff_id=s, office_id=o) for s, o in sorted(first.items())]
        )
        record(user, None, WRITE, "kalibrering: ny runde", obj=rnd)
    return rnd


def validate_answers(rnd: CalibrationRound, answers: dict) -> dict:
    """Every vignette answered with known values: {vignette id (str): {question: value}}."""
    vignette_ids = list(Vignette.objects.filter(round=rnd).values_list("id", flat=True))
    clean, errors = {}, {}
    for vid in vignette_ids:
        c, e = questions.validate((answers or {}).get(str(vid)) or (answers or {}).get(vid) or {})
        clean[str(vid)] = c
        errors.update({f"v{vid}_{k}": msg for k, msg in e.items()})
    if errors:
        raise InvalidInput(_("Svar på alle spørsmålene for hvert kasus."), errors=errors)
    return clean


def _start_of_day(now: dt.datetime) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(timezone.localdate(now), dt.time.min))


def submit_answers(*, user, round_id: int, answers: dict) -> str:
    """Spend the acting counsellor's invitation and store the answers anonymously. Returns the
    receipt (shown once; only its hash is stored)."""
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied(_("Bare Nav-ansatte blir invitert til kalibreringsrunder."))
    inv = CalibrationInvitation.objects.select_related("round").filter(round_id=round_id, staff=staff).first()
    if inv is None:
        raise NotFound(_("Du er ikke invitert til denne runden."))
    if inv.used:
        raise Conflict(_("Du har allerede svart på denne runden. Takk!"))
    if not inv.round.is_open():
        raise Conflict(_("Runden er ikke åpen for svar nå."))
    clean = validate_answers(inv.round, answers)
    receipt = new_token()
    now = clock.now()
    with transaction.atomic():
        if CalibrationInvitation.objects.filter(pk=inv.pk, used=False).update(used=True) != 1:
            raise Conflict(_("Du har allerede svart på denne runden. Takk!"))
        AuditEntry.objects.create(
            at=_start_of_day(now), actor=None, client_id=None, action=WRITE, what="kalibrering: svar levert"
        )
    try:
        with transaction.atomic():
            rnd = CalibrationRound.objects.select_for_update().get(pk=inv.round_id)
            if not rnd.is_open() or rnd.sealed:
                raise Conflict(_("Runden er ikke åpen for svar nå."))
            CalibrationAnswerSet.objects.create(
                round_id=inv.round_id,
                office_id=inv.office_id,
                received_on=timezone.localdate(now),
                receipt_hash=token_hash(receipt),
                answers=clean,
            )
    except Conflict:
        CalibrationInvitation.objects.filter(pk=inv.pk).update(used=False)
        raise
    return receipt


def close_round(*, user, round_id: int) -> CalibrationRound:
    """Close the round now (if still open) and seal it, so that results can be shown."""
    rnd = CalibrationRound.objects.filter(pk=round_id).first()
    if rnd is None:
        raise NotFound(_("Fant ikke runden."))
    if not (access.is_analyst(user) or rnd.created_by_id == getattr(user, "pk", None)):
        raise AccessDenied(_("Bare den som laget runden, eller en analytiker, kan stenge den."))
    return seal(rnd)


def seal(rnd: CalibrationRound) -> CalibrationRound:
    now = clock.now()
    with transaction.atomic():
        rnd = CalibrationRound.objects.select_for_update().get(pk=rnd.pk)
        if rnd.sealed:
            return rnd
        if rnd.closes_at > now:
            rnd.closes_at = max(now, rnd.opens_at + dt.timedelta(seconds=1))
        rnd.sealed = True
        rnd.save(update_fields=["closes_at", "sealed"])
        CalibrationInvitation.objects.filter(round=rnd, used=True).update(used=True)
        CalibrationAnswerSet.objects.filter(round=rnd).update(received_on=F("received_on"))
        _store_tally(rnd)
        record(None, None, WRITE, "kalibrering: runde stengt og forseglet", obj=rnd)
    return rnd


def _store_tally(rnd: CalibrationRound) -> None:
    """The counts the results are read from (``tally.py``), from the sealed answer sets."""
    vignette_ids = list(Vignette.objects.filter(round=rnd).values_list("id", flat=True))
    sets = CalibrationAnswerSet.objects.filter(round=rnd).values_list("office_id", "answers")
    rnd.tally = tally.count(sets.iterator(chunk_size=2000), vignette_ids)
    rnd.save(update_fields=["tally"])


def tally_sealed_rounds() -> int:
    """Write the counts of sealed rounds that have none (sealed before counts were stored)."""
    n = 0
    for rnd in CalibrationRound.objects.filter(sealed=True, tally__isnull=True):
        with transaction.atomic():
            _store_tally(rnd)
        n += 1
    return n


def seal_due_rounds(*, now=None) -> int:
    """Seal every round whose closing time has passed (periodic; safe to run at any time)."""
    now = now or clock.now()
    n = 0
    for rnd in CalibrationRound.objects.filter(sealed=False, closes_at__lte=now):
        seal(rnd)
        n += 1
    tally_sealed_rounds()
    return n
