"""``manage.py load_item_bank``: create or update the item bank from the product's reference item bank (skreddersy/reference/instruments.json)."""

from django.core.management.base import BaseCommand

from skreddersy.insight import services


class Command(BaseCommand):
    help = "Laster påstandsbanken (instrumenter, påstander, skalaer, indekser) fra referansefilen."

    def handle(self, *args, **options):
        counts = services.load_item_bank(user=None)
        self.stdout.write(", ".join(f"{k}: {v}" for k, v in counts.items()))
