from django.apps import AppConfig


class WorkConfig(AppConfig):
    name = "skreddersy.work"
    label = "work"
    verbose_name = "Arbeid: arbeidsgivere og jobbspesialister"
