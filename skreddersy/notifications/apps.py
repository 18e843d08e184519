from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "skreddersy.notifications"
    label = "notifications"
    verbose_name = "Varsler"
    default_auto_field = "django.db.models.BigAutoField"
