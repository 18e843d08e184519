"""Agreement between raters on the same cases: Fleiss' kappa and Krippendorff's alpha (nominal or
ordinal), with percentile bootstrap confidence intervals over the cases (the vignettes).

Both work on a counts matrix: one row per case, one column per category, each cell the number of
raters who chose that category for that case.

- Fleiss' kappa (Fleiss 1971): every case rated by the same number of raters (``n``):
  ``P_i = (sum_j n_ij^2 - n) / (n (n - 1))``, ``P = mean(P_i)``, ``p_j = sum_i n_ij / (N n)``,
  ``P_e = sum_j p_j^2``, ``kappa = (P - P_e) / (1 - P_e)``.
- Krippendorff's alpha (Krippendorff 2011, "Computing Krippendorff's alpha-reliability"): from
  the coincidence matrix ``o_ck = sum_u (m_u c k pairs) / (m_u - 1)`` over cases with at least two
  values, ``alpha = 1 - (n - 1) sum o_ck d_ck / sum n_c n_k d_ck``; nominal ``d = [c != k]``,
  ordinal ``d_ck = (sum_{g=c..k} n_g - (n_c + n_k) / 2)^2``.

Checked against the published worked examples and against statsmodels and the ``krippendorff``
package (tests/insight/test_agreement.py); the product uses this module only.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from django.utils.translation import gettext

from .errors import AnalysisError

BOOTSTRAP = 1000


def _check(counts: np.ndarray, *, equal: bool) -> np.ndarray:
    counts = np.asarray(counts, dtype=float)
    if counts.ndim != 2 or counts.shape[0] == 0 or counts.shape[1] == 0:
        raise AnalysisError(gettext("Ingen svar å beregne enighet fra."))
    per_case = counts.sum(axis=1)
    if (per_case < 2).any():
        raise AnalysisError(gettext("Enighet kan ikke beregnes: hvert kasus trenger minst 2 svar."))
    if equal and not np.allclose(per_case, per_case[0]):
        raise AnalysisError(gettext("Fleiss' kappa krever like mange svar på hvert kasus."))
    return counts


def fleiss_kappa(counts) -> float | None:
    """Fleiss' kappa; None when every answer is the same category (chance agreement is 1)."""
    c = _check(counts, equal=True)
    k, _ = _fleiss_parts(c)
    return k


def _fleiss_parts(c: np.ndarray):
    n = c.sum(axis=1)[0]
    p_i = ((c * c).sum(axis=1) - n) / (n * (n - 1))
    p_j = c.sum(axis=0) / c.sum()
    pe = float((p_j**2).sum())
    if np.isclose(pe, 1.0):
        return None, p_i
    return (float(p_i.mean()) - pe) / (1 - pe), p_i


def _delta(marginals: np.ndarray, level: str) -> np.ndarray:
    """Squared distances d_ck (… x k x k) for marginals n_c (… x k)."""
    k = marginals.shape[-1]
    if level == "nominal":
        return np.broadcast_to(1.0 - np.eye(k), (*marginals.shape[:-1], k, k)).copy()
    if level != "ordinal":
        raise AnalysisError(gettext("Ukjent målenivå."))
    cum = np.cumsum(marginals, axis=-1)
    lo = np.minimum.outer(np.arange(k), np.arange(k))
    hi = np.maximum.outer(np.arange(k), np.arange(k))
    # sum_{g=lo..hi} n_g = cum[hi] - cum[lo] + n[lo]
    between = np.take(cum, hi, axis=-1) - np.take(cum, lo, axis=-1) + np.take(marginals, lo, axis=-1)
    half = (marginals[..., :, None] + marginals[..., None, :]) / 2
    return (between - half) ** 2


def coincidences(counts) -> np.ndarray:
    """Per case, its coincidence matrix (cases x k x k); cases with fewer than two values give zeros."""
    c = np.asarray(counts, dtype=float)
    m = c.sum(axis=1)
    outer = c[:, :, None] * c[:, None, :] - np.einsum("uk,kl->ukl", c, np.eye(c.shape[1]))
    scale = np.where(m >= 2, 1.0 / np.maximum(m - 1, 1), 0.0)
    return outer * scale[:, None, None]


def _alpha_from_o(o: np.ndarray, level: str) -> np.ndarray:
    """alpha for coincidence matrices o (… x k x k)."""
    nc = o.sum(axis=-1)
    n = nc.sum(axis=-1)
    d = _delta(nc, level)
    observed = (o * d).sum(axis=(-2, -1))
    expected = (nc[..., :, None] * nc[..., None, :] * d).sum(axis=(-2, -1))
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(expected > 0, 1 - (n - 1) * observed / expected, np.nan)


def krippendorff_alpha(counts, level: str = "nominal") -> float | None:
    """Krippendorff's alpha from a counts matrix; None when there is no variation at all."""
    c = np.asarray(counts, dtype=float)
    pairable = c[c.sum(axis=1) >= 2]
    if pairable.shape[0] == 0:
        raise AnalysisError(gettext("Enighet kan ikke beregnes: hvert kasus trenger minst 2 svar."))
    a = float(_alpha_from_o(coincidences(pairable).sum(axis=0), level))
    return None if np.isnan(a) else a


def counts_from_values(values, categories: list | None = None) -> tuple[np.ndarray, list]:
    """Raters x cases values (None or NaN: missing) to a cases x categories counts matrix."""
    rows = [list(r) for r in values]
    flat = [v for r in rows for v in r if v is not None and v == v]
    cats = categories if categories is not None else sorted(set(flat))
    index = {c: i for i, c in enumerate(cats)}
    n_cases = max(len(r) for r in rows)
    out = np.zeros((n_cases, len(cats)))
    for r in rows:
        for u, v in enumerate(r):
            if v is not None and v == v:
                out[u, index[v]] += 1
    return out, cats


def _ci(samples: np.ndarray) -> tuple[float | None, float | None]:
    s = samples[~np.isnan(samples)]
    if s.size < 10:
        return None, None
    lo, hi = np.percentile(s, [2.5, 97.5])
    return float(lo), float(hi)


@dataclass
class CaseSpread:
    index: int
    counts: list[int]
    n: int
    agreeing_pairs: float  # share of rater pairs who chose the same category
    modal: int
    modal_share: float
    distinct: int
    spread: int  # ordinal: highest minus lowest category chosen; nominal: categories chosen - 1
    reference: int | None = None
    reference_share: float | None = None


@dataclass
class Agreement:
    level: str
    categories: list
    cases: int
    raters: int
    kappa: float | None
    kappa_ci: tuple[float | None, float | None]
    alpha: float | None
    alpha_ci: tuple[float | None, float | None]
    per_case: list[CaseSpread] = field(default_factory=list)
    reference_share: float | None = None  # share of all answers equal to the reference, where set
    notes: list[str] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "level": self.level,
            "categories": list(self.categories),
            "cases": self.cases,
            "raters": self.raters,
            "fleiss_kappa": self.kappa,
            "fleiss_kappa_ci": list(self.kappa_ci),
            "krippendorff_alpha": self.alpha,
            "krippendorff_alpha_ci": list(self.alpha_ci),
            "reference_share": self.reference_share,
            "notes": self.notes,
            "per_case": [c.__dict__ for c in self.per_case],
        }


def agreement(
    counts,
    *,
    level: str = "nominal",
    categories: list | None = None,
    references: list | None = None,
    bootstrap: int = BOOTSTRAP,
    seed: int = 15,
) -> Agreement:
    """Fleiss' kappa and Krippendorff's alpha (``level``) with bootstrap CIs over cases, the spread
    per case and agreement with the reference answers (category index per case, or None)."""
    c = _check(counts, equal=True)
    cats = categories or list(range(c.shape[1]))
    kappa, p_i = _fleiss_parts(c)
    o = coincidences(c)
    alpha_arr = _alpha_from_o(o.sum(axis=0), level)
    alpha = None if np.isnan(alpha_arr) else float(alpha_arr)
    notes = []
    if kappa is None:
        notes.append("Alle svarte det samme: kappa og alfa er ikke definert (ingen variasjon).")
    rng = np.random.default_rng(seed)
    u = c.shape[0]
    if u >= 2 and bootstrap:
        draws = rng.integers(0, u, size=(bootstrap, u))
        w = np.zeros((bootstrap, u))
        np.add.at(w, (np.arange(bootstrap)[:, None], draws), 1)
        # kappa
        n = c.sum(axis=1)[0]
        pbar = w @ p_i / u
        pj = (w @ c) / (u * n)
        pe = (pj**2).sum(axis=1)
        with np.errstate(divide="ignore", invalid="ignore"):
            kb = np.where(np.isclose(pe, 1), np.nan, (pbar - pe) / (1 - pe))
        ob = (w @ o.reshape(u, -1)).reshape(bootstrap, c.shape[1], c.shape[1])
        ab = _alpha_from_o(ob, level)
        kappa_ci, alpha_ci = _ci(kb), _ci(ab)
    else:
        kappa_ci = alpha_ci = (None, None)
        notes.append("For få kasus til konfidensintervall.")
    per_case = []
    ref_hits = ref_total = 0
    for i, row in enumerate(c):
        chosen = np.flatnonzero(row)
        modal = int(row.argmax())
        spread = int(chosen.max() - chosen.min()) if level == "ordinal" else len(chosen) - 1
        ref = references[i] if references else None
        ref_share = None
        if ref is not None:
            ref_share = float(row[ref] / row.sum())
            ref_hits += row[ref]
            ref_total += row.sum()
        per_case.append(
            CaseSpread(
                i,
                [int(x) for x in row],
                int(row.sum()),
                float(p_i[i]),
                modal,
                float(row[modal] / row.sum()),
                len(chosen),
                spread,
                ref,
                ref_share,
            )
        )
    return Agreement(
        level,
        cats,
        u,
        int(c.sum(axis=1)[0]),
        kappa,
        kappa_ci,
        alpha,
        alpha_ci,
        per_case,
        float(ref_hits / ref_total) if ref_total else None,
        notes,
    )
