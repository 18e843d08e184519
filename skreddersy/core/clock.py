"""One place to ask what time it is, so tests and benchmarks can fix it."""

import datetime as dt

from django.utils import timezone

_frozen: dt.datetime | None = None


def now() -> dt.datetime:
    return _frozen or timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


def freeze(at: dt.datetime | None) -> None:
    """Fix the clock (None releases it). For tests and deterministic seeding."""
    global _frozen
    _frozen = at
