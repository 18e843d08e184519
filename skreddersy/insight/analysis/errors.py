"""The one error the analysis engine raises: a model or statistic that cannot be estimated on
the data given, with a message a user can act on (never a traceback)."""

from __future__ import annotations

from skreddersy.core.errors import InvalidInput


class AnalysisError(InvalidInput):
    code = "inestimable"
