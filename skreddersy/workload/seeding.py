"""Demo and national data for the workload model: the minutes on every contact, message, decision,
assessment, mapping and referral the other apps' seeds wrote in the last year (spread by the
client's facts and by chance, so the model has something real to estimate), and each
counsellor's terms (contracted hours, start date, fixed duties, languages).

Runs after the history (INSTALLED_APPS order); ``manage.py seed_workload`` runs the same step on a
database seeded before this app existed (the lead's national benchmark copies)."""

from __future__ import annotations

import datetime as dt
import math
import random

from django.db import connection

from skreddersy.core.seeding import SeedContext
from skreddersy.core.seeding.bulk import BulkWriter

# how much longer than the kind's default a contact with a client of this kind takes
NEED_GROUP_FACTOR = {
    "": 0.9,
    "STANDARD_INNSATS": 0.8,
    "SITUASJONSBESTEMT_INNSATS": 1.0,
    "SPESIELT_TILPASSET_INNSATS": 1.3,
    "GRADERT_VARIG_TILPASSET_INNSATS": 1.35,
    "VARIG_TILPASSET_INNSATS": 1.1,
}
LANGUAGES = ["ar", "so", "ti", "fa", "ur", "pl", "uk", "vi", "en", "ku", "prs"]


def has_data() -> bool:
    from skreddersy.timeuse.models import TimeEntry

    return TimeEntry.objects.exists()


def seed(ctx: SeedContext) -> None:
    ctx.row_counts["timeuse_timeentry"] = record_history_time(
        rng=ctx.rng, now=ctx.now, batch=ctx.batch, progress=ctx.progress
    )
    ctx.row_counts["workload_staffterms"] = seed_terms(rng=ctx.rng, today=ctx.now.date())
    from skreddersy.workload.services import refresh_loads

    ctx.row_counts["timeuse_counsellorload"] = refresh_loads()


def _minutes(rng: random.Random, base: int, factor: float) -> int:
    if base == 0:
        return 0
    return max(1, min(720, int(round(base * factor * math.exp(rng.gauss(0.0, 0.4))))))


def record_history_time(*, rng: random.Random, now: dt.datetime, batch: int = 20000, progress=None) -> int:
    """TimeEntry rows for the last 13 months of recorded work, one statement per source."""
    from skreddersy.timeuse.models import DEFAULTS, TimeEntry

    since = now - dt.timedelta(days=400)
    client_factor: dict[int, tuple[int, float]] = {}
    with connection.cursor() as cur:
        cur.execute("SELECT id, office_id, need_group, manual_followup, needs_interpreter FROM clients_client")
        for cid, office, group, manual, interp in cur.fetchall():
            client_factor[cid] = (
                office,
                NEED_GROUP_FACTOR.get(group or "", 1.0) * (1.25 if manual else 1.0) * (1.4 if interp else 1.0),
            )
    staff_of_user = {}
    with connection.cursor() as cur:
        cur.execute("SELECT user_id, id FROM core_staffmember")
        staff_of_user = dict(cur.fetchall())
    p = connection.ops.adapt_datetimefield_value
    sources = [
        (
            "MeetingNote",
            "SELECT id, client_id, written_by_id, held_at, channel FROM followup_meetingnote WHERE held_at >= %s",
            None,
        ),
        (
            "Message",
            "SELECT m.id, t.client_id, m.sender_id, m.sent_at, 'message' FROM followup_message m "
            "JOIN followup_thread t ON t.id = m.thread_id WHERE m.from_client = %s AND m.sent_at >= %s",
            "user",
        ),
        (
            "NeedsDecision",
            "SELECT id, client_id, drafted_by_id, drafted_at, 'decision' FROM followup_needsdecision WHERE drafted_at >= %s",
            None,
        ),
        (
            "WorkCapacityAssessment",
            "SELECT id, client_id, assessed_by_id, assessed_at, 'assessment' FROM followup_workcapacityassessment "
            "WHERE assessed_at >= %s",
            None,
        ),
        (
            "NeedsMapping",
            "SELECT id, client_id, created_by_id, created_at, 'mapping' FROM clients_needsmapping WHERE created_at >= %s",
            "user",
        ),
        (
            "Referral",
            "SELECT id, client_id, created_by_id, created_at, 'referral' FROM measures_referral WHERE created_at >= %s",
            "user",
        ),
    ]
    writer = BulkWriter(
        TimeEntry,
        ["client_id", "office", "staff", "kind", "minutes", "documentation_minutes", "at", "object_type", "object_id"],
        batch,
    )
    for object_type, statement, who in sources:
        params = [False, p(since)] if object_type == "Message" else [p(since)]
        with connection.cursor() as cur:
            cur.execute(statement, params)
            while True:
                rows = cur.fetchmany(20000)
                if not rows:
                    break
                for oid, cid, actor, at, kind in rows:
                    staff = staff_of_user.get(actor) if who == "user" else actor
                    if staff is None or cid not in client_factor:
                        continue
                    office, factor = client_factor[cid]
                    m, d = DEFAULTS[kind]
                    writer.add(
                        (
                            cid,
                            office,
                            staff,
                            kind,
                            _minutes(rng, m, factor),
                            _minutes(rng, d, factor),
                            at,
                            object_type,
                            oid,
                        )
                    )
                if len(writer.rows) >= batch:
                    writer.flush()
    writer.flush()
    return writer.count


def seed_terms(*, rng: random.Random, today: dt.date) -> int:
    """Every staff member with a caseload gets terms: most full time, some part time, about one in
    ten started in the last six months, some speak a language beside Norwegian."""
    from skreddersy.workload.models import StaffTerms

    with connection.cursor() as cur:
        cur.execute(
            "SELECT DISTINCT counsellor_id FROM clients_client WHERE counsellor_id IS NOT NULL ORDER BY counsellor_id"
        )
        ids = [r[0] for r in cur.fetchall()]
    have = set(StaffTerms.objects.filter(staff_id__in=ids).values_list("staff_id", flat=True))
    rows = []
    for sid in ids:
        if sid in have:
            continue
        contracted = 37.5 if rng.random() < 0.85 else rng.choice([30.0, 28.0, 22.5])
        started = (
            today - dt.timedelta(days=rng.randint(20, 170))
            if rng.random() < 0.1
            else today - dt.timedelta(days=rng.randint(200, 7000))
        )
        langs = rng.choice(LANGUAGES) if rng.random() < 0.15 else ""
        rows.append(
            StaffTerms(
                staff_id=sid,
                contracted_hours=contracted,
                fixed_duty_hours=rng.choice([2, 4, 4, 6, 8]),
                started_on=started,
                languages=langs,
            )
        )
    StaffTerms.objects.bulk_create(rows, batch_size=5000)
    return len(rows)
