"""What a user may see of the tailoring indicators: scoped by the access policy, read from the
stored monthly figures (``TailoringFigure``), audited (one entry per page or export).

Levels: ``mine`` (the counsellor's own figures, all offices together; shown only to them),
``office`` (an office with its teams: the office's leaders; analysts see the office row),
``county`` (a county with its offices) and ``national`` (the country with its counties, or with
every office: ``by=office``), for analysts."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from django.db.models import Max
from django.utils.translation import gettext as _

from skreddersy.core import audit, clock
from skreddersy.core.errors import AccessDenied, InvalidInput, NotFound
from skreddersy.core.models import County, Office, Team
from skreddersy.core.suppression import MIN_GROUP
from skreddersy.insight.models import TailoringFigure
from skreddersy.insight.tailoring import engine
from skreddersy.policy import access

MAX_MONTHS = 24
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: str, field_name: str) -> dt.date:
    m = _MONTH.match((value or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise InvalidInput(_("Skriv måneden som ÅÅÅÅ-MM, for eksempel 2026-03."), field=field_name)
    return dt.date(int(m.group(1)), int(m.group(2)), 1)


def _add_months(d: dt.date, n: int) -> dt.date:
    k = d.year * 12 + d.month - 1 + n
    return dt.date(k // 12, k % 12 + 1, 1)


def period(start: str = "", end: str = "", *, today: dt.date | None = None) -> list[dt.date]:
    """The months from ``start`` to ``end`` (YYYY-MM, both included); default the last 12."""
    today = today or clock.today()
    last = parse_month(end, "to") if end else dt.date(today.year, today.month, 1)
    first = parse_month(start, "from") if start else _add_months(last, -11)
    if first > last:
        raise InvalidInput(_("Fra-måneden må være før til-måneden."), field="from")
    months = []
    d = first
    while d <= last:
        months.append(d)
        d = _add_months(d, 1)
    if len(months) > MAX_MONTHS:
        raise InvalidInput(_("Velg høyst %(n)s måneder.") % {"n": MAX_MONTHS}, field="from")
    return months


@dataclass
class Figure:
    numerator: float | None
    denominator: float | None
    value: float | None
    hidden: bool = False


@dataclass
class Row:
    key: str
    label: str
    level: str
    cells: dict  # (indicator key, month) -> Figure
    total: dict = field(default_factory=dict)  # indicator key -> Figure over the period
    reasons: dict = field(default_factory=dict)  # reason key -> count over the period (None: hidden)


@dataclass
class TailoringReport:
    title: str
    level: str
    months: list[dt.date]
    rows: list[Row]
    computed_at: dt.datetime | None
    indicators: list = field(default_factory=lambda: list(engine.INDICATORS))
    not_available: list = field(default_factory=lambda: list(engine.NOT_AVAILABLE))
    own: bool = False
    min_group: int = MIN_GROUP

    @property
    def focal(self) -> Row:
        return self.rows[0]

    def tables(self) -> list[dict]:
        """Per indicator: its rows with the month figures in order and the period figure."""
        return [
            {
                "indicator": ind,
                "rows": [
                    {
                        "label": r.label,
                        "level": r.level,
                        "total": r.total[ind.key],
                        "cells": [r.cells[(ind.key, m)] for m in self.months],
                    }
                    for r in self.rows
                ],
            }
            for ind in self.indicators
        ]

    def reason_rows(self) -> list[dict]:
        out = []
        for r in self.rows:
            if r.reasons is None:
                out.append({"label": r.label, "hidden": True, "cells": []})
                continue
            total = sum(r.reasons.values())
            out.append(
                {
                    "label": r.label,
                    "hidden": False,
                    "total": total,
                    "cells": [
                        (r.reasons[k], 100.0 * r.reasons[k] / total if total else None) for k in engine.REASON_KEYS
                    ],
                }
            )
        return out

    @property
    def reason_labels(self) -> list:
        return [engine.REASON_LABELS[k] for k in engine.REASON_KEYS]

    def to_dict(self) -> dict:
        def fig(f: Figure) -> dict:
            if f.hidden:
                return {"hidden": True}
            return {"numerator": f.numerator, "denominator": f.denominator, "value": f.value}

        return {
            "title": self.title,
            "level": self.level,
            "months": [m.strftime("%Y-%m") for m in self.months],
            "computed_at": self.computed_at.isoformat() if self.computed_at else None,
            "indicators": [
                {
                    "key": i.key,
                    "label": str(i.label),
                    "definition": str(i.definition),
                    "numerator": str(i.numerator_label),
                    "denominator": str(i.denominator_label),
                    "kind": i.kind,
                    "unit": str(i.unit) or ("%" if i.kind == "share" else ""),
                }
                for i in self.indicators
            ],
            "not_available": [{"label": str(a), "why": str(b)} for a, b in self.not_available],
            "rows": [
                {
                    "key": r.key,
                    "label": r.label,
                    "level": r.level,
                    "period": {k: fig(f) for k, f in r.total.items()},
                    "months": {
                        i.key: {m.strftime("%Y-%m"): fig(r.cells[(i.key, m)]) for m in self.months}
                        for i in self.indicators
                    },
                    "lower_fit_reasons": r.reasons,
                }
                for r in self.rows
            ],
        }


def _figure(ind: engine.Indicator, counts: dict | None, hidden: bool) -> Figure:
    if hidden:
        return Figure(None, None, None, hidden=True)
    counts = counts or {}
    den = counts.get(ind.denominator, 0)
    return Figure(counts.get(ind.numerator, 0), den, engine.value(ind, counts))


def _rows(units: list[tuple[str, str, str, dict]], months: list[dt.date], figures: dict, *, own: bool) -> list[Row]:
    """units: (key, label, level, filter) ; figures: (unit key, family, month) -> (counts, hidden)."""
    rows = []
    for key, label, level, _f in units:
        row = Row(key, label, level, {})
        for ind in engine.INDICATORS:
            sums: dict = {}
            any_hidden = False
            for m in months:
                counts, hidden = figures.get((key, ind.family, m), (None, False))
                hidden = hidden and not own
                row.cells[(ind.key, m)] = _figure(ind, counts, hidden)
                if hidden:
                    any_hidden = True
                elif counts:
                    for c, v in counts.items():
                        sums[c] = sums.get(c, 0) + v
            row.total[ind.key] = _figure(ind, sums, any_hidden)
            if ind.key == "fit_top":
                lower = None if any_hidden else {k: sums.get(f"reason_{k}", 0) for k in engine.REASON_KEYS}
                row.reasons = lower
        rows.append(row)
    return rows


def _load(filters: list[tuple[str, dict]], months: list[dt.date]) -> tuple[dict, dt.datetime | None]:
    out = {}
    latest = None
    for key, flt in filters:
        summed: dict = {}
        for fam, month, counts, hidden, at in TailoringFigure.objects.filter(
            month__gte=months[0], month__lte=months[-1], **flt
        ).values_list("family", "month", "counts", "hidden", "computed_at"):
            latest = at if latest is None or at > latest else latest
            acc, was_hidden = summed.get((key, fam, month), ({}, False))
            for c, v in counts.items():
                acc[c] = acc.get(c, 0) + v
            summed[(key, fam, month)] = (acc, was_hidden or hidden)
        out.update(summed)
    return out, latest


def report(
    user, level: str, unit_id: int | None = None, *, start: str = "", end: str = "", by: str = ""
) -> TailoringReport:
    months = period(start, end)
    a = access.actor(user)
    own = False
    if level == "mine":
        if not access.can_see_own_tailoring(user):
            raise AccessDenied(_("Egne skreddersømtall er for veiledere og andre som følger opp brukere."))
        units = [("me", _("Dine tall"), "counsellor", {"level": "counsellor", "staff_id": a.staff.pk})]
        title, own = _("Dine skreddersømtall"), True
    elif level == "office":
        office = Office.objects.filter(pk=unit_id).first()
        if office is None:
            raise NotFound(_("Fant ikke kontoret."))
        if not access.can_see_office_tailoring(user, office.pk):
            raise AccessDenied(_("Du kan se skreddersømtall for kontorene du leder."))
        units = [(f"office-{office.pk}", str(office), "office", {"level": "office", "office_id": office.pk})]
        if access.sees_team_tailoring(user, office.pk):
            teams = {t.pk: t.name for t in Team.objects.filter(office=office)}
            team_ids = sorted(
                set(
                    TailoringFigure.objects.filter(
                        level="team", office_id=office.pk, month__gte=months[0], month__lte=months[-1]
                    ).values_list("team_id", flat=True)
                ),
                key=lambda t: (t is None, teams.get(t, "")),
            )
            for t in team_ids:
                units.append(
                    (
                        f"team-{office.pk}-{t or 0}",
                        teams.get(t, _("Uten team")),
                        "team",
                        {"level": "team", "office_id": office.pk, "team_id": t}
                        if t
                        else {"level": "team", "office_id": office.pk, "team_id__isnull": True},
                    )
                )
        title = _("Skreddersømtall for %(o)s") % {"o": office}
    elif level == "county":
        if not access.can_see_regional_tailoring(user):
            raise AccessDenied(_("Tall for fylker og hele landet er for analytikere."))
        county = County.objects.filter(pk=unit_id).first()
        if county is None:
            raise NotFound(_("Fant ikke fylket."))
        units = [(f"county-{county.pk}", county.name, "county", {"level": "county", "county_id": county.pk})]
        units += [
            (f"office-{o.pk}", str(o), "office", {"level": "office", "office_id": o.pk})
            for o in Office.objects.filter(county=county).order_by("number")
        ]
        title = _("Skreddersømtall for %(c)s") % {"c": county.name}
    elif level == "national":
        if not access.can_see_regional_tailoring(user):
            raise AccessDenied(_("Tall for fylker og hele landet er for analytikere."))
        units = [("national", _("Hele landet"), "national", {"level": "national"})]
        if by == "office":
            units += [
                (f"office-{o.pk}", str(o), "office", {"level": "office", "office_id": o.pk})
                for o in Office.objects.order_by("number")
            ]
        else:
            units += [
                (f"county-{c.pk}", c.name, "county", {"level": "county", "county_id": c.pk})
                for c in County.objects.order_by("code")
            ]
        title = _("Skreddersømtall for hele landet")
    else:
        raise InvalidInput(_("Ukjent nivå."), field="level")
    if len(units) > 50:  # many units: one query by level instead of one per unit
        figures, latest = _load_bulk(units, months)
    else:
        figures, latest = _load([(k, f) for k, _l, _v, f in units], months)
    audit.record(user, None, audit.READ, "innsikt: skreddersømtall", why=f"{level} {unit_id or ''} {by}".strip())
    focal_key = units[0][0]
    focal = [(fam, m) for (k, fam, m) in figures if k == focal_key]
    if not focal:
        raise InvalidInput(
            _("Ingen tall for denne perioden: ingen registreringer å telle. Velg en annen periode."), field="from"
        )
    if not own and all(figures[(focal_key, fam, m)][1] for fam, m in focal):
        raise InvalidInput(
            _(
                "Gruppen er for liten: tallene bygger på færre enn %(n)s veiledere eller saker i hver "
                "måned, så de vises ikke."
            )
            % {"n": MIN_GROUP},
            field="unit",
        )
    rows = _rows(units, months, figures, own=own)
    return TailoringReport(title=title, level=level, months=months, rows=rows, computed_at=latest, own=own)


def _load_bulk(units, months) -> tuple[dict, dt.datetime | None]:
    wanted = {}
    for key, _l, level, flt in units:
        if level == "office":
            wanted[("office", flt["office_id"])] = key
        elif level == "county":
            wanted[("county", flt["county_id"])] = key
        elif level == "national":
            wanted[("national", None)] = key
    out, latest = {}, None
    levels = {lv for lv, _i in wanted}
    for lv, office_id, county_id, fam, month, counts, hidden, at in (
        TailoringFigure.objects.filter(level__in=levels, month__gte=months[0], month__lte=months[-1])
        .values_list("level", "office_id", "county_id", "family", "month", "counts", "hidden", "computed_at")
        .iterator()
    ):
        ident = office_id if lv == "office" else county_id if lv == "county" else None
        key = wanted.get((lv, ident))
        if key is None:
            continue
        latest = at if latest is None or at > latest else latest
        out[(key, fam, month)] = (counts, hidden)
    return out, latest


def last_computed():
    return TailoringFigure.objects.aggregate(at=Max("computed_at"))["at"]


def choices_for(user) -> dict:
    """What the start page offers this user: own figures, their offices, counties (analysts)."""
    a = access.actor(user)
    offices = []
    if access.can_see_regional_tailoring(user):
        counties = list(County.objects.order_by("code").values_list("id", "name"))
    else:
        counties = []
    if a.office_ids and a.is_leader:
        offices = [(o.pk, str(o)) for o in Office.objects.filter(pk__in=a.office_ids).order_by("number")]
    waves = []
    if access.can_see_regional_tailoring(user):
        from skreddersy.insight.models import Wave

        waves = list(
            Wave.objects.select_related("survey").filter(closes_at__lte=clock.now()).order_by("-closes_at")[:10]
        )
    return {
        "own": access.can_see_own_tailoring(user),
        "offices": offices,
        "counties": counties,
        "national": access.can_see_regional_tailoring(user),
        "waves": waves,
    }


def export_frame(rep: TailoringReport):
    """The report as one long table: unit, month (or the period), indicator, numerator,
    denominator, value; hidden cells empty with hidden = 1."""
    from skreddersy.core.lazy import pandas as pd

    records = []
    for r in rep.rows:
        for ind in rep.indicators:
            for m in [*rep.months, None]:
                f = r.total[ind.key] if m is None else r.cells[(ind.key, m)]
                records.append(
                    {
                        "level": r.level,
                        "unit": r.label,
                        "month": m.strftime("%Y-%m") if m else "periode",
                        "indicator": ind.key,
                        "numerator": None if f.hidden else f.numerator,
                        "denominator": None if f.hidden else f.denominator,
                        "value": None if f.hidden or f.value is None else round(f.value, 4),
                        "hidden": int(f.hidden),
                    }
                )
    return pd.DataFrame.from_records(
        records, columns=["level", "unit", "month", "indicator", "numerator", "denominator", "value", "hidden"]
    )


# --- beside the survey (part 2) ------------------------------------------------------------------

SELF_REPORT_ITEM = "ind_tailored"  # "Jeg tilpasser aktivitetskravene til den enkelte" (the published study)
MIN_CHOICES = 5  # a counsellor enters the model with at least this many measure choices in the period


@dataclass
class BesideSurvey:
    wave: object
    months: list[dt.date]
    offices: list[dict]  # office, respondents, self-report mean (None: hidden), operational figures
    model: object | None  # analysis.MultilevelResult
    model_error: str | None
    model_n: int = 0
    model_offices: int = 0
    notes: list[str] = field(default_factory=list)
    plot: str | None = None

    def to_dict(self) -> dict:
        return {
            "wave": self.wave.pk,
            "months": [m.strftime("%Y-%m") for m in self.months],
            "offices": [
                {
                    "office": o["office"].number,
                    "respondents": o["respondents"],
                    "self_report": o["self_report"],
                    **{k: (None if f.hidden else f.value) for k, f in o["figures"].items()},
                }
                for o in self.offices
            ],
            "model": self.model.to_dict() if self.model is not None else None,
            "model_error": self.model_error,
            "notes": self.notes,
        }


def beside_survey(user, wave_id: int) -> BesideSurvey:
    """For a closed survey wave: per office, the self-reported individualisation next to the
    operational indicators for the twelve months up to the wave's close; and the study's model
    re-estimated on operational data: does fill pressure (and caseload, standing in for the
    modelled workload of issue 14, not yet available) predict a lower share of best-fit choices,
    counsellors in offices (random intercept)? Analysts only: the model uses per-counsellor rows."""
    from skreddersy.core.lazy import pandas as pd
    from skreddersy.insight import selectors as survey_selectors
    from skreddersy.insight.analysis import AnalysisError, random_intercept
    from skreddersy.insight.anonymity import results_released

    if not access.can_see_regional_tailoring(user):
        raise AccessDenied(_("Sammenligningen med undersøkelsen er for analytikere."))
    wave = survey_selectors.wave_for(user, wave_id)
    if not results_released(wave):
        raise InvalidInput(
            _("Undersøkelsen kan sammenlignes når runden er stengt og alle svar er frigitt."), field="wave"
        )
    close = wave.closes_at.date()
    months = period(_add_months(dt.date(close.year, close.month, 1), -11).strftime("%Y-%m"), close.strftime("%Y-%m"))
    ctx = survey_selectors.survey_context(wave.survey)
    frame = survey_selectors.wave_frame(wave, ctx)
    notes = []
    if SELF_REPORT_ITEM not in frame:
        notes.append(_("Undersøkelsen har ikke påstanden om å tilpasse aktivitetskrav; bare driftstallene vises."))
    counts = {int(k): int(v) for k, v in frame.groupby("office").size().items()} if len(frame) else {}
    from skreddersy.core.suppression import suppressed_groups

    hidden_offices = suppressed_groups(counts, total_shown=True, label=str)
    office_ids = sorted(counts)
    units = [(f"office-{o}", "", "office", {"level": "office", "office_id": o}) for o in office_ids]
    figures, _latest = _load_bulk(units, months) if units else ({}, None)
    offices = []
    names = {o.pk: o for o in Office.objects.filter(pk__in=office_ids)}
    shown_keys = [
        "fit_top",
        "fill_lower_expected",
        "fill_lower_not_expected",
        "need_linked",
        "near_copy",
        "plans_client_added",
    ]
    for o in office_ids:
        row = _rows([(f"office-{o}", str(names.get(o, o)), "office", {})], months, figures, own=False)[0]
        small = o in hidden_offices
        mean = None
        if not small and SELF_REPORT_ITEM in frame:
            mean = float(frame.loc[frame["office"] == o, SELF_REPORT_ITEM].mean())
        offices.append(
            {
                "office": names.get(o),
                "respondents": None if small else counts[o],
                "self_report": mean,
                "figures": {k: row.total[k] for k in shown_keys},
            }
        )
    # the model: per counsellor over the period
    leaves = TailoringFigure.objects.filter(
        level="counsellor", family="choices", month__gte=months[0], month__lte=months[-1]
    ).values_list("staff_id", "office_id", "counts")
    per: dict = {}
    for staff_id, office_id, c in leaves.iterator():
        acc = per.setdefault((staff_id, office_id), {"n": 0, "top": 0, "fill_n": 0})
        for k in acc:
            acc[k] += c.get(k, 0)
    from django.db.models import Count

    from skreddersy.clients.models import Client

    caseload = dict(
        Client.objects.filter(counsellor__isnull=False)
        .values("counsellor_id")
        .annotate(n=Count("id"))
        .values_list("counsellor_id", "n")
    )
    rows = [
        {
            "staff": s,
            "office": o,
            "fit_top": 100.0 * v["top"] / v["n"],
            "fill_pressure": 100.0 * v["fill_n"] / v["n"],
            "caseload": float(caseload.get(s, 0)),
        }
        for (s, o), v in per.items()
        if v["n"] >= MIN_CHOICES
    ]
    data = pd.DataFrame(rows, columns=["staff", "office", "fit_top", "fill_pressure", "caseload"])
    labels = {
        "fit_top": str(_("Andel valg med beste treff (%)")),
        "fill_pressure": str(_("Andel valg der kontoret forventet plassen fylt (%)")),
        "caseload": str(_("Antall brukere i porteføljen")),
    }
    model, error = None, None
    try:
        if data.empty:
            raise AnalysisError(_("Ingen veiledere med minst %(n)s valg av tiltak i perioden.") % {"n": MIN_CHOICES})
        predictors = [p for p in ("fill_pressure", "caseload") if data[p].nunique() > 1]
        for p in {"fill_pressure", "caseload"} - set(predictors):
            notes.append(_("%(v)s er lik for alle veilederne og er tatt ut av modellen.") % {"v": labels[p]})
        model = random_intercept(data, "fit_top", predictors, group="office", labels=labels)
    except AnalysisError as exc:
        error = exc.message
    notes.append(
        _(
            "Arbeidsbelastning slik sak 4 av 9 modellerer den er ikke tilgjengelig ennå; porteføljestørrelse "
            "(antall brukere) står i stedet."
        )
    )
    audit.record(user, None, audit.READ, "innsikt: skreddersøm mot undersøkelse", obj=wave)
    return BesideSurvey(
        wave, months, offices, model, error, len(data), int(data["office"].nunique()) if len(data) else 0, notes
    )
