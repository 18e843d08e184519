"""The analysis engine: plain functions over pandas DataFrames that return results objects
(dataclasses you can inspect, print as a table, export with ``to_frame``/``to_dict``/``to_csv``).
The same engine analyses real survey waves and the synthetic replication data.

The names below load their module (and numpy, pandas, scipy, statsmodels) on first use, so a
web worker that never serves an insight page never imports the analysis stack (core/lazy.py)."""

from __future__ import annotations

import importlib

from .errors import AnalysisError
from .suppression import MIN_GROUP, may_show, suppressed_groups

_LAZY = {
    "comparison": ["ChiSquare", "GroupComparison", "WaveComparison", "chi_square", "compare_groups", "compare_waves"],
    "correlation": ["CorrelationMatrix", "correlations"],
    "descriptive": ["Descriptives", "VariableSummary", "describe"],
    "multilevel": ["MultilevelResult", "random_intercept"],
    "regression": ["BlockResult", "Coefficient", "HierarchicalRegression", "SummaryRegression", "hierarchical_ols",
                   "regression_from_correlations"],
    "reliability": ["Reliability", "cronbach_alpha_matrix", "reliability"],
    "scoring": ["IndexSpec", "ItemSpec", "reverse_code", "score_index", "score_indices"],
}
_MODULE_OF = {name: module for module, names in _LAZY.items() for name in names}


def __getattr__(name: str):
    module = _MODULE_OF.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{module}"), name)
    globals()[name] = value
    return value


__all__ = [
    "AnalysisError", "BlockResult", "ChiSquare", "Coefficient", "CorrelationMatrix", "Descriptives", "GroupComparison",
    "HierarchicalRegression", "IndexSpec", "ItemSpec", "MIN_GROUP", "MultilevelResult", "Reliability",
    "SummaryRegression", "VariableSummary", "WaveComparison", "chi_square", "compare_groups", "compare_waves",
    "correlations", "cronbach_alpha_matrix", "describe", "hierarchical_ols", "may_show", "random_intercept",
    "regression_from_correlations", "reliability", "reverse_code", "score_index", "score_indices", "suppressed_groups",
]
