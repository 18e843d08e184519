"""``manage.py release_pending_responses``: move sealed survey answers into the results, per
office in shuffled batches of at least five, or all of a closed wave's (see
``services.release_pending_responses``). The worker runs it periodically too (``insight.tasks``,
``settings.PERIODIC_TASKS``); closing a wave runs it for that wave."""

from django.core.management.base import BaseCommand

from skreddersy.insight import services


class Command(BaseCommand):
    help = "Frigir innsendte svar i blandede puljer på minst fem per kontor (alle når runden er stengt)."

    def handle(self, *args, **options):
        n = services.release_pending_responses()
        self.stdout.write(f"frigitt: {n}")
