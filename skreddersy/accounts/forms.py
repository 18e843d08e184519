from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.utils.translation import gettext_lazy as _

from skreddersy.core import login
from skreddersy.core.models import AccessGrant
from skreddersy.followup.forms import StyledForm


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


class GrantForm(StyledForm):
    """Give or take away a role, clearance or employer, or an office membership or team
    (accounts.services.request_grant)."""

    nav_ident = forms.CharField(label=_("Nav-ident"), max_length=7)
    what = forms.ChoiceField(label=_("Hva"), choices=AccessGrant.What.choices)
    change = forms.ChoiceField(label=_("Endring"), choices=AccessGrant.Change.choices, initial=AccessGrant.Change.GRANT)
    office = forms.CharField(label=_("Kontor (enhetsnummer)"), max_length=4, required=False,
                             help_text=_("Bare for kontortilknytning og team: kontoret personen skal inn i eller ut av."))
    team = forms.CharField(label=_("Team"), max_length=120, required=False,
                           help_text=_("Valgfritt når personen knyttes til et kontor; påkrevd når teamet endres."))
    reason = forms.CharField(label=_("Begrunnelse"), max_length=1000,
                             help_text=_("Hvorfor trengs endringen? Begrunnelsen lagres i tilgangsloggen."),
                             widget=forms.Textarea(attrs={"rows": 3}))


class RefuseGrantForm(StyledForm):
    decision_reason = forms.CharField(label=_("Begrunnelse for avslaget"), max_length=1000,
                                      widget=forms.Textarea(attrs={"rows": 2}))


class PasswordResetForm(StyledForm):
    """An administrator sets another login's password (accounts.services.reset_password)."""

    password = forms.CharField(label=_("Nytt passord"), strip=False,
                               widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    password_again = forms.CharField(label=_("Nytt passord en gang til"), strip=False,
                                     widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}))
    reason = forms.CharField(label=_("Begrunnelse"), max_length=1000,
                             help_text=_("Hvorfor settes passordet? Begrunnelsen lagres i tilgangsloggen, passordet ikke."),
                             widget=forms.Textarea(attrs={"rows": 3}))
