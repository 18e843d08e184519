"""Workload beside the survey: Steiger's test for dependent correlations (checked against a
published value and by simulation under the null), correlations with CIs, suppression of offices
under 5 answers, and the multilevel model."""

import numpy as np
import pandas as pd
import pytest

from skreddersy.workload.survey import compare, correlation, steiger_z


def test_steiger_agrees_with_an_independent_formula_for_the_same_test():
    # Meng, Rosenthal & Rubin (1992) test the same hypothesis with a different closed form; for
    # r_jk=.5, r_jh=.3, r_kh=.2, n=100 the two Z values agree to within 0.05 (1.780 and 1.775).
    t = steiger_z(0.5, 0.3, 0.2, 100)
    z1, z2 = np.arctanh(0.5), np.arctanh(0.3)
    rm2 = (0.5**2 + 0.3**2) / 2
    f = min(1.0, (1 - 0.2) / (2 * (1 - rm2)))
    h = (1 - f * rm2) / (1 - rm2)
    mrr = (z1 - z2) * np.sqrt((100 - 3) / (2 * (1 - 0.2) * h))
    assert t.z == pytest.approx(mrr, abs=0.05)
    assert 0.05 < t.p < 0.12


def test_steiger_holds_its_size_under_the_null():
    rng = np.random.default_rng(7)
    cov = np.array([[1, 0.4, 0.4], [0.4, 1, 0.5], [0.4, 0.5, 1]])
    rejections, sims, n = 0, 2000, 60
    for _ in range(sims):
        x = rng.multivariate_normal(np.zeros(3), cov, size=n)
        r = np.corrcoef(x.T)
        rejections += steiger_z(r[0, 1], r[0, 2], r[1, 2], n).p < 0.05
    assert 0.035 <= rejections / sims <= 0.07


def test_correlation_ci_contains_r_and_matches_scipy_p():
    from scipy import stats

    rng = np.random.default_rng(1)
    x = rng.normal(size=40)
    y = x + rng.normal(size=40)
    c = correlation(x, y)
    r, p = stats.pearsonr(x, y)
    assert c.r == pytest.approx(r) and c.p == pytest.approx(p)
    assert c.ci_low < c.r < c.ci_high


def _data(seed=3, n_offices=30):
    rng = np.random.default_rng(seed)
    offices, rows = [], []
    for o in range(n_offices):
        modelled = rng.uniform(20, 40)
        caseload = 60 + 2 * modelled + rng.normal(0, 15)
        n = int(rng.integers(2, 15))
        answers = 1 + 0.05 * modelled + rng.normal(0, 0.4, size=n)
        rows += [{"office": o, "workload": a} for a in answers]
        offices.append(
            {"office": o, "n": n, "experienced": float(answers.mean()), "modelled": modelled, "caseload": caseload}
        )
    return offices, pd.DataFrame(rows)


def test_offices_under_five_answers_are_left_out_before_anything_is_computed():
    offices, frame = _data()
    res = compare(offices, frame)
    small = [o for o in offices if o["n"] < 5]
    assert small and res.hidden_offices == len(small)
    assert res.n_offices == len(offices) - len(small)
    assert res.n_respondents == sum(o["n"] for o in offices if o["n"] >= 5)
    assert res.multilevel.n == res.n_respondents and res.multilevel.groups == res.n_offices
    kept = [o for o in offices if o["n"] >= 5]
    assert res.modelled.r == pytest.approx(
        np.corrcoef([o["experienced"] for o in kept], [o["modelled"] for o in kept])[0, 1]
    )


def test_too_few_offices_is_a_message_not_a_number():
    offices, frame = _data(n_offices=4)
    res = compare(offices, frame)
    assert res.modelled is None and "For få kontor" in res.message
