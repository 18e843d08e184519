"""Demo and national data for follow-up: for every client the clients app seeds, a § 14 a decision
(most clients; with a work capacity assessment where the need group needs one, a second approver
for the permanent groups, sometimes a replaced earlier decision), an activity plan with
activities and activity requirements, dialogue threads, meeting notes and tasks with deadlines,
each entered in the client's journal.

Written as a per-client history part (``prepare`` registers ``FollowUpHistory`` in
``ctx.client_history``; clients' seeding calls it for each client it draws), so a client and its
history come from one random stream. A quarter of clients add activities themselves (FIELD.md).
"""

from __future__ import annotations

import datetime as dt
import random

from skreddersy.clients.models import SharingConsent
from skreddersy.clients.seeding import ClientDraft
from skreddersy.core import reference
from skreddersy.core.models import StaffMember
from skreddersy.core.seeding import SeedContext, weighted
from skreddersy.core.seeding.bulk import BulkWriter, IdRange, d, reset_sequences, ts
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    MeetingNote,
    Message,
    NeedsDecision,
    Task,
    Thread,
    WorkCapacityAssessment,
)

ACTIVITY_TITLES = {
    "own": ["Lage CV", "Søke på ti stillinger", "Trene tre ganger i uka", "Oppdatere profil på arbeidsplassen.no", "Lese jobbannonser hver dag"],
    "job_application": ["Søknad: butikkmedarbeider", "Søknad: lagerarbeider", "Søknad: assistent i barnehage", "Søknad: renholder", "Søknad: sjåfør klasse B"],
    "meeting": ["Oppfølgingsmøte med veileder", "Møte om arbeidsevnevurdering", "Trepartsmøte med arbeidsgiver"],
    "measure": ["Arbeidstrening", "Jobbklubb", "Avklaring", "Oppfølging hos tiltaksarrangør", "Arbeidsmarkedsopplæring: truckførerkurs"],
    "treatment": ["Behandling hos fysioterapeut", "Samtaler hos psykolog", "Poliklinisk behandling"],
    "course": ["Norskkurs nivå B1", "Kurs i digitale ferdigheter", "Førstehjelpskurs"],
    "other": ["Avklare barnehageplass", "Ordne bolig", "Møte hos gjeldsrådgiver"],
}
FINANCIAL_ASSISTANCE_LINES = [
    "Søknad om økonomisk sosialhjelp mottatt",
    "Vedtak: økonomisk sosialhjelp innvilget for én måned",
    "Vedtak: økonomisk sosialhjelp til husleie innvilget",
    "Vedtak: økonomisk sosialhjelp avslått (inntekt over satsen)",
    "Samtale om økonomi og budsjett (kommunal rådgiver)",
]
ACTIVITY_TYPE_WEIGHTS = [("own", 22), ("job_application", 25), ("meeting", 18), ("measure", 12), ("treatment", 7), ("course", 10), ("other", 6)]
REQUIREMENTS = [
    ("folketrygdloven § 11-7",
     "Hvis du ikke gjør dette uten en rimelig grunn, kan Nav stanse arbeidsavklaringspengene dine til du gjør det igjen."),
    ("sosialtjenesteloven § 20 a",
     "Hvis du ikke deltar uten en god grunn, kan den økonomiske sosialhjelpen din bli satt ned."),
    ("folketrygdloven § 4-20",
     "Hvis du ikke gjør dette, kan du miste dagpengene i en periode."),
]
CLIENT_MESSAGES = [
    "Hei, jeg har fått tilbud om et intervju neste uke. Kan vi snakke om hvordan jeg forbereder meg?",
    "Jeg er syk i dag og kan ikke komme på møtet. Kan vi finne en ny tid?",
    "Når kommer utbetalingen av AAP denne måneden?",
    "Jeg har sendt meldekortet, men har ikke fått penger. Hva skjer?",
    "Jeg trenger hjelp til husleien denne måneden. Hvem kan jeg snakke med i kommunen?",
    "Takk for hjelpen!",
    "Jeg har søkt på fem jobber denne uka, se aktivitetsplanen.",
    "Kan jeg få tolk på neste møte?",
    "Jeg vil gjerne begynne på et norskkurs. Er det mulig?",
    "Jobbklubben passer ikke for meg fordi jeg har små barn. Finnes det noe annet?",
]
NAV_MESSAGES = [
    "Hei! Takk for meldingen. Jeg har satt opp et møte torsdag kl. 10.",
    "Så bra at du har søkt. Husk å oppdatere aktivitetsplanen når du får svar.",
    "Jeg har sendt spørsmålet ditt videre til kontaktsenteret. De svarer deg innen to dager.",
    "Du kan ta kontakt med sosialtjenesten i kommunen. Jeg har sendt dem en beskjed.",
    "Ja, vi bestiller tolk til neste møte.",
    "Hei, hvordan går det med jobbsøkingen? Si fra om du trenger hjelp med CV-en.",
]
NOTE_SUMMARIES = [
    "Snakket om jobbmål og hva bruker ønsker å jobbe med. Bruker vil prøve butikk eller lager.",
    "Bruker forteller at helsen er bedre. Vi avtalte å se på arbeidstrening etter nyttår.",
    "Kort telefonsamtale: bruker bekreftet oppmøte på jobbklubben.",
    "SMS: påminnelse om møtet i morgen. Bruker svarte at hun kommer.",
    "Gjennomgang av aktivitetsplanen. Bruker la selv til to jobbsøknader.",
    "Bruker har behov for tolk (somali). Avtalt at tolk bestilles til neste møte.",
]
RESOURCE_PROFILES = [
    "Bruker har lang erfaring fra lager og transport, men har ryggplager som gjør tunge løft vanskelige.",
    "Bruker har fullført videregående og har god digital kompetanse. Psykiske plager gir svingende arbeidsevne.",
    "Bruker har lite arbeidserfaring i Norge og begrenset norsk, men sterk motivasjon og fagbrev fra hjemlandet.",
]
SELF_ASSESSMENTS = [
    "Jeg tror jeg kan jobbe noen timer om dagen hvis jobben ikke er for fysisk tung.",
    "Jeg vil gjerne jobbe, men trenger hjelp til å finne noe som passer med helsen min.",
    "Jeg trenger bedre norsk før jeg kan få jobb i yrket mitt.",
]


def prepare(ctx: SeedContext) -> None:
    ctx.client_history.append(FollowUpHistory)


class FollowUpHistory:
    """Writes one client's follow-up history into the bulk writers, with ids assigned up front."""

    def __init__(self, ctx: SeedContext):
        b = ctx.batch
        self.ctx = ctx
        self.ids = {m: IdRange(m) for m in (WorkCapacityAssessment, NeedsDecision, ActivityPlan, Activity, Thread, Message)}
        self.assessments = BulkWriter(WorkCapacityAssessment, ["id", "client", "resource_profile", "client_self_assessment",
                                                               "reduced_work_capacity", "assessed_by", "assessed_at"], b)
        self.decisions = BulkWriter(NeedsDecision, ["id", "client", "need_group", "main_goal", "justification", "assessment", "status",
                                                    "drafted_by", "drafted_at", "approver", "approved_at", "sent_at", "replaces",
                                                    "version"], b)
        self.plans = BulkWriter(ActivityPlan, ["id", "client", "created_at", "closed_at"], b)
        self.activities = BulkWriter(Activity, ["id", "plan", "client", "title", "description", "type", "status", "start_date", "end_date",
                                                "created_by_role", "created_by", "created_at", "updated_at", "client_approved_at",
                                                "is_requirement", "legal_basis", "consequence", "version"], b)
        self.threads = BulkWriter(Thread, ["id", "client", "subject", "activity", "created_at", "last_message_at", "awaiting_nav_reply"], b)
        self.messages = BulkWriter(Message, ["id", "thread", "sender", "from_client", "body", "sent_at", "read_by_client_at",
                                             "read_by_nav_at", "suggested_route", "route"], b)
        self.notes = BulkWriter(MeetingNote, ["client", "channel", "held_at", "summary", "shared_with_client", "written_by", "created_at",
                                              "category"], b)
        self.tasks = BulkWriter(Task, ["client", "owner", "kind", "title", "deadline", "status", "created_at", "done_at", "message", "decision"], b)
        self.consents = BulkWriter(SharingConsent, ["client", "category", "recipient_side", "office", "given_at", "given_by", "on_paper",
                                                    "withdrawn_at", "withdrawn_by"], b)
        self.writers = [self.assessments, self.decisions, self.plans, self.activities, self.threads, self.messages, self.notes, self.tasks,
                        self.consents]
        # the state/municipal sides: who is municipal, and each office's municipal staff (as users)
        staff = list(StaffMember.objects.values_list("id", "user_id", "employer"))
        self.municipal = {sid for sid, _u, e in staff if e == "municipal"}
        user_of = {sid: uid for sid, uid, _e in staff}
        self.municipal_users: dict[int, list[int]] = {}
        for sid, offices in ctx.staff_offices.items():
            if sid in self.municipal:
                for oid in offices:
                    self.municipal_users.setdefault(oid, []).append(user_of[sid])
        self.groups = reference.need_groups()
        self.now = ctx.now
        self.today = ctx.now.date()

    def flush(self) -> None:
        for w in self.writers:
            w.flush()

    def finish(self) -> None:
        reset_sequences(WorkCapacityAssessment, NeedsDecision, ActivityPlan, Activity, Thread, Message, MeetingNote, Task, SharingConsent)
        self.ctx.row_counts.update({wr.table: wr.count for wr in self.writers})

    def client(self, draft: ClientDraft) -> None:
        rng = self.ctx.rng
        now, today = self.now, self.today
        cid, start, j = draft.id, draft.start, draft.journal
        author, author_user, user_id = draft.author, draft.author_user, draft.user_id
        counsellor_id, approver_id = draft.counsellor_id, draft.approver_id
        group, goal, permanent, reduced, manual = draft.group, draft.goal, draft.permanent, draft.reduced, draft.manual
        last_contact = last_municipal = None  # the newest contact each side sees (clients.contact.columns_for)
        sides = random.Random(f"sides-{cid}")

        # § 14 a decision (most clients), with assessment for special/permanent groups
        assessment_due = None
        if rng.random() < 0.92:
            dec_at = start + dt.timedelta(days=rng.randint(7, 30))
            if dec_at > now:
                dec_at = now - dt.timedelta(hours=1)
            aid = None
            if reduced:
                aid = self.ids[WorkCapacityAssessment].take()
                self.assessments.add((aid, cid, rng.choice(RESOURCE_PROFILES), rng.choice(SELF_ASSESSMENTS), True, author,
                                      ts(dec_at - dt.timedelta(days=2))))
                j(dec_at - dt.timedelta(days=2), "assessment", "Arbeidsevnevurdering: nedsatt arbeidsevne", author_user,
                  "WorkCapacityAssessment", aid)
                assessment_due = (dec_at + dt.timedelta(days=365)).date()
            previous = None
            if rng.random() < 0.15 and not permanent:
                previous = self.ids[NeedsDecision].take()
                old_at = dec_at - dt.timedelta(days=3)
                self.decisions.add((previous, cid, "STANDARD_INNSATS", "SKAFFE_ARBEID", "", None, "sent", author, ts(old_at), None, None,
                                    ts(old_at), None, 2))
                j(old_at, "decision", "§ 14 a-vedtak sendt: Standard innsats, Skaffe arbeid", author_user, "NeedsDecision", previous)
            did = self.ids[NeedsDecision].take()
            justification = "" if group == "STANDARD_INNSATS" else "Bruker har behov for tett oppfølging ut fra kartleggingen og egen vurdering."
            approver = approved_at = None
            if permanent:
                approver = approver_id if approver_id and approver_id != author else None
                if approver is None:
                    approver = next(s for s in self.ctx.staff_by_role["second_approver"] if s != author)
                approved_at = ts(dec_at)
            self.decisions.add((did, cid, group, goal, justification, aid, "sent", author, ts(dec_at - dt.timedelta(hours=3)), approver,
                                approved_at, ts(dec_at), previous, 2))
            label = self.groups[group]["name_no"]
            j(dec_at, "decision", f"§ 14 a-vedtak sendt: {label}", author_user, "NeedsDecision", did)
        else:
            group, goal = "", ""

        # activity plan
        pid = self.ids[ActivityPlan].take()
        self.plans.add((pid, cid, ts(start), None))
        n_act = max(0, int(rng.gauss(6 if not self.ctx.national else 5, 2.5)))
        for _ in range(n_act):
            aid = self.ids[Activity].take()
            typ = weighted(rng, ACTIVITY_TYPE_WEIGHTS)
            created = start + dt.timedelta(days=rng.randint(0, max(1, (now - start).days)))
            if created > now:
                created = now
            sdate = created.date() + dt.timedelta(days=rng.randint(0, 20))
            edate = sdate + dt.timedelta(days=rng.randint(7, 120))
            by_client = rng.random() < 0.25 and typ in ("own", "job_application", "course")
            requirement = (not by_client) and group and group != "STANDARD_INNSATS" and rng.random() < 0.2
            basis, consequence = rng.choice(REQUIREMENTS) if requirement else ("", "")
            if edate < today:
                status = "done" if rng.random() < 0.8 else "cancelled"
            elif sdate <= today:
                status = "ongoing"
            else:
                status = "planned"
            approved = created + dt.timedelta(days=rng.randint(0, 3))
            if not by_client and status == "planned" and rng.random() < 0.3:
                status, approved = "proposed", None
            elif approved > now:
                approved = now
            title = rng.choice(ACTIVITY_TITLES[typ])
            creator = user_id if by_client else author_user
            self.activities.add((aid, pid, cid, title, "", typ, status, d(sdate), d(edate), "client" if by_client else "counsellor",
                                 creator, ts(created), ts(created), ts(approved) if approved else None, bool(requirement), basis,
                                 consequence, 1))
            what = "Aktivitetskrav" if requirement else "Aktivitet"
            j(created, "activity", f"{what} lagt til av {'bruker' if by_client else 'veileder'}: {title}", creator, "Activity", aid)

        # dialogue
        n_threads = max(0, int(rng.gauss(1.6, 1.0))) if not manual else 0
        for _ in range(n_threads):
            tid = self.ids[Thread].take()
            t0 = start + dt.timedelta(days=rng.randint(0, max(1, (now - start).days)), hours=rng.randint(8, 15))
            if t0 > now:
                t0 = now - dt.timedelta(hours=2)
            n_msg = rng.randint(1, 5)
            from_client = rng.random() < 0.6
            at = t0
            subject = "Spørsmål" if from_client else "Oppfølging"
            rows = []
            for _m in range(n_msg):
                if at > now:
                    break
                mid = self.ids[Message].take()
                if from_client:
                    body = rng.choice(CLIENT_MESSAGES)
                    sender = user_id
                    rows.append((mid, tid, sender, True, body, ts(at), ts(at), ts(at + dt.timedelta(hours=3)), "followup", ""))
                    j(at, "message", f"Melding fra bruker: {subject}", sender, "Message", mid)
                else:
                    rows.append((mid, tid, author_user, False, rng.choice(NAV_MESSAGES), ts(at), ts(at + dt.timedelta(hours=20)),
                                 ts(at), "", ""))
                    j(at, "message", f"Melding fra Nav: {subject}", author_user, "Message", mid)
                    last_contact = at if last_contact is None or at > last_contact else last_contact  # joint: both sides
                    last_municipal = at if last_municipal is None or at > last_municipal else last_municipal
                last_from_client, last_at, last_mid = from_client, at, mid
                from_client = not from_client
                at = at + dt.timedelta(hours=rng.randint(2, 96))
            if not rows:
                continue
            awaiting = last_from_client and (now - last_at).days < 10 and rng.random() < 0.6
            if not awaiting and last_from_client:
                # the last client message was read and needed no reply
                pass
            elif awaiting:
                r = list(rows[-1])
                r[7] = None  # unread by Nav
                rows[-1] = tuple(r)
                self.tasks.add((cid, counsellor_id, "answer_message", "Svar på melding innen 48 timer",
                                ts(last_at + dt.timedelta(hours=48)), "open", ts(last_at), None, last_mid, None))
            for r in rows:
                self.messages.add(r)
            self.threads.add((tid, cid, subject, None, ts(t0), ts(last_at), awaiting))

        # meeting notes (phone, SMS, meeting)
        for _ in range(max(0, int(rng.gauss(1.8, 1.2)))):
            held = start + dt.timedelta(days=rng.randint(0, max(1, (now - start).days)), hours=rng.randint(8, 15))
            if held > now:
                continue
            channel = weighted(rng, [("meeting", 45), ("phone", 35), ("sms", 12), ("video", 8)])
            shared = rng.random() < 0.85
            # a municipal author files some notes in the municipality's record (its own stream, so
            # the sides do not move the rest of the seeded history)
            category = "municipal_notes" if author in self.municipal and sides.random() < 0.4 else "state_notes"
            self.notes.add((cid, channel, ts(held), rng.choice(NOTE_SUMMARIES), shared, author, ts(held), category))
            label = {"meeting": "møte", "phone": "telefon", "sms": "sms", "video": "video"}[channel]
            j(held, "note", f"{'Samtalereferat' if shared else 'Internt notat'} ({label})", author_user, "MeetingNote", None, shared,
              category)
            if category == "state_notes":
                last_contact = held if last_contact is None or held > last_contact else last_contact
            else:
                last_municipal = held if last_municipal is None or held > last_municipal else last_municipal

        self._municipal_side(draft, sides)

        # tasks with deadlines
        for _ in range(rng.choice((0, 1, 1, 2))):
            deadline = now + dt.timedelta(days=rng.randint(-5, 40), hours=rng.randint(0, 8))
            title = rng.choice(["Følg opp jobbsøking", "Ring bruker om tiltaksplass", "Kall inn til oppfølgingsmøte", "Vurder behov for tolk"])
            self.tasks.add((cid, counsellor_id, "follow_up", title, ts(deadline), "open", ts(now - dt.timedelta(days=rng.randint(1, 30))),
                            None, None, None))
        if assessment_due and rng.random() < 0.2:
            assessment_due = today + dt.timedelta(days=rng.randint(-10, 30))

        draft.group, draft.goal = group, goal
        draft.last_contact, draft.last_municipal_contact, draft.assessment_due = last_contact, last_municipal, assessment_due

    def _municipal_side(self, draft: ClientDraft, sides: random.Random) -> None:
        """The municipality's records of a quarter of clients (financial assistance, sosialtjenesteloven
        § 18), and the consents some of them gave to share with the other side at their office."""
        municipal_users = self.municipal_users.get(draft.office_id)
        if not municipal_users or sides.random() >= 0.25:
            return
        now, j = self.now, draft.journal
        worker = sides.choice(municipal_users)
        at = draft.start + dt.timedelta(days=sides.randint(0, max(1, (now - draft.start).days)))
        for _ in range(sides.randint(1, 3)):
            if at > now:
                break
            j(at, "assistance", sides.choice(FINANCIAL_ASSISTANCE_LINES), worker, visible=True,
              category="financial_assistance")
            at += dt.timedelta(days=sides.randint(20, 40))
        if sides.random() < 0.4:  # shared with the state's counsellors, on Min side
            given = min(now, draft.start + dt.timedelta(days=sides.randint(1, 30)))
            self.consents.add((draft.id, "financial_assistance", "state", draft.office_id, ts(given), draft.user_id, False, None, None))
        if sides.random() < 0.2:  # and the state's notes with the municipality's social workers, on paper
            given = min(now, draft.start + dt.timedelta(days=sides.randint(1, 30)))
            self.consents.add((draft.id, "state_notes", "municipal", draft.office_id, ts(given), worker, True, None, None))
            draft.notes_shared = True


# --- the national seed's tail: a few clients with very long histories ------------------------------
#
# Most clients have a few dozen journal entries; a counsellor also meets the client followed for
# years (thousands of journal entries, a thousand messages, hundreds of activities). The person
# page and the API must not grow with that history, and only data that has such clients can show
# it. ``seed(ctx)`` adds them to the national seed (after the clients and their histories);
# ``manage.py seed_long_histories`` adds them to a national database seeded before this existed.

# (journal entries, messages, activities) per long-history client
LONG_HISTORIES = [(5000, 1000, 300), (5000, 1000, 300), (3000, 1000, 300), (2000, 600, 200), (1000, 300, 100)]
LONG_HISTORY_YEARS = 4
_MESSAGES_PER_THREAD = 10


def long_history_candidates(n: int = len(LONG_HISTORIES)) -> list[int]:
    """The clients that get (or have) a long history: spread over the first 5,000 ids, followed by
    a counsellor, neither address-protected nor skjermet (so a benchmark can open their page)."""
    from skreddersy.clients.models import Client

    ids = list(Client.objects.filter(counsellor__isnull=False, address_protection="", skjermet=False)
               .order_by("id").values_list("id", flat=True)[:5000])
    step = max(1, len(ids) // max(1, n))
    return ids[::step][:n]


def seed(ctx: SeedContext) -> None:
    if ctx.national:
        written = seed_long_histories(now=ctx.now, batch=ctx.batch)
        ctx.row_counts["long_history_clients"] = len(written)
    else:
        seed_demo_kept_informed(ctx)


# --- the demo's meetings, formal notices, the clients' own ratings and a KVP period (issue 17) ---------
# Drawn from their own random stream after every client's history is written, so the rest of the
# demo stays as it was. The clients with demo logins get all of it, so Min side shows it too.

MEETING_AGENDAS = [
    "Gjennomgang av aktivitetsplanen og jobbsøkingen",
    "Oppfølgingsmøte: hvordan går arbeidstreningen?",
    "Samtale om mål og neste steg",
    "Trepartsmøte med arbeidsgiver om tilrettelegging",
]


def seed_demo_kept_informed(ctx: SeedContext) -> None:
    from skreddersy import journal
    from skreddersy.clients.models import Client, FollowUpPeriod, KvpPeriod
    from skreddersy.followup import notices, ratings
    from skreddersy.followup.models import AdvanceNotice, Meeting, SelfRating

    rng = random.Random("kept-informed-demo")
    now, today = ctx.now, ctx.now.date()
    followed = Client.objects.filter(counsellor__isnull=False, address_protection="", skjermet=False)
    with_login = list(followed.exclude(user__password="!").order_by("id").values_list("id", flat=True))
    others = list(followed.exclude(pk__in=with_login).order_by("id").values_list("id", flat=True))
    chosen = with_login + rng.sample(others, min(len(others), 40))
    clients = {c.pk: c for c in Client.objects.filter(pk__in=chosen).select_related("counsellor", "office")}
    staff_users = dict(StaffMember.objects.values_list("id", "user_id"))
    lines: list[dict] = []
    # meetings: one ahead for each chosen client (the logins' tomorrow, so "meeting today/tomorrow"
    # shows), a held one or a no-show behind; one slot per counsellor per hour, so none overlap
    slots: dict[int, int] = {}
    meetings_ = []
    for cid in chosen:
        c = clients[cid]
        sid = c.counsellor_id
        for ahead in (True, False):
            n = slots.get(sid, 0)
            slots[sid] = n + 1
            day = (1 + n // 6) if ahead else -(1 + n // 6)
            if not ahead and rng.random() < 0.4:
                continue
            start = (now + dt.timedelta(days=day)).replace(hour=8 + n % 6, minute=0)
            mode = weighted(rng, [("in_person", 6), ("video", 2), ("phone", 2)])
            status = "planned" if ahead else ("held" if rng.random() < 0.8 else "no_show")
            meetings_.append(Meeting(client_id=cid, counsellor_id=sid, starts_at=start, ends_at=start + dt.timedelta(minutes=45),
                                     mode=mode, place=f"{c.office.name}, møterom {rng.randint(1, 6)}" if mode == "in_person" else "",
                                     agenda=rng.choice(MEETING_AGENDAS), status=status, created_by_id=staff_users[sid],
                                     created_at=min(now, start - dt.timedelta(days=7)), updated_at=min(now, start)))
            lines.append({"client_id": cid, "kind": "note", "at": min(now, start - dt.timedelta(days=7)),
                          "summary": "Møte booket", "object_type": "Meeting"})
    Meeting.objects.bulk_create(meetings_)
    # formal notices on open requirements tied to a benefit: sent, some read, some answered; each
    # client with a demo login has one waiting for an answer on Min side (a requirement is added
    # to their plan when it has none tied to a benefit)
    notices_ = []
    open_reqs = Activity.objects.filter(client_id__in=chosen, is_requirement=True, status__in=("planned", "ongoing"))
    with_notice = {a.client_id for a in open_reqs if notices.basis_for(a) is not None}
    plans = dict(ActivityPlan.objects.filter(client_id__in=with_login, closed_at__isnull=True).values_list("client_id", "id"))
    added = []
    for cid in with_login:
        if cid in with_notice or cid not in plans:
            continue
        created = now - dt.timedelta(days=30)
        added.append(Activity(plan_id=plans[cid], client_id=cid, title="Delta på jobbklubb hver tirsdag", type="course",
                              status="ongoing", start_date=created.date(), end_date=(now + dt.timedelta(days=60)).date(),
                              created_by_role="counsellor", created_by_id=staff_users[clients[cid].counsellor_id],
                              created_at=created, updated_at=created, client_approved_at=created + dt.timedelta(days=1),
                              is_requirement=True, legal_basis=REQUIREMENTS[0][0], consequence=REQUIREMENTS[0][1]))
        lines.append({"client_id": cid, "kind": "activity", "at": created,
                      "summary": "Aktivitetskrav lagt til av veileder: Delta på jobbklubb hver tirsdag"})
    Activity.objects.bulk_create(added)
    for act in open_reqs.order_by("id"):
        login = act.client_id in with_login
        if notices.basis_for(act) is None or (not login and rng.random() < 0.3):
            continue
        sent = now - dt.timedelta(days=rng.randint(1, 20))
        deadline = sent.date() + dt.timedelta(days=notices.DEFAULT_DAYS)
        read = sent + dt.timedelta(hours=rng.randint(2, 48)) if rng.random() < 0.7 else None
        answered = read is not None and not login and rng.random() < 0.5
        staff_id = clients[act.client_id].counsellor_id
        notices_.append(AdvanceNotice(
            activity=act, client_id=act.client_id, basis=notices.basis_for(act).key,
            text=notices.standard_text(act, deadline), deadline=deadline, sent_at=sent, sent_by_id=staff_id,
            read_at=read if read and read < now else None,
            response="Jeg var syk den uka og har legeerklæring. Jeg sender den på Min side." if answered else "",
            responded_at=min(now, read + dt.timedelta(hours=5)) if answered else None))
        lines.append({"client_id": act.client_id, "kind": "activity", "at": sent,
                      "summary": f"Forhåndsorientering sendt: {act.title}", "object_type": "Activity", "object_id": act.pk})
    AdvanceNotice.objects.bulk_create(notices_)
    # the clients' own ratings at the start of the period, and at 3 and 12 months when they have come
    items = ratings.items()
    periods = dict(FollowUpPeriod.objects.filter(client_id__in=chosen, end__isnull=True).values_list("client_id", "id"))
    starts = dict(FollowUpPeriod.objects.filter(client_id__in=chosen, end__isnull=True).values_list("client_id", "start"))
    rows = []
    for cid in chosen:
        if cid not in periods or (cid not in with_login and rng.random() < 0.4):
            continue
        level = rng.randint(2, 8)
        for key, months, _label in ratings.OCCASIONS:
            when = ratings._add_months(starts[cid], months)
            if when > today:
                break
            level = max(0, min(10, level + rng.choice((-1, 0, 1, 1))))
            at = dt.datetime.combine(when, dt.time(12), tzinfo=now.tzinfo) + dt.timedelta(days=rng.randint(0, 6))
            for it in items:
                if it.options:
                    dont_know = rng.random() < 0.15
                    value = None if dont_know else max(it.low, min(it.high, 7 - level * 7 // 10 + rng.randint(-1, 1)))
                else:
                    dont_know, value = False, max(it.low, min(it.high, level + rng.randint(-1, 1)))
                rows.append(SelfRating(client_id=cid, period_id=periods[cid], occasion=key, item=it.key, value=value,
                                       dont_know=dont_know, answered_at=min(now, at)))
    SelfRating.objects.bulk_create(rows)
    # one KVP period at each office with a municipal counsellor: run by that counsellor for one of
    # their clients (not a demo login), started a month ago
    for office_id in ctx.office_ids:
        municipal = list(StaffMember.objects.filter(employer="municipal", memberships__office_id=office_id,
                                                    roles__role="counsellor").order_by("id").values_list("id", flat=True))
        if not municipal:
            continue
        cid = Client.objects.filter(counsellor_id__in=municipal, address_protection="", skjermet=False).exclude(
            pk__in=with_login).order_by("id").values_list("id", "counsellor_id").first()
        if cid is None or not FollowUpPeriod.objects.filter(client_id=cid[0], end__isnull=True).exists():
            continue
        client_id, sid = cid
        start = now - dt.timedelta(days=30)
        kvp = KvpPeriod.objects.create(client_id=client_id, period=FollowUpPeriod.objects.get(client_id=client_id, end__isnull=True),
                                       office_id=office_id, start=start, started_by_id=staff_users[sid],
                                       start_reason="Vedtak om kvalifiseringsprogram (sosialtjenesteloven § 29) fattet")
        kvp.followers.set([sid])
        lines.append({"client_id": client_id, "kind": "kvp", "at": start, "summary": "KVP-periode startet",
                      "object_type": "KvpPeriod", "object_id": kvp.pk, "category": "kvp"})
    journal.append_many(lines)
    ctx.row_counts.update({"followup_meeting": len(meetings_), "followup_advancenotice": len(notices_),
                           "followup_selfrating": len(rows)})


def seed_long_histories(*, now, batch: int = 20000, sizes=None) -> list[int]:
    """Give ``long_history_candidates`` their long histories (``LONG_HISTORIES``), bulk inserted.
    Deterministic (its own random stream) and idempotent: a client whose journal already holds at
    least its size is left as it is. Returns the clients written."""
    import random

    from skreddersy import journal
    from skreddersy.clients.models import Client
    from skreddersy.core.models import StaffMember
    from skreddersy.followup.models import JournalEntry

    sizes = sizes or LONG_HISTORIES
    rng = random.Random(4711)
    ids = long_history_candidates(len(sizes))
    clients = {c.pk: c for c in Client.objects.filter(pk__in=ids)}
    staff_user = dict(StaffMember.objects.filter(pk__in=[c.counsellor_id for c in clients.values()]).values_list("id", "user_id"))
    ranges = {m: IdRange(m) for m in (Activity, Thread, Message, MeetingNote)}
    acts = BulkWriter(Activity, ["id", "plan", "client", "title", "description", "type", "status", "start_date", "end_date",
                                 "created_by_role", "created_by", "created_at", "updated_at", "client_approved_at", "is_requirement",
                                 "legal_basis", "consequence", "version"], batch)
    threads = BulkWriter(Thread, ["id", "client", "subject", "activity", "created_at", "last_message_at", "awaiting_nav_reply"], batch)
    msgs = BulkWriter(Message, ["id", "thread", "sender", "from_client", "body", "sent_at", "read_by_client_at", "read_by_nav_at",
                                "suggested_route", "route"], batch)
    notes = BulkWriter(MeetingNote, ["id", "client", "channel", "held_at", "summary", "shared_with_client", "written_by", "created_at",
                                     "category"], batch)
    tasks = BulkWriter(Task, ["client", "owner", "kind", "title", "deadline", "status", "created_at", "done_at", "message", "decision"], batch)
    entries = journal.seed_writer(batch)
    written = []
    span = dt.timedelta(days=365 * LONG_HISTORY_YEARS)
    today = now.date()
    for cid, (n_journal, n_msg, n_act) in zip(ids, sizes, strict=False):
        c = clients[cid]
        if JournalEntry.objects.filter(client_id=cid).count() >= n_journal:
            continue
        nav_user, client_user, staff_id = staff_user[c.counsellor_id], c.user_id, c.counsellor_id
        start = now - span
        plan = ActivityPlan.objects.filter(client_id=cid, closed_at__isnull=True).order_by("-created_at").first()
        plan_id = plan.pk if plan else ActivityPlan.objects.create(client_id=cid, created_at=start).pk
        rows_before = entries.count + len(entries.rows)

        def j(at, kind, summary, actor, otype="", oid=None, visible=True, category="followup", cid=cid):
            entries.add((cid, ts(at), kind, summary[:300], actor, otype, oid, visible, category))

        # activities: most finished over the years, a dozen open, a few requirements not yet approved
        for i in range(n_act):
            aid = ranges[Activity].take()
            typ = weighted(rng, ACTIVITY_TYPE_WEIGHTS)
            title = rng.choice(ACTIVITY_TITLES[typ])
            recent = i >= n_act - 15
            created = now - dt.timedelta(days=rng.randint(1, 60)) if recent else start + span * (i / n_act)
            sdate = created.date() + dt.timedelta(days=rng.randint(0, 10))
            edate = sdate + dt.timedelta(days=rng.randint(14, 90))
            requirement = recent and i % 5 == 0
            basis, consequence = rng.choice(REQUIREMENTS) if requirement else ("", "")
            if not recent:
                status = "done" if rng.random() < 0.85 else "cancelled"
            else:
                status = "ongoing" if sdate <= today else "planned"
            approved = None if requirement else created + dt.timedelta(days=1)
            acts.add((aid, plan_id, cid, title, "", typ, status, d(sdate), d(edate), "counsellor", nav_user, ts(created),
                      ts(min(now, created + dt.timedelta(days=(edate - sdate).days))), ts(min(approved, now)) if approved else None,
                      requirement, basis, consequence, 1))
            j(created, "activity", f"{'Aktivitetskrav' if requirement else 'Aktivitet'} lagt til av veileder: {title}", nav_user,
              "Activity", aid)
        # dialogue: threads of ten messages, alternating; the newest two await Nav's reply
        n_threads = max(1, n_msg // _MESSAGES_PER_THREAD)
        for k in range(n_threads):
            tid = ranges[Thread].take()
            awaiting = k >= n_threads - 2
            t0 = (now - dt.timedelta(days=2 + (n_threads - k), hours=3)) if awaiting else start + span * (k / n_threads)
            subject = rng.choice(["Spørsmål", "Oppfølging", "Jobbsøking", "Møte", "Tiltaksplass"])
            at, last_mid = t0, None
            for m in range(_MESSAGES_PER_THREAD):
                mid = ranges[Message].take()
                from_client = (m % 2 == 0) if not awaiting else (m % 2 == 1)
                if awaiting and m == _MESSAGES_PER_THREAD - 1:
                    from_client = True
                if from_client:
                    msgs.add((mid, tid, client_user, True, rng.choice(CLIENT_MESSAGES), ts(at), ts(at),
                              None if awaiting and m == _MESSAGES_PER_THREAD - 1 else ts(at + dt.timedelta(hours=2)), "followup", ""))
                    j(at, "message", f"Melding fra bruker: {subject}", client_user, "Message", mid)
                else:
                    msgs.add((mid, tid, nav_user, False, rng.choice(NAV_MESSAGES), ts(at), ts(at + dt.timedelta(hours=5)), ts(at),
                              "", ""))
                    j(at, "message", f"Melding fra Nav: {subject}", nav_user, "Message", mid)
                last_mid, last_at = mid, at
                at = at + dt.timedelta(hours=1 if awaiting else rng.randint(2, 48))
            threads.add((tid, cid, subject, None, ts(t0), ts(last_at), awaiting))
            if awaiting:
                tasks.add((cid, staff_id, "answer_message", "Svar på melding innen 48 timer", ts(last_at + dt.timedelta(hours=48)),
                           "open", ts(last_at), None, last_mid, None))
        # the rest of the journal: meeting notes and closed tasks over the years
        rest = n_journal - (entries.count + len(entries.rows) - rows_before)
        for i in range(max(0, rest)):
            at = start + span * (i / max(1, rest)) + dt.timedelta(minutes=rng.randint(0, 600))
            if i % 3 == 0:
                nid = ranges[MeetingNote].take()
                channel = weighted(rng, [("meeting", 45), ("phone", 35), ("sms", 12), ("video", 8)])
                shared = rng.random() < 0.85
                notes.add((nid, cid, channel, ts(at), rng.choice(NOTE_SUMMARIES), shared, staff_id, ts(at), "state_notes"))
                j(at, "note", "Samtalereferat" if shared else "Internt notat", nav_user, "MeetingNote", nid, shared, "state_notes")
            else:
                j(at, "task", rng.choice(["Oppgave utført: Følg opp jobbsøking", "Oppgave utført: Ring bruker om tiltaksplass",
                                          "Oppgave opprettet: Kall inn til oppfølgingsmøte"]), nav_user, "", None, False)
        for _k in range(3):  # a few open tasks, one of them overdue
            tasks.add((cid, staff_id, "follow_up", rng.choice(["Følg opp jobbsøking", "Kall inn til oppfølgingsmøte"]),
                       ts(now + dt.timedelta(days=rng.randint(-3, 20))), "open", ts(now - dt.timedelta(days=5)), None, None, None))
        for w in (acts, threads, msgs, notes, tasks, entries):
            w.flush()
        written.append(cid)
    reset_sequences(Activity, Thread, Message, MeetingNote, Task, journal.JournalEntry)
    return written
