"""The person page, its journal (htmx) and the case export."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode

from skreddersy.core import clock
from skreddersy.followup import export, forms, overview, selectors
from skreddersy.followup.views._common import is_htmx, person_url, staff_view


@staff_view
def person_page(request, client_id: int):
    kinds = selectors.journal_kinds(request.GET.getlist("type"))
    p = selectors.person(user=request.user, client_id=client_id, journal_kinds=kinds or None)
    return render(request, "followup/person.html", {
        "p": p, "client": p.client, "kinds": selectors.JOURNAL_KINDS, "selected_kinds": kinds,
        "reply_form": forms.ReplyForm(), "route_choices": selectors.MESSAGE_ROUTES,
        "flag_labels": overview.FLAG_LABELS, "can_approve_draft": p.can_approve_draft, "now": clock.now(),
    })


@staff_view
def person_journal(request, client_id: int):
    """The journal, filtered by kind (htmx partial; the whole page without htmx)."""
    kinds = selectors.journal_kinds(request.GET.getlist("type"))
    if not is_htmx(request):
        return redirect(person_url(client_id) + ("?" + urlencode({"type": kinds}, doseq=True) if kinds else "") + "#journal")
    entries = selectors.journal(user=request.user, client_id=client_id, kinds=kinds or None)
    return render(request, "followup/_journal.html", {"entries": entries, "kinds": selectors.JOURNAL_KINDS,
                                                       "selected_kinds": kinds})


@staff_view
def export_case(request, client_id: int):
    record = selectors.case_record(user=request.user, client_id=client_id)
    html = export.render_case_record(request, record)
    resp = HttpResponse(html, content_type="text/html; charset=utf-8")
    if request.GET.get("last_ned") == "1":
        resp["Content-Disposition"] = f'attachment; filename="sak-{record.client.pk}.html"'
    resp["Cache-Control"] = "no-store"
    return resp
