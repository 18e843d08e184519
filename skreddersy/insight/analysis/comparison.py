"""Group comparisons: Welch's t-test or Mann-Whitney U for two groups, χ² for two categorical
variables, and wave-to-wave comparison of means."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from scipy import stats

from .errors import AnalysisError
from .results import Result


@dataclass
class GroupComparison(Result):
    variable: str
    group: str
    groups: tuple[str, str]
    n: tuple[int, int]
    mean: tuple[float, float]
    sd: tuple[float, float]
    method: str  # "welch" or "mannwhitney"
    statistic: float
    df: float | None
    p: float
    effect: float  # Cohen's d (welch) or rank-biserial r (Mann-Whitney)
    # Mann-Whitney: the statistic is U of the first group (scipy's and R's W convention) and p
    # is asymptotic with continuity correction (scipy's and R's default); the other convention
    # is offered beside it: U of the second group (n1·n2 − U1; SPSS/PSPP print the smaller of the
    # two) and p without continuity correction (SPSS/PSPP's asymptotic p).
    u_second: float | None = None
    p_no_correction: float | None = None
    title = "Gruppesammenligning"

    @property
    def convention(self) -> str:
        if self.method != "mannwhitney":
            return ""
        return ("U for første gruppe, asymptotisk p med kontinuitetskorreksjon (som R og scipy); "
                f"U for andre gruppe = {self.u_second:g}, p uten korreksjon = {self.p_no_correction:.4g} "
                "(som SPSS og PSPP).")

    @property
    def difference(self) -> float:
        return self.mean[0] - self.mean[1]

    def to_frame(self) -> pd.DataFrame:
        a, b = self.groups
        return pd.DataFrame([{
            "variabel": self.variable, "gruppe": self.group, f"n {a}": self.n[0], f"snitt {a}": self.mean[0],
            f"n {b}": self.n[1], f"snitt {b}": self.mean[1], "differanse": self.difference,
            "test": "Welch t" if self.method == "welch" else "Mann-Whitney U", "statistikk": self.statistic,
            "df": self.df, "p": self.p, "effekt": self.effect,
        }]).set_index("variabel")

    def to_dict(self) -> dict:
        out = super().to_dict()
        if self.method == "mannwhitney":
            out |= {"convention": self.convention, "u_first": self.statistic, "u_second": self.u_second,
                    "p_continuity_corrected": self.p, "p_no_correction": self.p_no_correction}
        return out


def compare_groups(frame: pd.DataFrame, variable: str, group: str, groups: tuple | None = None,
                   method: str = "welch", min_n: int = 2) -> GroupComparison:
    data = frame[[variable, group]].dropna()
    levels = list(groups) if groups else sorted(data[group].unique().tolist())
    if len(levels) != 2:
        raise AnalysisError(_("Sammenligningen trenger nøyaktig to grupper i %(group)s; fant %(count)s.") % {"group": group, "count": len(levels)})
    xa = data.loc[data[group] == levels[0], variable].astype(float).to_numpy()
    xb = data.loc[data[group] == levels[1], variable].astype(float).to_numpy()
    if min(len(xa), len(xb)) < min_n:
        raise AnalysisError(_("For få svar i en av gruppene (%(n_a)s og %(n_b)s) til å sammenligne %(variable)s.") % {"n_a": len(xa), "n_b": len(xb), "variable": variable})
    if method == "welch":
        if xa.std() == 0 and xb.std() == 0:
            raise AnalysisError(_("%(variable)s har ingen variasjon i noen av gruppene; t-test kan ikke beregnes.") % {"variable": variable})
        res = stats.ttest_ind(xa, xb, equal_var=False)
        va, vb = xa.var(ddof=1) / len(xa), xb.var(ddof=1) / len(xb)
        df = (va + vb) ** 2 / (va**2 / (len(xa) - 1) + vb**2 / (len(xb) - 1))
        pooled = np.sqrt(((len(xa) - 1) * xa.var(ddof=1) + (len(xb) - 1) * xb.var(ddof=1)) / (len(xa) + len(xb) - 2))
        effect = (xa.mean() - xb.mean()) / pooled if pooled > 0 else float("nan")
        stat, p = float(res.statistic), float(res.pvalue)
    elif method == "mannwhitney":
        res = stats.mannwhitneyu(xa, xb, alternative="two-sided", use_continuity=True, method="asymptotic")
        other = stats.mannwhitneyu(xa, xb, alternative="two-sided", use_continuity=False, method="asymptotic")
        stat, p, df = float(res.statistic), float(res.pvalue), None
        effect = 2 * stat / (len(xa) * len(xb)) - 1
        u_second, p_plain = len(xa) * len(xb) - stat, float(other.pvalue)
    else:
        raise AnalysisError(_("Ukjent testmetode: %(method)s.") % {"method": method})
    return GroupComparison(
        variable=variable, group=group, groups=(str(levels[0]), str(levels[1])), n=(len(xa), len(xb)),
        mean=(float(xa.mean()), float(xb.mean())), sd=(float(xa.std(ddof=1)), float(xb.std(ddof=1))),
        method=method, statistic=stat, df=None if df is None else float(df), p=p, effect=float(effect),
        u_second=u_second if method == "mannwhitney" else None,
        p_no_correction=p_plain if method == "mannwhitney" else None,
    )


@dataclass
class ChiSquare(Result):
    a: str
    b: str
    table: pd.DataFrame
    chi2: float
    df: int
    p: float
    cramers_v: float
    min_expected: float
    title = "Krysstabell med χ²"

    @property
    def expected_warning(self) -> bool:
        """The χ² approximation is doubtful when an expected count is below 5."""
        return self.min_expected < 5

    def to_frame(self) -> pd.DataFrame:
        return self.table

    def to_dict(self) -> dict:
        return {"title": self.title, "a": self.a, "b": self.b, "chi2": self.chi2, "df": self.df, "p": self.p,
                "cramers_v": self.cramers_v, "min_expected": self.min_expected,
                "table": {str(k): {str(c): int(v) for c, v in row.items()} for k, row in self.table.iterrows()}}

    def summary(self) -> str:
        return (f"{super().summary()}\nχ² = {self.chi2:.3f}, df = {self.df}, p = {self.p:.4f}, "
                f"Cramérs V = {self.cramers_v:.3f}")


def chi_square(frame: pd.DataFrame, a: str, b: str) -> ChiSquare:
    data = frame[[a, b]].dropna()
    table = pd.crosstab(data[a], data[b])
    if table.shape[0] < 2 or table.shape[1] < 2:
        raise AnalysisError(_("χ² krever minst to kategorier i både %(a)s og %(b)s.") % {"a": a, "b": b})
    chi2, p, df, expected = stats.chi2_contingency(table.to_numpy(), correction=False)
    n = table.to_numpy().sum()
    v = np.sqrt(chi2 / (n * (min(table.shape) - 1)))
    return ChiSquare(a=a, b=b, table=table, chi2=float(chi2), df=int(df), p=float(p), cramers_v=float(v),
                     min_expected=float(expected.min()))


@dataclass
class WaveComparison(Result):
    rows: list[GroupComparison]
    title = "Endring fra runde til runde"

    def to_frame(self) -> pd.DataFrame:
        return pd.concat([r.to_frame() for r in self.rows]) if self.rows else pd.DataFrame()


def compare_waves(before: pd.DataFrame, after: pd.DataFrame, variables: list[str], labels=("før", "etter"),
                  method: str = "welch") -> WaveComparison:
    """Independent samples (answers are anonymous, so the two waves cannot be paired)."""
    rows = []
    for v in variables:
        both = pd.concat([before[[v]].assign(_wave=labels[0]), after[[v]].assign(_wave=labels[1])])
        rows.append(compare_groups(both, v, "_wave", groups=labels, method=method))
    for r in rows:
        r.group = "runde"
    return WaveComparison(rows)
