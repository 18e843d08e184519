"""The overview as a counsellor's morning: urgency order, filters kept when coming back from a
person page, detail filters, saved filters (unknown fields refused, nothing written), chosen
columns, the counsellor's own reminder (huskelapp) and colour categories, never seen by others."""

from __future__ import annotations

import datetime as dt
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from skreddersy.clients.models import Client
from skreddersy.core import clock
from skreddersy.core.errors import AccessDenied, InvalidInput
from skreddersy.followup import overview, services
from skreddersy.followup.models import ClientCategory, OverviewSettings, Reminder, SavedFilter, Task, Thread
from tests import factories as f


@pytest.fixture
def desk(db):
    office = f.office(f.county())
    me = f.staff("counsellor", offices=[office])
    colleague = f.staff("counsellor", offices=[office])
    http = HttpClient()
    http.force_login(me.user)
    return {"office": office, "me": me, "colleague": colleague, "http": http}


def _named(office, counsellor, last, **extra):
    c = f.client(office, counsellor, **extra)
    c.first_name, c.last_name = "Kari", last
    c.save()
    return c


def _api_ids(http, **params):
    resp = http.get("/api/v1/overview", params)
    assert resp.status_code == 200, resp.content
    return [r["client"]["id"] for r in resp.json()["results"]]


def test_default_order_is_urgency_and_name_order_is_one_click_away(desk):
    o, me, now = desk["office"], desk["me"], clock.now()
    quiet = _named(o, me, "Aas")  # nothing due: last, in name order with the other quiet one
    later = _named(o, me, "Berg")
    Task.objects.create(client=later, owner=me, title="Møte", deadline=now + dt.timedelta(days=5))
    sooner = _named(o, me, "Dahl")
    Task.objects.create(client=sooner, owner=me, title="Ring", deadline=now + dt.timedelta(days=1))
    waiting = _named(o, me, "Eik")
    Thread.objects.create(client=waiting, subject="Spørsmål", awaiting_nav_reply=True)
    late = _named(o, me, "Zahl")
    Task.objects.create(client=late, owner=me, title="Svar", deadline=now - dt.timedelta(hours=3))
    quiet2 = _named(o, me, "Ødegård")
    want = [late.pk, waiting.pk, sooner.pk, later.pk, quiet2.pk, quiet.pk]  # "Aas" is Å, after Ø
    assert _api_ids(desk["http"]) == want
    ov = overview.caseload_overview(user=me.user, query=overview.OverviewQuery())
    assert [r.client.pk for r in ov.rows] == want
    page = desk["http"].get("/oversikt/").content.decode()
    assert 'href="?sort=name"' in page  # one click to name order
    assert _api_ids(desk["http"], sort="name") == [later.pk, sooner.pk, waiting.pk, late.pk, quiet2.pk, quiet.pk]


def test_filters_survive_the_round_trip_through_a_person_page(desk):
    o, me, http = desk["office"], desk["me"], desk["http"]
    c = _named(o, me, "Berg", manual_followup=True)
    query = "status=no_contact_90&followup_mode=manual&sort=name&q=berg"
    page = http.get(f"/oversikt/?{query}")
    assert page.status_code == 200 and "Berg, Kari" in page.content.decode()
    person = http.get(reverse("person", args=[c.pk])).content.decode()
    assert f'href="{reverse("overview")}?tilbake=1"' in person
    back = http.get(reverse("overview") + "?tilbake=1")
    assert back.status_code == 302
    assert parse_qs(urlparse(back["Location"]).query) == parse_qs(query)
    # the filter block is folded to one line once filters are in use
    html = http.get(back["Location"]).content.decode()
    assert '<details class="app-filters app-filter-details">' in html
    assert '<details class="app-filters app-filter-details" open>' in http.get("/oversikt/").content.decode()


def test_detail_filters(desk):
    o, me, http = desk["office"], desk["me"], desk["http"]
    today = clock.today()
    young = f.client(o, me, birth_date=today.replace(year=today.year - 22), language="ar", needs_interpreter=True,
                     main_goal="SKAFFE_ARBEID")
    old = f.client(o, me, birth_date=today.replace(year=today.year - 55) - dt.timedelta(days=3), manual_followup=True,
                   main_goal="BEHOLDE_ARBEID")
    Client.objects.filter(pk=young.pk).update(municipality="Bodø")
    Client.objects.filter(pk=old.pk).update(municipality="Oslo")
    services.add_activity(user=me.user, client=old, title="Jobbklubb", type="course")
    assert _api_ids(http, age_band="under25") == [young.pk]
    assert _api_ids(http, age_band="50_59") == [old.pk]
    assert _api_ids(http, language="AR") == [young.pk]
    assert _api_ids(http, interpreter=True) == [young.pk]
    assert _api_ids(http, main_goal="BEHOLDE_ARBEID") == [old.pk]
    assert _api_ids(http, activity_type="course") == [old.pk]
    assert _api_ids(http, followup_mode="manual") == [old.pk]
    assert _api_ids(http, followup_mode="digital") == [young.pk]
    assert _api_ids(http, municipality="bodø") == [young.pk]
    resp = http.get("/api/v1/overview", {"age_band": "toddler"})
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "age_band"


def test_saved_filters_per_user_and_unknown_fields_write_nothing(desk):
    me, http = desk["me"], desk["http"]
    resp = http.post("/api/v1/saved-filters", {"name": "Haster", "params": {"status": "overdue", "sort": "name"}},
                     content_type="application/json")
    assert resp.status_code == 201
    saved = resp.json()
    assert saved["params"] == {"status": "overdue", "sort": "name"}
    resp = http.post("/api/v1/saved-filters", {"name": "Rart", "params": {"status": "overdue", "colour_of_sky": "blå"}},
                     content_type="application/json")
    assert resp.status_code == 422
    body = resp.json()
    assert "colour_of_sky" in body["message"] and [d["field"] for d in body["detail"]] == ["colour_of_sky"]
    resp = http.post("/api/v1/saved-filters", {"name": "Feil", "params": {"status": "someday"}}, content_type="application/json")
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "status"
    assert list(SavedFilter.objects.values_list("name", flat=True)) == ["Haster"]
    # per user: a colleague sees none of mine and cannot delete them
    other = HttpClient()
    other.force_login(desk["colleague"].user)
    assert other.get("/api/v1/saved-filters").json() == []
    assert other.delete(f"/api/v1/saved-filters/{saved['id']}").status_code == 404
    # the page lists it as a link, and the web form refuses unknown fields with the message
    link = re.search(r'href="/oversikt/\?([^"]*)">Haster</a>', http.get("/oversikt/").content.decode())
    assert parse_qs(link.group(1).replace("&amp;", "&")) == {"status": ["overdue"], "sort": ["name"]}
    resp = http.post(reverse("saved_filter_new"), {"name": "Web", "query": "status=overdue&hemmelig=1"}, follow=True)
    assert "hemmelig" in resp.content.decode() and not SavedFilter.objects.filter(name="Web").exists()
    assert http.delete(f"/api/v1/saved-filters/{saved['id']}").status_code == 204
    assert not SavedFilter.objects.exists()
    with pytest.raises(InvalidInput):
        services.save_filter(user=me.user, name="x", params={"page": "2"})


def test_chosen_columns(desk):
    o, me, http = desk["office"], desk["me"], desk["http"]
    f.client(o, me)
    resp = http.put("/api/v1/overview/columns", {"columns": ["deadline", "reminder"]}, content_type="application/json")
    assert resp.json() == {"columns": ["deadline", "reminder"]}
    html = http.get("/oversikt/").content.decode()
    assert "Neste frist" in html and "Tiltak nå</th>" not in html
    resp = http.put("/api/v1/overview/columns", {"columns": ["deadline", "shoe_size"]}, content_type="application/json")
    assert resp.status_code == 422
    assert OverviewSettings.objects.get(owner=me).columns == ["deadline", "reminder"]


def test_reminder_in_overview_and_refused_in_the_past(desk):
    o, me, http = desk["office"], desk["me"], desk["http"]
    c = f.client(o, me)
    resp = http.put(f"/api/v1/clients/{c.pk}/reminder", {"note": "Spør om CV", "deadline": str(clock.today() - dt.timedelta(days=1))},
                    content_type="application/json")
    assert resp.status_code == 422 and resp.json()["detail"][0]["field"] == "deadline"
    assert not Reminder.objects.exists()
    resp = http.post(reverse("reminder_edit", args=[c.pk]), {"note": "Spør om CV", "deadline": "2001-01-01"})
    assert resp.status_code == 200 and "Fristen kan ikke være tilbake i tid." in resp.content.decode()
    assert not Reminder.objects.exists()
    due = clock.today() + dt.timedelta(days=2)
    resp = http.post(reverse("reminder_edit", args=[c.pk]), {"note": "Spør om CV", "deadline": due.isoformat()})
    assert resp.status_code == 302
    row = http.get("/api/v1/overview").json()["results"][0]
    assert (row["reminder"], row["reminder_deadline"]) == ("Spør om CV", due.isoformat())
    assert "Spør om CV" in http.get("/oversikt/").content.decode()
    # nobody else sees it, not even the office's leader
    leader = f.staff("team_leader", "counsellor", offices=[o])
    other = HttpClient()
    other.force_login(leader.user)
    rows = other.get("/api/v1/overview", {"scope": "office"}).json()["results"]
    assert [r["reminder"] for r in rows] == [""]
    assert http.delete(f"/api/v1/clients/{c.pk}/reminder").status_code == 204
    assert not Reminder.objects.exists()


def test_categories_on_many_clients_all_or_nothing_and_filterable(desk):
    o, me, http = desk["office"], desk["me"], desk["http"]
    mine = [f.client(o, me) for _ in range(3)]
    elsewhere = f.client(f.office(f.county()), None)
    resp = http.post("/api/v1/categories", {"clients": [mine[0].pk, elsewhere.pk], "colour": "green"},
                     content_type="application/json")
    assert resp.status_code == 403 and not ClientCategory.objects.exists()
    resp = http.post("/api/v1/categories", {"clients": [mine[0].pk], "colour": "pink"}, content_type="application/json")
    assert resp.status_code == 422 and not ClientCategory.objects.exists()
    resp = http.post(reverse("category_bulk"), {"clients": [mine[0].pk, mine[2].pk], "colour": "green"})
    assert resp.status_code == 302
    assert sorted(_api_ids(http, category="green")) == sorted([mine[0].pk, mine[2].pk])
    assert {r["category"] for r in http.get("/api/v1/overview").json()["results"]} == {"green", ""}
    # per counsellor: the colleague's categories are their own
    services.set_category(user=desk["colleague"].user, clients=[mine[1].pk], colour="blue")
    assert _api_ids(http, category="blue") == []
    assert http.post("/api/v1/categories", {"clients": [mine[0].pk], "colour": ""},
                     content_type="application/json").json() == {"changed": 1}
    assert sorted(_api_ids(http, category="green")) == [mine[2].pk]
    with pytest.raises(AccessDenied):
        services.set_category(user=f.client(o, None, login=True).user, clients=[mine[0].pk], colour="green")
