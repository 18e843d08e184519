"""The workload app's periodic task: store every counsellor's modelled workload for the follow-up
overview's red light (``services.refresh_loads``). Enqueued by the schedule in
``settings.PERIODIC_TASKS`` (core/tasks.py) and run by ``manage.py worker``; the management
command ``refresh_workload`` does the same by hand or from cron."""

from __future__ import annotations

from django_tasks import task

from skreddersy.workload import services


@task()
def refresh_loads() -> int:
    """Every office's counsellors' loads; returns how many rows were stored."""
    return services.refresh_loads()
