"""Group comparisons, χ², wave-to-wave, and the random-intercept model with its ICC."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skreddersy.insight.analysis import AnalysisError, chi_square, compare_groups, compare_waves, random_intercept
from skreddersy.insight.analysis.multilevel import profile_reml


def test_welch_t_by_formula():
    rng = np.random.default_rng(5)
    a, b = rng.normal(2.9, 0.8, 120), rng.normal(2.7, 1.1, 90)
    df = pd.DataFrame({"v": np.r_[a, b], "g": ["statlig"] * 120 + ["kommunal"] * 90})
    res = compare_groups(df, "v", "g", groups=("statlig", "kommunal"))
    se = np.sqrt(a.var(ddof=1) / 120 + b.var(ddof=1) / 90)
    t = (a.mean() - b.mean()) / se
    dof = se**4 / ((a.var(ddof=1) / 120) ** 2 / 119 + (b.var(ddof=1) / 90) ** 2 / 89)
    assert res.statistic == pytest.approx(t)
    assert res.df == pytest.approx(dof)
    assert res.p == pytest.approx(2 * stats.t.sf(abs(t), dof))
    mw = compare_groups(df, "v", "g", groups=("statlig", "kommunal"), method="mannwhitney")
    assert mw.p == pytest.approx(stats.mannwhitneyu(a, b, alternative="two-sided").pvalue)


def test_chi_square_by_hand():
    df = pd.DataFrame({"a": ["s"] * 30 + ["k"] * 20, "b": ["x"] * 20 + ["y"] * 10 + ["x"] * 5 + ["y"] * 15})
    res = chi_square(df, "a", "b")
    obs = np.array([[5, 15], [20, 10]])  # rows k, s; columns x, y
    exp = obs.sum(1, keepdims=True) * obs.sum(0, keepdims=True) / obs.sum()
    assert res.chi2 == pytest.approx(((obs - exp) ** 2 / exp).sum())
    assert res.df == 1
    assert res.cramers_v == pytest.approx(np.sqrt(res.chi2 / 50))


def test_wave_comparison_and_group_errors():
    before = pd.DataFrame({"v": [1, 2, 3, 2, 3, 2]})
    after = pd.DataFrame({"v": [3, 4, 3, 4, 3, 4]})
    res = compare_waves(before, after, ["v"])
    assert res.rows[0].difference == pytest.approx(before.v.mean() - after.v.mean())
    with pytest.raises(AnalysisError, match="nøyaktig to"):
        compare_groups(pd.DataFrame({"v": [1, 2], "g": ["a", "a"]}), "v", "g")


def test_random_intercept_recovers_a_known_icc_and_agrees_with_the_profile_likelihood():
    rng = np.random.default_rng(8)
    groups = np.repeat(np.arange(60), 25)
    u = rng.normal(0, np.sqrt(0.2), 60)[groups]
    x = rng.normal(size=groups.size)
    y = 1 + 0.5 * x + u + rng.normal(0, np.sqrt(0.8), groups.size)
    df = pd.DataFrame({"y": y, "x": x, "office": groups})
    res = random_intercept(df, "y", ["x"])
    assert res.groups == 60 and res.n == 1500
    assert 0.1 < res.icc < 0.32  # true ICC of the empty model: 0.25 / (0.25 + 0.8) ~ 0.24
    gamma, beta, sigma2 = profile_reml(y, np.column_stack([np.ones_like(x), x]), groups)
    assert res.between_variance == pytest.approx(gamma * sigma2, rel=1e-3)
    assert res.fixed.iloc[1]["B"] == pytest.approx(beta[1], rel=1e-4)
    assert res.fixed.iloc[1]["B"] == pytest.approx(0.5, abs=0.1)


def test_multilevel_needs_two_offices():
    df = pd.DataFrame({"y": [1.0, 2, 3, 4], "office": [1, 1, 1, 1]})
    with pytest.raises(AnalysisError, match="minst to kontor"):
        random_intercept(df, "y", [])
