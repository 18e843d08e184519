from django import template

register = template.Library()


@register.filter
def get(mapping, key):
    try:
        return mapping.get(key)
    except AttributeError:
        return None


@register.filter
def stars(p):
    from skreddersy.insight.analysis.results import stars as _stars  # the analysis stack loads on first use

    return _stars(p)


@register.simple_tag
def coef(block, name):
    try:
        return block.coefficient(name)
    except KeyError:
        return None


@register.simple_tag
def tailoring_figure(f, ind):
    """One cell of a tailoring indicator table (``insight/tailoring/page.html``): "skjult" for a
    hidden cell, a dash without data, else the value over numerator/denominator. A tag rather
    than an included template: an office's page has some thousand cells."""
    from django.template.defaultfilters import floatformat
    from django.utils.formats import localize
    from django.utils.html import format_html
    from django.utils.translation import gettext

    if f.hidden:
        return format_html('<span class="tl-hidden">{}</span>', gettext("skjult"))
    if f.value is None:
        return "–"
    value = f"{floatformat(f.value, 0)} %" if ind.kind == "share" else floatformat(f.value, 1)
    return format_html(
        '<span title="{} / {}">{}</span><br><span class="ins-small muted">{}/{}</span>',
        localize(f.numerator),
        localize(f.denominator),
        value,
        floatformat(f.numerator, "-1"),
        localize(f.denominator),
    )
