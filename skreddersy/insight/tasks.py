"""Insight's periodic tasks, enqueued by the schedule in ``settings.PERIODIC_TASKS`` (core/tasks.py)
and run by ``manage.py worker``:

- ``release_pending_responses``: release sealed survey answers (insight/anonymity.py); the
  management command ``release_pending_responses`` does the same by hand or from cron;
- ``refresh_tailoring`` (nightly, ``settings.PERIODIC_TASK_HOURS``): recompute the stored tailoring
  indicators and seal calibration rounds that have closed, as ``manage.py refresh_tailoring``."""

from __future__ import annotations

from django_tasks import task

from skreddersy.insight import services


@task()
def release_pending_responses() -> int:
    """Move sealed answers into the results, per office in shuffled batches of at least five (all
    of a closed wave's). Returns how many were released (a count, never who)."""
    return services.release_pending_responses()


@task()
def refresh_tailoring() -> dict:
    """The nightly refresh: the last 13 months of tailoring figures for the whole country (with
    the suppression decision) and the sealing of closed calibration rounds. Returns counts only."""
    from skreddersy.insight.tailoring import services as tailoring

    return tailoring.nightly()
