"""Forhåndsorientering: the formal notice before a sanction, its writes and reads.

Before a benefit can be reduced or stopped because an activity requirement is not met, the client
is told in advance and given a deadline to respond (forvaltningsloven § 16; for AAP
folketrygdloven § 11-9, for social assistance sosialtjenesteloven § 20 a, for unemployment benefit
folketrygdloven § 4-20). The counsellor starts from a standard text per legal basis (``BASES``),
edits it for the client and sends it; the client reads it on Min side (or gets it as a letter when
on manual follow-up or reserved against digital contact) and may answer. The read receipt is
information only: the rule for a sanction recommendation (``sanction_refusal``) asks whether the
client has answered or the deadline has passed, never whether they opened the page.

Services (writes) and selectors (reads) of this one concept, held to the same layering as
``services.py`` and ``selectors.py`` (.importlinter).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.db import connection, transaction
from django.utils import formats
from django.utils.translation import gettext as _

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.clients.selectors import get_client
from skreddersy.core import clock
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, Conflict, InvalidInput, NotFound
from skreddersy.core.shapes import Shape
from skreddersy.followup.models import Activity, AdvanceNotice
from skreddersy.notifications.models import ContactPreference
from skreddersy.notifications.outbox import notify
from skreddersy.policy import access

# A deadline to respond: long enough to answer (forvaltningsloven § 16 "en frist for å uttale seg"),
# and not so long that the case stands still. Nav's practice is usually two weeks.
MIN_DAYS, DEFAULT_DAYS, MAX_DAYS = 7, 14, 60


@dataclass(frozen=True)
class Basis:
    key: str
    law: str  # the provision the sanction rests on
    benefit: str
    pattern: str  # matches the requirement's legal basis as the counsellor wrote it
    text: str  # the standard text, with {title}, {consequence}, {deadline}


_COMMON_END = (
    "\n\nDu kan svare på Min side eller ringe oss på 55 55 33 33 innen {deadline}. Har du en god grunn til at du ikke "
    "har kunnet gjøre aktiviteten, for eksempel sykdom, vil vi vite det. Vi tar ikke stilling til saken før fristen har "
    "gått ut eller du har svart. Du har rett til å se dokumentene i saken din (forvaltningsloven § 18)."
)

BASES: dict[str, Basis] = {
    b.key: b
    for b in (
        Basis(
            "aap",
            "folketrygdloven § 11-9",
            "arbeidsavklaringspenger (AAP)",
            r"folketrygdloven\s*§\s*11-|ftrl\.?\s*§\s*11-|\bAAP\b",
            "Vi har registrert at du ikke har gjennomført aktiviteten «{title}», som er et aktivitetskrav i planen din. "
            "Hvis du ikke har en rimelig grunn, kan arbeidsavklaringspengene dine bli redusert etter folketrygdloven "
            "§ 11-9. Det betyr: {consequence}" + _COMMON_END,
        ),
        Basis(
            "social",
            "sosialtjenesteloven § 20 a",
            "økonomisk stønad (sosialhjelp)",
            r"sosialtjenesteloven\s*§\s*20|sotjl\.?\s*§\s*20",
            "Vi har registrert at du ikke har gjennomført aktiviteten «{title}», som er et vilkår for den økonomiske "
            "stønaden din. Hvis du ikke har en rimelig grunn, kan stønaden bli redusert etter sosialtjenesteloven "
            "§ 20 a. Det betyr: {consequence}" + _COMMON_END,
        ),
        Basis(
            "unemployment",
            "folketrygdloven § 4-20",
            "dagpenger",
            r"folketrygdloven\s*§\s*4-|ftrl\.?\s*§\s*4-|dagpenger",
            "Vi har registrert at du ikke har gjennomført aktiviteten «{title}», som er et krav for å få dagpenger. "
            "Hvis du ikke har en rimelig grunn, kan dagpengene dine bli stanset etter folketrygdloven § 4-20. "
            "Det betyr: {consequence}" + _COMMON_END,
        ),
    )
}


def basis_for(activity: Activity) -> Basis | None:
    """The benefit a requirement is tied to, read from its legal basis; None if it names none."""
    if not activity.is_requirement:
        return None
    for b in BASES.values():
        if re.search(b.pattern, activity.legal_basis or "", flags=re.IGNORECASE):
            return b
    return None


def default_deadline(today: dt.date | None = None) -> dt.date:
    return (today or clock.today()) + dt.timedelta(days=DEFAULT_DAYS)


def standard_text(activity: Activity, deadline: dt.date | None = None) -> str:
    b = basis_for(activity)
    if b is None:
        return ""
    return b.text.format(
        title=activity.title,
        consequence=activity.consequence,
        deadline=(deadline or default_deadline()).strftime("%d.%m.%Y"),
    )


def sanction_refusal(notice: AdvanceNotice | None, today: dt.date) -> str:
    """Why a sanction cannot be recommended yet ("" if it can): the rule of forvaltningsloven § 16.
    A notice must have been sent, and the client must have answered it or its deadline (the last
    day to answer) must have passed. Reading it changes nothing. Pure: the property tests drive it."""
    if notice is None:
        return _("Send forhåndsorientering før du innstiller på sanksjon (forvaltningsloven § 16).")
    if notice.recommended_at is not None:
        return _("Det er allerede innstilt på sanksjon etter denne forhåndsorienteringen.")
    if notice.responded_at is None and today <= notice.deadline:
        return _(
            "Brukeren har frist til %(deadline)s med å svare på forhåndsorienteringen og har ikke "
            "svart ennå. Du kan innstille på sanksjon når brukeren har svart eller fristen er ute "
            "(forvaltningsloven § 16)."
        ) % {"deadline": formats.date_format(notice.deadline, "SHORT_DATE_FORMAT")}
    return ""


def _activity(value) -> Activity:
    if isinstance(value, Activity):
        return value
    act = Activity.objects.select_related("client").filter(pk=value).first() if isinstance(value, int) else None
    if act is None:
        raise NotFound("Fant ikke aktiviteten.")
    return act


def _notice(value) -> AdvanceNotice:
    if isinstance(value, AdvanceNotice):
        return value
    n = (
        AdvanceNotice.objects.select_related("client", "activity").filter(pk=value).first()
        if isinstance(value, int)
        else None
    )
    if n is None:
        raise NotFound("Fant ikke forhåndsorienteringen.")
    return n


def _staff(user):
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied(_("Bare Nav-ansatte kan gjøre dette."))
    return staff


def _by_letter(client: Client) -> bool:
    """Manual follow-up or reserved against digital contact (KRR): the notice goes by post."""
    if client.manual_followup:
        return True
    return ContactPreference.objects.filter(client_id=client.pk, krr_reserved=True).exists()


# --- writes -------------------------------------------------------------------------------------


def send_notice(*, user, activity: Activity | int, text: str, deadline: dt.date | None) -> AdvanceNotice:
    """Send a forhåndsorientering on an activity requirement tied to a benefit. The client is
    notified (SMS or e-mail saying only that something waits on Min side) in the same transaction;
    a client on manual follow-up or reserved in KRR gets it as a letter (the page prints it)."""
    activity = _activity(activity)
    with audited_write(user, activity.client_id, "forhåndsorientering: send") as a:
        client = activity.client
        access.require_nav(user, client, what="forhåndsorientering: send")
        basis = basis_for(activity)
        if basis is None:
            if not activity.is_requirement:
                raise InvalidInput(
                    _("Forhåndsorientering sendes bare for et aktivitetskrav. Denne aktiviteten er ikke et krav."),
                    field="activity",
                )
            raise InvalidInput(
                _(
                    "Aktivitetskravet er ikke knyttet til en ytelse: hjemmelen «%(legal_basis)s» viser ikke til "
                    "AAP (folketrygdloven § 11-9), dagpenger (folketrygdloven § 4-20) eller økonomisk stønad "
                    "(sosialtjenesteloven § 20 a). Rett hjemmelen på kravet først."
                )
                % {"legal_basis": activity.legal_basis},
                field="activity",
            )
        errors = {}
        text = (text or "").strip()
        if not text:
            errors["text"] = _("Skriv teksten til brukeren (start med standardteksten og tilpass den).")
        today = clock.today()
        if deadline is None:
            errors["deadline"] = _("Sett en svarfrist (forvaltningsloven § 16).")
        elif deadline < today + dt.timedelta(days=MIN_DAYS):
            errors["deadline"] = _(
                "Svarfristen må være minst %(days)d dager fram i tid, slik at brukeren rekker å svare."
            ) % {"days": MIN_DAYS}
        elif deadline > today + dt.timedelta(days=MAX_DAYS):
            errors["deadline"] = _("Svarfristen kan være høyst %(days)d dager fram i tid.") % {"days": MAX_DAYS}
        if errors:
            raise InvalidInput(_("Forhåndsorienteringen kan ikke sendes."), errors=errors)
        if activity.status not in (Activity.Status.PLANNED, Activity.Status.ONGOING, Activity.Status.PROPOSED):
            raise InvalidInput(
                _("Kravet er avsluttet; en forhåndsorientering gjelder et krav som fortsatt gjelder."), field="activity"
            )
        open_notice = AdvanceNotice.objects.filter(
            activity=activity, responded_at__isnull=True, recommended_at__isnull=True, deadline__gte=today
        ).exists()
        if open_notice:
            raise Conflict(
                _("Det finnes allerede en forhåndsorientering på dette kravet som venter på svar."), field="activity"
            )
        now = clock.now()
        letter = _by_letter(client)
        notice = AdvanceNotice.objects.create(
            activity=activity,
            client=client,
            basis=basis.key,
            text=text,
            deadline=deadline,
            sent_at=now,
            sent_by=_staff(user),
            channel=AdvanceNotice.Channel.LETTER if letter else AdvanceNotice.Channel.DIGITAL,
        )
        notify(client_id=client.pk, kind="requirement", at=now)
        how = "som brev" if letter else "på Min side"
        journal.append(
            client_id=client.pk,
            kind=journal.Kind.ACTIVITY,
            actor=user,
            obj=notice,
            at=now,
            summary=f"Forhåndsorientering sendt {how} ({basis.law}), svarfrist {deadline:%d.%m.%Y}: {activity.title}",
        )
        a["obj"] = notice
    return notice


def respond_to_notice(*, user, notice: AdvanceNotice | int, response: str) -> AdvanceNotice:
    """The client's answer to a forhåndsorientering (Nav may record an answer given by phone or post)."""
    notice = _notice(notice)
    with audited_write(user, notice.client_id, "forhåndsorientering: svar") as a:
        by_client = access.require_client_or_nav(user, notice.client, what="forhåndsorientering: svar")
        response = (response or "").strip()
        if not response:
            raise InvalidInput(_("Skriv svaret ditt."), field="response")
        if len(response) > 5000:
            raise InvalidInput(_("Svaret kan være høyst 5000 tegn."), field="response")
        if notice.recommended_at is not None:
            raise Conflict(_("Nav har allerede innstilt i saken. Skriv en melding til veilederen din."), field="response")
        now = clock.now()
        n = AdvanceNotice.objects.filter(pk=notice.pk, responded_at__isnull=True).update(
            response=response, responded_at=now
        )
        if n == 0:
            raise Conflict(_("Forhåndsorienteringen er allerede besvart."), field="response")
        notice.refresh_from_db()
        who = "bruker" if by_client else "veileder (svar gitt muntlig eller per post)"
        journal.append(
            client_id=notice.client_id,
            kind=journal.Kind.ACTIVITY,
            actor=user,
            obj=notice,
            at=now,
            summary=f"Svar på forhåndsorientering registrert av {who}: {notice.activity.title}",
        )
        a["obj"] = notice
    return notice


def recommend_sanction(*, user, activity: Activity | int, reason: str) -> AdvanceNotice:
    """Innstilling om sanksjon on a requirement: refused (Conflict, with the reason) until the
    newest forhåndsorientering has been answered or its deadline has passed."""
    activity = _activity(activity)
    with audited_write(user, activity.client_id, "sanksjon: innstilling") as a:
        access.require_nav(user, activity.client, what="sanksjon: innstilling")
        if connection.features.has_select_for_update:
            list(Activity.objects.select_for_update().filter(pk=activity.pk).values_list("pk", flat=True))
        notice = AdvanceNotice.objects.filter(activity=activity).order_by("-sent_at", "-id").first()
        refusal = sanction_refusal(notice, clock.today())
        if refusal:
            raise Conflict(refusal, field="reason")
        reason = (reason or "").strip()
        if not reason:
            raise InvalidInput(
                _("Begrunn innstillingen (hva er ikke oppfylt, og hvordan brukerens svar er vurdert)."), field="reason"
            )
        now = clock.now()
        AdvanceNotice.objects.filter(pk=notice.pk).update(
            recommended_at=now, recommended_by=_staff(user), recommendation=reason
        )
        notice.refresh_from_db()
        answered = "etter brukerens svar" if notice.responded_at else "etter at svarfristen gikk ut uten svar"
        journal.append(
            client_id=activity.client_id,
            kind=journal.Kind.ACTIVITY,
            actor=user,
            obj=notice,
            at=now,
            visible_to_client=False,
            summary=f"Innstilling om sanksjon {answered} ({BASES[notice.basis].law}): {activity.title}",
        )
        a["obj"] = notice
    return notice


def mark_read(client_id: int, notices: list[AdvanceNotice]) -> None:
    """The read receipt (information only): the client has seen these notices on Min side. Called by
    the Min side read after its access check (the client themself); journalled."""
    unread = [n for n in notices if n.read_at is None and n.channel == AdvanceNotice.Channel.DIGITAL]
    if not unread:
        return
    now = clock.now()
    with transaction.atomic():
        AdvanceNotice.objects.filter(pk__in=[n.pk for n in unread], read_at__isnull=True).update(read_at=now)
        for n in unread:
            n.read_at = now
        journal.append_many(
            [
                {
                    "client_id": client_id,
                    "kind": journal.Kind.ACTIVITY,
                    "object_type": "AdvanceNotice",
                    "object_id": n.pk,
                    "summary": "Forhåndsorientering lest av bruker på Min side",
                    "visible_to_client": True,
                }
                for n in unread
            ]
        )


# --- reads ----------------------------------------------------------------------------------------


@dataclass
class RequirementPage:
    """The requirement's page: the requirement, its notices (sent, read, answered) and whether a
    sanction may be recommended now."""

    activity: Activity
    client: Client
    basis: Basis | None
    notices: list[AdvanceNotice]
    refusal: str
    draft_text: str
    draft_deadline: dt.date

    @property
    def current(self) -> AdvanceNotice | None:
        return self.notices[0] if self.notices else None

    @property
    def can_send(self) -> bool:
        c = self.current
        return (
            self.basis is not None
            and self.activity.is_open
            and (c is None or c.responded_at is not None or c.recommended_at is not None or c.deadline < clock.today())
        )


def requirement_page(*, user, activity_id: int) -> RequirementPage:
    """Nav staff only: one access check, one audit entry."""
    act = Activity.objects.select_related("client").filter(pk=activity_id).first()
    if act is None:
        raise NotFound("Fant ikke aktiviteten.")
    client = get_client(user=user, client_id=act.client_id, what="aktivitetskrav", nav=True)
    if not Activity.objects.filter(access.kvp_filter(user, client, at="created_at"), pk=act.pk).exists():
        raise NotFound("Fant ikke aktiviteten.")  # held by a KVP the user does not follow (access.kvp_filter)
    notices = list(
        AdvanceNotice.objects.filter(activity=act)
        .select_related("sent_by", "recommended_by")
        .order_by("-sent_at", "-id")
    )
    refusal = sanction_refusal(notices[0] if notices else None, clock.today())
    deadline = default_deadline()
    return RequirementPage(act, client, basis_for(act), notices, refusal, standard_text(act, deadline), deadline)


def get_notice(*, user, notice_id: int) -> AdvanceNotice:
    """One notice (the printable letter): Nav staff only."""
    n = AdvanceNotice.objects.select_related("activity", "client", "sent_by").filter(pk=notice_id).first()
    if n is None:
        raise NotFound("Fant ikke forhåndsorienteringen.")
    get_client(user=user, client_id=n.client_id, what="forhåndsorientering: brev", nav=True)
    return n


def _build_for_reader(key, client_id, office_id, staff_id):
    reader_key, is_nav = key
    qs = AdvanceNotice.objects.filter(client_id=client_id)
    if is_nav:
        kvp = access.record_q(*reader_key, client_id, office_id, staff_id, at="created_at", sides=False)
        qs = qs.filter(activity__in=Activity.objects.filter(kvp, client_id=client_id))
    return qs.select_related("activity").order_by("-sent_at", "-id")[:20]


_FOR_READER = Shape("person: notices", _build_for_reader)


def for_reader(reader, *, is_nav: bool) -> list[AdvanceNotice]:
    """The client's notices, newest first, for the person aggregate (which has checked access and
    audited; kept per shape, core.shapes): Nav staff see the notices on activities the KVP rule
    lets them see; ``reader`` is ``access.record_reader``. A client opening Min side marks the
    digital ones read (the aggregate's ``notices.mark_read``)."""
    return _FOR_READER.list((reader.key, is_nav), *reader.values)
