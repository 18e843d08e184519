"""The client's follow-up periods: history per period (the current first), start and end a period,
switch between digital and manual follow-up, start and end a KVP period. One page; each form
posts its ``handling`` to it and calls one service (followup.periods)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from skreddersy.followup import forms, periods
from skreddersy.followup.views._common import FORM_ERRORS, staff_view

ACTIONS = ("start", "end", "mode", "kvp_start", "kvp_end")


@staff_view
@require_http_methods(["GET", "POST"])
def person_periods(request, client_id: int):
    action = request.POST.get("handling") if request.method == "POST" else None
    data = request.POST if action else None
    page = None
    end_form = forms.EndPeriodForm(data if action == "end" else None)
    mode_form = forms.ModeForm(data if action == "mode" else None)
    kvp_end_form = forms.KvpEndForm(data if action == "kvp_end" else None)
    kvp_candidates = ()
    if action == "kvp_start":
        page = periods.periods_page(user=request.user, client_id=client_id)
        kvp_candidates = page.kvp_candidates
    kvp_start_form = forms.KvpStartForm(data if action == "kvp_start" else None, candidates=kvp_candidates)
    error = None
    if action is not None:
        form = {"end": end_form, "mode": mode_form, "kvp_start": kvp_start_form, "kvp_end": kvp_end_form}.get(action)
        try:
            if action == "start":
                periods.start_period(user=request.user, client=client_id)
                done = _("Ny oppfølgingsperiode er startet.")
            elif form is None:
                error = _("Ukjent handling.")
                done = None
            elif not form.is_valid():
                done = None
            elif action == "end":
                periods.end_period(
                    user=request.user,
                    client=client_id,
                    reason=form.cleaned_data["reason"],
                    period=form.cleaned_data.get("period"),
                )
                done = _("Oppfølgingsperioden er avsluttet.")
            elif action == "mode":
                manual = form.cleaned_data["manual"]
                periods.switch_mode(
                    user=request.user, client=client_id, manual=manual, reason=form.cleaned_data["mode_reason"]
                )
                done = _("Brukeren har nå manuell oppfølging.") if manual else _("Brukeren har nå digital oppfølging.")
            elif action == "kvp_start":
                periods.start_kvp(
                    user=request.user,
                    client=client_id,
                    followers=form.cleaned_data["followers"],
                    reason=form.cleaned_data["kvp_reason"],
                )
                done = _(
                    "KVP-perioden er startet. Planen, referatene og dialogen ses nå bare av dem som følger opp KVP."
                )
            else:
                kvp = (page or periods.periods_page(user=request.user, client_id=client_id)).open_kvp
                if kvp is None:
                    error, done = _("Brukeren har ingen pågående KVP-periode å avslutte."), None
                else:
                    periods.end_kvp(user=request.user, kvp=kvp, reason=form.cleaned_data["end_reason"])
                    done = _("KVP-perioden er avsluttet.")
            if done:
                messages.success(request, done)
                return redirect(reverse("person_periods", args=[client_id]))
        except FORM_ERRORS as exc:
            if form is not None:
                _map_fields(form, exc)
                forms.apply_service_error(form, exc)
            else:
                error = exc.message + " " + " ".join(exc.errors.values())
    page = periods.periods_page(user=request.user, client_id=client_id)
    if action != "kvp_start":
        kvp_start_form = forms.KvpStartForm(candidates=page.kvp_candidates)
    failed = error or any(f.errors for f in (end_form, mode_form, kvp_start_form, kvp_end_form))
    return render(
        request,
        "followup/periods.html",
        {
            "page": page,
            "client": page.client,
            "end_form": end_form,
            "mode_form": mode_form,
            "kvp_start_form": kvp_start_form,
            "kvp_end_form": kvp_end_form,
            "error": error,
            "action": action,
        },
        status=422 if failed else 200,
    )


# the service's field names, as the forms call them
_FIELD_NAMES = {
    "mode": {"reason": "mode_reason"},
    "kvp_start": {"reason": "kvp_reason"},
    "kvp_end": {"reason": "end_reason"},
}


def _map_fields(form, exc) -> None:
    """Name the service's fields as the form does (``reason`` is each form's own reason field);
    ``apply_service_error`` then puts the rest (``period``, ``kvp``) on the form as a whole."""
    names = {"ModeForm": "mode", "KvpStartForm": "kvp_start", "KvpEndForm": "kvp_end"}.get(type(form).__name__, "")
    mapping = _FIELD_NAMES.get(names, {})
    exc.errors = {mapping.get(f, f): reason for f, reason in exc.errors.items()}
