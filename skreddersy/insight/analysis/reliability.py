"""Internal consistency: Cronbach's alpha and the mean inter-item correlation."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _

from .errors import AnalysisError
from .results import Result
from .scoring import IndexSpec, keyed_items


@dataclass
class Reliability(Result):
    index: str
    items: list[str]
    n: int
    alpha: float
    mean_inter_item_r: float
    alpha_if_deleted: dict[str, float]
    published_alpha: float | None = None
    title = "Reliabilitet"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame(
            [{"indeks": self.index, "påstander": len(self.items), "n": self.n, "alpha": self.alpha,
              "snitt inter-item r": self.mean_inter_item_r, "publisert alpha": self.published_alpha}]
        ).set_index("indeks")


def cronbach_alpha_matrix(x: np.ndarray) -> float:
    """alpha = k/(k-1) * (1 - sum of item variances / variance of the sum), complete cases."""
    k = x.shape[1]
    item_var = x.var(axis=0, ddof=1).sum()
    total_var = x.sum(axis=1).var(ddof=1)
    if total_var == 0:
        raise AnalysisError(_("Alpha kan ikke beregnes: summen av påstandene er konstant."))
    return float(k / (k - 1) * (1 - item_var / total_var))


def reliability(frame: pd.DataFrame, index: IndexSpec, published_alpha: float | None = None) -> Reliability:
    if len(index.items) < 2:
        raise AnalysisError(_("Indeksen %(key)s har bare én påstand; alpha krever minst to.") % {"key": index.key})
    items = keyed_items(frame, index).dropna()
    n = len(items)
    if n < 3:
        raise AnalysisError(_("For få fullstendige svar (%(n)s) til å beregne alpha for %(key)s; minst 3 trengs.") % {"n": n, "key": index.key})
    x = items.to_numpy(dtype=float)
    if (x.std(axis=0) == 0).any():
        const = [c for c, s in zip(items.columns, x.std(axis=0), strict=True) if s == 0]
        raise AnalysisError(_("Alpha kan ikke beregnes: påstanden %(names)s har samme svar hos alle.") % {"names": ', '.join(const)})
    alpha = cronbach_alpha_matrix(x)
    r = np.corrcoef(x, rowvar=False)
    k = x.shape[1]
    mean_r = float(r[np.triu_indices(k, 1)].mean())
    if_deleted = {}
    if k > 2:
        for j, col in enumerate(items.columns):
            try:
                if_deleted[col] = cronbach_alpha_matrix(np.delete(x, j, axis=1))
            except AnalysisError:
                if_deleted[col] = float("nan")
    return Reliability(index=index.key, items=list(items.columns), n=n, alpha=alpha, mean_inter_item_r=mean_r,
                       alpha_if_deleted=if_deleted, published_alpha=published_alpha)
