"""Calibration lab pages. Thin: parse, call a selector or service, render. Answers are posted
and the receipt is shown in the response itself (never in a URL, never stored in clear)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core.errors import Conflict, InvalidInput, NotFound
from skreddersy.core.forms import apply_service_error
from skreddersy.insight import io as insight_io

from . import selectors, services
from .forms import ReceiptForm, RoundForm


def _no_store(response):
    response["Cache-Control"] = "no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response


@login_required
def home(request):
    ctx = selectors.home(request.user)
    ctx["receipt_form"] = ReceiptForm()
    return render(request, "insight/calibration/home.html", ctx)


@login_required
def new_round(request):
    options = selectors.builder_options(request.user)
    form = RoundForm(request.POST or None, office_choices=options)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            d = form.cleaned_data
            try:
                rnd = services.create_round(
                    user=request.user,
                    title=d["title"],
                    intro=d["intro"],
                    office_ids=d["offices"],
                    opens_at=d["opens_at"],
                    closes_at=d["closes_at"],
                    vignettes=d["vignettes"],
                )
                messages.success(request, _("Runden er laget."))
                return redirect("insight_calibration_home" if rnd else "insight_calibration_home")
            except (InvalidInput, NotFound) as exc:
                apply_service_error(form, exc)
        status = 422
    return render(request, "insight/calibration/new.html", {"form": form}, status=status)


@login_required
def answer(request, round_id: int):
    page = selectors.round_to_answer(request.user, round_id)
    errors, values, status = {}, {}, 200
    if request.method == "POST" and page["open"] and not page["used"]:
        answers = {
            str(v.pk): {q["key"]: request.POST.get(f"v{v.pk}_{q['key']}", "") for q in page["questions"]}
            for v in page["vignettes"]
        }
        values = {f"v{vid}_{k}": val for vid, a in answers.items() for k, val in a.items()}
        try:
            code = services.submit_answers(user=request.user, round_id=round_id, answers=answers)
        except (InvalidInput, Conflict) as exc:
            errors = exc.errors or {"__all__": exc.message}
            status = exc.status
        else:
            mine = [
                {
                    "vignette": v,
                    "answers": [
                        (q["label"], dict(q["choices"]).get(answers[str(v.pk)][q["key"]])) for q in page["questions"]
                    ],
                }
                for v in page["vignettes"]
            ]
            return _no_store(
                render(
                    request,
                    "insight/calibration/receipt_issued.html",
                    {"round": page["round"], "code": code, "mine": mine},
                )
            )
    page["items"] = [
        {
            "vignette": v,
            "fields": [
                {
                    "name": f"v{v.pk}_{q['key']}",
                    "label": q["label"],
                    "choices": q["choices"],
                    "value": values.get(f"v{v.pk}_{q['key']}", ""),
                    "error": errors.get(f"v{v.pk}_{q['key']}"),
                }
                for q in page["questions"]
            ],
        }
        for v in page["vignettes"]
    ]
    page["error_summary"] = errors.get("__all__") or (_("Svar på alle spørsmålene for hvert kasus.") if errors else "")
    return _no_store(render(request, "insight/calibration/answer.html", page, status=status))


@login_required
@require_POST
def receipt(request):
    form = ReceiptForm(request.POST)
    ctx, status = {"form": form, "result": None}, 200
    if form.is_valid():
        try:
            ctx["result"] = selectors.receipt(form.cleaned_data["receipt"])
        except (InvalidInput, NotFound) as exc:
            apply_service_error(form, exc)
            status = exc.status
    else:
        status = 422
    return _no_store(render(request, "insight/calibration/receipt.html", ctx, status=status))


@login_required
def results(request, round_id: int):
    office = request.GET.get("office", "")
    office_id = int(office) if office.isdigit() else None
    ctx = {"error": None, "res": None, "round_id": round_id, "office_id": office_id}
    status = 200
    try:
        ctx["res"] = selectors.results(request.user, round_id, office_id=office_id)
    except (InvalidInput, NotFound) as exc:
        ctx["error"] = exc.message
        status = exc.status
    if ctx["res"] is not None:
        from .plots import svg_need_groups

        ctx["plot"] = svg_need_groups(ctx["res"])
    return render(request, "insight/calibration/results.html", ctx, status=status)


@login_required
def results_export(request, round_id: int, fmt: str):
    if fmt not in ("csv", "sav"):
        raise Http404("Ukjent format")
    office = request.GET.get("office", "")
    res = selectors.results(request.user, round_id, office_id=int(office) if office.isdigit() else None)
    frame = res.to_frame()
    data = insight_io.Labelled(
        frame,
        {
            "question": "Spørsmål",
            "vignette": "Kasus",
            "answers": "Antall svar",
            "agreeing_pairs": "Andel enige par",
            "modal": "Vanligste svar",
            "modal_share": "Andel vanligste svar",
            "distinct": "Ulike svar",
            "spread": "Spredning",
            "reference": "Fasitsvar",
            "reference_share": "Andel lik fasit",
        },
        {},
    )
    body = insight_io.to_csv_bytes(frame) if fmt == "csv" else insight_io.to_sav_bytes(data)
    response = HttpResponse(body, content_type="text/csv; charset=utf-8" if fmt == "csv" else "application/x-spss-sav")
    response["Content-Disposition"] = f'attachment; filename="kalibrering-{round_id}.{fmt}"'
    return response


@login_required
@require_POST
def close(request, round_id: int):
    services.close_round(user=request.user, round_id=round_id)
    messages.success(request, _("Runden er stengt. Resultatene vises nå."))
    return redirect("insight_calibration_results", round_id=round_id)
