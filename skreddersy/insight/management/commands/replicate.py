"""``manage.py replicate terum-sadeghi-2021``: published vs reproduced, flagged, diagnosed."""

import json

from django.core.management.base import BaseCommand, CommandError

from skreddersy.insight import replication


class Command(BaseCommand):
    help = "Replikerer en publisert studie og skriver publiserte og reproduserte verdier side om side."

    def add_arguments(self, parser):
        parser.add_argument("study", help=f"studien som skal replikeres ({replication.STUDY_KEY})")
        parser.add_argument("--seed", type=int, default=2021, help="frø for de syntetiske dataene")
        parser.add_argument("--json", action="store_true", help="skriv JSON i stedet for tabell")
        parser.add_argument("--csv", metavar="FIL", help="skriv sammenligningen til en CSV-fil")
        parser.add_argument("--data", metavar="FIL", help="skriv de syntetiske respondentdataene (.csv eller .sav)")
        parser.add_argument("--matrix", choices=["printed", "corrected"], default="printed",
                            help="kalibrer de syntetiske dataene mot vedleggsmatrisen som trykt eller korrigert")

    def handle(self, *args, study, seed, json: bool = False, csv=None, data=None, matrix="printed", **options):
        if study != replication.STUDY_KEY:
            raise CommandError(f"Ukjent studie «{study}». Kjente: {replication.STUDY_KEY}.")
        report = replication.replicate(seed=seed, matrix=matrix)
        if json:
            self.stdout.write(_json(report.to_dict()))
        else:
            self.stdout.write(report.as_text())
        if csv:
            report.to_frame().to_csv(csv, index=False)
            self.stderr.write(f"Sammenligningen er skrevet til {csv}")
        if data:
            from skreddersy.insight import io

            if data.endswith(".sav"):
                with open(data, "wb") as fh:
                    fh.write(io.to_sav_bytes(replication.sav_table(report.synthetic)))
            else:
                replication.synthetic_frame(report.synthetic).to_csv(data, index=False)
            self.stderr.write(f"Syntetiske data er skrevet til {data}")


def _json(obj) -> str:
    return json.dumps(obj, ensure_ascii=False, indent=2, default=float)
