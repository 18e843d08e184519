"""Nynorsk for the client: the catalogue covers every client-facing msgid, Min side and the § 14 a
decision letter (HTML and PDF) and the notifications are in nynorsk for a client who reads
nynorsk (never for the staff member's sake), and bokmål stays bokmål."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from skreddersy.clients.models import Client
from skreddersy.followup import letters
from skreddersy.notifications import texts
from tests.i18n import catalogue
from tests.i18n.conftest import JUSTIFICATION, client_pages, login

PO = catalogue.ROOT / "locale" / "nn" / "LC_MESSAGES" / "django.po"
# Words that are bokmål only; their nynorsk forms are ikkje, eg, kva, korleis, mykje, kven, frå, berre.
BOKMAL_ONLY = ["ikke", "jeg", "hva", "hvordan", "mye", "hvem", "fra", "bare", "hvis", "veilederen", "noe", "nå"]


def _text(resp) -> str:
    html = resp.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _words(text: str) -> set[str]:
    return {w.lower() for w in re.findall(r"[^\W\d_]+", text)}


@pytest.mark.parametrize("template", catalogue.CLIENT_TEMPLATES)
def test_every_msgid_of_a_client_facing_template_has_a_nynorsk_translation(template):
    po = catalogue.parse_po(PO)
    ids = catalogue.template_msgids(template)
    missing = sorted(m for m in ids if m not in po or not all(po[m]))
    assert not missing, f"{template}: no nn translation for {missing}"


def test_every_msgid_of_the_decision_letter_has_a_nynorsk_translation():
    po = catalogue.parse_po(PO)
    for module in catalogue.CLIENT_MODULES:
        ids = catalogue.python_msgids((catalogue.ROOT / module).read_text(encoding="utf-8"))
        assert ids, module
        missing = sorted(m for m in ids if m not in po or not all(po[m]))
        assert not missing, f"{module}: no nn translation for {missing}"


def test_the_template_check_finds_a_msgid_that_lacks_a_translation(tmp_path):
    """The completeness check itself: a made-up entry without msgstr is reported."""
    po = tmp_path / "django.po"
    po.write_text(
        'msgid ""\nmsgstr ""\n\nmsgid "Hei"\nmsgstr "Hei"\n\nmsgid "Ikke oversatt"\nmsgstr ""\n', encoding="utf-8"
    )
    parsed = catalogue.parse_po(po)
    assert parsed[("", "Hei")] == ["Hei"] and parsed[("", "Ikke oversatt")] == [""]
    assert catalogue.python_msgids("gettext('Ikke oversatt') ngettext('en', 'to', n)") == {
        ("", "Ikke oversatt"),
        ("", "en"),
        ("", "to"),
    }


def test_every_min_side_page_renders_without_a_missing_nynorsk_msgid(nynorsk):
    """Rendering every page a nynorsk client opens asks the catalogue for no msgid it lacks
    (the product's own msgids: form labels, choices and view messages included)."""
    http = login(nynorsk["nn"].user)
    with catalogue.MissingRecorder("nn") as rec:
        for url in client_pages(nynorsk):
            assert http.get(url).status_code == 200, url
    assert not rec.project_missing(), sorted(rec.project_missing())


def test_min_side_is_in_nynorsk_for_a_nynorsk_client(nynorsk):
    resp = login(nynorsk["nn"].user).get(reverse("client_home"))
    body = _text(resp)
    assert 'lang="nn"' in resp.content.decode()
    assert "Skriv til rettleiaren din" in body and "Planen din" in body and "Eg er ikkje einig" in body
    assert "Les vedtaket" in body


def test_min_side_stays_in_bokmal_for_a_bokmal_client(nynorsk):
    resp = login(nynorsk["nb"].user).get(reverse("client_home"))
    assert 'lang="nb"' in resp.content.decode()
    assert "Skriv til veilederen din" in _text(resp)


@pytest.mark.parametrize("page", range(11))
def test_no_bokmal_only_words_on_a_nynorsk_clients_pages(nynorsk, page):
    """The product's own words on each page of Min side: none of the bokmål-only words (the
    counsellor's own texts in this fixture are written in nynorsk)."""
    urls = client_pages(nynorsk)
    if page >= len(urls):
        pytest.fail(f"only {len(urls)} client pages")
    body = _text(login(nynorsk["nn"].user).get(urls[page]))
    found = _words(body) & set(BOKMAL_ONLY)
    assert not found, f"{urls[page]}: {sorted(found)}"


def test_a_staff_member_reads_their_own_language_on_a_nynorsk_clients_person_page(nynorsk):
    resp = login(nynorsk["counsellor"].user).get(reverse("person", args=[nynorsk["nn"].pk]))
    html = resp.content.decode()
    assert 'lang="nb"' in html and "Nynorsk" in html  # the flag says so; the page is the counsellor's


def test_the_decision_letter_is_in_nynorsk_for_the_client_and_for_the_counsellor(nynorsk):
    url = reverse("decision_letter", args=[nynorsk["decision"].pk])
    for user in (nynorsk["nn"].user, nynorsk["counsellor"].user):
        resp = login(user).get(url)
        body = _text(resp)
        assert resp.status_code == 200 and 'lang="nn"' in resp.content.decode()
        assert "Vedtak om oppfølging frå Nav" in body
        assert "Du har rett til å klage" in body and "forvaltningslova § 29" in body
        assert "Situasjonsbestemt innsats" in body and "Med venleg helsing" in body
        assert JUSTIFICATION in body  # the counsellor's own words, as written
        assert not _words(body.replace(JUSTIFICATION, "")) & {"ikke", "fra", "hvis", "hva", "veilederen"}


def test_the_decision_letter_of_a_bokmal_client_is_in_bokmal(nynorsk):
    body = _text(login(nynorsk["nb"].user).get(reverse("decision_letter", args=[nynorsk["decision_nb"].pk])))
    assert "Vedtak om oppfølging fra Nav" in body and "forvaltningsloven § 29" in body


def test_the_decision_letter_pdf_is_in_the_clients_written_standard(nynorsk):
    resp = login(nynorsk["nn"].user).get(reverse("decision_letter_pdf", args=[nynorsk["decision"].pk]))
    assert resp.status_code == 200 and resp["Content-Type"] == "application/pdf"
    assert resp["Content-Language"] == "nn" and resp.content.startswith(b"%PDF") and b"lang=nn" in resp.content
    text = letters.as_text(letters.build(nynorsk["decision"]))
    assert "Vedtak om oppfølging frå Nav".upper() in text and "Med venleg helsing" in text and JUSTIFICATION in text


def test_a_client_reads_only_their_own_sent_letter(nynorsk):
    other = login(nynorsk["nb"].user).get(reverse("decision_letter", args=[nynorsk["decision"].pk]))
    assert other.status_code in (403, 404)
    assert login(nynorsk["nb"].user).get(reverse("decision_letter_pdf", args=[nynorsk["decision"].pk])).status_code in (
        403,
        404,
    )


def test_the_letter_asks_for_a_login(nynorsk, client):
    resp = client.get(reverse("decision_letter", args=[nynorsk["decision"].pk]))
    assert resp.status_code == 302


def test_notifications_follow_the_written_standard(nynorsk):
    nn = Client.objects.get(pk=nynorsk["nn"].pk)
    nb = Client.objects.get(pk=nynorsk["nb"].pk)
    assert nn.render_language == "nn" and nb.render_language == "nb"
    assert "frå Nav" in texts.body(nn.render_language) and "ikkje" in texts.letter_body(nn.render_language)
    assert "fra Nav" in texts.body(nb.render_language)


def test_a_nynorsk_client_who_chooses_english_keeps_english(nynorsk):
    http = login(nynorsk["nn"].user)
    http.post(reverse("set_language"), {"language": "en", "next": reverse("client_home")})
    assert 'lang="en"' in http.get(reverse("client_home")).content.decode()


def test_an_unknown_written_standard_is_refused_with_a_message(nynorsk):
    from skreddersy.clients import services
    from skreddersy.core.errors import InvalidInput

    with pytest.raises(InvalidInput) as exc:
        services.update_client(user=nynorsk["counsellor"].user, client=nynorsk["nb"], written_standard="xx")
    assert "written_standard" in exc.value.errors
    assert Client.objects.get(pk=nynorsk["nb"].pk).written_standard == "nb"


def test_the_counsellor_sets_nynorsk_on_the_client_record(nynorsk):
    c = nynorsk["nb"]
    http = login(nynorsk["counsellor"].user)
    data = {
        "first_name": c.first_name,
        "last_name": c.last_name,
        "municipality": c.municipality,
        "language": "nb",
        "written_standard": "nn",
    }
    resp = http.post(reverse("client_edit", args=[c.pk]), data)
    assert resp.status_code == 302
    assert Client.objects.get(pk=c.pk).written_standard == "nn"
    assert 'lang="nn"' in login(c.user).get(reverse("client_home")).content.decode()


def test_every_shipped_needs_domain_and_scale_step_has_a_nynorsk_name(settings):
    from django.utils import translation

    from skreddersy.core import reference

    with translation.override("nb"):
        nb_domains, nb_scale = reference.needs_domains(), reference.severity_scale()
    with translation.override("nn"):
        nn_domains, nn_scale = reference.needs_domains(), reference.severity_scale()
    nynorsk = reference.load("nynorsk.json")
    assert set(nynorsk["domains"]) == set(nb_domains)
    assert set(nn_domains) == set(nb_domains) and set(nn_scale) == set(nb_scale)
    assert nn_scale[1] == "noko utfordring" and nb_scale[1] == "noe utfordring"
