"""Tests from summary statistics: each checked against scipy/statsmodels run on raw data built to
have exactly those summaries; rounding ranges contain the value from the unrounded data."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats
from statsmodels.stats.proportion import proportions_ztest

from skreddersy.insight.analysis import AnalysisError
from skreddersy.insight.analysis import summary_tests as s


def raw_sample(mean: float, sd: float, n: int, seed: int) -> np.ndarray:
    """n values whose sample mean and sd (ddof=1) are exactly ``mean`` and ``sd``."""
    z = np.random.default_rng(seed).standard_normal(n)
    z = (z - z.mean()) / z.std(ddof=1)
    return mean + sd * z


def raw_from_table(table) -> tuple[np.ndarray, np.ndarray]:
    rows, cols = [], []
    for i, row in enumerate(table):
        for j, c in enumerate(row):
            rows += [i] * c
            cols += [j] * c
    return np.array(rows), np.array(cols)


@pytest.mark.parametrize("equal_var", [True, False])
@pytest.mark.parametrize("m1,s1,n1,m2,s2,n2", [(3.2, 1.1, 60, 2.8, 1.3, 62), (10.0, 2.0, 8, 14.5, 6.0, 30),
                                                (0.1, 0.05, 200, 0.11, 0.04, 150)])
def test_t_tests_agree_with_scipy_on_raw_data(m1, s1, n1, m2, s2, n2, equal_var):
    a, b = raw_sample(m1, s1, n1, 1), raw_sample(m2, s2, n2, 2)
    ref = stats.ttest_ind(a, b, equal_var=equal_var)
    got = s.t_test(m1, s1, n1, m2, s2, n2, equal_var=equal_var)
    assert got.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert got.p == pytest.approx(ref.pvalue, rel=1e-9)
    assert got.df[0] == pytest.approx(ref.df, rel=1e-10)
    ci = ref.confidence_interval()
    diff = got.effect("differanse")
    assert (diff.ci_low, diff.ci_high) == pytest.approx((ci.low, ci.high), rel=1e-9)
    sp = math.sqrt(((n1 - 1) * a.var(ddof=1) + (n2 - 1) * b.var(ddof=1)) / (n1 + n2 - 2))
    assert got.effect("Cohens d").value == pytest.approx((a.mean() - b.mean()) / sp, rel=1e-10)


def test_cohens_d_interval_inverts_the_noncentral_t():
    got = s.t_test(3.2, 1.1, 60, 2.8, 1.3, 62, equal_var=True)
    d = got.effect("Cohens d")
    scale = math.sqrt(1 / 60 + 1 / 62)
    assert stats.nct.cdf(got.statistic, 120, d.ci_low / scale) == pytest.approx(0.975, abs=1e-8)
    assert stats.nct.cdf(got.statistic, 120, d.ci_high / scale) == pytest.approx(0.025, abs=1e-8)


def test_anova_agrees_with_scipy_on_raw_data():
    means, sds, ns = [2.1, 2.5, 2.9, 3.3], [1.0, 1.1, 0.9, 1.4], [40, 50, 45, 12]
    groups = [raw_sample(m, sd, n, i) for i, (m, sd, n) in enumerate(zip(means, sds, ns, strict=True))]
    ref = stats.f_oneway(*groups)
    got = s.anova(means, sds, ns)
    assert got.statistic == pytest.approx(ref.statistic, rel=1e-10)
    assert got.p == pytest.approx(ref.pvalue, rel=1e-9)
    allx = np.concatenate(groups)
    ssb = sum(len(g) * (g.mean() - allx.mean()) ** 2 for g in groups)
    assert got.effect("η²").value == pytest.approx(ssb / ((allx - allx.mean()) ** 2).sum(), rel=1e-10)


@pytest.mark.parametrize("correction", [False, True])
@pytest.mark.parametrize("table", [[[20, 30], [35, 15]], [[12, 5, 9], [7, 14, 3]], [[3, 9], [10, 4]]])
def test_chi_square_agrees_with_scipy_on_raw_data(table, correction):
    import pandas as pd

    r, c = raw_from_table(table)
    crosstab = pd.crosstab(r, c).to_numpy()
    chi2, p, df, _e = stats.chi2_contingency(crosstab, correction=correction)
    got = s.chi_square_table(table, correction=correction)
    assert got.statistic == pytest.approx(chi2, rel=1e-12)
    assert got.p == pytest.approx(p, rel=1e-12)
    assert got.df == (df,)
    assert got.effect("Cramérs V").value == pytest.approx(
        stats.contingency.association(crosstab, method="cramer", correction=correction), rel=1e-10)


def test_yates_differs_from_uncorrected_on_two_by_two():
    plain = s.chi_square_table([[20, 30], [35, 15]])
    yates = s.chi_square_table([[20, 30], [35, 15]], correction=True)
    assert yates.statistic < plain.statistic and yates.test == "chi2_yates"


def test_fisher_agrees_with_scipy():
    table = [[3, 9], [10, 4]]
    ref = stats.fisher_exact(table)
    got = s.fisher_exact(table)
    assert got.p == pytest.approx(ref.pvalue, rel=1e-12)
    assert got.statistic == pytest.approx(ref.statistic, rel=1e-12)


def test_odds_ratio_and_risk_difference_by_hand():
    got = s.chi_square_table([[20, 30], [35, 15]])
    assert got.effect("oddsratio").value == pytest.approx((20 * 15) / (30 * 35))
    se = math.sqrt(1 / 20 + 1 / 30 + 1 / 35 + 1 / 15)
    lo = math.exp(math.log(20 * 15 / (30 * 35)) - stats.norm.ppf(0.975) * se)
    assert got.effect("oddsratio").ci_low == pytest.approx(lo, rel=1e-9)
    assert got.effect("risikodifferanse").value == pytest.approx(20 / 50 - 35 / 50)


def test_proportions_agree_with_statsmodels_on_counts():
    ref_z, ref_p = proportions_ztest([50, 40], [120, 130])
    got = s.proportions(None, 120, None, 130, count1=50, count2=40)
    assert got.statistic == pytest.approx(ref_z, rel=1e-10)
    assert got.p == pytest.approx(ref_p, rel=1e-10)


# --- rounding ranges -----------------------------------------------------------------------------

decimals = st.integers(min_value=1, max_value=2)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(m1=st.floats(0, 10), m2=st.floats(0, 10), s1=st.floats(0.2, 4), s2=st.floats(0.2, 4),
       n1=st.integers(2, 300), n2=st.integers(2, 300), d=decimals, equal_var=st.booleans())
def test_t_rounding_range_contains_the_unrounded_value(m1, m2, s1, s2, n1, n2, d, equal_var):
    true = s.t_test(m1, s1, n1, m2, s2, n2, equal_var=equal_var)
    rounded = s.t_test(round(m1, d), round(s1, d), n1, round(m2, d), round(s2, d), n2, equal_var=equal_var, decimals=d)
    lo, hi = rounded.rounding.statistic
    assert lo - 1e-9 * max(1, abs(lo)) <= true.statistic <= hi + 1e-9 * max(1, abs(hi))
    plo, phi = rounded.rounding.p
    assert plo - 1e-9 <= true.p <= phi + 1e-9


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(means=st.lists(st.floats(0, 5), min_size=2, max_size=5), data=st.data(), d=decimals)
def test_anova_rounding_range_contains_the_unrounded_value(means, data, d):
    k = len(means)
    sds = data.draw(st.lists(st.floats(0.3, 3), min_size=k, max_size=k))
    ns = data.draw(st.lists(st.integers(2, 100), min_size=k, max_size=k))
    true = s.anova(means, sds, ns)
    rounded = s.anova([round(m, d) for m in means], [round(x, d) for x in sds], ns, decimals=d)
    lo, hi = rounded.rounding.statistic
    assert lo * (1 - 1e-9) - 1e-12 <= true.statistic <= hi * (1 + 1e-9)
    plo, phi = rounded.rounding.p
    assert plo - 1e-9 <= true.p <= phi + 1e-9


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(p1=st.floats(0.02, 0.98), p2=st.floats(0.02, 0.98), n1=st.integers(5, 500), n2=st.integers(5, 500), d=decimals)
def test_proportion_rounding_range_contains_the_unrounded_value(p1, p2, n1, n2, d):
    true = s.proportions(p1, n1, p2, n2)
    rounded = s.proportions(round(p1, d), n1, round(p2, d), n2, decimals=d)
    lo, hi = rounded.rounding.statistic
    assert lo - 1e-7 <= true.statistic <= hi + 1e-7
    plo, phi = rounded.rounding.p
    assert plo - 1e-7 <= true.p <= phi + 1e-7


def test_published_t_within_rounding_is_told_from_a_real_disagreement():
    got = s.t_test(3.21, 1.02, 61, 2.80, 0.98, 61, equal_var=True, decimals=2)
    assert got.within_rounding(round(got.statistic, 2) + 0.01)
    assert not got.within_rounding(got.statistic + 0.5)


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("call,field", [
    (lambda: s.t_test(1, -1, 10, 2, 1, 10), "sd1"),
    (lambda: s.t_test(1, 1, 10, 2, 1, 1), "n2"),
    (lambda: s.t_test("x", 1, 10, 2, 1, 10), "mean1"),
    (lambda: s.proportions(1.2, 10, 0.5, 10), "p1"),
    (lambda: s.proportions(None, 10, None, 10, count1=11, count2=3), "count1"),
    (lambda: s.chi_square_table([[1, 2], [3, 4]], n=11), "n"),
    (lambda: s.chi_square_table([[1, -2], [3, 4]]), "table"),
    (lambda: s.anova([1, 2], [1, 1], [10]), "ns"),
    (lambda: s.anova([1, 2], [1, -1], [10, 10]), "sds[2]"),
])
def test_impossible_summaries_name_the_field(call, field):
    with pytest.raises(AnalysisError) as exc:
        call()
    assert exc.value.field == field


def test_mann_whitney_states_its_convention_and_offers_the_other():
    import pandas as pd

    from skreddersy.insight.analysis import compare_groups

    rng = np.random.default_rng(3)
    a, b = rng.integers(0, 5, 40).astype(float), rng.integers(1, 6, 30).astype(float)
    df = pd.DataFrame({"v": np.concatenate([a, b]), "g": ["x"] * 40 + ["y"] * 30})
    mw = compare_groups(df, "v", "g", groups=("x", "y"), method="mannwhitney")
    assert mw.statistic == pytest.approx(stats.mannwhitneyu(a, b).statistic)  # U of the first group
    assert mw.u_second == pytest.approx(40 * 30 - mw.statistic)
    assert mw.p == pytest.approx(stats.mannwhitneyu(a, b, use_continuity=True, method="asymptotic").pvalue)
    assert mw.p_no_correction == pytest.approx(
        stats.mannwhitneyu(a, b, use_continuity=False, method="asymptotic").pvalue)
    assert "første gruppe" in mw.convention and mw.to_dict()["u_second"] == mw.u_second
