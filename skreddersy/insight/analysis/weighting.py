"""Representativeness and weights for a survey wave.

- ``goodness_of_fit``: respondents against a reference distribution (the invited population, or
  national shares an analyst entered), χ² goodness of fit per variable (scipy).
- ``rake``: raking (iterative proportional fitting) with the ``ipfn`` library on the table of
  respondents cross-classified by the weighting variables; each respondent's weight is their
  cell's fitted total over its count, scaled to mean 1. With one variable this is
  post-stratification. A target category without respondents cannot be reached: refused, naming
  the variable and category. The achieved margins are checked after fitting, whatever the
  library reports.
- ``weighted_mean`` and ``weighted_ols``: estimates with weights and design-corrected standard
  errors for clustering by office: statsmodels' cluster-robust sandwich, without its
  (N-1)/(N-K) factor and with G/(G-1), which is the with-replacement linearisation estimator of
  R's ``survey`` package (``svydesign(ids = ~office, weights = ~w)``).
"""

from __future__ import annotations

import contextlib
import io
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import statsmodels.api as sm
from django.utils.translation import gettext
from scipy import stats

from .errors import AnalysisError
from .results import Result, clean_number

MISSING = "(ukjent)"


# --- goodness of fit ----------------------------------------------------------------------------

@dataclass
class FitRow:
    category: str
    label: str
    respondents: int | None  # None when suppressed
    respondent_share: float | None
    reference: float | None  # reference count (invited) or None for national shares
    reference_share: float
    hidden: bool = False


@dataclass
class GoodnessOfFit(Result):
    variable: str
    label: str
    reference_name: str  # "invitert" or "nasjonal"
    rows: list[FitRow]
    chi2: float | None
    df: int | None
    p: float | None
    n: int
    note: str = ""
    title = "Representativitet"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"variabel": self.variable, "kategori": r.label, "svar": r.respondents,
                              "andel_svar": r.respondent_share, "referanse": r.reference,
                              "andel_referanse": r.reference_share, "skjult": r.hidden} for r in self.rows])

    def to_dict(self) -> dict:
        return {"variable": self.variable, "label": self.label, "reference": self.reference_name,
                "chi2": clean_number(self.chi2), "df": self.df, "p": clean_number(self.p), "n": self.n,
                "note": self.note,
                "rows": [{"category": r.category, "label": r.label, "respondents": r.respondents,
                          "respondent_share": clean_number(r.respondent_share), "reference": r.reference,
                          "reference_share": clean_number(r.reference_share), "hidden": r.hidden} for r in self.rows]}


def goodness_of_fit(variable: str, respondents: dict, reference: dict, *, label: str = "", labels: dict | None = None,
                    reference_name: str = "invitert", counts: bool = True, min_group: int = 5) -> GoodnessOfFit:
    """``respondents``: category -> count; ``reference``: category -> count (``counts``) or share.
    Categories with fewer than ``min_group`` respondents are pooled into one group for the test
    and hidden in the table (with a second one when only one would be hidden)."""
    from .suppression import suppressed_groups

    labels = labels or {}
    cats = [c for c in reference if c != MISSING]
    ref = np.array([float(reference[c]) for c in cats])
    if (ref < 0).any() or ref.sum() <= 0:
        raise AnalysisError(gettext("%(variable)s: referansefordelingen må ha positive tall.") % {"variable": variable}, field=variable)
    shares = ref / ref.sum()
    obs = np.array([int(respondents.get(c, 0)) for c in cats])
    extra = sum(v for c, v in respondents.items() if c not in reference and c != MISSING)
    if extra:
        raise AnalysisError(gettext("%(variable)s: svar i kategorier som ikke finnes i referansen.") % {"variable": variable}, field=variable)
    n = int(obs.sum())
    hidden = suppressed_groups(dict(zip(cats, obs.tolist(), strict=True)), min_group)
    rows = [FitRow(c, str(labels.get(c, c)), None if c in hidden else int(o),
                   None if c in hidden or n == 0 else o / n, float(r) if counts else None, float(s), c in hidden)
            for c, o, r, s in zip(cats, obs, ref, shares, strict=True)]
    # pool small groups for the test (expected counts must be reasonable and small cells hidden)
    keep = [i for i, c in enumerate(cats) if c not in hidden]
    pooled_obs = [obs[i] for i in keep]
    pooled_exp = [shares[i] for i in keep]
    small = [i for i, c in enumerate(cats) if c in hidden]
    if small:
        pooled_obs.append(obs[small].sum())
        pooled_exp.append(shares[small].sum())
    note = ""
    chi2 = p = df = None
    if n >= min_group and len(pooled_obs) >= 2 and (not small or sum(obs[small]) >= min_group):
        exp = np.array(pooled_exp) * n
        if (exp > 0).all():
            res = stats.chisquare(np.array(pooled_obs, dtype=float), exp)
            chi2, p, df = float(res.statistic), float(res.pvalue), len(pooled_obs) - 1
            if small:
                note = "Små grupper er slått sammen i testen."
            if exp.min() < 5:
                note = (note + " " if note else "") + "Et forventet antall er under 5: testen er usikker."
    else:
        note = "For få svar til en test som ikke avslører små grupper."
    return GoodnessOfFit(variable, label or variable, reference_name, rows, chi2, df, p, n, note)


# --- raking -------------------------------------------------------------------------------------

@dataclass
class MarginCheck:
    variable: str
    category: str
    target_share: float
    unweighted_share: float
    weighted_share: float


@dataclass
class Weights(Result):
    variables: list[str]
    method: str  # "raking" or "poststratification"
    weights: np.ndarray  # one per row of the frame, mean 1
    cell_sizes: np.ndarray  # respondents in each row's weighting cell
    margins: list[MarginCheck]
    converged: bool
    max_margin_error: float
    design_effect: float  # Kish's 1 + cv²
    title = "Vekter"

    @property
    def effective_n(self) -> float:
        return len(self.weights) / self.design_effect

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"variabel": m.variable, "kategori": m.category, "mål": m.target_share,
                              "uvektet": m.unweighted_share, "vektet": m.weighted_share} for m in self.margins])

    def to_dict(self) -> dict:
        w = self.weights
        return {"title": self.title, "variables": self.variables, "method": self.method, "converged": self.converged,
                "max_margin_error": clean_number(self.max_margin_error),
                "design_effect": clean_number(self.design_effect), "effective_n": clean_number(self.effective_n),
                "min_weight": clean_number(w.min()), "max_weight": clean_number(w.max()), "n": len(w),
                "margins": [{"variable": m.variable, "category": m.category, "target": clean_number(m.target_share),
                             "unweighted": clean_number(m.unweighted_share), "weighted": clean_number(m.weighted_share)}
                            for m in self.margins]}

    def exportable(self, min_cell: int = 5) -> np.ndarray:
        """Per-respondent weights safe to export: NaN where the weighting cell has < min_cell."""
        out = self.weights.astype(float).copy()
        out[self.cell_sizes < min_cell] = np.nan
        return out


def _categories(frame: pd.DataFrame, variable: str) -> pd.Series:
    if variable not in frame.columns:
        raise AnalysisError(gettext("%(variable)s: variabelen finnes ikke i dataene.") % {"variable": variable}, field=variable)
    return frame[variable].astype(object).where(frame[variable].notna(), MISSING).astype(str)


def rake(frame: pd.DataFrame, targets: dict[str, dict[str, float]], *, tolerance: float = 1e-8,
         max_iteration: int = 1000) -> Weights:
    """Raking weights for ``frame`` to the ``targets`` (variable -> category -> share). A category
    the data hold but the targets do not name (such as unknown answers) keeps its sample share."""
    from ipfn import ipfn

    if not targets:
        raise AnalysisError(gettext("variables: velg minst én variabel å vekte på."), field="variables")
    n = len(frame)
    if n == 0:
        raise AnalysisError(gettext("variables: runden har ingen svar å vekte."), field="variables")
    variables = list(targets)
    codes, levels, aggregates = [], [], []
    for v in variables:
        cats = _categories(frame, v)
        t = {str(k): float(s) for k, s in targets[v].items()}
        if any(s < 0 or not math.isfinite(s) for s in t.values()):
            raise AnalysisError(gettext("%(v)s: målandelene må være tall fra 0 til 1.") % {"v": v}, field=v)
        present = cats.value_counts()
        for c, s in t.items():
            if s > 0 and present.get(c, 0) == 0:
                raise AnalysisError(gettext("%(v)s: kategorien «%(c)s» har mål %(s).3f, men ingen svar; vektene kan ikke konvergere (tom celle). Slå sammen kategorier eller fjern variabelen.") % {"v": v, "c": c, "s": s}, field=v)
            if s == 0 and present.get(c, 0) > 0:
                raise AnalysisError(gettext("%(v)s: kategorien «%(c)s» har svar, men målandel 0.") % {"v": v, "c": c}, field=v)
        untargeted = [c for c in present.index if c not in t]
        kept = float(sum(present[c] for c in untargeted)) / n
        total = sum(t.values())
        if total <= 0:
            raise AnalysisError(gettext("%(v)s: målandelene summerer til 0.") % {"v": v}, field=v)
        lv = sorted(c for c in t if t[c] > 0) + sorted(untargeted)
        share = {c: t[c] / total * (1 - kept) for c in t if t[c] > 0} | {c: present[c] / n for c in untargeted}
        idx = pd.Categorical(cats, categories=lv).codes
        codes.append(idx.astype(np.int64))
        levels.append(lv)
        aggregates.append(np.array([share[c] * n for c in lv]))
    shape = tuple(len(lv) for lv in levels)
    flat = np.ravel_multi_index(codes, shape)
    counts = np.bincount(flat, minlength=int(np.prod(shape))).astype(float).reshape(shape)
    if len(variables) == 1:
        fitted = aggregates[0].astype(float)
        converged = True
        method = "poststratification"
    else:
        with contextlib.redirect_stdout(io.StringIO()):  # the library prints its stopping reason
            fitted, flag = ipfn.ipfn(counts.copy(), [a.copy() for a in aggregates], [[i] for i in range(len(shape))],
                                     convergence_rate=tolerance, max_iteration=max_iteration, verbose=1,
                                     rate_tolerance=0.0).iteration()
        converged = bool(flag)
        method = "raking"
    with np.errstate(invalid="ignore", divide="ignore"):
        cell_w = np.where(counts > 0, fitted / np.where(counts > 0, counts, 1), 0.0).ravel()
    w = cell_w[flat]
    w = w * n / w.sum()
    margins, worst = [], 0.0
    for v, lv, idx, agg in zip(variables, levels, codes, aggregates, strict=True):
        un = np.bincount(idx, minlength=len(lv)) / n
        wt = np.bincount(idx, weights=w, minlength=len(lv)) / w.sum()
        target = agg / agg.sum()
        for c, a, b, tt in zip(lv, un, wt, target, strict=True):
            margins.append(MarginCheck(v, c, float(tt), float(a), float(b)))
            worst = max(worst, abs(b - tt))
    if not converged or worst > 1e-6:
        raise AnalysisError(gettext("variables: vektene konvergerte ikke (største avvik fra målandel %(worst).2g). Slå sammen små kategorier eller vekt på færre variabler.") % {"worst": worst}, field="variables")
    deff = float(1 + (w.std() / w.mean()) ** 2)
    return Weights(variables, method, w, counts.ravel()[flat].astype(int), margins, converged, worst, deff)


# --- weighted estimates with design-corrected standard errors ------------------------------------

@dataclass
class Estimate:
    name: str
    n: int
    unweighted: float
    unweighted_se: float
    weighted: float
    weighted_se: float
    naive_se: float  # unweighted, iid


@dataclass
class WeightedComparison(Result):
    rows: list[Estimate]
    clusters: int
    title = "Uvektet og vektet, med standardfeil korrigert for kontor"

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"variabel": r.name, "n": r.n, "uvektet": r.unweighted, "se_uvektet": r.unweighted_se,
                              "vektet": r.weighted, "se_vektet": r.weighted_se, "se_naiv": r.naive_se}
                             for r in self.rows]).set_index("variabel")


def _cluster_fit(y, x, w, groups):
    """WLS with the survey package's linearisation covariance (G/(G-1) only)."""
    model = sm.WLS(y, x, weights=w)
    res = model.fit(cov_type="cluster", cov_kwds={"groups": groups, "use_correction": False})
    g = len(np.unique(groups))
    cov = np.asarray(res.cov_params()) * g / (g - 1)
    return res, cov, g


def weighted_mean(y, w, groups) -> tuple[float, float]:
    """Weighted mean with the linearisation SE for a cluster sample (with replacement):
    SE² = G/(G-1) Σ_c (Σ_{i∈c} w_i (y_i − ȳ_w) / Σw)². This is the intercept-only case of
    ``_cluster_fit`` written in closed form (one pass with bincount instead of a model fit);
    the tests check it against that fit, by hand and against R's ``svymean``."""
    y = np.asarray(y, dtype=float)
    w = np.asarray(w, dtype=float)
    codes, uniques = pd.factorize(np.asarray(groups))
    total = w.sum()
    mean = float((w * y).sum() / total)
    z = np.bincount(codes, weights=w * (y - mean) / total, minlength=len(uniques))
    g = len(uniques)
    return mean, float(math.sqrt(g / (g - 1) * (z**2).sum()))


def compare_means(frame: pd.DataFrame, columns: list[str], weights: np.ndarray, cluster: str = "office",
                  labels: dict | None = None) -> WeightedComparison:
    labels = labels or {}
    rows = []
    groups_all = frame[cluster].to_numpy()
    for col in columns:
        y = frame[col].to_numpy(dtype=float)
        ok = ~np.isnan(y)
        if ok.sum() < 2 or len(np.unique(groups_all[ok])) < 2:
            continue
        m_u, se_u = weighted_mean(y[ok], np.ones(ok.sum()), groups_all[ok])
        m_w, se_w = weighted_mean(y[ok], weights[ok], groups_all[ok])
        rows.append(Estimate(labels.get(col, col), int(ok.sum()), m_u, se_u, m_w, se_w,
                             float(y[ok].std(ddof=1) / math.sqrt(ok.sum()))))
    return WeightedComparison(rows, int(len(np.unique(groups_all))))


@dataclass
class RegressionSide:
    name: str
    b: float
    se: float
    p: float


@dataclass
class WeightedRegression(Result):
    dependent: str
    predictors: list[str]
    n: int
    clusters: int
    unweighted: list[RegressionSide]
    weighted: list[RegressionSide]
    title = "Regresjon uvektet og vektet (standardfeil korrigert for kontor)"

    @property
    def pairs(self) -> list[tuple[RegressionSide, RegressionSide]]:
        return list(zip(self.unweighted, self.weighted, strict=True))

    def to_frame(self) -> pd.DataFrame:
        return pd.DataFrame([{"ledd": u.name, "B_uvektet": u.b, "se_uvektet": u.se, "p_uvektet": u.p,
                              "B_vektet": w.b, "se_vektet": w.se, "p_vektet": w.p}
                             for u, w in zip(self.unweighted, self.weighted, strict=True)]).set_index("ledd")


def weighted_ols(frame: pd.DataFrame, dependent: str, predictors: list[str], weights: np.ndarray,
                 cluster: str = "office") -> WeightedRegression:
    cols = [dependent, *predictors]
    data = frame[cols].astype(float)
    ok = data.notna().all(axis=1).to_numpy()
    if ok.sum() < len(predictors) + 3:
        raise AnalysisError(gettext("For få fullstendige svar til regresjonen på %(dependent)s.") % {"dependent": dependent}, field=dependent)
    y = data[dependent].to_numpy()[ok]
    x = sm.add_constant(data[predictors].to_numpy()[ok], has_constant="add")
    groups = frame[cluster].to_numpy()[ok]
    g = len(np.unique(groups))
    if g < 2:
        raise AnalysisError(gettext("Standardfeil korrigert for kontor trenger minst to kontor."), field=cluster)
    names = ["(konstant)", *predictors]
    sides = []
    for w in (np.ones(ok.sum()), weights[ok]):
        res, cov, _ = _cluster_fit(y, x, w, groups)
        se = np.sqrt(np.diag(cov))
        t = res.params / se
        p = 2 * stats.t.sf(np.abs(t), g - 1)
        sides.append([RegressionSide(nm, float(b), float(s), float(pp))
                      for nm, b, s, pp in zip(names, res.params, se, p, strict=True)])
    return WeightedRegression(dependent, list(predictors), int(ok.sum()), g, sides[0], sides[1])


@dataclass
class WeightedReport(Result):
    weights: Weights
    descriptives: WeightedComparison
    regression: WeightedRegression | None
    errors: dict = field(default_factory=dict)
    title = "Vektet rapport"

    def to_frame(self) -> pd.DataFrame:
        return self.descriptives.to_frame()
