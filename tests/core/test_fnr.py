"""Identity numbers (fødselsnummer and D-number): both mod-11 check digits, birth date, synthetic
numbers recognisable as such, and specific Norwegian reasons for each kind of bad input."""

import datetime as dt
import random

import pytest
from hypothesis import assume, example, given
from hypothesis import strategies as st

from skreddersy.core import fnr

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)

dates = st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2039, 12, 31))
seeds = st.integers(min_value=0, max_value=2**32)


def _mod11(digits: str, weights) -> int | None:
    """Textbook mod 11, written independently of the code under test."""
    r = (-sum(int(d) * w for d, w in zip(digits, weights, strict=True))) % 11
    return None if r == 10 else r


def _build(day: int, month: int, yy: int, individual: int) -> str | None:
    """A number with correct check digits for the given parts, or None when no valid pair exists."""
    first = f"{day:02d}{month:02d}{yy:02d}{individual:03d}"
    k1 = _mod11(first, W1)
    if k1 is None:
        return None
    k2 = _mod11(first + str(k1), W2)
    if k2 is None:
        return None
    return f"{first}{k1}{k2}"


def _first_valid(day, month, yy, individuals) -> str:
    for i in individuals:
        n = _build(day, month, yy, i)
        if n:
            return n
    raise AssertionError("no valid individual number in range")


# --- synthetic numbers -------------------------------------------------------------------------

@given(birth=dates, seed=seeds, d_number=st.booleans())
@example(birth=dt.date(1900, 1, 1), seed=0, d_number=False)
@example(birth=dt.date(2039, 12, 31), seed=1, d_number=True)
@example(birth=dt.date(2000, 2, 29), seed=2, d_number=False)
def test_synthetic_numbers_parse_back_to_the_birth_date_and_are_flagged(birth, seed, d_number):
    number = fnr.synthetic(birth, random.Random(seed), d_number=d_number)
    assert len(number) == 11 and number.isdigit()
    parsed = fnr.parse(number)
    assert parsed.birth_date == birth
    assert parsed.is_synthetic
    assert parsed.is_d_number == d_number
    # Tenor style: month + 80, so it never collides with a real person's number.
    assert int(number[2:4]) == birth.month + 80
    # Both check digits hold by the textbook formula.
    assert _mod11(number[:9], W1) == int(number[9])
    assert _mod11(number[:10], W2) == int(number[10])
    assert fnr.is_valid(number)


@given(birth=dates, seed=seeds, male=st.booleans())
def test_synthetic_numbers_respect_the_requested_sex(birth, seed, male):
    parsed = fnr.parse(fnr.synthetic(birth, random.Random(seed), male=male))
    assert parsed.is_male == male
    assert (int(parsed.value[6:9]) % 2 == 1) == male


@pytest.mark.parametrize("year", [1899, 2040, 1850])
def test_synthetic_numbers_outside_1900_2039_are_refused(year):
    with pytest.raises(ValueError):
        fnr.synthetic(dt.date(year, 6, 1), random.Random(1))


def test_synthetic_generator_is_deterministic_for_a_seed():
    b = dt.date(1990, 5, 17)
    assert fnr.synthetic(b, random.Random(7)) == fnr.synthetic(b, random.Random(7))


# --- single-digit errors and transpositions ------------------------------------------------------

@given(birth=dates, seed=seeds, d_number=st.booleans(), pos=st.integers(0, 10), new=st.integers(0, 9))
def test_any_single_digit_change_is_rejected(birth, seed, d_number, pos, new):
    number = fnr.synthetic(birth, random.Random(seed), d_number=d_number)
    assume(int(number[pos]) != new)
    changed = number[:pos] + str(new) + number[pos + 1:]
    assert not fnr.is_valid(changed)
    with pytest.raises(fnr.InvalidIdentityNumber):
        fnr.parse(changed)


@given(birth=dates, seed=seeds, d_number=st.booleans(), pos=st.integers(0, 9))
def test_any_adjacent_transposition_is_rejected(birth, seed, d_number, pos):
    number = fnr.synthetic(birth, random.Random(seed), d_number=d_number)
    assume(number[pos] != number[pos + 1])
    swapped = number[:pos] + number[pos + 1] + number[pos] + number[pos + 2:]
    assert not fnr.is_valid(swapped)


@pytest.mark.parametrize("weights,covered", [(W1, 9), (W2, 10)], ids=["k1", "k2"])
def test_each_check_digit_alone_detects_every_single_digit_error(weights, covered):
    """The claim 'mod 11 detects all single-digit errors' holds for each check digit on its own:
    every weight is non-zero mod 11 and 11 is prime, so weight * difference is never 0 mod 11.
    Checked exhaustively over every position, digit and replacement."""
    assert len(weights) == covered
    for w in weights:
        for delta in range(1, 10):
            assert (w * delta) % 11 != 0


def test_each_check_digit_alone_detects_adjacent_transpositions_within_its_range():
    """Adjacent weights differ mod 11, so swapping two different neighbours changes the weighted sum."""
    for weights in (W1, W2):
        for i in range(len(weights) - 1):
            for a in range(10):
                for b in range(10):
                    if a != b:
                        assert ((weights[i] - weights[i + 1]) * (a - b)) % 11 != 0


# --- real-format examples (constructed here, not real people's numbers) -------------------------

@pytest.mark.parametrize(
    "day,month,yy,individuals,birth,d_number",
    [
        (17, 5, 85, range(0, 500), dt.date(1985, 5, 17), False),        # 1900-1999: 000-499
        (1, 1, 5, range(500, 1000), dt.date(2005, 1, 1), False),        # 2000-2039: 500-999
        (31, 12, 60, range(500, 750), dt.date(1860, 12, 31), False),    # 1854-1899: 500-749
        (1, 6, 45, range(900, 1000), dt.date(1945, 6, 1), False),       # 1940-1999: 900-999
        (29, 2, 0, range(500, 1000), dt.date(2000, 2, 29), False),      # leap day
        (41 + 9, 3, 71, range(0, 500), dt.date(1971, 3, 10), True),     # D-number: day + 40
    ],
)
def test_real_format_numbers_decode(day, month, yy, individuals, birth, d_number):
    number = _first_valid(day, month, yy, individuals)
    parsed = fnr.parse(number)
    assert parsed.birth_date == birth
    assert parsed.is_d_number == d_number
    assert not parsed.is_synthetic
    assert fnr.mask(number) == number[:6] + " *****"
    assert "*****" in fnr.mask(number) and number[6:] not in fnr.mask(number)


def test_dolly_synthetic_numbers_month_plus_40_are_recognised():
    number = _first_valid(17, 5 + 40, 85, range(0, 500))
    parsed = fnr.parse(number)
    assert parsed.is_synthetic and parsed.birth_date == dt.date(1985, 5, 17)


def test_spaces_are_ignored():
    number = _first_valid(17, 5, 85, range(0, 500))
    assert fnr.parse(f"{number[:6]} {number[6:]}").value == number


# --- bad input: specific reasons -------------------------------------------------------------------

@pytest.mark.parametrize("raw,reason", [
    ("1705851234", "11 sifre, ikke 10"),
    ("170585123456", "11 sifre, ikke 12"),
    ("1", "11 sifre, ikke 1"),
    ("17058512a45", "bare inneholde sifre"),
    ("17.05.85-123", "bare inneholde sifre"),
    ("", "bare inneholde sifre"),
    (None, "bare inneholde sifre"),
])
def test_wrong_length_and_non_digits_give_specific_reasons(raw, reason):
    with pytest.raises(fnr.InvalidIdentityNumber) as exc:
        fnr.parse(raw)
    assert reason in exc.value.reason


def test_wrong_check_digits_say_so():
    number = _first_valid(17, 5, 85, range(0, 500))
    bad = number[:9] + str((int(number[9]) + 1) % 10) + number[10]
    with pytest.raises(fnr.InvalidIdentityNumber) as exc:
        fnr.parse(bad)
    assert "Kontrollsifrene" in exc.value.reason


@pytest.mark.parametrize("day,month,yy,individuals", [
    (30, 2, 85, range(0, 500)),      # 30 February
    (29, 2, 85, range(0, 500)),      # 29 February in a non-leap year
    (0, 5, 85, range(0, 500)),       # day 0
    (32, 1, 85, range(0, 500)),      # day 32
    (15, 13, 85, range(0, 500)),     # month 13
    (15, 0, 85, range(0, 500)),      # month 0
    (72, 1, 85, range(0, 500)),      # D-number for day 32
    (15, 93, 85, range(0, 500)),     # synthetic month 13
])
def test_impossible_dates_are_rejected_with_a_date_reason(day, month, yy, individuals):
    number = _first_valid(day, month, yy, individuals)
    with pytest.raises(fnr.InvalidIdentityNumber) as exc:
        fnr.parse(number)
    assert "Fødselsdatoen" in exc.value.reason


def test_individual_number_that_fits_no_century_is_rejected():
    # 500-749 with year 40-53 belongs to no century in the register's ranges.
    number = _first_valid(1, 1, 45, range(500, 750))
    with pytest.raises(fnr.InvalidIdentityNumber) as exc:
        fnr.parse(number)
    assert "Individnummeret" in exc.value.reason


@given(st.text(max_size=20))
def test_arbitrary_text_never_crashes(raw):
    try:
        parsed = fnr.parse(raw)
    except fnr.InvalidIdentityNumber as exc:
        assert exc.reason
    else:
        assert len(parsed.value) == 11


@pytest.mark.parametrize("digit_of", [lambda c: chr(0x660 + int(c)), lambda c: chr(0xFF10 + int(c)), lambda c: "²"])
def test_digits_from_other_scripts_are_not_digits(digit_of):
    """str.isdigit accepts superscripts and Arabic-Indic digits; they must get the 'only digits'
    reason, not a checksum message or a crash."""
    number = fnr.synthetic(dt.date(1985, 5, 17), random.Random(3))
    with pytest.raises(fnr.InvalidIdentityNumber) as exc:
        fnr.parse("".join(digit_of(c) for c in number))
    assert "bare inneholde sifre" in exc.value.reason


@given(st.text(alphabet=st.characters(categories=["Nd", "No"]), min_size=11, max_size=11))
def test_any_unicode_digits_never_crash(raw):
    try:
        parsed = fnr.parse(raw)
    except fnr.InvalidIdentityNumber:
        return
    assert parsed.value.isascii()


@given(birth=dates, seed=seeds, d_number=st.booleans(), pos=st.integers(0, 9), new=st.integers(0, 9))
def test_each_check_digit_on_its_own_catches_a_single_digit_change_in_its_range(birth, seed, d_number, pos, new):
    """K1 covers digits 1-9, K2 digits 1-10: a change anywhere in a digit's range changes that
    check digit (or leaves no valid one), so either would catch the error without the other."""
    number = fnr.synthetic(birth, random.Random(seed), d_number=d_number)
    assume(int(number[pos]) != new)
    changed = number[:pos] + str(new) + number[pos + 1:]
    if pos < 9:
        assert _mod11(changed[:9], W1) != int(number[9])
    assert _mod11(changed[:10], W2) != int(number[10])
