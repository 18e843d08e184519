from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from skreddersy.core import login


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
