from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "skreddersy.core"
    label = "core"
    verbose_name = "Kjerne"

    def ready(self):
        # A missing or malformed reference file stops the start here, naming file and field,
        # not in the middle of a request.
        from skreddersy.core import reference

        reference.check_all()
