"""Dialogue with the client, contact notes (samtalereferat) and message routing, as Nav writes them."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.clients import selectors as client_selectors
from skreddersy.followup import forms, selectors, services
from skreddersy.followup.views._common import FORM_ERRORS, person_url, staff_view
from skreddersy.policy import access


@staff_view
@require_http_methods(["GET", "POST"])
def contact_new(request, client_id: int):
    form = forms.ContactForm(request.POST or None, initial={"channel": request.GET.get("kanal") or "phone", "shared_with_client": True},
                             note_categories=access.writable_note_categories(request.user))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.log_contact(user=request.user, client=client_id, channel=d["channel"], summary=d["summary"],
                                 held_at=d.get("held_at"), shared_with_client=d.get("shared_with_client", False),
                                 category=d.get("category") or None)
            messages.success(request, _("Samtalereferatet er lagret."))
            return redirect(person_url(client_id, "journal"))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    client = client_selectors.get_client(user=request.user, client_id=client_id, what="samtalereferat: nytt", nav=True)
    return render(request, "followup/contact_form.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def thread_new(request, client_id: int):
    form = forms.NewThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_thread(user=request.user, client=client_id, **form.cleaned_data)
            messages.success(request, _("Meldingen er sendt."))
            return redirect(person_url(client_id, "dialog"))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    client = client_selectors.get_client(user=request.user, client_id=client_id, what="dialog: ny", nav=True)
    return render(request, "followup/thread_form.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)


@staff_view
@require_POST
def thread_reply(request, thread_id: int):
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        msg = services.send_message(user=request.user, thread=thread_id, body=form.cleaned_data["body"])
        messages.success(request, _("Svaret er sendt."))
        return redirect(person_url(msg.thread.client_id, f"traad-{thread_id}"))
    thread = selectors.get_thread(user=request.user, thread_id=thread_id)
    messages.error(request, _("Skriv et svar før du sender."))
    return redirect(person_url(thread.client_id, f"traad-{thread_id}"))


@staff_view
@require_POST
def thread_no_reply(request, thread_id: int):
    thread = services.mark_no_reply_needed(user=request.user, thread=thread_id)
    messages.success(request, _("Markert som ikke behov for svar."))
    return redirect(person_url(thread.client_id, "dialog"))


@staff_view
@require_POST
def message_route(request, message_id: int):
    form = forms.RouteForm(request.POST)
    if form.is_valid():
        msg = services.set_message_route(user=request.user, message=message_id, route=form.cleaned_data["route"])
        messages.success(request, _("Ruting lagret: %(r)s.") % {"r": msg.get_route_display()})
    else:
        msg = selectors.get_message(user=request.user, message_id=message_id)
        messages.error(request, _("Velg en gyldig ruting."))
    return redirect(person_url(msg.thread.client_id, f"traad-{msg.thread_id}"))
