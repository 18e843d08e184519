"""The nightly refresh of the tailoring indicators is a periodic task: named in the worker's
schedule for the night hours, and when it runs it stores the same figures as the command and
seals the calibration rounds that have closed."""

from __future__ import annotations

import datetime as dt
import io

from django.conf import settings
from django.core.management import call_command
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from skreddersy.core import clock
from skreddersy.core.tasks import enqueue_due
from skreddersy.insight.models import CalibrationRound, TailoringFigure
from skreddersy.insight.tasks import refresh_tailoring
from tests.insight.test_tailoring_indicators import _clock, caseload  # noqa: F401 (fixtures)

PATH = "skreddersy.insight.tasks.refresh_tailoring"


def _local(day: dt.date, hour: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 5)))


def test_the_refresh_is_scheduled_for_the_night_once(db):
    assert PATH in settings.PERIODIC_TASKS
    assert settings.PERIODIC_TASK_HOURS[PATH] == (1, 5)
    day = timezone.localdate() + dt.timedelta(days=1)
    assert PATH not in enqueue_due(now=_local(day, 14))  # never in the working day
    assert PATH in enqueue_due(now=_local(day, 1))
    DBTaskResult.objects.filter(task_path=PATH).update(
        enqueued_at=_local(day, 1), status=TaskResultStatus.SUCCESSFUL, finished_at=_local(day, 1)
    )
    assert PATH not in enqueue_due(now=_local(day, 3))  # once a night
    assert PATH in enqueue_due(now=_local(day + dt.timedelta(days=1), 1))  # and the next night again


def test_the_task_stores_the_figures_and_seals_closed_rounds(caseload):  # noqa: F811
    now = clock.now()
    closed = CalibrationRound.objects.create(
        title="Stengt", opens_at=now - dt.timedelta(days=9), closes_at=now - dt.timedelta(days=1)
    )
    still_open = CalibrationRound.objects.create(
        title="Åpen", opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=1)
    )
    done = refresh_tailoring.call()
    assert done == {"rows": TailoringFigure.objects.count(), "sealed_rounds": 1}
    closed.refresh_from_db()
    still_open.refresh_from_db()
    assert closed.sealed and not still_open.sealed
    # the figures are those of the refresh: office A's March choices, 8 from 5 counsellors
    office = TailoringFigure.objects.get(
        level="office", office=caseload["a"], family="choices", month=dt.date(2026, 3, 1)
    )
    assert office.counts["n"] == 8 and office.contributors == 5 and not office.hidden
    stored = sorted(TailoringFigure.objects.values_list("level", "family", "month", "hidden"))
    # the command does the same (and finds no round left to seal)
    out = io.StringIO()
    call_command("refresh_tailoring", stdout=out)
    assert "0 kalibreringsrunder forseglet" in out.getvalue()
    assert sorted(TailoringFigure.objects.values_list("level", "family", "month", "hidden")) == stored
