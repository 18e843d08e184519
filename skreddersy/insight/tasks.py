"""Insight's periodic task: release sealed survey answers (insight/anonymity.py). Enqueued by the
schedule in ``settings.PERIODIC_TASKS`` (core/tasks.py) and run by ``manage.py worker``; the
management command ``release_pending_responses`` does the same by hand or from cron."""

from __future__ import annotations

from django_tasks import task

from skreddersy.insight import services


@task()
def release_pending_responses() -> int:
    """Move sealed answers into the results, per office in shuffled batches of at least five (all
    of a closed wave's). Returns how many were released (a count, never who)."""
    return services.release_pending_responses()
