from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from skreddersy.core.errors import ServiceError


class LoginForm(AuthenticationForm):
    username = forms.CharField(label=_("Brukernavn"), max_length=150, widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "username"}))
    password = forms.CharField(label=_("Passord"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}))

    error_messages = {
        "invalid_login": _("Feil brukernavn eller passord."),
        "inactive": _("Kontoen er deaktivert."),
        "client_account": _("Dette er innloggingen for Nav-ansatte. Brukere logger inn på Min side: /min-side/logg-inn/"),
    }

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        if getattr(user, "kind", None) == "client":
            raise forms.ValidationError(self.error_messages["client_account"], code="client_account")


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
