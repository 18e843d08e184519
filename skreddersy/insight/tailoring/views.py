"""Tailoring indicator pages. Thin: parse, call the selector (which checks access and audits),
render. A period with no data or a group under five gets its message in place of numbers."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from skreddersy.core.errors import InvalidInput, NotFound
from skreddersy.core.lazy import lazy
from skreddersy.insight import io as insight_io

from . import selectors

plots = lazy("skreddersy.insight.tailoring.plots")  # matplotlib loads on first use

EXPORT_LABELS = {
    "level": "Nivå",
    "unit": "Enhet",
    "month": "Måned (ÅÅÅÅ-MM, eller periode)",
    "indicator": "Indikator",
    "numerator": "Teller",
    "denominator": "Nevner",
    "value": "Verdi (prosent eller snitt)",
    "hidden": "Skjult (færre enn 5 eller komplementært skjult)",
}


def _params(request) -> dict:
    g = request.GET
    unit = g.get("unit", "")
    if unit and not unit.isdigit():
        raise InvalidInput(_("Ugyldig enhet."), field="unit")
    return {
        "level": g.get("level", ""),
        "unit_id": int(unit) if unit else None,
        "start": g.get("from", ""),
        "end": g.get("to", ""),
        "by": g.get("by", ""),
    }


@login_required
def page(request):
    user = request.user
    ctx = {
        "options": selectors.choices_for(user),
        "query": request.GET.urlencode(),
        "report": None,
        "error": None,
        "params": request.GET,
    }
    status = 200
    if request.GET.get("level"):
        try:
            p = _params(request)
            rep = selectors.report(user, p["level"], p["unit_id"], start=p["start"], end=p["end"], by=p["by"])
            ctx["report"] = rep
            ctx["plot"] = plots.svg_trend(rep)
        except (InvalidInput, NotFound) as exc:
            ctx["error"] = exc.message
            status = exc.status
    return render(request, "insight/tailoring/page.html", ctx, status=status)


@login_required
def export(request, fmt: str):
    if fmt not in ("csv", "sav"):
        raise Http404("Ukjent format")
    p = _params(request)
    rep = selectors.report(request.user, p["level"], p["unit_id"], start=p["start"], end=p["end"], by=p["by"])
    data = insight_io.Labelled(selectors.export_frame(rep), EXPORT_LABELS, {"hidden": {0: "Vist", 1: "Skjult"}})
    body = insight_io.to_csv_bytes(data.frame) if fmt == "csv" else insight_io.to_sav_bytes(data)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/x-spss-sav")
    response["Content-Disposition"] = f'attachment; filename="skreddersom-{rep.level}.{fmt}"'
    return response


@login_required
def beside_survey(request, wave_id: int):
    ctx, status = {"res": None, "error": None}, 200
    try:
        res = selectors.beside_survey(request.user, wave_id)
        res.plot = plots.svg_coefficients(res.model)
        ctx["res"] = res
    except (InvalidInput, NotFound) as exc:
        ctx["error"] = exc.message
        status = exc.status
    return render(request, "insight/tailoring/beside.html", ctx, status=status)
