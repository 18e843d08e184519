"""The toolkit in the JSON API (mounted at /api/v1/innsikt/verktoy/). Impossible input gives
422 JSON naming the field (or the line); never a number computed from it."""

from __future__ import annotations

from ninja import Router, Schema

from skreddersy.insight import selectors as insight_selectors

from . import calculations
from . import selectors as toolkit

router = Router(tags=["innsikt: verktøy"])


class TestIn(Schema):
    test: str
    mean1: float | str | None = None
    sd1: float | str | None = None
    n1: float | str | None = None
    mean2: float | str | None = None
    sd2: float | str | None = None
    n2: float | str | None = None
    means: list[float | str] | None = None
    sds: list[float | str] | None = None
    ns: list[float | str] | None = None
    table: list[list[float | str]] | None = None
    n: float | str | None = None
    p1: float | str | None = None
    p2: float | str | None = None
    count1: float | str | None = None
    count2: float | str | None = None
    decimals: int | None = None


class CheckIn(Schema):
    text: str


class WeightsIn(Schema):
    variables: list[str]
    national: str = ""


def _require(user):
    toolkit.require_toolkit(user)


@router.post("/tester")
def summary_test(request, payload: TestIn):
    """Student's or Welch's t, one-way ANOVA, χ² (a 2 × 2 table gives both without and with
    Yates), Fisher's exact test or two proportions, with effect sizes and rounding ranges."""
    _require(request.user)
    kw = payload.dict(exclude={"test"})
    out = calculations.calculate(payload.test, **kw)
    return {"results": [r.to_dict() for r in (out if isinstance(out, list) else [out])]}


@router.post("/kontroll")
def check(request, payload: CheckIn):
    _require(request.user)
    return calculations.check(payload.text).to_dict()


@router.get("/runder/{wave_id}/representativitet")
def representativeness(request, wave_id: int, national: str = ""):
    wave = insight_selectors.wave_for(request.user, wave_id)
    return toolkit.representativeness(request.user, wave, toolkit.parse_national(national)).to_dict()


@router.post("/runder/{wave_id}/vekter")
def weights(request, wave_id: int, payload: WeightsIn):
    """Raking weights (summary only: never one weight per respondent) and the weighted report."""
    wave = insight_selectors.wave_for(request.user, wave_id)
    rep = toolkit.weighted_report(request.user, wave, payload.variables, toolkit.parse_national(payload.national))
    out = {"weights": rep.weights.to_dict(), "suppressed_weights": toolkit.suppressed_weight_count(rep.weights),
           "descriptives": [{"variable": r.name, "n": r.n, "unweighted": r.unweighted, "unweighted_se": r.unweighted_se,
                             "weighted": r.weighted, "weighted_se": r.weighted_se} for r in rep.descriptives.rows],
           "regression": None, "errors": rep.errors}
    if rep.regression:
        out["regression"] = {"dependent": rep.regression.dependent, "n": rep.regression.n,
                             "clusters": rep.regression.clusters,
                             "terms": [{"term": u.name, "b_unweighted": u.b, "se_unweighted": u.se, "p_unweighted": u.p,
                                        "b_weighted": w.b, "se_weighted": w.se, "p_weighted": w.p}
                                       for u, w in rep.regression.pairs]}
    return out
