"""Writes for logins: failed attempts, counted for the login lock."""

import datetime as dt

from django.conf import settings

from skreddersy.core import clock
from skreddersy.core.models import LoginFailure


def record_login_failure(*, username: str, address: str) -> None:
    LoginFailure.objects.create(at=clock.now(), username=username[:150].lower(), address=address[:64])
    # Keep the table small: forget failures older than the window.
    cutoff = clock.now() - dt.timedelta(seconds=settings.LOGIN_FAILURE_WINDOW_SECONDS)
    LoginFailure.objects.filter(at__lt=cutoff).delete()


def clear_login_failures(*, username: str) -> None:
    LoginFailure.objects.filter(username=username[:150].lower()).delete()
