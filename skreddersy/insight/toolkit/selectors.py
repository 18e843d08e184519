"""Reads for the toolkit, scoped by the access policy.

Representativeness (aggregates only): analysts for the whole wave; leaders for the offices of
theirs in a wave they may see (``access.can_see_wave`` / ``can_see_survey_aggregates``), with
every group under ``MIN_GROUP`` (core.suppression) respondents hidden. Weights and weighted analyses need
respondent-level data: analysts only (``access.can_see_respondent_data``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils.translation import gettext as _

from skreddersy.core import audit
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.lazy import lazy
from skreddersy.core.lazy import numpy as np  # the analysis stack loads on first use (core/lazy.py)
from skreddersy.core.lazy import pandas as pd
from skreddersy.core.models import County, Office
from skreddersy.core.suppression import MIN_GROUP
from skreddersy.insight import selectors as insight_selectors
from skreddersy.insight.analysis import AnalysisError
from skreddersy.insight.io import CODINGS
from skreddersy.insight.models import EMPLOYER_CHOICES, GENDER_CHOICES, ROLE_CHOICES, Invitation, Response, Wave
from skreddersy.policy import access

W = lazy("skreddersy.insight.analysis.weighting")  # numpy, pandas, scipy

VARIABLES = {
    "size_band": "Kontorstørrelse",
    "employer": "Tilsettingsforhold",
    "county": "Fylke",
    "role": "Hovedrolle",
    "gender": "Kjønn",
}
# staff roles (core) -> the questionnaire's main role, strongest first
_ROLE_OF_STAFF = [("office_leader", "leader"), ("team_leader", "leader"), ("job_specialist", "job_specialist"),
                  ("counsellor", "counsellor"), ("second_approver", "counsellor")]


# the questionnaire's "adviser" has no staff role to compare with: counted with "other"
ROLE_GROUPS = {"adviser": "other"}


@dataclass
class Representativeness:
    wave: Wave
    offices: list[Office]
    n: int
    invited: int
    tests: list[W.GoodnessOfFit]
    notes: list[str] = field(default_factory=list)
    suppressed: bool = False

    def table(self) -> pd.DataFrame:
        """One row per variable and category (hidden groups without counts), for export."""
        rows = []
        for t in self.tests:
            for r in t.rows:
                rows.append({"variable": t.variable, "category": r.category, "label": r.label,
                             "respondents": np.nan if r.respondents is None else float(r.respondents),
                             "respondent_share": np.nan if r.respondent_share is None else r.respondent_share,
                             "reference_share": r.reference_share, "reference": t.reference_name,
                             "chi2": np.nan if t.chi2 is None else t.chi2, "df": np.nan if t.df is None else float(t.df),
                             "p": np.nan if t.p is None else t.p, "hidden": int(r.hidden)})
        return pd.DataFrame(rows, columns=["variable", "category", "label", "respondents", "respondent_share",
                                           "reference_share", "reference", "chi2", "df", "p", "hidden"])

    def to_dict(self) -> dict:
        return {"wave": self.wave.pk, "offices": len(self.offices), "n": None if self.suppressed else self.n,
                "invited": self.invited, "suppressed": self.suppressed, "notes": self.notes,
                "variables": [t.to_dict() for t in self.tests]}


def category_labels() -> dict[str, dict[str, str]]:
    return {
        "size_band": {k: str(v) for k, v in Office.SizeBand.choices},
        "employer": {k: str(v) for k, v in EMPLOYER_CHOICES},
        "role": {k: str(v) for k, v in ROLE_CHOICES},
        "gender": {k: str(v) for k, v in GENDER_CHOICES},
        "county": dict(County.objects.values_list("code", "name")),
    }


def parse_national(text: str) -> dict[str, dict[str, float]]:
    """Lines ``variable category share`` (share as 0.42, 0,42 or 42 %); per variable the shares
    must add up to 1 (within 0.01). Errors name the line."""
    out: dict[str, dict[str, float]] = {}
    for no, raw in enumerate((text or "").splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        parts = line.replace(";", " ").replace("\t", " ").split()
        if len(parts) != 3 and not (len(parts) == 4 and parts[3] == "%"):
            raise InvalidInput(_("Linje %(no)s: skriv «variabel kategori andel», for eksempel «gender woman 0,62».") % {"no": no},
                               field="national")
        var, cat, share = parts[0], parts[1], parts[2]
        if var not in VARIABLES:
            raise InvalidInput(_("Linje %(no)s: ukjent variabel «%(var)s» (kjente: %(names)s).") % {"no": no, "var": var[:30], "names": ', '.join(VARIABLES)},
                               field="national")
        pct = share.endswith("%") or (len(parts) == 4)
        try:
            value = float(share.rstrip("%").replace(",", "."))
        except ValueError:
            raise InvalidInput(_("Linje %(no)s: «%(share)s» er ikke et tall.") % {"no": no, "share": share[:20]}, field="national") from None
        value = value / 100 if pct else value
        if not 0 <= value <= 1:
            raise InvalidInput(_("Linje %(no)s: andelen %(value)g ligger ikke mellom 0 og 1.") % {"no": no, "value": value}, field="national")
        out.setdefault(var, {})[cat] = value
    for var, shares in out.items():
        if abs(sum(shares.values()) - 1) > 0.01:
            raise InvalidInput(_("Nasjonale andeler for %(var)s summerer til %(total).3f, ikke 1.") % {"var": var, "total": sum(shares.values())},
                               field="national")
    return out


def _visible_office_ids(user, wave: Wave) -> list[int]:
    offices = insight_selectors.visible_offices(user, wave)
    if not offices:
        raise AccessDenied(_("Du har ikke tilgang til tall for noen kontor i denne runden."))
    return [o.pk for o in offices]


def _staff_role(roles: set[str]) -> str:
    for staff_role, survey_role in _ROLE_OF_STAFF:
        if staff_role in roles:
            return survey_role
    return "other"


def _offices(office_ids) -> dict:
    return {o["pk"]: o for o in Office.objects.filter(pk__in=office_ids).values("pk", "size_band", "county__code")}


def _respondent_counts(wave: Wave, office_ids: list[int]) -> dict:
    """variable -> category -> respondents, for the given offices (aggregates only)."""
    offices = _offices(office_ids)
    resp: dict[str, dict[str, int]] = {v: {} for v in VARIABLES}
    rq = Response.objects.filter(wave=wave, office_id__in=office_ids)
    for office_id, n in rq.values("office_id").annotate(n=Count("id")).values_list("office_id", "n"):
        for var, key in (("size_band", "size_band"), ("county", "county__code")):
            cat = offices[office_id][key]
            resp[var][cat] = resp[var].get(cat, 0) + n
    for var in ("employer", "role", "gender"):
        for cat, n in rq.values(var).annotate(n=Count("id")).values_list(var, "n"):
            cat = (ROLE_GROUPS.get(cat, cat) if var == "role" else cat) or W.MISSING
            resp[var][cat] = resp[var].get(cat, 0) + n
    return resp


def _invited_counts(wave: Wave, office_ids: list[int]) -> dict:
    """variable -> category -> invited staff (gender is not known for staff)."""
    offices = _offices(office_ids)
    inv: dict[str, dict[str, int]] = {v: {} for v in VARIABLES if v != "gender"}
    iq = Invitation.objects.filter(wave=wave, office_id__in=office_ids)
    for office_id, n in iq.values("office_id").annotate(n=Count("id")).values_list("office_id", "n"):
        for var, key in (("size_band", "size_band"), ("county", "county__code")):
            cat = offices[office_id][key]
            inv[var][cat] = inv[var].get(cat, 0) + n
    for cat, n in iq.values("staff__employer").annotate(n=Count("id")).values_list("staff__employer", "n"):
        inv["employer"][cat] = inv["employer"].get(cat, 0) + n
    roles: dict[int, set] = {}
    for staff_id, role in iq.values_list("staff_id", "staff__roles__role"):
        roles.setdefault(staff_id, set()).add(role)
    for rs in roles.values():
        cat = _staff_role(rs)
        inv["role"][cat] = inv["role"].get(cat, 0) + 1
    return inv


def representativeness(user, wave: Wave, national: dict | None = None) -> Representativeness:
    """Respondents against the invited population (and national shares where given), per variable."""
    if not access.can_see_wave(user, wave.offices.values_list("pk", flat=True)):
        raise AccessDenied(_("Du har ikke tilgang til denne runden."))
    office_ids = _visible_office_ids(user, wave)
    if not access.can_see_respondent_data(user):
        office_ids = [o for o in office_ids if access.can_see_survey_aggregates(user, o)]
    audit.record(user, None, audit.READ, "innsikt: representativitet", why=f"runde {wave.pk}", obj=wave)
    national = national or {}
    resp, inv = _respondent_counts(wave, office_ids), _invited_counts(wave, office_ids)
    labels = category_labels()
    n = sum(resp["size_band"].values())
    invited = sum(inv["size_band"].values())
    result = Representativeness(wave, list(Office.objects.filter(pk__in=office_ids)), n, invited, [])
    if n < MIN_GROUP:
        result.suppressed = True
        result.notes.append(_("Færre enn %(n)s svar: ingen fordeling vises.") % {"n": MIN_GROUP})
        return result
    for var, label in VARIABLES.items():
        observed = {k: v for k, v in resp[var].items() if k != W.MISSING}
        if var in national:
            ref, counts, name = national[var], False, "nasjonal"
            unknown = set(observed) - set(ref)
            if unknown:
                raise InvalidInput(_("Nasjonale andeler for %(var)s mangler kategorien %(category)s, som har svar.") % {"var": var, "category": sorted(unknown)[0]},
                                   field="national")
        elif var in inv and inv[var]:
            ref, counts, name = inv[var], True, "invitert"
            for k in observed:
                ref.setdefault(k, 0)
            if any(v == 0 for k, v in ref.items() if observed.get(k)):
                result.notes.append(f"{label}: svar i en kategori uten inviterte (importerte svar?); ikke testet.")
                continue
        else:
            result.notes.append(f"{label}: ingen referanse (oppgi nasjonale andeler for å teste).")
            continue
        try:
            result.tests.append(W.goodness_of_fit(var, observed, ref, label=label, labels=labels.get(var, {}),
                                                  reference_name=name, counts=counts))
        except AnalysisError as exc:
            result.notes.append(f"{label}: {exc.message}")
    return result


# --- weights (analysts only) --------------------------------------------------------------------

def _keyed(codes: pd.Series, variable: str) -> pd.Series:
    mapping = {float(c): k for c, (k, _l) in CODINGS[variable].items()}
    return codes.map(mapping)


def weighting_frame(user, wave: Wave) -> tuple[pd.DataFrame, object]:
    """The wave's analysis frame with the weighting variables as category keys."""
    frame, ctx = insight_selectors.respondent_data(user, wave)
    offices = {o["pk"]: o for o in Office.objects.filter(pk__in=frame["office"].unique().tolist())
               .values("pk", "size_band", "county__code")}
    frame = frame.assign(
        size_band=frame["office"].map({k: v["size_band"] for k, v in offices.items()}),
        county=frame["office"].map({k: v["county__code"] for k, v in offices.items()}),
        employer_key=_keyed(frame["employer"], "employer"),
        role_key=_keyed(frame["role"], "role").replace(ROLE_GROUPS),
        gender_key=_keyed(frame["gender"], "gender"),
    )
    return frame, ctx


_FRAME_COLUMN = {"size_band": "size_band", "county": "county", "employer": "employer_key", "role": "role_key",
                 "gender": "gender_key"}


def targets_for(user, wave: Wave, variables: list[str], national: dict) -> dict[str, dict[str, float]]:
    unknown = [v for v in variables if v not in VARIABLES]
    if unknown:
        raise InvalidInput(_("Ukjent vektvariabel: %(name)s.") % {"name": unknown[0][:30]}, field="variables")
    if not variables:
        raise InvalidInput(_("Velg minst én variabel å vekte på."), field="variables")
    inv = _invited_counts(wave, _visible_office_ids(user, wave))
    targets = {}
    for v in variables:
        if v in national:
            targets[v] = national[v]
        elif inv.get(v):
            total = sum(inv[v].values())
            targets[v] = {k: n / total for k, n in inv[v].items()}
        else:
            raise InvalidInput(_("%(variable)s: ingen målandeler (inviterte mangler denne variabelen); oppgi nasjonale andeler.") % {"variable": VARIABLES[v]}, field="national")
    return targets


def wave_weights(user, wave: Wave, variables: list[str], national: dict | None = None):
    """(frame, context, Weights) for an analyst."""
    if not access.can_see_respondent_data(user):
        raise AccessDenied(_("Bare analytikere kan beregne vekter (de bygger på data per respondent)."))
    national = national or {}
    targets = targets_for(user, wave, variables, national)
    frame, ctx = weighting_frame(user, wave)
    audit.record(user, None, audit.READ, "innsikt: vekter", why=f"runde {wave.pk}: {','.join(variables)}", obj=wave)
    renamed = frame.rename(columns={_FRAME_COLUMN[v]: f"_w_{v}" for v in variables})
    weights = W.rake(renamed, {f"_w_{v}": t for v, t in targets.items()})
    for m in weights.margins:
        m.variable = m.variable.removeprefix("_w_")
    weights.variables = list(variables)
    return frame, ctx, weights


def weighted_report(user, wave: Wave, variables: list[str], national: dict | None = None) -> W.WeightedReport:
    frame, ctx, weights = wave_weights(user, wave, variables, national)
    columns = [c for c in [*ctx.item_keys, *[ix.key for ix in ctx.indices]] if c in frame.columns]
    desc = W.compare_means(frame, columns, weights.weights, labels=ctx.labels)
    spec = wave.survey.analysis_spec or {}
    errors = {}
    regression = None
    dependent = spec.get("dependent")
    predictors = [v for b in spec.get("blocks", []) for v in b if v in frame.columns
                  and frame[v].nunique(dropna=True) > 1]
    if dependent in frame.columns and predictors:
        try:
            regression = W.weighted_ols(frame, dependent, predictors, weights.weights)
        except AnalysisError as exc:
            errors["regression"] = exc.message
    return W.WeightedReport(weights, desc, regression, errors)


def exportable_weights(user, wave: Wave, variables: list[str], national: dict | None = None) -> pd.DataFrame:
    """Pseudonym and weight, in pseudonym order; no weight for a respondent whose weighting cell
    holds fewer than MIN_GROUP respondents (the weight would reveal the cell)."""
    frame, _ctx, weights = wave_weights(user, wave, variables, national)
    out = pd.DataFrame({"respondent": frame["respondent"].to_numpy(),
                        "weight": weights.exportable(MIN_GROUP)})
    return out.sort_values("respondent", kind="stable").reset_index(drop=True)


def suppressed_weight_count(weights: W.Weights) -> int:
    return int(np.sum(weights.cell_sizes < MIN_GROUP))


def require_toolkit(user) -> None:
    """The toolkit (summary statistics, the table checker) is for analysts and leaders."""
    if not access.can_see_insight(user):
        audit.record(user, None, audit.DENIED, "innsikt: analyseverktøy", why="ikke analytiker eller leder")
        raise AccessDenied(_("Analyseverktøyene er for analytikere og ledere."))


def can_weight(user) -> bool:
    """Weights and weighted analyses need respondent-level data: analysts only."""
    return access.can_see_respondent_data(user)
