"""Recompute the tailoring indicators (the last 13 months) and seal calibration rounds that have
closed. The worker runs the same every night (``skreddersy.insight.tasks.refresh_tailoring``,
``settings.PERIODIC_TASKS``); this command runs it by hand or from cron."""

from django.core.management.base import BaseCommand

from skreddersy.insight.tailoring import services


class Command(BaseCommand):
    help = "Beregner skreddersømtallene for de siste månedene og forsegler stengte kalibreringsrunder."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=services.DEFAULT_MONTHS)

    def handle(self, *args, months, **options):
        done = services.nightly(months=months)
        self.stdout.write(
            f"{done['rows']} rader skreddersømtall; {done['sealed_rounds']} kalibreringsrunder forseglet."
        )
