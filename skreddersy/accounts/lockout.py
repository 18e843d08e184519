"""The answer to a locked-out login (``AXES_LOCKOUT_CALLABLE``; the throttle itself is in
core/login.py, decision 0017). Here rather than in core because it renders the login pages."""

from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS
from django.forms.utils import ErrorDict
from django.shortcuts import render
from django.utils.translation import gettext as _

from skreddersy.accounts.forms import LoginForm


def locked_out(request, response=None, credentials=None):
    """The login page again (Min side's own on its path), with the reason, status 429. The same
    answer whatever the password was."""
    form = LoginForm(request)
    form.cleaned_data = {}
    form._errors = ErrorDict({NON_FIELD_ERRORS: form.error_class(
        [_("For mange mislykkede innlogginger. Vent 15 minutter og prøv igjen.")])})
    template = "clients/login.html" if request.path.startswith("/min-side/") else "accounts/login.html"
    return render(request, template, {"form": form}, status=429)
