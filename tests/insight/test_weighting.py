"""Representativeness and weights: raking reproduces its targets, impossible targets are refused
by name, and weighted estimates agree with a second implementation (numpy by hand here; R's
``survey`` package in tests/insight/test_peers.py)."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy import stats

from skreddersy.insight.analysis import AnalysisError
from skreddersy.insight.analysis import weighting as W


def sample_frame(n=2000, seed=1):
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "size": rng.choice(["small", "medium", "large"], n, p=[0.2, 0.5, 0.3]),
        "employer": rng.choice(["state", "municipal"], n, p=[0.6, 0.4]),
        "role": rng.choice(["counsellor", "leader", "adviser"], n, p=[0.7, 0.1, 0.2]),
        "gender": rng.choice(["woman", "man", None], n, p=[0.7, 0.25, 0.05]),
        "office": rng.integers(0, 40, n),
        "y": rng.normal(3, 1, n),
        "x": rng.normal(0, 1, n),
    })


shares = st.lists(st.floats(0.05, 1.0), min_size=3, max_size=3)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(size=shares, emp=st.floats(0.1, 0.9), role=shares)
def test_raking_reproduces_the_target_margins(size, emp, role):
    frame = sample_frame()
    targets = {"size": dict(zip(["small", "medium", "large"], size, strict=True)),
               "employer": {"state": emp, "municipal": 1 - emp},
               "role": dict(zip(["counsellor", "leader", "adviser"], role, strict=True))}
    w = W.rake(frame, targets)
    for var, t in targets.items():
        total = sum(t.values())
        for cat, share in t.items():
            got = w.weights[frame[var].to_numpy() == cat].sum() / w.weights.sum()
            assert got == pytest.approx(share / total, abs=1e-7)
    assert w.weights.mean() == pytest.approx(1.0)


def test_unknown_answers_keep_their_sample_share():
    frame = sample_frame()
    w = W.rake(frame, {"gender": {"woman": 0.5, "man": 0.5}, "employer": {"state": 0.5, "municipal": 0.5}})
    unknown = frame["gender"].isna().to_numpy()
    assert w.weights[unknown].sum() / w.weights.sum() == pytest.approx(unknown.mean(), abs=1e-7)


def test_an_empty_target_cell_is_refused_by_name():
    frame = sample_frame()
    with pytest.raises(AnalysisError) as exc:
        W.rake(frame, {"size": {"small": 0.3, "medium": 0.3, "large": 0.2, "huge": 0.2}})
    assert exc.value.field == "size" and "huge" in exc.value.message


def test_small_cells_are_not_exported():
    frame = sample_frame(300)
    frame.loc[:2, "role"] = "rare"
    w = W.rake(frame, {"role": {"counsellor": 0.5, "leader": 0.2, "adviser": 0.2, "rare": 0.1}})
    out = w.exportable()
    assert np.isnan(out[:3]).all() and not np.isnan(out[3:]).any()


def _by_hand_mean(y, w, g):
    """The survey package's linearisation variance for a ratio mean, written out."""
    mean = (w * y).sum() / w.sum()
    z = pd.Series(w * (y - mean) / w.sum()).groupby(g).sum().to_numpy()
    k = len(z)
    return mean, math.sqrt(k / (k - 1) * (z**2).sum())


def test_weighted_mean_and_se_by_hand():
    frame = sample_frame()
    w = W.rake(frame, {"size": {"small": 0.3, "medium": 0.4, "large": 0.3}, "employer": {"state": .5, "municipal": .5}})
    m, se = W.weighted_mean(frame["y"], w.weights, frame["office"])
    hm, hse = _by_hand_mean(frame["y"].to_numpy(), w.weights, frame["office"].to_numpy())
    assert m == pytest.approx(hm, rel=1e-12)
    assert se == pytest.approx(hse, rel=1e-10)


def test_weighted_regression_by_hand():
    frame = sample_frame()
    w = W.rake(frame, {"size": {"small": 0.3, "medium": 0.4, "large": 0.3}}).weights
    res = W.weighted_ols(frame, "y", ["x"], w)
    x = np.column_stack([np.ones(len(frame)), frame["x"]])
    y = frame["y"].to_numpy()
    xtwx_inv = np.linalg.inv(x.T @ (w[:, None] * x))
    b = xtwx_inv @ x.T @ (w * y)
    e = y - x @ b
    scores = pd.DataFrame(x * (w * e)[:, None]).groupby(frame["office"].to_numpy()).sum().to_numpy()
    g = len(scores)
    cov = g / (g - 1) * xtwx_inv @ (scores.T @ scores) @ xtwx_inv
    assert [s.b for s in res.weighted] == pytest.approx(list(b), rel=1e-10)
    assert [s.se for s in res.weighted] == pytest.approx(list(np.sqrt(np.diag(cov))), rel=1e-8)


def test_goodness_of_fit_matches_scipy_and_hides_small_groups():
    res = W.goodness_of_fit("employer", {"state": 60, "municipal": 40}, {"state": 500, "municipal": 500})
    ref = stats.chisquare([60, 40], [50, 50])
    assert res.chi2 == pytest.approx(ref.statistic) and res.p == pytest.approx(ref.pvalue)
    small = W.goodness_of_fit("role", {"a": 50, "b": 30, "c": 3}, {"a": 10, "b": 10, "c": 10})
    hidden = [r for r in small.rows if r.hidden]
    assert {r.category for r in hidden} == {"c", "b"}  # the small one and, complementary, the next smallest
    assert all(r.respondents is None for r in hidden)


def test_closed_form_mean_equals_the_cluster_robust_fit():
    frame = sample_frame()
    w = W.rake(frame, {"size": {"small": 0.3, "medium": 0.4, "large": 0.3}}).weights
    res, cov, _g = W._cluster_fit(frame["y"].to_numpy(), np.ones((len(frame), 1)), w, frame["office"].to_numpy())
    m, se = W.weighted_mean(frame["y"], w, frame["office"])
    assert m == pytest.approx(float(res.params[0]), rel=1e-12)
    assert se == pytest.approx(math.sqrt(cov[0, 0]), rel=1e-10)
