"""Tests from summary statistics (means, sds, counts and n per group), with effect sizes, their
confidence intervals, and the *rounding range*: the exact smallest and largest value of the
statistic and of p over the box of unrounded inputs that round to the figures entered.

How each range is found
- Student's t: monotone in the mean difference and in each sd (the pooled se grows with each sd),
  so the extremes lie at the box's corners: exact.
- Welch's t: the statistic is as Student's (monotone); p is not, because the Welch df moves with
  the sds. p is monotone in |t| for a fixed df, so |mean difference| is set to its extreme and
  the two sds are searched: a grid over the box, then L-BFGS-B from the best grid points.
- One-way ANOVA: the within sum of squares grows with each sd (monotone); the between sum of
  squares is a convex quadratic in the means, so its maximum lies at a vertex of the box (all
  vertices are enumerated for up to 12 groups) and its minimum is a convex problem (L-BFGS-B
  finds the global minimum). p is monotone in F (the dfs are fixed).
- Difference of proportions (pooled z): not monotone in the proportions; grid plus L-BFGS-B.
- χ² and Fisher's exact test take counts, which are not rounded: the range is the value itself.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from django.utils.translation import gettext as _
from scipy import optimize, stats

from .errors import AnalysisError
from .results import Result, clean_number


@dataclass
class Effect:
    name: str
    value: float
    ci_low: float | None
    ci_high: float | None
    method: str = ""


@dataclass
class RoundingRange:
    decimals: int | None
    statistic: tuple[float, float]
    p: tuple[float, float]
    method: str

    def contains(self, statistic: float, tol: float = 1e-9) -> bool:
        lo, hi = self.statistic
        return lo - tol * max(1.0, abs(lo)) <= statistic <= hi + tol * max(1.0, abs(hi))


@dataclass
class SummaryTest(Result):
    test: str
    label: str
    statistic_name: str
    statistic: float
    df: tuple
    p: float
    effects: list[Effect] = field(default_factory=list)
    rounding: RoundingRange | None = None
    notes: list[str] = field(default_factory=list)
    inputs: dict = field(default_factory=dict)
    title = "Test fra oppsummerte tall"

    def effect(self, name: str) -> Effect:
        for e in self.effects:
            if e.name == name:
                return e
        raise KeyError(name)

    def within_rounding(self, published: float) -> bool:
        """Whether a published value of the statistic is one the rounded inputs allow."""
        return self.rounding is not None and self.rounding.contains(published, tol=1e-6)

    def to_frame(self) -> pd.DataFrame:
        rows = [{"størrelse": self.statistic_name, "verdi": self.statistic, "ki_lav": None, "ki_høy": None,
                 "metode": self.label},
                {"størrelse": "df", "verdi": self.df[0] if len(self.df) == 1 else None, "ki_lav": None, "ki_høy": None,
                 "metode": ", ".join(f"{d:g}" for d in self.df)},
                {"størrelse": "p", "verdi": self.p, "ki_lav": None, "ki_høy": None, "metode": "tosidig"}]
        for e in self.effects:
            rows.append({"størrelse": e.name, "verdi": e.value, "ki_lav": e.ci_low, "ki_høy": e.ci_high,
                         "metode": e.method})
        if self.rounding is not None:
            rows.append({"størrelse": f"{self.statistic_name} (avrundingsspenn)", "verdi": None,
                         "ki_lav": self.rounding.statistic[0], "ki_høy": self.rounding.statistic[1],
                         "metode": self.rounding.method})
            rows.append({"størrelse": "p (avrundingsspenn)", "verdi": None, "ki_lav": self.rounding.p[0],
                         "ki_høy": self.rounding.p[1], "metode": self.rounding.method})
        return pd.DataFrame(rows).set_index("størrelse")

    def to_dict(self) -> dict:
        c = clean_number
        return {
            "title": self.title, "test": self.test, "label": self.label, "statistic_name": self.statistic_name,
            "statistic": c(self.statistic), "df": [c(d) for d in self.df], "p": c(self.p),
            "effects": [{"name": e.name, "value": c(e.value), "ci_low": c(e.ci_low), "ci_high": c(e.ci_high),
                         "method": e.method} for e in self.effects],
            "rounding": None if self.rounding is None else {
                "decimals": self.rounding.decimals, "statistic": [c(v) for v in self.rounding.statistic],
                "p": [c(v) for v in self.rounding.p], "method": self.rounding.method},
            "notes": self.notes, "inputs": {k: (list(v) if isinstance(v, (list, tuple)) else v)
                                            for k, v in self.inputs.items()},
        }


# --- validation ---------------------------------------------------------------------------------

def _finite(value, name: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise AnalysisError(_("%(name)s: «%(value)s» er ikke et tall.") % {"name": name, "value": str(value)[:20]}, field=name) from None
    if not math.isfinite(v):
        raise AnalysisError(_("%(name)s: må være et endelig tall.") % {"name": name}, field=name)
    return v


def _sd(value, name: str) -> float:
    v = _finite(value, name)
    if v < 0:
        raise AnalysisError(_("%(name)s: et standardavvik kan ikke være negativt (%(v)g).") % {"name": name, "v": v}, field=name)
    return v


def _n(value, name: str, minimum: int = 2) -> int:
    v = _finite(value, name)
    if v != int(v):
        raise AnalysisError(_("%(name)s: antall må være et helt tall (%(v)g).") % {"name": name, "v": v}, field=name)
    if v < minimum:
        raise AnalysisError(_("%(name)s: må være minst %(minimum)s (fikk %(v)s).") % {"name": name, "minimum": minimum, "v": int(v)}, field=name)
    return int(v)


def _proportion(value, name: str) -> float:
    v = _finite(value, name)
    if not 0 <= v <= 1:
        raise AnalysisError(_("%(name)s: en andel må ligge mellom 0 og 1 (fikk %(v)g).") % {"name": name, "v": v}, field=name)
    return v


def _decimals(decimals) -> int | None:
    if decimals is None or decimals == "":
        return None
    d = _finite(decimals, "decimals")
    if d != int(d) or not 0 <= d <= 10:
        raise AnalysisError(_("decimals: antall desimaler må være et helt tall fra 0 til 10."), field="decimals")
    return int(d)


def _half(decimals: int | None) -> float:
    # a hair wider than half a unit, so a value exactly on the rounding boundary stays inside
    return 0.0 if decimals is None else 0.5 * 10.0 ** (-decimals) * (1 + 1e-9)


def _p_two_sided_t(t: float, df: float) -> float:
    return float(2 * stats.t.sf(abs(t), df)) if math.isfinite(t) else 0.0


# --- t-tests ------------------------------------------------------------------------------------

def _t_parts(m1, s1, n1, m2, s2, n2, equal_var: bool):
    if equal_var:
        df = n1 + n2 - 2
        se = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / df * (1 / n1 + 1 / n2))
    else:
        v1, v2 = s1**2 / n1, s2**2 / n2
        se = math.sqrt(v1 + v2)
        df = (v1 + v2) ** 2 / (v1**2 / (n1 - 1) + v2**2 / (n2 - 1)) if se > 0 else float(n1 + n2 - 2)
    t = (m1 - m2) / se if se > 0 else (math.copysign(math.inf, m1 - m2) if m1 != m2 else math.nan)
    return t, float(df), se


def _ncp_interval(stat: float, cdf, level: float = 0.95) -> tuple[float, float]:
    """Confidence limits for a noncentrality parameter by inverting a noncentral cdf in it."""
    lo_q, hi_q = 1 - (1 - level) / 2, (1 - level) / 2

    def safe(ncp):
        v = cdf(stat, ncp)
        if math.isnan(v):  # far tails: scipy gives NaN where the cdf is 0 or 1
            v = 0.0 if ncp > stat else 1.0
        return v

    def solve(q):
        f = lambda ncp: safe(ncp) - q  # noqa: E731 (decreasing in ncp)
        a, b = stat - 10 - abs(stat), stat + 10 + abs(stat)
        while f(a) < 0:
            a -= 10 + abs(a)
        while f(b) > 0:
            b += 10 + abs(b)
        return optimize.brentq(f, a, b, xtol=1e-12)

    return solve(lo_q), solve(hi_q)


def t_test(m1, s1, n1, m2, s2, n2, *, equal_var: bool = False, decimals=None, level: float = 0.95) -> SummaryTest:
    """Two independent groups from mean, sd and n each. ``equal_var`` gives Student's t,
    otherwise Welch's. ``decimals``: what the means and sds were rounded to."""
    m1, m2 = _finite(m1, "mean1"), _finite(m2, "mean2")
    s1, s2 = _sd(s1, "sd1"), _sd(s2, "sd2")
    n1, n2 = _n(n1, "n1"), _n(n2, "n2")
    d = _decimals(decimals)
    if s1 == 0 and s2 == 0:
        raise AnalysisError(_("sd1: begge standardavvikene er 0; t kan ikke beregnes."), field="sd1")
    t, df, se = _t_parts(m1, s1, n1, m2, s2, n2, equal_var)
    p = _p_two_sided_t(t, df)
    diff = m1 - m2
    crit = stats.t.ppf(1 - (1 - level) / 2, df)
    dfp = n1 + n2 - 2
    sp = math.sqrt(((n1 - 1) * s1**2 + (n2 - 1) * s2**2) / dfp)
    cohen = diff / sp if sp > 0 else math.nan
    j = math.exp(math.lgamma(dfp / 2) - math.log(math.sqrt(dfp / 2)) - math.lgamma((dfp - 1) / 2))
    scale = math.sqrt(1 / n1 + 1 / n2)
    t_pooled = cohen / scale
    lo, hi = _ncp_interval(t_pooled, lambda x, ncp: stats.nct.cdf(x, dfp, ncp), level)
    effects = [
        Effect("differanse", diff, diff - crit * se, diff + crit * se, f"{int(level * 100)} % KI, t({df:.2f})"),
        Effect("Cohens d", cohen, lo * scale, hi * scale, "sammenslått sd; KI ved ikke-sentral t"),
        Effect("Hedges' g", cohen * j, lo * scale * j, hi * scale * j, "d · J(df), eksakt J"),
    ]
    rounding = None
    if d is not None:
        rounding = _t_range(m1, s1, n1, m2, s2, n2, equal_var, d)
    label = "Students t (like varianser)" if equal_var else "Welchs t (ulike varianser)"
    return SummaryTest(test="student" if equal_var else "welch", label=label, statistic_name="t", statistic=t,
                       df=(df,), p=p, effects=effects, rounding=rounding,
                       inputs={"mean1": m1, "sd1": s1, "n1": n1, "mean2": m2, "sd2": s2, "n2": n2, "decimals": d})


def _t_range(m1, s1, n1, m2, s2, n2, equal_var, d) -> RoundingRange:
    h = _half(d)
    d_lo, d_hi = (m1 - h) - (m2 + h), (m1 + h) - (m2 - h)
    s_lo = (max(s1 - h, 0.0), max(s2 - h, 0.0))
    s_hi = (s1 + h, s2 + h)

    def se_of(a, b):
        return _t_parts(0.0, a, n1, 0.0, b, n2, equal_var)[2]

    se_min, se_max = se_of(*s_lo), se_of(*s_hi)

    def ratio(num, se):
        if se == 0:
            return math.copysign(math.inf, num) if num != 0 else 0.0
        return num / se

    t_max = ratio(d_hi, se_min) if d_hi > 0 else ratio(d_hi, se_max)
    t_min = ratio(d_lo, se_min) if d_lo < 0 else ratio(d_lo, se_max)
    abs_max = max(abs(d_lo), abs(d_hi))
    abs_min = 0.0 if d_lo <= 0 <= d_hi else min(abs(d_lo), abs(d_hi))
    if equal_var:
        df = n1 + n2 - 2
        p_min = _p_two_sided_t(ratio(abs_max, se_min), df)
        p_max = _p_two_sided_t(ratio(abs_min, se_max), df) if abs_min > 0 else 1.0
        method = "eksakt: t er monoton i differansen og i hvert standardavvik"
    else:
        def p_at(num, s):
            t, df, _se = _t_parts(num, s[0], n1, 0.0, s[1], n2, False)
            return _p_two_sided_t(t, df) if math.isfinite(t) else (0.0 if num else 1.0)

        box = [s_lo[0], s_hi[0]], [s_lo[1], s_hi[1]]
        p_min = _box_optimum(lambda s: p_at(abs_max, s), box, minimise=True)
        p_max = 1.0 if abs_min == 0 else _box_optimum(lambda s: p_at(abs_min, s), box, minimise=False)
        method = ("t eksakt (monoton); p: |differanse| i ytterpunktet, standardavvikene søkt med rutenett "
                  "og L-BFGS-B (Welchs df avhenger av dem)")
    return RoundingRange(d, (t_min, t_max), (p_min, p_max), method)


def _box_optimum(fn, box, *, minimise: bool, grid: int = 9) -> float:
    """min (or max) of fn over a box: every grid point (corners included), then L-BFGS-B from
    the three best."""
    sign = 1.0 if minimise else -1.0
    axes = [np.linspace(lo, hi, grid) if hi > lo else np.array([lo]) for lo, hi in box]
    points = list(itertools.product(*axes))
    values = [sign * fn(np.array(pt)) for pt in points]
    best = min(values)
    for i in np.argsort(values)[:3]:
        res = optimize.minimize(lambda x: sign * fn(x), np.array(points[i]), method="L-BFGS-B", bounds=box)
        if res.fun < best:
            best = float(res.fun)
    return sign * best


# --- one-way ANOVA ------------------------------------------------------------------------------

def _as_list(values, name: str) -> list:
    if isinstance(values, str):
        values = [v for v in values.replace(";", " ").split() if v]
    try:
        out = list(values)
    except TypeError:
        raise AnalysisError(_("%(name)s: forventet en liste med tall.") % {"name": name}, field=name) from None
    return out


def anova(means, sds, ns, *, decimals=None, level: float = 0.95) -> SummaryTest:
    means = [_finite(v, f"means[{i + 1}]") for i, v in enumerate(_as_list(means, "means"))]
    sds = [_sd(v, f"sds[{i + 1}]") for i, v in enumerate(_as_list(sds, "sds"))]
    ns = [_n(v, f"ns[{i + 1}]") for i, v in enumerate(_as_list(ns, "ns"))]
    k = len(means)
    if k < 2:
        raise AnalysisError(_("means: variansanalyse trenger minst to grupper."), field="means")
    if len(sds) != k:
        raise AnalysisError(_("sds: %(count)s standardavvik for %(k)s grupper.") % {"count": len(sds), "k": k}, field="sds")
    if len(ns) != k:
        raise AnalysisError(_("ns: %(count)s gruppestørrelser for %(k)s grupper.") % {"count": len(ns), "k": k}, field="ns")
    d = _decimals(decimals)
    m, s, n = np.array(means), np.array(sds), np.array(ns, dtype=float)
    big_n = n.sum()
    df1, df2 = k - 1, int(big_n - k)
    ssb = _ssb(m, n)
    ssw = float(((n - 1) * s**2).sum())
    if ssw == 0:
        raise AnalysisError(_("sds: alle standardavvik er 0; F kan ikke beregnes."), field="sds")
    f = (ssb / df1) / (ssw / df2)
    p = float(stats.f.sf(f, df1, df2))
    eta2 = ssb / (ssb + ssw)
    lam_lo, lam_hi = _lambda_interval(lambda lam: stats.ncf.cdf(f, df1, df2, lam) if lam > 0 else stats.f.cdf(f, df1, df2),
                                      level)
    effects = [
        Effect("η²", eta2, lam_lo / (lam_lo + big_n), lam_hi / (lam_hi + big_n),
               "KI ved ikke-sentral F (λ/(λ+N))"),
        Effect("ω²", (ssb - df1 * ssw / df2) / (ssb + ssw + ssw / df2), None, None, "mindre skjev enn η²"),
    ]
    rounding = None
    if d is not None:
        h = _half(d)
        box = [(mi - h, mi + h) for mi in m]
        ssw_lo = float(((n - 1) * np.maximum(s - h, 0) ** 2).sum())
        ssw_hi = float(((n - 1) * (s + h) ** 2).sum())
        if k <= 12:
            ssb_hi = max(_ssb(np.array(v), n) for v in itertools.product(*box))
            how = "alle hjørner"
        else:
            ssb_hi = _box_optimum(lambda x: _ssb(x, n), box, minimise=False, grid=2)
            how = "L-BFGS-B fra hjørner"
        res = optimize.minimize(lambda x: _ssb(x, n), m, method="L-BFGS-B", bounds=box)
        ssb_lo = max(0.0, float(min(res.fun, ssb)))
        f_lo = (ssb_lo / df1) / (ssw_hi / df2)
        f_hi = (ssb_hi / df1) / (ssw_lo / df2) if ssw_lo > 0 else math.inf
        rounding = RoundingRange(d, (f_lo, f_hi), (float(stats.f.sf(f_hi, df1, df2)), float(stats.f.sf(f_lo, df1, df2))),
                                 f"innen-kvadratsum monoton i hver sd; mellom-kvadratsum konveks i snittene: maksimum "
                                 f"over {how}, minimum ved L-BFGS-B (konvekst problem)")
    return SummaryTest(test="anova", label="Enveis variansanalyse", statistic_name="F", statistic=f,
                       df=(float(df1), float(df2)), p=p, effects=effects, rounding=rounding,
                       inputs={"means": means, "sds": sds, "ns": ns, "decimals": d})


def _ssb(m: np.ndarray, n: np.ndarray) -> float:
    grand = float((n * m).sum() / n.sum())
    return float((n * (m - grand) ** 2).sum())


def _lambda_interval(cdf_of_lambda, level: float) -> tuple[float, float]:
    """Limits for a noncentrality λ ≥ 0 from cdf(λ) (decreasing in λ); 0 when the bound is below."""
    out = []
    for q in (1 - (1 - level) / 2, (1 - level) / 2):
        if cdf_of_lambda(0.0) <= q:
            out.append(0.0)
            continue
        b = 10.0
        while cdf_of_lambda(b) > q:
            b *= 2
        out.append(optimize.brentq(lambda lam, q=q: cdf_of_lambda(lam) - q, 0.0, b, xtol=1e-10))
    return out[0], out[1]


# --- contingency tables -------------------------------------------------------------------------

def _table(table) -> np.ndarray:
    if isinstance(table, str):
        rows = [r for r in table.strip().splitlines() if r.strip()]
        table = [[c for c in r.replace(";", " ").replace("\t", " ").split() if c] for r in rows]
    try:
        rows = [list(r) for r in table]
    except TypeError:
        raise AnalysisError(_("table: forventet rader med antall."), field="table") from None
    if len(rows) < 2 or any(len(r) != len(rows[0]) for r in rows) or len(rows[0]) < 2:
        raise AnalysisError(_("table: tabellen må ha minst 2 × 2 celler og like mange kolonner i hver rad."), field="table")
    out = np.zeros((len(rows), len(rows[0])), dtype=np.int64)
    for i, r in enumerate(rows):
        for j, v in enumerate(r):
            x = _finite(v, f"table[{i + 1},{j + 1}]")
            if x < 0 or x != int(x):
                raise AnalysisError(_("table[%(i)s,%(j)s]: et antall må være et helt tall ≥ 0 (fikk %(x)g).") % {"i": i + 1, "j": j + 1, "x": x},
                                    field="table")
            out[i, j] = int(x)
    if (out.sum(axis=1) == 0).any() or (out.sum(axis=0) == 0).any():
        raise AnalysisError(_("table: en rad eller kolonne har bare nuller."), field="table")
    return out


def _check_total(table: np.ndarray, n) -> None:
    if n is None or n == "":
        return
    total = _n(n, "n", minimum=1)
    if int(table.sum()) != total:
        raise AnalysisError(_("n: cellene summerer til %(cells)s, ikke %(total)s.") % {"cells": int(table.sum()), "total": total}, field="n")


def chi_square_table(table, *, correction: bool = False, n=None, level: float = 0.95) -> SummaryTest:
    """Pearson's χ² test of independence from a table of counts; ``correction`` applies Yates'
    continuity correction (2 × 2 tables only, as scipy does)."""
    t = _table(table)
    _check_total(t, n)
    chi2, p, df, expected = stats.chi2_contingency(t, correction=correction)
    big_n = int(t.sum())
    kmin = min(t.shape) - 1
    v = math.sqrt(chi2 / (big_n * kmin))
    lam_lo, lam_hi = _lambda_interval(lambda lam: stats.ncx2.cdf(chi2, df, lam) if lam > 0 else stats.chi2.cdf(chi2, df),
                                      level)
    effects = [Effect("Cramérs V", v, math.sqrt((lam_lo + df) / (big_n * kmin)) if lam_lo > 0 else 0.0,
                      math.sqrt((lam_hi + df) / (big_n * kmin)), "KI ved ikke-sentral χ² (√((λ+df)/(N·(k−1))))")]
    if t.shape == (2, 2):
        effects += _two_by_two_effects(t, level)
    notes = []
    if expected.min() < 5:
        notes.append(f"Minste forventede antall er {expected.min():.2f} (< 5): χ²-tilnærmingen er usikker; "
                     "se Fishers eksakte test.")
    corrected = correction and t.shape == (2, 2)
    return SummaryTest(test="chi2_yates" if corrected else "chi2",
                       label="Pearsons χ² med Yates' korreksjon" if corrected else "Pearsons χ²",
                       statistic_name="χ²", statistic=float(chi2), df=(float(df),), p=float(p), effects=effects,
                       rounding=RoundingRange(None, (float(chi2), float(chi2)), (float(p), float(p)),
                                              "antall er hele tall: ingen avrunding"),
                       notes=notes, inputs={"table": t.tolist(), "correction": corrected})


def _two_by_two_effects(t: np.ndarray, level: float) -> list[Effect]:
    from statsmodels.stats.contingency_tables import Table2x2
    from statsmodels.stats.proportion import confint_proportions_2indep

    tab = Table2x2(t.astype(float))
    alpha = 1 - level
    or_lo, or_hi = tab.oddsratio_confint(alpha=alpha) if (t > 0).all() else (None, None)
    rr_lo, rr_hi = tab.riskratio_confint(alpha=alpha) if (t > 0).all() else (None, None)
    (a, b), (c, d) = t
    rd_lo, rd_hi = confint_proportions_2indep(a, a + b, c, c + d, method="newcomb", compare="diff", alpha=alpha)
    return [
        Effect("oddsratio", float(tab.oddsratio) if (t > 0).all() else (math.inf if b * c == 0 else 0.0),
               clean_number(or_lo), clean_number(or_hi), "Woolfs logit-KI"),
        Effect("relativ risiko", float(tab.riskratio) if (t > 0).all() else math.nan, clean_number(rr_lo),
               clean_number(rr_hi), "rad 1 mot rad 2, første kolonne; log-KI"),
        Effect("risikodifferanse", a / (a + b) - c / (c + d), float(rd_lo), float(rd_hi), "Newcombes KI"),
    ]


def fisher_exact(table, *, n=None, level: float = 0.95) -> SummaryTest:
    t = _table(table)
    if t.shape != (2, 2):
        raise AnalysisError(_("table: Fishers eksakte test her gjelder 2 × 2-tabeller."), field="table")
    _check_total(t, n)
    res = stats.fisher_exact(t, alternative="two-sided")
    ci = stats.contingency.odds_ratio(t, kind="conditional").confidence_interval(confidence_level=level)
    effects = [Effect("oddsratio (betinget ML)", float(stats.contingency.odds_ratio(t, kind="conditional").statistic),
                      float(ci.low), float(ci.high), "eksakt betinget KI")]
    effects += [e for e in _two_by_two_effects(t, level) if e.name == "risikodifferanse"]
    return SummaryTest(test="fisher", label="Fishers eksakte test (tosidig)", statistic_name="oddsratio (utvalg)",
                       statistic=float(res.statistic), df=(), p=float(res.pvalue), effects=effects,
                       rounding=RoundingRange(None, (float(res.statistic),) * 2, (float(res.pvalue),) * 2,
                                              "antall er hele tall: ingen avrunding"),
                       inputs={"table": t.tolist()})


# --- two proportions ----------------------------------------------------------------------------

def _z_pooled(p1, n1, p2, n2) -> float:
    pool = (p1 * n1 + p2 * n2) / (n1 + n2)
    se = math.sqrt(pool * (1 - pool) * (1 / n1 + 1 / n2))
    if se == 0:
        return 0.0 if p1 == p2 else math.copysign(math.inf, p1 - p2)
    return (p1 - p2) / se


def proportions(p1, n1, p2, n2, *, decimals=None, count1=None, count2=None, level: float = 0.95) -> SummaryTest:
    """Difference of two independent proportions (pooled z test), from the proportions (rounded to
    ``decimals``) or from the counts (exact)."""
    n1, n2 = _n(n1, "n1", 1), _n(n2, "n2", 1)
    exact = count1 not in (None, "") and count2 not in (None, "")
    if exact:
        c1, c2 = _finite(count1, "count1"), _finite(count2, "count2")
        for c, nn, name in ((c1, n1, "count1"), (c2, n2, "count2")):
            if c < 0 or c != int(c):
                raise AnalysisError(_("%(name)s: et antall må være et helt tall ≥ 0.") % {"name": name}, field=name)
            if c > nn:
                raise AnalysisError(_("%(name)s: %(c)s er flere enn n (%(nn)s).") % {"name": name, "c": int(c), "nn": nn}, field=name)
        p1, p2 = c1 / n1, c2 / n2
        d = None
    else:
        p1, p2 = _proportion(p1, "p1"), _proportion(p2, "p2")
        d = _decimals(decimals)
    z = _z_pooled(p1, n1, p2, n2)
    p = float(2 * stats.norm.sf(abs(z)))
    from statsmodels.stats.proportion import confint_proportions_2indep

    lo, hi = confint_proportions_2indep(p1 * n1, n1, p2 * n2, n2, method="newcomb", compare="diff", alpha=1 - level)
    effects = [Effect("differanse i andel", p1 - p2, float(lo), float(hi), "Newcombes KI"),
               Effect("Cohens h", 2 * math.asin(math.sqrt(p1)) - 2 * math.asin(math.sqrt(p2)), None, None,
                      "arcsin-transformasjon")]
    rounding = None
    if d is not None:
        h = _half(d)
        box = [(max(p1 - h, 0.0), min(p1 + h, 1.0)), (max(p2 - h, 0.0), min(p2 + h, 1.0))]
        fz = lambda x: _z_pooled(x[0], n1, x[1], n2)  # noqa: E731
        z_lo = _box_optimum(fz, box, minimise=True, grid=21)
        z_hi = _box_optimum(fz, box, minimise=False, grid=21)
        abs_hi = max(abs(z_lo), abs(z_hi))
        abs_lo = 0.0 if z_lo <= 0 <= z_hi else min(abs(z_lo), abs(z_hi))
        rounding = RoundingRange(d, (z_lo, z_hi), (float(2 * stats.norm.sf(abs_hi)), float(2 * stats.norm.sf(abs_lo))),
                                 "z er ikke monoton i andelene (den sammenslåtte andelen flytter se): rutenett "
                                 "21 × 21 og L-BFGS-B; p fra ytterpunktene av |z|")
    return SummaryTest(test="proportions", label="Differanse mellom to andeler (z-test, sammenslått andel)",
                       statistic_name="z", statistic=z, df=(), p=p, effects=effects, rounding=rounding,
                       inputs={"p1": p1, "n1": n1, "p2": p2, "n2": n2, "decimals": d})
