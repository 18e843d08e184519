"""Toolkit pages. Thin: parse, call the engine or a selector, render. Impossible input becomes
a form error naming the field (or the line), and no number is shown."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from skreddersy.core.errors import AccessDenied, InvalidInput, ServiceError
from skreddersy.core.forms import apply_service_error
from skreddersy.core.suppression import MIN_GROUP
from skreddersy.insight import io as insight_io
from skreddersy.insight import selectors as insight_selectors

from . import calculations
from . import selectors as toolkit
from .forms import CalculatorForm, CheckerForm, WeightsForm

FORMATS = ("csv", "sav")


def _file(data: insight_io.Labelled, fmt: str, stem: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(insight_io.to_csv_bytes(data.frame), content_type="text/csv; charset=utf-8")
    elif fmt == "sav":
        response = HttpResponse(insight_io.to_sav_bytes(data), content_type="application/x-spss-sav")
    else:
        raise Http404("Ukjent format")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
def calculator(request):
    toolkit.require_toolkit(request.user)
    form = CalculatorForm(request.POST or None)
    results, status = None, 200
    if request.method == "POST" and form.is_valid():
        test, kwargs = form.engine_call()
        try:
            results = calculations.calculate(test, **kwargs)
        except ServiceError as exc:
            apply_service_error(form, exc)
            results, status = None, 422
        if results is not None and request.POST.get("format") in FORMATS:
            return _file(calculations.results_table(results), request.POST["format"], f"test-{test}")
    elif request.method == "POST":
        status = 422
    results = results if results is None or isinstance(results, list) else [results]
    published = form.cleaned_data.get("published") if results and form.is_valid() else None
    verdicts = [{"result": r, "published": published,
                 "within": r.within_rounding(published) if published is not None and r.rounding else None}
                for r in results or []]
    return render(request, "insight/toolkit/calculator.html", {"form": form, "results": results,
                                                               "verdicts": verdicts}, status=status)


@login_required
def checker(request):
    toolkit.require_toolkit(request.user)
    form = CheckerForm(request.POST or None)
    report, status = None, 200
    if request.method == "POST" and form.is_valid():
        try:
            report = calculations.check(form.cleaned_data["text"])
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 422
        if report is not None and request.POST.get("format") in FORMATS:
            return _file(calculations.check_table(report), request.POST["format"], "resultatkontroll")
    elif request.method == "POST":
        status = 422
    return render(request, "insight/toolkit/checker.html", {"form": form, "report": report}, status=status)


@login_required
def representativeness(request, wave_id: int):
    user = request.user
    wave = insight_selectors.wave_for(user, wave_id)
    form = WeightsForm(request.GET or None)
    ctx = {"wave": wave, "form": form, "can_weight": toolkit.can_weight(user), "result": None,
           "weighted": None, "min_group": MIN_GROUP}
    status = 200
    national = {}
    if form.is_bound and form.is_valid():
        try:
            national = toolkit.parse_national(form.cleaned_data["national"])
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 422
    if status == 200:
        try:
            ctx["result"] = toolkit.representativeness(user, wave, national)
        except AccessDenied:
            raise
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 422
    if status == 200 and form.is_bound and form.is_valid() and ctx["can_weight"] and form.cleaned_data["variables"]:
        try:
            rep = toolkit.weighted_report(user, wave, form.cleaned_data["variables"], national)
            ctx["weighted"] = rep
            ctx["suppressed_weights"] = toolkit.suppressed_weight_count(rep.weights)
        except ServiceError as exc:
            apply_service_error(form, exc)
            status = 422
    ctx["query"] = request.GET.urlencode()
    return render(request, "insight/toolkit/representativeness.html", ctx, status=status)


@login_required
def weights_export(request, wave_id: int, fmt: str):
    user = request.user
    wave = insight_selectors.wave_for(user, wave_id)
    form = WeightsForm(request.GET or None)
    if not form.is_valid() or not form.cleaned_data["variables"]:
        raise InvalidInput(_("Velg minst én variabel å vekte på."), field="variables")
    national = toolkit.parse_national(form.cleaned_data["national"])
    frame = toolkit.exportable_weights(user, wave, form.cleaned_data["variables"], national)
    data = insight_io.Labelled(frame, {"respondent": "Respondent (pseudonym)",
                                       "weight": "Vekt (tom der vektcellen har færre enn 5 svar)"}, {})
    return _file(data, fmt, f"innsikt-runde-{wave.pk}-vekter")


@login_required
def representativeness_export(request, wave_id: int, fmt: str):
    user = request.user
    wave = insight_selectors.wave_for(user, wave_id)
    national = toolkit.parse_national(request.GET.get("national", ""))
    result = toolkit.representativeness(user, wave, national)
    if result.suppressed:
        raise AccessDenied(_("Færre enn 5 svar: ingen fordeling kan eksporteres."))
    data = insight_io.Labelled(result.table(), {
        "variable": "Variabel", "category": "Kategori (kode)", "label": "Kategori", "respondents": "Antall svar",
        "respondent_share": "Andel av svarene", "reference_share": "Andel i referansen",
        "reference": "Referanse (invitert eller nasjonal)", "chi2": "χ² for tilpasning", "df": "Frihetsgrader",
        "p": "p", "hidden": "Skjult (under 5 svar)"}, {"hidden": {0: "Vist", 1: "Skjult"}})
    return _file(data, fmt, f"innsikt-runde-{wave.pk}-representativitet")
