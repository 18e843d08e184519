"""Meetings with the client: booking, the day-before reminder, the counsellor's week (møteplan),
"meeting today" for the overview, and the outcome (held, with its meeting note in one step, or a
no-show).

Services (writes) and selectors (reads) of this one concept, held to the same layering as
``services.py`` and ``selectors.py`` (.importlinter). The client hears of a booking and of the
reminder through the notification outbox (``notify``, in the same transaction), whose texts say
only that something waits on Min side: never the time, the place or the agenda.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from skreddersy import journal
from skreddersy.clients.models import Client
from skreddersy.clients.selectors import get_client
from skreddersy.clients.services import load_client, touch_contact
from skreddersy.core import audit, clock
from skreddersy.core.audit import audited_write
from skreddersy.core.errors import AccessDenied, Conflict, Hidden, InvalidInput, NotFound
from skreddersy.core.models import StaffMember
from skreddersy.core.shapes import Shape
from skreddersy.followup.models import Meeting, MeetingNote
from skreddersy.notifications.outbox import notify
from skreddersy.policy import access

Mode = Meeting.Mode
Status = Meeting.Status
MIN_MINUTES, MAX_MINUTES = 10, 8 * 60
MAX_AHEAD = dt.timedelta(days=366)
# The meeting note's channel for each way of meeting
NOTE_CHANNEL = {
    Mode.IN_PERSON: MeetingNote.Channel.MEETING,
    Mode.VIDEO: MeetingNote.Channel.VIDEO,
    Mode.PHONE: MeetingNote.Channel.PHONE,
}


def _staff(user) -> StaffMember:
    staff = access.actor(user).staff
    if staff is None:
        raise AccessDenied(_("Bare Nav-ansatte kan gjøre dette."))
    return staff


# --- the KVP rule on meetings (docs/decisions/0040) -------------------------------------------------
# A meeting is held by a KVP period when it was booked inside it or starts inside it (either time in
# [start, end)): its booking's journal line carries the booking time, its meeting note the start
# time, so a meeting a reader sees never has a note or a booking line that reader may not see. And
# while a KVP is open, none of the client's meetings is seen by staff who do not follow it (the
# rule of ``access.kvp_filter`` on both times). A hidden meeting is "not found": it is not listed,
# its page and actions answer as a missing meeting's (404, the same body), the attempt is audited.
# One exception (decision 0049): a meeting in the reader's own calendar (they are its counsellor,
# who booked it) is always theirs to see. It holds a time they must keep; hiding it would leave the
# client waiting and let a second meeting be booked on top of it, and it tells them nothing they did
# not write. Its meeting note still follows the notes' rule (``note_visible``).
MEETING_TIMES = ("starts_at", "created_at")


def _or_own_calendar(user, rule: Q) -> Q:
    """``rule``, or the meeting is in the user's own calendar (decision 0049)."""
    staff = access.actor(user).staff
    return rule | Q(counsellor_id=staff.pk) if staff is not None else rule


def visible(user, client) -> Q:
    """The KVP rule on ``client``'s meetings for ``user`` (the policy's ``kvp_filter`` on both of a
    meeting's times), or the meeting is in the user's own calendar: no query of its own."""
    q = Q()
    for at in MEETING_TIMES:
        q &= access.kvp_filter(user, client, at=at)
    return _or_own_calendar(user, q)


def _visible_over_clients(user) -> Q:
    """The same rule over the meetings of many clients at once (the møteplan, "møter i dag", the
    clash check): the meeting is in the user's own calendar, or its client has no KVP period the
    user does not follow that is open or holds either of the meeting's times."""
    q = Q()
    for at in MEETING_TIMES:
        q &= access.kvp_visible_q(user, at=at)
    return _or_own_calendar(user, q)


def note_visible(user, meeting: Meeting) -> bool:
    """Whether ``user`` may read the meeting's note (samtalereferat): the notes' rule on its side
    (sosialtjenesteloven § 44, with the client's consent) and the KVP rule at the meeting's time,
    as for the same note in the journal. A meeting the user sees may hold a note they may not (the
    other side's, or one written inside a KVP they do not follow on a meeting in their calendar)."""
    if meeting.note_id is None:
        return False
    rule = access.record_filter(user, meeting.client, at="held_at")
    return MeetingNote.objects.filter(rule, pk=meeting.note_id).exists()


def _require_visible(user, meeting: Meeting) -> None:
    """A meeting held by a KVP the user does not follow answers as a missing one (``Hidden``: the
    same 404 as ``NotFound``). The caller audits the refusal (``audited_write`` for a write)."""
    if not Meeting.objects.filter(visible(user, meeting.client), pk=meeting.pk).exists():
        raise Hidden("Fant ikke møtet.")


def _meeting(value) -> Meeting:
    if isinstance(value, Meeting):
        return value
    m = (
        Meeting.objects.select_related("client", "counsellor").filter(pk=value).first()
        if isinstance(value, int)
        else None
    )
    if m is None:
        raise NotFound("Fant ikke møtet.")
    return m


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def overlapping(counsellor_id: int, starts_at: dt.datetime, ends_at: dt.datetime, exclude: int | None = None,
                seen: Q | None = None):
    """The counsellor's planned meetings that overlap [starts_at, ends_at); ``seen``: only those the
    acting user may see (a meeting held by a KVP they do not follow is not theirs to keep free)."""
    qs = Meeting.objects.filter(
        counsellor_id=counsellor_id, status=Status.PLANNED, starts_at__lt=ends_at, ends_at__gt=starts_at
    )
    if seen is not None:
        qs = qs.filter(seen)
    return qs.exclude(pk=exclude) if exclude else qs


# --- writes -------------------------------------------------------------------------------------


def book_meeting(
    *,
    user,
    client: Client | int,
    starts_at: dt.datetime | None,
    minutes: int | None,
    mode: str,
    place: str = "",
    participants: str = "",
    agenda: str = "",
) -> Meeting:
    """Book a meeting with the client for the acting counsellor. Refused with a message naming the
    field: a time in the past, a meeting overlapping another of the counsellor's, a meeting in
    person without a place. The client is notified in the same transaction."""
    client = load_client(client)
    with audited_write(user, client.pk, "møte: book") as a:
        access.require_nav(user, client, what="møte: book")
        staff = _staff(user)
        now = clock.now()
        errors = {}
        if mode not in Mode.values:
            errors["mode"] = _("Velg oppmøte, video eller telefon.")
        place = (place or "").strip()
        if mode == Mode.IN_PERSON and not place:
            errors["place"] = _("Skriv hvor dere skal møtes (for eksempel Nav-kontorets adresse og møterom).")
        if len(place) > 200:
            errors["place"] = _("Stedet kan være høyst 200 tegn.")
        participants = (participants or "").strip()
        if len(participants) > 300:
            errors["participants"] = _("Deltakerlisten kan være høyst 300 tegn.")
        agenda = (agenda or "").strip()
        if not agenda:
            errors["agenda"] = _("Skriv hva møtet skal handle om, så brukeren kan forberede seg.")
        if minutes is None or not MIN_MINUTES <= minutes <= MAX_MINUTES:
            errors["minutes"] = _("Varighet må være fra %(least)d minutter til %(hours)d timer.") % {
                "least": MIN_MINUTES,
                "hours": MAX_MINUTES // 60,
            }
        if starts_at is None:
            errors["starts_at"] = _("Velg dato og klokkeslett.")
        else:
            starts_at = _aware(starts_at)
            if starts_at <= now:
                errors["starts_at"] = _("Møtet kan ikke være tilbake i tid. Velg et tidspunkt fram i tid.")
            elif starts_at > now + MAX_AHEAD:
                errors["starts_at"] = _("Møtet kan bookes høyst ett år fram i tid.")
        if errors:
            raise InvalidInput(_("Møtet kan ikke bookes."), errors=errors)
        ends_at = starts_at + dt.timedelta(minutes=minutes)
        if connection.features.has_select_for_update:  # two bookings at once for one counsellor: one waits
            list(StaffMember.objects.select_for_update().filter(pk=staff.pk).values_list("pk", flat=True))
        clash = overlapping(staff.pk, starts_at, ends_at, seen=_visible_over_clients(user)).order_by("starts_at").first()
        if clash is not None:
            local = timezone.localtime(clash.starts_at)
            end = timezone.localtime(clash.ends_at)
            raise InvalidInput(
                _("Møtet kan ikke bookes."),
                errors={
                    "starts_at": _(
                        "Du har et annet møte %(date)s kl. %(start)s–%(end)s som overlapper. Velg et annet tidspunkt."
                    )
                    % {
                        "date": formats.date_format(local, "SHORT_DATE_FORMAT"),
                        "start": formats.time_format(local, "H:i"),
                        "end": formats.time_format(end, "H:i"),
                    }
                },
            )
        m = Meeting.objects.create(
            client=client,
            counsellor=staff,
            starts_at=starts_at,
            ends_at=ends_at,
            mode=mode,
            place=place,
            participants=participants,
            agenda=agenda,
            created_by=user,
            created_at=now,
            updated_at=now,
        )
        notify(client_id=client.pk, kind="meeting", at=now)
        local = timezone.localtime(starts_at)
        journal.append(
            client_id=client.pk,
            kind=journal.Kind.NOTE,
            actor=user,
            obj=m,
            at=now,
            summary=f"Møte booket {local:%d.%m.%Y} kl. {local:%H:%M} ({m.get_mode_display().lower()})",
        )
        a["obj"] = m
    return m


def record_held(*, user, meeting: Meeting | int, summary: str, shared_with_client: bool = True) -> Meeting:
    """The meeting was held: write its meeting note (samtalereferat) and mark it held, in one step."""
    meeting = _meeting(meeting)
    with audited_write(user, meeting.client_id, "møte: gjennomført") as a:
        access.require_nav(user, meeting.client, what="møte: gjennomført")
        _require_visible(user, meeting)
        if meeting.status != Status.PLANNED:
            raise Conflict(
                _("Møtet er allerede registrert som «%(status)s».") % {"status": meeting.get_status_display().lower()},
                field="status",
            )
        now = clock.now()
        if meeting.starts_at > now + dt.timedelta(minutes=5):
            raise InvalidInput(_("Møtet har ikke begynt ennå; registrer det når det er holdt."), field="summary")
        summary = (summary or "").strip()
        if not summary:
            raise InvalidInput(_("Skriv referatet fra møtet."), field="summary")
        # filed on the writer's own side, as a contact logged by hand (services.log_contact)
        category = access.writable_note_categories(user)[0]
        note = MeetingNote.objects.create(
            client_id=meeting.client_id,
            category=category,
            channel=NOTE_CHANNEL[meeting.mode],
            held_at=meeting.starts_at,
            summary=summary,
            shared_with_client=shared_with_client,
            written_by=_staff(user),
            created_at=now,
        )
        n = Meeting.objects.filter(pk=meeting.pk, status=Status.PLANNED).update(
            status=Status.HELD, note=note, updated_at=now
        )
        if n == 0:
            raise Conflict(_("Møtet er registrert av noen andre samtidig. Last inn på nytt."), field="status")
        touch_contact(meeting.client_id, meeting.starts_at, note.category)
        meeting.refresh_from_db()
        label = "Samtalereferat" if shared_with_client else "Internt notat"
        journal.append(
            client_id=meeting.client_id,
            kind=journal.Kind.NOTE,
            actor=user,
            obj=note,
            at=meeting.starts_at,
            visible_to_client=shared_with_client,
            summary=f"Møte gjennomført. {label} ({note.get_channel_display().lower()})",
            category=category,
        )
        a["obj"] = meeting
    return meeting


def record_outcome(*, user, meeting: Meeting | int, status: str) -> Meeting:
    """A no-show (after the meeting's start) or a cancellation."""
    meeting = _meeting(meeting)
    with audited_write(user, meeting.client_id, "møte: utfall") as a:
        access.require_nav(user, meeting.client, what="møte: utfall")
        _require_visible(user, meeting)
        if status not in (Status.NO_SHOW, Status.CANCELLED):
            raise InvalidInput(_("Velg «møtte ikke» eller «avlyst»."), field="status")
        if meeting.status != Status.PLANNED:
            raise Conflict(
                _("Møtet er allerede registrert som «%(status)s».") % {"status": meeting.get_status_display().lower()},
                field="status",
            )
        now = clock.now()
        if status == Status.NO_SHOW and meeting.starts_at > now:
            raise InvalidInput(
                _("Et møte kan registreres som «møtte ikke» først når møtetidspunktet er passert."), field="status"
            )
        n = Meeting.objects.filter(pk=meeting.pk, status=Status.PLANNED).update(status=status, updated_at=now)
        if n == 0:
            raise Conflict(_("Møtet er registrert av noen andre samtidig. Last inn på nytt."), field="status")
        meeting.refresh_from_db()
        local = timezone.localtime(meeting.starts_at)
        if status == Status.CANCELLED:
            notify(client_id=meeting.client_id, kind="meeting", at=now)
            summary = f"Møte {local:%d.%m.%Y} kl. {local:%H:%M} avlyst"
        else:
            summary = f"Bruker møtte ikke til møtet {local:%d.%m.%Y} kl. {local:%H:%M}"
        journal.append(
            client_id=meeting.client_id, kind=journal.Kind.NOTE, actor=user, obj=meeting, at=now, summary=summary
        )
        a["obj"] = meeting
    return meeting


def send_reminders(*, now: dt.datetime | None = None) -> int:
    """The day-before reminder (periodic task): every planned meeting starting tomorrow (local
    date) that has had no reminder is announced to its client through the outbox, once. A
    meeting booked today for tomorrow gets it too; one booked for today gets the booking's notice
    only. Returns how many were reminded. System work: journalled, not audited."""
    now = now or clock.now()
    tomorrow = timezone.localdate(now) + dt.timedelta(days=1)
    start, end = _midnight(tomorrow), _midnight(tomorrow + dt.timedelta(days=1))
    due = list(
        Meeting.objects.filter(
            status=Status.PLANNED, reminder_sent_at__isnull=True, starts_at__gte=start, starts_at__lt=end
        ).only("pk", "client_id", "starts_at")[:5000]
    )
    done = 0
    for m in due:
        with transaction.atomic():
            if not Meeting.objects.filter(pk=m.pk, reminder_sent_at__isnull=True).update(reminder_sent_at=now):
                continue  # another worker reminded it
            notify(client_id=m.client_id, kind="meeting", at=now)
            local = timezone.localtime(m.starts_at)
            journal.append(
                client_id=m.client_id,
                kind=journal.Kind.NOTE,
                obj=m,
                at=now,
                visible_to_client=False,
                summary=f"Påminnelse sendt om møtet {local:%d.%m.%Y} kl. {local:%H:%M}",
            )
            done += 1
    return done


# --- reads ----------------------------------------------------------------------------------------


def _build_for_reader(reader_key, client_id, office_id, staff_id):
    """The client's meetings (upcoming first, then the last ones held) by ``visible``'s rule, from a
    record reader (access.record_reader) alone."""
    q = Q()
    for at in MEETING_TIMES:
        q &= access.record_q(*reader_key, client_id, office_id, staff_id, at=at, sides=False)
    if reader_key[0] == "staff":
        q |= Q(counsellor_id=staff_id)
    return Meeting.objects.filter(q, client_id=client_id).select_related("counsellor", "note").order_by("-starts_at", "-id")[:20]


_FOR_READER = Shape("person: meetings", _build_for_reader)


def for_reader(reader) -> list[Meeting]:
    """The client's meetings by ``visible``'s rule, for the person aggregate (one statement kept per
    shape, core.shapes): ``reader`` is ``access.record_reader(user, client)`` of a reader who may
    see the client."""
    return _FOR_READER.list(reader.key, *reader.values)


def booking_form(*, user, client_id: int) -> Client:
    return get_client(user=user, client_id=client_id, what="møte: book", nav=True)


def get_meeting(*, user, meeting_id: int) -> Meeting:
    m = Meeting.objects.select_related("client", "counsellor", "note").filter(pk=meeting_id).first()
    if m is None:
        raise NotFound("Fant ikke møtet.")
    access.require_nav(user, m.client, what="møte")
    try:
        _require_visible(user, m)
    except Hidden:
        audit.record(user, m.client_id, audit.DENIED, "møte", why="KVP")
        raise
    m.shown_note = m.note if note_visible(user, m) else None
    audit.record(user, m.client_id, audit.READ, "møte")
    return m


@dataclass
class Week:
    monday: dt.date
    days: list[tuple[dt.date, list[Meeting]]]
    today: dt.date

    @property
    def previous(self) -> dt.date:
        return self.monday - dt.timedelta(days=7)

    @property
    def next(self) -> dt.date:
        return self.monday + dt.timedelta(days=7)

    @property
    def iso(self) -> str:
        y, w, _ = self.monday.isocalendar()
        return f"{y}-W{w:02d}"

    @property
    def count(self) -> int:
        return sum(len(ms) for _, ms in self.days)


def _between(user, start: dt.datetime, end: dt.datetime) -> list[Meeting]:
    staff = _staff(user)
    if not access.actor(user).does_followup:
        raise AccessDenied(_("Møteplanen er for veiledere."))
    clients = Client.objects.filter(access.client_filter(user)).values("pk")
    return list(
        Meeting.objects.filter(counsellor_id=staff.pk, starts_at__gte=start, starts_at__lt=end, client_id__in=clients)
        .filter(_visible_over_clients(user))  # a KVP's meetings are its followers' (booked or starting inside it)
        .exclude(status=Status.CANCELLED)
        .select_related("client")
        .order_by("starts_at", "id")
    )


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def week(*, user, day: dt.date | None = None) -> Week:
    """Møteplan: the acting counsellor's meetings in the week of ``day`` (Monday to Sunday), by day.
    One audit read entry holding the clients shown."""
    today = clock.today()
    day = day or today
    monday = day - dt.timedelta(days=day.weekday())
    meetings = _between(user, _midnight(monday), _midnight(monday + dt.timedelta(days=7)))
    by_day = {monday + dt.timedelta(days=i): [] for i in range(7)}
    for m in meetings:
        by_day[timezone.localdate(m.starts_at)].append(m)
    audit.record_reads(user, sorted({m.client_id for m in meetings}), "møteplan", why="møteplan")
    return Week(monday, list(by_day.items()), today)


def today_for(*, user) -> list[Meeting]:
    """ "Møter i dag" on the overview: the acting counsellor's meetings today (one audit read entry)."""
    today = clock.today()
    meetings = _between(user, _midnight(today), _midnight(today + dt.timedelta(days=1)))
    audit.record_reads(user, sorted({m.client_id for m in meetings}), "møter i dag", why="oversikt")
    return meetings
