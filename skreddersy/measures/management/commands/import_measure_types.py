"""Import the measure-type catalogue from JSON, all or nothing.

    manage.py import_measure_types                  # the shared reference catalogue
    manage.py import_measure_types path/to/file.json [--deactivate-missing]

A malformed file or row is reported with the row and field, and nothing is written.
"""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from skreddersy.core import reference
from skreddersy.core.errors import InvalidInput
from skreddersy.measures import catalogue, services


class Command(BaseCommand):
    help = "Importer tiltakstyper fra JSON (alt eller ingenting)."

    def add_arguments(self, parser):
        parser.add_argument("path", nargs="?", help="JSON-fil (standard: referansekatalogen tiltakstyper.json)")
        parser.add_argument("--deactivate-missing", action="store_true", help="Deaktiver typer som ikke står i filen")

    def handle(self, *args, path=None, deactivate_missing=False, **opts):
        try:
            if path:
                p = Path(path)
                if not p.exists():
                    raise CommandError(f"Fant ikke filen {p}.")
                data = catalogue.load_text(p.read_text(encoding="utf-8"))
            else:
                data = {"types": reference.measure_types()}
            counts = services.import_catalogue(user=None, data=data, deactivate_missing=deactivate_missing)
        except InvalidInput as exc:
            lines = [exc.message] + [f"  {field}: {reason}" for field, reason in exc.errors.items()]
            raise CommandError("\n".join(lines))
        self.stdout.write(self.style.SUCCESS(
            f"Tiltakstyper importert: {counts['created']} nye, {counts['updated']} endret, {counts['unchanged']} uendret"
            + (f", {counts['deactivated']} deaktivert" if deactivate_missing else "") + "."
        ))
