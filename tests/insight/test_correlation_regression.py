"""Correlations and hierarchical OLS against independent computations (numpy normal equations,
closed forms for R² change and F change, scipy for p-values)."""

import numpy as np
import pandas as pd
import pytest
from scipy import stats

from skreddersy.insight.analysis import (
    AnalysisError,
    correlations,
    hierarchical_ols,
    regression_from_correlations,
)


@pytest.fixture
def data():
    rng = np.random.default_rng(11)
    n = 300
    x1 = rng.normal(size=n)
    x2 = 0.4 * x1 + rng.normal(size=n)
    x3 = rng.integers(0, 2, size=n).astype(float)
    y = 1.0 - 0.5 * x1 + 0.3 * x2 + 0.8 * x3 + rng.normal(size=n)
    df = pd.DataFrame({"y": y, "x1": x1, "x2": x2, "x3": x3})
    df.loc[5, "x2"] = np.nan  # one incomplete case: listwise deletion
    return df


def test_correlations_and_p_values_match_scipy(data):
    res = correlations(data, ["y", "x1", "x2"])
    complete = data[["y", "x2"]].dropna()
    r, p = stats.pearsonr(complete.y, complete.x2)
    assert res.r.loc["y", "x2"] == pytest.approx(r, abs=1e-12)
    assert res.p.loc["y", "x2"] == pytest.approx(p, rel=1e-8)
    assert res.n.loc["y", "x2"] == 299 and res.n.loc["y", "x1"] == 300
    r2, _ = stats.pearsonr(data.y, data.x1)
    assert res.r.loc["x1", "y"] == pytest.approx(r2, abs=1e-12)
    assert "***" in res.to_frame().loc["x1", "y"]


def _ols(y, x):
    x = np.column_stack([np.ones(len(y)), x])
    b = np.linalg.solve(x.T @ x, x.T @ y)
    resid = y - x @ b
    df = len(y) - x.shape[1]
    s2 = resid @ resid / df
    se = np.sqrt(np.diag(s2 * np.linalg.inv(x.T @ x)))
    r2 = 1 - resid @ resid / ((y - y.mean()) @ (y - y.mean()))
    return b, se, r2, df


def test_hierarchical_ols_matches_normal_equations(data):
    res = hierarchical_ols(data, "y", [["x1"], ["x2", "x3"]])
    d = data.dropna()
    assert res.n == 299 and res.n_excluded == 1
    y = d.y.to_numpy()
    b1, se1, r2_1, _ = _ols(y, d[["x1"]].to_numpy())
    b2, se2, r2_2, df2 = _ols(y, d[["x1", "x2", "x3"]].to_numpy())
    m1, m2 = res.blocks
    assert m1.coefficient("x1").b == pytest.approx(b1[1])
    assert m2.coefficient("x3").b == pytest.approx(b2[3])
    assert m2.coefficient("x2").se == pytest.approx(se2[2])
    t = b2[2] / se2[2]
    assert m2.coefficient("x2").t == pytest.approx(t)
    assert m2.coefficient("x2").p == pytest.approx(2 * stats.t.sf(abs(t), df2))
    # standardised beta = coefficient from a regression on z-scores
    z = (d - d.mean()) / d.std(ddof=1)
    bz, *_ = _ols(z.y.to_numpy(), z[["x1", "x2", "x3"]].to_numpy())
    for j, name in enumerate(["x1", "x2", "x3"], start=1):
        assert m2.beta(name) == pytest.approx(bz[j])
    assert m1.r2 == pytest.approx(r2_1) and m2.r2 == pytest.approx(r2_2)
    assert m2.adj_r2 == pytest.approx(1 - (1 - r2_2) * (299 - 1) / (299 - 3 - 1))
    assert m2.r2_change == pytest.approx(r2_2 - r2_1)
    f_change = ((r2_2 - r2_1) / 2) / ((1 - r2_2) / (299 - 3 - 1))
    assert m2.f_change == pytest.approx(f_change)
    assert m2.p_f_change == pytest.approx(stats.f.sf(f_change, 2, 295))
    assert (m2.df1, m2.df2) == (2, 295)
    # confidence interval of beta brackets beta and has the right width
    c = m2.coefficient("x1")
    assert c.beta_ci_low < c.beta < c.beta_ci_high
    assert "Modell 2" in str(res)


def test_regression_from_correlations_equals_raw_data_betas(data):
    d = data.dropna()
    r = d.corr()
    summary = regression_from_correlations(r, "y", ["x1", "x2", "x3"], len(d))
    raw = hierarchical_ols(d, "y", [["x1", "x2", "x3"]]).final
    for name in ["x1", "x2", "x3"]:
        assert summary.betas[name] == pytest.approx(raw.beta(name), abs=1e-10)
    assert summary.r2 == pytest.approx(raw.r2, abs=1e-10)
    assert summary.adj_r2 == pytest.approx(raw.adj_r2, abs=1e-10)


def test_inestimable_models_get_clear_messages(data):
    with pytest.raises(AnalysisError, match="minst 5"):
        hierarchical_ols(data.head(4), "y", [["x1", "x2", "x3"]])
    const = data.assign(c=1.0)
    with pytest.raises(AnalysisError, match="konstant forklaringsvariabel") as exc:
        hierarchical_ols(const, "y", [["x1"], ["c"]], labels={"c": "Kontorstørrelse"})
    assert "Kontorstørrelse" in exc.value.message
    collinear = data.assign(x4=data.x1 * 2 - data.x2)
    with pytest.raises(AnalysisError, match="perfekt kollinearitet") as exc:
        hierarchical_ols(collinear, "y", [["x1", "x2"], ["x4"]])
    assert all(v in exc.value.message for v in ("x1", "x2", "x4"))
    with pytest.raises(AnalysisError, match="konstant"):
        hierarchical_ols(data.assign(y=2.0), "y", [["x1"]])
    with pytest.raises(AnalysisError, match="mer enn én gang"):
        hierarchical_ols(data, "y", [["x1"], ["x1"]])
    with pytest.raises(AnalysisError, match="finnes ikke"):
        hierarchical_ols(data, "y", [["nope"]])
    with pytest.raises(AnalysisError, match="samme verdi"):
        correlations(const, ["y", "c"])
    # the error is a 4xx service error, never a 500
    assert AnalysisError("x").status == 422
