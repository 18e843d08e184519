"""Insight pages. Thin: parse, call one selector (to show) or one service (to act), render. The
selector or service checks access. A ``ServiceError`` a page does not show as a form error rises
to ``core.middleware.ServiceErrorPages``, which renders the error page with its status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core.errors import Conflict, InvalidInput, NotFound
from skreddersy.core.forms import apply_service_error
from skreddersy.core.lazy import lazy
from skreddersy.insight import io as insight_io
from skreddersy.insight import selectors, services
from skreddersy.insight.forms import ImportForm, ItemForm, SurveyForm, WaveForm

replication = lazy("skreddersy.insight.replication")  # the analysis stack loads on first use (core/lazy.py)

# Errors a page shows in place (as form errors); an AccessDenied always rises to the error page.
SHOWN_IN_PLACE = (InvalidInput, Conflict, NotFound)


@login_required
def home(request):
    page = selectors.home(request.user)
    return render(request, "insight/home.html", {
        "invitations": page.invitations, "can_manage": page.can_manage, "can_edit_bank": page.can_edit_bank,
        "sees_insight": page.sees_insight, "waves": page.waves, "surveys": page.surveys,
    })


# --- answering (the token is the credential; login is not needed) -------------------------------

# The token travels in the URL only once (an emailed link), then in a signed, HTTP-only cookie
# limited to the questionnaire's path: the page's own URL has no token, so no access log, history
# or Referer holds it.
ANSWER_COOKIE = "innsikt_svar"
ANSWER_COOKIE_SALT = "skreddersy.insight.answer"
ANSWER_PATH = "/innsikt/svar/"


def _with_token(response, token: str):
    from django.conf import settings

    response.set_signed_cookie(ANSWER_COOKIE, token, salt=ANSWER_COOKIE_SALT, max_age=8 * 60 * 60,
                               path=ANSWER_PATH, httponly=True, samesite="Lax",
                               secure=settings.SESSION_COOKIE_SECURE)
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
@require_POST
def answer_start(request, wave_id: int):
    """The invited person's own button: a fresh token, into the cookie, then the token-less page."""
    token = services.issue_token(user=request.user, wave_id=wave_id)
    return _with_token(redirect("insight_answer"), token)


def answer_link(request, token: str):
    """A link with the token in it: move the token into the cookie and leave the URL at once."""
    q = selectors.questionnaire(token)
    if q.closed and q.invitation is None:
        response = render(request, "insight/answer_closed.html", {"reason": q.closed}, status=q.status)
        response["Referrer-Policy"] = "no-referrer"
        return response
    return _with_token(redirect("insight_answer"), token)


def answer(request):
    token = request.get_signed_cookie(ANSWER_COOKIE, default="", salt=ANSWER_COOKIE_SALT)
    q = selectors.questionnaire(token)
    if q.closed:
        reason = q.closed if q.invitation is not None else _(
            "Åpne skjemaet med lenken din, eller fra siden Innsikt når du er logget inn.")
        return render(request, "insight/answer_closed.html", {"reason": reason}, status=q.status)
    if request.method == "POST":
        answers = {k: request.POST.get(f"q_{k}", "") for k in q.item_keys}
        background = {k: request.POST.get(f"b_{k}", "") for k in q.background_keys}
        try:
            if request.POST.get("action") == "save":
                services.save_draft(token=token, answers=answers, background=background)
                messages.success(request, _("Svarene er lagret. Du kan fortsette senere fra siden Innsikt."))
                return redirect("insight_answer")
            services.submit_response(token=token, answers=answers, background=background)
            response = redirect("insight_thanks")
            response.delete_cookie(ANSWER_COOKIE, path=ANSWER_PATH)
            return response
        except SHOWN_IN_PLACE as exc:
            ctx = q.context(answers, background, exc.errors or {"__all__": exc.message})
            ctx.update(error_summary=exc.message)
            return render(request, "insight/answer.html", ctx, status=422)
    response = render(request, "insight/answer.html", q.context())
    response["Referrer-Policy"] = "no-referrer"
    return response


def thanks(request):
    return render(request, "insight/thanks.html")


# --- item bank ----------------------------------------------------------------------------------

@login_required
def item_bank(request):
    bank = selectors.item_bank(request.user)
    return render(request, "insight/item_bank.html", {"instruments": bank.instruments, "can_edit": bank.can_edit})


@login_required
def item_edit(request, key: str):
    item, indices = selectors.item_for_edit(request.user, key)
    form = ItemForm(request.POST or None, initial={"text": item.text, "reverse": item.reverse, "note": item.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(user=request.user, item=item, **form.cleaned_data)
            messages.success(request, _("Påstanden er oppdatert."))
            return redirect("insight_item_bank")
        except SHOWN_IN_PLACE as exc:
            apply_service_error(form, exc)
    return render(request, "insight/item_edit.html", {"item": item, "form": form, "indices": indices})


# --- surveys and waves --------------------------------------------------------------------------

@login_required
def survey_new(request):
    form = SurveyForm(request.POST or None, initial={"items": selectors.new_survey_items(request.user)})
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(user=request.user, name=form.cleaned_data["name"],
                                            intro=form.cleaned_data["intro"],
                                            item_keys=[i.key for i in form.cleaned_data["items"]],
                                            background=form.cleaned_data["background"])
            messages.success(request, _("Undersøkelsen er opprettet. Åpne en runde for å invitere."))
            return redirect("insight_wave_new", survey_id=survey.pk)
        except SHOWN_IN_PLACE as exc:
            apply_service_error(form, exc)
    return render(request, "insight/survey_form.html", {"form": form})


@login_required
def wave_new(request, survey_id: int):
    survey = selectors.survey_for_new_wave(request.user, survey_id)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.open_wave(user=request.user, survey=survey, label=form.cleaned_data["label"],
                                      office_ids=[o.pk for o in form.cleaned_data["offices"]],
                                      opens_at=form.cleaned_data["opens_at"], closes_at=form.cleaned_data["closes_at"])
            messages.success(request, _("Runden er åpnet og %(n)s ansatte er invitert.") % {
                "n": wave.invited})
            return redirect("insight_wave", wave_id=wave.pk)
        except SHOWN_IN_PLACE as exc:
            apply_service_error(form, exc)
    return render(request, "insight/wave_form.html", {"form": form, "survey": survey})


@login_required
@require_POST
def wave_close(request, wave_id: int):
    wave = services.close_wave(user=request.user, wave=wave_id)
    messages.success(request, _("Runden er stengt."))
    return redirect("insight_wave", wave_id=wave.pk)


@login_required
def wave_report(request, wave_id: int):
    page = selectors.wave_page(request.user, wave_id, office=request.GET.get("kontor"))
    report = page.report
    return render(request, "insight/wave.html", {
        "wave": page.wave, "report": report, "rates": page.rates, "offices": page.offices, "office_id": page.office_id,
        "can_manage": page.can_manage, "min_group": selectors.MIN_GROUP,
        "svg_distribution": report.svg_distribution(), "svg_coefficients": report.svg_coefficients(),
        "svg_offices": report.svg_offices(),
    })


@login_required
def wave_pdf(request, wave_id: int):
    page = selectors.wave_report(request.user, wave_id, office=request.GET.get("kontor"))
    response = HttpResponse(page.report.to_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="innsikt-runde-{page.wave.pk}.pdf"'
    return response


@login_required
def wave_export(request, wave_id: int, fmt: str):
    if fmt not in ("csv", "sav"):
        raise NotFound(_("Ukjent format."))
    wave, data = selectors.respondent_export(request.user, wave_id)
    return _file_response(data, fmt, f"innsikt-runde-{wave.pk}-data")


@login_required
def results_export(request, wave_id: int, fmt: str):
    if fmt not in ("csv", "sav"):
        raise NotFound(_("Ukjent format."))
    wave, data = selectors.results_for_export(request.user, wave_id, office=request.GET.get("kontor"))
    return _file_response(data, fmt, f"innsikt-runde-{wave.pk}-resultater")


def _file_response(data: insight_io.Labelled, fmt: str, stem: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(insight_io.to_csv_bytes(data.frame), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(insight_io.to_sav_bytes(data), content_type="application/x-spss-sav")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
def respondents(request, wave_id: int):
    wave, frame, ctx = selectors.respondent_table(request.user, wave_id)
    cols = ["respondent", "office_number", "caseload_code", "employer", "gender", "age", *ctx.item_keys,
            *[ix.key for ix in ctx.indices]]
    shown = frame[[c for c in cols if c in frame.columns]].sort_values("respondent").head(200)
    return render(request, "insight/respondents.html", {
        "wave": wave, "columns": list(shown.columns), "rows": shown.to_numpy().tolist(), "total": len(frame)})


@login_required
def wave_import(request, wave_id: int):
    page = selectors.import_page(request.user, wave_id)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            n = services.import_file(user=request.user, wave=page.wave, content=f.read(), filename=f.name)
            messages.success(request, _("%(n)s svar er importert.") % {"n": n})
            return redirect("insight_wave", wave_id=page.wave.pk)
        except SHOWN_IN_PLACE as exc:
            # the message names the row and the column of the file: it belongs on the file field
            form.add_error("file", exc.message)
            status = exc.status
    return render(request, "insight/import.html", {"wave": page.wave, "form": form, "item_keys": page.item_keys,
                                                   "codings": insight_io.CODINGS}, status=status)


# --- replication --------------------------------------------------------------------------------

@login_required
def replication_corrected(request):
    """Part b from the corrected matrix: a fragment the page loads after it is shown (the first
    computation takes as long as the printed one; later ones come from the cache)."""
    rep, corrected = selectors.replication_corrected(request.user)
    return render(request, "insight/_replication_corrected.html", {
        "rep": rep, "corrected": corrected,
        "rows_b_corrected": [r for r in corrected.rows if r.part == "b"] if corrected else []})


@login_required
def replication_page(request):
    page = selectors.replication_page(request.user)
    rep, report = page.rep, page.report
    return render(request, "insight/replication.html", {
        "rep": rep, "rows_a": [r for r in rep.rows if r.part == "a"], "rows_b": [r for r in rep.rows if r.part == "b"],
        "tolerances": replication.TOL, "svg_distribution": report.svg_distribution(),
        "svg_coefficients": report.svg_coefficients(), "replicate_url": reverse("insight_replication"),
    })
