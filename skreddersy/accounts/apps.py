from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The site's own pages above the access policy: staff login (with the lock after repeated
    failures), logout, the start page that sends each role to its work, the audit log page and the
    health check. No models: login failures and the audit log are core's tables."""

    name = "skreddersy.accounts"
    label = "accounts"
    verbose_name = "Innlogging og tilgangslogg"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_language_chosen_before_login, dispatch_uid="accounts.language_at_login")


def _language_chosen_before_login(sender, request, user, **kwargs):
    """A language picked on a login page (before anyone was logged in) becomes the user's saved
    choice when they log in; otherwise the saved choice applies (core/middleware.py UserLanguage)."""
    from skreddersy.accounts import services
    from skreddersy.accounts.views import LANGUAGE_CHOSEN
    from skreddersy.core.errors import InvalidInput

    session = getattr(request, "session", None)
    code = session.pop(LANGUAGE_CHOSEN, None) if session is not None else None
    if code:
        try:
            services.set_language(user=user, language=code)
        except InvalidInput:
            pass
