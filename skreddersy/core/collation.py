"""Norwegian alphabetical order for names, as a sort key stored beside the name.

Both databases sort text by code point here (SQLite's BINARY, PostgreSQL's C or C.UTF-8), which
puts Å before Æ and Ø and every lower-case particle ("de Vries") after Z; a server with another
default collation would sort differently again. So lists of people sort on a key of bytes, which
every database compares byte by byte whatever its collation, and which gives the order a
Norwegian reader expects (the order of Unicode CLDR's Norwegian collation at its first level):

- the letters a–z, then æ, ø, å; case is ignored;
- accents are ignored (é = e), except on letters Norwegian files as its own: ä = æ, ö = ø,
  ü = y; and "aa" is å (Aasen files beside Åsen);
- a space sorts before a hyphen, and both before digits and letters ("Berg Olsen", "Berg-Olsen",
  "Bergan"); letters of other scripts come last, by code point.

``name_key(last, first)`` orders by last name, then first name. Names that differ only in case
or accents get the same key; lists break such ties by id.
"""

from __future__ import annotations

import unicodedata

from django.db import models
from django.db.backends.signals import connection_created
from django.db.models import Lookup

END_OF_NAME = b"\x01"  # between the last and the first name: "Berg, Ola" before "Bergan, Ada"
SPACE = 0x02
OTHER_MARK = 0x03  # hyphen, apostrophe, full stop and other punctuation
DIGIT_0 = 0x10
LETTER_A = 0x20
ALPHABET = "abcdefghijklmnopqrstuvwxyzæøå"  # the Norwegian alphabet, in its order

# Letters with a place of their own in Norwegian, or spelt out: ä/ö/ü file as æ/ø/y.
_AS = {"ä": "æ", "ö": "ø", "ő": "ø", "ü": "y", "ű": "y", "ð": "d", "đ": "d", "þ": "th", "œ": "oe", "ł": "l", "ı": "i"}
_CODE = {ch: bytes([LETTER_A + i]) for i, ch in enumerate(ALPHABET)}
_CODE.update({str(d): bytes([DIGIT_0 + d]) for d in range(10)})


def _char(ch: str) -> bytes:
    code = _CODE.get(ch)
    if code is not None:
        return code
    if ch in _AS:
        return b"".join(_CODE[c] for c in _AS[ch])
    if ch.isspace():
        return bytes([SPACE])
    base = unicodedata.normalize("NFKD", ch)
    if base != ch:  # an accented letter: keep the letter, drop the accent
        return b"".join(_char(c) for c in base if not unicodedata.combining(c))
    if unicodedata.category(ch).startswith("L"):
        return ch.encode("utf-8")  # another script: after the Latin letters (first byte >= 0xC2)
    if unicodedata.combining(ch):
        return b""
    return bytes([OTHER_MARK])


def sort_key(text: str) -> bytes:
    """The Norwegian alphabetical sort key of one name (or any short text)."""
    # "aa" is å, also where the second a carries an accent ("aä" is å with a diaeresis, as in ICU)
    decomposed = unicodedata.normalize("NFD", text.strip()).casefold().replace("aa", "a\u030a")
    folded = unicodedata.normalize("NFC", decomposed)
    return b"".join(_char(ch) for ch in folded)


def name_key(last_name: str, first_name: str) -> bytes:
    """Sort key for a person: last name, then first name."""
    return sort_key(last_name) + END_OF_NAME + sort_key(first_name)


class KeyContains(Lookup):
    """``sort_key__holds=sort_key(word)``: the key holds the word's key, byte for byte. Searching
    names this way ignores case and accents and knows that "aa" is å, on both databases (SQLite's
    LIKE folds only ASCII letters, so "øde" would not find "Ødegård")."""

    lookup_name = "holds"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        if connection.vendor == "postgresql":
            return f"position({rhs} in {lhs}) > 0", [*rhs_params, *lhs_params]
        return f"instr({lhs}, {rhs}) > 0", [*lhs_params, *rhs_params]


models.BinaryField.register_lookup(KeyContains)


class FoldedExact(Lookup):
    """``field__folds=text``: equal with case aside, for every letter (Ø = ø, Å = å), on both
    databases. Django's ``iexact`` is that on PostgreSQL, but SQLite's LIKE and UPPER fold only
    ASCII letters, so "ås" would not find "Ås" there; SQLite gets a function for it instead."""

    lookup_name = "folds"

    def as_sql(self, compiler, connection):
        lhs, lhs_params = self.process_lhs(compiler, connection)
        rhs, rhs_params = self.process_rhs(compiler, connection)
        fold = "skr_casefold" if connection.vendor == "sqlite" else "UPPER"
        return f"{fold}({lhs}) = {fold}({rhs})", [*lhs_params, *rhs_params]


models.CharField.register_lookup(FoldedExact)


def _casefold(value):
    return value.upper() if isinstance(value, str) else value


def _sqlite_functions(sender, connection, **kwargs):
    if connection.vendor == "sqlite":
        connection.connection.create_function("skr_casefold", 1, _casefold, deterministic=True)


connection_created.connect(_sqlite_functions)
