"""Review findings: numbers no row can have (out of the database's integer range, non-numeric
ids in form posts) get a 4xx with a field and a reason, never a 500."""

import json

import pytest
from django.urls import reverse

from skreddersy.core.errors import InvalidInput
from skreddersy.measures import services
from skreddersy.measures.models import NationalTarget
from tests.measures.test_pages_and_api import login
from tests.measures.test_pages_and_api import site as site  # noqa: F401, F811  (the fixture)

BIG = 99999999999999999999  # beyond 64 bits


def _json(r):
    return json.loads(r.content)


@pytest.mark.parametrize("query", [f"county_id={BIG}", f"office_id={BIG}"])
def test_api_catalogue_with_an_id_out_of_range_is_422_naming_the_field(site, query):
    c = login(site, "counsellor")
    r = c.get(f"/api/v1/tiltak/tilbud?{query}")
    assert r.status_code == 422
    assert _json(r)["detail"][0]["field"] == query.split("=")[0]


def test_api_compare_with_an_id_out_of_range_is_404(site):
    """An id beyond 64 bits is a missing offering (404, the one not-found answer), never a 500."""
    c = login(site, "counsellor")
    r = c.get(f"/api/v1/tiltak/sammenlign?id={BIG}&id={site['best'].pk}")
    assert r.status_code == 404
    assert _json(r)["code"] == "not_found"


def test_compare_page_with_an_id_out_of_range_is_a_message(site):
    c = login(site, "counsellor")
    r = c.get(reverse("measure_compare") + f"?id={BIG}&id={site['best'].pk}")
    assert r.status_code == 302 and r["Location"].startswith(reverse("measure_catalogue"))


def test_outcomes_with_a_county_out_of_range_is_4xx_on_page_and_api(site):
    c = login(site, "counsellor")
    r = c.get(f"/api/v1/tiltak/resultater?county_id={BIG}")
    assert r.status_code == 422 and _json(r)["detail"][0]["field"] == "county_id"
    r = c.get(reverse("measure_outcomes") + f"?fylke={BIG}")
    assert r.status_code == 422  # InvalidInput is 422 on pages as in the API (it was 400 on this page)


@pytest.mark.parametrize("places,budget,field", [(2**31, 0, "places"), (BIG, 0, "places"), (1, 2**63, "budget")])
def test_national_target_beyond_the_column_range_is_refused_with_field(site, places, budget, field):
    with pytest.raises(InvalidInput) as exc:
        services.set_national_target(user=site["admin"].user, year=2027, measure_type=site["types"]["JOBBKLUBB"],
                                     priority_group="", places=places, budget=budget)
    assert field in exc.value.errors
    assert not NationalTarget.objects.filter(year=2027).exists()


def test_api_national_target_beyond_range_is_422(site):
    c = login(site, "admin")
    r = c.put("/api/v1/tiltak/tildeling/mal", data=json.dumps({"year": 2027, "measure_type": "JOBBKLUBB", "places": BIG}),
              content_type="application/json")
    assert r.status_code == 422
    assert _json(r)["detail"][0]["field"] == "places"


def test_national_page_with_places_beyond_range_is_a_message(site):
    c = login(site, "admin")
    r = c.post(reverse("measure_allocation_national"), {"kind": "target", "year": 2027, "measure_type": site["types"]["JOBBKLUBB"].pk,
                                                        "places": str(BIG), "budget": "0"})
    assert r.status_code == 302
    assert not NationalTarget.objects.filter(year=2027).exists()


@pytest.mark.parametrize("raw", ["abc", "1.5", "²", str(BIG), ""])
def test_expected_fill_post_with_a_malformed_allocation_id_is_a_message(site, raw):
    c = login(site, "office_leader")
    r = c.post(reverse("measure_allocation") + f"?kontor={site['bergen'].pk}", {"allocation": raw, "expected_filled": "1"})
    assert r.status_code == 302
    site["oa"].refresh_from_db()
    assert site["oa"].expected_filled == 0


@pytest.mark.parametrize("path", [
    f"/tiltak/tilbud/{BIG}/", f"/tiltak/matching/{BIG}/", f"/tiltak/onsker/{BIG}/", f"/tiltak/tildeling/?kontor={BIG}&ar={BIG}",
    f"/api/v1/tiltak/tilbud/{BIG}", f"/api/v1/tiltak/matching/{BIG}", f"/api/v1/tiltak/henvisninger/{BIG}",
    f"/api/v1/tiltak/brukere/{BIG}/henvisninger", f"/api/v1/tiltak/tildeling/kontor/{BIG}?year={BIG}",
])
def test_ids_beyond_64_bits_in_paths_are_4xx_on_both_databases(site, path):
    for who in ("counsellor", "office_leader"):
        r = login(site, who).get(path)
        assert 400 <= r.status_code < 500, (who, path, r.status_code)
