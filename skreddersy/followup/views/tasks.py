"""Tasks (oppgaver) with deadlines."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core.errors import Conflict
from skreddersy.followup import selectors, services
from skreddersy.followup.views._common import person_url, staff_view


@staff_view
@require_POST
def task_done(request, task_id: int):
    try:
        task = services.complete_task(user=request.user, task=task_id)
        messages.success(request, _("Oppgaven er markert som utført."))
    except Conflict as exc:
        messages.warning(request, exc.message)
        task = selectors.get_task(user=request.user, task_id=task_id)
    if request.POST.get("next") == "overview":
        return redirect("overview")
    return redirect(person_url(task.client_id, "oppgaver"))
