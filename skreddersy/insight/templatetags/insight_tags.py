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
