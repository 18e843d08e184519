"""Workload beside the staff survey (issue 14, part 6): over offices with 5 or more answers in a
wave, does the experienced-workload index track the modelled workload per counsellor better than
the caseload per counsellor? The two correlations with Fisher-z CIs, Steiger's (1980) Z for two
dependent correlations sharing a variable, and a random-intercept model of the respondents'
index on both office measures (the analysis engine's ``random_intercept``)."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from scipy import stats

from skreddersy.core.suppression import MIN_GROUP


@dataclass
class Correlation:
    r: float
    ci_low: float
    ci_high: float
    p: float


@dataclass
class SteigerTest:
    z: float
    p: float


def correlation(x, y, alpha: float = 0.05) -> Correlation:
    x, y = np.asarray(x, float), np.asarray(y, float)
    n = len(x)
    r = float(np.corrcoef(x, y)[0, 1])
    z, se = math.atanh(max(-0.999999, min(0.999999, r))), 1 / math.sqrt(n - 3)
    q = stats.norm.ppf(1 - alpha / 2)
    t = r * math.sqrt((n - 2) / max(1e-12, 1 - r * r))
    return Correlation(r, math.tanh(z - q * se), math.tanh(z + q * se), float(2 * stats.t.sf(abs(t), n - 2)))


def steiger_z(r_jk: float, r_jh: float, r_kh: float, n: int) -> SteigerTest:
    """Steiger (1980), equations 14-15: are r_jk and r_jh (sharing variable j) equal? Fisher-z
    difference over its standard error with the pooled correlation r̄ = (r_jk + r_jh) / 2."""
    if n < 4:
        raise ValueError("Steiger's test needs at least 4 cases")
    rbar = (r_jk + r_jh) / 2
    psi = r_kh * (1 - 2 * rbar**2) - 0.5 * rbar**2 * (1 - 2 * rbar**2 - r_kh**2)
    s = psi / (1 - rbar**2) ** 2
    z = (math.atanh(r_jk) - math.atanh(r_jh)) * math.sqrt(n - 3) / math.sqrt(2 - 2 * s)
    return SteigerTest(z, float(2 * stats.norm.sf(abs(z))))


@dataclass
class SurveyComparison:
    n_offices: int
    n_respondents: int
    hidden_offices: int  # offices in the wave left out for fewer than 5 answers (a count, never which)
    modelled: Correlation | None = None
    caseload: Correlation | None = None
    between: float | None = None  # correlation of the two operational measures
    steiger: SteigerTest | None = None
    multilevel: object | None = None
    message: str = ""


def compare(offices: list[dict], respondents, *, index: str = "workload") -> SurveyComparison:
    """``offices``: dicts with office, n (answers), experienced (mean index), modelled (hours per
    week per counsellor), caseload (clients per counsellor). ``respondents``: the wave's frame
    (office, index). Offices under 5 answers are left out before anything is computed."""
    kept = [o for o in offices if o["n"] >= MIN_GROUP and o["modelled"] is not None and o["experienced"] is not None]
    out = SurveyComparison(len(kept), int(sum(o["n"] for o in kept)), len(offices) - len(kept))
    if len(kept) < 5:
        out.message = (
            "For få kontor med minst fem svar og veiledere med brukere til å sammenligne "
            f"({len(kept)}; trenger minst fem)."
        )
        return out
    e = np.array([o["experienced"] for o in kept])
    m = np.array([o["modelled"] for o in kept])
    c = np.array([o["caseload"] for o in kept])
    out.modelled = correlation(e, m)
    out.caseload = correlation(e, c)
    out.between = float(np.corrcoef(m, c)[0, 1])
    out.steiger = steiger_z(out.modelled.r, out.caseload.r, out.between, len(kept))
    from skreddersy.insight.analysis import AnalysisError, random_intercept

    frame = respondents[respondents["office"].isin([o["office"] for o in kept])][["office", index]].copy()
    by = {o["office"]: o for o in kept}
    # standardised office measures, so the two fixed effects compare on one scale
    frame["modelled_z"] = frame["office"].map(lambda i: (by[i]["modelled"] - m.mean()) / m.std(ddof=1))
    frame["caseload_z"] = frame["office"].map(lambda i: (by[i]["caseload"] - c.mean()) / c.std(ddof=1))
    try:
        out.multilevel = random_intercept(
            frame,
            index,
            ["modelled_z", "caseload_z"],
            group="office",
            labels={
                "modelled_z": "Modellert belastning per veileder (z)",
                "caseload_z": "Brukere per veileder (z)",
                index: "Opplevd arbeidsbelastning",
            },
        )
    except AnalysisError as exc:
        out.message = exc.message
    return out
