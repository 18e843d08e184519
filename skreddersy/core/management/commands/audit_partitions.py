"""Make the audit trail's monthly partitions for this month and the coming ones (PostgreSQL).

Run it monthly (cron, or a scheduled task). A month without its partition is not lost: its
entries land in the default partition and move into the month's partition when it is made."""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import connection

from skreddersy.core import auditstore


class Command(BaseCommand):
    help = "Lag månedspartisjoner for tilgangsloggen (PostgreSQL) for denne og de neste månedene."

    def add_arguments(self, parser):
        parser.add_argument("--ahead", type=int, default=settings.AUDIT_PARTITIONS_AHEAD,
                            help="antall måneder fram (standard AUDIT_PARTITIONS_AHEAD)")

    def handle(self, *args, ahead, **kw):
        if not auditstore.is_partitioned():
            self.stdout.write(f"Tilgangsloggen er en vanlig tabell på {connection.vendor}; ingen partisjoner å lage.")
            return
        made = auditstore.ensure_upcoming(ahead)
        self.stdout.write(("Laget " + ", ".join(made)) if made else "Alle partisjonene fantes.")
