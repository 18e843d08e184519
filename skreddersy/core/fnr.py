"""Norwegian national identity numbers: fødselsnummer and D-number.

An identity number has eleven digits ``DDMMYY III CC``: birth date, a three-digit individual
number (whose last digit is odd for men and even for women) and two mod-11 check digits.

- A D-number (for people without a fødselsnummer) adds 4 to the first digit of the day.
- Synthetic test numbers are recognisable by the month: Nav's synthetic numbers add 40
  (Dolly), Skatteetaten's test numbers add 80 (Tenor). They never collide with a real
  person's number. skreddersy generates Tenor-style numbers (month + 80) for demo data.

The century follows the individual-number ranges of the Norwegian population register.
"""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass

from django.utils.translation import gettext_noop

W1 = (3, 7, 6, 1, 8, 9, 4, 5, 2)
W2 = (5, 4, 3, 2, 7, 6, 5, 4, 3, 2)


class InvalidIdentityNumber(ValueError):
    """The number is not a valid Norwegian identity number; ``reason`` says why in Norwegian,
    ``translated()`` in the reader's language (where the reason is shown: a form, a service)."""

    def __init__(self, reason: str, **values):
        self.text, self.values = reason, values  # the catalogue's text and its %(name)s values
        self.reason = reason % values if values else reason
        super().__init__(self.reason)

    def translated(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.text) % self.values if self.values else gettext(self.text)


@dataclass(frozen=True)
class IdentityNumber:
    value: str
    birth_date: dt.date
    is_d_number: bool
    is_synthetic: bool
    is_male: bool


def mask(value: str) -> str:
    """How an identity number is shown in lists: the birth date part, the personal part hidden
    (``010190 *****``)."""
    return f"{value[:6]} *****"


def _check_digit(digits: str, weights: tuple[int, ...]) -> int | None:
    rest = 11 - sum(int(d) * w for d, w in zip(digits, weights, strict=False)) % 11
    if rest == 11:
        return 0
    if rest == 10:
        return None  # no valid check digit: this individual number cannot be used
    return rest


def check_digits(first_nine: str) -> str | None:
    """The two check digits for nine leading digits, or None when no valid pair exists."""
    k1 = _check_digit(first_nine, W1)
    if k1 is None:
        return None
    k2 = _check_digit(first_nine + str(k1), W2)
    if k2 is None:
        return None
    return f"{k1}{k2}"


def _century(individual: int, yy: int) -> int | None:
    if individual <= 499:
        return 1900
    if individual <= 749 and yy >= 54:
        return 1800
    if individual >= 900 and yy >= 40:
        return 1900
    if individual >= 500 and yy <= 39:
        return 2000
    return None


def parse(raw: str) -> IdentityNumber:
    """Validate and decode an identity number. Spaces are ignored.

    Raises InvalidIdentityNumber with a specific reason.
    """
    value = "".join(str(raw or "").split())
    if not (value.isascii() and value.isdigit()):  # str.isdigit alone accepts "²" and other scripts' digits
        raise InvalidIdentityNumber(gettext_noop("Fødselsnummeret kan bare inneholde sifre."))
    if len(value) != 11:
        raise InvalidIdentityNumber(gettext_noop("Fødselsnummeret må ha 11 sifre, ikke %(n)d."), n=len(value))
    expected = check_digits(value[:9])
    if expected is None or expected != value[9:]:
        raise InvalidIdentityNumber(gettext_noop("Kontrollsifrene stemmer ikke (mod 11)."))
    day, month, yy, individual = int(value[0:2]), int(value[2:4]), int(value[4:6]), int(value[6:9])
    is_d = day > 40
    if is_d:
        day -= 40
    synthetic = False
    if month > 80:
        month -= 80
        synthetic = True
    elif month > 40:
        month -= 40
        synthetic = True
    century = _century(individual, yy)
    if century is None:
        raise InvalidIdentityNumber(gettext_noop("Individnummeret passer ikke med fødselsåret."))
    try:
        birth = dt.date(century + yy, month, day)
    except ValueError:
        raise InvalidIdentityNumber(gettext_noop("Fødselsdatoen i nummeret finnes ikke.")) from None
    return IdentityNumber(value, birth, is_d, synthetic, individual % 2 == 1)


def is_valid(raw: str) -> bool:
    try:
        parse(raw)
    except InvalidIdentityNumber:
        return False
    return True


def synthetic(birth_date: dt.date, rng: random.Random, *, d_number: bool = False, male: bool | None = None) -> str:
    """A synthetic (Tenor-style, month + 80) identity number for the birth date."""
    year = birth_date.year
    yy = year % 100
    if 1900 <= year <= 1999:
        lo, hi = 0, 499
    elif 2000 <= year <= 2039:
        lo, hi = 500, 999
    else:
        raise ValueError("Syntetiske numre lages for fødselsår 1900-2039.")
    day = birth_date.day + (40 if d_number else 0)
    month = birth_date.month + 80
    for _ in range(1000):
        individual = rng.randint(lo, hi)
        if male is not None and (individual % 2 == 1) != male:
            individual = individual + 1 if individual < hi else individual - 1
        first = f"{day:02d}{month:02d}{yy:02d}{individual:03d}"
        cd = check_digits(first)
        if cd is not None:
            return first + cd
    raise RuntimeError("no valid individual number found")  # pragma: no cover
