"""Caseloads handed out (fordeling): a leader assigns clients to a counsellor, one or many at once,
and moves a client's follow-up to another office. Both are all or nothing: any client in the batch
that cannot be handed over refuses the whole batch, and nothing is written.

The rules are the access policy's (``access.can_hand_out``, ``access.staff_sees_client``): the acting
user leads the client's current office; the counsellor serves that office, has a follow-up role
and the clearance the client needs. Every moved client gets a journal entry; the batch is one
audit entry holding the clients' ids (``audit.record_writes``), and a refused batch is audited
after the rollback (``denied`` for each client the user may not hand out, otherwise the rejected
write with its reason). Other services (the workload planner) commit their moves through here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from skreddersy import journal
from skreddersy.clients.models import AssignmentRule, Client, Cover, NeedGroup
from skreddersy.core import audit, clock, languages
from skreddersy.core.errors import AccessDenied, InvalidInput, ServiceError
from skreddersy.core.models import Office, StaffMember
from skreddersy.policy import access

# A leader hands out at most this many clients in one go (an office's whole queue fits).
MAX_BATCH = 5000
_FIELDS = ("id", "office_id", "counsellor_id", "address_protection", "skjermet")


def _ids(client_ids) -> list[int]:
    if isinstance(client_ids, str | bytes) or not isinstance(client_ids, Iterable):
        raise InvalidInput(_("Velg minst én bruker."), field="client_ids")
    try:
        ids = sorted({int(i) for i in client_ids})
    except (TypeError, ValueError):
        raise InvalidInput(_("Brukerne må gis med id-ene sine."), field="client_ids") from None
    if not ids:
        raise InvalidInput(_("Velg minst én bruker."), field="client_ids")
    if len(ids) > MAX_BATCH:
        raise InvalidInput(_("Velg høyst %(most)d brukere om gangen.") % {"most": MAX_BATCH}, field="client_ids")
    return ids


def _load_counsellor(counsellor) -> tuple[StaffMember, frozenset]:
    pk = counsellor.pk if isinstance(counsellor, StaffMember) else counsellor
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise InvalidInput(_("Velg en veileder."), field="counsellor")
    staff = StaffMember.objects.filter(pk=pk).first()
    if staff is None:
        raise InvalidInput(_("Fant ingen veileder med denne id-en."), field="counsellor")
    roles = frozenset(staff.roles.values_list("role", flat=True))
    staff._office_ids = frozenset(staff.memberships.values_list("office_id", flat=True))
    return staff, roles


def _load_office(office) -> Office:
    pk = office.pk if isinstance(office, Office) else office
    if isinstance(pk, bool) or not isinstance(pk, int):
        raise InvalidInput(_("Velg et kontor."), field="office")
    obj = Office.objects.filter(pk=pk).first()
    if obj is None:
        raise InvalidInput(_("Fant ikke kontoret."), field="office")
    return obj


def _locked_clients(ids: list[int]) -> list[Client]:
    """The batch's clients, locked until the transaction ends (PostgreSQL), with what the policy
    needs and no more."""
    return list(Client.objects.select_for_update(of=("self",)).filter(pk__in=ids).only(*_FIELDS).order_by("pk"))


def _check_visible_and_led(user, ids: list[int], clients: list[Client], what: str) -> None:
    """Every id names a client the user may see and whose office they lead (AccessDenied naming
    the reason otherwise). An unknown id is refused like a client the user may not see, so the
    answer does not tell whether a record exists."""
    found = {c.pk for c in clients}
    hidden = [i for i in ids if i not in found] + [c.pk for c in clients if not access.can_see_client(user, c)]
    if hidden:
        raise _Refused(
            AccessDenied(_("Du har ikke tilgang til alle de valgte brukerne."), field="client_ids"), sorted(hidden)
        )
    not_led = [c.pk for c in clients if not access.can_hand_out(user, c.office_id)]
    if not_led:
        raise _Refused(
            AccessDenied(
                _(
                    "Du er ikke leder ved kontoret som følger opp brukeren. Bare ledere ved brukerens nåværende "
                    "oppfølgingskontor kan fordele eller flytte den."
                )
                if len(not_led) == 1
                else _(
                    "Du er ikke leder ved kontoret som følger opp %(count)d av brukerne. Bare ledere ved brukerens "
                    "nåværende oppfølgingskontor kan fordele eller flytte den."
                )
                % {"count": len(not_led)},
                field="client_ids",
            ),
            not_led,
        )


class _Refused(Exception):
    """A refusal carrying the clients to audit it for (raised inside the transaction)."""

    def __init__(self, error: ServiceError, client_ids: list[int]):
        super().__init__(error.message)
        self.error = error
        self.client_ids = client_ids


def _run(user, ids: list[int], what: str, reason: str, work) -> int:
    """``work`` inside one transaction; the batch's audit entry when it commits; after a refusal,
    the rollback and then its audit (``denied`` per refused client, or one rejected write)."""
    try:
        with transaction.atomic():
            moved = work()
            audit.record_writes(user, moved or ids, what)  # the reason is in the journal, not the audit trail
            return len(moved)
    except _Refused as exc:
        err = exc.error
        if isinstance(err, AccessDenied):
            for cid in exc.client_ids:
                audit.record(user, cid, audit.DENIED, what, why=f"avvist: {err.code}")
        else:
            audit.record_writes(
                user, exc.client_ids, what, why=f"avvist: {err.code}" + (f" ({err.field})" if err.field else "")
            )
        raise err from None
    except InvalidInput as err:
        audit.record_writes(user, ids, what, why=f"avvist: {err.code}" + (f" ({err.field})" if err.field else ""))
        raise


def assign_clients(*, user, client_ids: list[int], counsellor, reason: str = "") -> int:
    """Give the clients ``client_ids`` to ``counsellor`` (a StaffMember or its id), all or nothing.
    Returns how many clients changed counsellor (those already with them are left as they are).

    Refused, with nothing written: a client the user may not see or whose office they do not lead
    (AccessDenied); a counsellor who does not serve the client's office, has no follow-up role or
    lacks the clearance the client needs (InvalidInput on ``counsellor``)."""
    ids = _ids(client_ids)
    what = "fordeling: tildel veileder"
    reason = (reason or "").strip()
    if len(reason) > 200:
        raise InvalidInput(_("Begrunnelsen kan være høyst 200 tegn."), field="reason")

    def work() -> list[int]:
        clients = _locked_clients(ids)
        _check_visible_and_led(user, ids, clients, what)
        staff, roles = _load_counsellor(counsellor)
        if not roles & access.FOLLOWUP_ROLES:
            raise _Refused(InvalidInput(_("Den valgte ansatte følger ikke opp brukere."), field="counsellor"), ids)
        elsewhere = [c.pk for c in clients if c.office_id not in staff.office_ids()]
        if elsewhere:
            raise _Refused(
                InvalidInput(
                    _(
                        "Veilederen jobber ikke ved kontoret som følger opp brukeren. Velg en veileder ved "
                        "brukerens kontor, eller flytt oppfølgingen først."
                    )
                    if len(elsewhere) == 1
                    else _(
                        "Veilederen jobber ikke ved kontoret som følger opp %(count)d av brukerne. Velg en veileder "
                        "ved brukerens kontor, eller flytt oppfølgingen først."
                    )
                    % {"count": len(elsewhere)},
                    field="counsellor",
                ),
                elsewhere,
            )
        no_clearance = [c.pk for c in clients if not access.staff_sees_client(staff, roles, c)]
        if no_clearance:
            raise _Refused(
                InvalidInput(
                    _("Veilederen mangler tilgangen som trengs for brukeren (adressebeskyttelse eller skjerming).")
                    if len(no_clearance) == 1
                    else _(
                        "Veilederen mangler tilgangen som trengs for %(count)d av brukerne (adressebeskyttelse "
                        "eller skjerming)."
                    )
                    % {"count": len(no_clearance)},
                    field="counsellor",
                ),
                no_clearance,
            )
        moved = [c for c in clients if c.counsellor_id != staff.pk]
        if not moved:
            return []
        previous = dict(
            StaffMember.objects.filter(pk__in={c.counsellor_id for c in moved if c.counsellor_id}).values_list(
                "pk", "display_name"
            )
        )
        Client.objects.filter(pk__in=[c.pk for c in moved]).update(counsellor=staff)
        suffix = f" ({reason})" if reason else ""
        journal.append_many(
            [
                {
                    "client_id": c.pk,
                    "kind": journal.Kind.CLIENT,
                    "visible_to_client": False,
                    "summary": (
                        f"Veileder endret fra {previous[c.counsellor_id]} til {staff.display_name}"
                        if c.counsellor_id
                        else f"Veileder tildelt: {staff.display_name}"
                    )
                    + suffix,
                }
                for c in moved
            ],
            actor=user,
        )
        return [c.pk for c in moved]

    return _run(user, ids, what, reason, work)


def transfer_clients(*, user, client_ids: list[int], office, reason: str) -> int:
    """Move the follow-up of ``client_ids`` to ``office`` (an Office or its id), all or nothing.
    The clients go to the new office's queue without a counsellor; the old office loses access
    (access follows the follow-up office) and the journal records the move. Returns the number
    moved.

    Refused, with nothing written: a client the user may not see, or whose current office the
    user does not lead (AccessDenied); no reason, an unknown office, or a client already followed
    up there (InvalidInput)."""
    ids = _ids(client_ids)
    what = "fordeling: flytt oppfølging"
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput(_("Skriv hvorfor oppfølgingen flyttes."), field="reason")
    if len(reason) > 200:
        raise InvalidInput(_("Begrunnelsen kan være høyst 200 tegn."), field="reason")

    def work() -> list[int]:
        clients = _locked_clients(ids)
        _check_visible_and_led(user, ids, clients, what)
        target = _load_office(office)
        already = [c.pk for c in clients if c.office_id == target.pk]
        if already:
            raise _Refused(
                InvalidInput(
                    _("%(office)s følger allerede opp brukeren.") % {"office": target.name}
                    if len(already) == 1
                    else _("%(office)s følger allerede opp %(count)d av brukerne.")
                    % {"office": target.name, "count": len(already)},
                    field="office",
                ),
                already,
            )
        names = dict(Office.objects.filter(pk__in={c.office_id for c in clients}).values_list("pk", "name"))
        Client.objects.filter(pk__in=ids).update(office=target, counsellor=None)
        journal.append_many(
            [
                {
                    "client_id": c.pk,
                    "kind": journal.Kind.CLIENT,
                    "visible_to_client": True,
                    "summary": f"Oppfølgingen er flyttet fra {names[c.office_id]} til {target.name}",
                }
                for c in clients
            ]
            + [
                {
                    "client_id": c.pk,
                    "kind": journal.Kind.CLIENT,
                    "visible_to_client": False,
                    "summary": f"Begrunnelse for flytting: {reason}",
                }
                for c in clients
            ],
            actor=user,
        )
        return ids

    return _run(user, ids, what, reason, work)


# --- cover during absence ----------------------------------------------------------------------

MAX_COVER_DAYS = 366


def set_cover(*, user, covered, covering, start: dt.date, end: dt.date, reason: str = "") -> Cover:
    """A colleague (``covering``) covers ``covered``'s caseload from ``start`` to ``end`` (both
    days included). Both serve an office the acting leader leads. The journal of every client in
    the covered caseload records it; the cover ends by itself after ``end``."""
    what = "fordeling: dekning"
    covered_staff, covered_roles = _load_counsellor(covered)
    covering_staff, covering_roles = _load_counsellor(covering)
    a = access.actor(user)
    shared = covered_staff.office_ids() & covering_staff.office_ids() & a.office_ids
    led = sorted(o for o in shared if access.can_hand_out(user, o))
    if not any(access.can_hand_out(user, o) for o in covered_staff.office_ids()):
        access.require_hand_out(user, -1, what=what)
    errors = {}
    if covered_staff.pk == covering_staff.pk:
        errors["covering"] = _("En veileder kan ikke dekke sin egen portefølje.")
    elif not led:
        errors["covering"] = _("Kollegaen må jobbe ved samme kontor som veilederen, et kontor du leder.")
    elif not covering_roles & access.FOLLOWUP_ROLES:
        errors["covering"] = _("Kollegaen følger ikke opp brukere.")
    if not isinstance(start, dt.date) or not isinstance(end, dt.date):
        errors["start"] = _("Oppgi fra- og til-dato.")
    elif end < start:
        errors["end"] = _("Til-datoen kan ikke være før fra-datoen.")
    elif end < clock.today():
        errors["end"] = _("Dekningen kan ikke slutte i fortiden.")
    elif (end - start).days >= MAX_COVER_DAYS:
        errors["end"] = _("En dekning kan vare høyst ett år.")
    reason = (reason or "").strip()
    if len(reason) > 200:
        errors["reason"] = _("Merknaden kan være høyst 200 tegn.")
    if errors:
        audit.record(user, None, audit.WRITE, what, why="avvist: invalid (" + ", ".join(errors) + ")")
        raise InvalidInput(_("Dekningen kan ikke lagres."), errors=errors)
    with transaction.atomic():
        cover = Cover.objects.create(
            office_id=led[0],
            covered=covered_staff,
            covering=covering_staff,
            start=start,
            end=end,
            reason=reason,
            created_by=user,
            created_at=clock.now(),
        )
        ids = list(Client.objects.filter(counsellor=covered_staff, office_id__in=led).values_list("pk", flat=True))
        journal.append_many(
            [
                {
                    "client_id": cid,
                    "kind": journal.Kind.CLIENT,
                    "visible_to_client": False,
                    "object_type": "Cover",
                    "object_id": cover.pk,
                    "summary": f"{covering_staff.display_name} dekker for {covered_staff.display_name}"
                    f" {start:%d.%m.%Y}–{end:%d.%m.%Y}",
                }
                for cid in ids
            ],
            actor=user,
        )
        audit.record_writes(user, ids, what) if ids else audit.record(user, None, audit.WRITE, what, obj=cover)
    return cover


def end_cover(*, user, cover: Cover | int) -> Cover:
    """End a cover before its last day (the journal records it)."""
    what = "fordeling: avslutt dekning"
    obj = Cover.objects.select_related("covered", "covering").filter(pk=getattr(cover, "pk", cover)).first()
    if obj is None:
        raise InvalidInput(_("Fant ikke dekningen."), field="cover")
    access.require_hand_out(user, obj.office_id, what=what)
    if obj.ended_at is not None or obj.end < clock.today():
        raise InvalidInput(_("Dekningen er allerede avsluttet."), field="cover")
    with transaction.atomic():
        obj.ended_at = clock.now()
        obj.save(update_fields=["ended_at"])
        ids = list(
            Client.objects.filter(counsellor_id=obj.covered_id, office_id=obj.office_id).values_list("pk", flat=True)
        )
        journal.append_many(
            [
                {
                    "client_id": cid,
                    "kind": journal.Kind.CLIENT,
                    "visible_to_client": False,
                    "object_type": "Cover",
                    "object_id": obj.pk,
                    "summary": f"{obj.covering.display_name} dekker ikke lenger for {obj.covered.display_name}",
                }
                for cid in ids
            ],
            actor=user,
        )
        audit.record_writes(user, ids, what) if ids else audit.record(user, None, audit.WRITE, what, obj=obj)
    return obj


# --- the office's rules for handing out new clients ---------------------------------------------

RULE_FIELDS = (
    "name",
    "position",
    "counsellor",
    "need_group",
    "age_min",
    "age_max",
    "language",
    "needs_interpreter",
    "birth_day_from",
    "birth_day_to",
)


def save_rule(*, user, office, rule: AssignmentRule | int | None = None, **values) -> AssignmentRule:
    """Add (or with ``rule``, change) one of the office's rules for handing out new clients."""
    target = _load_office(office)
    what = "fordeling: regel"
    access.require_hand_out(user, target.pk, what=what)
    unknown = sorted(set(values) - set(RULE_FIELDS))
    if unknown:
        raise InvalidInput(
            _("Ukjente felt: %(fields)s.") % {"fields": ", ".join(unknown)},
            errors={k: _("Ukjent felt.") for k in unknown},
        )
    obj = AssignmentRule(office=target, created_at=clock.now())
    if rule is not None:
        obj = AssignmentRule.objects.filter(pk=getattr(rule, "pk", rule), office=target).first()
        if obj is None:
            raise InvalidInput(_("Fant ikke regelen ved dette kontoret."), field="rule")
    errors: dict[str, str] = {}
    name = str(values.get("name", obj.name) or "").strip()
    if not name:
        errors["name"] = _("Gi regelen et navn.")
    elif len(name) > 80:
        errors["name"] = _("Navnet kan være høyst 80 tegn.")
    counsellor = values.get("counsellor", obj.counsellor_id if obj.pk else None)
    staff = None
    try:
        staff, roles = _load_counsellor(counsellor)
        if target.pk not in staff.office_ids() or not roles & access.FOLLOWUP_ROLES:
            errors["counsellor"] = _("Veilederen jobber ikke ved kontoret.")
    except InvalidInput as exc:
        errors["counsellor"] = exc.message
    group = values.get("need_group", obj.need_group) or ""
    if group and group not in NeedGroup.values:
        errors["need_group"] = _("Ukjent innsatsgruppe.")

    def number(key, lo, hi):
        v = values.get(key, getattr(obj, key))
        if v in (None, ""):
            return None
        try:
            v = int(v)
        except (TypeError, ValueError):
            errors[key] = _("Må være et heltall.")
            return None
        if not lo <= v <= hi:
            errors[key] = _("Må være mellom %(lo)d og %(hi)d.") % {"lo": lo, "hi": hi}
        return v

    age_min, age_max = number("age_min", 15, 100), number("age_max", 15, 100)
    if age_min is not None and age_max is not None and age_max < age_min and "age_max" not in errors:
        errors["age_max"] = _("Øvre alder kan ikke være lavere enn nedre.")
    day_from, day_to = number("birth_day_from", 1, 31), number("birth_day_to", 1, 31)
    if (day_from is None) != (day_to is None) and not {"birth_day_from", "birth_day_to"} & set(errors):
        errors["birth_day_to"] = _("Oppgi både første og siste fødselsdag.")
    position = number("position", 0, 999) or 0
    language = str(values.get("language", obj.language) or "").strip().lower()
    if len(language) > 8:
        errors["language"] = _("Språkkoden er for lang.")
    if errors:
        audit.record(user, None, audit.WRITE, what, why="avvist: invalid (" + ", ".join(sorted(errors)) + ")")
        raise InvalidInput(_("Regelen kan ikke lagres."), errors=errors)
    obj.name, obj.counsellor, obj.need_group, obj.age_min, obj.age_max = name, staff, group, age_min, age_max
    obj.language, obj.needs_interpreter = language, bool(values.get("needs_interpreter", obj.needs_interpreter))
    obj.birth_day_from, obj.birth_day_to, obj.position = day_from, day_to, position
    with transaction.atomic():
        obj.save()
        audit.record(user, None, audit.WRITE, what, obj=obj)
    return obj


def delete_rule(*, user, rule: AssignmentRule | int) -> None:
    obj = AssignmentRule.objects.filter(pk=getattr(rule, "pk", rule)).first()
    if obj is None:
        raise InvalidInput(_("Fant ikke regelen."), field="rule")
    access.require_hand_out(user, obj.office_id, what="fordeling: slett regel")
    with transaction.atomic():
        audit.record(user, None, audit.WRITE, "fordeling: slett regel", obj=obj)
        obj.delete()


def rule_matches(rule: AssignmentRule, client: Client, today: dt.date) -> bool:
    """Whether ``client`` meets every condition ``rule`` sets (the one definition of a match)."""
    if rule.need_group and client.need_group != rule.need_group:
        return False
    age = client.age(today)
    if rule.age_min is not None and age < rule.age_min:
        return False
    if rule.age_max is not None and age > rule.age_max:
        return False
    if rule.language and (client.language or "").lower() != rule.language:
        return False
    if rule.needs_interpreter and not client.needs_interpreter:
        return False
    if rule.birth_day_from is not None and rule.birth_day_to is not None:
        d = client.birth_date.day
        lo, hi = rule.birth_day_from, rule.birth_day_to
        if not (lo <= d <= hi if lo <= hi else d >= lo or d <= hi):  # a range may wrap past the 31st
            return False
    return True


def suggest(rules: list[AssignmentRule], client: Client, today: dt.date | None = None) -> AssignmentRule | None:
    """The first of the office's rules (in order) that ``client`` matches, or None."""
    today = today or clock.today()
    for rule in rules:
        if rule.office_id == client.office_id and rule_matches(rule, client, today):
            return rule
    return None


@dataclass(frozen=True)
class SamiRoute:
    """Where a Sámi-speaking client goes (sameloven ch. 3): a counsellor at the office who speaks
    the client's Sámi language, or, when none does, an interpreter (``speaker`` None)."""

    speaker: StaffMember | None
    speaker_ids: frozenset[int]
    reason: str


def sami_route(client: Client, counsellors: list[StaffMember]) -> SamiRoute | None:
    """The routing suggestion for a client whose preferred language is Sámi (None otherwise):
    the first of ``counsellors`` (the office's, in name order) who speaks it, the current
    counsellor first when they do."""
    if not languages.is_sami(client.language):
        return None
    speakers = [s for s in counsellors if s.speaks(client.language)]
    current = next((s for s in speakers if s.pk == client.counsellor_id), None)
    speaker = current or (speakers[0] if speakers else None)
    name = languages.language_name(client.language)
    if speaker is None:
        reason = _("Ingen ved kontoret snakker %(l)s: bestill tolk (sameloven kap. 3)") % {"l": name}
    else:
        reason = _("Snakker %(l)s (sameloven kap. 3)") % {"l": name}
    return SamiRoute(speaker, frozenset(s.pk for s in speakers), reason)
