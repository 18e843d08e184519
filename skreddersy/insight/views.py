"""Insight pages. Thin: parse, call a service or selector, render."""

from __future__ import annotations

import functools

import numpy as np
import pandas as pd
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core.errors import AccessDenied, NotFound, ServiceError
from skreddersy.insight import anonymity, replication, reports, selectors, services
from skreddersy.insight import io as insight_io
from skreddersy.insight.forms import ImportForm, ItemForm, SurveyForm, WaveForm
from skreddersy.insight.models import BACKGROUND_QUESTIONS, IndexDefinition, Instrument, Item, Survey, Wave
from skreddersy.policy import access


def _denied(request, exc: ServiceError):
    status = 404 if isinstance(exc, NotFound) else 403
    return render(request, "core/denied.html", {"reason": exc.message}, status=status)


def guarded(view):
    """AccessDenied / NotFound from a selector or service -> the denied page, never a 500."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except (AccessDenied, NotFound) as exc:
            return _denied(request, exc)

    return wrapper


@login_required
def home(request):
    user = request.user
    invitations = selectors.my_invitations(user)
    ctx = {"invitations": invitations, "can_manage": access.can_manage_surveys(user),
           "can_edit_bank": access.can_edit_item_bank(user), "sees_insight": access.can_see_insight(user)}
    if ctx["sees_insight"]:
        waves = list(selectors.waves_for(user)[:50])
        totals = selectors.wave_totals(user, waves)  # a fixed number of queries, not three per wave
        rows = []
        for w in waves:
            t = totals[w.pk]
            rows.append({"wave": w, "offices": t["offices"], "invited": t["invited"], "answered": t["answered"],
                         "rate": t["answered"] / t["invited"] if t["invited"] else None})
        ctx["waves"] = rows
        ctx["surveys"] = list(selectors.surveys_for(user)[:50])
    return render(request, "insight/home.html", ctx)


# --- answering (the token is the credential; login is not needed) -------------------------------

def _questionnaire_context(inv, answers, background, errors):
    survey = inv.wave.survey
    groups = []
    current = None
    for si in survey.survey_items.select_related("item__scale", "item__instrument").order_by("position", "id"):
        item = si.item
        if current is None or current["instrument"].pk != item.instrument_id:
            current = {"instrument": item.instrument, "questions": []}
            groups.append(current)
        scale = item.scale
        options = [(v, scale.label_for(v)) for v in scale.points] if scale.is_small else []
        value = answers.get(item.key)
        try:
            value = int(value) if value not in (None, "") else None
        except (TypeError, ValueError):
            value = None
        current["questions"].append({"item": item, "options": options, "value": value,
                                     "error": errors.get(item.key), "min": scale.min_value, "max": scale.max_value})
    bg = [{"key": k, "question": BACKGROUND_QUESTIONS[k][0], "choices": BACKGROUND_QUESTIONS[k][1],
           "value": background.get(k), "error": errors.get(k)} for k in survey.background if k in BACKGROUND_QUESTIONS]
    return {"survey": survey, "wave": inv.wave, "office": inv.office, "groups": groups, "background": bg,
            "errors": errors}


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
    try:
        services.invitation_for_token(token)
    except NotFound as exc:
        response = render(request, "insight/answer_closed.html", {"reason": exc.message}, status=404)
        response["Referrer-Policy"] = "no-referrer"
        return response
    return _with_token(redirect("insight_answer"), token)


def answer(request):
    token = request.get_signed_cookie(ANSWER_COOKIE, default="", salt=ANSWER_COOKIE_SALT)
    try:
        inv = services.invitation_for_token(token)
    except NotFound:
        return render(request, "insight/answer_closed.html", {"reason": _(
            "Åpne skjemaet med lenken din, eller fra siden Innsikt når du er logget inn.")}, status=404)
    if inv.used or not inv.wave.is_open():
        reason = _("Dette skjemaet er allerede sendt inn. Takk for svaret!") if inv.used else _(
            "Undersøkelsen er ikke åpen for svar nå.")
        return render(request, "insight/answer_closed.html", {"reason": reason}, status=410)
    errors: dict = {}
    if request.method == "POST":
        survey = inv.wave.survey
        keys = [si.item.key for si in survey.survey_items.select_related("item")]
        answers = {k: request.POST.get(f"q_{k}", "") for k in keys}
        background = {k: request.POST.get(f"b_{k}", "") for k in survey.background}
        try:
            if request.POST.get("action") == "save":
                services.save_draft(token=token, answers=answers, background=background)
                messages.success(request, _("Svarene er lagret. Du kan fortsette senere fra siden Innsikt."))
                return redirect("insight_answer")
            services.submit_response(token=token, answers=answers, background=background)
            response = redirect("insight_thanks")
            response.delete_cookie(ANSWER_COOKIE, path=ANSWER_PATH)
            return response
        except ServiceError as exc:
            errors = exc.errors or {"__all__": exc.message}
            ctx = _questionnaire_context(inv, answers, background, errors)
            ctx.update(error_summary=exc.message)
            return render(request, "insight/answer.html", ctx, status=422)
    draft = services.draft_for(token)
    ctx = _questionnaire_context(inv, draft.answers if draft else {}, draft.background if draft else {}, errors)
    ctx.update(draft=draft)
    response = render(request, "insight/answer.html", ctx)
    response["Referrer-Policy"] = "no-referrer"
    return response


def thanks(request):
    return render(request, "insight/thanks.html")


# --- item bank ----------------------------------------------------------------------------------

@login_required
def item_bank(request):
    if not (access.can_see_insight(request.user) or access.can_edit_item_bank(request.user)):
        return _denied(request, AccessDenied(_("Påstandsbanken er for analytikere og ledere.")))
    instruments = Instrument.objects.prefetch_related("items__scale", "indices__items").order_by("key")
    return render(request, "insight/item_bank.html", {"instruments": instruments,
                                                       "can_edit": access.can_edit_item_bank(request.user)})


@login_required
@guarded
def item_edit(request, key: str):
    item = get_object_or_404(Item.objects.select_related("scale", "instrument"), key=key)
    if not access.can_edit_item_bank(request.user):
        raise AccessDenied(_("Bare analytikere kan endre påstandsbanken."))
    form = ItemForm(request.POST or None, initial={"text": item.text, "reverse": item.reverse, "note": item.note})
    if request.method == "POST" and form.is_valid():
        try:
            services.update_item(user=request.user, item=item, **form.cleaned_data)
            messages.success(request, _("Påstanden er oppdatert."))
            return redirect("insight_item_bank")
        except ServiceError as exc:
            for f, msg in exc.errors.items():
                form.add_error(f if f in form.fields else None, msg)
    indices = IndexDefinition.objects.filter(items=item)
    return render(request, "insight/item_edit.html", {"item": item, "form": form, "indices": indices})


# --- surveys and waves --------------------------------------------------------------------------

@login_required
@guarded
def survey_new(request):
    if not access.can_manage_surveys(request.user):
        raise AccessDenied(_("Bare analytikere kan lage spørreundersøkelser."))
    form = SurveyForm(request.POST or None, initial={"items": list(Item.objects.filter(
        instrument__key="individualisation_2018").values_list("key", flat=True))})
    if request.method == "POST" and form.is_valid():
        try:
            survey = services.create_survey(user=request.user, name=form.cleaned_data["name"],
                                            intro=form.cleaned_data["intro"],
                                            item_keys=[i.key for i in form.cleaned_data["items"]],
                                            background=form.cleaned_data["background"])
            messages.success(request, _("Undersøkelsen er opprettet. Åpne en runde for å invitere."))
            return redirect("insight_wave_new", survey_id=survey.pk)
        except ServiceError as exc:
            for f, msg in exc.errors.items():
                form.add_error(f if f in form.fields else None, msg)
    return render(request, "insight/survey_form.html", {"form": form})


@login_required
@guarded
def wave_new(request, survey_id: int):
    if not access.can_manage_surveys(request.user):
        raise AccessDenied(_("Bare analytikere kan åpne runder."))
    survey = get_object_or_404(Survey, pk=survey_id)
    form = WaveForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            wave = services.open_wave(user=request.user, survey=survey, label=form.cleaned_data["label"],
                                      office_ids=[o.pk for o in form.cleaned_data["offices"]],
                                      opens_at=form.cleaned_data["opens_at"], closes_at=form.cleaned_data["closes_at"])
            messages.success(request, _("Runden er åpnet og %(n)s ansatte er invitert.") % {
                "n": wave.invitations.count()})
            return redirect("insight_wave", wave_id=wave.pk)
        except ServiceError as exc:
            for f, msg in exc.errors.items():
                form.add_error(f if f in form.fields else None, msg)
    return render(request, "insight/wave_form.html", {"form": form, "survey": survey})


@login_required
@guarded
@require_POST
def wave_close(request, wave_id: int):
    wave = selectors.wave_for(request.user, wave_id)
    try:
        services.close_wave(user=request.user, wave=wave)
        messages.success(request, _("Runden er stengt."))
    except AccessDenied:
        raise
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("insight_wave", wave_id=wave.pk)


def _previous_wave(wave: Wave) -> Wave | None:
    return (Wave.objects.filter(survey=wave.survey, closes_at__lte=wave.opens_at).exclude(pk=wave.pk)
            .order_by("-closes_at").first())


def _office_choice(request, user, wave):
    """(office_id or None, offices the user may pick). Leaders must look at one of their offices."""
    offices = selectors.visible_offices(user, wave)
    raw = request.GET.get("kontor", "")
    office_id = int(raw) if raw.isascii() and raw.isdigit() else None  # "²".isdigit() is True, int("²") fails
    if office_id is not None and office_id not in {o.pk for o in offices}:
        raise AccessDenied(_("Du har ikke tilgang til tall for dette kontoret."))
    if office_id is None and not access.can_see_respondent_data(user):
        if not offices:
            raise AccessDenied(_("Du har ikke tilgang til tall for noen kontor i denne runden."))
        office_id = offices[0].pk
    return office_id, offices


def wave_report_object(user, wave: Wave, office_id: int | None) -> reports.Report:
    if office_id is not None and not access.can_see_survey_aggregates(user, office_id):
        raise AccessDenied(_("Du har ikke tilgang til tall for dette kontoret."))
    if office_id is None and not access.can_see_respondent_data(user):
        raise AccessDenied(_("Bare analytikere ser alle kontor samlet."))
    if not access.can_see_respondent_data(user) and not anonymity.results_released(wave):
        return reports.Report(title=f"{wave.survey.name}: {wave.label}", scope="leader", n=0, suppressed=True,
                              labels={}, notes=[anonymity.withheld_note()])
    ctx = selectors.survey_context(wave.survey)
    frame = selectors.wave_frame(wave, ctx)
    prev = _previous_wave(wave)
    prev_frame = selectors.wave_frame(prev, selectors.survey_context(prev.survey)) if prev else None
    names = dict(wave.offices.values_list("pk", "name"))
    title = f"{wave.survey.name}: {wave.label}"
    if office_id is not None:
        frame = frame[frame["office"] == office_id]
        if prev_frame is not None:
            prev_frame = prev_frame[prev_frame["office"] == office_id]
        title += f" – {names.get(office_id, office_id)}"
    scope = "analyst" if access.can_see_respondent_data(user) else "leader"
    return reports.build_report(frame, ctx, scope=scope, title=title, office_names=names, previous=prev_frame)


@login_required
@guarded
def wave_report(request, wave_id: int):
    user = request.user
    wave = selectors.wave_for(user, wave_id)
    office_id, offices = _office_choice(request, user, wave)
    report = wave_report_object(user, wave, office_id)
    rates = selectors.response_rates(user, wave)
    return render(request, "insight/wave.html", {
        "wave": wave, "report": report, "rates": rates, "offices": offices, "office_id": office_id,
        "can_manage": access.can_manage_surveys(user), "min_group": selectors.MIN_GROUP,
        "svg_distribution": report.svg_distribution(), "svg_coefficients": report.svg_coefficients(),
        "svg_offices": report.svg_offices(),
    })


@login_required
@guarded
def wave_pdf(request, wave_id: int):
    wave = selectors.wave_for(request.user, wave_id)
    office_id, _offices = _office_choice(request, request.user, wave)
    report = wave_report_object(request.user, wave, office_id)
    response = HttpResponse(report.to_pdf(), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="innsikt-runde-{wave.pk}.pdf"'
    return response


def export_table(wave: Wave, frame: pd.DataFrame, ctx) -> insight_io.Labelled:
    """The respondent-level export: pseudonym, office number, coded background, items, indices."""
    cols = ["respondent", "office_number", "caseload_code", "employer", "gender", "role", "age_band", "age",
            *ctx.item_keys, *[ix.key for ix in ctx.indices], "office_size"]
    out = frame[[c for c in cols if c in frame.columns]].rename(
        columns={"office_number": "office", "caseload_code": "caseload"}).copy()  # caseload: 0-6, -1 = ingen
    # Rows in pseudonym order, never in the order the answers were stored: storage order is the
    # order of submission, which someone who saw when a colleague answered could use to find them.
    out = out.sort_values("respondent", kind="stable").reset_index(drop=True)
    labels = dict(ctx.labels)
    vlabels = {k: v for k, v in ctx.value_labels.items() if k in out.columns}
    return insight_io.Labelled(out, labels, vlabels)


@login_required
@guarded
def wave_export(request, wave_id: int, fmt: str):
    wave = selectors.wave_for(request.user, wave_id)
    frame, ctx = selectors.respondent_data(request.user, wave)
    data = export_table(wave, frame, ctx)
    return _file_response(data, fmt, f"innsikt-runde-{wave.pk}-data")


def results_table(report: reports.Report) -> insight_io.Labelled:
    rows = []
    if report.descriptives:
        for v in report.descriptives.variables:
            for stat in ("n", "mean", "sd"):
                rows.append({"section": "deskriptiv", "model": 0, "variable": v.name, "statistic": stat,
                             "value": getattr(v, stat)})
    for rel in report.reliability:
        rows.append({"section": "reliabilitet", "model": 0, "variable": rel.index, "statistic": "alpha", "value": rel.alpha})
        rows.append({"section": "reliabilitet", "model": 0, "variable": rel.index, "statistic": "mean_r",
                     "value": rel.mean_inter_item_r})
    if report.regression:
        for blk in report.regression.blocks:
            for c in blk.coefficients:
                for stat in ("b", "se", "beta", "t", "p", "ci_low", "ci_high"):
                    rows.append({"section": "regresjon", "model": blk.number, "variable": c.name, "statistic": stat,
                                 "value": getattr(c, stat)})
            for stat in ("r2", "adj_r2", "r2_change", "f_change", "p_f_change"):
                rows.append({"section": "regresjon", "model": blk.number, "variable": "(modell)", "statistic": stat,
                             "value": getattr(blk, stat)})
    if report.multilevel:
        rows.append({"section": "flernivå", "model": 0, "variable": "office", "statistic": "icc",
                     "value": report.multilevel.icc})
    df = pd.DataFrame(rows, columns=["section", "model", "variable", "statistic", "value"])
    df["value"] = df["value"].astype(float).replace([np.inf, -np.inf], np.nan)
    return insight_io.Labelled(df, {"section": "Del av analysen", "model": "Modell (blokk)", "variable": "Variabel",
                                    "statistic": "Størrelse", "value": "Verdi"}, {})


@login_required
@guarded
def results_export(request, wave_id: int, fmt: str):
    wave = selectors.wave_for(request.user, wave_id)
    office_id, _offices = _office_choice(request, request.user, wave)
    report = wave_report_object(request.user, wave, office_id)
    if report.suppressed:
        raise AccessDenied(_("Færre enn 5 svar: ingen resultater kan eksporteres."))
    return _file_response(results_table(report), fmt, f"innsikt-runde-{wave.pk}-resultater")


def _file_response(data: insight_io.Labelled, fmt: str, stem: str) -> HttpResponse:
    if fmt == "csv":
        response = HttpResponse(insight_io.to_csv_bytes(data.frame), content_type="text/csv; charset=utf-8")
    elif fmt == "sav":
        response = HttpResponse(insight_io.to_sav_bytes(data), content_type="application/x-spss-sav")
    else:
        raise Http404("Ukjent format")
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@login_required
@guarded
def respondents(request, wave_id: int):
    wave = selectors.wave_for(request.user, wave_id)
    frame, ctx = selectors.respondent_data(request.user, wave)
    cols = ["respondent", "office_number", "caseload_code", "employer", "gender", "age", *ctx.item_keys,
            *[ix.key for ix in ctx.indices]]
    shown = frame[[c for c in cols if c in frame.columns]].sort_values("respondent").head(200)
    return render(request, "insight/respondents.html", {
        "wave": wave, "columns": list(shown.columns), "rows": shown.to_numpy().tolist(), "total": len(frame)})


@login_required
@guarded
def wave_import(request, wave_id: int):
    wave = selectors.wave_for(request.user, wave_id)
    if not access.can_manage_surveys(request.user):
        raise AccessDenied(_("Bare analytikere kan importere svar."))
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        try:
            n = services.import_file(user=request.user, wave=wave, content=f.read(), filename=f.name)
            messages.success(request, _("%(n)s svar er importert.") % {"n": n})
            return redirect("insight_wave", wave_id=wave.pk)
        except ServiceError as exc:
            form.add_error("file", exc.message)
            status = 422
    ctx = selectors.survey_context(wave.survey)
    return render(request, "insight/import.html", {"wave": wave, "form": form, "item_keys": ctx.item_keys,
                                                   "codings": insight_io.CODINGS}, status=status)


# --- replication --------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4)
def cached_replication(seed: int = 2021) -> replication.ReplicationReport:
    return replication.replicate(seed=seed)


@login_required
def replication_page(request):
    if not (access.can_see_insight(request.user) or access.is_administrator(request.user)):
        return _denied(request, AccessDenied(_("Replikasjonen er for analytikere og ledere.")))
    rep = cached_replication()
    ctx = replication.study_context()
    report = reports.build_report(replication.synthetic_frame(rep.synthetic), ctx, scope="analyst",
                                  title=_("Syntetiske data (N = 1377)"), spec=replication.STUDY_SPEC)
    rows_a = [r for r in rep.rows if r.part == "a"]
    rows_b = [r for r in rep.rows if r.part == "b"]
    return render(request, "insight/replication.html", {
        "rep": rep, "rows_a": rows_a, "rows_b": rows_b, "tolerances": replication.TOL,
        "svg_distribution": report.svg_distribution(), "svg_coefficients": report.svg_coefficients(),
        "replicate_url": reverse("insight_replication"),
    })
