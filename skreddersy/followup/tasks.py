"""Periodic work of follow-up (``settings.PERIODIC_TASKS``; ``manage.py worker`` runs it)."""

from django_tasks import task

from skreddersy.followup import meetings


@task()
def remind_meetings() -> int:
    """The day-before reminder of every meeting tomorrow, once each; returns how many (no personal data)."""
    return meetings.send_reminders()
