"""``{% url %}`` with the reversal kept per view name (a template builtin: settings.TEMPLATES).

Django's ``reverse`` walks the URL patterns' possibilities and checks the candidate against its
pattern on every call: some 40 µs. A person page places about a hundred links (an edit link per
activity, two form targets per thread, a link per journal line) and an office overview several
per row, so the reversals came to several milliseconds per page.

For a view name without a namespace and positional arguments that are all non-negative ints, the
URL is the same text around the numbers whatever the numbers are (the ``int`` converter takes any
of them). The first reversal per (view name, number of arguments, URL configuration, script
prefix) is made with stand-in numbers and kept as a format string; later ones fill it in.
Everything else (a keyword argument, a text argument, a namespaced name, a reversal that fails)
takes Django's own ``reverse`` unchanged. With ``SKREDDERSY_CHECK_SHAPES`` on (the test suite)
every kept reversal is compared with Django's.
"""

from __future__ import annotations

from django import template
from django.conf import settings
from django.template.defaulttags import URLNode
from django.template.defaulttags import url as django_url
from django.urls import NoReverseMatch, get_script_prefix, get_urlconf, reverse
from django.utils.html import conditional_escape

register = template.Library()

# stand-ins no real id takes, each appearing once in the reversed text
_STAND_INS = (987_650_001_234, 987_650_002_345, 987_650_003_456, 987_650_004_567)
_KEPT: dict[tuple, str | None] = {}


def _kept_format(view_name: str, n: int) -> str | None:
    key = (view_name, n, get_urlconf(), get_script_prefix())
    if key in _KEPT:
        return _KEPT[key]
    fmt = None
    try:
        text = reverse(view_name, args=list(_STAND_INS[:n]))
    except NoReverseMatch:
        text = None
    if text is not None and all(text.count(str(s)) == 1 for s in _STAND_INS[:n]):
        fmt = text.replace("{", "{{").replace("}", "}}")
        for i, s in enumerate(_STAND_INS[:n]):
            fmt = fmt.replace(str(s), f"{{{i}}}")
    _KEPT[key] = fmt
    return fmt


def fast_reverse(view_name, args) -> str | None:
    """The URL from the kept format, or None where Django's ``reverse`` must do it."""
    if (not isinstance(view_name, str) or ":" in view_name or len(args) > len(_STAND_INS)
            or not all(type(a) is int and a >= 0 for a in args)):
        return None
    fmt = _kept_format(view_name, len(args))
    if fmt is None:
        return None
    out = fmt.format(*args)
    if getattr(settings, "SKREDDERSY_CHECK_SHAPES", False):
        expected = reverse(view_name, args=args)
        if out != expected:
            raise AssertionError(f"fast_url: {view_name!r} gave {out!r}, reverse gives {expected!r}")
    return out


class FastURLNode(URLNode):
    def render(self, context):
        if self.kwargs:
            return super().render(context)
        args = [arg.resolve(context) for arg in self.args]
        url = fast_reverse(self.view_name.resolve(context), args)
        if url is None:
            return super().render(context)
        if self.asvar:
            context[self.asvar] = url
            return ""
        return conditional_escape(url) if context.autoescape else url


@register.tag
def url(parser, token):
    """Django's ``{% url %}`` (same syntax and result), with the reversal kept (module docstring)."""
    node = django_url(parser, token)
    return FastURLNode(node.view_name, node.args, node.kwargs, node.asvar)
