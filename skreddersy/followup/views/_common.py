"""What every follow-up page shares: the two login gates and a few URL helpers.

A page parses its input, calls ONE selector (to show) or ONE service (to act), and renders. That
call checks access and audits, once. A ``ServiceError`` the page does not turn into form errors
rises to ``core.middleware.ServiceErrorPages``, which renders the error page with its status."""

from __future__ import annotations

import functools

from django.contrib.auth.decorators import login_required
from django.urls import reverse

from skreddersy.core.errors import Conflict, InvalidInput
from skreddersy.policy import access

# The errors a form page shows on its form (field and reason); any other rises to the error page.
FORM_ERRORS = (InvalidInput, Conflict)
# A message tagged ``lagret:<anchor>`` is a save's confirmation: the person page shows it beside
# the item it names (its anchor) and moves focus there, not at the top of the page.
SAVED_TAG = "lagret:"


def staff_view(view):
    """The counsellors' workbench: a logged-in staff member with a follow-up role (the gate is
    the policy's ``require_workbench``; which clients they see is the selector's or service's)."""

    @functools.wraps(view)
    @login_required
    def wrapper(request, *args, **kwargs):
        access.require_workbench(request.user)
        return view(request, *args, **kwargs)

    return wrapper


def client_view(view):
    """Min side: a logged-in client, who acts on their own record only (``require_min_side``)."""

    @functools.wraps(view)
    @login_required(login_url="client_login")
    def wrapper(request, *args, **kwargs):
        client_id = access.require_min_side(request.user)
        return view(request, client_id, *args, **kwargs)

    return wrapper


def is_htmx(request) -> bool:
    return request.headers.get("HX-Request") == "true"


def person_url(client_id: int, anchor: str = "") -> str:
    return reverse("person", args=[client_id]) + (f"#{anchor}" if anchor else "")


def saved(request, text: str, anchor: str) -> None:
    """Confirm a save beside the item saved (``anchor`` on the person page, e.g. ``traad-12``)."""
    from django.contrib import messages

    messages.success(request, text, extra_tags=SAVED_TAG + anchor)


def mark_language(request, form, *, client_id: int, subject: str, object_id: int | None) -> None:
    """After a counsellor's text is saved: store the interpreter or translation mark the form
    offered (``ClientTextForm``), if the counsellor chose one."""
    from skreddersy.followup import services

    mark = form.language_mark()
    if mark:
        services.mark_language_need(user=request.user, client=client_id, subject=subject, object_id=object_id, **mark)
