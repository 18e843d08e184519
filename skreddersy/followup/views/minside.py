"""Min side: the client's own pages (their plan, dialogue and needs), and the client's login."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.accounts.views import LoginView
from skreddersy.clients import selectors as client_selectors
from skreddersy.clients import services as client_services
from skreddersy.core import clock, reference
from skreddersy.core.errors import Conflict
from skreddersy.followup import forms, selectors, services
from skreddersy.followup.views._common import FORM_ERRORS, client_view


class ClientLoginView(LoginView):
    """Min side: the client's login. Staff accounts are refused here (and clients on the staff login)."""

    template_name = "clients/login.html"
    authentication_form = forms.ClientLoginForm

    def get_success_url(self):
        url = self.get_redirect_url()
        return url or reverse("client_home")


@client_view
def client_home(request, client_id: int):
    page = selectors.person(user=request.user, client_id=client_id, why="min side")
    waiting = [a for a in page.activities if a.client_approved_at is None and a.is_open]
    active = [a for a in page.activities if a.client_approved_at is not None and a.is_open]
    finished = [a for a in page.activities if not a.is_open]
    return render(request, "followup/client_home.html", {
        "p": page, "client": page.client, "waiting": waiting, "active": active, "finished": finished,
        "reply_form": forms.ReplyForm(), "now": clock.now(),
    })


@client_view
@require_POST
def client_activity_approve(request, client_id: int, activity_id: int):
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        act = services.approve_activity(user=request.user, activity=activity_id, expected_version=version)
        messages.success(request, _("Takk! Du har godtatt «%(t)s».") % {"t": act.title})
    except Conflict as exc:
        messages.warning(request, exc.message)
    return redirect(reverse("client_home") + "#plan")


@client_view
@require_http_methods(["GET", "POST"])
def client_activity_new(request, client_id: int):
    form = forms.ClientActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_activity(user=request.user, client=client_id, title=d["title"], type=d["type"],
                                  description=d.get("description") or "", end_date=d.get("end_date"))
            messages.success(request, _("Lagt til i planen din."))
            return redirect(reverse("client_home") + "#plan")
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/client_activity_form.html", {"form": form}, status=422 if form.errors else 200)


@client_view
@require_http_methods(["GET", "POST"])
def client_message_new(request, client_id: int):
    form = forms.ClientMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_thread(user=request.user, client=client_id, **form.cleaned_data)
            messages.success(request, _("Meldingen er sendt. Du får svar innen to virkedager."))
            return redirect(reverse("client_home") + "#dialog")
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/client_message_form.html", {"form": form}, status=422 if form.errors else 200)


@client_view
@require_POST
def client_thread_reply(request, client_id: int, thread_id: int):
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv noe før du sender."))
    else:
        services.send_message(user=request.user, thread=thread_id, body=form.cleaned_data["body"])
        messages.success(request, _("Meldingen er sendt. Du får svar innen to virkedager."))
    return redirect(reverse("client_home") + f"#traad-{thread_id}")


@client_view
@require_http_methods(["GET", "POST"])
def client_mapping(request, client_id: int):
    """The client's own view of their needs, beside the counsellor's (a new version of the mapping)."""
    form = forms.MappingForm(request.POST or None, by_client=True)
    if request.method == "POST" and form.is_valid():
        try:
            client_services.record_mapping(user=request.user, client=client_id, entries=form.entries(),
                                           note=form.cleaned_data.get("note", ""))
            messages.success(request, _("Takk! Veilederen din ser nå hvordan du selv vurderer situasjonen."))
            return redirect(reverse("client_home"))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    if request.method == "GET":
        form = forms.MappingForm(current=client_selectors.mapping_form(user=request.user, client_id=client_id).current,
                                 by_client=True)
    return render(request, "followup/client_mapping_form.html", {"form": form, "scale": reference.severity_scale()},
                  status=422 if form.errors else 200)
