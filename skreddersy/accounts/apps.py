from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """The site's own pages above the access policy: staff login (with the lock after repeated
    failures), logout, the start page that sends each role to its work, the audit log page and the
    health check. No models: login failures and the audit log are core's tables."""

    name = "skreddersy.accounts"
    label = "accounts"
    verbose_name = "Innlogging og tilgangslogg"
