"""``manage.py worker``: run background tasks, and enqueue the periodic ones when they are due.

It is django-tasks-db's ``db_worker`` (all queues) with a scheduler thread beside it that calls
``skreddersy.core.tasks.enqueue_due`` every ``--schedule-every`` seconds. ``make run`` starts it
beside gunicorn. ``--batch`` enqueues what is due once, runs every waiting task and exits (for
cron-style deployments and the tests). SIGINT/SIGTERM stop it after the task in hand.
"""

import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import connections


def _schedule_loop(every: float, stop: threading.Event) -> None:
    from skreddersy.core.tasks import enqueue_due

    while not stop.is_set():
        try:
            enqueue_due()
        except Exception:  # a failed check (database briefly away) is retried at the next tick
            import logging

            logging.getLogger(__name__).exception("periodic schedule check failed")
        finally:
            connections.close_all()
        stop.wait(every)


class Command(BaseCommand):
    help = "Run background tasks (database backend) and enqueue periodic tasks when due."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls for new tasks when idle")
        parser.add_argument("--schedule-every", type=float, default=60.0, help="seconds between checks of the periodic schedule")
        parser.add_argument("--batch", action="store_true", help="enqueue what is due, run all waiting tasks, then exit")

    def handle(self, *, interval, schedule_every, batch, verbosity, **options):
        from skreddersy.core.tasks import enqueue_due

        if batch:
            enqueue_due()
            call_command("db_worker", queue_name="*", batch=True, reload=False, startup_delay=False, verbosity=verbosity)
            return
        stop = threading.Event()
        scheduler = threading.Thread(target=_schedule_loop, args=(schedule_every, stop), name="schedule", daemon=True)
        scheduler.start()
        try:
            call_command("db_worker", queue_name="*", interval=interval, reload=False, verbosity=verbosity)
        finally:
            stop.set()
