"""Login throttling with django-axes (docs/decisions/0017-login-throttling-django-axes.md).

Axes counts failed logins per *normalised* username, on every form that authenticates (the
staff login, Min side's login and the admin site's login), and locks that username for a cool-off
period once ``AXES_FAILURE_LIMIT`` failures stand against it. It does not lock an address:
everyone behind one proxy or NAT with the right password still gets in.

The username is normalised before it is counted, so variants of one name share one counter:
Unicode compatibility forms (NFKC: full-width letters, ligatures), case (casefold) and every
whitespace or invisible formatting character (a trailing space, a zero-width space) are folded
away. Usernames never contain those characters, so nothing real is merged.
"""

from __future__ import annotations

import unicodedata

from django.contrib.auth.signals import user_login_failed

_INVISIBLE = {"Cc", "Cf", "Zs", "Zl", "Zp", "Mn"}


def normalise_username(raw) -> str:
    text = unicodedata.normalize("NFKC", str(raw or ""))
    text = unicodedata.normalize("NFKC", text.casefold())
    text = unicodedata.normalize("NFKD", text)  # split accents off so that a combining mark cannot pad a name
    text = "".join(ch for ch in text if not ch.isspace() and unicodedata.category(ch) not in _INVISIBLE)
    return unicodedata.normalize("NFKC", text)[:150]


def axes_username(request, credentials=None) -> str:
    """``AXES_USERNAME_CALLABLE``: the username axes counts and locks."""
    raw = None
    if credentials:
        raw = credentials.get("username")
    if raw is None and request is not None:
        raw = getattr(request, "POST", {}).get("username")
    return normalise_username(raw)


def refuse(form) -> None:
    """Count a refusal of right credentials on the wrong login (a staff account on Min side, a
    client account on the staff login) as a failure, as a wrong password is, so that neither the
    answer nor the lock-out tells the two apart."""
    user_login_failed.send(sender=type(form), credentials={"username": form.cleaned_data.get("username", "")},
                           request=form.request)


def admin_login_form():
    """The admin site's login form: a right password of an account without admin access is
    answered as a wrong one (Django does that) and counted as a failure like one (added here)."""
    from django.contrib.admin.forms import AdminAuthenticationForm
    from django.core.exceptions import ValidationError

    class AdminLoginForm(AdminAuthenticationForm):
        def confirm_login_allowed(self, user):
            try:
                super().confirm_login_allowed(user)
            except ValidationError:
                refuse(self)
                raise

    return AdminLoginForm
