"""manage.py seed_long_histories

Adds the national seed's tail of long client histories (thousands of journal entries, a thousand
messages, hundreds of activities for a handful of clients; see ``followup.seeding``) to a database
seeded before the tail was part of ``manage.py seed --scale national``. Idempotent: clients that
already have their history are left alone.
"""

import datetime as dt
import time

from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils import timezone

from skreddersy.followup.seeding import seed_long_histories


class Command(BaseCommand):
    help = "Give a handful of clients very long histories (the national seed's tail)."

    def handle(self, *args, **options):
        t0 = time.perf_counter()
        now = timezone.now().astimezone(dt.UTC).replace(hour=12, minute=0, second=0, microsecond=0)
        with transaction.atomic():
            written = seed_long_histories(now=now)
        with connection.cursor() as cur:
            cur.execute("ANALYZE")
        self.stdout.write(f"Lange historikker: {len(written)} brukere skrevet på {time.perf_counter() - t0:.1f} s.")
