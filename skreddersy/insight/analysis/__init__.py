"""The analysis engine: plain functions over pandas DataFrames that return results objects
(dataclasses you can inspect, print as a table, export with ``to_frame``/``to_dict``/``to_csv``).
The same engine analyses real survey waves and the synthetic replication data."""

from .comparison import ChiSquare, GroupComparison, WaveComparison, chi_square, compare_groups, compare_waves
from .correlation import CorrelationMatrix, correlations
from .descriptive import Descriptives, VariableSummary, describe
from .errors import AnalysisError
from .multilevel import MultilevelResult, random_intercept
from .regression import (
    BlockResult,
    Coefficient,
    HierarchicalRegression,
    SummaryRegression,
    hierarchical_ols,
    regression_from_correlations,
)
from .reliability import Reliability, cronbach_alpha_matrix, reliability
from .scoring import IndexSpec, ItemSpec, reverse_code, score_index, score_indices
from .suppression import MIN_GROUP, may_show, suppressed_groups

__all__ = [
    "AnalysisError", "BlockResult", "ChiSquare", "Coefficient", "CorrelationMatrix", "Descriptives", "GroupComparison",
    "HierarchicalRegression", "IndexSpec", "ItemSpec", "MIN_GROUP", "MultilevelResult", "Reliability",
    "SummaryRegression", "VariableSummary", "WaveComparison", "chi_square", "compare_groups", "compare_waves",
    "correlations", "cronbach_alpha_matrix", "describe", "hierarchical_ols", "may_show", "random_intercept",
    "regression_from_correlations", "reliability", "reverse_code", "score_index", "score_indices", "suppressed_groups",
]
