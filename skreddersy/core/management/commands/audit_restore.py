"""Load an archived month of the audit trail back, and prove it equals the archive.

    manage.py audit_restore /var/lib/skreddersy/audit-archive/audit-2021-01.manifest.json"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skreddersy.core import auditstore


class Command(BaseCommand):
    help = "Legg en arkivert måned av tilgangsloggen tilbake i databasen, og bevis at den er lik arkivet."

    def add_arguments(self, parser):
        parser.add_argument("manifest")

    def handle(self, *args, manifest, **kw):
        try:
            rows = auditstore.restore(Path(manifest))
        except auditstore.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{rows} rader lagt tilbake og lik arkivet.")
