"""Agreement statistics (insight.analysis.agreement) against the published worked examples and
against implementations the product does not use: statsmodels' fleiss_kappa and the
``krippendorff`` package (a test-only dependency, docs/decisions/0034-tailoring-krippendorff.md)."""

from __future__ import annotations

import krippendorff
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from statsmodels.stats.inter_rater import aggregate_raters
from statsmodels.stats.inter_rater import fleiss_kappa as sm_fleiss_kappa

from skreddersy.insight.analysis import AnalysisError
from skreddersy.insight.analysis import agreement as A

# Fleiss (1971), Table 1: 30 patients, 6 psychiatrists each, 5 diagnoses (as statsmodels' tests
# and R's irr::kappam.fleiss(diagnoses) carry it). Published kappa: 0.430.
FLEISS_1971 = np.array(
    [
        [4, 4, 4, 4, 4, 4],
        [2, 2, 2, 5, 5, 5],
        [2, 3, 3, 3, 3, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 2, 2, 4, 4, 4],
        [1, 1, 3, 3, 3, 3],
        [3, 3, 3, 3, 5, 5],
        [1, 1, 3, 3, 3, 4],
        [1, 1, 4, 4, 4, 4],
        [5, 5, 5, 5, 5, 5],
        [1, 4, 4, 4, 4, 4],
        [1, 2, 4, 4, 4, 4],
        [2, 2, 2, 3, 3, 3],
        [1, 4, 4, 4, 4, 4],
        [2, 2, 4, 4, 4, 5],
        [3, 3, 3, 3, 3, 5],
        [1, 1, 1, 4, 5, 5],
        [1, 1, 1, 1, 1, 2],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 5, 5, 5],
        [5, 5, 5, 5, 5, 5],
        [2, 4, 4, 4, 4, 4],
        [2, 2, 4, 5, 5, 5],
        [1, 1, 4, 4, 4, 4],
        [1, 4, 4, 4, 4, 5],
        [2, 2, 2, 2, 2, 4],
        [1, 1, 1, 1, 5, 5],
        [2, 2, 4, 4, 4, 4],
        [1, 3, 3, 3, 3, 3],
        [5, 5, 5, 5, 5, 5],
    ]
)

# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", the example with 4 observers,
# 12 units and missing values. Published: nominal 0.743, ordinal 0.815.
NAN = np.nan
KRIPPENDORFF_2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def test_fleiss_1971_published_value():
    counts, _ = aggregate_raters(FLEISS_1971)
    assert A.fleiss_kappa(counts) == pytest.approx(0.430, abs=0.0005)
    assert A.fleiss_kappa(counts) == pytest.approx(0.4302445, abs=1e-7)


def test_krippendorff_2011_published_values():
    counts, _ = A.counts_from_values(KRIPPENDORFF_2011)
    assert A.krippendorff_alpha(counts, "nominal") == pytest.approx(0.743, abs=0.0005)
    assert A.krippendorff_alpha(counts, "ordinal") == pytest.approx(0.815, abs=0.0005)


@st.composite
def count_tables(draw):
    cases, cats, raters = draw(st.integers(2, 12)), draw(st.integers(2, 5)), draw(st.integers(2, 9))
    rows = []
    for _ in range(cases):
        cuts = sorted(draw(st.lists(st.integers(0, raters), min_size=cats - 1, max_size=cats - 1)))
        edges = [0, *cuts, raters]
        rows.append([edges[i + 1] - edges[i] for i in range(cats)])
    return np.array(rows, dtype=float)


@settings(max_examples=200, deadline=None)
@given(count_tables())
def test_fleiss_kappa_matches_statsmodels(counts):
    ours = A.fleiss_kappa(counts)
    if ours is None:  # every answer the same category: chance agreement is 1, kappa undefined
        assert (counts.sum(axis=0) > 0).sum() == 1
        return
    assert ours == pytest.approx(sm_fleiss_kappa(counts), abs=1e-9)


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.lists(st.one_of(st.none(), st.integers(0, 4)), min_size=6, max_size=6), min_size=2, max_size=6),
    st.sampled_from(["nominal", "ordinal"]),
)
def test_krippendorff_alpha_matches_the_krippendorff_package(values, level):
    data = np.array([[NAN if v is None else v for v in row] for row in values], dtype=float)
    counts, _ = A.counts_from_values(data.tolist(), categories=[0, 1, 2, 3, 4])
    pairable = counts[counts.sum(axis=1) >= 2]
    if pairable.shape[0] == 0 or (pairable.sum(axis=0) > 0).sum() < 2:
        return  # no pairable values, or no variation: alpha is not defined
    ours = A.krippendorff_alpha(counts, level)
    theirs = krippendorff.alpha(reliability_data=data, level_of_measurement=level, value_domain=[0, 1, 2, 3, 4])
    assert ours == pytest.approx(theirs, abs=1e-9)


def test_bootstrap_intervals_surround_the_estimate_and_spread_per_case():
    counts, _ = aggregate_raters(FLEISS_1971)
    res = A.agreement(counts, level="nominal", references=[3] * 30, bootstrap=500)
    lo, hi = res.kappa_ci
    assert lo < res.kappa < hi
    assert res.alpha_ci[0] < res.alpha < res.alpha_ci[1]
    first = res.per_case[0]  # all six chose diagnosis 4
    assert first.agreeing_pairs == 1.0 and first.distinct == 1 and first.reference_share == 1.0
    second = res.per_case[1]  # 3 x 2, 3 x 5: 6 agreeing pairs of 15
    assert second.agreeing_pairs == pytest.approx(6 / 15)


def test_fewer_than_two_answers_per_case_gives_a_message_and_no_number():
    with pytest.raises(AnalysisError, match="minst 2 svar"):
        A.agreement(np.array([[1, 0], [0, 1]]))
    with pytest.raises(AnalysisError, match="minst 2 svar"):
        A.fleiss_kappa(np.array([[1, 0], [1, 1]]))
