from django.apps import AppConfig


class TimeUseConfig(AppConfig):
    name = "skreddersy.timeuse"
    label = "timeuse"
    verbose_name = "Tidsbruk"
    default_auto_field = "django.db.models.BigAutoField"
