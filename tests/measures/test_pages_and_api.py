"""Access for every page and endpoint, the htmx fragment vs full page, and bad input over HTTP
(4xx with field and reason, never a 500)."""

import json

import pytest
from django.urls import reverse

from skreddersy.core.models import AuditEntry
from skreddersy.measures import services
from skreddersy.measures.models import MatchChoice, Referral
from tests import factories as f
from tests.measures.conftest import mapping, offering


@pytest.fixture
def site(world, client):
    t = world["types"]
    mapping(world["client"], world["counsellor"].user, language=3, work_experience=2)
    best = offering(t["ARBEIDSTRENING"], [world["bergen"]], title="Arbeidstrening Bergen")
    lower = offering(t["JOBBKLUBB"], [world["bergen"]], title="Jobbklubb Bergen", capacity=1)
    admin = world["admin"].user
    target = services.set_national_target(user=admin, year=2026, measure_type=t["JOBBKLUBB"], priority_group="", places=10, budget=0)
    ca = services.allocate_to_county(user=admin, target=target, county=world["county"], places=10, budget=0)
    oa = services.allocate_to_office(user=admin, county_allocation=ca, office=world["bergen"], places=5, budget=0)
    return {**world, "best": best, "lower": lower, "target": target, "ca": ca, "oa": oa, "http": client}


def login(site, who):
    c = site["http"]
    c.logout()
    if who == "anonymous":
        return c
    user = site["client"].user if who == "client" else site[who].user
    c.force_login(user)
    return c


def pages(site):
    cid = site["client"].pk
    return {
        "catalogue": reverse("measure_catalogue"),
        "offering": reverse("measure_offering", args=[site["best"].pk]),
        "compare": reverse("measure_compare") + f"?id={site['best'].pk}&id={site['lower'].pk}",
        "matching": reverse("matching_panel", args=[cid]),
        "preferences": reverse("measure_preferences", args=[cid]),
        "allocation": reverse("measure_allocation") + f"?kontor={site['bergen'].pk}",
        "national": reverse("measure_allocation_national"),
        "outcomes": reverse("measure_outcomes"),
    }


# who -> pages they may open (all others: 403, or 404 for a page about a client they may not see,
# or the login page for anonymous)
ABOUT_A_CLIENT = {"matching", "preferences"}
ALLOWED = {
    "counsellor": {"catalogue", "offering", "compare", "matching", "preferences", "outcomes"},
    "other_counsellor": {"catalogue", "offering", "compare", "outcomes"},
    "office_leader": {"catalogue", "offering", "compare", "matching", "preferences", "allocation", "outcomes"},
    "voss_leader": {"catalogue", "offering", "compare", "outcomes"},
    "admin": {"catalogue", "offering", "compare", "allocation", "national", "outcomes"},
    "analyst": {"catalogue", "offering", "compare", "outcomes"},
    "client": {"preferences"},
}


@pytest.mark.parametrize("who", sorted(ALLOWED))
def test_page_access(site, who):
    c = login(site, who)
    for name, url in pages(site).items():
        r = c.get(url)
        # a page about a client the user may not see answers as for a client that does not exist
        expected = 200 if name in ALLOWED[who] else 404 if name in ABOUT_A_CLIENT and who != "client" else 403
        if name == "allocation" and who == "voss_leader":
            expected = 403  # may see the page for Voss, not Bergenhus
        assert r.status_code == expected, (who, name, r.status_code)


def test_anonymous_is_sent_to_login_and_api_says_401(site):
    c = login(site, "anonymous")
    for url in pages(site).values():
        r = c.get(url)
        assert r.status_code == 302 and "/logg-inn/" in r["Location"]
    r = c.get("/api/v1/tiltak/tilbud")
    assert r.status_code == 401


def test_matching_panel_is_an_htmx_fragment_or_a_full_page_and_audited(site):
    c = login(site, "counsellor")
    url = reverse("matching_panel", args=[site["client"].pk])
    frag = c.get(url, HTTP_HX_REQUEST="true").content.decode()
    assert frag.lstrip().startswith("<section id=\"matching-panel\"") and "<html" not in frag
    assert "Dekker språk (alvorlighet 3) og arbeidserfaring (2)" in frag
    full = c.get(url).content.decode()
    assert "<html" in full and 'id="matching-panel"' in full
    assert AuditEntry.objects.filter(client_id=site["client"].pk, what="tiltak: matching", action="read").count() == 2


def test_choosing_over_htmx_requires_reason_for_lower_fit(site):
    c = login(site, "counsellor")
    url = reverse("matching_choose", args=[site["client"].pk])
    r = c.post(url, {"offering": site["lower"].pk, "waiting_list": "on"}, HTTP_HX_REQUEST="true")
    # htmx swaps only 2xx responses, so the fragment comes back 200 with the error in an alert
    assert r.status_code == 200 and 'data-color="danger"' in r.content.decode() and "nr. 2 etter treff" in r.content.decode()
    assert not Referral.objects.exists()
    r = c.post(url, {"offering": site["lower"].pk, "reason": "Bruker ønsker kort kurs først", "waiting_list": "on"}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "har fått plass" in r.content.decode()
    assert MatchChoice.objects.get().fit_rank == 2


def test_referral_actions_over_http(site):
    c = login(site, "counsellor")
    ref = services.refer(user=site["counsellor"].user, client=site["client"], offering=site["lower"])
    r = c.post(reverse("referral_action", args=[ref.pk, "trekk"]), {"reason": ""}, HTTP_HX_REQUEST="true")
    assert r.status_code == 200 and "Skriv hvorfor" in r.content.decode()
    r = c.post(reverse("matching_choose", args=[site["client"].pk]), {"offering": site["lower"].pk})
    assert r.status_code == 422  # without htmx: the full page with the error and a 4xx status
    r = c.post(reverse("referral_action", args=[ref.pk, "trekk"]), {"reason": "Fikk jobb"})
    assert r.status_code == 302
    ref.refresh_from_db()
    assert ref.status == "withdrawn"
    other = login(site, "other_counsellor")
    assert other.post(reverse("referral_action", args=[ref.pk, "trekk"]), {"reason": "x"}).status_code == 404  # a case the user may not see answers as a missing one


def test_catalogue_filters_and_compare(site):
    c = login(site, "counsellor")
    html = c.get(reverse("measure_catalogue"), {"domain": "language"}).content.decode()
    assert "Arbeidstrening Bergen" in html and "Jobbklubb Bergen" not in html
    html = c.get(reverse("measure_catalogue"), {"need_group": "STANDARD_INNSATS"}).content.decode()
    assert "Jobbklubb Bergen" in html and "Arbeidstrening Bergen" not in html
    r = c.get(reverse("measure_catalogue"), {"start_from": "2026-12-01", "start_to": "2026-11-01"})
    assert r.status_code == 200 and "Til-dato kan ikke være før fra-dato" in r.content.decode()
    r = c.get(reverse("measure_compare") + f"?id={site['best'].pk}")
    assert r.status_code == 302
    r = c.get(reverse("measure_compare") + "?id=1&id=abc")
    assert r.status_code == 302


def test_leader_sets_expected_fill_on_the_page(site):
    c = login(site, "office_leader")
    r = c.post(reverse("measure_allocation") + f"?kontor={site['bergen'].pk}", {"allocation": site["oa"].pk, "expected_filled": 9})
    assert r.status_code == 302
    site["oa"].refresh_from_db()
    assert site["oa"].expected_filled == 0  # 9 > 5 places: refused
    c.post(reverse("measure_allocation") + f"?kontor={site['bergen'].pk}", {"allocation": site["oa"].pk, "expected_filled": 4})
    site["oa"].refresh_from_db()
    assert site["oa"].expected_filled == 4
    html = c.get(reverse("measure_allocation") + f"?kontor={site['bergen'].pk}").content.decode()
    assert "Jobbklubb" in html


def test_admin_over_allocation_on_the_national_page_is_a_message_not_a_500(site):
    c = login(site, "admin")
    r = c.post(reverse("measure_allocation_national"), {"kind": "county", "parent": site["target"].pk,
                                                         "target_id": site["other_county"].pk, "places": 1, "budget": 0}, follow=True)
    assert r.status_code == 200 and "0 er ikke fordelt" in r.content.decode()


# --- API -------------------------------------------------------------------------------------

def api(c, method, path, body=None):
    kwargs = {"content_type": "application/json", "data": json.dumps(body)} if body is not None else {}
    return getattr(c, method)(f"/api/v1/tiltak{path}", **kwargs)


def test_api_match_choose_refer_and_errors(site):
    c = login(site, "counsellor")
    cid = site["client"].pk
    r = api(c, "get", f"/matching/{cid}")
    assert r.status_code == 200
    rows = r.json()["rows"]
    assert rows[0]["title"] == "Arbeidstrening Bergen" and rows[0]["explanation"].startswith("Dekker språk (alvorlighet 3)")
    assert {"free_places", "availability", "office_expects_fill"} <= set(rows[0])
    r = api(c, "post", f"/matching/{cid}/valg", {"offering_id": site["lower"].pk})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "reason"
    r = api(c, "post", f"/matching/{cid}/valg", {"offering_id": site["best"].pk})
    assert r.status_code == 201 and r.json()["fit_rank"] == 1 and r.json()["referral"]["status"] == "accepted"
    other = f.client(site["bergen"], site["counsellor"], need_group="STANDARD_INNSATS")
    third = f.client(site["bergen"], site["counsellor"], need_group="STANDARD_INNSATS")
    assert api(c, "post", "/henvisninger", {"client_id": other.pk, "offering_id": site["lower"].pk}).json()["status"] == "accepted"
    r = api(c, "post", "/henvisninger", {"client_id": third.pk, "offering_id": site["lower"].pk, "waiting_list": True})
    assert r.status_code == 201 and r.json()["status"] == "waiting" and r.json()["waiting_position"] == 1
    r = api(c, "post", "/henvisninger", {"client_id": third.pk, "offering_id": 99999})
    assert r.status_code == 404 and r.json()["code"] == "not_found"  # every 404 says the same (hidden = missing)
    r = api(c, "post", "/henvisninger", {"client_id": "x", "offering_id": site["lower"].pk})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "client_id"
    refs = api(c, "get", f"/brukere/{third.pk}/henvisninger").json()
    assert refs[0]["waiting_position"] == 1


def test_api_access(site):
    cid = site["client"].pk
    other = login(site, "other_counsellor")
    assert api(other, "get", f"/matching/{cid}").status_code == 404  # hidden client: as a missing one
    assert api(other, "post", "/henvisninger", {"client_id": cid, "offering_id": site["best"].pk}).status_code == 404  # hidden client: as a missing one
    assert api(other, "get", f"/brukere/{cid}/henvisninger").status_code == 404  # hidden client: as a missing one
    assert api(other, "get", "/tilbud").status_code == 200
    assert api(other, "get", f"/tildeling/kontor/{site['bergen'].pk}").status_code == 403
    assert api(other, "get", "/resultater").status_code == 200
    assert api(other, "put", f"/tildeling/mal/{site['target'].pk}/fylke/{site['county'].pk}", {"places": 1}).status_code == 403
    me = login(site, "client")
    assert api(me, "get", "/tilbud").status_code == 403
    assert api(me, "get", f"/matching/{cid}").status_code == 403
    assert api(me, "get", f"/brukere/{cid}/henvisninger").status_code == 200  # their own referrals
    r = api(me, "put", f"/brukere/{cid}/onsker", {"wanted_domains": ["education"], "max_travel_km": 20})
    assert r.status_code == 200 and r.json()["wanted_domains"] == ["education"]
    r = api(me, "put", f"/brukere/{cid}/onsker", {"wanted_domains": ["sailing"]})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "wanted_domains"
    leader = login(site, "office_leader")
    rows = api(leader, "get", f"/tildeling/kontor/{site['bergen'].pk}?year=2026").json()
    assert rows[0]["places"] == 5
    assert api(leader, "put", f"/tildeling/kontor-tildeling/{site['oa'].pk}/forventet", {"expected_filled": 6}).status_code == 422
    admin = login(site, "admin")
    r = api(admin, "put", f"/tildeling/fylke-tildeling/{site['ca'].pk}/kontor/{site['voss'].pk}", {"places": 6})
    assert r.status_code == 422 and r.json()["detail"][0]["field"] == "places"
    assert api(admin, "put", f"/tildeling/fylke-tildeling/{site['ca'].pk}/kontor/{site['voss'].pk}", {"places": 5}).status_code == 200
    assert api(admin, "get", f"/matching/{cid}").status_code == 404  # administrators see no client's case: as a missing one
