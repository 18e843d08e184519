"""Norwegian organisation numbers (organisasjonsnummer) from the Central Coordinating Register
for Legal Entities (Enhetsregisteret): nine digits, the last a mod-11 check digit over the first
eight with weights 3, 2, 7, 6, 5, 4, 3, 2. A remainder that would give check digit 10 means the
number is never issued. Real registered numbers start with 8 or 9."""

from __future__ import annotations

import random

from django.utils.translation import gettext_noop

WEIGHTS = (3, 2, 7, 6, 5, 4, 3, 2)


class InvalidOrganisationNumber(ValueError):
    """``reason`` says why in Norwegian (a catalogue entry), ``translated()`` in the reader's language."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason

    def translated(self) -> str:
        from django.utils.translation import gettext

        return gettext(self.reason)


def check_digit(first8: str) -> int | None:
    """The check digit for eight digits, or None when no valid number has them."""
    rest = sum(int(d) * w for d, w in zip(first8, WEIGHTS, strict=True)) % 11
    digit = 0 if rest == 0 else 11 - rest
    return None if digit == 10 else digit


def normalise(value: str) -> str:
    """Digits only: ``"974 760 673"`` and ``"974760673"`` are the same number."""
    return "".join(ch for ch in str(value) if not ch.isspace())


def parse(value: str) -> str:
    """The nine-digit number, or ``InvalidOrganisationNumber`` saying why (in Norwegian)."""
    digits = normalise(value)
    if not digits:
        raise InvalidOrganisationNumber(gettext_noop("Organisasjonsnummer mangler."))
    if not (digits.isascii() and digits.isdigit()) or len(digits) != 9:
        raise InvalidOrganisationNumber(gettext_noop("Organisasjonsnummeret må ha ni sifre."))
    expected = check_digit(digits[:8])
    if expected is None or expected != int(digits[8]):
        raise InvalidOrganisationNumber(gettext_noop("Organisasjonsnummeret har feil kontrollsiffer."))
    return digits


def is_valid(value: str) -> bool:
    try:
        parse(value)
    except InvalidOrganisationNumber:
        return False
    return True


def generate(rng: random.Random) -> str:
    """A number that passes the check (for demo data), starting with 8 or 9 as registered ones do."""
    while True:
        first8 = str(rng.choice((8, 9))) + "".join(str(rng.randrange(10)) for _ in range(7))
        digit = check_digit(first8)
        if digit is not None:
            return first8 + str(digit)
