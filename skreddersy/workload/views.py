"""The workload pages: the leader's office page, the points and contact standards, the planner,
a counsellor's own figures and the quarterly time-use week. Thin: parse, call one selector or
service, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.core import clock
from skreddersy.core.errors import Conflict, InvalidInput
from skreddersy.core.forms import apply_service_error
from skreddersy.policy import access

from . import forms, selectors, services

FORM_ERRORS = (InvalidInput, Conflict)


def _gate(request):
    access.require_workbench(request.user)


def _parse_moves(values) -> list[tuple[int, int]]:
    out = []
    for v in values:
        a, _sep, b = str(v).partition(":")
        if a.strip().isdigit() and b.strip().isdigit():
            out.append((int(a), int(b)))
    return out


@login_required
def home(request):
    _gate(request)
    offices = selectors.leader_offices(request.user)
    if len(offices) == 1:
        return redirect("workload_office", office_id=offices[0].pk)
    own = selectors.own_workload(user=request.user)
    return render(request, "workload/own.html", {"own": own, "offices": offices})


@login_required
def own(request):
    _gate(request)
    return render(
        request,
        "workload/own.html",
        {"own": selectors.own_workload(user=request.user), "offices": selectors.leader_offices(request.user)},
    )


@login_required
def office(request, office_id: int):
    _gate(request)
    page = selectors.workload_page(user=request.user, office_id=office_id)
    return render(request, "workload/office.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def points(request, office_id: int):
    _gate(request)
    page = selectors.workload_page(user=request.user, office_id=office_id, plot=False)
    form = forms.PointsForm(request.POST or None, points=page.points, initial={"expected_version": page.points_version})
    standards = forms.ContactStandardForm(request.POST or None, days=page.contact_days, prefix="k")
    if request.method == "POST" and form.is_valid() and standards.is_valid():
        try:
            d = dict(form.cleaned_data)
            version = d.pop("expected_version")
            services.set_points(user=request.user, office_id=office_id, points=d, expected_version=version)
            services.set_contact_standards(user=request.user, office_id=office_id, days=standards.cleaned_data)
            messages.success(request, _("Poengene og kontaktstandarden er lagret."))
            return redirect("workload_office", office_id=office_id)
        except FORM_ERRORS as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "workload/points.html",
        {"page": page, "form": form, "standards": standards},
        status=422 if (form.errors or standards.errors) else 200,
    )


@login_required
@require_POST
def estimate(request, office_id: int):
    _gate(request)
    try:
        services.estimate_weights(user=request.user, office_id=office_id)
        messages.success(request, _("Vektene er estimert fra registrert tid."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect("workload_office", office_id=office_id)


@login_required
@require_http_methods(["GET", "POST"])
def terms(request, office_id: int):
    _gate(request)
    form = forms.TermsForm(request.POST or None, initial={"staff_id": request.GET.get("veileder")})
    if request.method == "POST" and form.is_valid():
        try:
            services.set_terms(user=request.user, office_id=office_id, **form.cleaned_data)
            messages.success(request, _("Arbeidstiden er lagret."))
            return redirect("workload_office", office_id=office_id)
        except FORM_ERRORS as exc:
            apply_service_error(form, exc)
    page = selectors.workload_page(user=request.user, office_id=office_id, plot=False)
    return render(request, "workload/terms.html", {"page": page, "form": form}, status=422 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def plan(request, office_id: int):
    _gate(request)
    weights = "estimated" if request.GET.get("vekter") == "estimert" else "points"
    if request.method == "POST":
        moves = _parse_moves(request.POST.getlist("move"))
        reasons = {}
        for cid, _to in moves:
            r = request.POST.get(f"reason-{cid}", "")
            if r:
                reasons[cid] = r
        try:
            n = services.commit_plan(
                user=request.user, office_id=office_id, moves=moves, reasons=reasons, weights=weights
            )
            messages.success(request, _("%(n)s brukere har fått ny veileder.") % {"n": n})
            return redirect("workload_office", office_id=office_id)
        except FORM_ERRORS as exc:
            preview = selectors.plan_preview(user=request.user, office_id=office_id, moves=moves, weights=weights)
            return render(
                request, "workload/plan.html", {"p": preview, "error": exc.message, "weights": weights}, status=422
            )
    moves = _parse_moves(request.GET.getlist("move"))
    add_client, add_to = request.GET.get("klient", "").strip(), request.GET.get("til", "").strip()
    if add_client or add_to:
        if add_client.isdigit() and add_to.isdigit():
            moves = [m for m in moves if m[0] != int(add_client)] + [(int(add_client), int(add_to))]
    preview = selectors.plan_preview(
        user=request.user, office_id=office_id, moves=moves, suggest=bool(request.GET.get("foresla")), weights=weights
    )
    error = ""
    if (add_client or add_to) and not (add_client.isdigit() and add_to.isdigit()):
        error = _("Oppgi bruker-id og velg veileder.")
    return render(
        request,
        "workload/plan.html",
        {"p": preview, "error": error, "weights": weights, "keep": [f"{a}:{b}" for a, b in preview.moves]},
        status=422 if (preview.errors or error) else 200,
    )


@login_required
@require_http_methods(["GET", "POST"])
def time_use(request):
    _gate(request)
    form = forms.TimeUseForm(request.POST or None)
    today = clock.today()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    if request.method == "POST" and form.is_valid():
        try:
            services.log_time_use_week(user=request.user, year=year, quarter=quarter, hours=form.cleaned_data)
            messages.success(request, _("Uken er ført. Takk!"))
            return redirect(reverse("workload_own"))
        except FORM_ERRORS as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "workload/time_use.html",
        {"form": form, "year": year, "quarter": quarter},
        status=422 if form.errors else 200,
    )


@login_required
def survey(request, wave_id: int):
    wave, result = selectors.survey_comparison(user=request.user, wave_id=wave_id)
    return render(request, "workload/survey.html", {"wave": wave, "r": result})
