"""Text the product stores in Norwegian (task titles, the activity a referral adds) is shown in the
reader's language; what a person wrote is shown as written."""

from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from skreddersy.core import stored_text
from skreddersy.followup.services import DISAGREEMENT_TASK
from skreddersy.measures.services import MEASURE_TASK


def test_a_fixed_title_reads_in_english():
    with translation.override("en"):
        assert stored_text.render("Vedtak returnert fra beslutter") == "Decision returned by the second approver"
    with translation.override("nb"):
        assert stored_text.render("Vedtak returnert fra beslutter") == "Vedtak returnert fra beslutter"


@given(st.text(min_size=1, max_size=80).filter(lambda t: "\n" not in t))
def test_a_title_with_a_value_keeps_the_value_as_written(title):
    stored = stored_text.compose(MEASURE_TASK, title=title)
    assert stored == f"Tiltak: {title}"
    with translation.override("en"):
        assert stored_text.render(stored) == f"Measure: {title}"
    with translation.override("nb"):
        assert stored_text.render(stored) == stored


def test_the_disagreement_task_reads_in_english():
    stored = stored_text.compose(DISAGREEMENT_TASK, 200, activity="Jobbsøking")
    with translation.override("en"):
        assert stored_text.render(stored).startswith("Reply within 48 hours")
        assert "“Jobbsøking”" in stored_text.render(stored)


def test_what_a_person_wrote_is_shown_as_written():
    with translation.override("en"):
        assert stored_text.render("Ring Kari om CV-en") == "Ring Kari om CV-en"
        assert stored_text.render("") == ""


def test_a_survey_item_on_an_english_page_is_marked_as_norwegian_and_not_yet_translated():
    from django.template import Context, Template

    t = Template("{% load skreddersy_format %}{{ text|norwegian_wording }}")
    with translation.override("en"):
        html = t.render(Context({"text": "Har du for mye å gjøre?"}))
    assert '<span lang="nb">Har du for mye å gjøre?</span>' in html
    assert "not yet translated" in html
    with translation.override("nb"):
        assert t.render(Context({"text": "Har du for mye å gjøre?"})) == "Har du for mye å gjøre?"
