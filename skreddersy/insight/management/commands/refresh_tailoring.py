"""Recompute the tailoring indicators (the last 13 months) and seal calibration rounds that have
closed. Run nightly."""

from django.core.management.base import BaseCommand

from skreddersy.insight.calibration import services as calibration
from skreddersy.insight.tailoring import services


class Command(BaseCommand):
    help = "Beregner skreddersømtallene for de siste månedene og forsegler stengte kalibreringsrunder."

    def add_arguments(self, parser):
        parser.add_argument("--months", type=int, default=services.DEFAULT_MONTHS)

    def handle(self, *args, months, **options):
        n = services.refresh_indicators(months=months)
        sealed = calibration.seal_due_rounds()
        self.stdout.write(f"{n} rader skreddersømtall; {sealed} kalibreringsrunder forseglet.")
