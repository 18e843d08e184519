"""§ 14 a decisions and work capacity assessments."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.clients import selectors as client_selectors
from skreddersy.core.errors import AccessDenied, Conflict, ServiceError
from skreddersy.followup import forms, selectors, services
from skreddersy.followup.views._common import FORM_ERRORS, mark_language, person_url, staff_view


def _sent_message(decision) -> str:
    if decision.status == "awaiting_approval":
        return _("Vedtaket er sendt til beslutter. Det sendes til brukeren når det er godkjent.")
    return _("Vedtaket er sendt til brukeren.")


def _fields(d: dict) -> dict:
    return {"need_group": d["need_group"], "main_goal": d["main_goal"], "justification": d["justification"],
            "assessment": d["assessment"]}


def _detail(request, page: selectors.DecisionPage, form, *, conflict=None, status=200):
    form.set_reader(page.client)
    form.set_assessments(page.assessments)
    form.set_current_group(page.current.need_group if page.current else None)
    return render(request, "followup/decision_detail.html", {
        "client": page.client, "decision": page.decision, "form": form, "editable": page.editable, "conflict": conflict,
        "can_approve": page.can_approve, "return_form": forms.ReturnDecisionForm(),
    }, status=status)


def _with_version(request, version: int):
    """The counsellor's input again, carrying the draft's current version (saving again is a choice)."""
    data = request.POST.copy()
    data["version"] = str(version)
    form = forms.DecisionForm(data)
    form.is_valid()
    return form


@staff_view
@require_http_methods(["GET", "POST"])
def decision_new(request, client_id: int):
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.draft_decision(user=request.user, client=client_id, **_fields(form.cleaned_data))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
        else:
            mark_language(request, form, client_id=client_id, subject="decision", object_id=decision.pk)
            if "submit" not in request.POST:
                messages.success(request, _("Utkastet er lagret."))
                return redirect("decision_detail", decision.pk)
            try:
                decision = services.submit_decision(user=request.user, decision=decision)
            except FORM_ERRORS as exc:
                # The draft is saved; show it with what must be fixed before it can be sent.
                form = _with_version(request, decision.version)
                forms.apply_service_error(form, exc)
                # a warning, not a green "saved": the page shows what must be fixed
                messages.warning(request, _("Utkastet er lagret, men kan ikke sendes ennå."))
                return _detail(request, selectors.decision_page(user=request.user, decision_id=decision.pk), form, status=422)
            messages.success(request, _sent_message(decision))
            return redirect(person_url(decision.client_id, "vedtak"))
    page = selectors.decision_form(user=request.user, client_id=client_id)
    if page.existing_draft and request.method == "GET":
        messages.info(request, _("Brukeren har allerede et utkast. Du kan fortsette på det."))
        return redirect("decision_detail", page.existing_draft.pk)
    if request.method == "GET" and page.current:
        form = forms.DecisionForm(initial={"need_group": page.current.need_group, "main_goal": page.current.main_goal})
    form.set_reader(page.client)
    form.set_assessments(page.assessments)
    form.set_current_group(page.current.need_group if page.current else None)
    return render(request, "followup/decision_form.html", {
        "client": page.client, "form": form, "current": page.current, "assessments": page.assessments,
    }, status=422 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def decision_detail(request, decision_id: int):
    conflict = None
    form = forms.DecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        saved = False
        try:
            decision = services.update_draft(user=request.user, decision=decision_id, expected_version=d.get("version") or -1,
                                             **_fields(d))
            saved = True
            mark_language(request, form, client_id=decision.client_id, subject="decision", object_id=decision.pk)
            if "submit" in request.POST:
                decision = services.submit_decision(user=request.user, decision=decision, expected_version=decision.version)
                messages.success(request, _sent_message(decision))
                return redirect(person_url(decision.client_id, "vedtak"))
            messages.success(request, _("Utkastet er lagret."))
            return redirect("decision_detail", decision.pk)
        except FORM_ERRORS as exc:
            # The draft may have been saved before sending failed: carry its new version.
            page = selectors.decision_page(user=request.user, decision_id=decision_id)
            form = _with_version(request, page.decision.version)
            if isinstance(exc, Conflict) and exc.field == "version":
                conflict = exc.message
            else:
                forms.apply_service_error(form, exc)
            if saved:
                messages.warning(request, _("Utkastet er lagret, men kan ikke sendes ennå."))
            return _detail(request, page, form, conflict=conflict, status=409 if conflict else 422)
    page = selectors.decision_page(user=request.user, decision_id=decision_id)
    if request.method == "GET":
        dec = page.decision
        form = forms.DecisionForm(initial={"need_group": dec.need_group, "main_goal": dec.main_goal,
                                           "justification": dec.justification, "assessment": dec.assessment_id,
                                           "version": dec.version})
    return _detail(request, page, form, status=422 if form.errors else 200)


@staff_view
@require_POST
def decision_action(request, decision_id: int, action: str):
    if action not in ("send", "approve", "return", "discard"):
        raise Http404()
    try:
        if action == "send":
            decision = services.submit_decision(user=request.user, decision=decision_id)
            messages.success(request, _sent_message(decision))
            return redirect(person_url(decision.client_id, "vedtak"))
        if action == "approve":
            services.approve_decision(user=request.user, decision=decision_id)
            messages.success(request, _("Vedtaket er godkjent og sendt til brukeren."))
            return redirect("approval_queue")
        if action == "return":
            form = forms.ReturnDecisionForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Skriv hvorfor vedtaket returneres."))
                return redirect("decision_detail", decision_id)
            services.return_decision(user=request.user, decision=decision_id, reason=form.cleaned_data["reason"])
            messages.success(request, _("Vedtaket er returnert til veilederen."))
            return redirect("approval_queue")
        decision = services.discard_draft(user=request.user, decision=decision_id)
        messages.success(request, _("Utkastet er forkastet."))
        return redirect(person_url(decision.client_id, "vedtak"))
    except ServiceError as exc:
        # Refused for a reason the decision's page explains (rules, status, who may approve);
        # no access to the client at all rises to the error page.
        if isinstance(exc, AccessDenied) and exc.field != "approver" or exc.status == 404:
            raise
        messages.error(request, exc.message + " " + " ".join(v for v in exc.errors.values() if v != exc.message))
        return redirect("decision_detail", decision_id)


@staff_view
@require_http_methods(["GET", "POST"])
def assessment_new(request, client_id: int):
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_assessment(user=request.user, client=client_id, **form.cleaned_data)
            messages.success(request, _("Arbeidsevnevurderingen er lagret."))
            return redirect(person_url(client_id, "vedtak"))
        except FORM_ERRORS as exc:
            forms.apply_service_error(form, exc)
    client = client_selectors.get_client(user=request.user, client_id=client_id, what="arbeidsevnevurdering: ny", nav=True)
    return render(request, "followup/assessment_form.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)
