"""Issue 17's meetings, forhåndsorientering and ratings at office scale: what a counsellor waits for.

A world of 100 counsellors with 4,000 clients, 60,000 meetings over a year (about 600 per
counsellor: the overlap check reads these), 8,000 notices and 40,000 ratings. Measured:
- ``book_meeting`` (the overlap check under the counsellor's lock, the write, the notification, the
  journal and the audit): median and p95;
- ``week`` (møteplan) for a counsellor's week;
- the person page's aggregate with and without its issue-17 section (meetings, notices, ratings,
  the flag): the added time and the added queries;
- ``send_reminders`` for one day's meetings (the periodic task): meetings per second;
- ``aggregates`` (analysts, over every rating).
``--quick``: a tenth of the world.
"""

from __future__ import annotations

import datetime as dt
import random
import time

from bench.common import db_url, drop_database, ensure_database, manage, setup_django, timings


def _world(scale: float):
    from django.db import transaction
    from django.utils import timezone

    from skreddersy.clients.models import FollowUpPeriod
    from skreddersy.core import clock
    from skreddersy.followup.models import Activity, ActivityPlan, AdvanceNotice, Meeting, SelfRating
    from tests import factories as f

    rng = random.Random(17)
    office = f.office(f.county("15"), name="Nav Møte")
    staff = [f.staff("counsellor", offices=[office]) for _ in range(max(10, int(100 * scale)))]
    n_clients = int(4000 * scale)
    clients = []
    for i in range(n_clients):
        clients.append(f.client(office, staff[i % len(staff)]))
    now = clock.now()
    start = timezone.make_aware(dt.datetime.combine(timezone.localdate(now) - dt.timedelta(days=180), dt.time(8, 0)))
    meetings = []
    slots_per_staff = {}
    for s in staff:  # ~600 meetings a counsellor over a year, no two overlapping
        days = sorted(rng.sample(range(365), k=min(300, int(300 * max(scale, 0.2)))))
        slots_per_staff[s.pk] = 0
        for d in days:
            for h in (9, 13):
                c = clients[rng.randrange(len(clients))]
                st = start + dt.timedelta(days=d, hours=h - 8)
                meetings.append(
                    Meeting(
                        client_id=c.pk,
                        counsellor=s,
                        starts_at=st,
                        ends_at=st + dt.timedelta(minutes=45),
                        mode="in_person",
                        place="Rom 1",
                        agenda="Oppfølging",
                        created_by=s.user,
                        status="held" if st < now else "planned",
                    )
                )
    with transaction.atomic():
        Meeting.objects.bulk_create(meetings, batch_size=2000)
        plans = ActivityPlan.objects.bulk_create([ActivityPlan(client=c) for c in clients])
        acts = Activity.objects.bulk_create(
            [
                Activity(
                    plan=p,
                    client_id=p.client_id,
                    title="Jobbklubb",
                    type="course",
                    is_requirement=True,
                    legal_basis="folketrygdloven § 11-7",
                    consequence="AAP kan bli redusert.",
                    created_by_role="counsellor",
                    created_by=staff[0].user,
                )
                for p in plans[: int(8000 * scale)]
            ],
            batch_size=2000,
        )
        AdvanceNotice.objects.bulk_create(
            [
                AdvanceNotice(
                    activity=a,
                    client_id=a.client_id,
                    basis="aap",
                    text="Tekst",
                    deadline=now.date() + dt.timedelta(days=10),
                    sent_by=staff[0],
                )
                for a in acts
            ],
            batch_size=2000,
        )
        periods = dict(FollowUpPeriod.objects.filter(client__in=clients).values_list("client_id", "id"))
        ratings = []
        for c in clients:
            for occ in ("start", "m3")[: rng.randint(1, 2)]:
                for item, hi in (
                    ("work_ability", 10),
                    ("efficacy_expectations", 10),
                    ("efficacy_pace", 10),
                    ("efficacy_others", 10),
                    ("return_expectation", 7),
                ):
                    ratings.append(
                        SelfRating(
                            client_id=c.pk,
                            period_id=periods[c.pk],
                            occasion=occ,
                            item=item,
                            value=rng.randint(0 if hi == 10 else 0, hi),
                        )
                    )
        SelfRating.objects.bulk_create(ratings, batch_size=5000)
    return staff, clients, len(meetings), len(ratings)


def run(args) -> dict:
    quick = args.quick
    url = db_url(args.db, "skr_bench_kept_informed")
    drop_database(url)
    ensure_database(url)
    manage(url, "migrate", "--noinput", "-v0")
    setup_django(url)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from skreddersy.core import clock
    from skreddersy.core.errors import InvalidInput
    from skreddersy.followup import meetings, ratings, selectors
    from tests import factories as f

    t0 = time.perf_counter()
    staff, clients, n_meetings, n_ratings = _world(0.1 if quick else 1.0)
    seed_s = time.perf_counter() - t0
    rng = random.Random(3)
    analyst = f.staff("analyst")

    # booking: a free slot (18:00 on a random future day) and, as often, a clash (09:00 on a booked day)
    book, refused = [], []
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for _ in range(60 if quick else 300):
        s = staff[rng.randrange(len(staff))]
        c = clients[rng.randrange(len(clients))]
        day = tomorrow + dt.timedelta(days=rng.randrange(150))
        minute = rng.randrange(0, 60 * 4, 15)
        when = timezone.make_aware(dt.datetime.combine(day, dt.time(17, 0))) + dt.timedelta(minutes=minute)
        t = time.perf_counter()
        try:
            meetings.book_meeting(user=s.user, client=c, starts_at=when, minutes=15, mode="phone", agenda="Oppfølging")
            book.append(time.perf_counter() - t)
        except InvalidInput:
            refused.append(time.perf_counter() - t)

    week = []
    for _ in range(50 if quick else 200):
        s = staff[rng.randrange(len(staff))]
        t = time.perf_counter()
        meetings.week(user=s.user, day=tomorrow + dt.timedelta(days=rng.randrange(-150, 150)))
        week.append(time.perf_counter() - t)

    # the person page with and without the issue-17 section, alternating in random order
    real = selectors._kept_informed
    with_s, without_s, q_with, q_without = [], [], [], []
    for _ in range(100 if quick else 400):
        c = clients[rng.randrange(len(clients))]
        on = rng.random() < 0.5
        selectors._kept_informed = real if on else (lambda *a, **k: None)
        user = c.counsellor.user
        with CaptureQueriesContext(connection) as ctx:
            t = time.perf_counter()
            selectors.person(user=user, client_id=c.pk)
            dt_s = time.perf_counter() - t
        (with_s if on else without_s).append(dt_s)
        (q_with if on else q_without).append(len(ctx.captured_queries))
    selectors._kept_informed = real

    # reminders for one day: the meetings of a day (every counsellor's 9:00 and 13:00 on their days)
    day = tomorrow + dt.timedelta(days=10)
    now = timezone.make_aware(dt.datetime.combine(day - dt.timedelta(days=1), dt.time(6, 0)))
    t = time.perf_counter()
    reminded = meetings.send_reminders(now=now)
    remind_s = time.perf_counter() - t
    clock.freeze(None)

    agg = []
    for _ in range(5 if quick else 20):
        t = time.perf_counter()
        ratings.aggregates(user=analyst.user)
        agg.append(time.perf_counter() - t)

    a, b = timings(with_s), timings(without_s)
    return {
        "world": {"counsellors": len(staff), "clients": len(clients), "meetings": n_meetings, "ratings": n_ratings},
        "seed_seconds": round(seed_s, 1),
        "book_meeting": timings(book),
        "book_meeting_refused_overlap": timings(refused) if refused else None,
        "week": timings(week),
        "person_page_with_section": a,
        "person_page_without_section": b,
        "person_page_added_median_ms": round(a["median_ms"] - b["median_ms"], 2),
        "person_page_added_p95_ms": round(a["p95_ms"] - b["p95_ms"], 2),
        "person_page_queries": {"with": sorted(set(q_with)), "without": sorted(set(q_without))},
        "reminders": {
            "meetings": reminded,
            "seconds": round(remind_s, 2),
            "per_second": round(reminded / remind_s) if remind_s else None,
        },
        "aggregates": timings(agg),
    }
