"""Organisation, staff, clients and their follow-up history, bulk-loaded.

Figures follow context/FIELD.md where it gives them: office sizes 61 % small, 28 % medium,
10 % large; about half the staff employed by the municipality (45.5 % in the 2018 survey);
caseloads 41 % 1-49, 37 % 50-99, 19 % over 100; job specialists 12-20; a quarter of
clients add activities themselves. Where the field notes are silent the shares are stated
below as assumptions (need-group mix, protection shares) and are demo values, not facts.
"""

from __future__ import annotations

import datetime as dt
import math
import random

from django.contrib.auth.hashers import make_password

from skreddersy.clients.models import Client, FollowUpPeriod, NeedAssessment, NeedsMapping
from skreddersy.core import fnr, reference
from skreddersy.core.collation import name_key
from skreddersy.core.models import County, Office, OfficeMembership, Role, StaffMember, StaffRole, Team, User
from skreddersy.core.seeding import SeedContext, names
from skreddersy.core.seeding.bulk import BulkWriter, IdRange, d, reset_sequences, ts
from skreddersy.followup.models import (
    Activity,
    ActivityPlan,
    JournalEntry,
    MeetingNote,
    Message,
    NeedsDecision,
    Task,
    Thread,
    WorkCapacityAssessment,
)

DEMO_PASSWORD = "skreddersy-demo"

# Assumed need-group mix of clients in follow-up (not in the field notes; demo values).
NEED_GROUP_SHARES = [
    ("STANDARD_INNSATS", 0.33),
    ("SITUASJONSBESTEMT_INNSATS", 0.35),
    ("SPESIELT_TILPASSET_INNSATS", 0.22),
    ("GRADERT_VARIG_TILPASSET_INNSATS", 0.04),
    ("VARIG_TILPASSET_INNSATS", 0.06),
]
CASELOAD_BANDS = [((15, 49), 0.41), ((50, 99), 0.37), ((100, 180), 0.19)]

ACTIVITY_TITLES = {
    "own": ["Lage CV", "Søke på ti stillinger", "Trene tre ganger i uka", "Oppdatere profil på arbeidsplassen.no", "Lese jobbannonser hver dag"],
    "job_application": ["Søknad: butikkmedarbeider", "Søknad: lagerarbeider", "Søknad: assistent i barnehage", "Søknad: renholder", "Søknad: sjåfør klasse B"],
    "meeting": ["Oppfølgingsmøte med veileder", "Møte om arbeidsevnevurdering", "Trepartsmøte med arbeidsgiver"],
    "measure": ["Arbeidstrening", "Jobbklubb", "Avklaring", "Oppfølging hos tiltaksarrangør", "Arbeidsmarkedsopplæring: truckførerkurs"],
    "treatment": ["Behandling hos fysioterapeut", "Samtaler hos psykolog", "Poliklinisk behandling"],
    "course": ["Norskkurs nivå B1", "Kurs i digitale ferdigheter", "Førstehjelpskurs"],
    "other": ["Avklare barnehageplass", "Ordne bolig", "Møte hos gjeldsrådgiver"],
}
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


def _weighted(rng: random.Random, pairs):
    total = sum(w for _, w in pairs)
    x = rng.random() * total
    for value, w in pairs:
        x -= w
        if x <= 0:
            return value
    return pairs[-1][0]


def _place_name(rng: random.Random) -> str:
    return rng.choice(names.PLACE_STEMS) + rng.choice(names.PLACE_PARTS_B)


# --- organisation and staff ---------------------------------------------------------------------

DEMO_OFFICES = [
    ("46", "Vestland", [("1201", "Nav Bergenhus", "Bergen", "medium"), ("4621", "Nav Voss", "Voss", "small")]),
    ("55", "Troms", [("1902", "Nav Tromsø", "Tromsø", "medium"), ("1938", "Nav Lyngen", "Lyngen", "small")]),
]


def seed_organisation(ctx: SeedContext) -> None:
    rng = ctx.rng
    if ctx.national:
        counties = [County(code=c, name=n) for c, n in names.COUNTIES]
        County.objects.bulk_create(counties)
        offices = []
        used_numbers = set()
        for i in range(300):
            county = counties[i % len(counties)]
            band = _weighted(rng, [("small", 61), ("medium", 28), ("large", 10)])
            place = _place_name(rng)
            while True:
                number = f"{rng.randint(1000, 9999)}"
                if number not in used_numbers:
                    used_numbers.add(number)
                    break
            offices.append(Office(number=number, name=f"Nav {place} {i + 1}", municipality=place, county=county, size_band=band))
        Office.objects.bulk_create(offices, batch_size=ctx.batch)
    else:
        offices = []
        for code, cname, offs in DEMO_OFFICES:
            county = County.objects.create(code=code, name=cname)
            for number, oname, muni, band in offs:
                offices.append(Office.objects.create(number=number, name=oname, municipality=muni, county=county, size_band=band))
    ctx.county_ids = list(County.objects.order_by("id").values_list("id", flat=True))
    ctx.office_ids = [o.pk for o in Office.objects.order_by("id")]
    for o in Office.objects.all():
        Team.objects.bulk_create([Team(office=o, name="Team ung"), Team(office=o, name="Team arbeid og helse")])


def _staff_plan(ctx: SeedContext, band: str) -> list[str]:
    """Roles at one office. National: sized by band; demo: a handful per office."""
    if not ctx.national:
        return ["office_leader", "team_leader", "second_approver"] + ["counsellor"] * 4 + ["job_specialist"]
    counsellors = {"small": ctx.rng.randint(4, 10), "medium": ctx.rng.randint(14, 40), "large": ctx.rng.randint(45, 75)}[band]
    return ["office_leader", "team_leader", "second_approver", "job_specialist"] + ["counsellor"] * counsellors


def seed_staff(ctx: SeedContext) -> None:
    rng = ctx.rng
    demo = not ctx.national
    password = make_password(DEMO_PASSWORD) if demo else "!"  # national: no logins
    user_ids = IdRange(User)
    staff_ids = IdRange(StaffMember)
    users = BulkWriter(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                              "is_active", "date_joined", "kind"], ctx.batch)
    staff = BulkWriter(StaffMember, ["id", "user", "nav_ident", "display_name", "employer", "clearance_strictly_confidential",
                                     "clearance_confidential", "clearance_skjermet"], ctx.batch)
    roles = BulkWriter(StaffRole, ["staff", "role"], ctx.batch)
    members = BulkWriter(OfficeMembership, ["staff", "office", "team"], ctx.batch)
    teams = {}
    for t in Team.objects.all():
        teams.setdefault(t.office_id, []).append(t.pk)
    counters: dict[str, int] = {}
    ident_seq = 100000
    now = ts(ctx.now)
    offices = list(Office.objects.order_by("id"))
    ctx.staff_by_role = {r: [] for r in Role.values}
    ctx.staff_offices = {}

    def add(role_list, office_ids, *, username=None, kode7=False, skjermet=False, kode6=False, superuser=False):
        nonlocal ident_seq
        uid, sid = user_ids.take(), staff_ids.take()
        first = rng.choice(names.FIRST_NAMES)
        last = rng.choice(names.LAST_NAMES)
        if username is None:
            key = role_list[0]
            counters[key] = counters.get(key, 0) + 1
            username = f"{key.replace('_', '')}{counters[key]}"
        ident_seq += 1
        letter = "Z"
        users.add((uid, password, superuser, username, "", "", "", superuser, True, now, "staff"))
        employer = "municipal" if rng.random() < 0.455 else "state"
        staff.add((sid, uid, f"{letter}{ident_seq}", f"{first} {last}", employer, kode6, kode7, skjermet))
        for r in role_list:
            roles.add((sid, r))
            ctx.staff_by_role[r].append(sid)
        for oid in office_ids:
            members.add((sid, oid, rng.choice(teams[oid]) if role_list[0] in ("counsellor", "job_specialist") else None))
        ctx.staff_offices[sid] = list(office_ids)
        if demo:
            ctx.demo_logins.append((username, DEMO_PASSWORD, ", ".join(str(Role(r).label) for r in role_list)))
        return sid

    if demo:
        for o in offices:
            short = o.name.replace("Nav ", "").lower().replace("ø", "o").replace("å", "a").replace("æ", "ae")
            add(["office_leader"], [o.pk], username=f"leder.{short}")
            add(["team_leader"], [o.pk], username=f"teamleder.{short}")
            add(["second_approver", "counsellor"], [o.pk], username=f"beslutter.{short}")
            for _ in range(4 if o.size_band == "medium" else 3):
                n = counters.get("counsellor", 0) + 1
                counters["counsellor"] = n
                add(["counsellor"], [o.pk], username=f"veileder{n}", kode7=(n == 1), skjermet=(n == 1))
            add(["job_specialist"], [o.pk], username=f"jobbspesialist.{short}")
        # one counsellor serving two offices of the same county
        n = counters.get("counsellor", 0) + 1
        counters["counsellor"] = n
        add(["counsellor"], [offices[0].pk, offices[1].pk], username=f"veileder{n}")
        add(["analyst"], [], username="analytiker")
        add(["administrator"], [], username="admin", superuser=True)
        add(["counsellor"], [offices[2].pk], username="veileder.kode6", kode6=True, kode7=True)
    else:
        for o in offices:
            for r in _staff_plan(ctx, o.size_band):
                add([r], [o.pk])
        for _ in range(20):
            add(["analyst"], [])
        add(["administrator"], [], username="admin", superuser=True)
    for w in (users, staff, roles, members):
        w.flush()
    reset_sequences(User, StaffMember, StaffRole, OfficeMembership)


# --- clients and history ------------------------------------------------------------------------

class HistoryWriter:
    """Writes one client's case history into the bulk writers, with ids assigned up front."""

    def __init__(self, ctx: SeedContext):
        b = ctx.batch
        self.ctx = ctx
        self.ids = {m: IdRange(m) for m in (Client, NeedsMapping, WorkCapacityAssessment, NeedsDecision, ActivityPlan, Activity,
                                             Thread, Message, User)}
        self.clients = BulkWriter(Client, ["id", "fnr", "first_name", "last_name", "birth_date", "municipality", "office", "counsellor",
                                           "user", "immigrant_non_eea", "long_term_unemployed", "reduced_work_capacity", "language",
                                           "needs_interpreter", "manual_followup", "address_protection", "skjermet", "need_group",
                                           "main_goal", "last_contact_at", "assessment_due", "created_at", "sort_key"], b)
        self.users = BulkWriter(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                                       "is_active", "date_joined", "kind"], b)
        self.periods = BulkWriter(FollowUpPeriod, ["client", "start", "end"], b)
        self.mappings = BulkWriter(NeedsMapping, ["id", "client", "version", "created_at", "created_by", "note"], b)
        self.entries = BulkWriter(NeedAssessment, ["mapping", "domain", "counsellor_severity", "client_severity", "comment"], b)
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
        self.notes = BulkWriter(MeetingNote, ["client", "channel", "held_at", "summary", "shared_with_client", "written_by", "created_at"], b)
        self.journal = BulkWriter(JournalEntry, ["client", "at", "kind", "summary", "actor", "object_type", "object_id", "visible_to_client"], b)
        self.tasks = BulkWriter(Task, ["client", "owner", "kind", "title", "deadline", "status", "created_at", "done_at", "message", "decision"], b)
        self.writers = [self.users, self.clients, self.periods, self.mappings, self.entries, self.assessments, self.decisions, self.plans,
                        self.activities, self.threads, self.messages, self.notes, self.journal, self.tasks]
        self.used_fnr: set[str] = set()
        self.domains = list(reference.needs_domains())
        self.groups = reference.need_groups()
        self.staff_user = dict(StaffMember.objects.values_list("id", "user_id"))
        self.client_user_seq = 0
        self.demo_hash = make_password(DEMO_PASSWORD) if not ctx.national else "!"
        self.now = ctx.now
        self.today = ctx.now.date()

    def flush(self):
        for w in self.writers:
            w.flush()

    def _fnr(self, birth: dt.date) -> str:
        while True:
            value = fnr.synthetic(birth, self.ctx.rng, d_number=self.ctx.rng.random() < 0.03)
            if value not in self.used_fnr:
                self.used_fnr.add(value)
                return value

    def client(self, office_id: int, counsellor_id: int | None, approver_id: int | None, *, login: bool = False,
               protection: str = "", skjermet: bool = False, young: bool | None = None) -> int:
        rng = self.ctx.rng
        now, today = self.now, self.today
        cid = self.ids[Client].take()
        immigrant = rng.random() < 0.27
        age = rng.randint(18, 29) if (young if young is not None else rng.random() < 0.3) else rng.randint(30, 66)
        birth = today - dt.timedelta(days=age * 365 + rng.randint(0, 364))
        first = rng.choice(names.IMMIGRANT_FIRST_NAMES if immigrant else names.FIRST_NAMES)
        last = rng.choice(names.IMMIGRANT_LAST_NAMES if immigrant else names.LAST_NAMES)
        group = _weighted(rng, NEED_GROUP_SHARES)
        permanent = self.groups[group]["requires_second_approver"]
        reduced = self.groups[group]["requires_reduced_work_capacity"]
        goal = "OKE_DELTAKELSE" if permanent and rng.random() < 0.4 else ("BEHOLDE_ARBEID" if rng.random() < 0.12 else "SKAFFE_ARBEID")
        language = rng.choice(names.LANGUAGES) if immigrant else "nb"
        interpreter = immigrant and rng.random() < 0.4
        manual = rng.random() < 0.08
        start = now - dt.timedelta(days=rng.randint(20, 720), hours=rng.randint(0, 8))
        author = counsellor_id or approver_id
        author_user = self.staff_user[author]
        # Every client has a login identity (in production: ID-porten); demo logins get a password.
        user_id = self.ids[User].take()
        if login:
            self.client_user_seq += 1
            username = f"bruker{self.client_user_seq}"
            self.users.add((user_id, self.demo_hash, False, username, "", "", "", False, True, ts(now), "client"))
            self.ctx.demo_logins.append((username, DEMO_PASSWORD, "Bruker (innbygger)"))
        else:
            self.users.add((user_id, "!", False, f"c{cid}", "", "", "", False, True, ts(now), "client"))
        journal = self.journal

        def j(at, kind, summary, actor, otype="", oid=None, visible=True):
            journal.add((cid, ts(at), kind, summary, actor, otype, oid, visible))

        self.periods.add((cid, d(start.date()), None))
        j(start, "client", "Oppfølging startet", author_user)
        last_contact = None

        # needs mapping: 1-2 versions
        mapping_at = start + dt.timedelta(days=rng.randint(1, 14))
        chosen = rng.sample(self.domains, rng.randint(3, 7))
        if immigrant and "language" not in chosen:
            chosen[0] = "language"
        severities = {k: rng.randint(1, 3) if reduced else rng.randint(0, 2) for k in chosen}
        versions = 2 if rng.random() < 0.3 else 1
        for v in range(1, versions + 1):
            mid = self.ids[NeedsMapping].take()
            at = mapping_at + dt.timedelta(days=(v - 1) * rng.randint(30, 120))
            if at > now:
                break
            self.mappings.add((mid, cid, v, ts(at), author_user, ""))
            for k, sev in severities.items():
                own = max(0, min(3, sev + rng.choice((-1, 0, 0, 1)))) if rng.random() < 0.7 else None
                self.entries.add((mid, k, sev, own, ""))
            j(at, "mapping", f"Kartlegging versjon {v} lagret av veileder", author_user, "NeedsMapping", mid)

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
        measure_activity = None
        for _ in range(n_act):
            aid = self.ids[Activity].take()
            typ = _weighted(rng, ACTIVITY_TYPE_WEIGHTS)
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
            if typ == "measure" and status == "ongoing":
                measure_activity = aid
            title = rng.choice(ACTIVITY_TITLES[typ])
            creator = user_id if by_client else author_user
            self.activities.add((aid, pid, cid, title, "", typ, status, d(sdate), d(edate), "client" if by_client else "counsellor",
                                 creator, ts(created), ts(created), ts(approved) if approved else None, bool(requirement), basis,
                                 consequence, 1))
            what = "Aktivitetskrav" if requirement else "Aktivitet"
            j(created, "activity", f"{what} lagt til av {'bruker' if by_client else 'veileder'}: {title}", creator, "Activity", aid)
        del measure_activity

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
                    last_contact = at if last_contact is None or at > last_contact else last_contact
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
            channel = _weighted(rng, [("meeting", 45), ("phone", 35), ("sms", 12), ("video", 8)])
            shared = rng.random() < 0.85
            self.notes.add((cid, channel, ts(held), rng.choice(NOTE_SUMMARIES), shared, author, ts(held)))
            label = {"meeting": "møte", "phone": "telefon", "sms": "sms", "video": "video"}[channel]
            j(held, "note", f"{'Samtalereferat' if shared else 'Internt notat'} ({label})", author_user, "MeetingNote", None, shared)
            last_contact = held if last_contact is None or held > last_contact else last_contact

        # tasks with deadlines
        for _ in range(rng.choice((0, 1, 1, 2))):
            deadline = now + dt.timedelta(days=rng.randint(-5, 40), hours=rng.randint(0, 8))
            title = rng.choice(["Følg opp jobbsøking", "Ring bruker om tiltaksplass", "Kall inn til oppfølgingsmøte", "Vurder behov for tolk"])
            self.tasks.add((cid, counsellor_id, "follow_up", title, ts(deadline), "open", ts(now - dt.timedelta(days=rng.randint(1, 30))),
                            None, None, None))
        if assessment_due and rng.random() < 0.2:
            assessment_due = today + dt.timedelta(days=rng.randint(-10, 30))

        self.clients.add((cid, self._fnr(birth), first, last, d(birth), "", office_id, counsellor_id, user_id, immigrant,
                          rng.random() < 0.2, bool(reduced and group), language, interpreter, manual, protection, skjermet, group, goal,
                          ts(last_contact), d(assessment_due), ts(start), name_key(last, first)))
        return cid


def _caseload(rng: random.Random, role: str) -> int:
    if role == "job_specialist":
        return rng.randint(12, 20)
    (lo, hi) = _weighted(rng, CASELOAD_BANDS)
    return rng.randint(lo, hi)


def seed_clients(ctx: SeedContext, target: int) -> None:
    rng = ctx.rng
    w = HistoryWriter(ctx)
    offices = {o.pk: o for o in Office.objects.all()}
    approver_by_office: dict[int, int] = {}
    for sid in ctx.staff_by_role.get("second_approver", []):
        for oid in ctx.staff_offices.get(sid, []):
            approver_by_office.setdefault(oid, sid)
    followers = [(sid, role) for role in ("counsellor", "job_specialist") for sid in ctx.staff_by_role.get(role, [])
                 if ctx.staff_offices.get(sid)]
    # Draw caseloads, then scale them so the total matches the target.
    loads = [(sid, role, _caseload(rng, role)) for sid, role in followers]
    total = sum(n for _, _, n in loads) or 1
    factor = target / total
    advance = ctx.progress("brukere med historikk", target)
    made = 0
    logins_left = 5 if not ctx.national else 0
    demo_first_counsellor = None
    if not ctx.national:
        demo_first_counsellor = StaffMember.objects.filter(user__username="veileder1").values_list("id", flat=True).first()
    ctx.clients_by_office = {oid: [] for oid in offices}
    flush_every = max(1000, ctx.batch // 4)
    for sid, _role, n in loads:
        n = max(1, round(n * factor))
        office_ids = ctx.staff_offices[sid]
        for _ in range(n):
            if made >= target:
                break
            oid = office_ids[0] if len(office_ids) == 1 else rng.choice(office_ids)
            protection, skjermet = "", False
            x = rng.random()
            if x < 0.003:
                protection = "confidential"
            elif x < 0.0035:
                protection = "strictly_confidential"
            elif x < 0.006:
                skjermet = True
            login = False
            if logins_left and sid == demo_first_counsellor and not protection and not skjermet:
                login, logins_left = True, logins_left - 1
            cid = w.client(oid, sid, approver_by_office.get(oid), login=login, protection=protection, skjermet=skjermet)
            ctx.clients_by_office[oid].append(cid)
            made += 1
            if made % flush_every == 0:
                w.flush()
                advance(flush_every)
    # Not yet assigned to a counsellor (new registrations): the rest up to the target.
    office_list = list(offices)
    while made < target:
        oid = rng.choice(office_list)
        cid = w.client(oid, None, approver_by_office.get(oid))
        ctx.clients_by_office[oid].append(cid)
        made += 1
    w.flush()
    advance(made % flush_every)
    if not ctx.national:
        # Demo: a few protected clients at Nav Tromsø for the kode 6 counsellor to see, none elsewhere.
        tromso = Office.objects.filter(number="1902").first()
        k6 = StaffMember.objects.filter(user__username="veileder.kode6").values_list("id", flat=True).first()
        if tromso and k6:
            for prot in ("strictly_confidential", "confidential"):
                cid = w.client(tromso.pk, k6, approver_by_office.get(tromso.pk), protection=prot)
                ctx.clients_by_office[tromso.pk].append(cid)
            w.flush()
    reset_sequences(User, Client, FollowUpPeriod, NeedsMapping, NeedAssessment, WorkCapacityAssessment, NeedsDecision, ActivityPlan,
                    Activity, Thread, Message, MeetingNote, JournalEntry, Task)
    ctx.row_counts = {wr.table: wr.count for wr in w.writers}  # type: ignore[attr-defined]


def round_up(x: float) -> int:
    return int(math.ceil(x))
