"""Indices: mean of items, reverse coding and the minimum-answered rule."""

import math

import numpy as np
import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.insight.analysis import IndexSpec, ItemSpec, reverse_code, score_index

WORKLOAD = IndexSpec("workload", (ItemSpec("dcsq_time", 0, 3, reverse=True), ItemSpec("dcsq_conflict", 0, 3, reverse=True),
                                  ItemSpec("dcsq_load", 0, 3)), min_answered=2)


def test_reverse_coding_on_the_published_workload_index():
    # "Jeg har nok tid" = 3 (always enough time) means LOW workload: reversed to 0
    df = pd.DataFrame({"dcsq_time": [3, 0, 1], "dcsq_conflict": [3, 0, 2], "dcsq_load": [0, 3, 2]})
    assert score_index(df, WORKLOAD).tolist() == [0.0, 3.0, (2 + 1 + 2) / 3]


def test_minimum_answered_rule():
    df = pd.DataFrame({"dcsq_time": [3, np.nan, np.nan], "dcsq_conflict": [np.nan, 1, np.nan], "dcsq_load": [1, 1, 2]})
    s = score_index(df, WORKLOAD)
    assert s[0] == (0 + 1) / 2  # two of three answered: mean of those two
    assert s[1] == (2 + 1) / 2
    assert math.isnan(s[2])  # one of three: below the minimum


def test_default_minimum_is_two_thirds_rounded_up():
    items = tuple(ItemSpec(f"i{k}", 1, 5) for k in range(4))
    assert IndexSpec("x", items).required == 3
    assert IndexSpec("x", items[:2]).required == 2
    assert IndexSpec("x", items[:3]).required == 2


@given(st.integers(-3, 3), st.integers(1, 10), st.data())
def test_reverse_coding_is_a_reflection_within_the_scale(lo, width, data):
    item = ItemSpec("q", lo, lo + width, reverse=True)
    x = data.draw(st.integers(lo, lo + width))
    r = reverse_code(x, item)
    assert item.min_value <= r <= item.max_value
    assert reverse_code(r, item) == x
    assert (x - lo) == (lo + width - r)


@given(st.lists(st.tuples(st.one_of(st.none(), st.integers(0, 3)), st.one_of(st.none(), st.integers(0, 3)),
                          st.one_of(st.none(), st.integers(0, 3))), min_size=1, max_size=30))
def test_index_stays_on_the_scale_and_respects_the_rule(rows):
    df = pd.DataFrame(rows, columns=["dcsq_time", "dcsq_conflict", "dcsq_load"], dtype=float)
    s = score_index(df, WORKLOAD)
    answered = df.notna().sum(axis=1)
    assert s[answered < 2].isna().all()
    ok = s[answered >= 2]
    assert ((ok >= 0) & (ok <= 3)).all()
