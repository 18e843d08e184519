"""The plain-language check (core.plain_language): LIX against hand-computed examples, the word
and sentence rules, the hints, and properties over many texts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core import plain_language as pl


@pytest.mark.parametrize(
    ("text", "words", "sentences", "long", "lix"),
    [
        # Søknaden(8) behandles(9) av Nav. Du blir innkalt(7) til møte. -> 9 words, 2 sentences, 3 long
        # LIX = 9/2 + 100*3/9 = 4.5 + 33.33 = 37.83
        ("Søknaden behandles av Nav. Du blir innkalt til møte.", 9, 2, 3, 37.8),
        # a line break ends a sentence: 2 + 2 words, 2 sentences, 0 long -> 4/2 + 0 = 2.0
        ("Ring oss\nSkriv gjerne", 4, 2, 0, 2.0),
        # colon, question and exclamation marks end sentences; "!!!" is one end, not three
        # Hei: kan du komme? Ja!!! -> 5 words, 3 sentences, 0 long -> 5/3 = 1.67
        ("Hei: kan du komme? Ja!!!", 5, 3, 0, 1.7),
        # æøå are letters: "Arbeidsevnevurderingen" (22) and "førstegangstjenesten" (20) are long,
        # "på" and "år" are words. 4 words, 1 sentence (no end mark), 2 long -> 4 + 50 = 54.0
        ("Arbeidsevnevurderingen på førstegangstjenesten år", 4, 1, 2, 54.0),
        # exactly six letters is not long, seven is: "Nettet" (6) "Nettene" (7) -> 2 words, 1 sentence,
        # 1 long -> 2 + 50 = 52.0
        ("Nettet Nettene.", 2, 1, 1, 52.0),
        # digits and signs are not words; a hyphen splits: "AAP-en" is two words (AAP, en)
        # 12 % av AAP-en -> av, AAP, en = 3 words, 1 sentence, 0 long -> 3.0
        ("12 % av AAP-en", 3, 1, 0, 3.0),
    ],
)
def test_lix_against_hand_computed_examples(text, words, sentences, long, lix):
    r = pl.check(text)
    assert (r.words, r.sentences, r.long_words) == (words, sentences, long)
    assert r.lix == pytest.approx(lix, abs=0.05)


def test_a_text_without_words_has_no_score_not_an_error():
    for text in ("", "   ", "12 345", "...\n!?", "§ 14 a"[:3]):
        r = pl.check(text)
        assert r.lix is None and r.words == 0 and r.band == ""


def test_bands_name_where_the_score_lands():
    assert pl.band(20) == "svært lett"
    assert pl.band(38) == "middels"
    assert pl.band(60) == "svært vanskelig"
    assert pl.check("Du får svar. Vi ringer deg.").above_target is False


def test_long_word_hints_name_the_long_words():
    r = pl.check("Arbeidsevnevurderingen viser nedsatt arbeidsevne.")
    assert "arbeidsevnevurderingen" in r.longest_words
    assert all(len(w) > 6 for w in r.longest_words)


@pytest.mark.parametrize(
    ("text", "hint"),
    [
        ("Søknaden behandles av Nav.", "behandles"),
        ("Kravet må oppfylles innen fredag.", "oppfylles"),
        ("Du blir innkalt til et møte.", "blir innkalt"),
        ("Saken ble behandlet i går.", "ble behandlet"),
        ("Planen vart endra.", "vart endra"),
    ],
)
def test_passive_hints_point_at_s_passive_and_bli_passive(text, hint):
    assert hint in [h.text for h in pl.check(text).passive_hints]


@pytest.mark.parametrize(
    "text", ["Vi behandler søknaden din.", "Du møter hos oss på tirsdag.", "Hvis du har spørsmål, ring oss."]
)
def test_active_sentences_get_no_passive_hint(text):
    assert pl.check(text).passive_hints == []


words_st = st.text(alphabet="abcdefghijklmnopqrstuvwxyzæøåABCÆØÅ", min_size=1, max_size=14)
sentence_st = st.lists(words_st, min_size=1, max_size=12).map(" ".join)
text_st = st.lists(sentence_st, min_size=1, max_size=8).map(". ".join)


@given(text_st)
def test_lix_is_bounded_by_its_parts(text):
    """words/sentences is at least 1 (every sentence has a word) and the long share at most 100."""
    r = pl.check(text)
    assert r.words >= r.sentences >= 1
    assert 1 <= r.lix <= r.words / r.sentences + 100 + 0.05


@given(text_st)
def test_the_same_text_twice_on_two_lines_scores_the_same(text):
    assert pl.lix(text + "\n" + text) == pytest.approx(pl.lix(text))


@given(text_st, st.sampled_from([".", "!", "?", ":", "\n", " . ", "..."]))
def test_an_end_mark_after_the_last_sentence_changes_nothing(text, mark):
    assert pl.lix(text + mark) == pytest.approx(pl.lix(text))


@given(st.text(max_size=300))
def test_any_input_gives_a_result_never_an_error(text):
    r = pl.check(text)
    assert (r.lix is None) == (r.words == 0)
    assert r.long_words == len(r.long_word_hints) <= r.words
