"""manage.py seed_workload [--seed N]: record the time on a database seeded before the workload
model existed (the national benchmark copies), and give counsellors their terms. Idempotent:
does nothing when time entries exist."""

import random
import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from skreddersy.workload import seeding, services


class Command(BaseCommand):
    help = "Record minutes on existing contacts and decisions, and counsellors' terms."

    def add_arguments(self, parser):
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, seed, **kw):
        t0 = time.perf_counter()
        rng = random.Random(seed)
        now = timezone.now().replace(hour=12, minute=0, second=0, microsecond=0)
        with transaction.atomic():
            n = 0 if seeding.has_data() else seeding.record_history_time(rng=rng, now=now)
            t = seeding.seed_terms(rng=rng, today=now.date())
        loads = services.refresh_loads()
        self.stdout.write(
            f"{n} tidsregistreringer, {t} arbeidstidsavtaler, {loads} veilederbelastninger ({time.perf_counter() - t0:.1f} s)"
        )
