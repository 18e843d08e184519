"""The caseload overview (Min oversikt), its saved filters, columns and categories, and the
second approver's queue."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.http import QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from skreddersy.core.errors import InvalidInput
from skreddersy.followup import forms, overview, selectors, services
from skreddersy.followup.views._common import is_htmx, staff_view

# The last overview query string, kept in the session so that coming back from a person page
# (``?tilbake=1``) shows the same filters, sort and page.
SESSION_KEY = "overview_query"
_DETAIL_FILTERS = ("need_group", "priority", "category", "age_band", "language", "interpreter", "main_goal",
                   "activity_type", "measure_type", "followup_mode", "municipality", "manual", "awaiting", "deadline_7",
                   "no_contact_90")


def _overview_query(request) -> tuple[forms.OverviewFilterForm, overview.OverviewQuery]:
    form = forms.OverviewFilterForm(request.GET or None, measure_types=overview.measure_types())
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
        sort=data.get("sort") or "urgency",
        page=data.get("page") or 1,
        per_page=100 if (data.get("scope") == "office") else 50,
        status=data.get("status") or "",
        category=data.get("category") or "",
        age_band=data.get("age_band") or "",
        language=data.get("language") or "",
        interpreter=bool(data.get("interpreter")),
        main_goal=data.get("main_goal") or "",
        activity_type=data.get("activity_type") or "",
        followup_mode=data.get("followup_mode") or "",
        municipality=data.get("municipality") or "",
        measure_type=data.get("measure_type") or "",
    )
    return form, q


def _with(params: QueryDict, **changes) -> str:
    """The query string with some parameters replaced (an empty value drops it) and the page reset."""
    p = params.copy()
    p.pop("page", None)
    for k, v in changes.items():
        p.pop(k, None)
        if v:
            p[k] = v
    return p.urlencode()


@staff_view
def overview_page(request):
    if "tilbake" in request.GET:
        stored = request.session.get(SESSION_KEY, "")
        return redirect(reverse("overview") + (f"?{stored}" if stored else ""))
    form, q = _overview_query(request)
    ov = overview.caseload_overview(user=request.user, query=q, office_or_mine=True, with_settings=True,
                                    with_loads=not is_htmx(request))
    current_qs = request.GET.urlencode()
    if request.session.get(SESSION_KEY) != current_qs:  # written only when it changes
        request.session[SESSION_KEY] = current_qs
    params = request.GET.copy()
    params.pop("page", None)
    current = {"need_group": q.need_group, "priority": q.priority, "sort": q.sort, "category": q.category,
               "age_band": q.age_band, "main_goal": q.main_goal, "activity_type": q.activity_type,
               "followup_mode": q.followup_mode, "measure_type": q.measure_type}
    options = {name: [(v, str(label), v == current[name]) for v, label in form.fields[name].choices] for name in current}
    counters = [(key, _(label), n, _with(params, status="" if q.status == key else key), q.status == key)
                for key, label, n in ov.counter_items]
    sort_links = {key: _with(params, sort=key) for key in overview.SORTS}
    used = [k for k in _DETAIL_FILTERS if request.GET.get(k)] + (["q"] if q.q else [])
    summary = _filter_summary(form, options, used, q)
    # the filter block folds to one line once the list has been filtered or sorted
    folded = bool(used) or bool(q.status) or "sort" in request.GET
    ctx = {
        "form": form, "ov": ov, "q": q, "base_query": params.urlencode(), "options": options,
        "person_prefix": reverse("person", args=[0])[:-2],
        "flag_labels": overview.FLAG_LABELS, "is_leader": ov.is_leader, "is_approver": ov.is_approver,
        "counters": counters, "sort_links": sort_links, "filters_used": len(used), "folded": folded,
        "filter_summary": summary,
        "htmx": is_htmx(request),
        "columns": set(ov.columns), "column_choices": [(k, _(v), k in ov.columns) for k, v in overview.COLUMNS.items()],
        "saved_filters": [(s.pk, s.name, urlencode(s.params)) for s in ov.saved_filters],
        "current_query": _with(params),
        "categories": forms.Category.choices,
    }
    if is_htmx(request):
        return render(request, "followup/_overview_table.html", ctx)
    return render(request, "followup/overview.html", ctx)


def _filter_summary(form, options, used, q) -> list[str]:
    """The filters in use as one line of short labels ("Innsatsgruppe: Standard innsats", "Trenger tolk"),
    for the folded filter block."""
    out = []
    for k in used:
        field = form.fields.get(k)
        label = str(field.label) if field is not None and field.label else k
        if k in options:
            chosen = next((str(lab) for v, lab, sel in options[k] if sel and v), "")
            if chosen:
                out.append(f"{label}: {chosen}")
        elif k == "q":
            out.append(_("Søk: «%(q)s»") % {"q": q.q})
        elif getattr(field.widget, "input_type", "") == "checkbox":
            out.append(label)
        else:
            value = getattr(q, k, "") or form.data.get(k, "")
            if value:
                out.append(f"{label}: {value}")
    return out


def _back(request):
    return redirect(reverse("overview") + "?tilbake=1")


@staff_view
@require_POST
def saved_filter_new(request):
    """Save the current filter under a name. The parameters are the overview's own query string."""
    params = {k: v for k, v in QueryDict(request.POST.get("query", "")).items() if k not in ("page", "tilbake")}
    try:
        services.save_filter(user=request.user, name=request.POST.get("name", ""), params=params)
        messages.success(request, _("Filteret er lagret."))
    except InvalidInput as exc:
        messages.error(request, exc.message + " " + " ".join(f"{k}: {v}" for k, v in exc.errors.items() if v != exc.message))
    return _back(request)


@staff_view
@require_POST
def saved_filter_delete(request, filter_id: int):
    services.delete_saved_filter(user=request.user, saved_filter=filter_id)
    messages.success(request, _("Filteret er slettet."))
    return _back(request)


@staff_view
@require_POST
def overview_columns(request):
    try:
        services.set_columns(user=request.user, columns=request.POST.getlist("columns"))
        messages.success(request, _("Kolonnene er lagret."))
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return _back(request)


@staff_view
@require_POST
def category_bulk(request):
    """Set one colour category (or none) on the clients ticked in the overview, all or nothing."""
    ids = [int(v) for v in request.POST.getlist("clients") if v.isdigit()]
    try:
        n = services.set_category(user=request.user, clients=ids, colour=request.POST.get("colour", ""))
        messages.success(request, _("Kategorien er satt for %(n)s brukere.") % {"n": n})
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return _back(request)


@staff_view
def approval_queue(request):
    queue = selectors.approval_queue(user=request.user)
    return render(request, "followup/approval_queue.html", {"items": queue.items, "me_id": queue.me_id})
