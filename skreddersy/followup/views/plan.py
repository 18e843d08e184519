"""The activity plan and the needs mapping (kartlegging), as Nav writes them."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from skreddersy.clients import selectors as client_selectors
from skreddersy.clients import services as client_services
from skreddersy.core import reference
from skreddersy.followup import forms, overview, selectors, services
from skreddersy.followup.views._common import FORM_ERRORS, mark_language, person_url, saved, staff_view


def activity_kwargs(d: dict) -> dict:
    return {k: d.get(k) for k in ("title", "type", "description", "start_date", "end_date", "is_requirement",
                                  "legal_basis", "consequence")} | {"description": d.get("description") or "",
                                                                    "legal_basis": d.get("legal_basis") or "",
                                                                    "consequence": d.get("consequence") or "",
                                                                    "measure_type": d.get("measure_type") or ""}


@staff_view
@require_http_methods(["GET", "POST"])
def mapping_edit(request, client_id: int):
    form = forms.MappingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            m = client_services.record_mapping(user=request.user, client=client_id, entries=form.entries(),
                                               note=form.cleaned_data.get("note", ""))
            saved(request, _("Kartleggingen er lagret som versjon %(v)s.") % {"v": m.version}, "kartlegging")
            return redirect(person_url(client_id, "kartlegging"))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    page = client_selectors.mapping_form(user=request.user, client_id=client_id)
    if request.method == "GET":
        form = forms.MappingForm(current=page.current)
    return render(request, "followup/mapping_form.html", {"client": page.client, "form": form, "current": page.current,
                                                          "scale": reference.severity_scale(),
                                                          "next_version": page.next_version},
                  status=422 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def activity_new(request, client_id: int):
    types = overview.measure_types()
    form = forms.ActivityForm(request.POST or None, measure_types=types,
                              initial={"type": "own", "is_requirement": request.GET.get("krav") == "1"})
    form.fields["status"].initial = "proposed"
    if request.method == "POST" and form.is_valid():
        try:
            act = services.add_activity(user=request.user, client=client_id, status=form.cleaned_data.get("status") or None,
                                        **activity_kwargs(form.cleaned_data))
            mark_language(request, form, client_id=client_id, subject="requirement" if act.is_requirement else "activity",
                          object_id=act.pk)
            saved(request, _("Aktiviteten «%(t)s» er lagt til. Brukeren blir bedt om å godta den.") % {"t": act.title},
                  f"aktivitet-{act.pk}")
            return redirect(person_url(client_id) + f"?aktivitet={act.pk}#aktivitet-{act.pk}")
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    client = client_selectors.get_client(user=request.user, client_id=client_id, what="aktivitet: ny", nav=True)
    form.set_reader(client)
    return render(request, "followup/activity_form.html", {
        "client": client, "form": form, "activity": None, "hints": forms.LEGAL_BASIS_HINTS,
    }, status=422 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def activity_edit(request, activity_id: int):
    types = overview.measure_types()
    form = forms.ActivityForm(request.POST or None, measure_types=types)
    conflict = None
    current = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        changes = activity_kwargs(d)
        if d.get("status"):
            changes["status"] = d["status"]
        try:
            act = services.update_activity(user=request.user, activity=activity_id, expected_version=d.get("version") or -1,
                                           **changes)
            mark_language(request, form, client_id=act.client_id,
                          subject="requirement" if act.is_requirement else "activity", object_id=act.pk)
            saved(request, _("Endringene er lagret."), f"aktivitet-{act.pk}")
            return redirect(person_url(act.client_id) + f"?aktivitet={act.pk}#aktivitet-{act.pk}")
        except FORM_ERRORS as exc:
            if exc.field == "version":
                # Keep everything the counsellor typed; show what the other person saved beside it, and
                # take the new version so that saving again is a deliberate choice.
                conflict = exc.message
            else:
                forms.apply_service_error(form, exc)
    act = selectors.get_activity(user=request.user, activity_id=activity_id, nav=True)
    if conflict:
        current = act
        data = request.POST.copy()
        data["version"] = str(act.version)
        form = forms.ActivityForm(data, measure_types=types)
        form.is_valid()
    elif request.method == "GET":
        form = forms.ActivityForm(measure_types=types, initial={f: getattr(act, f) for f in (
            "title", "type", "status", "description", "start_date", "end_date", "is_requirement", "legal_basis",
            "consequence", "version")} | {"measure_type": act.measure_type.code if act.measure_type else ""})
    form.set_reader(act.client)
    return render(request, "followup/activity_form.html", {
        "client": act.client, "form": form, "activity": act, "conflict": conflict, "current": current,
        "hints": forms.LEGAL_BASIS_HINTS,
    }, status=409 if conflict else 422 if form.errors else 200)
