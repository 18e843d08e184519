"""When survey figures may be shown, so that no single answer can be found by differencing.

One place for the rules the insight pages, the API and the exports follow:

- Answers reach ``Response`` (what every report reads) only through
  ``services.release_pending_responses``: per office in batches of at least five while the wave is
  open, and all together when it closes. A released snapshot therefore moves in steps of five or
  more, never by one answer.
- A leader sees an office's results only when the wave has closed and every answer is released:
  one static snapshot, so figures cannot be subtracted over time (item by item, or within the
  employer or other groups, whose sizes could move by one even when the office moves by five).
  Within that snapshot the small-group and complementary suppression of ``analysis`` and
  ``reports`` applies.
- Response counts (spent invitations) are shown rounded down to a multiple of five while the
  wave is open ("færre enn 5" below five), exact once it has closed.
"""

from __future__ import annotations

from django.utils.translation import gettext as _

from skreddersy.core import clock, suppression
from skreddersy.insight.models import PendingResponse, Wave

STEP = max(5, suppression.MIN_GROUP)


def results_released(wave: Wave, *, now=None) -> bool:
    """True once the wave has closed and no sealed answer of it waits for release."""
    now = now or clock.now()
    return wave.closes_at <= now and not PendingResponse.objects.filter(wave_id=wave.pk).exists()


def shown_count(n: int, *, wave: Wave, now=None) -> int:
    """A response count as it may be shown: exact for a closed wave, otherwise rounded down to a
    multiple of ``STEP`` (0 then means "fewer than five")."""
    now = now or clock.now()
    if wave.closes_at <= now:
        return n
    return n - n % STEP


def withheld_note() -> str:
    return _("Resultatene for kontoret vises når runden er stengt, slik at ingen enkeltsvar kan "
             "regnes ut ved å sammenligne tall fra dag til dag.")
