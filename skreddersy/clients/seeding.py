"""Demo and national data for clients: the clients (with a login identity each), their follow-up
period and needs mapping, and for each client the history the apps above write through the
per-client parts they register in ``ctx.client_history`` (followup's decisions, plan, dialogue,
notes and tasks).

One random stream draws a client and then its history, so the data for a given --seed are the
same whichever app writes which table. The client row is written last, with the denormalised
fields the history decided (need group, main goal, last contact, assessment due).

Figures follow context/FIELD.md where it gives them: caseloads 41 % 1-49, 37 % 50-99, 19 % over
100; job specialists 12-20. Where the field notes are silent the shares are stated below as
assumptions (need-group mix, protection shares) and are demo values, not facts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.contrib.auth.hashers import make_password

from skreddersy import journal
from skreddersy.clients.models import Client, FollowUpPeriod, NeedAssessment, NeedsMapping
from skreddersy.core import fnr, reference
from skreddersy.core.collation import name_key
from skreddersy.core.models import Office, StaffMember, User
from skreddersy.core.seeding import DEMO_PASSWORD, SeedContext, names, weighted
from skreddersy.core.seeding.bulk import BulkWriter, IdRange, d, reset_sequences, ts

TARGETS = {"demo": 1500, "national": 400_000}

# Assumed need-group mix of clients in follow-up (not in the field notes; demo values).
NEED_GROUP_SHARES = [
    ("STANDARD_INNSATS", 0.33),
    ("SITUASJONSBESTEMT_INNSATS", 0.35),
    ("SPESIELT_TILPASSET_INNSATS", 0.22),
    ("GRADERT_VARIG_TILPASSET_INNSATS", 0.04),
    ("VARIG_TILPASSET_INNSATS", 0.06),
]
CASELOAD_BANDS = [((15, 49), 0.41), ((50, 99), 0.37), ((100, 180), 0.19)]


@dataclass
class ClientDraft:
    """One client while it is drawn. The history parts read it, and set the fields their history
    decides: ``group``/``goal`` ("" when no decision was sent), ``last_contact``, ``assessment_due``."""

    id: int
    user_id: int
    office_id: int
    counsellor_id: int | None
    approver_id: int | None
    author: int  # the staff member writing the case (the counsellor, else the office's second approver)
    author_user: int
    start: dt.datetime
    immigrant: bool
    manual: bool
    group: str
    goal: str
    permanent: bool  # the need group needs a second approver
    reduced: bool  # the need group needs reduced work capacity
    journal: Callable[..., None]  # journal(at, kind, summary, actor, object_type="", object_id=None, visible=True)
    last_contact: dt.datetime | None = None  # the state side's newest contact (clients.contact.SIDE_COLUMN)
    last_municipal_contact: dt.datetime | None = None  # the municipal side's
    # a consent to share notes was written for the client (Client.notes_shared; the database's
    # trigger sets it too, but the consent may be inserted before the client's row)
    notes_shared: bool = False
    assessment_due: dt.date | None = None


def has_data() -> bool:
    return Client.objects.exists()


class ClientWriter:
    """Writes clients and what the clients app holds of their case, with ids assigned up front, and
    hands each client to the registered history parts."""

    def __init__(self, ctx: SeedContext):
        b = ctx.batch
        self.ctx = ctx
        self.ids = {m: IdRange(m) for m in (Client, NeedsMapping, User)}
        self.clients = BulkWriter(Client, ["id", "fnr", "first_name", "last_name", "birth_date", "municipality", "office", "counsellor",
                                           "user", "immigrant_non_eea", "long_term_unemployed", "reduced_work_capacity", "language",
                                           "needs_interpreter", "manual_followup", "address_protection", "skjermet", "need_group",
                                           "main_goal", "last_contact_at", "last_municipal_contact_at", "assessment_due", "created_at",
                                           "sort_key", "notes_shared"], b)
        self.users = BulkWriter(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                                       "is_active", "date_joined", "kind"], b)
        self.periods = BulkWriter(FollowUpPeriod, ["client", "start", "end"], b)
        self.mappings = BulkWriter(NeedsMapping, ["id", "client", "version", "created_at", "created_by", "note"], b)
        self.entries = BulkWriter(NeedAssessment, ["mapping", "domain", "counsellor_severity", "client_severity", "comment"], b)
        self.journal = journal.seed_writer(b)
        self.writers = [self.users, self.clients, self.periods, self.mappings, self.entries, self.journal]
        self.parts = [factory(ctx) for factory in ctx.client_history]
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
        for part in self.parts:
            part.flush()

    def finish(self) -> None:
        reset_sequences(User, Client, FollowUpPeriod, NeedsMapping, NeedAssessment, journal.JournalEntry)
        self.ctx.row_counts.update({wr.table: wr.count for wr in self.writers})
        for part in self.parts:
            part.finish()

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
        group = weighted(rng, NEED_GROUP_SHARES)
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
        add_entry = self.journal.add

        def j(at, kind, summary, actor, otype="", oid=None, visible=True, category="followup"):
            add_entry((cid, ts(at), kind, summary, actor, otype, oid, visible, category))

        self.periods.add((cid, d(start.date()), None))
        j(start, "client", "Oppfølging startet", author_user)

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

        # the history the apps above keep (followup: decision, plan, dialogue, notes, tasks)
        draft = ClientDraft(id=cid, user_id=user_id, office_id=office_id, counsellor_id=counsellor_id, approver_id=approver_id,
                            author=author, author_user=author_user, start=start, immigrant=immigrant, manual=manual, group=group,
                            goal=goal, permanent=permanent, reduced=reduced, journal=j)
        for part in self.parts:
            part.client(draft)
        group, goal = draft.group, draft.goal

        self.clients.add((cid, self._fnr(birth), first, last, d(birth), "", office_id, counsellor_id, user_id, immigrant,
                          rng.random() < 0.2, bool(reduced and group), language, interpreter, manual, protection, skjermet, group, goal,
                          ts(draft.last_contact), ts(draft.last_municipal_contact), d(draft.assessment_due), ts(start), name_key(last, first), draft.notes_shared))
        return cid


def _caseload(rng: random.Random, role: str) -> int:
    if role == "job_specialist":
        return rng.randint(12, 20)
    (lo, hi) = weighted(rng, CASELOAD_BANDS)
    return rng.randint(lo, hi)


def seed(ctx: SeedContext) -> None:
    rng = ctx.rng
    target = ctx.clients or TARGETS[ctx.scale]
    w = ClientWriter(ctx)
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
    w.finish()
