"""Pages: catalogue and comparison, the matching panel (an htmx fragment on the person page and a
full page on its own), referral actions, client preferences, the leaders' allocation page, the
administrators' national allocation page, and outcomes.

Thin: parse, call one selector (to show) or one service (to act), render. The selector or
service checks access and audits. A ``ServiceError`` a page does not show as a form error (or as
an alert in the matching panel) rises to ``core.middleware.ServiceErrorPages``, which renders the
error page with the error's status."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core import clock, reference
from skreddersy.core.errors import Conflict, InvalidInput, NotFound
from skreddersy.core.forms import apply_service_error
from skreddersy.measures import forms, selectors, services
from skreddersy.measures.matching import domain_label

# Errors a page shows to the user in place (a message, an alert in the panel, a form error); an
# AccessDenied always rises to the error page.
SHOWN_IN_PLACE = (InvalidInput, Conflict, NotFound)


def _is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


# --- catalogue ----------------------------------------------------------------------------------

@login_required
def catalogue(request):
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
    o = selectors.get_offering(user=request.user, offering_id=offering_id)
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
        messages.error(request, _("Velg minst to tilbud å sammenligne."))
        return redirect(reverse("measure_catalogue") + ("?" + request.GET.urlencode() if request.GET else ""))
    try:
        offerings = selectors.compare(user=request.user, offering_ids=ids)
    except SHOWN_IN_PLACE as exc:
        messages.error(request, exc.message)
        return redirect("measure_catalogue")
    return render(request, "measures/compare.html", {"offerings": offerings, "domains": reference.needs_domains(),
                                                     "groups": reference.need_groups()})


# --- matching on the person page -----------------------------------------------------------------

def _panel_response(request, *, client_id: int | None = None, referral_id: int | None = None, error=None, ok: str = "",
                    choose_form=None, status: int = 200):
    panel = selectors.matching_panel(user=request.user, client_id=client_id, referral_id=referral_id)
    ctx = {"panel": panel, "r": panel.result, "client": panel.client, "error": error, "ok": ok,
           "choose_form": choose_form, "severity_scale": reference.severity_scale(),
           "excluded_labels": EXCLUDED_LABELS, "severity_rows": _severity_rows(panel.result),
           "wanted_labels": [domain_label(d) for d in (panel.preference.wanted_domains if panel.preference else [])],
           "outcome_form": forms.OutcomeForm(), "today": clock.today()}
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
    return _panel_response(request, client_id=client_id)


@login_required
@require_POST
def matching_choose(request, client_id: int):
    form = forms.ChooseForm(request.POST)
    if not form.is_valid():
        return _panel_response(request, client_id=client_id, error="Velg et tilbud.", status=422)
    try:
        choice = services.choose_offering(user=request.user, client=client_id, offering=form.cleaned_data["offering"],
                                          reason=form.cleaned_data["reason"], allow_waiting_list=form.cleaned_data["waiting_list"])
    except SHOWN_IN_PLACE as exc:
        return _panel_response(request, client_id=client_id, error=exc, choose_form=form, status=exc.status)
    title = choice.referral.offering.title
    if choice.referral.status == "accepted":
        ok = f"{title}: brukeren har fått plass (nr. {choice.fit_rank} etter treff)."
    else:
        ok = f"{title}: brukeren står på venteliste (nr. {choice.fit_rank} etter treff)."
    if _is_htmx(request):
        return _panel_response(request, client_id=client_id, ok=ok)
    messages.success(request, ok)
    return redirect("matching_panel", client_id=client_id)


def _act_on_referral(user, referral_id: int, action: str, data):
    """The service for the action (each checks access, validates and audits); the success text."""
    if action == "trekk":
        return services.withdraw_referral(user=user, referral=referral_id, reason=data.get("reason", "")), "Henvisningen er trukket."
    if action == "avsla":
        return services.reject_referral(user=user, referral=referral_id, reason=data.get("reason", "")), "Henvisningen er avslått."
    if action == "fullfor":
        f = forms.CompleteForm(data)
        if not f.is_valid():
            raise InvalidInput(_("Ugyldig sluttdato."), field="ended_on")
        return services.complete_referral(user=user, referral=referral_id, ended_on=f.cleaned_data["ended_on"]), "Deltakelsen er fullført."
    if action == "resultat":
        f = forms.OutcomeForm(data)
        if not f.is_valid():
            raise InvalidInput(_("Velg tidspunkt og status."), field="status")
        outcome = services.record_outcome(user=user, referral=referral_id, months=f.cleaned_data["months"], status=f.cleaned_data["status"])
        return outcome.referral, "Resultatet er registrert."
    raise NotFound(_("Ukjent handling."))


@login_required
@require_POST
def referral_action(request, referral_id: int, action: str):
    if action not in ("trekk", "avsla", "fullfor", "resultat"):
        raise NotFound(_("Ukjent handling."))
    try:
        ref, ok = _act_on_referral(request.user, referral_id, action, request.POST)
    except SHOWN_IN_PLACE as exc:
        return _panel_response(request, referral_id=referral_id, error=exc, status=exc.status)
    if _is_htmx(request):
        return _panel_response(request, client_id=ref.client_id, ok=ok)
    messages.success(request, ok)
    return redirect("matching_panel", client_id=ref.client_id)


@login_required
def preferences(request, client_id: int):
    page = selectors.preference_page(user=request.user, client_id=client_id)
    if request.method == "POST":
        form = forms.PreferenceForm(request.POST)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.set_preferences(user=request.user, client=page.client, wanted_domains=d["wanted_domains"],
                                         preferred_types=d["preferred_types"], max_travel_km=d["max_travel_km"],
                                         preferred_language=d["preferred_language"].strip(), note=d["note"])
            except SHOWN_IN_PLACE as exc:
                apply_service_error(form, exc)
            else:
                messages.success(request, "Ønskene er lagret.")
                if page.by_client:
                    return redirect("measure_preferences", client_id=client_id)
                return redirect("matching_panel", client_id=client_id)
    else:
        pref = page.preference
        initial = {}
        if pref:
            initial = {"wanted_domains": pref.wanted_domains, "preferred_types": pref.preferred_types,
                       "max_travel_km": pref.max_travel_km, "preferred_language": pref.preferred_language, "note": pref.note}
        form = forms.PreferenceForm(initial=initial)
    return render(request, "measures/preferences.html", {"form": form, "client": page.client})


# --- allocation ---------------------------------------------------------------------------------------

def _year(request) -> int:
    try:
        y = int(request.GET.get("ar") or clock.today().year)
    except ValueError:
        y = clock.today().year
    return y if 2000 <= y <= 2100 else clock.today().year


def _int_or_none(raw) -> int | None:
    return int(raw) if raw and raw.isascii() and raw.isdigit() else None  # "²".isdigit() is True, int("²") fails


@login_required
def allocation(request):
    year = _year(request)
    office_id = _int_or_none(request.GET.get("kontor"))
    if request.method == "POST":
        form = forms.ExpectedFillForm(request.POST)
        if not form.is_valid():
            messages.error(request, "Forventet fylt må være et helt tall, null eller større.")
        else:
            try:
                alloc = services.set_expected_fill(user=request.user, allocation=_int_or_none(request.POST.get("allocation", "")),
                                                   expected_filled=form.cleaned_data["expected_filled"])
                office_id = alloc.office_id
                messages.success(request, "Forventningen er lagret.")
            except SHOWN_IN_PLACE as exc:
                messages.error(request, exc.message)
        return redirect(f"{reverse('measure_allocation')}?kontor={office_id or ''}&ar={year}")
    page = selectors.allocation_page(user=request.user, office_id=office_id, year=year)
    return render(request, "measures/allocation.html", {
        "office": page.office, "rows": page.rows, "year": year, "offices": page.offices, "totals": page.totals,
        "can_set_fill": page.can_set_fill,
    })


def _allocate(user, kind: str, data) -> None:
    """The service for the national page's form (each checks access, validates and audits)."""
    if kind == "target":
        target_form = forms.NationalTargetForm(data)
        if not target_form.is_valid():
            raise InvalidInput(_("Sjekk feltene i skjemaet."), field="places")
        d = target_form.cleaned_data
        services.set_national_target(user=user, year=d["year"], measure_type=d["measure_type"],
                                     priority_group=d["priority_group"], places=d["places"], budget=d["budget"])
    elif kind in ("county", "office"):
        f = forms.AllocationForm(data)
        if not f.is_valid():
            raise InvalidInput(_("Plasser og budsjett må være hele tall, null eller større."), field="places")
        d = f.cleaned_data
        if kind == "county":
            services.allocate_to_county(user=user, target=d["parent"], county=d["target_id"], places=d["places"], budget=d["budget"])
        else:
            services.allocate_to_office(user=user, county_allocation=d["parent"], office=d["target_id"], places=d["places"],
                                        budget=d["budget"])
    else:
        raise InvalidInput(_("Ukjent skjema."), field="kind")


@login_required
def allocation_national(request):
    year = _year(request)
    if request.method == "POST":
        try:
            _allocate(request.user, request.POST.get("kind", ""), request.POST)
            messages.success(request, "Tildelingen er lagret.")
        except SHOWN_IN_PLACE as exc:
            details = [r for r in exc.errors.values() if r and r != exc.message]
            messages.error(request, " ".join([exc.message, *details]))
        return redirect(f"{reverse('measure_allocation_national')}?ar={year}")
    page = selectors.national_page(user=request.user, year=year)
    return render(request, "measures/allocation_national.html", {
        "rows": page.rows, "year": year, "target_form": forms.NationalTargetForm(initial={"year": year}),
        "counties": page.counties, "offices": page.offices,
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
    page = selectors.outcomes_page(user=request.user, by=by, county_id=county_id)
    return render(request, "measures/outcomes.html", {
        "rows": page.rows, "by": by, "statuses": page.statuses, "counties": page.counties, "county_id": county_id,
        "min_group": page.min_group,
    })
