from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from skreddersy.core import login
from skreddersy.core.errors import ServiceError


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Brukernavn"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Passord"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Feil brukernavn eller passord."),
        "inactive": _("Kontoen er deaktivert."),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if getattr(user, "kind", None) == "client":
            # the same answer as a wrong password (and counted as a failure): the staff login
            # does not confirm that a client's password is right; the page says where clients log in
            login.refuse(self)
            raise self.get_invalid_login_error()


def apply_service_error(form: forms.Form, exc: ServiceError) -> None:
    """Put a service's field errors on the form's fields (unknown fields become form-wide errors)."""
    placed = False
    for fld, reason in (exc.errors or {}).items():
        name = fld.split(".")[0] if fld else None
        if name in form.fields:
            form.add_error(name, reason)
            placed = True
        elif fld:
            form.add_error(None, reason)
            placed = True
    if not placed:
        form.add_error(None, exc.message)
