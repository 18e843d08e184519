"""Hierarchical (blockwise) OLS, as in SPSS's "Linear regression" with blocks: each block adds
predictors to the previous model. Listwise deletion on every variable of the final model, so
all blocks are estimated on the same respondents (required for R² change to mean anything).

For each block: unstandardised B with SE, t, p and 95% CI; standardised beta (B * sd_x / sd_y,
sample sds of the analysed cases); R², adjusted R², R² change, F change with its dfs and p.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from django.utils.translation import gettext
from scipy import stats

from .errors import AnalysisError
from .results import Result, frame_records, stars


@dataclass
class Coefficient:
    name: str
    b: float
    se: float
    beta: float | None  # None for the intercept
    t: float
    p: float
    ci_low: float
    ci_high: float
    beta_ci_low: float | None = None
    beta_ci_high: float | None = None


@dataclass
class BlockResult:
    number: int
    added: list[str]
    predictors: list[str]
    coefficients: list[Coefficient]
    r2: float
    adj_r2: float
    r2_change: float
    f_change: float
    df1: int
    df2: int
    p_f_change: float
    f: float
    p_f: float

    def coefficient(self, name: str) -> Coefficient:
        for c in self.coefficients:
            if c.name == name:
                return c
        raise KeyError(name)

    def beta(self, name: str) -> float:
        return self.coefficient(name).beta


@dataclass
class HierarchicalRegression(Result):
    dependent: str
    n: int
    n_excluded: int
    blocks: list[BlockResult]
    labels: dict = field(default_factory=dict)
    title = "Hierarkisk OLS-regresjon"

    @property
    def final(self) -> BlockResult:
        return self.blocks[-1]

    def to_frame(self) -> pd.DataFrame:
        """The published layout: one row per predictor, standardised beta with stars per model,
        then adjusted R², R² change and F change."""
        names = self.final.predictors
        table = pd.DataFrame(index=[self.labels.get(n, n) for n in names])
        for blk in self.blocks:
            col = []
            for n in names:
                if n in blk.predictors:
                    c = blk.coefficient(n)
                    col.append(f"{c.beta:.3f}{stars(c.p)}")
                else:
                    col.append("")
            table[f"Modell {blk.number}"] = col
        extra = pd.DataFrame(
            {f"Modell {b.number}": [f"{b.r2:.3f}", f"{b.adj_r2:.3f}{stars(b.p_f)}", f"{b.r2_change:.3f}",
                                    f"{b.f_change:.2f} ({b.df1}, {b.df2}){stars(b.p_f_change)}"] for b in self.blocks},
            index=["R²", "Justert R²", "R²-endring", "F-endring (df)"],
        )
        return pd.concat([table, extra])

    def coefficient_frame(self) -> pd.DataFrame:
        rows = []
        for blk in self.blocks:
            for c in blk.coefficients:
                rows.append({"modell": blk.number, "variabel": c.name, "B": c.b, "SE": c.se, "beta": c.beta, "t": c.t,
                             "p": c.p, "KI nedre": c.ci_low, "KI øvre": c.ci_high})
        return pd.DataFrame(rows)

    def model_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"modell": b.number, "R2": b.r2, "justert R2": b.adj_r2, "R2-endring": b.r2_change,
                              "F-endring": b.f_change, "df1": b.df1, "df2": b.df2, "p F-endring": b.p_f_change,
                              "F": b.f, "p F": b.p_f} for b in self.blocks])

    def to_dict(self) -> dict:
        return {"title": self.title, "dependent": self.dependent, "n": self.n, "n_excluded": self.n_excluded,
                "models": frame_records(self.model_frame().set_index("modell")),
                "coefficients": frame_records(self.coefficient_frame().set_index("modell"))}


def _check_estimable(data: pd.DataFrame, dependent: str, predictors: list[str], labels: dict) -> None:
    lab = lambda v: labels.get(v, v)  # noqa: E731
    n, p = len(data), len(predictors)
    if n < p + 2:
        raise AnalysisError(
            gettext("Modellen kan ikke estimeres: %(n)s fullstendige svar, men %(p)s forklaringsvariabler krever minst %(needed)s.") % {"n": n, "p": p, "needed": p + 2}
        )
    sd = data.std(ddof=1)
    if sd[dependent] == 0 or np.isnan(sd[dependent]):
        raise AnalysisError(gettext("Modellen kan ikke estimeres: den avhengige variabelen %(dependent)s er konstant.") % {"dependent": lab(dependent)})
    const = [v for v in predictors if sd[v] == 0 or np.isnan(sd[v])]
    if const:
        raise AnalysisError(
            gettext("Modellen kan ikke estimeres: %(names)s har samme verdi for alle %(n)s respondenter (konstant forklaringsvariabel).") % {"names": ', '.join(lab(v) for v in const), "n": n}
        )
    z = ((data[predictors] - data[predictors].mean()) / sd[predictors]).to_numpy()
    rank = np.linalg.matrix_rank(z, tol=1e-8 * max(1.0, np.sqrt(n)))
    if rank < p:
        # name the variables in the exact linear dependency: the null space of z
        _, s, vt = np.linalg.svd(z, full_matrices=False)
        null = vt[-1]
        involved = [predictors[i] for i in np.flatnonzero(np.abs(null) > 1e-6)]
        raise AnalysisError(
            gettext("Modellen kan ikke estimeres: perfekt kollinearitet mellom %(names)s (én er en lineær kombinasjon av de andre). Fjern én av dem.") % {"names": ', '.join(lab(v) for v in involved)}
        )


def hierarchical_ols(frame: pd.DataFrame, dependent: str, blocks: list[list[str]], labels: dict | None = None,
                     alpha: float = 0.05) -> HierarchicalRegression:
    labels = labels or {}
    if not blocks or not all(blocks):
        raise AnalysisError(gettext("Angi minst én blokk med minst én forklaringsvariabel."))
    predictors_all: list[str] = []
    for blk in blocks:
        for v in blk:
            if v in predictors_all or v == dependent:
                raise AnalysisError(gettext("Variabelen %(v)s er oppgitt mer enn én gang i modellen.") % {"v": labels.get(v, v)})
            predictors_all.append(v)
    missing = [v for v in [dependent, *predictors_all] if v not in frame.columns]
    if missing:
        raise AnalysisError(gettext("Variablene %(names)s finnes ikke i datasettet.") % {"names": ', '.join(missing)})
    full = frame[[dependent, *predictors_all]].astype(float)
    data = full.dropna()
    _check_estimable(data, dependent, predictors_all, labels)
    n = len(data)
    y = data[dependent].to_numpy()
    sd = data.std(ddof=1)
    results: list[BlockResult] = []
    prev_r2 = 0.0
    predictors: list[str] = []
    tcrit = None
    for number, added in enumerate(blocks, start=1):
        predictors = predictors + list(added)
        x = sm.add_constant(data[predictors].to_numpy(), has_constant="add")
        fit = sm.OLS(y, x).fit()
        k = len(predictors)
        df2 = n - k - 1
        tcrit = stats.t.ppf(1 - alpha / 2, df2)
        ci = fit.conf_int(alpha)
        coefs = [Coefficient("(Konstant)", float(fit.params[0]), float(fit.bse[0]), None, float(fit.tvalues[0]),
                             float(fit.pvalues[0]), float(ci[0, 0]), float(ci[0, 1]))]
        for j, name in enumerate(predictors, start=1):
            scale = sd[name] / sd[dependent]
            b, se = float(fit.params[j]), float(fit.bse[j])
            coefs.append(Coefficient(
                name, b, se, b * scale, float(fit.tvalues[j]), float(fit.pvalues[j]), float(ci[j, 0]), float(ci[j, 1]),
                (b - tcrit * se) * scale, (b + tcrit * se) * scale,
            ))
        r2 = float(fit.rsquared)
        df1 = len(added)
        change = r2 - prev_r2
        f_change = (change / df1) / ((1 - r2) / df2) if r2 < 1 else float("inf")
        results.append(BlockResult(
            number=number, added=list(added), predictors=list(predictors), coefficients=coefs, r2=r2,
            adj_r2=float(fit.rsquared_adj), r2_change=change, f_change=float(f_change), df1=df1, df2=df2,
            p_f_change=float(stats.f.sf(f_change, df1, df2)), f=float(fit.fvalue), p_f=float(fit.f_pvalue),
        ))
        prev_r2 = r2
    return HierarchicalRegression(dependent=dependent, n=n, n_excluded=len(full) - n, blocks=results, labels=labels)


@dataclass
class SummaryRegression(Result):
    """Standardised regression computed from a correlation matrix and N (no raw data)."""

    dependent: str
    n: int
    predictors: list[str]
    betas: dict
    r2: float
    adj_r2: float
    title = "Standardisert regresjon fra korrelasjonsmatrise"

    def to_frame(self) -> pd.DataFrame:
        df = pd.DataFrame({"beta": self.betas})
        df.loc["R²"] = self.r2
        df.loc["Justert R²"] = self.adj_r2
        return df


def regression_from_correlations(r: pd.DataFrame, dependent: str, predictors: list[str], n: int) -> SummaryRegression:
    """Solve R_xx b = r_xy: the standardised coefficients; R² = b' r_xy; adjusted R² with N."""
    rxx = r.loc[predictors, predictors].to_numpy(dtype=float)
    rxy = r.loc[predictors, dependent].to_numpy(dtype=float)
    if np.linalg.matrix_rank(rxx) < len(predictors):
        raise AnalysisError(gettext("Korrelasjonsmatrisen for forklaringsvariablene er singulær (perfekt kollinearitet)."))
    eig = np.linalg.eigvalsh(r.loc[[dependent, *predictors], [dependent, *predictors]].to_numpy(dtype=float))
    if eig.min() <= 0:
        raise AnalysisError(gettext("Korrelasjonsmatrisen er ikke positivt definitt; den kan ikke komme fra ett datasett."))
    b = np.linalg.solve(rxx, rxy)
    r2 = float(b @ rxy)
    k = len(predictors)
    adj = 1 - (1 - r2) * (n - 1) / (n - k - 1)
    return SummaryRegression(dependent=dependent, n=n, predictors=list(predictors),
                             betas={p: float(v) for p, v in zip(predictors, b, strict=True)}, r2=r2, adj_r2=float(adj))
