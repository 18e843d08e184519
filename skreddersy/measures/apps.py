from django.apps import AppConfig


class MeasuresConfig(AppConfig):
    name = "skreddersy.measures"
    label = "measures"
    verbose_name = "Tiltak"
