"""Dialogue with the client, contact notes (samtalereferat) and message routing, as Nav writes them.

A reply, a routing and "no reply needed" come from the thread's card on the person page: with htmx
the answer is that card again, with the confirmation in it and focus on the confirmation (its
``autofocus``), so nothing else on the page moves; without htmx the browser goes back to the page,
at the thread, where the same confirmation stands."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.clients import selectors as client_selectors
from skreddersy.followup import forms, selectors, services
from skreddersy.followup.views._common import FORM_ERRORS, is_htmx, mark_language, person_url, saved, staff_view
from skreddersy.policy import access


@staff_view
@require_http_methods(["GET", "POST"])
def contact_new(request, client_id: int):
    form = forms.ContactForm(
        request.POST or None,
        initial={"channel": request.GET.get("kanal") or "phone", "shared_with_client": True},
        note_categories=access.writable_note_categories(request.user),
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            note = services.log_contact(
                user=request.user,
                client=client_id,
                channel=d["channel"],
                summary=d["summary"],
                held_at=d.get("held_at"),
                shared_with_client=d.get("shared_with_client", False),
                minutes=d.get("minutes"),
                documentation_minutes=d.get("documentation_minutes"),
                category=d.get("category") or None,
            )
            saved(request, _("Samtalereferatet er lagret."), f"referat-{note.pk}")
            return redirect(person_url(client_id) + f"?referat={note.pk}#referat-{note.pk}")
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    client = client_selectors.get_client(user=request.user, client_id=client_id, what="samtalereferat: nytt", nav=True)
    return render(
        request, "followup/contact_form.html", {"client": client, "form": form}, status=422 if form.errors else 200
    )


@staff_view
@require_http_methods(["GET", "POST"])
def thread_new(request, client_id: int):
    form = forms.NewThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            t = services.start_thread(user=request.user, client=client_id, subject=form.cleaned_data["subject"],
                                      body=form.cleaned_data["body"])
            mark_language(request, form, client_id=client_id, subject="message", object_id=t.pk)
            saved(request, _("Meldingen er sendt."), f"traad-{t.pk}")
            return redirect(person_url(client_id) + f"?traad={t.pk}#traad-{t.pk}")
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    client = client_selectors.get_client(user=request.user, client_id=client_id, what="dialog: ny", nav=True)
    form.set_reader(client)
    return render(
        request, "followup/thread_form.html", {"client": client, "form": form}, status=422 if form.errors else 200
    )


def _thread_done(request, thread_id: int, client_id: int, text: str, *, error: str = "", body: str = ""):
    """After an action on a thread: its card (htmx) with the confirmation or the error in it, or
    back to the page at the thread."""
    if is_htmx(request):
        t = selectors.thread_card(user=request.user, thread_id=thread_id)
        ctx = {
            "t": t,
            "route_choices": selectors.MESSAGE_ROUTES,
            "client_id": client_id,
            "is_nav": True,
            "saved": None
            if error
            else {"anchor": f"traad-{thread_id}", "kind": "traad", "id": thread_id, "text": text},
            "reply_error": error,
            "reply_body": body,
        }
        html = render_to_string("followup/_thread.html", ctx, request=request)
        if not error:  # a reply closes the answer task: the task list beside it says so too (out of band)
            due, later = selectors.split_tasks(selectors.tasks(user=request.user, client_id=client_id, nav=True))
            html += render_to_string(
                "followup/_person_tasks.html", {"due_tasks": due, "later_tasks": later, "oob": True}, request=request
            )
        return HttpResponse(html)
    if error:
        from django.contrib import messages

        messages.error(request, error)
    else:
        saved(request, text, f"traad-{thread_id}")
    return redirect(person_url(client_id) + f"?traad={thread_id}#traad-{thread_id}")


@staff_view
@require_POST
def thread_reply(request, thread_id: int):
    form = forms.ReplyForm(request.POST)
    if form.is_valid():
        try:
            msg = services.send_message(user=request.user, thread=thread_id, body=form.cleaned_data["body"])
            return _thread_done(request, thread_id, msg.thread.client_id, _("Svaret er sendt."))
        except FORM_ERRORS as exc:
            error = exc.message
    else:
        error = _("Skriv et svar før du sender.")
    thread = selectors.get_thread(user=request.user, thread_id=thread_id)
    return _thread_done(request, thread_id, thread.client_id, "", error=error, body=request.POST.get("body", ""))


@staff_view
@require_POST
def thread_no_reply(request, thread_id: int):
    thread = services.mark_no_reply_needed(user=request.user, thread=thread_id)
    return _thread_done(request, thread_id, thread.client_id, _("Markert som ikke behov for svar."))


@staff_view
@require_POST
def message_route(request, message_id: int):
    form = forms.RouteForm(request.POST)
    if form.is_valid():
        msg = services.set_message_route(user=request.user, message=message_id, route=form.cleaned_data["route"])
        return _thread_done(
            request, msg.thread_id, msg.thread.client_id, _("Ruting lagret: %(r)s.") % {"r": msg.get_route_display()}
        )
    msg = selectors.get_message(user=request.user, message_id=message_id)
    return _thread_done(request, msg.thread_id, msg.thread.client_id, "", error=_("Velg en gyldig ruting."))
