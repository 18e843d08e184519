"""The caseload overview (Min oversikt) and the second approver's queue."""

from __future__ import annotations

from django.shortcuts import render
from django.urls import reverse

from skreddersy.followup import forms, overview, selectors
from skreddersy.followup.views._common import is_htmx, staff_view


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
    ov = overview.caseload_overview(user=request.user, query=q, office_or_mine=True)
    params = request.GET.copy()
    params.pop("page", None)
    current = {"need_group": q.need_group, "priority": q.priority, "sort": q.sort}
    options = {name: [(v, str(label), v == current[name]) for v, label in form.fields[name].choices]
               for name in ("need_group", "priority", "sort")}
    ctx = {
        "form": form, "ov": ov, "q": q, "base_query": params.urlencode(), "options": options,
        "person_prefix": reverse("person", args=[0])[:-2],
        "flag_labels": overview.FLAG_LABELS, "is_leader": ov.is_leader, "is_approver": ov.is_approver,
    }
    if is_htmx(request):
        return render(request, "followup/_overview_table.html", ctx)
    return render(request, "followup/overview.html", ctx)


@staff_view
def approval_queue(request):
    queue = selectors.approval_queue(user=request.user)
    return render(request, "followup/approval_queue.html", {"items": queue.items, "me_id": queue.me_id})
