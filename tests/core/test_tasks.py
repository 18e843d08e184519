"""Background work: the housekeeping task deletes what nothing needs any more, the schedule
enqueues periodic tasks when due (once), and a real worker process runs an enqueued task."""

import datetime as dt
import os
import subprocess
import sys
from importlib import import_module

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skreddersy.core import clock
from skreddersy.core.tasks import enqueue_due, housekeeping, in_hours

HOUSEKEEPING = "skreddersy.core.tasks.housekeeping"


def _session_model():
    return import_module(settings.SESSION_ENGINE).SessionStore.get_model_class()


def _make_sessions():
    """One expired session and one live one; returns their keys."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    expired, live = store(), store()
    for s in (expired, live):
        s["k"] = 1
        s.create()
    _session_model().objects.filter(session_key=expired.session_key).update(expire_date=timezone.now() - dt.timedelta(minutes=1))
    return expired.session_key, live.session_key


def _make_failures():
    window = dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    old = _attempt("gammel", "10.0.0.1", clock.now() - window - dt.timedelta(minutes=1))
    fresh = _attempt("fersk", "10.0.0.2", clock.now() - window + dt.timedelta(minutes=1))
    return old.pk, fresh.pk


def _attempt(username, address, at):
    """A failed-login record as django-axes keeps it (its attempt time set on creation)."""
    row = AccessAttempt.objects.create(username=username, ip_address=address, user_agent="", http_accept="",
                                       path_info="/logg-inn/", get_data="", post_data="", failures_since_start=1)
    AccessAttempt.objects.filter(pk=row.pk).update(attempt_time=at)
    return row


@pytest.mark.django_db
def test_housekeeping_deletes_expired_sessions_and_old_login_failures_only():
    expired, live = _make_sessions()
    old, fresh = _make_failures()
    counts = housekeeping.call()
    assert counts["expired_sessions"] == 1 and counts["login_failures"] == 1
    keys = set(_session_model().objects.values_list("session_key", flat=True))
    assert live in keys and expired not in keys
    assert set(AccessAttempt.objects.values_list("pk", flat=True)) == {fresh}


@pytest.mark.django_db
def test_housekeeping_prunes_finished_task_results_past_retention_and_keeps_recent_ones():
    old = housekeeping.enqueue()
    recent = housekeeping.enqueue()
    waiting = housekeeping.enqueue()
    long_ago = timezone.now() - dt.timedelta(days=settings.TASK_RESULT_RETENTION_DAYS + 1)
    DBTaskResult.objects.filter(id=old.id).update(status=TaskResultStatus.SUCCESSFUL, finished_at=long_ago)
    DBTaskResult.objects.filter(id=recent.id).update(status=TaskResultStatus.SUCCESSFUL, finished_at=timezone.now())
    DBTaskResult.objects.filter(id=waiting.id).update(enqueued_at=long_ago)
    assert housekeeping.call()["task_results"] == 1
    assert {str(i) for i in DBTaskResult.objects.values_list("id", flat=True)} == {str(recent.id), str(waiting.id)}


def _an_hour_every_task_may_run() -> dt.datetime:
    """Tomorrow, local time, at an hour within every task's hours (``PERIODIC_TASK_HOURS``)."""
    hours = settings.PERIODIC_TASK_HOURS.values()
    hour = next(h for h in range(24) if all(in_hours(timezone.localtime().replace(hour=h), w) for w in hours))
    tomorrow = timezone.localtime() + dt.timedelta(days=1)
    return tomorrow.replace(hour=hour, minute=30, second=0, microsecond=0)


@pytest.mark.django_db
def test_the_schedule_enqueues_a_due_task_once_per_interval():
    now = _an_hour_every_task_may_run()
    assert sorted(enqueue_due(now=now)) == sorted(settings.PERIODIC_TASKS)  # every periodic task, once
    DBTaskResult.objects.update(enqueued_at=now)  # as if the worker's check had run at that time
    assert enqueue_due(now=now) == []  # waiting to run: not again
    DBTaskResult.objects.update(status=TaskResultStatus.SUCCESSFUL, finished_at=now)
    assert enqueue_due(now=now) == []  # ran within the interval: not again
    days = -(-max(settings.PERIODIC_TASKS.values()) // 86400)  # whole days, so the hour is the same
    later = now + dt.timedelta(days=days, seconds=1)
    assert set(enqueue_due(now=later)) == set(settings.PERIODIC_TASKS)
    assert DBTaskResult.objects.filter(task_path=HOUSEKEEPING).count() == 2


@pytest.mark.django_db
def test_a_task_with_hours_is_enqueued_only_within_them_and_once_every_night(settings):
    settings.PERIODIC_TASKS = {HOUSEKEEPING: 20 * 3600}
    settings.PERIODIC_TASK_HOURS = {HOUSEKEEPING: (1, 5)}
    day = (timezone.localtime() + dt.timedelta(days=1)).replace(minute=0, second=0, microsecond=0)
    runs = []
    for hour in range(24 * 3):  # three days, checked every hour
        now = day.replace(hour=0) + dt.timedelta(hours=hour, minutes=1)
        if enqueue_due(now=now):
            DBTaskResult.objects.filter(task_path=HOUSEKEEPING).update(
                enqueued_at=now, status=TaskResultStatus.SUCCESSFUL, finished_at=now
            )
            runs.append(timezone.localtime(now))
    assert [(r.day, r.hour) for r in runs] == [
        ((day + dt.timedelta(days=d)).day, 1) for d in range(3)
    ]  # at 01:xx every night, never in the day
    assert in_hours(day.replace(hour=23), (22, 2)) and in_hours(day.replace(hour=1), (22, 2))
    assert not in_hours(day.replace(hour=2), (22, 2))


def _database_url(connection) -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    auth = s["USER"] + (f":{s['PASSWORD']}" if s["PASSWORD"] else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_process_runs_an_enqueued_task(rerun_on_file_sqlite):
    """`manage.py worker --batch` in its own process, on the test database, picks up the task
    enqueued here (and the schedule's own due run), runs it and records the result."""
    if rerun_on_file_sqlite():  # the worker process cannot see an in-memory database
        return
    from django.db import connection

    expired, live = _make_sessions()
    old, fresh = _make_failures()
    result = housekeeping.enqueue()
    assert result.status == TaskResultStatus.READY

    env = {**os.environ, "DATABASE_URL": _database_url(connection)}
    proc = subprocess.run(
        [sys.executable, "manage.py", "worker", "--batch"],
        cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=120,
    )
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]

    result.refresh()
    assert result.status == TaskResultStatus.SUCCESSFUL
    assert result.return_value["expired_sessions"] == 1 and result.return_value["login_failures"] == 1
    assert not _session_model().objects.filter(session_key=expired).exists()
    assert _session_model().objects.filter(session_key=live).exists()
    assert list(AccessAttempt.objects.values_list("pk", flat=True)) == [fresh]
    assert not DBTaskResult.objects.exclude(status=TaskResultStatus.SUCCESSFUL).exists()
