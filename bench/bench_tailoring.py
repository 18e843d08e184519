"""Tailoring indicators and the calibration lab at national scale (issue 15).

Data: a copy of the lead's national data set (COMMON.md: ``bench/data/skr_bench_national.sqlite3``
and the PostgreSQL database ``<--pg-db>_national``), migrated, with this issue's seed step (a
measure choice behind every referral) and one refresh of the indicators; plus a calibration round
with 8 vignettes and 5,000 answer sets (40,000 vignette answers), sealed.

Measured:
1. the nightly refresh: every indicator, 13 months, every counsellor, team, office and county
   (``refresh_indicators``): time and peak memory;
2. all indicators for one office (the largest) for 12 months, as its leader opens the page;
3. the whole country by office for 12 months, as an analyst opens the page (and the API);
4. the calibration round's results (agreement with 1,000 bootstrap resamples for four questions,
   per vignette spread, office suppression) as the page and as the selector.
Targets: (2) <= 1 s, (3) <= 30 s with peak memory <= 1 GiB, (4) <= 2 s.
"""

from __future__ import annotations

import json
import random
import time

from bench.common import DATA, db_url, manage, marker_stem, peak_rss_mib, setup_django, timings

NAME = "skr_bench_national"
ANSWER_SETS = 5000


def _prepare(vendor: str) -> str:
    url = db_url(vendor, NAME)
    marker = DATA / f"{marker_stem(vendor, NAME)}.{vendor}.tailoring"
    if not marker.exists():
        manage(url, "migrate", "--noinput", "-v0")
        manage(url, "shell", "-c", "from bench.bench_tailoring import populate; populate()")
        marker.write_text("ok")
    return url


def populate() -> None:
    """Runs inside ``manage.py shell``: the seed steps this issue adds, on the copied national data."""
    import datetime as dt

    from django.utils import timezone

    from skreddersy.core import clock
    from skreddersy.core.models import Office, OfficeMembership, Role, StaffMember, StaffRole, User
    from skreddersy.insight.calibration import questions, services
    from skreddersy.insight.calibration.vignettes import DEMO_VIGNETTES
    from skreddersy.insight.models import CalibrationAnswerSet, CalibrationRound, Vignette
    from skreddersy.insight.tailoring import seeding
    from skreddersy.insight.tokens import new_token, token_hash

    print("choices", seeding.seed_choices(seed=15))
    user = User.objects.filter(username="benk.tl.analytiker").first()
    if user is None:
        user = User.objects.create_user(username="benk.tl.analytiker", password="benk-passord-123", kind="staff")
        staff = StaffMember.objects.create(
            user=user, nav_ident="T000015", display_name="Benk Analytiker", employer="state"
        )
        StaffRole.objects.create(staff=staff, role=Role.ANALYST)
    if not CalibrationRound.objects.filter(title="Benk: kalibrering").exists():
        offices = list(Office.objects.order_by("number").values_list("id", flat=True)[:40])
        now = clock.now()
        rnd = services.create_round(
            user=user,
            title="Benk: kalibrering",
            office_ids=offices,
            opens_at=now - dt.timedelta(days=10),
            closes_at=now + dt.timedelta(days=1),
            vignettes=DEMO_VIGNETTES,
        )
        rng = random.Random(15)
        qs = questions.questions()
        vids = list(Vignette.objects.filter(round=rnd).values_list("id", flat=True))
        rows = []
        for _ in range(ANSWER_SETS):
            rows.append(
                CalibrationAnswerSet(
                    round=rnd,
                    office_id=rng.choice(offices),
                    received_on=timezone.localdate(now),
                    receipt_hash=token_hash(new_token()),
                    answers={str(v): {q["key"]: rng.choice(q["choices"][:4])[0] for q in qs} for v in vids},
                )
            )
        CalibrationAnswerSet.objects.bulk_create(rows, batch_size=1000)
        services.seal(rnd)
    del OfficeMembership
    from django.db.models import Max

    from skreddersy.followup.models import Activity
    from skreddersy.insight.tailoring import services as tailoring

    print("rows", tailoring.refresh_indicators(today=Activity.objects.aggregate(m=Max("created_at"))["m"].date()))


def run(args) -> dict:
    vendor = getattr(args, "db", "sqlite")
    quick = getattr(args, "quick", False)
    url = _prepare(vendor)
    setup_django(url)

    from django.db.models import Count, Max
    from django.test import Client

    from skreddersy.core.models import Office, OfficeMembership, Role, StaffMember, StaffRole, User
    from skreddersy.followup.models import Activity
    from skreddersy.insight.calibration import selectors as cal
    from skreddersy.insight.models import CalibrationRound, TailoringFigure
    from skreddersy.insight.tailoring import services

    last = Activity.objects.aggregate(m=Max("created_at"))["m"]
    today = last.date()

    # the largest office and a leader there (created for the benchmark if it has none)
    office_id = OfficeMembership.objects.values("office_id").annotate(n=Count("id")).order_by("-n")[0]["office_id"]
    leader = StaffMember.objects.filter(memberships__office_id=office_id, roles__role=Role.OFFICE_LEADER).first()
    if leader is None:
        u = User.objects.create_user(username=f"benk.tl.leder{office_id}", password="benk-passord-123", kind="staff")
        leader = StaffMember.objects.create(
            user=u, nav_ident=f"L{office_id:06d}"[-7:], display_name="Benk Leder", employer="state"
        )
        StaffRole.objects.create(staff=leader, role=Role.OFFICE_LEADER)
        OfficeMembership.objects.create(staff=leader, office_id=office_id)
    analyst = User.objects.get(username="benk.tl.analytiker")
    k = today.year * 12 + today.month - 1 - 11
    first = f"{k // 12}-{k % 12 + 1:02d}"
    period = {"from": first, "to": today.strftime("%Y-%m")}

    c = Client()
    c.force_login(leader.user)
    office_page = []
    for _ in range(3 if quick else 7):
        t0 = time.perf_counter()
        r = c.get("/innsikt/skreddersom/", {"level": "office", "unit": office_id, **period})
        office_page.append(time.perf_counter() - t0)
        assert r.status_code in (200, 422), r.status_code
    office_status = r.status_code
    c.force_login(analyst)
    national_page, national_api = [], []
    for _ in range(2 if quick else 3):
        t0 = time.perf_counter()
        r = c.get("/innsikt/skreddersom/", {"level": "national", "by": "office", **period})
        national_page.append(time.perf_counter() - t0)
        assert r.status_code == 200, r.status_code
        t0 = time.perf_counter()
        r2 = c.get(
            "/api/v1/innsikt/skreddersom/",
            {"level": "national", "by": "office", "start": period["from"], "end": period["to"]},
        )
        national_api.append(time.perf_counter() - t0)
        assert r2.status_code == 200
    rnd = CalibrationRound.objects.get(title="Benk: kalibrering")
    cal_sel, cal_page = [], []
    for _ in range(3 if quick else 7):
        t0 = time.perf_counter()
        res = cal.results(analyst, rnd.pk)
        cal_sel.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        r = c.get(f"/innsikt/kalibrering/{rnd.pk}/")
        cal_page.append(time.perf_counter() - t0)
        assert r.status_code == 200
    rss_pages = peak_rss_mib()
    t0 = time.perf_counter()
    rows = services.refresh_indicators(today=today)
    refresh_s = time.perf_counter() - t0
    rss_refresh = peak_rss_mib()
    hidden = TailoringFigure.objects.filter(level="office", hidden=True).count()
    offices = TailoringFigure.objects.filter(level="office").count()
    return {
        "scale": {
            "offices": Office.objects.count(),
            "activities": Activity.objects.count(),
            "tailoring_rows": rows,
            "office_cells": offices,
            "office_cells_hidden": hidden,
            "calibration_answer_sets": res.respondents,
            "vignettes": len(res.vignettes),
            "months": 12,
            "largest_office_members": OfficeMembership.objects.filter(office_id=office_id).count(),
        },
        "refresh_13_months_s": round(refresh_s, 2),
        "pages_peak_rss_mib": rss_pages,
        "refresh_peak_rss_mib": rss_refresh,
        "one_office_12_months_page": timings(office_page) | {"status": office_status},
        "national_by_office_12_months_page": timings(national_page),
        "national_by_office_12_months_api": timings(national_api) | {"bytes": len(r2.content)},
        "calibration_results_selector": timings(cal_sel),
        "calibration_results_page": timings(cal_page),
        "kappa_need_group": json.loads(json.dumps(res.questions[0].result.kappa)),
        "targets": {"one_office_s": 1, "national_s": 30, "peak_rss_mib": 1024, "calibration_s": 2},
    }
