"""The analyst's toolkit at scale.

1. Checking a pasted results section of 200 results (all styles, Norwegian commas, planted
   errors) ≤ 1 s.
2. Raking 100,000 responses on 5 variables (office size band, employer, county, role, gender)
   ≤ 5 s, peak memory of the raking ≤ 1 GiB (tracemalloc, numpy included) and the process's.
3. The weighted full report for a wave of 100,000 responses (load, raking on 5 variables,
   weighted and unweighted descriptives for every item and index, weighted regression with
   office-clustered SEs) ≤ 15 s, through the selector and through the page. Uses the insight
   benchmark's database (``bench_insight``: built once, reused).
"""

from __future__ import annotations

import time
import tracemalloc

import numpy as np

from bench.common import peak_rss_mib, setup_django, timings

RESPONSES = 100_000


def results_section(n: int, seed: int = 1) -> str:
    from scipy import stats

    rng = np.random.default_rng(seed)
    lines = []
    for i in range(n):
        kind = rng.choice(["t", "F", "chi", "r", "z"])
        p = float(10 ** rng.uniform(-4, -0.1))
        if rng.random() < 0.2:
            p_text = f"{min(p * 4, 0.9):.3f}"  # planted error
        else:
            p_text = f"{p:.3f}" if p >= 0.001 else None
        comma = i % 3 == 0
        if kind == "t":
            df = int(rng.integers(10, 500))
            head, value = f"t({df})", stats.t.isf(p / 2, df)
        elif kind == "F":
            d1, d2 = int(rng.integers(1, 5)), int(rng.integers(20, 2000))
            head, value = f"F({d1}{'; ' if comma else ', '}{d2})", stats.f.isf(p, d1, d2)
        elif kind == "chi":
            df = int(rng.integers(1, 8))
            head, value = f"χ²({df})", stats.chi2.isf(p, df)
        elif kind == "r":
            df = int(rng.integers(20, 2000))
            t = stats.t.isf(p / 2, df)
            head, value = f"r({df})", -t / np.sqrt(df + t * t)
        else:
            head, value = "z", stats.norm.isf(p / 2)
        val = f"{value:.2f}"
        if comma:
            val, p_text = val.replace(".", ","), p_text.replace(".", ",") if p_text else None
        ptxt = f"p = {p_text}" if p_text else ("p < ,001" if comma else "p < .001")
        lines.append(f"Resultatet var {head} = {val.replace('-', '−')}, {ptxt}.")
    return "\n".join(lines)


def raking_frame(n: int, seed: int = 1):
    import pandas as pd

    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "size_band": rng.choice(["small", "medium", "large"], n, p=[0.2, 0.5, 0.3]),
        "employer": rng.choice(["state", "municipal"], n, p=[0.65, 0.35]),
        "county": rng.choice([f"{c:02d}" for c in (3, 11, 15, 18, 31, 32, 33, 34, 39, 40, 42, 46, 50, 55, 56)], n),
        "role": rng.choice(["counsellor", "leader", "job_specialist", "other"], n, p=[0.7, 0.08, 0.1, 0.12]),
        "gender": rng.choice(["woman", "man", None], n, p=[0.72, 0.25, 0.03]),
    })


def run(args) -> dict:
    quick = getattr(args, "quick", False)
    vendor = getattr(args, "db", "sqlite")
    from bench.bench_insight import _database

    url = _database(vendor, getattr(args, "fresh", False))
    setup_django(url)

    from skreddersy.insight.analysis import weighting
    from skreddersy.insight.analysis.checker import check_text

    # 1. checker
    text = results_section(200)
    check_text(text)  # warm
    checks = []
    for _ in range(3 if quick else 10):
        t0 = time.perf_counter()
        report = check_text(text)
        checks.append(time.perf_counter() - t0)

    # 2. raking
    frame = raking_frame(RESPONSES)
    targets = {
        "size_band": {"small": 0.3, "medium": 0.4, "large": 0.3},
        "employer": {"state": 0.55, "municipal": 0.45},
        "county": {c: 1 / 15 for c in frame["county"].unique()},
        "role": {"counsellor": 0.6, "leader": 0.1, "job_specialist": 0.15, "other": 0.15},
        "gender": {"woman": 0.7, "man": 0.3},
    }
    rakes, peak = [], 0
    for _ in range(2 if quick else 5):
        tracemalloc.start()
        t0 = time.perf_counter()
        w = weighting.rake(frame, targets)
        rakes.append(time.perf_counter() - t0)
        peak = max(peak, tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()

    # 3. weighted full report on the insight benchmark's wave of 100,000
    from django.test import Client

    from skreddersy.core.models import User
    from skreddersy.insight.models import Response, Wave
    from skreddersy.insight.toolkit import selectors as toolkit

    wave = Wave.objects.get(label="Benk")
    user = User.objects.get(username="benk.analytiker")
    n = Response.objects.filter(wave=wave).count()
    variables = ["size_band", "employer", "county", "role", "gender"]
    national = toolkit.parse_national("size_band medium 1\nemployer state 0.55\nemployer municipal 0.45\n"
                                      "county 99 1\nrole counsellor 1\ngender woman 0.7\ngender man 0.3")
    reports = []
    for _ in range(1 if quick else 3):
        t0 = time.perf_counter()
        rep = toolkit.weighted_report(user, wave, variables, national)
        reports.append(time.perf_counter() - t0)
    client = Client()
    client.force_login(user)
    query = ("?" + "&".join(f"variables={v}" for v in variables) + "&national=" +
             "%0A".join(f"{k}+{c}+{s}" for k, m in national.items() for c, s in m.items()))
    pages = []
    for _ in range(1 if quick else 3):
        t0 = time.perf_counter()
        resp = client.get(f"/innsikt/runde/{wave.pk}/representativitet/{query}")
        pages.append(time.perf_counter() - t0)
        assert resp.status_code == 200, resp.status_code
    return {
        "check_200_results": timings(checks) | {"results": len(report.results), "flagged": len(report.flagged)},
        "rake_100k_5_variables": timings(rakes) | {"tracemalloc_peak_mib": round(peak / 2**20, 1),
                                                  "max_margin_error": w.max_margin_error,
                                                  "cells": int(np.prod([len(t) for t in targets.values()]))},
        "weighted_report_100k": timings(reports) | {"responses": n, "regression": rep.regression is not None,
                                                    "errors": rep.errors},
        "weighted_page_100k": timings(pages),
        "targets": {"check_200_s": 1, "rake_s": 5, "rake_peak_mib": 1024, "weighted_report_s": 15},
        "peak_rss_mib": peak_rss_mib(),
    }
