"""The IPS fidelity review page in each language (issue 19): the IPS-25 items are published in
English, so an English reader sees the published English item names and no Norwegian; a bokmål
reader sees them with skreddersy's working Norwegian translation beside them; a nynorsk reader
sees that bokmål translation marked as bokmål (``lang="nb"``), the English marked as English."""

import pytest

from skreddersy.core import reference
from tests import factories as f
from tests.i18n.marked_text import marked, texts_by_lang, unmarked


@pytest.fixture
def page(ips, client):
    team = ips["a"].teams.create(name="IPS")
    client.force_login(f.fresh_user(ips["supervisor"]))

    def get(lang):
        client.cookies["django_language"] = lang
        resp = client.get(f"/arbeid/troskap/{team.pk}/")
        assert resp.status_code == 200
        return resp.content.decode()
    return get


def test_an_english_reader_sees_the_published_english_item_names_only(page):
    html = page("en")
    assert '<html lang="en"' in html
    texts = [t for _lang, t in texts_by_lang(html)]
    items = reference.ips_fidelity()["items"]
    assert len(items) == 25
    for item in items:
        assert item["title_en"] in texts
        assert item["title_no"] not in html
    assert "Score 1–5 for each item" in texts and "Skår 1–5 for hvert punkt" not in html  # the page's own words


def test_a_nynorsk_reader_sees_the_bokmaal_working_translation_marked_as_bokmaal(page):
    html = page("nn")
    inside, outside = marked(html, "nb"), unmarked(html, "nb")
    for item in reference.ips_fidelity()["items"]:
        assert item["title_no"] in inside and item["title_no"] not in outside
        assert item["title_en"] in marked(html, "en")


def test_a_bokmaal_reader_sees_both_names(page):
    html = page("nb")
    for item in reference.ips_fidelity()["items"]:
        assert item["title_en"] in marked(html, "en") and item["title_no"] in marked(html, "nb")
