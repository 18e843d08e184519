"""Names sort in Norwegian alphabetical order: a–z, then Æ, Ø, Å; case and accents aside; "aa"
files as Å. The key is bytes, so SQLite and PostgreSQL sort it the same whatever their collation."""

import unicodedata

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from skreddersy.core.collation import ALPHABET, name_key, sort_key

# The order of Unicode CLDR's Norwegian collation (checked against PostgreSQL's ICU "nb-NO-x-icu").
IN_ORDER = [
    "Andersen", "André", "Berg", "Berg Olsen", "Berg-Olsen", "Bergan", "de Vries", "Dean", "Deberg", "Hafstad",
    "Myhre", "Mykland", "Müller", "Sørensen", "Zahl", "Ähren", "Ærfjord", "Ærø", "Æsøy", "Øberg", "Ødegård",
    "Ödman", "Østby", "Ås", "Aasen", "Åsheim",
]


def test_names_sort_in_norwegian_order():
    shuffled = sorted(IN_ORDER, key=lambda n: n[::-1])
    assert sorted(shuffled, key=sort_key) == IN_ORDER


@pytest.mark.parametrize("a,b", [("Håkon", "Haakon"), ("Østby", "Östby"), ("eide", "Eide"), ("Eidé", "Eide"),
                                 ("Å", "A\u030a")])
def test_spellings_that_file_together_share_a_key(a, b):
    assert sort_key(a) == sort_key(b)


norwegian_word = st.text(alphabet=ALPHABET, min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(st.lists(norwegian_word, min_size=2, max_size=12), st.data())
def test_words_sort_by_the_norwegian_alphabet_whatever_their_case(words, data):
    """Without "aa" (which files as å, also in "aå", an a before the a of å), the order is that of
    the letters' places in the alphabet."""
    words = [w for w in words if "aa" not in unicodedata.normalize("NFD", w)]
    capitalised = [w.capitalize() if data.draw(st.booleans()) else w for w in words]
    expected = sorted(words, key=lambda w: [ALPHABET.index(ch) for ch in w])
    assert [w.casefold() for w in sorted(capitalised, key=sort_key)] == expected


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=12), st.text(max_size=12), st.text(max_size=12), st.text(max_size=12))
def test_a_person_sorts_by_last_name_then_first_name(last1, first1, last2, first2):
    k1, k2 = name_key(last1, first1), name_key(last2, first2)
    if sort_key(last1) != sort_key(last2):
        assert (k1 < k2) == (sort_key(last1) < sort_key(last2))
    else:
        assert (k1 < k2) == (sort_key(first1) < sort_key(first2))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=16))
def test_the_key_ignores_unicode_normal_form_and_case(text):
    assert sort_key(unicodedata.normalize("NFD", text)) == sort_key(unicodedata.normalize("NFC", text))
    assert sort_key(text.upper()) == sort_key(text.casefold().upper())


# Words PostgreSQL's ICU collation and the key must agree on: Norwegian letters, some with the
# accents Norwegian files elsewhere, a space or a hyphen, capitalised or not.
icu_word = st.text(alphabet="abdeinorsyzæøåéüäö -", min_size=1, max_size=7).map(str.strip).filter(
    lambda w: w and w[0] not in "-" and "  " not in w and "--" not in w and "- " not in w and " -" not in w
)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="ICU's Norwegian collation is PostgreSQL's; the PostgreSQL pass runs this")
@pytest.mark.django_db
@settings(max_examples=150, deadline=None)
@given(st.lists(icu_word, min_size=2, max_size=15), st.data())
def test_the_key_agrees_with_icu_norwegian_collation(words, data):
    words = [w.capitalize() if data.draw(st.booleans()) else w for w in words]
    with connection.cursor() as cur:
        cur.execute('SELECT w FROM unnest(%s::text[]) AS t(w) ORDER BY w COLLATE "nb-NO-x-icu"', [words])
        icu_order = [r[0] for r in cur.fetchall()]
    keys = [sort_key(w) for w in icu_order]
    assert keys == sorted(keys), icu_order


def test_an_a_before_aa_or_a_files_as_a_with_the_same_letter():
    """ICU reads "aå" as "aa" and a ring above, so it files after å, as the key does."""
    assert sort_key("aå") == sort_key("å")
    assert sorted(["aå", "b", "aæ", "z"], key=sort_key) == ["aæ", "b", "z", "aå"]
