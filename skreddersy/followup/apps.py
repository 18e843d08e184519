from django.apps import AppConfig


class FollowupConfig(AppConfig):
    name = "skreddersy.followup"
    label = "followup"
    verbose_name = "Oppfølging"
