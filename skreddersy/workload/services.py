"""Every write of the workload pages: the office's points, a counsellor's terms, the contact
standards, a weight estimate, the planner's commit (through ``clients.assignment``), the
quarterly time-use week. Bad input raises InvalidInput with the field and nothing is written."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils.translation import gettext

from skreddersy.clients.assignment import assign_clients
from skreddersy.core import audit, clock
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import OfficeMembership, StaffMember
from skreddersy.policy import access

from . import model, planner
from .estimation import estimate_from_records
from .models import ContactStandard, OfficePoints, StaffTerms, TimeUseWeek, WeightEstimate
from .selectors import office_table, planner_input, require_office_leader

POINT_LIMIT = 600  # minutes per client per month for one fact


def refresh_loads(*, office_ids=None) -> int:
    """Store each counsellor's modelled workload at the offices (None: every office with clients)
    in ``timeuse.CounsellorLoad``, which the follow-up overview reads for its red light. One office
    at a time, each replaced in its own transaction. Returns the number of rows stored. Holds no
    client's data (counts and hours per counsellor), so nothing is audited."""
    from skreddersy.clients.models import Client
    from skreddersy.timeuse.models import CounsellorLoad

    now, today = clock.now(), clock.today()
    if office_ids is None:
        office_ids = list(Client.objects.order_by().values_list("office_id", flat=True).distinct())
    n = 0
    for oid in sorted(set(office_ids)):
        rows = [
            CounsellorLoad(
                staff=r.staff,
                office_id=oid,
                caseload=r.caseload,
                points_hours=round(r.points_hours, 2),
                estimated_hours=None if r.estimated_hours is None else round(r.estimated_hours, 2),
                ceiling_hours=r.terms.ceiling,
                past_contact_standard=r.red_lights,
                computed_at=now,
            )
            for r in office_table(oid, now=now, today=today).rows
        ]
        with transaction.atomic():
            CounsellorLoad.objects.filter(office_id=oid).delete()
            CounsellorLoad.objects.bulk_create(rows)
        n += len(rows)
    return n


def set_points(*, user, office_id: int, points: dict, expected_version: int) -> OfficePoints:
    """The office's own points. A points table under which some client would weigh less than
    nothing is refused."""
    with transaction.atomic():
        office = require_office_leader(user, office_id)
        errors, clean = {}, {}
        for name in model.NATIONAL_POINTS:
            raw = points.get(name)
            if raw is None or raw == "":
                clean[name] = float(model.NATIONAL_POINTS[name])
                continue
            try:
                v = float(raw)
            except (TypeError, ValueError):
                errors[name] = gettext("Oppgi et tall (minutter per måned).")
                continue
            if not -POINT_LIMIT <= v <= POINT_LIMIT or v != v:
                errors[name] = gettext("Poeng må ligge mellom -%(limit)s og %(limit)s minutter per måned.") % {"limit": POINT_LIMIT}
                continue
            clean[name] = v
        if errors:
            raise InvalidInput(gettext("Poengene kan ikke lagres."), errors=errors)
        low = model.lowest_weight(clean)
        if low < 0:
            raise InvalidInput(
                gettext("Med disse poengene får en bruker vekt %(low).0f minutter per måned. En vekt kan ikke være negativ: hev grunnvekten eller gjør de negative poengene mindre.") % {"low": low},
                field="base",
            )
        row = OfficePoints.objects.select_for_update().filter(office=office).first()
        current = row.version if row else 0
        if expected_version != current:
            raise Conflict(gettext("Noen andre har endret poengene i mellomtiden. Last siden på nytt."), field="base")
        if row is None:
            row = OfficePoints(
                office=office, points=clean, updated_by=access.actor(user).staff, updated_at=clock.now(), version=1
            )
        else:
            row.points, row.updated_by, row.updated_at, row.version = (
                clean,
                access.actor(user).staff,
                clock.now(),
                row.version + 1,
            )
        row.save()
        audit.record(user, None, audit.WRITE, "arbeidsbelastning: poeng", obj=row)
    refresh_loads(office_ids=[office_id])
    return row


def set_terms(
    *,
    user,
    office_id: int,
    staff_id: int,
    contracted_hours,
    fixed_duty_hours,
    started_on: dt.date | None,
    languages: str = "",
) -> StaffTerms:
    with transaction.atomic():
        require_office_leader(user, office_id)
        staff = StaffMember.objects.filter(pk=staff_id).first()
        if staff is None or not OfficeMembership.objects.filter(staff=staff, office_id=office_id).exists():
            raise NotFound(gettext("Fant ikke veilederen ved kontoret."))
        errors = {}
        try:
            contracted = Decimal(str(contracted_hours))
            if not Decimal(0) <= contracted <= Decimal(60):
                errors["contracted_hours"] = gettext("Avtalt arbeidstid må ligge mellom 0 og 60 timer per uke.")
        except InvalidOperation:
            errors["contracted_hours"] = gettext("Oppgi timer per uke.")
            contracted = Decimal(0)
        try:
            fixed = Decimal(str(fixed_duty_hours))
            if fixed < 0 or fixed > contracted:
                errors["fixed_duty_hours"] = gettext("Faste oppgaver kan ikke være negative eller mer enn avtalt arbeidstid.")
        except InvalidOperation:
            errors["fixed_duty_hours"] = gettext("Oppgi timer per uke.")
            fixed = Decimal(0)
        if started_on is not None and started_on > clock.today():
            errors["started_on"] = gettext("Tiltredelsen kan ikke være fram i tid.")
        if errors:
            raise InvalidInput(gettext("Arbeidstiden kan ikke lagres."), errors=errors)
        langs = ",".join(sorted({x.strip().lower()[:8] for x in languages.split(",") if x.strip()}))
        row, _ = StaffTerms.objects.update_or_create(
            staff=staff,
            defaults={
                "contracted_hours": contracted,
                "fixed_duty_hours": fixed,
                "started_on": started_on,
                "languages": langs,
            },
        )
        audit.record(user, None, audit.WRITE, "arbeidsbelastning: arbeidstid", obj=row)
    refresh_loads(office_ids=[office_id])
    return row


def set_contact_standards(*, user, office_id: int, days: dict[str, int | None]) -> int:
    from skreddersy.clients.models import NeedGroup

    with transaction.atomic():
        require_office_leader(user, office_id)
        errors = {}
        for group, v in days.items():
            if group not in NeedGroup.values:
                errors[group] = gettext("Ukjent innsatsgruppe.")
            elif v is not None and (isinstance(v, bool) or not isinstance(v, int) or not 1 <= v <= 730):
                errors[group] = gettext("Oppgi et antall dager mellom 1 og 730.")
        if errors:
            raise InvalidInput(gettext("Kontaktstandarden kan ikke lagres."), errors=errors)
        n = 0
        for group, v in days.items():
            if v is None:
                ContactStandard.objects.filter(office_id=office_id, need_group=group).delete()
            else:
                ContactStandard.objects.update_or_create(
                    office_id=office_id, need_group=group, defaults={"max_days": v}
                )
                n += 1
        audit.record(user, None, audit.WRITE, "arbeidsbelastning: kontaktstandard")
    refresh_loads(office_ids=[office_id])
    return n


def estimate_weights(*, user, office_id: int | None) -> WeightEstimate:
    """Estimate the weights from the last year of recorded time and keep the result. An office:
    its leaders; nationally (office None): analysts."""
    if office_id is None:
        if not access.is_analyst(user):
            raise AccessDenied(gettext("Nasjonale vekter estimeres av analytikere."))
    else:
        require_office_leader(user, office_id)
    result = estimate_from_records(office_id)
    row = WeightEstimate.objects.create(office_id=office_id, computed_at=clock.now(), result=result.to_dict())
    audit.record(user, None, audit.WRITE, "arbeidsbelastning: estimerte vekter", obj=row)
    if office_id is not None:
        refresh_loads(office_ids=[office_id])
    return row


def commit_plan(
    *,
    user,
    office_id: int,
    moves: list[tuple[int, int]],
    reasons: dict[int, str] | None = None,
    weights: str = "points",
) -> int:
    """Commit moves made on paper, all or nothing, through the assignment service. Every move is
    checked again against the rules (a plan may be stale or hand-edited)."""
    if not moves:
        raise InvalidInput(gettext("Planen har ingen flyttinger."), field="moves")
    reasons = reasons or {}
    with transaction.atomic():
        inp = planner_input(user=user, office_id=office_id, weights=weights)
        errors = planner.check_moves(inp.counsellors, inp.clients, moves)
        if errors:
            raise InvalidInput(
                gettext("Planen bryter en regel og kan ikke gjennomføres: %(reasons)s") % {"reasons": " ".join(errors.values())},
                errors=errors,
            )
        by_target: dict[int, list[int]] = {}
        for cid, to in moves:
            by_target.setdefault(to, []).append(cid)
        n = 0
        for to, cids in sorted(by_target.items()):
            why = (
                "; ".join(sorted({reasons.get(c, "") for c in cids} - {""}))[:200]
                or "Omfordeling i kapasitetsplanleggeren"
            )
            n += assign_clients(user=user, client_ids=cids, counsellor=to, reason=why)
    refresh_loads(office_ids=[office_id])
    return n


def log_time_use_week(
    *, user, year: int, quarter: int, hours: dict[str, float], office_id: int | None = None
) -> TimeUseWeek:
    """A staff member's one ordinary week this quarter, by category (hours)."""
    a = access.actor(user)
    if a.staff is None:
        raise AccessDenied(gettext("Bare Nav-ansatte fører tidsbruk."))
    office_id = office_id or (min(a.office_ids) if a.office_ids else None)
    if office_id is None or office_id not in a.office_ids:
        raise InvalidInput(gettext("Velg et kontor du arbeider ved."), field="office")
    today = clock.today()
    if (year, quarter) != (today.year, (today.month - 1) // 3 + 1):
        raise InvalidInput(gettext("Tidsbruksuken føres for inneværende kvartal."), field="quarter")
    errors, clean = {}, {}
    cats = [c for c, _l in TimeUseWeek.CATEGORIES]
    for c in cats:
        v = hours.get(c) or 0
        try:
            v = float(v)
        except (TypeError, ValueError):
            errors[c] = gettext("Oppgi timer.")
            continue
        if v < 0 or v > 60:
            errors[c] = gettext("Timer må ligge mellom 0 og 60.")
        clean[c] = v
    if not errors and sum(clean.values()) > 80:
        errors["other"] = gettext("Til sammen mer enn 80 timer er ikke en vanlig uke.")
    if not errors and sum(clean.values()) == 0:
        errors["with_client"] = gettext("Før minst én kategori.")
    if errors:
        raise InvalidInput(gettext("Uken kan ikke lagres."), errors=errors)
    with transaction.atomic():
        if TimeUseWeek.objects.filter(staff=a.staff, year=year, quarter=quarter).exists():
            raise Conflict(gettext("Du har allerede ført en uke dette kvartalet."), field="quarter")
        return TimeUseWeek.objects.create(staff=a.staff, office_id=office_id, year=year, quarter=quarter, hours=clean)
