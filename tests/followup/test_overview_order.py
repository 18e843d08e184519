"""The overview lists clients in Norwegian alphabetical order (Æ, Ø, Å after Z; "de Vries"
among the D's; Aasen with Å), on both databases, on the page and in the API, and keeps that order
when a name is changed."""

from __future__ import annotations

import pytest
from django.urls import reverse

from skreddersy.clients.models import Client
from tests import factories as f
from tests.followup.test_views_pages import login

LAST_NAMES = ["Aasen", "Ødegård", "Ærø", "Ås", "de Vries", "Berg", "Zahl", "Sørensen", "Dahl", "Østby"]
NORWEGIAN_ORDER = ["Berg", "Dahl", "de Vries", "Sørensen", "Zahl", "Ærø", "Ødegård", "Østby", "Ås", "Aasen"]


@pytest.fixture
def caseload(db):
    office = f.office(f.county("46"), name="Nav Alfa")
    counsellor = f.staff("counsellor", "team_leader", offices=[office])
    clients = []
    for last in LAST_NAMES:
        c = f.client(office, counsellor)
        c.first_name, c.last_name = "Kari", last
        c.save()
        clients.append(c)
    return counsellor, clients


def _api_names(http, **params):
    data = http.get("/api/v1/overview", params).json()
    return [r["client"]["name"].split(" ", 1)[1] for r in data["results"]]


def test_overview_sorts_names_in_norwegian_order(caseload):
    counsellor, _ = caseload
    http = login(counsellor.user)
    assert _api_names(http) == NORWEGIAN_ORDER
    assert _api_names(http, scope="office") == NORWEGIAN_ORDER
    html = http.get(reverse("overview")).content.decode()
    positions = [html.index(f">{name}, Kari<") for name in NORWEGIAN_ORDER]  # rows show "Etternavn, Fornavn"
    assert positions == sorted(positions)


def test_paging_follows_the_same_order(caseload):
    counsellor, _ = caseload
    http = login(counsellor.user)
    pages = [_api_names(http, per_page=3, page=p) for p in (1, 2, 3, 4)]
    assert [n for page in pages for n in page] == NORWEGIAN_ORDER


def test_a_renamed_client_moves_to_its_new_place(caseload):
    counsellor, clients = caseload
    berg = next(c for c in clients if c.last_name == "Berg")
    berg.last_name = "Øvrebø"
    berg.save(update_fields=["last_name"])
    assert Client.objects.get(pk=berg.pk).last_name == "Øvrebø"
    expected = [n for n in NORWEGIAN_ORDER if n != "Berg"]
    expected.insert(expected.index("Ås"), "Øvrebø")
    assert _api_names(login(counsellor.user)) == expected


def test_ties_on_other_sorts_break_in_norwegian_order(caseload):
    """Sorting by deadline or contact puts clients with none in name order among themselves."""
    counsellor, _ = caseload
    http = login(counsellor.user)
    assert _api_names(http, sort="deadline") == NORWEGIAN_ORDER
    assert _api_names(http, sort="contact") == NORWEGIAN_ORDER
    assert _api_names(http, sort="awaiting") == NORWEGIAN_ORDER


@pytest.mark.parametrize("q,found", [
    ("øde", ["Ødegård"]),
    ("ØDEGÅRD", ["Ødegård"]),
    ("aas", ["Ås", "Aasen"]),  # "aa" is å
    ("ås", ["Ås", "Aasen"]),
    ("Vries", ["de Vries"]),
    ("kari ærø", ["Ærø"]),
    ("kari sorensen", []),  # ø is a letter of its own, not an o with a stroke
])
def test_search_by_name_ignores_case_and_knows_norwegian_letters(caseload, q, found):
    counsellor, _ = caseload
    assert _api_names(login(counsellor.user), q=q) == found
