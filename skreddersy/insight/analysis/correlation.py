"""Pearson correlation matrix with two-sided p-values (t-test with n-2 df), pairwise or listwise."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from scipy import stats

from .errors import AnalysisError
from .results import Result, stars


@dataclass
class CorrelationMatrix(Result):
    variables: list[str]
    r: pd.DataFrame
    p: pd.DataFrame
    n: pd.DataFrame
    method: str  # "pairwise" or "listwise"
    title = "Korrelasjoner (Pearson)"

    def to_frame(self) -> pd.DataFrame:
        """Lower triangle as printed in papers: r with stars."""
        out = pd.DataFrame("", index=self.variables, columns=self.variables)
        for i, a in enumerate(self.variables):
            for j, b in enumerate(self.variables):
                if j < i:
                    out.loc[a, b] = f"{self.r.loc[a, b]:.3f}{stars(self.p.loc[a, b])}"
                elif j == i:
                    out.loc[a, b] = "-"
        return out

    def long_frame(self) -> pd.DataFrame:
        rows = []
        for i, a in enumerate(self.variables):
            for b in self.variables[:i]:
                rows.append({"a": a, "b": b, "r": self.r.loc[a, b], "p": self.p.loc[a, b], "n": int(self.n.loc[a, b])})
        return pd.DataFrame(rows)

    def to_dict(self) -> dict:
        from .results import frame_records

        return {"title": self.title, "method": self.method, "rows": frame_records(self.long_frame().set_index("a"))}


def p_from_r(r: np.ndarray, n: np.ndarray) -> np.ndarray:
    df = n - 2
    with np.errstate(divide="ignore", invalid="ignore"):
        t = r * np.sqrt(df / np.clip(1 - r**2, 1e-300, None))
        p = 2 * stats.t.sf(np.abs(t), df)
    p = np.where(df > 0, p, np.nan)
    return np.where(np.abs(r) >= 1 - 1e-12, 0.0, p)


def correlations(frame: pd.DataFrame, columns: list[str], method: str = "pairwise") -> CorrelationMatrix:
    data = frame[columns].astype(float)
    if method == "listwise":
        data = data.dropna()
    const = [c for c in columns if data[c].nunique(dropna=True) < 2]
    if const:
        raise AnalysisError(_("Korrelasjon kan ikke beregnes: %(names)s har samme verdi hos alle (eller ingen svar).") % {"names": ', '.join(const)})
    x = data.to_numpy()
    if not np.isnan(x).any():
        n_obs = np.full((len(columns), len(columns)), x.shape[0], dtype=float)
        if x.shape[0] < 3:
            raise AnalysisError(_("For få svar (%(n)s) til å beregne korrelasjoner; minst 3 trengs.") % {"n": x.shape[0]})
        r = np.corrcoef(x, rowvar=False)
    else:
        r = data.corr(min_periods=3).to_numpy()
        present = (~np.isnan(x)).astype(float)
        n_obs = present.T @ present
    r = np.clip(r, -1, 1)
    p = p_from_r(r, n_obs)
    np.fill_diagonal(p, 0.0)
    mk = lambda a: pd.DataFrame(a, index=columns, columns=columns)  # noqa: E731
    return CorrelationMatrix(variables=list(columns), r=mk(r), p=mk(p), n=mk(n_obs), method=method)
