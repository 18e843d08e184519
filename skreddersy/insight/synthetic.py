"""Synthetic respondent-level data that reproduce a published study's summary statistics.

For Terum & Sadeghi 2021: 1,377 counsellors in 108 offices, answering the same items on the same
Likert scales. Method (a Gaussian copula with calibration):

1. Marginals. Each variable gets exact category counts: the dependent item from Figure 1 (the
   distribution inside the figure's rounding intervals that comes closest to the published mean
   and sd), the other items from a discretised normal fitted to the published mean and sd, the
   dummies from the published shares; age is a rounded, truncated normal.
2. Latent structure. One latent normal per study variable, correlated by a latent matrix; the
   items of an index load on their variable's latent (so the inter-item correlation and the
   index's correlations follow from the loading). Draws are whitened, so their sample
   correlations equal the latent matrix exactly (no sampling noise in the latent step).
3. Discretisation by rank: category counts are exact. Discretising attenuates correlations, so
4. Calibration: the latent correlations and loadings are adjusted until the correlations of the
   discretised data (indices scored by the same engine as real data) match the published ones.
5. Offices: office size is an office-level variable, so respondents are grouped into 108 offices
   within their office-size category; a small latent office effect gives a realistic ICC.
   Regrouping never changes a respondent's answers, so correlations stay as calibrated.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, stats

from skreddersy.insight.analysis.scoring import IndexSpec, ItemSpec, score_indices

# study variable -> how it is measured in the questionnaire
STUDY_ITEMS = {
    "individualisation": ("ind_tailored",),
    "performance_management": ("pm_fill_slots", "pm_slot_access"),
    "workload": ("dcsq_time", "dcsq_conflict", "dcsq_load"),
    "measure_knowledge": ("know_measures",),
    "requirements_effective": ("req_effective",),
}
WORKLOAD_REVERSED = ("dcsq_time", "dcsq_conflict")

STUDY_INDICES = [
    IndexSpec("performance_management", (ItemSpec("pm_fill_slots", 0, 4), ItemSpec("pm_slot_access", 0, 4)), 2,
              "Mål- og tiltaksstyring"),
    IndexSpec("workload", (ItemSpec("dcsq_time", 0, 3, reverse=True), ItemSpec("dcsq_conflict", 0, 3, reverse=True),
                           ItemSpec("dcsq_load", 0, 3)), 2, "Arbeidsbelastning"),
]


def largest_remainder(p: np.ndarray, n: int) -> np.ndarray:
    """Integer counts summing to n, proportional to p."""
    p = np.asarray(p, dtype=float) / np.sum(p)
    raw = p * n
    counts = np.floor(raw).astype(int)
    short = n - counts.sum()
    if short:
        counts[np.argsort(-(raw - counts))[:short]] += 1
    return counts


def discretised_normal(points: int, mean: float, sd: float) -> np.ndarray:
    """Category probabilities on 0..points-1 from a normal cut at the half points, with (mu,
    sigma) solved so the discrete mean and sd equal the targets."""
    cuts = np.arange(points - 1) + 0.5
    values = np.arange(points)

    def probs(mu, sigma):
        cdf = stats.norm.cdf((cuts - mu) / sigma)
        return np.diff(np.concatenate([[0.0], cdf, [1.0]]))

    def resid(theta):
        p = probs(theta[0], math.exp(theta[1]))
        m = p @ values
        s = math.sqrt(max(p @ values**2 - m**2, 1e-12))
        return [m - mean, s - sd]

    sol = optimize.least_squares(resid, x0=[mean, math.log(sd)], method="lm")
    return probs(sol.x[0], math.exp(sol.x[1]))


def distribution_within_rounding(percent: dict, mean: float, sd: float) -> np.ndarray:
    """The distribution inside the printed percentages' rounding intervals (±0.5 points) whose
    mean and sd come closest to the published ones (the bars are rounded and may not sum to 100)."""
    percent = {k: v for k, v in percent.items() if k.isdigit()}
    values = np.array(sorted(int(k) for k in percent))
    printed = np.array([percent[str(v)] for v in values], dtype=float) / 100
    lo, hi = np.clip(printed - 0.005, 0, 1), printed + 0.005

    def loss(p):
        m = p @ values
        s = math.sqrt(max(p @ values**2 - m**2, 1e-12))
        return (m - mean) ** 2 + (s - sd) ** 2

    res = optimize.minimize(loss, printed / printed.sum(), method="SLSQP", bounds=list(zip(lo, hi, strict=True)),
                            constraints=[{"type": "eq", "fun": lambda p: p.sum() - 1}])
    p = np.clip(res.x, 0, None)
    return p / p.sum()


@dataclass
class Marginal:
    name: str
    kind: str  # "ordinal", "binary", "continuous"
    probs: np.ndarray | None = None  # categories 0..k-1 (ordinal/binary)
    mean: float | None = None
    sd: float | None = None
    lo: float | None = None
    hi: float | None = None


def study_marginals(study: dict) -> dict[str, Marginal]:
    v = study["variables"]
    ind = v["individualisation"]
    pm, wl = v["performance_management"], v["workload"]
    r_pm = pm["inter_item_correlation"]
    alpha = wl["cronbach_alpha"]
    r_wl = alpha / (3 - 2 * alpha)  # mean inter-item r implied by alpha for three items
    item_sd_pm = pm["published_sd"] / math.sqrt((1 + r_pm) / 2)
    item_sd_wl = wl["published_sd"] / math.sqrt((1 + 2 * r_wl) / 3)
    m = {
        "individualisation": Marginal("individualisation", "ordinal", distribution_within_rounding(
            study["figure_1_individualisation_distribution_percent"], ind["published_mean"], ind["published_sd"])
            if "figure_1_individualisation_distribution_percent" in study else
            discretised_normal(5, ind["published_mean"], ind["published_sd"])),
        "performance_management": Marginal("performance_management", "ordinal",
                                           discretised_normal(5, pm["published_mean"], item_sd_pm)),
        "workload": Marginal("workload", "ordinal", discretised_normal(4, wl["published_mean"], item_sd_wl)),
        "caseload": Marginal("caseload", "ordinal", discretised_normal(7, v["caseload"]["published_mean"],
                                                                       v["caseload"]["published_sd"])),
        "office_size": Marginal("office_size", "ordinal", discretised_normal(4, v["office_size"]["published_mean"],
                                                                             v["office_size"]["published_sd"])),
        "measure_knowledge": Marginal("measure_knowledge", "ordinal", discretised_normal(
            5, v["measure_knowledge"]["published_mean"], v["measure_knowledge"]["published_sd"])),
        "requirements_effective": Marginal("requirements_effective", "ordinal", discretised_normal(
            5, v["requirements_effective"]["published_mean"], v["requirements_effective"]["published_sd"])),
        "employer": Marginal("employer", "binary", np.array([v["employer"]["published_share_municipal"],
                                                               1 - v["employer"]["published_share_municipal"]])),
        "gender": Marginal("gender", "binary", np.array([v["gender"]["published_share_women"],
                                                           1 - v["gender"]["published_share_women"]])),
        "age": Marginal("age", "continuous", mean=v["age"]["published_mean"], sd=v["age"]["published_sd"],
                        lo=v["age"]["range"][0], hi=v["age"]["range"][1]),
    }
    m["_inter_item"] = {"performance_management": r_pm, "workload": r_wl}  # type: ignore[assignment]
    return m


def published_correlations(study: dict) -> pd.DataFrame:
    c = study["appendix_table_1_correlations"]
    order = c["order"]
    r = np.eye(len(order))
    for i, row in enumerate(c["lower"]):
        for j, val in enumerate(row):
            r[i, j] = r[j, i] = val
    return pd.DataFrame(r, index=order, columns=order)


def _whiten(z: np.ndarray) -> np.ndarray:
    z = z - z.mean(axis=0)
    cov = np.cov(z, rowvar=False)
    return z @ np.linalg.inv(np.linalg.cholesky(cov)).T


def _nearest_correlation(r: np.ndarray, floor: float = 1e-4) -> np.ndarray:
    w, v = np.linalg.eigh((r + r.T) / 2)
    r = (v * np.clip(w, floor, None)) @ v.T
    d = np.sqrt(np.diag(r))
    r = r / np.outer(d, d)
    np.fill_diagonal(r, 1.0)
    return r


def _truncated(x: np.ndarray, mg: Marginal) -> np.ndarray:
    """Rounded and truncated to [lo, hi], with the spread widened so the sample sd is the target
    (truncation alone would shrink it and shift the mean)."""
    z = (x - x.mean()) / x.std(ddof=1)
    loc, scale = mg.mean, mg.sd
    for _ in range(12):
        v = np.clip(np.round(loc + scale * z), mg.lo, mg.hi)
        loc += mg.mean - v.mean()
        scale *= mg.sd / max(v.std(ddof=1), 1e-9)
    return np.clip(np.round(loc + scale * z), mg.lo, mg.hi)


def _discretise(x: np.ndarray, counts: np.ndarray) -> np.ndarray:
    """Rank-based: the lowest counts[0] values get 0, the next counts[1] get 1, ..."""
    out = np.empty(x.size, dtype=np.int8)
    out[np.argsort(x, kind="stable")] = np.repeat(np.arange(len(counts), dtype=np.int8), counts)
    return out


@dataclass
class SyntheticData:
    items: pd.DataFrame  # respondent-level, as answered (reverse-worded items not yet reversed)
    study: pd.DataFrame  # study variables (indices scored by the engine)
    target: pd.DataFrame
    achieved: pd.DataFrame
    latent: pd.DataFrame
    iterations: int
    max_abs_error: float
    inter_item: dict = field(default_factory=dict)
    seconds: float = 0.0
    seed: int = 0

    @property
    def n(self) -> int:
        return len(self.study)


def _latent_to_frame(z, e, r_lat, loadings, counts, marginals, order):
    lat = z @ np.linalg.cholesky(r_lat).T
    cols = {}
    for j, name in enumerate(order):
        mg = marginals[name]
        x = lat[:, j]
        if name in ("performance_management", "workload"):
            lam = loadings[name]
            items = STUDY_ITEMS[name]
            for q, item in enumerate(items):
                xi = math.sqrt(lam) * x + math.sqrt(1 - lam) * e[name][:, q]
                cols[item] = _discretise(xi, counts[name])
        elif mg.kind == "continuous":
            cols[name] = _truncated(x, mg)
        else:
            key = STUDY_ITEMS.get(name, (name,))[0]
            cols[key] = _discretise(x, counts[name])
    return pd.DataFrame(cols), lat


def _study_frame(items: pd.DataFrame) -> pd.DataFrame:
    """Item-level (workload direction, before reversal) -> study variables, using the engine's
    scoring with reverse coding applied to the as-answered items."""
    scored = score_indices(items, STUDY_INDICES)
    out = pd.DataFrame({
        "individualisation": items["ind_tailored"].astype(float),
        "performance_management": scored["performance_management"],
        "workload": scored["workload"],
        "caseload": items["caseload"].astype(float),
        "office_size": items["office_size"].astype(float),
        "employer": items["employer"].astype(float),
        "measure_knowledge": items["know_measures"].astype(float),
        "requirements_effective": items["req_effective"].astype(float),
        "gender": items["gender"].astype(float),
        "age": items["age"].astype(float),
    })
    if "office" in items:
        out["office"] = items["office"].to_numpy()
    return out


def _as_answered(frame: pd.DataFrame) -> pd.DataFrame:
    """Reverse-worded workload items are stored as the respondent answered them."""
    out = frame.copy()
    for item in WORKLOAD_REVERSED:
        out[item] = (3 - out[item]).astype(np.int8)
    return out


def assign_offices(office_size: np.ndarray, latent_y: np.ndarray, n_offices: int, rng: np.random.Generator,
                   office_effect: float = 0.3) -> np.ndarray:
    """Offices within office-size category; sizes follow the category (bigger offices, more
    respondents); a weak latent office effect on the dependent variable gives a small ICC."""
    cats = np.unique(office_size)
    weight = {0: 6.0, 1: 16.0, 2: 32.0, 3: 55.0}  # typical respondents per office by size category
    counts = {c: int(np.sum(office_size == c)) for c in cats}
    raw = np.array([counts[c] / weight.get(int(c), 20.0) for c in cats])
    k = largest_remainder(raw, n_offices) if n_offices >= len(cats) else np.ones(len(cats), int)
    k = np.maximum(k, 1)
    k = np.minimum(k, [counts[c] for c in cats])
    office = np.empty(office_size.size, dtype=np.int32)
    next_id = 1
    for c, kc in zip(cats, k, strict=True):
        idx = np.flatnonzero(office_size == c)
        key = office_effect * latent_y[idx] + rng.standard_normal(idx.size)
        for chunk in np.array_split(idx[np.argsort(key)], kc):
            office[chunk] = next_id
            next_id += 1
    return office


def generate(study: dict, n: int | None = None, n_offices: int | None = None, seed: int = 2021,
             max_iterations: int = 60, tolerance: float = 0.002, target: pd.DataFrame | None = None) -> SyntheticData:
    """Synthetic respondents reproducing ``study``'s descriptives and correlation matrix."""
    started = time.perf_counter()
    n = n or study["design"]["analysed_n"]
    n_offices = n_offices or study["design"]["offices"]
    rng = np.random.default_rng(seed)
    marginals = study_marginals(study)
    inter_target = marginals.pop("_inter_item")
    target = published_correlations(study) if target is None else target
    order = list(target.index)
    counts = {name: largest_remainder(mg.probs, n) for name, mg in marginals.items() if mg.probs is not None}
    k = len(order)
    z = _whiten(rng.standard_normal((n, k)))
    e = {name: _whiten(rng.standard_normal((n, len(STUDY_ITEMS[name])))) for name in inter_target}
    # independent of z: rotate out any sample correlation with the latent block
    for name in e:
        b = np.linalg.lstsq(z, e[name], rcond=None)[0]
        e[name] = _whiten(e[name] - z @ b)
    t = target.to_numpy()
    r_lat = t.copy()
    loadings = dict(inter_target)
    best = (float("inf"), r_lat, dict(loadings), {})
    it = 0
    for it in range(1, max_iterations + 1):
        answered, lat = _latent_to_frame(z, e, r_lat, loadings, counts, marginals, order)
        study_df = _study_frame(_as_answered(answered))
        achieved = np.corrcoef(study_df[order].to_numpy(dtype=float), rowvar=False)
        inter_now = {
            name: float(np.corrcoef(answered[list(STUDY_ITEMS[name])].to_numpy(dtype=float), rowvar=False)[
                np.triu_indices(len(STUDY_ITEMS[name]), 1)].mean())
            for name in inter_target
        }
        diff = t - achieved
        err = max(float(np.abs(diff).max()), max(abs(inter_target[k_] - inter_now[k_]) for k_ in inter_target))
        if err < best[0]:
            best = (err, r_lat, dict(loadings), inter_now)
        if err < tolerance:
            break
        # damped fixed-point step: rank discretisation moves in steps of about 1/n, so a full
        # step oscillates on the binary variables
        step = 1.0 if it <= 5 else 0.5
        r_lat = _nearest_correlation(r_lat + step * diff)
        for name in inter_target:
            loadings[name] = float(np.clip(loadings[name] + step * (inter_target[name] - inter_now[name]), 0.01, 0.99))
    err, r_lat, loadings, inter_now = best
    answered, lat = _latent_to_frame(z, e, r_lat, loadings, counts, marginals, order)
    answered = _as_answered(answered)
    answered["office"] = assign_offices(answered["office_size"].to_numpy(), lat[:, order.index("individualisation")],
                                        n_offices, rng)
    answered.insert(0, "respondent", [f"S{i:05d}" for i in range(1, n + 1)])
    study_df = _study_frame(answered)
    achieved_df = pd.DataFrame(np.corrcoef(study_df[order].to_numpy(dtype=float), rowvar=False), index=order,
                               columns=order)
    return SyntheticData(
        items=answered, study=study_df, target=target, achieved=achieved_df,
        latent=pd.DataFrame(r_lat, index=order, columns=order), iterations=it, max_abs_error=err,
        inter_item=inter_now, seconds=time.perf_counter() - started, seed=seed,
    )
