"""The periodic drain of the outbox (``settings.PERIODIC_TASKS``; ``manage.py worker`` runs it)."""

from django_tasks import task

from skreddersy.notifications import delivery


@task()
def drain_notifications() -> dict:
    """Deliver every notification that is due; returns the counts (no personal data)."""
    return delivery.drain()
