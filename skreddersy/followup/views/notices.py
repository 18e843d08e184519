"""The requirement's page: forhåndsorientering (sent, read, answered), the answer recorded by Nav,
the sanction recommendation (refused with the reason until the rule allows it), and the letter."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from skreddersy.followup import forms, notices
from skreddersy.followup.views._common import FORM_ERRORS, staff_view


@staff_view
@require_http_methods(["GET", "POST"])
def requirement_page(request, activity_id: int):
    action = request.POST.get("action") if request.method == "POST" else None
    notice_form = forms.NoticeForm(request.POST if action == "notice" else None)
    sanction_form = forms.SanctionForm(request.POST if action == "sanction" else None)
    answer_form = forms.NoticeResponseForm(request.POST if action == "answer" else None)
    here = reverse("requirement_page", args=[activity_id])
    try:
        if action == "notice" and notice_form.is_valid():
            n = notices.send_notice(
                user=request.user,
                activity=activity_id,
                text=notice_form.cleaned_data["text"],
                deadline=notice_form.cleaned_data["deadline"],
            )
            messages.success(
                request,
                _("Forhåndsorienteringen er sendt.")
                + (" " + _("Skriv ut brevet og send det.") if n.channel == "letter" else ""),
            )
            return redirect(here + "#forhandsorientering")
        if action == "sanction" and sanction_form.is_valid():
            notices.recommend_sanction(
                user=request.user, activity=activity_id, reason=sanction_form.cleaned_data["reason"]
            )
            messages.success(request, _("Innstillingen om sanksjon er registrert."))
            return redirect(here + "#sanksjon")
        if action == "answer" and answer_form.is_valid():
            notices.respond_to_notice(
                user=request.user,
                notice=int(request.POST.get("notice", "0") or 0),
                response=answer_form.cleaned_data["response"],
            )
            messages.success(request, _("Svaret er registrert."))
            return redirect(here + "#forhandsorientering")
    except FORM_ERRORS as exc:
        forms.apply_service_error(
            {"notice": notice_form, "sanction": sanction_form, "answer": answer_form}[action], exc
        )
    page = notices.requirement_page(user=request.user, activity_id=activity_id)
    if action != "notice":
        notice_form = forms.NoticeForm(initial={"text": page.draft_text, "deadline": page.draft_deadline})
    bad = notice_form.errors or sanction_form.errors or answer_form.errors
    return render(
        request,
        "followup/requirement.html",
        {
            "page": page,
            "client": page.client,
            "a": page.activity,
            "notice_form": notice_form,
            "sanction_form": sanction_form,
            "answer_form": answer_form,
        },
        status=422 if bad else 200,
    )


@staff_view
def notice_letter(request, notice_id: int):
    n = notices.get_notice(user=request.user, notice_id=notice_id)
    return render(
        request, "followup/notice_letter.html", {"n": n, "client": n.client, "basis": notices.BASES.get(n.basis)}
    )
