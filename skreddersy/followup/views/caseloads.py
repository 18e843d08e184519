"""Caseloads handed out: the queue of new and unassigned clients with bulk assignment, the
counsellor overview (veilederoversikt) with covers during absence, the office's rules for handing
out new clients, registering a new client, and editing the client record (with moving the
follow-up to another office). Thin: each view calls one selector or one service."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.clients import assignment
from skreddersy.clients import services as client_services
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.core.forms import apply_service_error
from skreddersy.followup import caseloads, forms
from skreddersy.followup.views._common import FORM_ERRORS, person_url, staff_view


def _office_param(request, key: str = "office") -> int | None:
    value = request.GET.get(key) or request.POST.get(key) or ""
    return int(value) if value.isdigit() else None


def _ids(request) -> list[int]:
    return [int(v) for v in request.POST.getlist("clients") if v.isdigit()]


def _queue_url(office_id: int | None) -> str:
    return reverse("handout_queue") + (f"?office={office_id}" if office_id else "")


@staff_view
def handout_queue(request):
    """Fordeling: new and unassigned clients, ticked and handed to a counsellor all at once."""
    queue = caseloads.handout_queue(
        user=request.user, office_id=_office_param(request), only_unassigned=request.GET.get("vis") == "uten-veileder"
    )
    return render(
        request,
        "followup/handout_queue.html",
        {"queue": queue, "only_unassigned": request.GET.get("vis") == "uten-veileder"},
    )


@staff_view
@require_POST
def assign_bulk(request):
    """Give the ticked clients to one counsellor, all or nothing (from the queue or the office overview)."""
    office_id = _office_param(request)
    back = reverse("overview") + "?tilbake=1" if request.POST.get("next") == "overview" else _queue_url(office_id)
    counsellor = request.POST.get("counsellor", "")
    try:
        n = assignment.assign_clients(
            user=request.user,
            client_ids=_ids(request),
            counsellor=int(counsellor) if counsellor.isdigit() else None,
            reason=request.POST.get("reason", ""),
        )
        messages.success(
            request,
            _("%(n)s brukere er tildelt veileder.") % {"n": n} if n != 1 else _("Én bruker er tildelt veileder."),
        )
    except (InvalidInput, AccessDenied) as exc:
        messages.error(request, _("Ingen brukere er flyttet.") + " " + exc.message)
    return redirect(back)


@staff_view
@require_POST
def pending_resolve(request, pending_id: int):
    try:
        client_services.resolve_pending_registration(user=request.user, pending=pending_id)
        messages.success(request, _("Registreringen er markert som avklart."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect(_queue_url(_office_param(request)))


@staff_view
def counsellor_overview(request):
    """Veilederoversikt: each counsellor's caseload, open tasks, overdue tasks and replies awaited,
    and the covers during absence (the form to add one is its own page)."""
    ov = caseloads.counsellor_overview(user=request.user, office_id=_office_param(request))
    return render(request, "followup/counsellor_overview.html", {"ov": ov})


@staff_view
def cover_new(request):
    office_id = _office_param(request)
    ov = caseloads.counsellor_overview(user=request.user, office_id=office_id)
    form = forms.CoverForm(request.POST or None, staff=ov.staff)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            assignment.set_cover(
                user=request.user,
                covered=d["covered"],
                covering=d["covering"],
                start=d["start"],
                end=d["end"],
                reason=d["reason"],
            )
            messages.success(request, _("Dekningen er lagret."))
            return redirect(reverse("counsellor_overview") + f"?office={ov.office.pk}#dekning")
        except FORM_ERRORS as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "followup/cover_form.html",
        {"ov": ov, "form": form},
        status=422 if request.method == "POST" and form.errors else 200,
    )


@staff_view
@require_POST
def cover_end(request, cover_id: int):
    try:
        assignment.end_cover(user=request.user, cover=cover_id)
        messages.success(request, _("Dekningen er avsluttet."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    office_id = _office_param(request)
    return redirect(reverse("counsellor_overview") + (f"?office={office_id}" if office_id else "") + "#dekning")


@staff_view
def rules_page(request):
    """The office's rules for handing out new clients, and a form for a new one."""
    queue = caseloads.handout_queue(user=request.user, office_id=_office_param(request), only_unassigned=True)
    form = forms.RuleForm(request.POST or None, staff=queue.counsellors)
    if request.method == "POST" and form.is_valid():
        try:
            assignment.save_rule(user=request.user, office=queue.office.pk, **form.cleaned_data)
            messages.success(request, _("Regelen er lagret."))
            return redirect(reverse("handout_rules") + f"?office={queue.office.pk}")
        except FORM_ERRORS as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "followup/handout_rules.html",
        {"queue": queue, "form": form},
        status=422 if request.method == "POST" else 200,
    )


@staff_view
@require_POST
def rule_delete(request, rule_id: int):
    try:
        assignment.delete_rule(user=request.user, rule=rule_id)
        messages.success(request, _("Regelen er slettet."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    office_id = _office_param(request)
    return redirect(reverse("handout_rules") + (f"?office={office_id}" if office_id else ""))


@staff_view
def register_client(request):
    """Register a new client. The answer for a number that cannot be registered here is the
    same receipt as for a new person (see ``clients.services.request_registration``)."""
    offices = caseloads.register_offices(user=request.user)
    form = forms.RegisterClientForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        d = dict(form.cleaned_data)
        try:
            outcome = client_services.request_registration(user=request.user, fnr_value=d.pop("fnr"), **d)
        except FORM_ERRORS as exc:
            apply_service_error(form, exc)
        else:
            if outcome.status == "existing":
                messages.info(request, _("Brukeren er allerede registrert, og du har tilgang. Her er brukeren."))
                return redirect(person_url(outcome.client_id))
            messages.success(request, _(outcome.message))
            return redirect("register_client")
    return render(
        request, "followup/register_client.html", {"form": form}, status=422 if request.method == "POST" else 200
    )


@staff_view
def client_edit(request, client_id: int):
    """Edit the client record (not identity, address protection or skjermet); leaders at the
    client's office also move the follow-up to another office here."""
    edit = caseloads.client_edit(user=request.user, client_id=client_id)
    c = edit.client
    initial = {k: getattr(c, k) for k in client_services.EDITABLE_FIELDS}
    form = forms.ClientEditForm(request.POST or None, initial=initial)
    transfer = forms.TransferForm(offices=edit.offices) if edit.can_transfer else None
    if request.method == "POST" and form.is_valid():
        try:
            client_services.update_client(user=request.user, client=c, **form.cleaned_data)
            messages.success(request, _("Opplysningene er lagret."))
            return redirect(person_url(c.pk))
        except FORM_ERRORS as exc:
            apply_service_error(form, exc)
    return render(
        request,
        "followup/client_edit.html",
        {"client": c, "form": form, "transfer": transfer},
        status=422 if request.method == "POST" else 200,
    )


@staff_view
@require_POST
def client_transfer(request, client_id: int):
    """Move the client's follow-up to another office (leaders at the current office)."""
    edit = caseloads.client_edit(user=request.user, client_id=client_id)
    transfer = forms.TransferForm(request.POST, offices=edit.offices)
    if transfer.is_valid():
        try:
            assignment.transfer_clients(
                user=request.user,
                client_ids=[client_id],
                office=transfer.cleaned_data["office"],
                reason=transfer.cleaned_data["reason"],
            )
            messages.success(request, _("Oppfølgingen er flyttet. Brukeren står nå i køen hos det nye kontoret."))
            return redirect("handout_queue")
        except FORM_ERRORS as exc:
            apply_service_error(transfer, exc)
        except AccessDenied as exc:
            transfer.add_error(None, exc.message)
    c = edit.client
    form = forms.ClientEditForm(initial={k: getattr(c, k) for k in client_services.EDITABLE_FIELDS})
    return render(request, "followup/client_edit.html", {"client": c, "form": form, "transfer": transfer}, status=422)
