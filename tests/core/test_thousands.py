"""Numbers with thousands separators in the active language: Norwegian groups with a narrow
no-break space (12 345,5), English with a comma (12,345.5). Checked against an independent
implementation (Python's own format spec) over many numbers."""

from decimal import Decimal

from django.template import Context, Template
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core.templatetags.skreddersy_format import NARROW_NBSP, format_number

INTS = st.integers(min_value=-(10**15), max_value=10**15)


@given(INTS)
def test_norwegian_integers_group_by_three_with_a_narrow_no_break_space(n):
    out = format_number(n, language="nb")
    assert out == f"{n:,}".replace(",", NARROW_NBSP)  # the independent implementation
    assert out.replace(NARROW_NBSP, "") == str(n)  # nothing lost, nothing added
    assert " " not in out  # never an ordinary (breaking) space


@given(INTS)
def test_english_integers_group_with_a_comma(n):
    assert format_number(n, language="en") == f"{n:,}"


@given(
    st.decimals(min_value=-(10**12), max_value=10**12, places=2, allow_nan=False, allow_infinity=False),
    st.integers(min_value=0, max_value=3),
)
def test_decimals_round_and_use_the_language_s_decimal_mark(d, places):
    nb = format_number(d, places, language="nb")
    en = format_number(d, places, language="en")
    q = d.quantize(Decimal(1).scaleb(-places))
    expected = f"{abs(q) if q == 0 else q:,.{places}f}"  # never "-0"
    assert en == expected
    assert nb == expected.replace(",", NARROW_NBSP).replace(".", ",")


@given(st.floats(min_value=-1e9, max_value=1e9, allow_nan=False))
def test_floats_keep_their_value(x):
    out = format_number(x, 2, language="en")
    assert abs(float(out.replace(",", "")) - x) <= 0.005 + 1e-9


def test_the_filter_follows_the_active_language_and_leaves_non_numbers_alone():
    t = Template(
        "{% load skreddersy_format %}{{ a|thousands }}|{{ b|thousands:1 }}|{{ c|thousands }}|{{ d|thousands }}"
    )
    ctx = Context({"a": 1234567, "b": 9876.54, "c": "–", "d": None})
    with translation.override("nb"):
        assert t.render(ctx) == f"1{NARROW_NBSP}234{NARROW_NBSP}567|9{NARROW_NBSP}876,5|–|"
    with translation.override("en"):
        assert t.render(ctx) == "1,234,567|9,876.5|–|"
