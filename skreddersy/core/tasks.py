"""Background tasks of the core, and the schedule that enqueues periodic tasks.

Tasks use Django's Tasks API through the ``django-tasks`` backport (``from django_tasks import
task``) with the database backend (``django-tasks-db``), so the demo needs no broker: a task is a
row in the database until ``manage.py worker`` runs it (docs/decisions/0013-task-framework.md).

Periodic tasks are named in ``settings.PERIODIC_TASKS`` (dotted path -> seconds between runs).
``enqueue_due`` enqueues each one that has no run enqueued within its interval and none waiting
or running; the state lives in the task table itself, so a restarted worker neither repeats nor
skips a due job, and a second worker at worst enqueues one harmless extra run.

A task named in ``settings.PERIODIC_TASK_HOURS`` (dotted path -> (first hour, end hour), local
time) is enqueued only within those hours: a nightly job is ``20 * 3600`` seconds with hours
``(1, 5)``, so it runs at the first check after 01:00 every night (the interval is shorter than a
day less the window, so no night is skipped, and longer than the window, so none runs twice).
"""

from __future__ import annotations

import datetime as dt
import logging
from importlib import import_module

from django.conf import settings
from django.utils import timezone
from django.utils.module_loading import import_string
from django_tasks import task
from django_tasks.base import TaskResultStatus

from skreddersy.core import clock

logger = logging.getLogger(__name__)


@task()
def housekeeping() -> dict:
    """Delete what nothing needs any more: expired sessions, failed logins (django-axes' attempts)
    older than the throttle window, finished task results older than ``TASK_RESULT_RETENTION_DAYS``
    and API idempotency keys past ``IDEMPOTENCY_KEY_TTL_SECONDS``. Returns counts."""
    from axes.models import AccessAttempt
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    sessions = import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()
    expired_sessions, _ = sessions.objects.filter(expire_date__lt=now).delete()
    failure_cutoff = clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    old_failures, _ = AccessAttempt.objects.filter(attempt_time__lt=failure_cutoff).delete()
    result_cutoff = now - dt.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS)
    old_results, _ = DBTaskResult.objects.finished().filter(finished_at__lt=result_cutoff).delete()
    from skreddersy.core import idempotency

    counts = {"expired_sessions": expired_sessions, "login_failures": old_failures, "task_results": old_results,
              "idempotency_keys": idempotency.delete_expired()}
    logger.info("housekeeping: %s", counts)
    return counts


def in_hours(now: dt.datetime, window: tuple[int, int]) -> bool:
    """Whether ``now`` (local time) is within the hours [first, end); a window may pass midnight."""
    first, end = window
    hour = timezone.localtime(now).hour
    return first <= hour < end if first <= end else hour >= first or hour < end


def enqueue_due(now: dt.datetime | None = None) -> list[str]:
    """Enqueue every periodic task that is due; returns the dotted paths enqueued."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    hours = getattr(settings, "PERIODIC_TASK_HOURS", {})
    enqueued = []
    for path, seconds in settings.PERIODIC_TASKS.items():
        if path in hours and not in_hours(now, hours[path]):
            continue
        runs = DBTaskResult.objects.filter(task_path=path)
        pending = runs.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING]).exists()
        recent = runs.filter(enqueued_at__gt=now - dt.timedelta(seconds=seconds)).exists()
        if pending or recent:
            continue
        import_string(path).enqueue()
        enqueued.append(path)
    return enqueued
