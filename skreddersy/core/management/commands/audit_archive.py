"""Export one month of the audit trail to a compressed, checksummed archive, prove that it reads
back identically, and (with --drop, PostgreSQL, past the retention period) drop the month.

    manage.py audit_archive --month 2021-01 --out /var/lib/skreddersy/audit-archive [--drop]
    manage.py audit_archive --expired --out DIR --drop      every month past retention

Refuses to drop when the proof fails, when the month is inside AUDIT_RETENTION_MONTHS, or when
the month's rows are not in a partition of their own."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skreddersy.core import auditstore


class Command(BaseCommand):
    help = "Arkiver en måned av tilgangsloggen (gzip + SHA-256), bevis at arkivet er likt databasen, og slett måneden (--drop)."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--month", help="ÅÅÅÅ-MM")
        which.add_argument("--expired", action="store_true", help="alle månedspartisjoner eldre enn oppbevaringstiden")
        parser.add_argument("--out", required=True, help="katalog for arkivfilene")
        parser.add_argument("--drop", action="store_true", help="slett måneden etter bevist arkiv (PostgreSQL)")

    def handle(self, *args, month, expired, out, drop, **kw):
        directory = Path(out)
        try:
            if expired:
                if not auditstore.is_partitioned():
                    raise CommandError("--expired gjelder månedspartisjoner (PostgreSQL).")
                limit = auditstore.retention_limit()
                months = sorted(auditstore.parse_month(f"{n[-6:-2]}-{n[-2:]}") for n in auditstore.partitions()
                                if n.startswith(auditstore.TABLE + "_p"))
                months = [m for m in months if m < limit]
            else:
                months = [auditstore.parse_month(month)]
            for m in months:
                manifest = auditstore.export_month(m, directory)
                _data, manifest_path = auditstore.archive_paths(directory, m)
                rows = auditstore.verify(manifest_path)
                self.stdout.write(f"{m:%Y-%m}: {rows} rader arkivert i {manifest.file} (sha256 {manifest.file_sha256[:16]}…),"
                                  " lest tilbake og lik databasen")
                if drop:
                    auditstore.drop_month(m, manifest_path)
                    self.stdout.write(f"{m:%Y-%m}: partisjonen er slettet")
        except auditstore.ArchiveError as exc:
            raise CommandError(str(exc)) from exc
