"""Meetings with the client: booking from the person page, the meeting's page (held with its
note in one step, no-show, cancelled), the counsellor's week (møteplan) and "møter i dag"."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.followup import forms, meetings
from skreddersy.followup.views._common import FORM_ERRORS, person_url, staff_view


@staff_view
@require_http_methods(["GET", "POST"])
def meeting_new(request, client_id: int):
    form = forms.MeetingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            meetings.book_meeting(
                user=request.user,
                client=client_id,
                starts_at=d["starts_at"],
                minutes=d["minutes"],
                mode=d["mode"],
                place=d.get("place") or "",
                participants=d.get("participants") or "",
                agenda=d["agenda"],
            )
            messages.success(request, _("Møtet er booket. Brukeren får varsel og ser møtet på Min side."))
            return redirect(person_url(client_id, "moter"))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    client = meetings.booking_form(user=request.user, client_id=client_id)
    return render(
        request, "followup/meeting_form.html", {"client": client, "form": form}, status=422 if form.errors else 200
    )


@staff_view
@require_http_methods(["GET", "POST"])
def meeting_detail(request, meeting_id: int):
    """The meeting, and its outcome: held (the meeting note in the same step), no-show or cancelled."""
    form = forms.MeetingHeldForm(request.POST or None, initial={"shared_with_client": True})
    if request.method == "POST":
        action = request.POST.get("action", "held")
        try:
            if action in ("no_show", "cancelled"):
                m = meetings.record_outcome(user=request.user, meeting=meeting_id, status=action)
                messages.success(request, _("Møtet er registrert som «%(s)s».") % {"s": m.get_status_display().lower()})
                return redirect(person_url(m.client_id, "moter"))
            if form.is_valid():
                m = meetings.record_held(
                    user=request.user,
                    meeting=meeting_id,
                    summary=form.cleaned_data["summary"],
                    shared_with_client=form.cleaned_data.get("shared_with_client", False),
                )
                messages.success(request, _("Møtet er registrert som gjennomført, og referatet er lagret."))
                return redirect(person_url(m.client_id, "referater"))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    m = meetings.get_meeting(user=request.user, meeting_id=meeting_id)
    return render(
        request,
        "followup/meeting_detail.html",
        {"m": m, "client": m.client, "form": form},
        status=422 if form.errors else 200,
    )


def _week_of(value: str | None) -> dt.date | None:
    """A week given as 2026-W49 or as a date; None (this week) if neither."""
    if not value:
        return None
    try:
        if "W" in value:
            y, w = value.split("-W")
            return dt.date.fromisocalendar(int(y), int(w), 1)
        return dt.date.fromisoformat(value)
    except ValueError:
        return None


@staff_view
def meeting_week(request):
    w = meetings.week(user=request.user, day=_week_of(request.GET.get("uke")))
    return render(request, "followup/meeting_week.html", {"w": w})


@staff_view
def meetings_today(request):
    """The overview's "møter i dag" panel (an htmx fragment)."""
    return render(
        request,
        "followup/_meetings_today.html",
        {"meetings": meetings.today_for(user=request.user), "week_url": reverse("meeting_week")},
    )


@staff_view
@require_POST
def meeting_cancel(request, meeting_id: int):
    m = meetings.record_outcome(user=request.user, meeting=meeting_id, status="cancelled")
    messages.success(request, _("Møtet er avlyst. Brukeren får varsel."))
    return redirect(person_url(m.client_id, "moter"))
