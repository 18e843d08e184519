"""The questionnaire in another language than bokmål (issue 19): the survey items, their lead
questions and their answer labels are a validated instrument's published Norwegian wording, with
no published English wording in the item bank, so they are shown as published, marked as
Norwegian (``lang="nb"``, so a screen reader pronounces them right), under one note in the
reader's own language saying they are not yet translated; the page's own words are translated."""

import datetime as dt

import pytest

from skreddersy.core import clock
from skreddersy.insight import services
from skreddersy.insight.models import Item
from tests.i18n.marked_text import marked, unmarked

from .conftest import token_of

FORM = "/innsikt/svar/"
NOTE = {
    "en": "The questions and answer options are shown in their published Norwegian wording (not yet translated).",
    "nn": "Spørsmåla og svaralternativa blir viste i den publiserte norske ordlyden sin (ikkje omsette enno).",
}


@pytest.fixture
def whole_bank_wave(bank, people):
    """A survey with every item in the bank (every instrument, lead question and answer scale)."""
    survey = services.create_survey(user=people["analyst"].user, name="Hele banken",
                                    item_keys=list(Item.objects.values_list("key", flat=True)), background=["employer"])
    now = clock.now()
    return services.open_wave(user=people["analyst"].user, survey=survey, label="Høsten", office_ids=[people["a"].pk],
                              opens_at=now - dt.timedelta(days=1), closes_at=now + dt.timedelta(days=14))


def _page(client, wave, staff, lang):
    client.cookies["django_language"] = lang
    assert client.get(f"{FORM}{token_of(wave, staff)}/").status_code == 302
    resp = client.get(FORM)
    assert resp.status_code == 200
    return resp.content.decode()


def _published_wording(wave):
    """Every Norwegian text of the instruments on the form: item wordings, lead questions and
    the answer labels shown beside a radio button (numbers read the same in every language)."""
    items = [si.item for si in wave.survey.survey_items.select_related("item__scale", "item__instrument")]
    assert len(items) > 20
    texts = {i.text for i in items} | {i.instrument.lead_text for i in items if i.instrument.lead_text}
    texts |= {label for i in items if i.scale.is_small for label in i.scale.labels.values() if not label.isdigit()}
    return {" ".join(t.split()) for t in texts if t}


@pytest.mark.parametrize("lang", ["en", "nn"])
def test_published_norwegian_wording_is_marked_as_norwegian_with_one_note(client, whole_bank_wave, people, lang):
    html = _page(client, whole_bank_wave, people["counsellors_a"][0], lang)
    assert f'<html lang="{lang}"' in html
    wording = _published_wording(whole_bank_wave)
    inside, outside = marked(html, "nb"), unmarked(html, "nb")
    assert wording <= set(inside), sorted(wording - set(inside))
    leaked = [t for t in outside for w in wording if w in t]
    assert not leaked, leaked
    # one note, in the reader's language, outside the Norwegian wording
    assert outside.count(NOTE[lang]) == 1 and html.count(NOTE[lang]) == 1
    # the page's own words are translated: the background question and the buttons
    if lang == "en":
        assert "Submit" in outside and "Save and continue later" in outside and "Lagre og fortsett senere" not in html


def test_in_bokmaal_the_wording_is_plain_and_there_is_no_note(client, whole_bank_wave, people):
    html = _page(client, whole_bank_wave, people["counsellors_a"][0], "nb")
    form = html.split('class="ins-grid"', 1)[1].split("</form>", 1)[0]
    assert 'lang="nb"' not in form  # the page is bokmål: nothing in the form needs marking
    assert "ikke oversatt ennå" not in html
    for w in _published_wording(whole_bank_wave):
        assert w in " ".join(marked(html, "nb"))
