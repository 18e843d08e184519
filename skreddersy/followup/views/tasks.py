"""Tasks (oppgaver) with deadlines, the task inbox (Mine oppgaver) and the counsellor's own
reminder on a client (huskelapp)."""

from __future__ import annotations

from django.contrib import messages
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html_join
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core.errors import Conflict, InvalidInput
from skreddersy.followup import forms, selectors, services
from skreddersy.followup.views._common import FORM_ERRORS, person_url, saved, staff_view

# Tasks marked done in this session: the inbox offers to undo these (and only these).
UNDO_KEY = "tasks_done"
# The inbox page shows the most urgent tasks first and the rest on request (a long caseload's
# hundreds of rows cost more to render than everything else on the page).
INBOX_FIRST_SCREEN = 100


def _remember_done(request, task_id: int) -> None:
    done = [i for i in request.session.get(UNDO_KEY, []) if i != task_id][-19:]
    request.session[UNDO_KEY] = [*done, task_id]


@staff_view
@require_POST
def task_done(request, task_id: int):
    try:
        task = services.complete_task(user=request.user, task=task_id)
        _remember_done(request, task.pk)
        if request.POST.get("next") in ("overview", "inbox"):
            messages.success(request, _("Oppgaven er markert som utført."))
        else:
            saved(request, _("Oppgaven «%(t)s» er markert som utført.") % {"t": task.title}, "oppgaver")
    except Conflict as exc:
        messages.warning(request, exc.message)
        task = selectors.get_task(user=request.user, task_id=task_id)
    if request.POST.get("next") == "overview":
        return redirect("overview")
    if request.POST.get("next") == "inbox":
        return redirect("task_inbox")
    return redirect(person_url(task.client_id, "oppgaver"))


@staff_view
@require_POST
def task_undo(request, task_id: int):
    """Open again a task marked done earlier in this session."""
    if task_id not in request.session.get(UNDO_KEY, []):
        messages.error(request, _("Bare oppgaver du har markert som utført i denne økten kan angres her."))
        return redirect("task_inbox")
    try:
        services.reopen_task(user=request.user, task=task_id)
        request.session[UNDO_KEY] = [i for i in request.session.get(UNDO_KEY, []) if i != task_id]
        messages.success(request, _("Oppgaven er åpen igjen."))
    except Conflict as exc:
        messages.warning(request, exc.message)
    return redirect("task_inbox")


@staff_view
def task_inbox(request):
    scope = "office" if request.GET.get("scope") == "office" else "mine"
    office = request.GET.get("office", "")
    inbox = selectors.task_inbox(user=request.user, scope=scope, office_id=int(office) if office.isdigit() else None,
                                 with_forms=True)
    # rendered once, not per row: a caseload can have hundreds of open tasks
    colleague_options = format_html_join("", '<option value="{}">{}</option>', ((s.pk, s.display_name) for s in inbox.colleagues or []))
    show_all = "alle" in request.GET or scope == "office"
    return render(request, "followup/task_inbox.html", {
        "inbox": inbox, "shown": inbox.items if show_all else inbox.items[:INBOX_FIRST_SCREEN],
        "more": 0 if show_all else max(0, len(inbox.items) - INBOX_FIRST_SCREEN), "undo_ids": request.session.get(UNDO_KEY, []), "colleague_options": colleague_options,
        "csrf": get_token(request), "person_prefix": reverse("person", args=[0])[:-2],
        "task_prefix": reverse("task_done", args=[0]).removesuffix("0/utfort/"),
    })


@staff_view
def task_new(request):
    """A task made by hand, for a client in the caseload."""
    clients = selectors.caseload_choices(user=request.user)
    initial = {"client": request.GET["client"]} if request.GET.get("client", "").isdigit() else None
    form = forms.TaskNewForm(request.POST or None, clients=clients, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.create_task(user=request.user, client=d["client"], title=d["title"], deadline=d["deadline"], kind=d["kind"])
            messages.success(request, _("Oppgaven er opprettet."))
            return redirect("task_inbox")
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/task_form.html", {"form": form})


@staff_view
@require_POST
def task_reassign(request, task_id: int):
    form = forms.ReassignForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg en kollega å overføre oppgaven til."))
        return redirect("task_inbox")
    try:
        services.reassign_task(user=request.user, task=task_id, to=form.cleaned_data["to"], note=form.cleaned_data["note"])
        messages.success(request, _("Oppgaven er overført."))
    except (InvalidInput, Conflict) as exc:
        messages.error(request, exc.message)
    return redirect("task_inbox")


@staff_view
def reminder_edit(request, client_id: int):
    """The counsellor's own huskelapp on a client: write, change or remove it."""
    if request.method == "POST" and "remove" in request.POST:
        services.clear_reminder(user=request.user, client=client_id)
        messages.success(request, _("Huskelappen er fjernet."))
        return redirect(reverse("overview") + "?tilbake=1")
    form = forms.ReminderForm(request.POST or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                services.set_reminder(user=request.user, client=client_id, note=form.cleaned_data["note"],
                                      deadline=form.cleaned_data["deadline"])
                messages.success(request, _("Huskelappen er lagret."))
                return redirect(reverse("overview") + "?tilbake=1")
            except FORM_ERRORS as exc:
                forms.apply_service_error(form, exc)
        current = None
    else:
        current = selectors.reminder(user=request.user, client_id=client_id)
        if current:
            form = forms.ReminderForm(initial={"note": current.note, "deadline": current.deadline})
    return render(request, "followup/reminder_form.html", {"form": form, "client_id": client_id, "current": current})
