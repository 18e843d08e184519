"""The pages of issue 17: booking (bad input as form errors with status 422, nothing written), the
meeting's page (held with its note, no-show), møteplan and "møter i dag", the requirement's page
(notice sent/read/answered, the sanction refused with the reason), the letter, Min side's notice,
disagreement and ratings pages, and the analysts' aggregate page."""

import datetime as dt
import re

import pytest
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from skreddersy.core import clock
from skreddersy.followup import meetings, notices, services
from skreddersy.followup.models import AdvanceNotice, Meeting, MeetingNote, SelfRating
from skreddersy.notifications.models import ContactPreference
from tests import factories as f

T0 = timezone.make_aware(dt.datetime(2026, 11, 2, 9, 0))


@pytest.fixture
def world(org):
    clock.freeze(T0)
    client = f.client(org["a"], org["counsellor"], login=True)
    nav = f.fresh_user(org["counsellor"])
    req = services.add_activity(
        user=nav,
        client=client,
        title="Jobbklubb",
        type="course",
        is_requirement=True,
        legal_basis="sosialtjenesteloven § 20 a",
        consequence="Stønaden kan bli redusert.",
    )
    yield {"nav": nav, "me": f.fresh_user(client.user), "client": client, "req": req, "org": org}
    clock.freeze(None)


def login(user) -> HttpClient:
    c = HttpClient()
    c.force_login(user)
    return c


def text(resp) -> str:
    return re.sub(r"\s+", " ", resp.content.decode())


def test_booking_page_errors_and_success(world):
    http = login(world["nav"])
    url = reverse("meeting_new", args=[world["client"].pk])
    assert http.get(url).status_code == 200
    resp = http.post(
        url, {"starts_at": "2026-11-01T10:00", "minutes": "45", "mode": "in_person", "place": "", "agenda": "Plan"}
    )
    body = text(resp)
    assert resp.status_code == 422 and "tilbake i tid" in body and "Skriv hvor dere skal møtes" in body
    assert not Meeting.objects.exists()
    resp = http.post(url, {"starts_at": "2026-11-03T10:00", "minutes": "45", "mode": "video", "agenda": "Plan"})
    assert resp.status_code == 302 and Meeting.objects.count() == 1
    resp = http.post(url, {"starts_at": "2026-11-03T10:15", "minutes": "30", "mode": "phone", "agenda": "Plan"})
    assert resp.status_code == 422 and "overlapper" in text(resp)
    resp = http.post(url, {"starts_at": "i morgen", "minutes": "7", "mode": "x", "agenda": "Plan"})
    assert resp.status_code == 422  # unparseable input: form errors, never a 500


def test_meeting_page_held_and_no_show(world):
    http = login(world["nav"])
    m = meetings.book_meeting(
        user=world["nav"],
        client=world["client"],
        starts_at=T0 + dt.timedelta(hours=1),
        minutes=30,
        mode="phone",
        agenda="Oppfølging",
    )
    url = reverse("meeting_detail", args=[m.pk])
    assert "Oppfølging" in text(http.get(url))
    clock.freeze(T0 + dt.timedelta(hours=2))
    assert http.post(url, {"action": "held", "summary": ""}).status_code == 422
    resp = http.post(url, {"action": "held", "summary": "Vi snakket om CV.", "shared_with_client": "on"})
    assert resp.status_code == 302 and MeetingNote.objects.get().summary == "Vi snakket om CV."
    m2 = meetings.book_meeting(
        user=world["nav"],
        client=world["client"],
        starts_at=T0 + dt.timedelta(hours=3),
        minutes=30,
        mode="phone",
        agenda="Oppfølging",
    )
    clock.freeze(T0 + dt.timedelta(hours=4))
    assert login(world["nav"]).post(reverse("meeting_detail", args=[m2.pk]), {"action": "no_show"}).status_code == 302
    assert Meeting.objects.get(pk=m2.pk).status == "no_show"


def test_week_and_today_pages(world):
    http = login(world["nav"])
    meetings.book_meeting(
        user=world["nav"],
        client=world["client"],
        starts_at=T0 + dt.timedelta(hours=2),
        minutes=30,
        mode="phone",
        agenda="Oppfølging",
    )
    body = text(http.get(reverse("meeting_week")))
    assert world["client"].name in body and "1 møte denne uken" in body
    assert "1 møte i dag: 11:00" in text(http.get(reverse("meetings_today")))
    assert http.get(reverse("meeting_week") + "?uke=2026-W50").status_code == 200
    assert http.get(reverse("meeting_week") + "?uke=tull").status_code == 200
    assert login(world["me"]).get(reverse("meeting_week")).status_code == 403


def test_requirement_page_send_refuse_sanction_and_letter(world):
    http = login(world["nav"])
    url = reverse("requirement_page", args=[world["req"].pk])
    body = text(http.get(url))
    assert "sosialtjenesteloven § 20 a" in body and "Send forhåndsorientering" in body
    assert "Kan ikke innstilles ennå" in body
    resp = http.post(url, {"action": "notice", "text": "Tekst", "deadline": "2026-11-04"})
    assert resp.status_code == 422 and "minst 7 dager" in text(resp)
    deadline = (T0.date() + dt.timedelta(days=14)).isoformat()
    assert http.post(url, {"action": "notice", "text": "Tekst til deg", "deadline": deadline}).status_code == 302
    body = text(http.get(url))
    assert "ikke lest ennå" in body and "ikke svart" in body and "16.11.2026" in body
    resp = http.post(url, {"action": "sanction", "reason": "Ikke møtt"})
    assert resp.status_code == 422 and "har ikke svart ennå" in text(resp)
    assert AdvanceNotice.objects.get().recommended_at is None
    # the client reads and answers on Min side; then the sanction may be recommended
    me = login(world["me"])
    home = text(me.get(reverse("client_home")))
    assert "Viktig: forhåndsorientering" in home and "Tekst til deg" in home
    n = AdvanceNotice.objects.get()
    assert n.read_at is not None
    assert me.post(reverse("client_notice_respond", args=[n.pk]), {"response": "Jeg var syk."}).status_code == 302
    body = text(http.get(url))
    assert "Jeg var syk." in body and "Innstill på sanksjon" in body
    assert http.post(url, {"action": "sanction", "reason": "Vurdert svaret; ikke rimelig grunn."}).status_code == 302
    # a letter for a client reserved in KRR
    ContactPreference.objects.create(client=world["client"], krr_reserved=True)
    req2 = services.add_activity(
        user=world["nav"],
        client=world["client"],
        title="Kurs",
        type="course",
        is_requirement=True,
        legal_basis="folketrygdloven § 11-7",
        consequence="AAP kan bli redusert.",
    )
    notice = notices.send_notice(
        user=world["nav"], activity=req2, text="Brevtekst", deadline=T0.date() + dt.timedelta(days=10)
    )
    letter = text(http.get(reverse("notice_letter", args=[notice.pk])))
    assert "Brevtekst" in letter and "Svarfrist" in letter
    assert login(world["me"]).get(reverse("notice_letter", args=[notice.pk])).status_code == 403


def test_requirement_with_no_benefit_says_so(world):
    act = services.add_activity(user=world["nav"], client=world["client"], title="Søk jobber", type="job_application")
    http = login(world["nav"])
    url = reverse("requirement_page", args=[act.pk])
    assert "ikke et aktivitetskrav" in text(http.get(url))
    resp = http.post(url, {"action": "notice", "text": "x", "deadline": "2026-11-20"})
    assert resp.status_code == 422 and "ikke et krav" in text(resp)


def test_client_disagree_page(world):
    me = login(world["me"])
    url = reverse("client_activity_disagree", args=[world["req"].pk])
    assert "Jobbklubb" in text(me.get(url))
    assert me.post(url, {"body": ""}).status_code == 422
    assert me.post(url, {"body": "Jeg har spørsmål om tidspunktet."}).status_code == 302
    body = text(login(world["nav"]).get(reverse("person", args=[world["client"].pk])))
    assert "Bruker er ikke enig / har spørsmål" in body and "Jeg har spørsmål om tidspunktet." in body
    # another client cannot reach it
    stranger = f.client(world["org"]["a"], world["org"]["counsellor"], login=True)
    assert login(stranger.user).post(url, {"body": "x"}).status_code in (403, 404)


def test_client_ratings_page(world):
    me = login(world["me"])
    url = reverse("client_ratings")
    body = text(me.get(url))
    assert "frivillig" in body.lower() and "aldri" in body and "Hvordan vurderer du din arbeidsevne?" in body
    resp = me.post(url, {"work_ability": "11", "efficacy_pace": "5"})
    assert resp.status_code == 422 and "helt tall fra 0 til 10" in text(resp) and not SelfRating.objects.exists()
    assert me.post(url, {"work_ability": "6", "return_expectation": "vet_ikke"}).status_code == 302
    assert SelfRating.objects.count() == 2
    person = text(login(world["nav"]).get(reverse("person", args=[world["client"].pk])))
    assert "Brukers egenvurdering" in person and "vet ikke/usikker" in person


def test_rating_aggregates_page_for_analysts_only(world):
    analyst = f.staff("analyst")
    body = text(login(analyst.user).get(reverse("rating_aggregates")))
    assert "færre enn 5" in body
    assert login(world["nav"]).get(reverse("rating_aggregates")).status_code == 403


def test_the_menu_links_the_rating_aggregates_for_those_who_may_see_them(world):
    """Analysts find the aggregated ratings in the menu; a counsellor, who may not open the page,
    gets no link to it."""
    url = reverse("rating_aggregates")
    analyst = login(f.staff("analyst").user)
    assert f'href="{url}"' in analyst.get(reverse("insight_home")).content.decode()
    assert f'href="{url}" aria-current="page"' in analyst.get(url).content.decode()
    assert f'href="{url}"' not in login(world["nav"]).get(reverse("overview")).content.decode()
