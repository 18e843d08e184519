"""British English (GOV.UK style): 8 December 2026, 08/12/2026, 14:30."""

DATE_FORMAT = "j F Y"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "j F Y, H:i"
YEAR_MONTH_FORMAT = "F Y"
MONTH_DAY_FORMAT = "j F"
SHORT_DATE_FORMAT = "d/m/Y"
SHORT_DATETIME_FORMAT = "d/m/Y H:i"
FIRST_DAY_OF_WEEK = 1  # Monday
DATE_INPUT_FORMATS = ["%d/%m/%Y", "%d/%m/%y", "%Y-%m-%d", "%d.%m.%Y"]
DATETIME_INPUT_FORMATS = [
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d",
    "%d.%m.%Y %H:%M",
]
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3

# skreddersy's own named formats (the ``ldate`` filter)
WEEKDAY_DATE_FORMAT = "l j F Y"  # Tuesday 8 December 2026
WEEKDAY_MONTH_DAY_FORMAT = "l j F"  # Tuesday 8 December
WEEKDAY_SHORT_FORMAT = "l j/n"  # Tuesday 8/12
MONTH_DAY_TIME_FORMAT = "j F, H:i"  # 8 December, 14:30
SHORT_MONTH_DAY_FORMAT = "d/m"  # 08/12
SHORT_MONTH_DAY_TIME_FORMAT = "d/m H:i"
SHORT_DATETIME_SECONDS_FORMAT = "d/m/Y H:i:s"
SHORT_MONTH_YEAR_FORMAT = "m/y"
