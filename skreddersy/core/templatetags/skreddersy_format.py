"""Numbers as people read them: ``{% load skreddersy_format %}{{ n|thousands }}``.

Grouped in threes with the active language's separator: Norwegian (bokmål and nynorsk) uses a
narrow no-break space (U+202F, as Språkrådet and the Unicode CLDR write 12 345) and a decimal
comma; English a comma and a decimal point. The separator never breaks a line. ``decimals``
rounds (half away from zero is not promised: Python's round-half-even on the decimal)."""

from __future__ import annotations

import datetime as dt
import functools
from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django import template
from django.conf import settings
from django.utils import dateformat, translation
from django.utils.formats import FORMAT_SETTINGS, get_format

from skreddersy.core import stored_text as texts

register = template.Library()

NARROW_NBSP = "\u202f"
SEPARATORS = {"nb": (NARROW_NBSP, ","), "nn": (NARROW_NBSP, ","), "no": (NARROW_NBSP, ","), "en": (",", ".")}


def separators(language: str | None = None) -> tuple[str, str]:
    lang = (language or translation.get_language() or "nb").split("-")[0].lower()
    return SEPARATORS.get(lang, SEPARATORS["nb"])


def group_digits(digits: str, sep: str) -> str:
    head = len(digits) % 3 or 3
    return sep.join([digits[:head]] + [digits[i : i + 3] for i in range(head, len(digits), 3)])


def format_number(value, decimals: int | None = None, language: str | None = None) -> str:
    """``value`` (int, float, Decimal or a numeric string) with grouped thousands; anything else
    comes back unchanged as text (a template must never fail on a missing figure)."""
    if value is None or value == "" or isinstance(value, bool):
        return "" if value in (None, "") else str(value)
    try:
        d = Decimal(str(value))
    except (InvalidOperation, ValueError):
        return str(value)
    if not d.is_finite():
        return str(value)
    if decimals is not None:
        d = d.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_EVEN)
    thousands, point = separators(language)
    sign = "-" if d < 0 else ""
    text = format(abs(d), "f")
    whole, _, frac = text.partition(".")
    out = sign + group_digits(whole, thousands)
    if frac:
        out += point + frac
    return out


@register.filter
def thousands(value, decimals=None):
    """``{{ n|thousands }}`` or ``{{ share|thousands:1 }}`` (one decimal)."""
    try:
        decimals = int(decimals) if decimals not in (None, "") else None
    except (TypeError, ValueError):
        decimals = None
    return format_number(value, decimals)


def named_format(name: str) -> str:
    """The active language's format called ``name``: Django's own names (``SHORT_DATE_FORMAT``)
    and skreddersy's (``WEEKDAY_DATE_FORMAT``, ``skreddersy/formats/<lang>/formats.py``), bokmål's
    when the language has none."""
    if name in FORMAT_SETTINGS:
        return get_format(name)
    return _own_format(translation.get_language() or "nb", name, str(settings.FORMAT_MODULE_PATH))


@functools.lru_cache(maxsize=256)
def _own_format(lang: str, name: str, _module_path: str) -> str:
    """``named_format`` for skreddersy's own names, looked up once per language (a list of 100 rows
    asks for the same format on every row; the format module path is part of the key)."""
    from django.utils.formats import iter_format_modules

    for lang_code in (lang, "nb"):
        for module in iter_format_modules(lang_code):
            fmt = getattr(module, name, None)
            if fmt:
                return fmt
    return name


def format_date(value, name: str = "SHORT_DATE_FORMAT") -> str:
    """A date or datetime in the active language's named format (Python code's ``|date``)."""
    if value in (None, ""):
        return ""
    fmt = named_format(name)
    if type(value) is dt.date:  # a day (not a moment): lists show the same few days on many rows
        return _format_day(value, fmt, translation.get_language() or "nb")
    return dateformat.format(value, fmt)


@functools.lru_cache(maxsize=4096)
def _format_day(day, fmt: str, _lang: str) -> str:
    """``format_date`` for a day, remembered per day, format and language (month and weekday names
    are the language's)."""
    return dateformat.format(day, fmt)


@register.filter(expects_localtime=True)
def ldate(value, name):
    """``{{ day|ldate:"WEEKDAY_DATE_FORMAT" }}``: a date in one of skreddersy's own named formats
    (beyond Django's DATE_FORMAT and friends) in the active language; empty for no date."""
    try:
        return format_date(value, str(name))
    except (AttributeError, TypeError, ValueError):
        return ""


@register.filter
def refname(entry, field="name"):
    """``{{ group|refname }}``: a reference-data entry's name in the active language
    (``core.reference.localized``: its ``name_en`` in English, else ``name_no``)."""
    from skreddersy.core import reference

    if not isinstance(entry, dict):
        return entry
    return reference.localized(entry, str(field))


@register.filter
def measure_type_name(measure_type):
    """``{{ o.measure_type|measure_type_name }}``: the type's name in the active language
    (``core.reference.measure_type_name``)."""
    from skreddersy.core import reference

    if measure_type is None:
        return ""
    return reference.measure_type_name(getattr(measure_type, "code", ""), getattr(measure_type, "name", ""))


@register.filter
def norwegian_wording(text):
    """``{{ item.text|norwegian_wording }}``: a survey item in its published Norwegian wording. On
    a page in another language it is marked as Norwegian (``lang="nb"``, so a screen reader reads
    it as Norwegian) and as not yet translated, since no published English wording exists for
    the items in the bank and the product does not make one up."""
    from django.utils.html import format_html

    if text in (None, ""):
        return ""
    lang = (translation.get_language() or "nb").split("-")[0].lower()
    if lang in ("nb", "nn", "no"):
        return text
    return format_html(
        '<span lang="nb">{}</span> <span class="app-untranslated">({})</span>',
        text,
        translation.gettext("ikke oversatt ennå: publisert norsk ordlyd"),
    )


@register.filter
def stored_text(value):
    """``{{ task.title|stored_text }}``: text the product stored in Norwegian (a task's title, an
    activity it added) in the active language (``core.stored_text.render``); what a person wrote
    is shown as written."""
    return texts.render(value) if isinstance(value, str) else value
