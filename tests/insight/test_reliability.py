"""Cronbach's alpha and the mean inter-item correlation against independent computations."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.insight.analysis import AnalysisError, IndexSpec, ItemSpec, reliability

ITEMS = (ItemSpec("a", 0, 4), ItemSpec("b", 0, 4), ItemSpec("c", 0, 4))
INDEX = IndexSpec("idx", ITEMS)


def alpha_by_hand(x: np.ndarray) -> float:
    """From the covariance matrix: alpha = k/(k-1) * (1 - trace(C) / sum(C))."""
    c = np.cov(x, rowvar=False)
    k = x.shape[1]
    return k / (k - 1) * (1 - np.trace(c) / c.sum())


def test_alpha_matches_covariance_formula_and_standardised_alpha_relation():
    rng = np.random.default_rng(3)
    latent = rng.normal(size=500)
    x = np.clip(np.round(2 + latent[:, None] + rng.normal(scale=1.0, size=(500, 3))), 0, 4)
    df = pd.DataFrame(x, columns=["a", "b", "c"])
    res = reliability(df, INDEX)
    assert res.alpha == pytest.approx(alpha_by_hand(x), abs=1e-12)
    r = np.corrcoef(x, rowvar=False)
    assert res.mean_inter_item_r == pytest.approx((r[0, 1] + r[0, 2] + r[1, 2]) / 3, abs=1e-12)
    assert res.n == 500
    assert set(res.alpha_if_deleted) == {"a", "b", "c"}
    assert res.alpha_if_deleted["a"] == pytest.approx(alpha_by_hand(x[:, 1:]), abs=1e-12)


def test_textbook_example():
    # three items, five respondents; worked out by hand: item variances 1.3, 1.7, 1.3 (sum 4.3),
    # total scores 3, 6, 9, 9, 12 with variance 11.7 -> alpha = 1.5 * (1 - 4.3/11.7) = 0.9487...
    df = pd.DataFrame({"a": [1, 2, 3, 3, 4], "b": [1, 2, 3, 4, 4], "c": [1, 2, 3, 2, 4]})
    assert reliability(df, INDEX).alpha == pytest.approx(1.5 * (1 - 4.3 / 11.7), abs=1e-12)


def test_reverse_item_is_flipped_before_alpha():
    df = pd.DataFrame({"a": [0, 1, 2, 3, 4, 4], "b": [4, 3, 2, 1, 0, 1], "c": [0, 1, 2, 4, 4, 3]})
    flipped = IndexSpec("idx", (ItemSpec("a", 0, 4), ItemSpec("b", 0, 4, reverse=True), ItemSpec("c", 0, 4)))
    res = reliability(df, flipped)
    by_hand = alpha_by_hand(np.column_stack([df.a, 4 - df.b, df.c]).astype(float))
    assert res.alpha == pytest.approx(by_hand)
    assert res.alpha > 0.9


def test_constant_item_and_too_few_answers_are_clear_errors():
    with pytest.raises(AnalysisError, match="samme svar"):
        reliability(pd.DataFrame({"a": [1, 2, 3, 4], "b": [2, 2, 2, 2], "c": [1, 3, 2, 4]}), INDEX)
    with pytest.raises(AnalysisError, match="For få"):
        reliability(pd.DataFrame({"a": [1, 2], "b": [2, 3], "c": [1, 3]}), INDEX)
    with pytest.raises(AnalysisError, match="bare én"):
        reliability(pd.DataFrame({"a": [1, 2, 3]}), IndexSpec("one", (ItemSpec("a", 0, 4),)))


@given(st.lists(st.tuples(*[st.integers(0, 4)] * 3), min_size=5, max_size=40))
def test_alpha_agrees_with_formula_on_any_data(rows):
    x = np.array(rows, dtype=float)
    if (x.std(axis=0) == 0).any() or x.sum(axis=1).std() == 0:
        return
    res = reliability(pd.DataFrame(x, columns=["a", "b", "c"]), INDEX)
    assert res.alpha == pytest.approx(alpha_by_hand(x), abs=1e-9)
    assert res.alpha <= 1 + 1e-12
