"""{% url %} with kept reversals (core/templatetags/fast_url.py) gives what Django's reverse gives, for
every view of the product whose URL takes numbers, and leaves every other reversal to Django."""

from __future__ import annotations

import pytest
from django.template import Context, Engine, Template, engines
from django.test import override_settings
from django.urls import NoReverseMatch, get_resolver, reverse
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core.templatetags.fast_url import fast_reverse


def _numeric_views() -> list[tuple[str, int]]:
    """(view name, number of arguments) of every named, non-namespaced URL that reverses with ints."""
    out = []
    for name in get_resolver().reverse_dict:
        if not isinstance(name, str):
            continue
        for possibility, _pattern, _defaults, _converters in get_resolver().reverse_dict.getlist(name):
            for _result, params in possibility:
                try:
                    reverse(name, args=[1] * len(params))
                except NoReverseMatch:
                    continue
                out.append((name, len(params)))
    return sorted(set(out))


VIEWS = _numeric_views()


def test_the_product_has_views_with_numbers_to_check():
    assert len(VIEWS) > 20


@given(data=st.data())
@override_settings(SKREDDERSY_CHECK_SHAPES=False)  # compare here, not inside
def test_every_view_with_numbers_reverses_as_django_does(data):
    name, n = data.draw(st.sampled_from(VIEWS))
    args = data.draw(st.lists(st.integers(0, 2**63), min_size=n, max_size=n))
    got = fast_reverse(name, args)
    assert got == reverse(name, args=args)  # kept for every such view, and the same text


@pytest.mark.parametrize("args", [[-1], [True], ["12"], [1.0], [None]])
def test_other_arguments_are_left_to_django(args):
    name = next(n for n, k in VIEWS if k == 1)
    assert fast_reverse(name, args) is None


def test_the_tag_renders_what_django_s_tag_renders():
    """The product's engine (with the builtin) against a plain Django engine, for kept reversals,
    ``as`` variables, a namespaced name and keyword arguments."""
    name = next(n for n, k in VIEWS if k == 1)
    text = ("{% url '" + name + "' 7 %}|{% url '" + name + "' x as u %}{{ u }}|{% url 'admin:index' %}"
            "|{% url 'admin:insight_wave_change' object_id=x %}")
    got = engines["django"].from_string(text).render({"x": 42})
    plain = Template(text, engine=Engine()).render(Context({"x": 42}))
    assert got == plain
    assert got.startswith(reverse(name, args=[7]))
