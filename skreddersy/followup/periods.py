"""Follow-up periods (oppfølgingsperioder), digital or manual follow-up, and KVP periods
(kvalifiseringsprogrammet) run by the municipal side of the office.

Services (writes) and selectors (reads) of this one concept, held to the same layering as
``services.py`` and ``selectors.py`` (.importlinter). Every write checks access once, validates
before it writes anything, writes in one transaction with its journal line and leaves one audit
entry (refused attempts too, by ``audited_write``). Who sees what a KVP holds is the access
policy's (``access.kvp_filter``; docs/decisions/0040-follow-up-and-kvp-periods.md).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext, gettext_noop

from skreddersy import journal
from skreddersy.clients.models import Client, FollowUpPeriod, KvpPeriod, ModeChange
from skreddersy.clients.selectors import get_client
from skreddersy.clients.services import load_client
from skreddersy.core import clock, stored_text
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.models import StaffMember
from skreddersy.core.records import RecordCategory, RecordSide
from skreddersy.core.shapes import Shape
from skreddersy.followup.models import ActivityPlan
from skreddersy.policy import access

EndReason = FollowUpPeriod.EndReason
REASON_MIN, REASON_MAX = 10, 2000
Kind = journal.Kind


# What a missing or too short reason says, by what it is the reason for (whole sentences, so that
# each translates as one)
_REASON_MISSING = {
    "byttet": gettext_noop("Skriv en begrunnelse for byttet."),
    "KVP": gettext_noop("Skriv en begrunnelse for KVP."),
    "avslutningen": gettext_noop("Skriv en begrunnelse for avslutningen."),
}
_REASON_SHORT = {
    "byttet": gettext_noop("Begrunnelsen for byttet må være minst %(least)d tegn."),
    "KVP": gettext_noop("Begrunnelsen for KVP må være minst %(least)d tegn."),
    "avslutningen": gettext_noop("Begrunnelsen for avslutningen må være minst %(least)d tegn."),
}


def _reason(text, *, field: str, what: str) -> str:
    """A written reason: at least ``REASON_MIN`` characters (a word or two is not a reason).
    ``what`` is one of the keys of ``_REASON_MISSING``."""
    text = (text or "").strip()
    if not text:
        raise InvalidInput(gettext(_REASON_MISSING[what]), field=field)
    if len(text) < REASON_MIN:
        raise InvalidInput(gettext(_REASON_SHORT[what]) % {"least": REASON_MIN}, field=field)
    if len(text) > REASON_MAX:
        raise InvalidInput(gettext("Begrunnelsen kan være høyst %(most)d tegn.") % {"most": REASON_MAX}, field=field)
    return text


def open_period(client_id: int) -> FollowUpPeriod | None:
    return FollowUpPeriod.objects.filter(client_id=client_id, end__isnull=True).order_by("-start", "-id").first()


def open_kvp(client_id: int) -> KvpPeriod | None:
    return KvpPeriod.objects.filter(client_id=client_id, end__isnull=True).first()


def _lock_client(client: Client) -> None:
    """Two starts at once for one client: the second waits, then sees the first (PostgreSQL);
    the unique constraints refuse what slips through anyway."""
    list(Client.objects.select_for_update().filter(pk=client.pk).values_list("pk", flat=True))


# --- writes: the follow-up period --------------------------------------------------------------


def start_period(*, user, client: Client | int) -> FollowUpPeriod:
    """Start a follow-up period today. Refused while the client has an open one."""
    client = load_client(client)
    with audited_write(user, client.pk, "oppfølgingsperiode: start") as a:
        access.require_nav(user, client, what="oppfølgingsperiode: start")
        _lock_client(client)
        current = open_period(client.pk)
        if current is not None:
            raise Conflict(
                gettext(
                    "Brukeren har allerede en åpen oppfølgingsperiode (fra %(start)s). Avslutt den før du starter en ny."
                )
                % {"start": formats.date_format(current.start, "SHORT_DATE_FORMAT")},
                field="period",
            )
        today = clock.today()
        last = FollowUpPeriod.objects.filter(client_id=client.pk).order_by("-end").values_list("end", flat=True).first()
        if last is not None and last > today:
            raise Conflict(gettext("Forrige periode slutter etter i dag; en ny kan ikke starte før den."), field="period")
        try:
            with transaction.atomic():
                period = FollowUpPeriod.objects.create(client=client, start=today, started_by=user)
        except IntegrityError:
            raise Conflict(
                gettext("En annen startet en oppfølgingsperiode for brukeren samtidig. Last inn på nytt."), field="period"
            ) from None
        journal.append(
            client_id=client.pk,
            kind=Kind.CLIENT,
            actor=user,
            obj=period,
            summary=f"Oppfølgingsperiode startet {today:%d.%m.%Y}",
        )
        a["obj"] = period
    return period


def end_period(
    *, user, client: Client | int, reason: str, period: FollowUpPeriod | int | None = None
) -> FollowUpPeriod:
    """End the client's open follow-up period today, for a reason from ``EndReason``. ``period``
    (optional) names the period the counsellor saw: one already ended is refused. The open
    activity plan closes with it. Refused while a KVP period runs (it is ended first)."""
    client = load_client(client)
    with audited_write(user, client.pk, "oppfølgingsperiode: avslutt") as a:
        access.require_nav(user, client, what="oppfølgingsperiode: avslutt")
        if reason not in EndReason.values:
            raise InvalidInput(gettext("Velg årsaken til at oppfølgingen avsluttes fra listen."), field="reason")
        _lock_client(client)
        if period is not None:
            pid = getattr(period, "pk", period)
            chosen = (
                FollowUpPeriod.objects.filter(pk=pid, client_id=client.pk).first() if isinstance(pid, int) else None
            )
            if chosen is None:
                raise NotFound("Fant ikke oppfølgingsperioden for denne brukeren.")
            if chosen.end is not None:
                raise Conflict(
                    gettext("Perioden ble allerede avsluttet %(end)s; bare en åpen periode kan avsluttes.")
                    % {"end": formats.date_format(chosen.end, "SHORT_DATE_FORMAT")},
                    field="period",
                )
        current = open_period(client.pk)
        if current is None:
            raise Conflict(gettext("Brukeren har ingen åpen oppfølgingsperiode å avslutte."), field="period")
        if open_kvp(client.pk) is not None:
            raise Conflict(
                gettext("Brukeren er i kvalifiseringsprogrammet (KVP). KVP-perioden må avsluttes av kommunen "
                "før oppfølgingsperioden kan avsluttes."),
                field="period",
            )
        now = clock.now()
        current.end, current.end_reason, current.ended_by, current.ended_at = clock.today(), reason, user, now
        current.save(update_fields=["end", "end_reason", "ended_by", "ended_at"])
        ActivityPlan.objects.filter(client_id=client.pk, closed_at__isnull=True).update(closed_at=now)
        journal.append(
            client_id=client.pk,
            kind=Kind.CLIENT,
            actor=user,
            obj=current,
            at=now,
            summary=f"Oppfølgingsperiode avsluttet: {stored_text.bokmal(EndReason(reason).label)}",
        )
        a["obj"] = current
    return current


def switch_mode(*, user, client: Client | int, manual: bool, reason: str) -> ModeChange:
    """Switch between digital and manual follow-up (a client on manual follow-up gets letters,
    not SMS or e-mail, and does not use Min side), with a written reason, within the open period."""
    client = load_client(client)
    with audited_write(user, client.pk, "oppfølging: digital/manuell") as a:
        access.require_nav(user, client, what="oppfølging: digital/manuell")
        if not isinstance(manual, bool):
            raise InvalidInput(gettext("Velg digital eller manuell oppfølging."), field="manual")
        reason = _reason(reason, field="reason", what="byttet")
        _lock_client(client)
        stored = Client.objects.filter(pk=client.pk).values_list("manual_followup", flat=True).first()
        if stored == manual:
            raise Conflict(
                gettext("Brukeren har allerede manuell oppfølging.")
                if manual
                else gettext("Brukeren har allerede digital oppfølging."),
                field="manual",
            )
        current = open_period(client.pk)
        if current is None:
            raise Conflict(gettext("Brukeren har ingen åpen oppfølgingsperiode. Start en periode først."), field="period")
        change = ModeChange.objects.create(
            client=client, period=current, manual=manual, reason=reason, at=clock.now(), by=user
        )
        Client.objects.filter(pk=client.pk).update(manual_followup=manual)
        client.manual_followup = manual
        to = "manuell oppfølging" if manual else "digital oppfølging"
        journal.append(
            client_id=client.pk, kind=Kind.CLIENT, actor=user, obj=change, at=change.at, summary=f"Byttet til {to}"
        )
        a["obj"] = change
    return change


# --- writes: the KVP period ----------------------------------------------------------------------


def _facts(s: StaffMember) -> frozenset:
    """The staff member's roles, with their offices cached (read through a prefetch)."""
    s._office_ids = frozenset(m.office_id for m in s.memberships.all())
    return frozenset(r.role for r in s.roles.all())


def _followers(client: Client, ids) -> list[StaffMember]:
    ids = list(dict.fromkeys(i for i in ids if isinstance(i, int) and not isinstance(i, bool)))
    if not ids:
        raise InvalidInput(gettext("Velg minst én kommunalt ansatt som skal følge opp KVP."), field="followers")
    staff = {s.pk: s for s in StaffMember.objects.filter(pk__in=ids).prefetch_related("roles", "memberships")}
    refused = []
    for pk in ids:
        s = staff.get(pk)
        roles = _facts(s) if s is not None else frozenset()
        if s is None or client.office_id not in s.office_ids():
            # staff elsewhere answer as unknown ids: no name is told for a guessed id
            refused.append(gettext("ingen ansatt ved brukerens kontor har id %(id)s") % {"id": pk})
        elif s.employer != RecordSide.MUNICIPAL:
            refused.append(
                gettext("%(name)s er statlig ansatt; KVP følges opp av kommunalt ansatte") % {"name": s.display_name}
            )
        elif not access.may_follow_kvp(s, roles, client):
            refused.append(gettext("%(name)s følger ikke opp brukere ved brukerens kontor") % {"name": s.display_name})
    if refused:
        raise InvalidInput(gettext("KVP kan ikke startes: %(reasons)s.") % {"reasons": "; ".join(refused)}, field="followers")
    return [staff[pk] for pk in ids]


def start_kvp(*, user, client: Client | int, followers, reason: str) -> KvpPeriod:
    """Start a KVP period for the client, run by the municipal staff ``followers`` (ids; at least
    one, all municipal, at the client's office). The acting user must be municipal staff too.
    From now on the client's plan, notes and dialogue are seen only by the followers (and the
    client); the dialogue's messages go to the municipal side."""
    client = load_client(client)
    with audited_write(user, client.pk, "kvp: start") as a:
        access.require_nav(user, client, what="kvp: start")
        if not access.may_run_kvp(user, client):
            raise AccessDenied(
                gettext("Kvalifiseringsprogrammet er kommunens: bare kommunalt ansatte ved kontoret kan starte KVP."),
                field="followers",
            )
        reason = _reason(reason, field="reason", what="KVP")
        chosen = _followers(client, followers if isinstance(followers, list | tuple) else [followers])
        _lock_client(client)
        current = open_period(client.pk)
        if current is None:
            raise Conflict(
                gettext("Brukeren har ingen åpen oppfølgingsperiode. KVP løper innenfor en oppfølgingsperiode."), field="period"
            )
        running = open_kvp(client.pk)
        if running is not None:
            raise Conflict(
                gettext("Brukeren er allerede i KVP (fra %(start)s).")
                % {"start": formats.date_format(timezone.localtime(running.start), "SHORT_DATE_FORMAT")},
                field="kvp",
            )
        now = clock.now()
        try:
            with transaction.atomic():
                kvp = KvpPeriod.objects.create(
                    client=client,
                    period=current,
                    office_id=client.office_id,
                    start=now,
                    start_reason=reason,
                    started_by=user,
                )
        except IntegrityError:
            raise Conflict(gettext("En annen startet KVP for brukeren samtidig. Last inn på nytt."), field="kvp") from None
        kvp.followers.set(chosen)
        journal.append(
            client_id=client.pk,
            kind=Kind.KVP,
            actor=user,
            obj=kvp,
            at=now,
            category=RecordCategory.KVP,
            visible_to_client=True,
            summary="KVP-periode startet",
        )
        a["obj"] = kvp
    return kvp


_ONLY_FOLLOWERS_END = gettext_noop("Bare de kommunalt ansatte som følger opp KVP-perioden kan avslutte den.")


def end_kvp(*, user, kvp: KvpPeriod | int, reason: str) -> KvpPeriod:
    """End a KVP period (one of its followers). What was written while it ran stays seen only by
    its followers; what is written from now on is seen as before."""
    if not isinstance(kvp, KvpPeriod):
        kvp = KvpPeriod.objects.select_related("client").filter(pk=kvp).first() if isinstance(kvp, int) else None
        if kvp is None:
            raise NotFound("Fant ikke KVP-perioden.")
    with audited_write(user, kvp.client_id, "kvp: avslutt") as a:
        access.require_nav(user, kvp.client, what="kvp: avslutt")
        if not access.follows_kvp(user, kvp):
            raise AccessDenied(gettext(_ONLY_FOLLOWERS_END), field="kvp")
        reason = _reason(reason, field="reason", what="avslutningen")
        a["obj"] = _end(user, kvp.pk, reason)
    return a["obj"]


def end_running_kvp(*, user, client: Client | int, reason: str) -> KvpPeriod:
    """End the client's running KVP period (the JSON API names the client, not the period). Only
    its followers may; a caller on the state side is refused alike whether or not a KVP runs (the
    fact of one is the municipality's, sosialtjenesteloven § 44), and so is a municipal caller who
    does not follow it. No KVP running: ``Conflict``."""
    client = load_client(client)
    with audited_write(user, client.pk, "kvp: avslutt") as a:
        access.require_nav(user, client, what="kvp: avslutt")
        if access.actor(user).employer != RecordSide.MUNICIPAL:
            raise AccessDenied(gettext(_ONLY_FOLLOWERS_END), field="kvp")
        reason = _reason(reason, field="reason", what="avslutningen")
        _lock_client(client)
        running = open_kvp(client.pk)
        if running is None:
            raise Conflict(gettext("Brukeren er ikke i KVP; det er ingen KVP-periode å avslutte."), field="kvp")
        if not access.follows_kvp(user, running):
            raise AccessDenied(gettext(_ONLY_FOLLOWERS_END), field="kvp")
        a["obj"] = _end(user, running.pk, reason)
    return a["obj"]


def _end(user, kvp_id: int, reason: str) -> KvpPeriod:
    """End the KVP period (inside the caller's transaction, access checked): refused if it has ended."""
    current = KvpPeriod.objects.select_for_update().get(pk=kvp_id)
    if current.end is not None:
        raise Conflict(
            gettext("KVP-perioden ble allerede avsluttet %(end)s.")
            % {"end": formats.date_format(timezone.localtime(current.end), "SHORT_DATE_FORMAT")},
            field="kvp",
        )
    now = clock.now()
    current.end, current.end_reason, current.ended_by = now, reason, user
    current.save(update_fields=["end", "end_reason", "ended_by"])
    journal.append(
        client_id=current.client_id,
        kind=Kind.KVP,
        actor=user,
        obj=current,
        at=now,
        category=RecordCategory.KVP,
        summary="KVP-periode avsluttet",
    )
    return current


# --- reads ------------------------------------------------------------------------------------------


@dataclass
class PeriodRow:
    """One follow-up period as the person page shows it: its switches of mode and its KVP
    periods (the latter only for readers who may know of a KVP)."""

    period: FollowUpPeriod
    mode_changes: list = field(default_factory=list)
    kvps: list = field(default_factory=list)

    @property
    def is_open(self) -> bool:
        return self.period.end is None

    @property
    def label(self) -> str:
        from skreddersy.core.templatetags.skreddersy_format import format_date

        p = self.period
        if p.end:
            return f"{format_date(p.start)}–{format_date(p.end)}"
        return gettext("fra %(d)s (pågår)") % {"d": format_date(p.start)}


# the person page's two statements, compiled once (core.shapes)
_PERIODS = Shape("person: periods", lambda key, client_id: FollowUpPeriod.objects.filter(
    client_id=client_id).select_related("ended_by", "ended_by__staff"))
_MODE_CHANGES = Shape("person: mode changes", lambda key, client_id: ModeChange.objects.filter(
    client_id=client_id).select_related("by", "by__staff").order_by("-at", "-id"))


def history_rows(user, client: Client) -> list[PeriodRow]:
    """The client's periods, the open (current) one first, then newest first; with their mode
    changes, and the KVP periods if ``user`` may know of them (municipal staff, the client, or state
    staff the client has consented to share KVP with). Two queries, five for a client who has had a
    KVP (``Client.kvp``: the database marks every client a KVP period is written for, so an unmarked
    client has none to look up); no audit (the caller's)."""
    periods = sorted(_PERIODS.list((), client.pk), key=lambda p: (p.end is not None, -p.start.toordinal(), -p.pk))
    rows = {p.pk: PeriodRow(p) for p in periods}
    for m in _MODE_CHANGES.list((), client.pk):
        if m.period_id in rows:
            rows[m.period_id].mode_changes.append(m)
    if client.kvp and RecordCategory.KVP in access.record_categories(user, client):
        for k in KvpPeriod.objects.filter(client_id=client.pk).prefetch_related("followers").order_by("-start", "-id"):
            if k.period_id in rows:
                rows[k.period_id].kvps.append(k)
    return [rows[p.pk] for p in periods]


@dataclass
class PeriodsPage:
    client: Client
    rows: list[PeriodRow]
    open_kvp: KvpPeriod | None
    may_start_kvp: bool
    follows_open_kvp: bool
    kvp_candidates: list  # (id, name) of the municipal staff who may follow a KVP

    @property
    def current(self) -> FollowUpPeriod | None:
        return self.rows[0].period if self.rows and self.rows[0].is_open else None


def periods_page(*, user, client_id: int) -> PeriodsPage:
    """The client's follow-up periods page (Nav staff): history per period and what the user may
    do. One access check and one audit entry."""
    client = get_client(user=user, client_id=client_id, what="oppfølgingsperioder", nav=True)
    rows = history_rows(user, client)
    running = next((k for r in rows for k in r.kvps if k.end is None), None)
    may_start = access.may_run_kvp(user, client)
    candidates = []
    if may_start:
        staff = (
            StaffMember.objects.filter(memberships__office_id=client.office_id, employer=RecordSide.MUNICIPAL)
            .distinct()
            .prefetch_related("roles", "memberships")
            .order_by("display_name", "id")
        )
        candidates = [(s.pk, s.display_name) for s in staff if access.may_follow_kvp(s, _facts(s), client)]
    follows = (
        running is not None
        and access.actor(user).staff is not None
        and any(f.pk == access.actor(user).staff.pk for f in running.followers.all())
    )
    return PeriodsPage(client, rows, running, may_start, follows, candidates)


def period_choices(rows: list[PeriodRow]) -> list[tuple[int, str]]:
    """(id, label) of the periods, the current first: the journal's period filter."""
    return [(r.period.pk, r.label) for r in rows]


def period_bounds(client_id: int, period_id) -> tuple[dt.datetime, dt.datetime | None] | None:
    """The period's time span as aware datetimes [start of its first day, start of the day after
    its last), None for an id that is not one of this client's periods."""
    if not isinstance(period_id, int):
        return None
    p = FollowUpPeriod.objects.filter(pk=period_id, client_id=client_id).only("start", "end").first()
    if p is None:
        return None
    tz = timezone.get_current_timezone()
    start = dt.datetime.combine(p.start, dt.time.min, tzinfo=tz)
    end = dt.datetime.combine(p.end + dt.timedelta(days=1), dt.time.min, tzinfo=tz) if p.end else None
    return start, end
