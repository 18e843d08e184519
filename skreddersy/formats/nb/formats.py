"""Norwegian bokmål: Django's ``nb`` formats (8. desember 2026, 08.12.2026, 14:30), and the named
formats skreddersy adds."""

from django.conf.locale.nb.formats import *  # noqa: F403

# skreddersy's own named formats (the ``ldate`` filter)
WEEKDAY_DATE_FORMAT = "l j. F Y"  # tirsdag 8. desember 2026
WEEKDAY_MONTH_DAY_FORMAT = "l j. F"
WEEKDAY_SHORT_FORMAT = "l j.n."
MONTH_DAY_TIME_FORMAT = "j. F H:i"
SHORT_MONTH_DAY_FORMAT = "d.m"
SHORT_MONTH_DAY_TIME_FORMAT = "d.m. H:i"
SHORT_DATETIME_SECONDS_FORMAT = "d.m.Y H:i:s"
SHORT_MONTH_YEAR_FORMAT = "m.y"
