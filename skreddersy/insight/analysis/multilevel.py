"""Two-level linear model: respondents in offices, random intercept for office (statsmodels
MixedLM, REML). The intra-class correlation comes from the empty model: ICC = τ² / (τ² + σ²),
the share of the variance that lies between offices."""

from __future__ import annotations

import math
import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.formula.api as smf  # noqa: F401  (keeps the formula API importable for users)
from django.utils.translation import gettext
from scipy import optimize
from statsmodels.regression.mixed_linear_model import MixedLM, MixedLMParams
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from .errors import AnalysisError
from .results import Result, frame_records


@dataclass
class MultilevelResult(Result):
    dependent: str
    group: str
    n: int
    groups: int
    icc: float
    between_variance_null: float
    within_variance_null: float
    between_variance: float
    within_variance: float
    fixed: pd.DataFrame  # B, SE, z, p, CI
    converged: bool
    title = "Flernivåmodell (tilfeldig konstantledd for kontor)"

    def to_frame(self) -> pd.DataFrame:
        return self.fixed

    def to_dict(self) -> dict:
        return {"title": self.title, "dependent": self.dependent, "n": self.n, "groups": self.groups, "icc": self.icc,
                "between_variance": self.between_variance, "within_variance": self.within_variance,
                "converged": self.converged, "fixed": frame_records(self.fixed)}

    def summary(self) -> str:
        return (f"{super().summary()}\nn = {self.n} i {self.groups} kontor; ICC (tom modell) = {self.icc:.3f}; "
                f"varians mellom kontor = {self.between_variance:.4f}, innen kontor = {self.within_variance:.4f}")


def profile_reml(y: np.ndarray, x: np.ndarray, groups: np.ndarray) -> tuple[float, np.ndarray, float]:
    """REML for the random-intercept model by its one-dimensional profile in the variance ratio
    gamma = tau²/sigma², from group sums only (O(groups * p²) per evaluation). Used as starting
    values for MixedLM (which then converges in a few steps) and as an independent check.
    Returns (gamma, beta, sigma²)."""
    labels, inv = np.unique(groups, return_inverse=True)
    k, p = len(labels), x.shape[1]
    n_j = np.bincount(inv, minlength=k).astype(float)
    s_j = np.zeros((k, p))
    np.add.at(s_j, inv, x)
    t_j = np.bincount(inv, weights=y, minlength=k)
    xtx, xty, yty = x.T @ x, x.T @ y, float(y @ y)
    big_n = len(y)

    def parts(gamma):
        c = gamma / (1 + n_j * gamma)
        a = xtx - (s_j * c[:, None]).T @ s_j
        b = xty - (s_j * (c * t_j)[:, None]).sum(axis=0)
        beta = np.linalg.solve(a, b)
        rss = yty - float(c @ t_j**2) - float(b @ beta)
        return a, beta, rss

    def objective(log_gamma):
        gamma = math.exp(log_gamma)
        a, _, rss = parts(gamma)
        sign, logdet = np.linalg.slogdet(a)
        return (big_n - p) * math.log(max(rss, 1e-300) / (big_n - p)) + float(np.log1p(n_j * gamma).sum()) + logdet

    res = optimize.minimize_scalar(objective, bounds=(-18.0, 6.0), method="bounded", options={"xatol": 1e-7})
    gamma = math.exp(res.x)
    if objective(-18.0) <= res.fun:
        gamma = 0.0
    _, beta, rss = parts(gamma)
    return gamma, beta, rss / (big_n - p)


def _fit(y, x, groups):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", UserWarning)
        model = MixedLM(y, x, groups=groups)
        try:
            gamma, beta, _ = profile_reml(y, x, groups)
            start = MixedLMParams.from_components(fe_params=beta, cov_re=np.array([[max(gamma, 1e-6)]]))
            fit = model.fit(reml=True, method=["lbfgs", "bfgs"], start_params=start)
        except (np.linalg.LinAlgError, ValueError) as exc:
            raise AnalysisError(gettext("Flernivåmodellen kunne ikke estimeres (%(error)s).") % {"error": exc.__class__.__name__}) from None
    return fit


def random_intercept(frame: pd.DataFrame, dependent: str, predictors: list[str], group: str = "office",
                     labels: dict | None = None) -> MultilevelResult:
    labels = labels or {}
    data = frame[[dependent, *predictors, group]].dropna()
    n = len(data)
    g = data[group].to_numpy()
    n_groups = len(np.unique(g))
    if n_groups < 2:
        raise AnalysisError(gettext("Flernivåmodellen krever svar fra minst to kontor."))
    if n < len(predictors) + n_groups + 2 and n < 2 * n_groups:
        raise AnalysisError(gettext("For få svar (%(n)s) fordelt på %(n_groups)s kontor til å skille variasjon mellom og innen kontor.") % {"n": n, "n_groups": n_groups})
    from .regression import _check_estimable

    if predictors:
        _check_estimable(data[[dependent, *predictors]], dependent, predictors, labels)
    elif data[dependent].std() == 0:
        raise AnalysisError(gettext("%(dependent)s er konstant; ingen varians å dele opp.") % {"dependent": labels.get(dependent, dependent)})
    y = data[dependent].to_numpy(dtype=float)
    ones = np.ones((n, 1))
    null = _fit(y, ones, g)
    tau0 = float(np.asarray(null.cov_re)[0, 0]) if np.size(null.cov_re) else 0.0
    sigma0 = float(null.scale)
    x = np.column_stack([ones, data[predictors].to_numpy(dtype=float)]) if predictors else ones
    fit = _fit(y, x, g) if predictors else null
    names = ["(Konstant)", *predictors]
    k = len(names)
    ci = np.asarray(fit.conf_int())[:k]
    fixed = pd.DataFrame({
        "B": np.asarray(fit.fe_params)[:k], "SE": np.asarray(fit.bse_fe)[:k], "z": np.asarray(fit.tvalues)[:k],
        "p": np.asarray(fit.pvalues)[:k], "KI nedre": ci[:, 0], "KI øvre": ci[:, 1],
    }, index=[labels.get(v, v) for v in names])
    tau = float(np.asarray(fit.cov_re)[0, 0]) if np.size(fit.cov_re) else 0.0
    icc = tau0 / (tau0 + sigma0) if (tau0 + sigma0) > 0 else float("nan")
    return MultilevelResult(dependent=dependent, group=group, n=n, groups=n_groups, icc=icc,
                            between_variance_null=tau0, within_variance_null=sigma0, between_variance=tau,
                            within_variance=float(fit.scale), fixed=fixed, converged=bool(fit.converged))
