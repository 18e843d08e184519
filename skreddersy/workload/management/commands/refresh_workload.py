"""manage.py refresh_workload [--office ID ...]: store every counsellor's modelled workload (the
follow-up overview's red light reads it); the worker does the same periodically."""

import time

from django.core.management.base import BaseCommand

from skreddersy.workload import services


class Command(BaseCommand):
    help = "Store each counsellor's modelled workload for the overview's red light."

    def add_arguments(self, parser):
        parser.add_argument("--office", type=int, action="append", help="only this office (may be repeated)")

    def handle(self, *args, office, **kw):
        t0 = time.perf_counter()
        n = services.refresh_loads(office_ids=office)
        self.stdout.write(f"{n} veiledere oppdatert ({time.perf_counter() - t0:.1f} s)")
