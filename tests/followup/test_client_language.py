"""The counsellor's own words for the client (issue 19, part 3): the form says when the client's
language or written standard differs from the text's and offers to mark that an interpreter or a
translated version is needed (stored, on the person page, in the journal); a Sámi-speaking client
is flagged and routed to a Sámi-speaking counsellor or an interpreter (sameloven ch. 3); the live
plain-language check; the public accessibility statement."""

from __future__ import annotations

import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.core import languages
from skreddersy.followup import caseloads
from skreddersy.followup.models import JournalEntry, LanguageNeed, NeedsDecision, Thread
from tests import factories as f


@pytest.fixture
def world(db):
    county = f.county("18")
    office = f.office(county, name="Nav Karasjok")
    counsellor = f.staff("counsellor", offices=[office])
    leader = f.staff("office_leader", "counsellor", offices=[office])
    sami_speaker = f.staff("counsellor", offices=[office])
    sami_speaker.languages = "se smj"
    sami_speaker.save(update_fields=["languages"])
    return {
        "office": office,
        "counsellor": counsellor,
        "leader": leader,
        "sami_speaker": sami_speaker,
        "nb": f.client(office, counsellor),
        "nn": f.client(office, counsellor, written_standard="nn"),
        "se": f.client(office, counsellor, language="se", needs_interpreter=True),
        "sma": f.client(office, None, language="sma"),
        "ar": f.client(office, counsellor, language="ar"),
    }


def login(user) -> HttpClient:
    http = HttpClient()
    http.force_login(user)
    return http


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


# --- the rule ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("standard", "language", "text_standard", "reason"),
    [
        ("nb", "nb", "nb", None),
        ("nn", "nb", "nn", None),
        ("nn", "nb", "nb", "written_standard"),
        ("nb", "nb", "nn", "written_standard"),
        ("nb", "ar", "nb", "language"),
        ("nn", "se", "nn", "sami"),
        ("nb", "SMJ", "nb", "sami"),
        ("nb", "", "nb", None),
    ],
)
def test_the_mismatch_rule(standard, language, text_standard, reason):
    m = languages.text_mismatch(client_standard=standard, client_language=language, text_standard=text_standard)
    assert (m.reason if m else None) == reason
    if m is not None:
        assert m.suggest_interpreter == (reason in ("language", "sami"))


# --- the forms say so before sending -------------------------------------------------------------


@pytest.mark.parametrize("page", ["decision_new", "thread_new", "activity_new"])
def test_the_form_warns_when_a_nynorsk_client_would_get_bokmal(world, page):
    body = text(login(world["counsellor"].user).get(reverse(page, args=[world["nn"].pk])))
    assert "Brukeren har valgt nynorsk" in body
    assert 'name="language_need"' in body and 'name="text_nynorsk"' in body


@pytest.mark.parametrize("page", ["decision_new", "thread_new", "activity_new"])
def test_the_form_says_nothing_for_a_bokmal_reader(world, page):
    body = text(login(world["counsellor"].user).get(reverse(page, args=[world["nb"].pk])))
    assert 'name="language_need"' not in body and "Språket til brukeren" not in body


def test_the_form_names_the_sami_language_and_the_law(world):
    body = text(login(world["counsellor"].user).get(reverse("thread_new", args=[world["se"].pk])))
    assert "samisk (nordsamisk)" in body and "sameloven kapittel 3" in body


def test_a_text_marked_nynorsk_for_a_nynorsk_reader_raises_no_warning(world):
    http = login(world["counsellor"].user)
    resp = http.post(reverse("thread_new", args=[world["nn"].pk]), {"subject": "", "body": "Hei", "text_nynorsk": "on"})
    assert resp.status_code == 422  # the empty subject; the page is shown again with the writer's choice
    assert "Brukeren har valgt nynorsk" not in text(resp)
    box = re.search(r'<input[^>]*name="text_nynorsk"[^>]*>', resp.content.decode()).group()
    assert "checked" in box


# --- the mark is stored, shown and journalled ----------------------------------------------------


def test_a_message_to_a_sami_client_marked_for_an_interpreter(world):
    http = login(world["counsellor"].user)
    resp = http.post(
        reverse("thread_new", args=[world["se"].pk]),
        {"subject": "Møte", "body": "Kan du komme på mandag?", "language_need": "interpreter"},
    )
    assert resp.status_code == 302
    thread = Thread.objects.get(client=world["se"])
    mark = LanguageNeed.objects.get(client=world["se"])
    assert (mark.subject, mark.object_id, mark.need, mark.client_language) == (
        "message",
        thread.pk,
        "interpreter",
        "se",
    )
    line = JournalEntry.objects.filter(client=world["se"], object_type="LanguageNeed").get()
    assert "tolk" in line.summary and not line.visible_to_client
    person = text(http.get(reverse("person", args=[world["se"].pk])))
    assert "Tolk trengs: Melding" in person and "Samisk: nordsamisk" in person


def test_a_decision_for_a_nynorsk_client_marked_for_a_translated_version(world):
    http = login(world["counsellor"].user)
    resp = http.post(
        reverse("decision_new", args=[world["nn"].pk]),
        {
            "need_group": "STANDARD_INNSATS",
            "main_goal": "SKAFFE_ARBEID",
            "justification": "Du klarer deg godt.",
            "language_need": "translation",
            "save": "1",
        },
    )
    assert resp.status_code == 302
    d = NeedsDecision.objects.get(client=world["nn"])
    mark = LanguageNeed.objects.get(client=world["nn"])
    assert (mark.subject, mark.object_id, mark.need, mark.text_standard, mark.client_standard) == (
        "decision",
        d.pk,
        "translation",
        "nb",
        "nn",
    )
    assert "Oversatt versjon trengs: Vedtak" in text(http.get(reverse("person", args=[world["nn"].pk])))


def test_no_mark_when_the_counsellor_sends_the_text_as_it_is(world):
    http = login(world["counsellor"].user)
    http.post(reverse("thread_new", args=[world["ar"].pk]), {"subject": "Møte", "body": "Hei", "language_need": ""})
    assert Thread.objects.filter(client=world["ar"]).exists() and not LanguageNeed.objects.exists()


def test_a_bad_mark_is_refused_and_nothing_is_sent(world):
    http = login(world["counsellor"].user)
    resp = http.post(
        reverse("thread_new", args=[world["nn"].pk]), {"subject": "Møte", "body": "Hei", "language_need": "x"}
    )
    assert resp.status_code == 422 and not Thread.objects.exists() and not LanguageNeed.objects.exists()


def test_only_nav_staff_mark_and_a_client_cannot(world):
    from skreddersy.core.errors import AccessDenied
    from skreddersy.followup import services

    user = f.client_user(world["nn"])
    with pytest.raises(AccessDenied):
        services.mark_language_need(user=user, client=world["nn"], subject="message", need="interpreter")
    assert not LanguageNeed.objects.exists()


def test_a_mark_leaves_the_person_page_when_done(world):
    from skreddersy.followup import services

    mark = services.mark_language_need(
        user=world["counsellor"].user, client=world["se"], subject="requirement", need="interpreter"
    )
    http = login(world["counsellor"].user)
    assert "Tolk trengs: Aktivitetskrav" in text(http.get(reverse("person", args=[world["se"].pk])))
    resp = http.post(reverse("language_need_done", args=[mark.pk]))
    assert resp.status_code == 302
    assert "Tolk trengs" not in text(http.get(reverse("person", args=[world["se"].pk])))
    assert LanguageNeed.objects.get(pk=mark.pk).done_at is not None
    assert JournalEntry.objects.filter(client=world["se"], summary__startswith="Fulgt opp").exists()


def test_a_mark_of_a_client_one_may_not_see_is_not_found(world):
    from skreddersy.followup import services

    mark = services.mark_language_need(user=world["counsellor"].user, client=world["se"], subject="message",
                                       need="interpreter")
    stranger = f.staff("counsellor", offices=[f.office(f.county("03"))])
    resp = login(stranger.user).post(reverse("language_need_done", args=[mark.pk]))
    assert resp.status_code in (403, 404)
    assert login(world["counsellor"].user).post(reverse("language_need_done", args=[999999])).status_code == 404
    assert LanguageNeed.objects.get(pk=mark.pk).done_at is None


# --- Sámi routing --------------------------------------------------------------------------------


def test_the_handout_queue_suggests_the_sami_speaking_counsellor(world):
    queue = caseloads.handout_queue(user=f.fresh_user(world["leader"]))
    row = next(r for r in queue.rows if r.client_id == world["se"].pk)
    assert row.sami == "nordsamisk" and row.sami_speaker
    assert row.suggestion_id == world["sami_speaker"].pk and "sameloven" in row.suggestion_rule


def test_without_a_speaker_of_the_language_the_queue_says_book_an_interpreter(world):
    http = login(world["leader"].user)
    body = text(http.get(reverse("handout_queue")))
    row = next(
        r for r in caseloads.handout_queue(user=f.fresh_user(world["leader"])).rows if r.client_id == world["sma"].pk
    )
    assert row.sami == "sørsamisk" and not row.sami_speaker and row.suggestion_id is None
    assert "Ingen ved kontoret snakker sørsamisk: bestill tolk (sameloven kap. 3)" in body


def test_the_caseload_overview_flags_sami_clients(world):
    body = text(login(world["counsellor"].user).get(reverse("overview")))
    assert body.count(">Samisk<") == 1  # the nordsamisk client in this counsellor's caseload


# --- the live plain-language check ---------------------------------------------------------------


def test_the_plain_language_check_scores_the_posted_field(world):
    http = login(world["counsellor"].user)
    resp = http.post(
        reverse("plain_language_check"),
        {"plain_field": "justification", "justification": "Søknaden behandles av Nav. Du blir innkalt til møte."},
        HTTP_HX_REQUEST="true",
    )
    body = text(resp)
    assert resp.status_code == 200 and "LIX" in body
    assert "37,8" in body or "37.8" in body
    assert "behandles" in body and "blir innkalt" in body


def test_the_plain_language_check_is_for_staff_and_takes_any_input(world, client):
    assert client.post(reverse("plain_language_check"), {"plain_field": "x", "x": "Hei."}).status_code == 302
    http = login(world["counsellor"].user)
    for data in ({}, {"plain_field": "nope"}, {"plain_field": "b", "b": "\x00" * 30000}):
        assert http.post(reverse("plain_language_check"), data).status_code == 200


@pytest.mark.parametrize("page", ["decision_new", "thread_new", "activity_new"])
def test_the_forms_carry_the_live_check_without_inline_script(world, page):
    html = login(world["counsellor"].user).get(reverse(page, args=[world["nb"].pk])).content.decode()
    assert 'hx-post="' + reverse("plain_language_check") + '"' in html and 'id="klarsprak-' in html
    assert "<script>" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)


# --- the accessibility statement -----------------------------------------------------------------


def test_the_accessibility_statement_is_public_and_linked_from_every_page(world, client):
    resp = client.get(reverse("accessibility_statement"))
    body = text(resp)
    assert resp.status_code == 200
    for heading in (
        "Status for tilgjengelighet",
        "Innhold som ikke er tilgjengelig",
        "Slik har vi vurdert tilgjengeligheten",
        "Tilbakemelding og kontakt",
        "Tilsyn og klage",
        "uutilsynet.no",
        "WCAG 2.1",
    ):
        assert heading in body
    login_page = client.get(reverse("client_login")).content.decode()
    assert reverse("accessibility_statement") in login_page
    staff_page = login(world["counsellor"].user).get(reverse("overview")).content.decode()
    assert reverse("accessibility_statement") in staff_page
