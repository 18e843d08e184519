"""Pages for work with employers and job specialists. Thin: parse, call one selector or service,
render. Access and audit happen in the selectors and services; a ServiceError that is not put on
a form becomes a page through core.middleware.ServiceErrorPages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core.errors import AccessDenied, NotFound, ServiceError
from skreddersy.core.forms import apply_service_error
from skreddersy.work import forms, selectors, services


def _int(value) -> int | None:
    try:
        n = int(value)
    except (TypeError, ValueError):
        return None
    return n if 0 < n < 2**63 else None


def _form_error(form, exc: ServiceError) -> None:
    """A service's refusal (403, or 404 for what the user may not see) is the page's answer, not a
    form error; anything else goes on the form."""
    if isinstance(exc, (AccessDenied, NotFound)):
        raise exc
    apply_service_error(form, exc)


# --- employers -----------------------------------------------------------------------------------

@login_required
def employers(request):
    search = forms.EmployerSearchForm(request.GET or None)
    q = search.cleaned_data["q"] if search.is_valid() else ""
    form = forms.EmployerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            employer = services.create_employer(user=request.user, orgnr_value=d["orgnr"], name=d["name"],
                                                municipality=d["municipality"], sector=d["sector"], adaptations=d["adaptations"])
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, _("Arbeidsgiveren er registrert."))
            return redirect("work_employer", employer.pk)
    rows = selectors.search_employers(user=request.user, q=q)
    return render(request, "work/employers.html", {"search": search, "rows": rows, "form": form, "q": q},
                  status=422 if form.errors else 200)


@login_required
def employer(request, employer_id: int):
    record = selectors.employer_record(user=request.user, employer_id=employer_id)
    return render(request, "work/employer.html", {
        "r": record, "contact_form": forms.ContactForm(initial={"purpose": "job_development"}),
        "person_form": forms.ContactPersonForm(), "vacancy_form": forms.VacancyForm()})


def _employer_post(request, employer_id, form_class, act, done: str, key: str):
    employer = selectors.get_employer(user=request.user, employer_id=employer_id)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = act(employer, form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            for w in (result[1] if isinstance(result, tuple) else []):
                messages.warning(request, w.text())
            return redirect("work_employer", employer.pk)
    record = selectors.employer_record(user=request.user, employer_id=employer.pk)
    ctx = {"r": record, "contact_form": forms.ContactForm(), "person_form": forms.ContactPersonForm(),
           "vacancy_form": forms.VacancyForm(), key: form}
    return render(request, "work/employer.html", ctx, status=422)


@login_required
@require_POST
def employer_contact(request, employer_id: int):
    return _employer_post(request, employer_id, forms.ContactForm, lambda e, d: services.log_contact(
        user=request.user, employer=e, kind=d["kind"], purpose=d["purpose"], outcome=d["outcome"], note=d["note"],
        field_minutes=d["field_minutes"] or 0), _("Kontakten er logget."), "contact_form")


@login_required
@require_POST
def employer_person(request, employer_id: int):
    return _employer_post(request, employer_id, forms.ContactPersonForm, lambda e, d: services.add_contact_person(
        user=request.user, employer=e, **d), _("Kontaktpersonen er lagret."), "person_form")


@login_required
@require_POST
def employer_vacancy(request, employer_id: int):
    return _employer_post(request, employer_id, forms.VacancyForm, lambda e, d: services.register_vacancy(
        user=request.user, employer=e, **d), _("Stillingen er registrert."), "vacancy_form")


# --- job specialist's caseload and the work trail ----------------------------------------------

@login_required
def caseload(request):
    load = selectors.my_caseload(user=request.user)
    field = selectors.my_field_time(user=request.user)
    return render(request, "work/caseload.html", {"load": load, "field": field})


def _trail_page(request, case_id, status=200, **forms_):
    trail = selectors.case_trail(user=request.user, case_id=case_id)
    ctx = {"t": trail,
           "phase_form": forms.PhaseForm(phases=trail.next_phases, initial={"version": trail.case.version}),
           "disclosure_form": forms.DisclosureForm(initial={
               "disclosure_may_tell": trail.case.disclosure_may_tell, "disclosure_not_tell": trail.case.disclosure_not_tell,
               "disclosure_agreed_on": trail.case.disclosure_agreed_on, "version": trail.case.version}),
           "start_form": forms.StartForm(), "checkpoint_form": forms.CheckpointForm(), "done_form": forms.FollowAlongDoneForm()}
    ctx.update(forms_)
    return render(request, "work/case.html", ctx, status=status)


@login_required
def case(request, case_id: int):
    return _trail_page(request, case_id)


def _case_post(request, case_id, form, act, done: str, key: str):
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("work_case", case_id)
    return _trail_page(request, case_id, status=422, **{key: form})


@login_required
@require_POST
def case_phase(request, case_id: int):
    c = selectors.get_case(user=request.user, case_id=case_id, what="jobbspesialist: fase")
    trail_phases = [(p, p) for p in forms.PHASES]
    return _case_post(request, case_id, forms.PhaseForm(request.POST, phases=trail_phases), lambda d: services.change_phase(
        user=request.user, case=c, to_phase=d["to_phase"], version=d["version"], reason=d["reason"], end_reason=d["end_reason"]),
        _("Fasen er endret."), "phase_form")


@login_required
@require_POST
def case_disclosure(request, case_id: int):
    c = selectors.get_case(user=request.user, case_id=case_id, what="jobbspesialist: åpenhetsplan")
    return _case_post(request, case_id, forms.DisclosureForm(request.POST), lambda d: services.save_disclosure_plan(
        user=request.user, case=c, version=d["version"], may_tell=d["disclosure_may_tell"], not_tell=d["disclosure_not_tell"],
        agreed_on=d["disclosure_agreed_on"]), _("Åpenhetsplanen er lagret."), "disclosure_form")


@login_required
@require_POST
def case_renew(request, case_id: int):
    c = selectors.get_case(user=request.user, case_id=case_id, what="jobbspesialist: forleng")
    services.renew_grant(user=request.user, case=c)
    messages.success(request, _("Oppfølgingen er forlenget med seks måneder."))
    return redirect("work_case", case_id)


@login_required
@require_POST
def case_start(request, case_id: int):
    c = selectors.get_case(user=request.user, case_id=case_id, what="jobbspesialist: jobbstart")

    def act(d):
        employer = selectors.find_employer(user=request.user, number=d["employer"]) if d["employer"] else None
        return services.record_start(user=request.user, case=c, employer=employer, job_title=d["job_title"],
                                     start_date=d["start_date"], hours_per_week=d["hours_per_week"], wage_type=d["wage_type"],
                                     subsidy_plan=d["subsidy_plan"])

    return _case_post(request, case_id, forms.StartForm(request.POST), act, _("Jobbstarten er registrert, med plan for oppfølging."),
                      "start_form")


@login_required
@require_POST
def follow_along_done(request, case_id: int, follow_along_id: int):
    fa = selectors.get_follow_along(user=request.user, follow_along_id=follow_along_id, case_id=case_id)
    return _case_post(request, case_id, forms.FollowAlongDoneForm(request.POST), lambda d: services.complete_follow_along(
        user=request.user, follow_along=fa, note=d["note"], field_minutes=d["field_minutes"] or 0),
        _("Oppfølgingen er registrert."), "done_form")


@login_required
@require_POST
def checkpoint(request, case_id: int, start_id: int):
    start = selectors.get_start(user=request.user, start_id=start_id, case_id=case_id)
    return _case_post(request, case_id, forms.CheckpointForm(request.POST), lambda d: services.record_checkpoint(
        user=request.user, start=start, month=d["month"], still_working=d["still_working"], hours_per_week=d["hours_per_week"],
        job_title=d["job_title"]), _("Statusen er registrert."), "checkpoint_form")


# --- the client's work page (job profile, referral, presentation) ---------------------------------

def _client_page(request, client_id, status=200, **forms_):
    data = selectors.case_for_client_page(user=request.user, client_id=client_id)
    profile = data["profile"]
    ctx = {**data,
           "profile_form": forms.ProfileForm(initial={
               "work_experience": getattr(profile, "work_experience", ""), "education": getattr(profile, "education", ""),
               "skills": getattr(profile, "skills", ""), "wishes": getattr(profile, "wishes", ""),
               "hours_per_week": getattr(profile, "hours_per_week", "") or "", "share": getattr(profile, "share", []),
               "version": getattr(profile, "version", None)}),
           "refer_form": forms.ReferForm(specialists=data["specialists"], cap=data["cap"]),
           "present_form": forms.PresentForm(initial={"step": "assess"})}
    ctx.update(forms_)
    return render(request, "work/client.html", ctx, status=status)


@login_required
def client_page(request, client_id: int):
    return _client_page(request, client_id)


@login_required
def client_panel(request, client_id: int):
    """The short work panel on the person page (loaded when asked for)."""
    client = selectors.get_client(user=request.user, client_id=client_id, what="jobbspesialist: panel")
    return render(request, "work/_client_panel.html", {"client": client, **selectors.client_work(user=request.user, client=client)})


def _client_post(request, client_id, form, act, done, key):
    if form.is_valid():
        try:
            act(form.cleaned_data)
        except ServiceError as exc:
            _form_error(form, exc)
        else:
            messages.success(request, done)
            return redirect("work_client", client_id)
    return _client_page(request, client_id, status=422, **{key: form})


@login_required
@require_POST
def client_profile(request, client_id: int):
    client = selectors.get_client(user=request.user, client_id=client_id, what="jobbprofil: lagre")
    return _client_post(request, client_id, forms.ProfileForm(request.POST), lambda d: services.save_job_profile(
        user=request.user, client=client, version=d["version"], work_experience=d["work_experience"], education=d["education"],
        skills=d["skills"], wishes=d["wishes"], hours_per_week=d["hours_per_week"], share=d["share"]),
        _("Jobbprofilen er lagret."), "profile_form")


@login_required
@require_POST
def client_refer(request, client_id: int):
    data = selectors.case_for_client_page(user=request.user, client_id=client_id)

    def act(d):
        specialist = selectors.get_staff(user=request.user, staff_id=d["specialist"])
        return services.refer_to_specialist(user=request.user, client=data["client"], specialist=specialist,
                                            over_cap_reason=d["over_cap_reason"])

    form = forms.ReferForm(request.POST, specialists=data["specialists"], cap=data["cap"])
    return _client_post(request, client_id, form, act, _("Brukeren er henvist til jobbspesialist."), "refer_form")


@login_required
@require_POST
def client_present(request, client_id: int):
    client = selectors.get_client(user=request.user, client_id=client_id, what="kandidat: presentert")

    def act(d):
        employer = selectors.find_employer(user=request.user, number=d["employer"])
        if d["step"] == "assess":
            return services.assess_suitability(user=request.user, client=client, employer=employer, suitable=d["suitable"],
                                               reasoning=d["reasoning"])
        if d["step"] == "consent":
            return services.record_consent(user=request.user, client=client, employer=employer)
        return services.present_candidate(user=request.user, client=client, employer=employer, shared=d["shared"])

    done = {"assess": _("Vurderingen er lagret."), "consent": _("Samtykket er registrert."),
            "present": _("Kandidaten er presentert, og det er logget hos brukeren og arbeidsgiveren.")}
    return _client_post(request, client_id, forms.PresentForm(request.POST), act,
                        done.get(request.POST.get("step"), _("Lagret.")), "present_form")


@login_required
@require_POST
def consent_withdraw(request, client_id: int, consent_id: int):
    consent = selectors.get_consent(user=request.user, consent_id=consent_id, client_id=client_id)
    services.withdraw_consent(user=request.user, consent=consent)
    messages.success(request, _("Samtykket er trukket."))
    return redirect("work_client", client_id)


# --- method supervisor, fidelity, outcomes ---------------------------------------------------------

@login_required
def supervisor(request):
    offices = selectors.supervised_offices(user=request.user)
    office_id = _int(request.GET.get("kontor")) or (offices[0].pk if offices else None)
    if office_id is None:
        return render(request, "work/supervisor.html", {"offices": [], "page": None})
    page = selectors.supervisor_page(user=request.user, office_id=office_id)
    return render(request, "work/supervisor.html", {"offices": offices, "page": page, "office_id": office_id,
                                                     "settings_form": forms.SettingsForm()})


@login_required
def fidelity(request, team_id: int):
    data = selectors.fidelity_reviews(user=request.user, team_id=team_id)
    errors = {}
    if request.method == "POST":
        scores = {str(i["number"]): request.POST.get(f"score_{i['number']}", "") for i in data["scale"]["items"]}
        notes = {str(i["number"]): request.POST.get(f"note_{i['number']}", "") for i in data["scale"]["items"]}
        try:
            from django.utils.dateparse import parse_date

            reviewed_on = parse_date(request.POST.get("reviewed_on", "") or "")
        except ValueError:
            reviewed_on = None
        try:
            services.save_fidelity_review(user=request.user, team=data["team"], reviewed_on=reviewed_on, scores=scores, notes=notes)
        except ServiceError as exc:
            errors = exc.errors or {"": exc.message}
        else:
            messages.success(request, _("Troskapsmålingen er lagret."))
            return redirect("work_fidelity", team_id)
    return render(request, "work/fidelity.html", {**data, "errors": errors, "posted": request.POST},
                  status=422 if errors else 200)


@login_required
def fidelity_home(request):
    return render(request, "work/fidelity_home.html", {"teams": selectors.supervised_teams(user=request.user)})


@login_required
def outcomes(request):
    scope = request.GET.get("utvalg", "mine")
    office_id = _int(request.GET.get("kontor"))
    result = selectors.outcomes(user=request.user, scope="office" if scope == "kontor" else "mine", office_id=office_id)
    return render(request, "work/outcomes.html", {"o": result, "offices": selectors.supervised_offices(user=request.user)})


@login_required
@require_POST
def office_settings(request, office_id: int):
    office = selectors.get_office(user=request.user, office_id=office_id)
    form = forms.SettingsForm(request.POST)
    if form.is_valid():
        services.set_office_work_settings(user=request.user, office=office, **form.cleaned_data)
        messages.success(request, _("Innstillingene er lagret."))
    else:
        messages.error(request, " ".join(e for errs in form.errors.values() for e in errs))
    return redirect(f"/arbeid/metodeveileder/?kontor={office_id}")
