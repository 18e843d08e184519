from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "skreddersy.core"
    label = "core"
    verbose_name = "Kjerne"
