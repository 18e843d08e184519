"""manage.py seed --scale demo|national [--seed N] [--if-empty]

Demo: 2 counties, 4 offices, about 30 staff with demo logins, about 1,500 clients with months of
history. National: about 300 offices, 5,000 counsellors, 400,000 clients and millions of
activities, messages and journal entries, bulk-loaded in batches (COPY on PostgreSQL).
Deterministic for a given --seed (timestamps are relative to the start of today).

Each installed app with a ``seeding`` module adds its part; the command finds them through the
app registry, in INSTALLED_APPS order, and imports no app itself (see core/seeding/__init__.py).
"""

import datetime as dt
import importlib
import random
import resource
import sys
import time

from django.apps import apps
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.module_loading import module_has_submodule
from tqdm import tqdm

from skreddersy.core.seeding import SeedContext

SCALES = ("demo", "national")


def seeding_parts() -> list[tuple[str, object]]:
    """(app label, seeding module) of every installed app that has one, in INSTALLED_APPS order."""
    parts = []
    for config in apps.get_app_configs():
        if module_has_submodule(config.module, "seeding"):
            parts.append((config.label, importlib.import_module(f"{config.name}.seeding")))
    return parts


class Command(BaseCommand):
    help = "Load demo or national-scale synthetic data."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=SCALES, default="demo")
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument("--clients", type=int, help="override the number of clients")
        parser.add_argument("--if-empty", action="store_true", help="do nothing when clients already exist")
        parser.add_argument("--batch", type=int, default=20000)
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, scale, seed, clients, if_empty, batch, no_progress, **kw):
        parts = seeding_parts()
        if any(mod.has_data() for _label, mod in parts if hasattr(mod, "has_data")):
            if if_empty:
                self.stdout.write("Demodata finnes allerede; hopper over seeding.")
                return
            raise CommandError("Databasen har allerede brukere. Seed en tom database (manage.py flush eller ny fil).")
        start = time.perf_counter()
        # Timestamps are relative to noon (UTC) today, so reruns on the same day are identical.
        midnight = timezone.now().astimezone(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
        bars = []

        def progress(label, total):
            bar = tqdm(total=total, desc=label, unit="rad", file=sys.stderr, disable=no_progress, mininterval=1.0)
            bars.append(bar)
            return bar.update

        ctx = SeedContext(scale=scale, rng=random.Random(seed), now=midnight, batch=batch, progress=progress, clients=clients)
        if connection.vendor == "sqlite" and not connection.in_atomic_block:
            with connection.cursor() as cur:
                # Bulk load: no fsync and a large page cache; the next connection is back to NORMAL.
                cur.execute("PRAGMA synchronous=OFF")
                cur.execute("PRAGMA cache_size=-524288")
                cur.execute("PRAGMA temp_store=MEMORY")
        for _label, mod in parts:
            if hasattr(mod, "prepare"):
                mod.prepare(ctx)
        steps = [(label, mod.seed) for label, mod in parts if hasattr(mod, "seed")]
        timings = {}
        for label, fn in steps:
            t0 = time.perf_counter()
            with transaction.atomic():
                fn(ctx)
            timings[label] = round(time.perf_counter() - t0, 1)
            self.stderr.write(f"  {label}: {timings[label]} s")
            if connection.vendor == "postgresql":
                # planner statistics for what this step wrote, before the next step reads it: the
                # insight step's reads were planned as if the tables the earlier steps had filled
                # were empty, and took an hour at national scale (a few seconds to analyze)
                with connection.cursor() as cur:
                    cur.execute("ANALYZE")
        for bar in bars:
            bar.close()
        # Fresh planner statistics after a bulk load, so the first queries get good plans
        # (PostgreSQL has had them after each step already).
        if connection.vendor != "postgresql":
            with connection.cursor() as cur:
                cur.execute("ANALYZE")
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        self.stdout.write(
            f"Seed ferdig ({scale}, seed {seed}) på {time.perf_counter() - start:.1f} s, "
            f"topp minnebruk {peak:.0f} MiB, {sum(map(len, ctx.clients_by_office.values()))} brukere."
        )
        self.timings = timings
        self.peak_mib = peak
        if scale == "demo":
            self.stdout.write("Demo-innlogginger: se manage.py demo_logins")
