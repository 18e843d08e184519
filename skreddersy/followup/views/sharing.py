"""Consent to share between the state and the municipal side of the office: the client on Min
side, and the counsellor who records a consent given on paper. One selector to show, one service
to act (clients.selectors.sharing_consent, clients.services.set_sharing_consent)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from skreddersy.clients import selectors as client_selectors
from skreddersy.clients import services as client_services
from skreddersy.followup import forms
from skreddersy.followup.views._common import FORM_ERRORS, client_view, staff_view


def _sharing(request, client_id: int, *, by_client: bool, done_url: str):
    form = forms.SharingConsentForm(request.POST if request.method == "POST" else None, by_client=by_client)
    if request.method == "POST" and form.is_valid():
        try:
            written = client_services.set_sharing_consent(
                user=request.user, client=client_id, categories=form.cleaned_data["categories"]
            )
            messages.success(request, _("Samtykket er lagret.") if written else _("Ingen endringer."))
            return redirect(done_url)
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    page = client_selectors.sharing_consent(user=request.user, client_id=client_id)
    if request.method == "GET":
        form = forms.SharingConsentForm(
            by_client=by_client, initial={"categories": [x.category for x in page.lines if x.given]}
        )
    return render(
        request,
        "followup/sharing.html",
        {"page": page, "client": None if by_client else page.client, "form": form, "by_client": by_client},
        status=422 if form.errors else 200,
    )


@client_view
@require_http_methods(["GET", "POST"])
def client_sharing(request, client_id: int):
    return _sharing(request, client_id, by_client=True, done_url=reverse("client_sharing"))


@staff_view
@require_http_methods(["GET", "POST"])
def person_sharing(request, client_id: int):
    return _sharing(request, client_id, by_client=False, done_url=reverse("person_sharing", args=[client_id]))
