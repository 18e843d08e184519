"""Demo and national data for work with employers and job specialists.

Demo: at the first office a job-specialist team of five with a method supervisor (so the team's
figures show), a market contact at every office, employers with contact persons, contacts and
vacancies, and candidates in every phase: some starts with follow-along support, some without
(the "place and pray" warning), checkpoints at 3 and 6 months, and two fidelity reviews.

National: about 550 job specialists (published: ~550 in 2019) with caseloads of 12-20, a method
supervisor and a market contact per large office, 200,000 employers, and a year of contacts,
starts and follow-along support. Deterministic from ``ctx.rng``; bulk inserts in batches.
"""

from __future__ import annotations

import datetime as dt
import random

from django.contrib.auth.hashers import make_password

from skreddersy.clients.models import Client
from skreddersy.core import collation, orgnr
from skreddersy.core.models import Office, OfficeMembership, Role, StaffMember, StaffRole, Team, User
from skreddersy.core.seeding import DEMO_PASSWORD, SeedContext
from skreddersy.core.seeding.bulk import BulkWriter, IdRange, d, reset_sequences, ts
from skreddersy.work import rules
from skreddersy.work.models import (
    PHASE_ORDER,
    ContactPerson,
    Employer,
    EmployerContact,
    FidelityReview,
    FollowAlong,
    IpsCase,
    JobProfile,
    JobStart,
    PhaseChange,
    StartCheckpoint,
    Vacancy,
    add_months,
)

NATIONAL_EMPLOYERS = 200_000
NATIONAL_SPECIALISTS = 550

STEMS = ["Bakeri", "Transport", "Bygg", "Renhold", "Lager og Logistikk", "Regnskap", "Hotell", "Kafé", "Gartneri", "Elektro",
         "Rør", "Barnehage", "Omsorg", "Verksted", "Butikk", "Fisk", "Maskin", "Data", "Trykkeri", "Snekkeri", "Frisør",
         "Catering", "Vaskeri", "Eiendom", "Sikkerhet", "Møbel", "Sport", "Bilverksted", "Kantine", "Dyreklinikk"]
PLACES = ["Vest", "Nord", "Sentrum", "Fjord", "Dal", "Berg", "Strand", "Vik", "Haug", "Nes", "Bø", "Li", "Øy", "Å", "Ås"]
FORMS = ["AS", "AS", "AS", "ANS", "SA", "kommune", "stiftelse"]
JOBS = ["Lagermedarbeider", "Butikkmedarbeider", "Renholder", "Kokkeassistent", "Sjåfør", "Barnehageassistent",
        "Helsefagarbeider", "Kontormedarbeider", "Gartner", "Verkstedsmedarbeider", "Servitør", "Vaktmester"]
ADAPTATIONS = ["Fleksibel arbeidstid", "Gradvis opptrapping av timer", "Fast kontaktperson på arbeidsplassen",
               "Skjermet arbeidsplass", "Opplæring i eget tempo", ""]
PHASE_WEIGHTS = {"referred": 1, "engagement": 2, "vocational_profile": 2, "job_search": 5, "in_work": 3, "follow_along": 2, "ended": 3}


def seed(ctx: SeedContext) -> None:
    rng = random.Random(ctx.rng.getrandbits(64))
    today = ctx.now.date()
    staff = _seed_staff(ctx, rng)
    employer_ids, by_municipality = _seed_employers(ctx, rng)
    _seed_cases(ctx, rng, today, staff, employer_ids, by_municipality)
    _seed_fidelity(ctx, rng, today, staff)


# --- staff: the job-specialist team, method supervisors and market contacts ----------------------

def _seed_staff(ctx: SeedContext, rng: random.Random) -> dict:
    """Adds staff to what the organisation seed made; returns job specialists, supervisors and
    market contacts by office."""
    offices = list(Office.objects.filter(pk__in=ctx.office_ids).order_by("id"))
    teams = {}
    for o in offices:
        teams[o.pk] = Team.objects.get_or_create(office=o, name="IPS-teamet")[0].pk
    plan: list[tuple[str, int, str | None]] = []  # (role, office, username)
    if ctx.national:
        # IPS teams sit at the large offices (a team of about ten each), bringing the country to ~550
        existing = len(ctx.staff_by_role.get("job_specialist", []))
        large = [o for o in offices if o.size_band == "large"] or offices
        per_office = -(-max(0, NATIONAL_SPECIALISTS - existing) // len(large))
        for o in large:
            plan += [("job_specialist", o.pk, None)] * per_office
        for o in offices:
            if o.size_band == "large":
                plan += [("method_supervisor", o.pk, None), ("market_contact", o.pk, None)]
    else:
        first = offices[0]
        short = _short(first)
        for i in range(2, 6):
            plan.append(("job_specialist", first.pk, f"jobbspesialist{i}.{short}"))
        plan.append(("method_supervisor", first.pk, f"metodeveileder.{short}"))
        for o in offices:
            plan.append(("market_contact", o.pk, f"markedskontakt.{_short(o)}"))
    password = make_password(DEMO_PASSWORD) if not ctx.national else "!"
    user_ids, staff_ids = IdRange(User), IdRange(StaffMember)
    users = BulkWriter(User, ["id", "password", "is_superuser", "username", "first_name", "last_name", "email", "is_staff",
                              "is_active", "date_joined", "kind"], ctx.batch)
    members = BulkWriter(StaffMember, ["id", "user", "nav_ident", "display_name", "employer", "clearance_strictly_confidential",
                                       "clearance_confidential", "clearance_skjermet"], ctx.batch)
    roles = BulkWriter(StaffRole, ["staff", "role"], ctx.batch)
    memberships = BulkWriter(OfficeMembership, ["staff", "office", "team"], ctx.batch)
    from skreddersy.core.seeding import names

    ident = 500000 + (StaffMember.objects.count())
    now = ts(ctx.now)
    for n, (role, oid, username) in enumerate(plan):
        uid, sid = user_ids.take(), staff_ids.take()
        ident += 1
        users.add((uid, password, False, username or f"{role.replace('_', '')}.w{n}", "", "", "", False, True, now, "staff"))
        members.add((sid, uid, f"W{ident}", f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}",
                     "state", False, False, False))
        roles.add((sid, role))
        memberships.add((sid, oid, teams[oid] if role in ("job_specialist", "method_supervisor") else None))
        ctx.staff_by_role.setdefault(role, []).append(sid)
        ctx.staff_offices[sid] = [oid]
        if username:
            ctx.demo_logins.append((username, DEMO_PASSWORD, str(Role(role).label)))
    for w in (users, members, roles, memberships):
        w.flush()
    reset_sequences(User, StaffMember, StaffRole, OfficeMembership)
    by_office: dict[str, dict[int, list[int]]] = {"job_specialist": {}, "method_supervisor": {}, "market_contact": {}}
    for role in by_office:
        for sid in ctx.staff_by_role.get(role, []):
            for oid in ctx.staff_offices.get(sid, []):
                by_office[role].setdefault(oid, []).append(sid)
    by_office["teams"] = teams
    return by_office


def _short(o: Office) -> str:
    return o.name.replace("Nav ", "").lower().replace("ø", "o").replace("å", "a").replace("æ", "ae").replace(" ", "")


# --- employers -----------------------------------------------------------------------------------

def _seed_employers(ctx: SeedContext, rng: random.Random) -> tuple[list[int], dict[str, list[int]]]:
    offices = list(Office.objects.filter(pk__in=ctx.office_ids).order_by("id").values_list("pk", "municipality"))
    total = NATIONAL_EMPLOYERS if ctx.national else 25 * len(offices)
    ids = IdRange(Employer)
    writer = BulkWriter(Employer, ["id", "orgnr", "name", "name_key", "sector", "municipality", "adaptations", "owner",
                                   "created_at", "version"], ctx.batch)
    people = BulkWriter(ContactPerson, ["employer", "name", "role", "phone", "email"], ctx.batch)
    seen: set[str] = set(Employer.objects.values_list("orgnr", flat=True))
    out: list[int] = []
    by_municipality: dict[str, list[int]] = {}
    advance = ctx.progress("arbeidsgivere", total)
    created = ts(ctx.now - dt.timedelta(days=400))
    from skreddersy.core.seeding import names

    for i in range(total):
        number = orgnr.generate(rng)
        while number in seen:
            number = orgnr.generate(rng)
        seen.add(number)
        _oid, muni = offices[i % len(offices)]
        name = f"{rng.choice(PLACES)} {rng.choice(STEMS)} {rng.choice(FORMS)}"
        if not ctx.national or i % 50 == 0:
            name = f"{name} {i + 1}" if ctx.national else name
        eid = ids.take()
        sector = "public" if name.endswith("kommune") else ("voluntary" if name.endswith("stiftelse") else "private")
        writer.add((eid, number, name, collation.sort_key(name), sector, muni, rng.choice(ADAPTATIONS), None, created, 1))
        if not ctx.national or rng.random() < 0.2:
            people.add((eid, f"{rng.choice(names.FIRST_NAMES)} {rng.choice(names.LAST_NAMES)}", rng.choice(["Daglig leder", "HR", "Avdelingsleder"]),
                        f"4{rng.randrange(10**7):07d}", ""))
        out.append(eid)
        by_municipality.setdefault(muni, []).append(eid)
        if len(writer.rows) >= ctx.batch:
            writer.flush()
            people.flush()
            advance(ctx.batch)
    writer.flush()
    people.flush()
    reset_sequences(Employer, ContactPerson)
    return out, by_municipality


# --- candidates and their work trails --------------------------------------------------------------

def _seed_cases(ctx: SeedContext, rng: random.Random, today: dt.date, staff: dict, employer_ids: list[int],
                by_municipality: dict[str, list[int]]) -> None:
    offices = dict(Office.objects.filter(pk__in=ctx.office_ids).values_list("pk", "municipality"))
    case_ids, start_ids, fa_ids, contact_ids = IdRange(IpsCase), IdRange(JobStart), IdRange(FollowAlong), IdRange(EmployerContact)
    cases = BulkWriter(IpsCase, ["id", "client", "office", "specialist", "referred_by", "referred_on", "granted_until", "phase",
                                 "phase_since", "ended_reason", "ended_on", "over_cap_reason", "disclosure_may_tell",
                                 "disclosure_not_tell", "disclosure_agreed_on", "version"], ctx.batch)
    changes = BulkWriter(PhaseChange, ["case", "from_phase", "to_phase", "on", "by", "reason"], ctx.batch)
    starts = BulkWriter(JobStart, ["id", "case", "employer", "job_title", "start_date", "hours_per_week", "wage_type", "subsidy_plan",
                                   "ended_on", "recorded_by"], ctx.batch)
    fas = BulkWriter(FollowAlong, ["id", "start", "kind", "planned_on", "done_at", "note", "field_minutes"], ctx.batch)
    cps = BulkWriter(StartCheckpoint, ["start", "month", "still_working", "hours_per_week", "job_title", "recorded_on"], ctx.batch)
    contacts = BulkWriter(EmployerContact, ["id", "employer", "staff", "at", "kind", "purpose", "outcome", "note", "field_minutes", "case"],
                          ctx.batch)
    profiles = BulkWriter(JobProfile, ["client", "work_experience", "education", "skills", "wishes", "hours_per_week", "share",
                                       "updated_at", "version"], ctx.batch)
    vacancies = BulkWriter(Vacancy, ["employer", "title", "hours_per_week", "requirements", "deadline", "status", "registered_by",
                                     "registered_at", "contact"], ctx.batch)
    phases = list(PHASE_WEIGHTS)
    weights = list(PHASE_WEIGHTS.values())
    import json

    specialists = [(oid, sid) for oid, sids in staff["job_specialist"].items() for sid in sids]
    advance = ctx.progress("jobbspesialister", len(specialists))
    taken: set[int] = set()
    clients_by_office: dict[int, list[int]] = {}
    for oid in offices:
        pool = ctx.clients_by_office.get(oid) or list(Client.objects.filter(office_id=oid).values_list("pk", flat=True))
        clients_by_office[oid] = pool
    unprotected = set(Client.objects.filter(office_id__in=list(offices), address_protection="", skjermet=False)
                      .values_list("pk", flat=True)) if not ctx.national else None
    for n, (oid, sid) in enumerate(specialists):
        pool = [c for c in clients_by_office.get(oid, []) if c not in taken and (unprotected is None or c in unprotected)]
        size = rng.randint(12, 20) if ctx.national else rng.randint(7, 11)
        local_employers = by_municipality.get(offices[oid]) or employer_ids
        market = staff["market_contact"].get(oid, [])
        for k, cid in enumerate(rng.sample(pool, min(size, len(pool)))):
            taken.add(cid)
            phase = phases[k] if (not ctx.national and k < len(phases)) else rng.choices(phases, weights=weights)[0]
            idx = PHASE_ORDER.index(phase)
            referred = today - dt.timedelta(days=rng.randint(20 + 25 * idx, 60 + 70 * idx))
            case_id = case_ids.take()
            day = referred
            changes.add((case_id, "", "referred", d(referred), sid, ""))
            start_day = None
            for p in PHASE_ORDER[1:idx + 1]:
                day = min(today, day + dt.timedelta(days=rng.randint(7, 40)))
                if p == "in_work":
                    start_day = day
                if p == "ended" and start_day is None and rng.random() < 0.5:
                    start_day = day - dt.timedelta(days=rng.randint(60, 150))
                changes.add((case_id, PHASE_ORDER[PHASE_ORDER.index(p) - 1], p, d(day), sid, "Jobbstart" if p == "in_work" else ""))
            end_reason = rng.choice(["work", "work", "education", "withdrew", "health"]) if phase == "ended" else ""
            granted = add_months(referred, 6)
            while granted < today - dt.timedelta(days=10) and phase != "ended":
                granted = add_months(granted, 6)
            disclosed = idx >= 2 and rng.random() < 0.8
            cases.add((case_id, cid, oid, sid, sid, d(referred), d(granted), phase, d(day), end_reason,
                       d(day) if phase == "ended" else None, "", "Trenger rolig arbeidsmiljø og faste rutiner." if disclosed else "",
                       "Helseopplysninger" if disclosed else "", d(referred + dt.timedelta(days=14)) if disclosed else None, 1))
            profiles.add((cid, "Butikk og lager, 3 år", "Videregående, yrkesfag", "Truckførerbevis, kundeservice",
                          rng.choice(JOBS), rng.choice([20, 30, 37.5]), json.dumps(["work_experience", "skills", "wishes"]),
                          ts(ctx.now - dt.timedelta(days=rng.randint(5, 200))), 1))
            # employer contacts about the candidate (first within 30 days, mostly)
            first_gap = rng.randint(5, 28) if rng.random() < 0.8 else rng.randint(31, 60)
            for j in range(1 + idx):
                at = ctx.now - dt.timedelta(days=max(0, (today - referred).days - first_gap - 12 * j), hours=rng.randint(0, 6))
                if at.date() > today or at.date() < referred:
                    continue
                contacts.add((contact_ids.take(), rng.choice(local_employers), sid, ts(at), rng.choice(["phone", "visit", "meeting"]),
                              rng.choice(["job_development", "candidate"]), rng.choice(["follow_up", "interview", "not_now"]), "",
                              rng.choice([0, 30, 60, 90]), case_id))
            if start_day is not None:
                start_id = start_ids.take()
                employer = rng.choice(local_employers)
                subsidy = rng.random() < 0.4
                ended = day if phase == "ended" and end_reason != "work" else None
                starts.add((start_id, case_id, employer, rng.choice(JOBS), d(start_day), rng.choice([10, 15, 20, 25, 30, 37.5]),
                            "subsidy" if subsidy else "ordinary",
                            json.dumps([{"from_month": 0, "percent": 60}, {"from_month": 6, "percent": 40}] if subsidy else []),
                            d(ended), sid))
                neglected = phase in ("in_work", "follow_along") and rng.random() < 0.25  # "place and pray"
                for kind, planned in rules.follow_along_plan(start_day):
                    done = None
                    if planned <= today and not neglected and rng.random() < 0.85:
                        done = ts(ctx.now - dt.timedelta(days=(today - planned).days))
                    fas.add((fa_ids.take(), start_id, kind, d(planned), done, "", 60 if done and "employer" in kind else 0))
                for m in (3, 6, 12):
                    if add_months(start_day, m) <= today and rng.random() < 0.9:
                        working = rng.random() < (0.8 if m == 3 else 0.65)
                        cps.add((start_id, m, working, rng.choice([15, 20, 30, 37.5]) if working else None, "", d(add_months(start_day, m))))
        # market contacts and specialists call employers without a candidate too
        for _ in range(30 if ctx.national else 12):
            who = rng.choice(market + [sid]) if market else sid
            at = ctx.now - dt.timedelta(days=rng.randint(0, 90), hours=rng.randint(0, 6))
            cid_ = contact_ids.take()
            emp = rng.choice(local_employers)
            outcome = rng.choice(["vacancy", "follow_up", "not_now", "done"])
            contacts.add((cid_, emp, who, ts(at), rng.choice(["phone", "visit", "email"]), "job_development", outcome, "",
                          rng.choice([0, 0, 45, 90]), None))
            if outcome == "vacancy":
                vacancies.add((emp, rng.choice(JOBS), rng.choice([20, 37.5]), "", d(today + dt.timedelta(days=rng.randint(3, 40))), "open",
                               who, ts(at), cid_))
        # field work: visits and workplace support most weeks (towards the 40 % target)
        for week in range(8):
            for _ in range(rng.randint(2, 6)):
                at = ctx.now - dt.timedelta(days=7 * week + rng.randint(0, 6), hours=rng.randint(0, 5))
                contacts.add((contact_ids.take(), rng.choice(local_employers), sid, ts(at), "visit",
                              rng.choice(["job_development", "follow_along"]), rng.choice(["follow_up", "done"]), "",
                              rng.choice([60, 90, 120, 150, 180]), None))
        if n % 20 == 0:
            for w in (cases, changes, profiles, contacts):
                w.flush()
            for w in (starts, fas, cps, vacancies):
                w.flush()
        advance(1)
    for w in (cases, changes, profiles, contacts, starts, fas, cps, vacancies):
        w.flush()
    reset_sequences(IpsCase, PhaseChange, JobProfile, EmployerContact, JobStart, FollowAlong, StartCheckpoint, Vacancy)


def _seed_fidelity(ctx: SeedContext, rng: random.Random, today: dt.date, staff: dict) -> None:
    reviews = []
    for oid, sups in staff["method_supervisor"].items():
        team = staff["teams"][oid]
        for months_ago, base in ((8, 3), (1, 4)):
            scores = {str(n): max(1, min(5, base + rng.choice([-1, 0, 0, 1]))) for n in range(1, 26)}
            reviews.append(FidelityReview(team_id=team, reviewed_on=add_months(today, -months_ago), reviewer_id=sups[0],
                                          scores=scores, notes={}, total=sum(scores.values())))
    FidelityReview.objects.bulk_create(reviews, batch_size=ctx.batch)
