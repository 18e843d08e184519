"""The client's language on the pages that carry it: the § 14 a decision letter (HTML and PDF) in
the client's written standard, and the plain-language check a counsellor sees as they write."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.http import require_GET, require_POST

from skreddersy.core import plain_language
from skreddersy.followup import letters, selectors
from skreddersy.followup.views._common import staff_view

# The longest text the live check reads (a decision's justification is at most a few pages).
CHECK_MAX_CHARS = 20000


def _letter(request, decision_id: int):
    decision = selectors.decision_letter(user=request.user, decision_id=decision_id)
    return decision, letters.build(decision)


@login_required
@require_GET
def decision_letter(request, decision_id: int):
    """The letter as the client reads it (staff who may see the client, or the client themself)."""
    decision, letter = _letter(request, decision_id)
    with translation.override(letter.language):
        return render(
            request,
            "followup/decision_letter.html",
            {
                "decision": decision,
                "client": decision.client,
                "letter": letter,
                "legal_basis": letters.legal_basis(),
                "is_client": request.user.kind == "client",
            },
        )


@login_required
@require_GET
def decision_letter_pdf(request, decision_id: int):
    decision, letter = _letter(request, decision_id)
    response = HttpResponse(letters.as_pdf(letter), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="vedtak-{decision.pk}.pdf"'
    response["Content-Language"] = letter.language
    return response


@staff_view
@require_POST
def plain_language_check(request):
    """The live plain-language check (htmx): the text of the field named by ``field`` in the
    posted form, scored by ``core.plain_language``. Reads no client data and writes nothing."""
    name = request.POST.get("plain_field", "")
    text = request.POST.get(name, "") if name else ""
    result = plain_language.check(text[:CHECK_MAX_CHARS])
    return render(request, "followup/_plain_language.html", {"r": result, "truncated": len(text) > CHECK_MAX_CHARS})


@staff_view
@require_POST
def language_need_done(request, need_id: int):
    """The interpreter is booked or the translated version sent: the mark leaves the person page."""
    from django.contrib import messages
    from django.shortcuts import redirect
    from django.utils.translation import gettext as _

    from skreddersy.followup import services
    from skreddersy.followup.views._common import person_url

    mark = services.language_need_done(user=request.user, mark=need_id)
    messages.success(request, _("Merket som fulgt opp."))
    return redirect(person_url(mark.client_id))
