"""Notification pages: the client's choice of SMS, e-mail or none (on Min side and, for the
counsellor, from the person page) and the printable letter for clients reached by post."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from skreddersy.followup import forms
from skreddersy.followup.views._common import FORM_ERRORS, client_view, person_url, staff_view
from skreddersy.notifications import selectors, services


def _preferences(request, client_id: int, *, by_client: bool, done_url: str):
    if request.method == "POST":
        form = forms.NotificationPreferenceForm(request.POST, by_client=by_client)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.set_preference(user=request.user, client=client_id, channel=d["channel"], phone=d["phone"],
                                        email=d["email"], krr_reserved=None if by_client else d["krr_reserved"])
                messages.success(request, _("Varslingsvalget er lagret."))
                return redirect(done_url)
            except FORM_ERRORS as exc:
                forms.apply_service_error(form, exc)
        client = None if by_client else client_id
    else:
        client, pref = selectors.preference(user=request.user, client_id=client_id)
        form = forms.NotificationPreferenceForm(by_client=by_client, initial={
            "channel": pref.channel, "phone": pref.phone, "email": pref.email, "krr_reserved": pref.krr_reserved})
    return render(request, "followup/notification_preferences.html",
                  {"form": form, "by_client": by_client, "client_id": client_id, "cancel_url": done_url,
                   "client": None if by_client else client},
                  status=422 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def notification_preferences(request, client_id: int):
    return _preferences(request, client_id, by_client=False, done_url=person_url(client_id, "varsler"))


@client_view
@require_http_methods(["GET", "POST"])
def client_notification_preferences(request, client_id: int):
    return _preferences(request, client_id, by_client=True, done_url=reverse("client_home"))


@staff_view
def notification_letter(request, notification_id: int):
    letter = selectors.letter(user=request.user, notification_id=notification_id)
    return render(request, "followup/notification_letter.html", {"letter": letter})
