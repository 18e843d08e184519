"""Insight at scale.

1. The full analysis report for one wave of 100,000 responses in 330 offices, as an analyst
   opens it: the wave page (load from the database, indices, descriptives, reliability,
   correlations, hierarchical OLS, random-intercept model with ICC, group comparisons, office
   comparison, three SVG plots, HTML) ≤ 10 s with peak memory ≤ 1 GiB; the same report as PDF.
2. The synthetic Terum & Sadeghi data set (1,377 counsellors in 108 offices) ≤ 2 s.

Data: its own database ``skr_bench_insight`` (on PostgreSQL ``<--pg-db>_insight``) (built once per database, reused; ``--fresh``
rebuilds): the item bank, a survey with the study's items, one wave, 100,000 responses from the
synthetic generator (scaled up), and an analyst login.
"""

from __future__ import annotations

import time

from bench.common import (
    DATA,
    db_url,
    drop_database,
    ensure_database,
    manage,
    marker_stem,
    peak_rss_mib,
    setup_django,
    timings,
)

RESPONSES = 100_000
OFFICES = 330
NAME = "skr_bench_insight"


def populate() -> None:
    """Runs inside ``manage.py shell`` on the bench database."""
    import datetime as dt

    from skreddersy.core import clock, reference
    from skreddersy.core.models import County, Office, Role, StaffMember, StaffRole, User
    from skreddersy.insight import services, synthetic
    from skreddersy.insight.models import Response, Wave

    services.load_item_bank(user=None)
    county = County.objects.create(code="99", name="Benkfylke")
    offices = Office.objects.bulk_create([
        Office(number=f"{9000 + i:04d}"[-4:], name=f"Nav Benk {i}", municipality=f"Kommune {i}", county=county,
               size_band="medium") for i in range(OFFICES)])
    user = User.objects.create_user(username="benk.analytiker", password="benk-passord-123", kind="staff")
    staff = StaffMember.objects.create(user=user, nav_ident="B000001", display_name="Benk Analytiker", employer="state")
    StaffRole.objects.create(staff=staff, role=Role.ANALYST)
    keys = ["ind_tailored", "pm_fill_slots", "pm_slot_access", "dcsq_time", "dcsq_conflict", "dcsq_load",
            "know_measures", "req_effective"]
    survey = services.create_survey(user=user, name="Benk", item_keys=keys,
                                    background=["caseload", "employer", "role", "gender", "age_band"])
    now = clock.now()
    wave = Wave.objects.create(survey=survey, label="Benk", opens_at=now - dt.timedelta(days=30),
                               closes_at=now - dt.timedelta(days=1))
    wave.offices.set(offices)
    data = synthetic.generate(reference.published_study(), n=RESPONSES, n_offices=OFFICES, seed=7, max_iterations=15)
    items = data.items
    caseload = ["lt25", "25_50", "51_75", "76_100", "101_125", "126_150", "gt150"]
    bands = ["lt30", "30_39", "40_49", "50_59", "60plus"]
    rows = []
    office_ids = [o.pk for o in offices]
    for rec in items.itertuples(index=False):
        age = int(rec.age)
        rows.append(Response(
            wave=wave, office_id=office_ids[(int(rec.office) - 1) % OFFICES], source="web",
            answers={k: int(getattr(rec, k)) for k in keys}, caseload=caseload[int(rec.caseload)],
            employer="state" if rec.employer == 1 else "municipal", gender="man" if rec.gender == 1 else "woman",
            age_band=bands[min(4, max(0, (age - 20) // 10))], role="counsellor"))
        if len(rows) == 5000:
            Response.objects.bulk_create(rows)
            rows = []
    if rows:
        Response.objects.bulk_create(rows)


def _database(vendor: str, fresh: bool) -> str:
    url = db_url(vendor, NAME)
    marker = DATA / f"{marker_stem(vendor, NAME)}.{vendor}.built"
    if fresh or not marker.exists():
        drop_database(url)
        ensure_database(url)
        manage(url, "migrate", "--noinput", "-v0")
        manage(url, "shell", "-c", "from bench.bench_insight import populate; populate()")
        DATA.mkdir(parents=True, exist_ok=True)
        marker.write_text("ok")
    return url


def run(args) -> dict:
    vendor = getattr(args, "db", "sqlite")
    quick = getattr(args, "quick", False)
    url = _database(vendor, getattr(args, "fresh", False))
    setup_django(url)

    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from skreddersy.core import reference
    from skreddersy.core.models import User
    from skreddersy.insight import reports, selectors, synthetic
    from skreddersy.insight.models import Response, Wave

    study = reference.published_study()
    synthetic.generate(study)  # warm imports
    syn = []
    for _ in range(3 if quick else 9):
        t0 = time.perf_counter()
        data = synthetic.generate(study)
        syn.append(time.perf_counter() - t0)

    wave = Wave.objects.get(label="Benk")
    n = Response.objects.filter(wave=wave).count()
    client = Client()
    client.force_login(User.objects.get(username="benk.analytiker"))
    url_html = f"/innsikt/runde/{wave.pk}/"
    html, pdf, queries, size = [], [], 0, 0
    for i in range(2 if quick else 5):
        t0 = time.perf_counter()
        with CaptureQueriesContext(connection) as ctx:
            resp = client.get(url_html)
        html.append(time.perf_counter() - t0)
        assert resp.status_code == 200, resp.status_code
        queries, size = len(ctx.captured_queries), len(resp.content)
        if i < (1 if quick else 3):
            t0 = time.perf_counter()
            resp = client.get(f"/innsikt/runde/{wave.pk}/rapport.pdf")
            pdf.append(time.perf_counter() - t0)
            assert resp.status_code == 200
    # where the time goes (one pass)
    steps = {}
    t0 = time.perf_counter()
    ctx_s = selectors.survey_context(wave.survey)
    frame = selectors.wave_frame(wave, ctx_s)
    steps["load_frame_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    report = reports.build_report(frame, ctx_s, scope="analyst", title="benk")
    steps["analyses_s"] = round(time.perf_counter() - t0, 2)
    t0 = time.perf_counter()
    report.svg_distribution(), report.svg_coefficients(), report.svg_offices()
    steps["svg_plots_s"] = round(time.perf_counter() - t0, 2)
    steps["icc"] = round(report.multilevel.icc, 4) if report.multilevel else None
    steps["errors"] = report.errors
    return {
        "scale": {"responses": n, "offices": OFFICES, "synthetic_n": data.n, "synthetic_offices": int(
            data.study["office"].nunique())},
        "report_html": timings(html) | {"queries": queries, "bytes": size},
        "report_pdf": timings(pdf),
        "report_steps": steps,
        "synthetic_1377": timings(syn) | {"max_abs_correlation_error": round(data.max_abs_error, 4)},
        "targets": {"report_html_s": 10, "peak_rss_mib": 1024, "synthetic_s": 2},
        "peak_rss_mib": peak_rss_mib(),
    }
