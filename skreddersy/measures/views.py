"""Pages: catalogue and comparison, the matching panel (an htmx fragment on the person page and a
full page on its own), referral actions, client preferences, the leaders' allocation page, the
administrators' national allocation page, and outcomes. Thin: parse, call, render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from skreddersy.clients.models import Client
from skreddersy.core import clock, reference
from skreddersy.core.errors import AccessDenied, NotFound, ServiceError
from skreddersy.core.models import County, Office
from skreddersy.measures import forms, selectors, services
from skreddersy.measures.matching import domain_label
from skreddersy.measures.models import (
    CountyAllocation,
    MeasureOffering,
    NationalTarget,
    OfficeAllocation,
    Outcome,
    Referral,
)
from skreddersy.policy import access


def _denied(request, exc: ServiceError) -> HttpResponse:
    status = exc.status if isinstance(exc, AccessDenied | NotFound) else 400
    return render(request, "core/denied.html", {"reason": exc.message}, status=status)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def _error_text(exc: ServiceError) -> str:
    details = [r for f, r in exc.errors.items() if r and r != exc.message]
    return exc.message + (" " + " ".join(details) if details else "")


# --- catalogue ----------------------------------------------------------------------------------

@login_required
def catalogue(request):
    if not access.can_browse_catalogue(request.user):
        return _denied(request, AccessDenied("Tiltakskatalogen er for Nav-ansatte."))
    form = forms.CatalogueFilterForm(request.GET or None)
    filters = selectors.CatalogueFilters()
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        filters = selectors.CatalogueFilters(
            domain=d["domain"], need_group=d["need_group"], type_code=d["type_code"], place=d["place"].strip(),
            county_id=d["county"].pk if d["county"] else None, start_from=d["start_from"], start_to=d["start_to"],
            free_only=d["free_only"], q=d["q"].strip(),
        )
    page = selectors.catalogue_page(user=request.user, filters=filters, page=request.GET.get("side"))
    query = request.GET.copy()
    query.pop("side", None)
    return render(request, "measures/catalogue.html", {
        "form": form, "page": page, "query": query.urlencode(), "domains": reference.needs_domains(),
    })


@login_required
def offering_detail(request, offering_id: int):
    try:
        o = selectors.get_offering(user=request.user, offering_id=offering_id)
    except ServiceError as exc:
        return _denied(request, exc)
    return render(request, "measures/offering_detail.html", {"o": o, "domains": reference.needs_domains(),
                                                             "groups": reference.need_groups()})


@login_required
def compare(request):
    try:
        ids = [int(x) for x in request.GET.getlist("id")]
    except ValueError:
        messages.error(request, "Ugyldig tilbud-id.")
        return redirect("measure_catalogue")
    if len(ids) < 2:
        messages.error(request, "Velg minst to tilbud å sammenligne.")
        return redirect(reverse("measure_catalogue") + ("?" + request.GET.urlencode() if request.GET else ""))
    try:
        offerings = selectors.compare(user=request.user, offering_ids=ids)
    except ServiceError as exc:
        if isinstance(exc, AccessDenied):
            return _denied(request, exc)
        messages.error(request, exc.message)
        return redirect("measure_catalogue")
    return render(request, "measures/compare.html", {"offerings": offerings, "domains": reference.needs_domains(),
                                                     "groups": reference.need_groups()})


# --- matching on the person page -----------------------------------------------------------------

def _panel_response(request, client_id: int, *, error: str = "", ok: str = "", choose_form=None, status: int = 200):
    try:
        panel = selectors.matching_panel(user=request.user, client_id=client_id)
    except ServiceError as exc:
        if _is_htmx(request):  # htmx swaps only 2xx: show the reason where the panel would be
            return HttpResponse(format_html('<div class="aksel-alert" data-color="warning" role="alert"><div class="aksel-alert__wrapper">{}</div></div>',
                                            exc.message))
        return _denied(request, exc)
    ctx = {"panel": panel, "r": panel.result, "client": panel.client, "error": error, "ok": ok,
           "choose_form": choose_form, "severity_scale": reference.severity_scale(),
           "excluded_labels": EXCLUDED_LABELS, "severity_rows": _severity_rows(panel.result),
           "wanted_labels": [domain_label(d) for d in (panel.preference.wanted_domains if panel.preference else [])], "outcome_form": forms.OutcomeForm(), "today": clock.today()}
    if _is_htmx(request):
        # htmx swaps only 2xx responses: the fragment carries the error text in an alert instead.
        return render(request, "measures/_matching_panel.html", ctx, status=200)
    return render(request, "measures/matching_page.html", ctx, status=status)


def _severity_rows(result) -> list[tuple[str, int, str]]:
    rows = [(domain_label(k), s, result.severity_source.get(k, "")) for k, s in result.severity.items()]
    return sorted(rows, key=lambda r: -r[1])


EXCLUDED_LABELS = {
    "need_group": "ikke åpne for innsatsgruppen", "age": "utenfor aldersgrensen", "priority_group": "forbeholdt andre prioriterte grupper",
    "place": "gjelder ikke brukerens kontor", "open": "tar ikke imot påmeldinger",
}


@login_required
def matching_panel(request, client_id: int):
    return _panel_response(request, client_id)


@login_required
@require_POST
def matching_choose(request, client_id: int):
    form = forms.ChooseForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, client_id, error="Velg et tilbud.", status=422)
    client = Client.objects.filter(pk=client_id).first()
    offering = MeasureOffering.objects.filter(pk=form.cleaned_data["offering"]).first()
    if client is None or offering is None:
        return _panel_response(request, client_id, error="Fant ikke bruker eller tilbud.", status=404)
    try:
        choice = services.choose_offering(user=request.user, client=client, offering=offering,
                                          reason=form.cleaned_data["reason"], allow_waiting_list=form.cleaned_data["waiting_list"])
    except ServiceError as exc:
        if isinstance(exc, AccessDenied):
            return _denied(request, exc)
        return _panel_response(request, client_id, error=_error_text(exc), choose_form=form, status=exc.status)
    ref = choice.referral
    if ref.status == Referral.Status.ACCEPTED:
        ok = f"{offering.title}: brukeren har fått plass (nr. {choice.fit_rank} etter treff)."
    else:
        ok = f"{offering.title}: brukeren står på venteliste (nr. {choice.fit_rank} etter treff)."
    if _is_htmx(request):
        return _panel_response(request, client_id, ok=ok)
    messages.success(request, ok)
    return redirect("matching_panel", client_id=client_id)


@login_required
@require_POST
def referral_action(request, referral_id: int, action: str):
    ref = Referral.objects.select_related("client").filter(pk=referral_id).first()
    if ref is None:
        return _denied(request, NotFound("Fant ikke henvisningen."))
    try:
        if action == "trekk":
            f = forms.ReasonForm(request.POST)
            services.withdraw_referral(user=request.user, referral=ref, reason=f.data.get("reason", ""))
            ok = "Henvisningen er trukket."
        elif action == "avsla":
            f = forms.ReasonForm(request.POST)
            services.reject_referral(user=request.user, referral=ref, reason=f.data.get("reason", ""))
            ok = "Henvisningen er avslått."
        elif action == "fullfor":
            f = forms.CompleteForm(request.POST)
            ended = f.cleaned_data["ended_on"] if f.is_valid() else None
            if not f.is_valid():
                raise services.InvalidInput("Ugyldig sluttdato.", field="ended_on")
            services.complete_referral(user=request.user, referral=ref, ended_on=ended)
            ok = "Deltakelsen er fullført."
        elif action == "resultat":
            f = forms.OutcomeForm(request.POST)
            if not f.is_valid():
                raise services.InvalidInput("Velg tidspunkt og status.", field="status")
            services.record_outcome(user=request.user, referral=ref, months=f.cleaned_data["months"], status=f.cleaned_data["status"])
            ok = "Resultatet er registrert."
        else:
            return _denied(request, NotFound("Ukjent handling."))
    except ServiceError as exc:
        if isinstance(exc, AccessDenied):
            return _denied(request, exc)
        if _is_htmx(request):
            return _panel_response(request, ref.client_id, error=_error_text(exc), status=exc.status)
        messages.error(request, _error_text(exc))
        return redirect("matching_panel", client_id=ref.client_id)
    if _is_htmx(request):
        return _panel_response(request, ref.client_id, ok=ok)
    messages.success(request, ok)
    return redirect("matching_panel", client_id=ref.client_id)


@login_required
def preferences(request, client_id: int):
    client = Client.objects.filter(pk=client_id).first()
    if client is None:
        return _denied(request, NotFound("Fant ingen bruker med denne id-en."))
    try:
        pref = selectors.get_preference(user=request.user, client_id=client_id)
    except ServiceError as exc:
        return _denied(request, exc)
    if request.method == "POST":
        form = forms.PreferenceForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.set_preferences(user=request.user, client=client, wanted_domains=d["wanted_domains"],
                                         preferred_types=d["preferred_types"], max_travel_km=d["max_travel_km"],
                                         preferred_language=d["preferred_language"].strip(), note=d["note"])
            except ServiceError as exc:
                if isinstance(exc, AccessDenied):
                    return _denied(request, exc)
                for f, r in exc.errors.items():
                    form.add_error(f if f in form.fields else None, r)
            else:
                messages.success(request, "Ønskene er lagret.")
                if access.actor(request.user).is_client:
                    return redirect("measure_preferences", client_id=client_id)
                return redirect("matching_panel", client_id=client_id)
    else:
        initial = {}
        if pref:
            initial = {"wanted_domains": pref.wanted_domains, "preferred_types": pref.preferred_types,
                       "max_travel_km": pref.max_travel_km, "preferred_language": pref.preferred_language, "note": pref.note}
        form = forms.PreferenceForm(initial=initial)
    return render(request, "measures/preferences.html", {"form": form, "client": client})


# --- allocation ---------------------------------------------------------------------------------------

def _year(request) -> int:
    try:
        y = int(request.GET.get("ar") or clock.today().year)
    except ValueError:
        y = clock.today().year
    return y if 2000 <= y <= 2100 else clock.today().year


@login_required
def allocation(request):
    offices = selectors.leader_offices(user=request.user)
    if not offices:
        return _denied(request, AccessDenied("Tildelingen av tiltaksplasser er for ledere ved kontoret."))
    try:
        office_id = int(request.GET.get("kontor") or offices[0].pk)
    except ValueError:
        office_id = offices[0].pk
    year = _year(request)
    if request.method == "POST":
        raw = request.POST.get("allocation", "")
        alloc_id = int(raw) if raw.isascii() and raw.isdigit() and int(raw) <= selectors.MAX_ID else 0
        alloc = OfficeAllocation.objects.filter(pk=alloc_id).first() if alloc_id else None
        form = forms.ExpectedFillForm(request.POST)
        if alloc is None:
            messages.error(request, "Fant ikke tildelingen.")
        elif not form.is_valid():
            messages.error(request, "Forventet fylt må være et helt tall, null eller større.")
        else:
            try:
                services.set_expected_fill(user=request.user, allocation=alloc, expected_filled=form.cleaned_data["expected_filled"])
                messages.success(request, "Forventningen er lagret.")
            except ServiceError as exc:
                if isinstance(exc, AccessDenied):
                    return _denied(request, exc)
                messages.error(request, exc.message)
        return redirect(f"{reverse('measure_allocation')}?kontor={alloc.office_id if alloc else office_id}&ar={year}")
    try:
        office, rows = selectors.office_allocation(user=request.user, office_id=office_id, year=year)
    except ServiceError as exc:
        return _denied(request, exc)
    totals = {k: sum(getattr(r, k) for r in rows) for k in ("places", "used", "free", "expected_filled", "expected_unfilled", "waiting", "budget")}
    return render(request, "measures/allocation.html", {
        "office": office, "rows": rows, "year": year, "offices": offices, "totals": totals,
        "can_set_fill": access.can_set_expected_fill(request.user, office.pk),
    })


@login_required
def allocation_national(request):
    if not access.can_manage_allocations(request.user):
        return _denied(request, AccessDenied("Nasjonale mål og fylkestildelinger er for administratorer."))
    year = _year(request)
    target_form = forms.NationalTargetForm(initial={"year": year})
    if request.method == "POST":
        kind = request.POST.get("kind")
        try:
            if kind == "target":
                target_form = forms.NationalTargetForm(request.POST)
                if not target_form.is_valid():
                    raise services.InvalidInput("Sjekk feltene i skjemaet.", field="places")
                d = target_form.cleaned_data
                services.set_national_target(user=request.user, year=d["year"], measure_type=d["measure_type"],
                                             priority_group=d["priority_group"], places=d["places"], budget=d["budget"])
            elif kind in ("county", "office"):
                f = forms.AllocationForm(request.POST)
                if not f.is_valid():
                    raise services.InvalidInput("Plasser og budsjett må være hele tall, null eller større.", field="places")
                d = f.cleaned_data
                if kind == "county":
                    target = NationalTarget.objects.get(pk=d["parent"])
                    county = County.objects.get(pk=d["target_id"])
                    services.allocate_to_county(user=request.user, target=target, county=county, places=d["places"], budget=d["budget"])
                else:
                    parent = CountyAllocation.objects.get(pk=d["parent"])
                    office = Office.objects.get(pk=d["target_id"])
                    services.allocate_to_office(user=request.user, county_allocation=parent, office=office, places=d["places"], budget=d["budget"])
            else:
                raise services.InvalidInput("Ukjent skjema.", field="kind")
            messages.success(request, "Tildelingen er lagret.")
        except (NationalTarget.DoesNotExist, CountyAllocation.DoesNotExist, County.DoesNotExist, Office.DoesNotExist):
            messages.error(request, "Fant ikke målet, fylket eller kontoret.")
        except ServiceError as exc:
            messages.error(request, _error_text(exc))
        return redirect(f"{reverse('measure_allocation_national')}?ar={year}")
    rows = selectors.national_overview(user=request.user, year=year)
    return render(request, "measures/allocation_national.html", {
        "rows": rows, "year": year, "target_form": target_form, "counties": County.objects.all(),
        "offices": Office.objects.select_related("county").order_by("county__code", "number"),
    })


# --- outcomes ---------------------------------------------------------------------------------------

@login_required
def outcomes(request):
    by = request.GET.get("etter", "type")
    if by not in ("type", "offering"):
        by = "type"
    try:
        county_id = int(request.GET["fylke"]) if request.GET.get("fylke") else None
    except ValueError:
        county_id = None
    try:
        rows = selectors.outcomes(user=request.user, by=by, county_id=county_id)
    except ServiceError as exc:
        return _denied(request, exc)
    return render(request, "measures/outcomes.html", {
        "rows": rows, "by": by, "statuses": Outcome.Status.choices, "counties": County.objects.all(), "county_id": county_id,
        "min_group": selectors.MIN_GROUP,
    })
