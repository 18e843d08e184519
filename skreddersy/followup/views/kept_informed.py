"""Min side's part of issue 17: "Jeg er ikke enig / jeg har spørsmål" on an activity, the answer to
a forhåndsorientering, and the client's own ratings; and the analysts' aggregate of the ratings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from skreddersy.followup import forms, notices, ratings, selectors, services
from skreddersy.followup.views._common import FORM_ERRORS, client_view


@client_view
@require_http_methods(["GET", "POST"])
def client_activity_disagree(request, client_id: int, activity_id: int):
    form = forms.DisagreeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.disagree_with_activity(user=request.user, activity=activity_id, body=form.cleaned_data["body"])
            messages.success(request, _("Meldingen er sendt til veilederen din. Du får svar innen to virkedager."))
            return redirect(reverse("client_home") + f"#aktivitet-{activity_id}")
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    activity = selectors.get_activity(user=request.user, activity_id=activity_id)
    return render(
        request, "followup/client_disagree_form.html", {"form": form, "a": activity}, status=422 if form.errors else 200
    )


@client_view
@require_http_methods(["POST"])
def client_notice_respond(request, client_id: int, notice_id: int):
    form = forms.NoticeResponseForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv svaret ditt før du sender."))
    else:
        try:
            notices.respond_to_notice(user=request.user, notice=notice_id, response=form.cleaned_data["response"])
            messages.success(request, _("Takk! Svaret ditt er sendt til Nav."))
        except FORM_ERRORS as exc:
            messages.warning(request, exc.message)
    return redirect(reverse("client_home") + f"#forhandsorientering-{notice_id}")


@client_view
@require_http_methods(["GET", "POST"])
def client_ratings(request, client_id: int):
    errors, given, summary = {}, {}, ""
    if request.method == "POST":
        given = {i.key: request.POST.get(i.key, "") for i in ratings.items()}
        try:
            ratings.record_ratings(user=request.user, client=client_id, answers=given)
            messages.success(request, _("Takk for svarene dine!"))
            return redirect(reverse("client_home") + "#egenvurdering")
        except FORM_ERRORS as exc:
            errors, summary = dict(exc.errors or {}), exc.message
    page = ratings.rating_form(user=request.user, client_id=client_id)
    values = {k: str(v) for k, v in page.current.items()}
    values.update({k: v for k, v in given.items() if v})
    questions = [(it, values.get(it.key, ""), errors.get(it.key, "")) for it in page.items]
    return render(
        request,
        "followup/client_ratings.html",
        {
            "page": page,
            "questions": questions,
            "errors": errors or bool(summary),
            "summary": summary,
            "dont_know": ratings.DONT_KNOW,
        },
        status=422 if summary else 200,
    )


@login_required
def rating_aggregates(request):
    """Analysts: the client ratings by occasion and item, aggregated (n ≥ 5), no identifiers."""
    cells = ratings.aggregates(user=request.user)
    items = {i.key: i for i in ratings.items()}
    rows = []
    for key, _m, label in ratings.OCCASIONS:
        rows.append((label, [c for c in cells if c.occasion == key]))
    return render(
        request,
        "followup/rating_aggregates.html",
        {
            "rows": rows,
            "items": items,
            "columns": [c.item for c in cells if c.occasion == "start"],
            "min_group": ratings.MIN_GROUP,
        },
    )
