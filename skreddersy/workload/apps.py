from django.apps import AppConfig


def _contact_standards(office_ids):
    from .selectors import contact_standards  # at the first overview, not at start-up

    return contact_standards(office_ids)


class WorkloadConfig(AppConfig):
    name = "skreddersy.workload"
    label = "workload"
    verbose_name = "Arbeidsbelastning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The follow-up overview marks clients past their office's contact standard; the standards
        # are this app's table, and followup may not import workload: it asks through this hook
        # (decision 0041, "The client's red light").
        from skreddersy.followup import overview

        overview.register_contact_standards(_contact_standards)
