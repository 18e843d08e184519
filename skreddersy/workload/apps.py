from django.apps import AppConfig


class WorkloadConfig(AppConfig):
    name = "skreddersy.workload"
    label = "workload"
    verbose_name = "Arbeidsbelastning"
    default_auto_field = "django.db.models.BigAutoField"
