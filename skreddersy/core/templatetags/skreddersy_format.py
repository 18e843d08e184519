"""Numbers as people read them: ``{% load skreddersy_format %}{{ n|thousands }}``.

Grouped in threes with the active language's separator: Norwegian (bokmål and nynorsk) uses a
narrow no-break space (U+202F, as Språkrådet and the Unicode CLDR write 12 345) and a decimal
comma; English a comma and a decimal point. The separator never breaks a line. ``decimals``
rounds (half away from zero is not promised: Python's round-half-even on the decimal)."""

from __future__ import annotations

from decimal import ROUND_HALF_EVEN, Decimal, InvalidOperation

from django import template
from django.utils import translation

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
