"""Pages for counsellors (the workbench) and for clients (Min side). Thin: parse a form, call a
selector or a service, render. Every ServiceError becomes a form error, a message or a 4xx page."""

from __future__ import annotations

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from skreddersy.accounts.views import LoginView
from skreddersy.clients import services as client_services
from skreddersy.clients.models import Client
from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, Conflict, NotFound, ServiceError
from skreddersy.followup import export, forms, overview, selectors, services
from skreddersy.followup.models import Activity, JournalEntry, Message, NeedsDecision, WorkCapacityAssessment
from skreddersy.policy import access

# --- helpers ------------------------------------------------------------------------------------


def _error_page(request, exc: ServiceError):
    status = 404 if isinstance(exc, NotFound) else 403 if isinstance(exc, AccessDenied) else exc.status
    return render(request, "error.html", {"reason": exc.message, "status": status}, status=status)


def staff_view(view):
    """Logged-in Nav staff with a follow-up role; ServiceErrors become 4xx pages."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        if not access.actor(request.user).does_followup:
            return render(request, "error.html",
                          {"reason": _("Denne siden er for Nav-ansatte som følger opp brukere."), "status": 403}, status=403)
        try:
            return view(request, *args, **kwargs)
        except ServiceError as exc:
            return _error_page(request, exc)

    return wrapper


def client_view(view):
    """Logged-in client users only (Min side)."""

    @functools.wraps(view)
    @login_required(login_url="client_login")
    def wrapper(request, *args, **kwargs):
        a = access.actor(request.user)
        if not a.is_client:
            return render(request, "error.html",
                          {"reason": _("Min side er for brukere. Nav-ansatte bruker oversikten."), "status": 403}, status=403)
        try:
            return view(request, a.client_id, *args, **kwargs)
        except ServiceError as exc:
            return _error_page(request, exc)

    return wrapper


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _person_url(client_id: int, anchor: str = "") -> str:
    return reverse("person", args=[client_id]) + (f"#{anchor}" if anchor else "")


def _client_obj(request, client_id: int, what: str) -> Client:
    from skreddersy.clients.selectors import get_client

    return get_client(user=request.user, client_id=client_id, what=what)


# --- login ----------------------------------------------------------------------------------------


class ClientLoginView(LoginView):
    """Min side: the client's login. Staff accounts are refused here (and clients on the staff login)."""

    template_name = "clients/login.html"
    authentication_form = forms.ClientLoginForm

    def get_success_url(self):
        url = self.get_redirect_url()
        return url or reverse("client_home")


# --- overview --------------------------------------------------------------------------------------


def _overview_query(request) -> tuple[forms.OverviewFilterForm, overview.OverviewQuery]:
    form = forms.OverviewFilterForm(request.GET or None)
    form.is_valid()  # a bad value drops only that filter; the valid ones still apply
    data = getattr(form, "cleaned_data", {})
    q = overview.OverviewQuery(
        scope=data.get("scope") or "mine",
        office_id=data.get("office"),
        counsellor_id=data.get("counsellor"),
        need_group=data.get("need_group") or "",
        priority=data.get("priority") or "",
        awaiting=bool(data.get("awaiting")),
        deadline_7=bool(data.get("deadline_7")),
        no_contact_90=bool(data.get("no_contact_90")),
        manual=bool(data.get("manual")),
        q=data.get("q") or "",
        sort=data.get("sort") or "name",
        page=data.get("page") or 1,
        per_page=100 if (data.get("scope") == "office") else 50,
    )
    return form, q


@staff_view
def overview_page(request):
    form, q = _overview_query(request)
    if q.scope == "office" and not access.actor(request.user).is_leader:
        q.scope = "mine"
    ov = overview.caseload_overview(user=request.user, query=q)
    params = request.GET.copy()
    params.pop("page", None)
    current = {"need_group": q.need_group, "priority": q.priority, "sort": q.sort}
    options = {name: [(v, str(label), v == current[name]) for v, label in form.fields[name].choices]
               for name in ("need_group", "priority", "sort")}
    ctx = {
        "form": form, "ov": ov, "q": q, "base_query": params.urlencode(), "options": options,
        "person_prefix": reverse("person", args=[0])[:-2],
        "flag_labels": overview.FLAG_LABELS, "is_leader": access.actor(request.user).is_leader,
        "is_approver": "second_approver" in access.actor(request.user).roles,
    }
    if _is_htmx(request):
        return render(request, "followup/_overview_table.html", ctx)
    return render(request, "followup/overview.html", ctx)


# --- person page ----------------------------------------------------------------------------------


JOURNAL_KINDS = JournalEntry.Kind.choices


@staff_view
def person_page(request, client_id: int):
    kinds = [k for k in request.GET.getlist("type") if k in JournalEntry.Kind.values]
    page = overview.person_page(user=request.user, client_id=client_id, journal_kinds=kinds or None)
    return render(request, "followup/person.html", {
        "p": page, "client": page.client, "kinds": JOURNAL_KINDS, "selected_kinds": kinds,
        "reply_form": forms.ReplyForm(), "route_choices": Message.Route.choices,
        "flag_labels": overview.FLAG_LABELS,
        "can_approve_draft": bool(page.draft and access.can_approve_decision(request.user, page.draft)),
        "now": clock.now(),
    })


@staff_view
def person_journal(request, client_id: int):
    """The journal, filtered by kind (htmx partial; the whole page without htmx)."""
    kinds = [k for k in request.GET.getlist("type") if k in JournalEntry.Kind.values]
    if not _is_htmx(request):
        return redirect(_person_url(client_id) + ("?" + urlencode({"type": kinds}, doseq=True) if kinds else "") + "#journal")
    client = _client_obj(request, client_id, "journal")
    entries = overview.journal_entries(user=request.user, client_id=client.pk, kinds=kinds or None)
    return render(request, "followup/_journal.html", {"entries": entries, "client": client, "kinds": JOURNAL_KINDS,
                                                       "selected_kinds": kinds})


# --- § 14 a decisions -------------------------------------------------------------------------------


def _assessments(client_id: int):
    return list(WorkCapacityAssessment.objects.filter(client_id=client_id).order_by("-assessed_at")[:20])


def _assessment_obj(client_id: int, pk):
    if not pk:
        return None
    return WorkCapacityAssessment.objects.filter(client_id=client_id, pk=pk).first()


@staff_view
@require_http_methods(["GET", "POST"])
def decision_new(request, client_id: int):
    client = _client_obj(request, client_id, "14a-vedtak: nytt")
    access.require_nav(request.user, client, what="14a-vedtak: nytt")
    existing = NeedsDecision.objects.filter(client=client, status__in=["draft", "awaiting_approval"]).first()
    if existing and request.method == "GET":
        messages.info(request, _("Brukeren har allerede et utkast. Du kan fortsette på det."))
        return redirect("decision_detail", existing.pk)
    assessments = _assessments(client.pk)
    current = services.current_decision(client.pk)
    initial = {"need_group": current.need_group, "main_goal": current.main_goal} if current else {}
    form = forms.DecisionForm(request.POST or None, assessments=assessments, initial=initial)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            decision = services.draft_decision(
                user=request.user, client=client, need_group=d["need_group"], main_goal=d["main_goal"],
                justification=d["justification"], assessment=_assessment_obj(client.pk, d["assessment"]),
            )
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
            decision = None
        if decision is not None and "submit" in request.POST:
            try:
                decision = services.submit_decision(user=request.user, decision=decision)
                messages.success(request, _sent_message(decision))
                return redirect(_person_url(client.pk, "vedtak"))
            except ServiceError as exc:
                # The draft is saved; show it with what must be fixed before it can be sent.
                data = request.POST.copy()
                data["version"] = str(decision.version)
                form = forms.DecisionForm(data, assessments=assessments)
                form.is_valid()
                forms.apply_service_error(form, exc)
                messages.info(request, _("Utkastet er lagret, men kan ikke sendes ennå."))
                return render(request, "followup/decision_detail.html", {
                    "client": client, "decision": decision, "form": form, "editable": True, "conflict": None,
                    "can_approve": False, "return_form": forms.ReturnDecisionForm(),
                }, status=422)
        elif decision is not None:
            messages.success(request, _("Utkastet er lagret."))
            return redirect("decision_detail", decision.pk)
    return render(request, "followup/decision_form.html", {
        "client": client, "form": form, "current": current, "assessments": assessments,
    }, status=422 if form.errors else 200)


def _sent_message(decision: NeedsDecision) -> str:
    if decision.status == NeedsDecision.Status.AWAITING_APPROVAL:
        return _("Vedtaket er sendt til beslutter. Det sendes til brukeren når det er godkjent.")
    return _("Vedtaket er sendt til brukeren.")


@staff_view
@require_http_methods(["GET", "POST"])
def decision_detail(request, decision_id: int):
    decision = selectors.get_decision(user=request.user, decision_id=decision_id)
    client = decision.client
    access.require_nav(request.user, client, what="14a-vedtak")
    assessments = _assessments(client.pk)
    editable = decision.status == NeedsDecision.Status.DRAFT
    initial = {"need_group": decision.need_group, "main_goal": decision.main_goal, "justification": decision.justification,
               "assessment": decision.assessment_id, "version": decision.version}
    form = forms.DecisionForm(request.POST or None, assessments=assessments, initial=initial)
    conflict = None
    if request.method == "POST" and editable and form.is_valid():
        d = form.cleaned_data
        try:
            decision = services.update_draft(
                user=request.user, decision=decision, expected_version=d.get("version") or decision.version,
                need_group=d["need_group"], main_goal=d["main_goal"], justification=d["justification"],
                assessment=_assessment_obj(client.pk, d["assessment"]),
            )
            if "submit" in request.POST:
                decision = services.submit_decision(user=request.user, decision=decision, expected_version=decision.version)
                messages.success(request, _sent_message(decision))
                return redirect(_person_url(client.pk, "vedtak"))
            messages.success(request, _("Utkastet er lagret."))
            return redirect("decision_detail", decision.pk)
        except Conflict as exc:
            conflict = exc.message
            decision.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(decision.version)
            form = forms.DecisionForm(data, assessments=assessments)
            form.is_valid()
        except ServiceError as exc:
            # The draft may have been saved before sending failed: carry its new version.
            decision.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(decision.version)
            form = forms.DecisionForm(data, assessments=assessments)
            form.is_valid()
            forms.apply_service_error(form, exc)
    return render(request, "followup/decision_detail.html", {
        "client": client, "decision": decision, "form": form, "editable": editable, "conflict": conflict,
        "can_approve": access.can_approve_decision(request.user, decision)
        and decision.status == NeedsDecision.Status.AWAITING_APPROVAL,
        "return_form": forms.ReturnDecisionForm(),
    }, status=422 if form.errors or conflict else 200)


@staff_view
@require_POST
def decision_action(request, decision_id: int, action: str):
    decision = selectors.get_decision(user=request.user, decision_id=decision_id)
    try:
        if action == "send":
            decision = services.submit_decision(user=request.user, decision=decision)
            messages.success(request, _sent_message(decision))
        elif action == "approve":
            services.approve_decision(user=request.user, decision=decision)
            messages.success(request, _("Vedtaket er godkjent og sendt til brukeren."))
            return redirect("approval_queue")
        elif action == "return":
            form = forms.ReturnDecisionForm(request.POST)
            if not form.is_valid():
                messages.error(request, _("Skriv hvorfor vedtaket returneres."))
                return redirect("decision_detail", decision.pk)
            services.return_decision(user=request.user, decision=decision, reason=form.cleaned_data["reason"])
            messages.success(request, _("Vedtaket er returnert til veilederen."))
            return redirect("approval_queue")
        elif action == "discard":
            services.discard_draft(user=request.user, decision=decision)
            messages.success(request, _("Utkastet er forkastet."))
            return redirect(_person_url(decision.client_id, "vedtak"))
        else:
            raise Http404()
    except ServiceError as exc:
        if isinstance(exc, AccessDenied) and exc.field != "approver":
            raise
        messages.error(request, exc.message + " " + " ".join(v for v in exc.errors.values() if v != exc.message))
        return redirect("decision_detail", decision.pk)
    return redirect(_person_url(decision.client_id, "vedtak"))


@staff_view
def approval_queue(request):
    items = overview.approval_queue(user=request.user)
    me = access.actor(request.user).staff
    return render(request, "followup/approval_queue.html", {"items": items, "me": me})


@staff_view
@require_http_methods(["GET", "POST"])
def assessment_new(request, client_id: int):
    client = _client_obj(request, client_id, "arbeidsevnevurdering: ny")
    access.require_nav(request.user, client, what="arbeidsevnevurdering: ny")
    form = forms.AssessmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.create_assessment(user=request.user, client=client, **form.cleaned_data)
            messages.success(request, _("Arbeidsevnevurderingen er lagret."))
            return redirect(_person_url(client.pk, "vedtak"))
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/assessment_form.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)


# --- needs mapping ------------------------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def mapping_edit(request, client_id: int):
    client = _client_obj(request, client_id, "kartlegging: endre")
    access.require_nav(request.user, client, what="kartlegging: endre")
    from skreddersy.clients.models import NeedsMapping

    current = NeedsMapping.objects.filter(client=client).prefetch_related("entries").order_by("-version").first()
    form = forms.MappingForm(request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            m = client_services.record_mapping(user=request.user, client=client, entries=form.entries(),
                                               note=form.cleaned_data.get("note", ""))
            messages.success(request, _("Kartleggingen er lagret som versjon %(v)s.") % {"v": m.version})
            return redirect(_person_url(client.pk, "kartlegging"))
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    from skreddersy.core import reference

    return render(request, "followup/mapping_form.html", {"client": client, "form": form, "current": current,
                                                          "scale": reference.severity_scale(),
                                                          "next_version": (current.version + 1) if current else 1},
                  status=422 if form.errors else 200)


# --- activities ------------------------------------------------------------------------------------------


def _activity_kwargs(d: dict) -> dict:
    return {k: d.get(k) for k in ("title", "type", "description", "start_date", "end_date", "is_requirement",
                                  "legal_basis", "consequence")} | {"description": d.get("description") or "",
                                                                    "legal_basis": d.get("legal_basis") or "",
                                                                    "consequence": d.get("consequence") or ""}


@staff_view
@require_http_methods(["GET", "POST"])
def activity_new(request, client_id: int):
    client = _client_obj(request, client_id, "aktivitet: ny")
    access.require_nav(request.user, client, what="aktivitet: ny")
    initial = {"type": Activity.Type.OWN, "is_requirement": request.GET.get("krav") == "1"}
    form = forms.ActivityForm(request.POST or None, initial=initial)
    form.fields["status"].initial = Activity.Status.PROPOSED
    if request.method == "POST" and form.is_valid():
        try:
            kw = _activity_kwargs(form.cleaned_data)
            act = services.add_activity(user=request.user, client=client, status=form.cleaned_data.get("status") or None, **kw)
            messages.success(request, _("Aktiviteten «%(t)s» er lagt til. Brukeren blir bedt om å godta den.") % {"t": act.title})
            return redirect(_person_url(client.pk, "plan"))
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/activity_form.html", {
        "client": client, "form": form, "activity": None, "hints": forms.LEGAL_BASIS_HINTS,
    }, status=422 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def activity_edit(request, activity_id: int):
    act = selectors.get_activity(user=request.user, activity_id=activity_id)
    client = act.client
    access.require_nav(request.user, client, what="aktivitet: endre")
    initial = {f: getattr(act, f) for f in ("title", "type", "status", "description", "start_date", "end_date",
                                            "is_requirement", "legal_basis", "consequence", "version")}
    form = forms.ActivityForm(request.POST or None, initial=initial)
    conflict = None
    current = None
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        expected = d.get("version") or act.version
        changes = _activity_kwargs(d)
        if d.get("status"):
            changes["status"] = d["status"]
        try:
            services.update_activity(user=request.user, activity=act, expected_version=expected, **changes)
            messages.success(request, _("Endringene er lagret."))
            return redirect(_person_url(client.pk, "plan"))
        except Conflict as exc:
            # Keep everything the counsellor typed; show what the other person saved beside it, and
            # take the new version so that saving again is a deliberate choice.
            conflict = exc.message
            current = Activity.objects.get(pk=act.pk)
            data = request.POST.copy()
            data["version"] = str(current.version)
            form = forms.ActivityForm(data)
            form.is_valid()
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/activity_form.html", {
        "client": client, "form": form, "activity": act, "conflict": conflict, "current": current,
        "hints": forms.LEGAL_BASIS_HINTS,
    }, status=409 if conflict else 422 if form.errors else 200)


# --- dialogue, contact notes, tasks ----------------------------------------------------------------------


@staff_view
@require_http_methods(["GET", "POST"])
def contact_new(request, client_id: int):
    client = _client_obj(request, client_id, "samtalereferat: nytt")
    access.require_nav(request.user, client, what="samtalereferat: nytt")
    form = forms.ContactForm(request.POST or None, initial={"channel": request.GET.get("kanal") or "phone", "shared_with_client": True})
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.log_contact(user=request.user, client=client, channel=d["channel"], summary=d["summary"],
                                 held_at=d.get("held_at"), shared_with_client=d.get("shared_with_client", False))
            messages.success(request, _("Samtalereferatet er lagret."))
            return redirect(_person_url(client.pk, "journal"))
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/contact_form.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)


@staff_view
@require_http_methods(["GET", "POST"])
def thread_new(request, client_id: int):
    client = _client_obj(request, client_id, "dialog: ny")
    access.require_nav(request.user, client, what="dialog: ny")
    form = forms.NewThreadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_thread(user=request.user, client=client, **form.cleaned_data)
            messages.success(request, _("Meldingen er sendt."))
            return redirect(_person_url(client.pk, "dialog"))
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/thread_form.html", {"client": client, "form": form},
                  status=422 if form.errors else 200)


@staff_view
@require_POST
def thread_reply(request, thread_id: int):
    thread = selectors.get_thread(user=request.user, thread_id=thread_id)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv et svar før du sender."))
        return redirect(_person_url(thread.client_id, f"traad-{thread.pk}"))
    services.send_message(user=request.user, thread=thread, body=form.cleaned_data["body"])
    messages.success(request, _("Svaret er sendt."))
    return redirect(_person_url(thread.client_id, f"traad-{thread.pk}"))


@staff_view
@require_POST
def thread_no_reply(request, thread_id: int):
    thread = selectors.get_thread(user=request.user, thread_id=thread_id)
    services.mark_no_reply_needed(user=request.user, thread=thread)
    messages.success(request, _("Markert som ikke behov for svar."))
    return redirect(_person_url(thread.client_id, "dialog"))


@staff_view
@require_POST
def message_route(request, message_id: int):
    msg = Message.objects.select_related("thread").filter(pk=message_id).first()
    if msg is None:
        raise NotFound(_("Fant ikke meldingen."))
    selectors.get_thread(user=request.user, thread_id=msg.thread_id)
    form = forms.RouteForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Velg en gyldig ruting."))
    else:
        services.set_message_route(user=request.user, message=msg, route=form.cleaned_data["route"])
        messages.success(request, _("Ruting lagret: %(r)s.") % {"r": msg.get_route_display()})
    return redirect(_person_url(msg.thread.client_id, f"traad-{msg.thread_id}"))


@staff_view
@require_POST
def task_done(request, task_id: int):
    task = selectors.get_task(user=request.user, task_id=task_id)
    try:
        services.complete_task(user=request.user, task=task)
        messages.success(request, _("Oppgaven er markert som utført."))
    except Conflict as exc:
        messages.warning(request, exc.message)
    nxt = request.POST.get("next")
    if nxt == "overview":
        return redirect("overview")
    return redirect(_person_url(task.client_id, "oppgaver"))


@staff_view
def export_case(request, client_id: int):
    record = overview.case_record(user=request.user, client_id=client_id)
    html = export.render_case_record(request, record)
    resp = HttpResponse(html, content_type="text/html; charset=utf-8")
    if request.GET.get("last_ned") == "1":
        resp["Content-Disposition"] = f'attachment; filename="sak-{record.client.pk}.html"'
    resp["Cache-Control"] = "no-store"
    return resp


# --- the client's own pages (Min side) ------------------------------------------------------------------


@client_view
def client_home(request, client_id: int):
    page = overview.person_page(user=request.user, client_id=client_id, why="min side")
    waiting = [a for a in page.activities if a.client_approved_at is None and a.is_open]
    active = [a for a in page.activities if a.client_approved_at is not None and a.is_open]
    finished = [a for a in page.activities if not a.is_open]
    return render(request, "followup/client_home.html", {
        "p": page, "client": page.client, "waiting": waiting, "active": active, "finished": finished,
        "reply_form": forms.ReplyForm(),
    })


@client_view
@require_POST
def client_activity_approve(request, client_id: int, activity_id: int):
    act = selectors.get_activity(user=request.user, activity_id=activity_id)
    try:
        version = int(request.POST.get("version", ""))
    except ValueError:
        version = -1
    try:
        services.approve_activity(user=request.user, activity=act, expected_version=version)
        messages.success(request, _("Takk! Du har godtatt «%(t)s».") % {"t": act.title})
    except Conflict as exc:
        messages.warning(request, exc.message)
    return redirect(reverse("client_home") + "#plan")


@client_view
@require_http_methods(["GET", "POST"])
def client_activity_new(request, client_id: int):
    client = Client.objects.get(pk=client_id)
    form = forms.ClientActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.add_activity(user=request.user, client=client, title=d["title"], type=d["type"],
                                  description=d.get("description") or "", end_date=d.get("end_date"))
            messages.success(request, _("Lagt til i planen din."))
            return redirect(reverse("client_home") + "#plan")
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/client_activity_form.html", {"form": form}, status=422 if form.errors else 200)


@client_view
@require_http_methods(["GET", "POST"])
def client_message_new(request, client_id: int):
    client = Client.objects.get(pk=client_id)
    form = forms.ClientMessageForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.start_thread(user=request.user, client=client, **form.cleaned_data)
            messages.success(request, _("Meldingen er sendt. Du får svar innen to virkedager."))
            return redirect(reverse("client_home") + "#dialog")
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/client_message_form.html", {"form": form}, status=422 if form.errors else 200)


@client_view
@require_POST
def client_thread_reply(request, client_id: int, thread_id: int):
    thread = selectors.get_thread(user=request.user, thread_id=thread_id)
    form = forms.ReplyForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Skriv noe før du sender."))
    else:
        services.send_message(user=request.user, thread=thread, body=form.cleaned_data["body"])
        messages.success(request, _("Meldingen er sendt. Du får svar innen to virkedager."))
    return redirect(reverse("client_home") + f"#traad-{thread.pk}")


@client_view
@require_http_methods(["GET", "POST"])
def client_mapping(request, client_id: int):
    """The client's own view of their needs, beside the counsellor's (a new version of the mapping)."""
    from skreddersy.clients.models import NeedsMapping
    from skreddersy.core import reference

    client = Client.objects.get(pk=client_id)
    current = NeedsMapping.objects.filter(client=client).prefetch_related("entries").order_by("-version").first()
    form = forms.MappingForm(request.POST or None, current=current, by_client=True)
    if request.method == "POST" and form.is_valid():
        try:
            client_services.record_mapping(user=request.user, client=client, entries=form.entries(),
                                           note=form.cleaned_data.get("note", ""))
            messages.success(request, _("Takk! Veilederen din ser nå hvordan du selv vurderer situasjonen."))
            return redirect(reverse("client_home"))
        except ServiceError as exc:
            forms.apply_service_error(form, exc)
    return render(request, "followup/client_mapping_form.html", {"form": form, "scale": reference.severity_scale()},
                  status=422 if form.errors else 200)
