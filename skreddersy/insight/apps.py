from django.apps import AppConfig


class InsightConfig(AppConfig):
    name = "skreddersy.insight"
    label = "insight"
    verbose_name = "Innsikt"
